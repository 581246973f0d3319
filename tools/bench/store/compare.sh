#!/usr/bin/env bash
# parley-bench scenario 1 (saturation) against parleyd on SQLite, on PostgreSQL (one node), and
# as a cluster of three nodes on PostgreSQL and Redis, on this machine (docs/benchmarks.md,
# "SQLite and PostgreSQL" and "Three nodes on PostgreSQL and Redis"):
#
#   tools/bench/store/compare.sh [--connections N] [--duration S] [--only sqlite|postgres|cluster]
#
# In the cluster, user u connects to node u % 3 and sends to random other users, so about two
# messages in three cross the bus. All three nodes and Redis share CPU 0 with PostgreSQL: the
# figures show the bus's overhead, not a speed-up.
# PostgreSQL is a fresh cluster in a temporary folder, started here as `nobody` on loopback
# with its defaults (fsync on, synchronous_commit on: an ack is as durable as SQLite's
# --fsync full). parleyd and every PostgreSQL process are pinned to CPU 0, parley-bench to CPU
# 1, so "server" is one core either way. Printed per store: parley-bench's figures (server CPU
# per message is parleyd's own), then the CPU parleyd and PostgreSQL used over the whole run:
# PostgreSQL's CPU per message is about parleyd's figure times their ratio.
# Needs PostgreSQL's server binaries (Debian's postgresql), build/src/app/parleyd and
# build/tools/bench/parley-bench. Runs as root (PostgreSQL runs as nobody).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
connections=200 duration=10 stores="sqlite postgres cluster"
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --only) stores=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/store-compare.XXXXXX)
chmod 755 "$work"
pg_port=15432 http_port=18080 redis_port=16379
pg_started=0 server_pids=() redis_pid=""
stop_servers() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  server_pids=()
}
cleanup() {
  stop_servers
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  [ "$pg_started" = 1 ] && runuser -u nobody -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/pg" "$work/run" && chown nobody "$work/pg" "$work/run"
runuser -u nobody -- "$pg_bin/initdb" -D "$work/pg" -U parley -A trust >"$work/initdb.log"
runuser -u nobody -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/run/pg.log" -w \
  -o "-p $pg_port -k $work/run -c listen_addresses=127.0.0.1" start >/dev/null
pg_started=1
taskset -a -p -c 0 "$(head -1 "$work/pg/postmaster.pid")" >/dev/null

cpu_ticks() {  # utime + stime of the given pids, in clock ticks
  local total=0
  for pid in "$@"; do
    read -r -a stat <"/proc/$pid/stat" 2>/dev/null || continue
    total=$((total + stat[13] + stat[14]))
  done
  echo "$total"
}

start_node() {  # start_node PORT DATA_DIR LOG ARGS...: one parleyd on CPU 0
  local port=$1 data=$2 log=$3
  shift 3
  mkdir -p "$data"
  taskset -c 0 "$root/build/src/app/parleyd" --listen "127.0.0.1:$port" \
    --data-dir "$data" --argon2-ops 1 --argon2-memory-kib 8 \
    --max-frames-per-second 100000 --frame-burst 100000 \
    --login-attempts-per-address 1000000 --registrations-per-address 1000000 \
    --direct-messages-require-friendship false --max-connections 20000 \
    --max-connections-per-address 20000 "$@" >"$log" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return
    sleep 0.1
  done
}

for store in $stores; do
  rm -rf "$work/data"* && mkdir "$work/data"
  store_args=() also=()
  if [ "$store" != sqlite ]; then
    "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U parley -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
    store_args=(--postgres "host=127.0.0.1 port=$pg_port dbname=bench user=parley")
  fi
  if [ "$store" = cluster ]; then
    if [ -z "$redis_pid" ]; then
      taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$work" >"$work/redis.log" 2>&1 &
      redis_pid=$!
      for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    store_args+=(--redis "redis://127.0.0.1:$redis_port")
    start_node "$http_port" "$work/data" "$work/parleyd-cluster-0.log" "${store_args[@]}"
    for n in 1 2; do
      mkdir -p "$work/data-$n"  # every node has the first one's keys (docs/operations.md)
      cp "$work/data/secret.key" "$work/data/vapid_private.pem" "$work/data-$n/"
      start_node $((http_port + n)) "$work/data-$n" "$work/parleyd-cluster-$n.log" "${store_args[@]}"
      also+=(--also-server "http://127.0.0.1:$((http_port + n))")
    done
  else
    start_node "$http_port" "$work/data" "$work/parleyd-$store.log" "${store_args[@]}"
  fi
  # New backends inherit the postmaster's CPU; pin the ones parleyd opened at start too.
  for pid in $(pgrep -u nobody postgres); do taskset -p -c 0 "$pid" >/dev/null; done
  parley_before=$(cpu_ticks "${server_pids[@]}")
  pg_before=$(cpu_ticks $(pgrep -u nobody postgres))
  redis_before=$([ -n "$redis_pid" ] && cpu_ticks "$redis_pid" || echo 0)
  echo "== $store (${#server_pids[@]} node(s))"
  "$root/build/tools/bench/parley-bench" --server "http://127.0.0.1:$http_port" "${also[@]}" \
    --connections "$connections" --rate 0 --warmup 1 --duration "$duration" --drain 2 \
    --pid "${server_pids[0]}" --server-cpu 0 --bench-cpu 1 2>/dev/null | tee "$work/bench.out" |
    grep -E "throughput|server CPU|ack latency|delivery latency|rss per"
  acked=$(sed -n 's/^sent [0-9]*  acked \([0-9]*\) .*/\1/p' "$work/bench.out")
  parley_after=$(cpu_ticks "${server_pids[@]}")
  pg_after=$(cpu_ticks $(pgrep -u nobody postgres))
  redis_after=$([ -n "$redis_pid" ] && cpu_ticks "$redis_pid" || echo 0)
  tick_ms=$((1000 / $(getconf CLK_TCK)))
  parley_ms=$(((parley_after - parley_before) * tick_ms))
  echo "whole run: parleyd (every node) $parley_ms ms CPU," \
    "PostgreSQL $(((pg_after - pg_before) * tick_ms)) ms CPU," \
    "Redis $(((redis_after - redis_before) * tick_ms)) ms CPU; $acked messages acked"
  [ -n "$acked" ] && [ "$acked" -gt 0 ] &&
    echo "whole run: parleyd CPU per acked message $((parley_ms * 1000 / acked)) us (every node, setup included)"
  stop_servers
done
