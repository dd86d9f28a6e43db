#!/usr/bin/env bash
# A local Redis Cluster of three masters from Debian's redis-server, on 127.0.0.1 (used by `make run REDIS=cluster`).
# Usage: scripts/redis-cluster.sh DATA_DIR PORT PORT PORT
# Each node keeps its data (AOF) and its cluster state (nodes.conf) in DATA_DIR/<port>; the cluster is created
# (`redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`) the first time only, later runs find it formed.
# Prints "Redis Cluster ready" once every node reports cluster_state:ok, then waits. SIGTERM (or SIGINT, when run in
# the foreground) stops the three servers. Each node also needs its cluster bus port, PORT + 10000.
set -euo pipefail
[ "$#" -eq 4 ] || { echo "usage: $0 DATA_DIR PORT PORT PORT" >&2; exit 2; }
mkdir -p "$1"; DIR="$(cd "$1" && pwd)"; shift
PORTS=("$@")

PIDS=()
stop() {
  trap - TERM INT EXIT
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop TERM INT EXIT

for port in "${PORTS[@]}"; do
  mkdir -p "$DIR/$port"
  redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
    --appendonly yes --save "" --dir "$DIR/$port" --logfile "$DIR/$port/redis.log" &
  PIDS+=($!)
done

for port in "${PORTS[@]}"; do
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null || { echo "redis-server did not start on $port; see $DIR/$port/redis.log" >&2; exit 1; }
done

assigned="$(redis-cli -p "${PORTS[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')"
if [ "$assigned" = "0" ]; then
  nodes=()
  for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 \
    || { echo "redis-cli --cluster create failed; see $DIR/create.log" >&2; exit 1; }
fi

for _ in $(seq 1 300); do
  ok=0
  for port in "${PORTS[@]}"; do
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && ok=$((ok + 1))
  done
  [ "$ok" -eq "${#PORTS[@]}" ] && break
  sleep 0.1
done
[ "$ok" -eq "${#PORTS[@]}" ] || { echo "the cluster did not reach cluster_state:ok" >&2; exit 1; }
echo "Redis Cluster ready on 127.0.0.1:${PORTS[*]}"
# `wait` returns when a signal arrives, so the trap runs at once.
wait
