#!/usr/bin/env bash
# `make run`: Redis (AOF on, data under .data/), every service that exists, the gateway on :8080, demo data, dev tokens.
# `make run REDIS=cluster`: the same on a local Redis Cluster of three masters (scripts/redis-cluster.sh, ports 7001-7003).
# Ctrl-C (or SIGTERM) stops everything this script started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
REDIS="${REDIS:-single}"
REDIS_PORT="${REDIS_PORT:-6380}"
REDIS_CLUSTER_PORTS="${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
GATEWAY_MANAGEMENT_PORT="${GATEWAY_MANAGEMENT_PORT:-8081}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9091}"
case "$REDIS" in single|cluster) ;; *) echo "REDIS must be single or cluster (it is '$REDIS')" >&2; exit 2 ;; esac
DATA="$ROOT/.data"
mkdir -p "$DATA/redis" "$DATA/logs"

bash scripts/ensure-redis.sh

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  # SIGTERM, not SIGINT: background jobs of a non-interactive shell ignore SIGINT.
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop_all INT TERM EXIT

if [ "$REDIS" = cluster ]; then
  echo "Starting a Redis Cluster of three masters on 127.0.0.1 ports $REDIS_CLUSTER_PORTS (AOF on, data in .data/redis-cluster)"
  # shellcheck disable=SC2086 # the ports are words
  bash scripts/redis-cluster.sh "$DATA/redis-cluster" $REDIS_CLUSTER_PORTS > "$DATA/logs/redis-cluster.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    grep -q "Redis Cluster ready" "$DATA/logs/redis-cluster.log" 2>/dev/null && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "Redis Cluster ready" "$DATA/logs/redis-cluster.log" \
    || { echo "The Redis Cluster did not start; see .data/logs/redis-cluster.log" >&2; exit 1; }
  # Several endpoints, no database number (a cluster has database 0 only); the client learns the slot map itself.
  REDIS_CONFIGURATION="$(for p in $REDIS_CLUSTER_PORTS; do printf '127.0.0.1:%s,' "$p"; done)"
  REDIS_CONFIGURATION="${REDIS_CONFIGURATION%,}"
else
  echo "Starting Redis on 127.0.0.1:$REDIS_PORT (AOF on, data in .data/redis)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes --dir "$DATA/redis" --save "" \
    --logfile "$DATA/logs/redis.log" &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "Redis did not start; see .data/logs/redis.log" >&2; exit 1; }
  REDIS_CONFIGURATION="127.0.0.1:$REDIS_PORT"
fi

echo "Building..."
if ! dotnet build Csp.slnx -v quiet -nologo > "$DATA/logs/build.log" 2>&1; then
  grep -E "error|Error" "$DATA/logs/build.log" | head -20 >&2
  echo "The build failed; the whole log is in .data/logs/build.log" >&2
  exit 1
fi

# A signing key for the development token issuer, made on this machine and never committed.
KEY_FILE="$DATA/dev-signing-key"
[ -s "$KEY_FILE" ] || head -c 48 /dev/urandom | base64 -w0 > "$KEY_FILE"
export Auth__DevIssuer__Enabled=true
export Auth__DevIssuer__SigningKey="$(cat "$KEY_FILE")"
export Auth__DevIssuer__UsersFile="$ROOT/demo/users.json"
# Services call each other over gRPC with service tokens: each signs its own with the development key for its name (no
# token endpoint is configured locally), and each service's appsettings.json lists who may call it (Auth:AllowedServiceCallers).
# Development, not Production: the development issuer refuses to start in Production.
export Redis__Configuration="$REDIS_CONFIGURATION"
export Redis__Database=0
export DemoData__UsersPath="$ROOT/demo/users.json"
export ASPNETCORE_ENVIRONMENT=Development

start() { # name, project dir, extra env...
  local name="$1" dir="$2"; shift 2
  local dll="$dir/bin/Debug/net10.0/$(basename "$dir").dll"
  [ -f "$ROOT/$dll" ] || return 0
  echo "Starting $name (log: .data/logs/$name.log)"
  (cd "$ROOT/$dir" && exec env "$@" dotnet "bin/Debug/net10.0/$(basename "$dir").dll" >"$DATA/logs/$name.log" 2>&1) &
  PIDS+=($!)
}

# Ports: REST / gRPC come from each service's appsettings.json; the management port (/metrics) is set here, one per process.
start actionplan services/ActionPlan/Csp.ActionPlan DemoData__Path="$ROOT/demo/actionplan.json" Ports__Management=5103
start risk services/Risk/Csp.Risk DemoData__Path="$ROOT/demo/risks.json" Risk__ActionPlanGrpc=http://127.0.0.1:5102 Ports__Management=5203
start funding services/Funding/Csp.Funding DemoData__Path="$ROOT/demo/funding.json" Funding__ActionPlanGrpc=http://127.0.0.1:5102 Ports__Management=5303
start kpi services/Kpi/Csp.Kpi DemoData__Path="$ROOT/demo/kpis.json" Kpi__ActionPlanGrpc=http://127.0.0.1:5102 Ports__Management=5403
start gateway gateway/Csp.Gateway Urls="http://127.0.0.1:$GATEWAY_PORT" Ports__Management="$GATEWAY_MANAGEMENT_PORT"
# The portal (REST 5501 from its appsettings.json) calls the services through the gateway with the signed-in user's token.
start portal portal/Csp.Portal Ports__Management=5503 Portal__ApiBase="http://127.0.0.1:$GATEWAY_PORT"

# Ready means every service answers too, not just the gateway: a first call the moment the gateway was ready used to
# find its service still starting (503). REST ports from each service's appsettings.json.
for port in 5101 5201 5301 5401 "$GATEWAY_PORT"; do
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/healthz/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
done

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:5501/healthz/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
# Prometheus (Debian's package, installed if missing) scraping every management port, with the chart's rule files
# (scripts/prometheus-local.yml); the portal is scraped only if its management port answers.
bash scripts/ensure-prometheus.sh >/dev/null
mkdir -p "$DATA/prometheus" "$DATA/prometheus-targets"
if curl -fs http://127.0.0.1:5503/metrics >/dev/null 2>&1; then
  echo '[{"targets":["127.0.0.1:5503"],"labels":{"part_of":"csp-platform"}}]' > "$DATA/prometheus-targets/portal.json"
else echo '[]' > "$DATA/prometheus-targets/portal.json"; fi
echo "Starting Prometheus on 127.0.0.1:$PROMETHEUS_PORT (log: .data/logs/prometheus.log, data in .data/prometheus)"
prometheus --config.file="$ROOT/scripts/prometheus-local.yml" --storage.tsdb.path="$DATA/prometheus" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" >"$DATA/logs/prometheus.log" 2>&1 &
PIDS+=($!)

cat <<MSG

Portal (sign in as a demo user): http://localhost:$GATEWAY_PORT/
CSP performance platform is running: http://localhost:$GATEWAY_PORT

Sign in as a demo user (development token issuer, local only):
  curl -s -X POST http://localhost:$GATEWAY_PORT/dev/token -H 'Content-Type: application/json' -d '{"user":"sam.patel"}'
  then send:  Authorization: Bearer <access_token>
Demo users (GET http://localhost:$GATEWAY_PORT/dev/users):
MSG
python3 - "$ROOT/demo/users.json" <<'PY' 2>/dev/null || grep -o '"id": *"[^"]*"' demo/users.json
import json, sys
for u in json.load(open(sys.argv[1]))["users"]:
    print(f"  {u['id']:<16} {','.join(u['roles']):<30} {u.get('agency') or '-':<22} {u.get('description','')}")
PY
cat <<MSG

Try:  TOKEN=\$(curl -s -X POST http://localhost:$GATEWAY_PORT/dev/token -H 'Content-Type: application/json' -d '{"user":"sam.patel"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
      curl -s -H "Authorization: Bearer \$TOKEN" 'http://localhost:$GATEWAY_PORT/api/partnerships/medway/actions?overdue=true'
      curl -s -H "Authorization: Bearer \$TOKEN" 'http://localhost:$GATEWAY_PORT/api/partnerships/medway/kpis/scorecard'
      curl -s 'http://localhost:$GATEWAY_PORT/public/partnerships/medway/scorecard'   (no sign-in: the public page)
Metrics (Prometheus, management ports only): http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/metrics (gateway),
  http://127.0.0.1:5103/metrics (action-plan), http://127.0.0.1:5203/metrics (risk), http://127.0.0.1:5303/metrics (funding),
  http://127.0.0.1:5403/metrics (kpi).
Prometheus: http://127.0.0.1:$PROMETHEUS_PORT (alerts: /alerts; the README has example queries).
Redis: $REDIS ($REDIS_CONFIGURATION).
Logs are in .data/logs/. Press Ctrl-C to stop everything.
MSG
wait
