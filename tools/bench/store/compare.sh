#!/usr/bin/env bash
# parley-bench scenario 1 (saturation) against parleyd on SQLite and on PostgreSQL, one node
# each, on this machine (docs/benchmarks.md, "SQLite and PostgreSQL"):
#
#   tools/bench/store/compare.sh [--connections N] [--duration S]
#
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
connections=200 duration=10
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/store-compare.XXXXXX)
chmod 755 "$work"
pg_port=15432 http_port=18080
pg_started=0 server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
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

for store in sqlite postgres; do
  rm -rf "$work/data" && mkdir "$work/data"
  store_args=()
  if [ "$store" = postgres ]; then
    "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U parley -d postgres -c "CREATE DATABASE bench"
    store_args=(--postgres "host=127.0.0.1 port=$pg_port dbname=bench user=parley")
  fi
  taskset -c 0 "$root/build/src/app/parleyd" --listen "127.0.0.1:$http_port" \
    --data-dir "$work/data" --argon2-ops 1 --argon2-memory-kib 8 \
    --max-frames-per-second 100000 --frame-burst 100000 \
    --login-attempts-per-address 1000000 --registrations-per-address 1000000 \
    --direct-messages-require-friendship false --max-connections 20000 \
    --max-connections-per-address 20000 "${store_args[@]}" >"$work/parleyd-$store.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && break
    sleep 0.1
  done
  # New backends inherit the postmaster's CPU; pin the ones parleyd opened at start too.
  for pid in $(pgrep -u nobody postgres); do taskset -p -c 0 "$pid" >/dev/null; done
  parley_before=$(cpu_ticks "$server_pid")
  pg_before=$(cpu_ticks $(pgrep -u nobody postgres))
  echo "== $store"
  "$root/build/tools/bench/parley-bench" --server "http://127.0.0.1:$http_port" \
    --connections "$connections" --rate 0 --warmup 1 --duration "$duration" --drain 2 \
    --pid "$server_pid" --server-cpu 0 --bench-cpu 1 2>/dev/null |
    grep -E "throughput|server CPU|ack latency|rss per"
  parley_after=$(cpu_ticks "$server_pid")
  pg_after=$(cpu_ticks $(pgrep -u nobody postgres))
  tick_ms=$((1000 / $(getconf CLK_TCK)))
  echo "whole run: parleyd $(((parley_after - parley_before) * tick_ms)) ms CPU," \
    "PostgreSQL $(((pg_after - pg_before) * tick_ms)) ms CPU"
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""
done
