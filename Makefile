# The two commands: `make run` (whole platform locally) and `make test` (every test). See README.md.
.PHONY: run test test-cluster test-faults test-faults-cluster bench build redis clean

# `make run REDIS=cluster` runs the platform on a local three-master Redis Cluster instead of one redis-server.
REDIS ?= single

run:
	@REDIS=$(REDIS) bash scripts/run-local.sh

test:
	@bash scripts/ensure-redis.sh
	dotnet test Csp.slnx

# The end-to-end suite again on a three-master Redis Cluster started by the test kit: fails on any cross-slot command.
test-cluster:
	@bash scripts/ensure-redis.sh
	CSP_TEST_REDIS=cluster dotnet test tests/Csp.EndToEnd.Tests
# The fault suite (docs/reliability.md): the built services as OS processes, killed mid-load, plus a hostile-input run.
# Not part of `make test`: tests/Csp.Faults.Tests is a test project only with -p:CspFaults=true.
test-faults:
	@bash scripts/ensure-redis.sh
	dotnet build Csp.slnx -nologo -v quiet
	@rm -f .data/faults/summary.txt
	@status=0; dotnet test tests/Csp.Faults.Tests --no-build -p:CspFaults=true --logger "console;verbosity=normal" || status=$$?; \
	  echo; echo "Fault suite figures (.data/faults/summary.txt):"; cat .data/faults/summary.txt 2>/dev/null; exit $$status
# The same on a Redis Cluster of three masters (AOF on each): CSP_TEST_REDIS=cluster. A case fails if a service logs a
# cross-slot command (CROSSSLOT, "must involve a single slot").
test-faults-cluster:
	@bash scripts/ensure-redis.sh
	dotnet build Csp.slnx -nologo -v quiet
	@rm -f .data/faults/summary.txt
	@status=0; CSP_TEST_REDIS=cluster dotnet test tests/Csp.Faults.Tests --no-build -p:CspFaults=true --logger "console;verbosity=normal" || status=$$?; \
	  echo; echo "Fault suite figures on a Redis Cluster (.data/faults/summary.txt):"; cat .data/faults/summary.txt 2>/dev/null; exit $$status

bench:
	@bash scripts/ensure-redis.sh
	dotnet run -c Release --project tests/Csp.Benchmarks

build:
	dotnet build Csp.slnx

redis:
	@bash scripts/ensure-redis.sh

clean:
	dotnet clean Csp.slnx
	rm -rf .data
