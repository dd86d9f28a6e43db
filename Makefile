# The two commands: `make run` (whole platform locally) and `make test` (every test). See README.md.
.PHONY: run test bench build redis clean

run:
	@bash scripts/run-local.sh

test:
	@bash scripts/ensure-redis.sh
	dotnet test Csp.slnx

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
