#!/usr/bin/env bash
# The same XMPP workload against Parley, ejabberd and Prosody, each started here as an
# unprivileged user on loopback (docs/benchmarks.md, "XMPP: Parley, ejabberd and Prosody"):
#
#   tools/bench/xmpp/compare.sh [--users N] [--messages M] [--interval S] [--servers "..."]
#
# For each server: a fresh data folder, N users registered (Parley over HTTP, the others by
# in-band registration), then tsung (scenario.xml.in) logs them all in within about ten seconds
# and, once all are in, each sends M chat messages of 64 bytes to users online, one every S
# seconds on average. While everyone sends, a probe pair (xmpp_bench.py probe) measures the
# one-way latency of 50 messages a second. Printed per server: delivered msgs/s, tsung's mean
# and max latency, the probe's p50 and p99, server CPU per delivered message (utime + stime of
# the server's process over the probe's window), RSS per connected user ((RSS with everyone
# online - RSS before they came) / users online).
# Needs tsung, ejabberd and prosody (Debian) and build/src/app/parleyd (or $PARLEYD). Runs as
# root: it starts each server as an unprivileged user (ejabberd, prosody, nobody for parleyd).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
users=1000 messages=20 interval=2 servers="parley ejabberd prosody"
while [ $# -gt 0 ]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
parleyd=${PARLEYD:-$root/build/src/app/parleyd}
port=15222 http_port=15280
work=$(mktemp -d /tmp/xmpp-compare.XXXXXX)
chmod 755 "$work"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  pkill -u ejabberd 2>/dev/null || true  # epmd, started by ejabberd's VM
  server_pid=""
}
trap 'stop_server' EXIT

wait_listening() {  # wait_listening PORT
  for _ in $(seq 1 120); do
    ss -ltn "sport = :$1" | grep -q LISTEN && return 0
    sleep 0.5
  done
  echo "nothing listens on $1" >&2
  return 1
}

established() { ss -tn state established "sport = :$port" | tail -n +2 | wc -l; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

start_parley() {  # a data folder of nobody's; cheap hashing as in docs/benchmarks.md
  local dir=$1
  chown nobody "$dir"
  setpriv --reuid=nobody --regid=nogroup --clear-groups "$parleyd" \
    --listen "127.0.0.1:$http_port" --data-dir "$dir" --xmpp-listen "127.0.0.1:$port" \
    --xmpp-plain-without-tls true --xmpp-max-connections 20000 \
    --xmpp-max-connections-per-address 20000 --argon2-ops 1 --argon2-memory-kib 8 \
    --login-attempts-per-address 1000000 --registrations-per-address 1000000 \
    --direct-messages-require-friendship false --max-connections 20000 \
    --max-connections-per-address 20000 >"$dir/parleyd.log" 2>&1 &
  server_pid=$!
  wait_listening "$http_port" && wait_listening "$port"
}

start_ejabberd() {
  local dir=$1
  mkdir -p "$dir/spool" "$dir/logs"
  sed "s/@PORT@/$port/" "$here/ejabberd.yml.in" >"$dir/ejabberd.yml"
  printf 'EJABBERD_PID_PATH=%s/ejabberd.pid\n' "$dir" >"$dir/ejabberdctl.cfg"
  cp /etc/ejabberd/inetrc "$dir/"
  chown -R ejabberd:ejabberd "$dir"
  (cd "$dir" && setpriv --reuid=ejabberd --regid=ejabberd --clear-groups env HOME="$dir" \
    ejabberdctl --config-dir "$dir" --config "$dir/ejabberd.yml" --spool "$dir/spool" \
    --logs "$dir/logs" --node "xmppbench@localhost" foreground-quiet >"$dir/out.log" 2>&1) &
  wait_listening "$port"
  server_pid=$(pgrep -u ejabberd beam.smp)
}

start_prosody() {
  local dir=$1
  mkdir -p "$dir/data"
  sed "s|@PORT@|$port|; s|@DIR@|$dir|g" "$here/prosody.cfg.lua.in" >"$dir/prosody.cfg.lua"
  chown -R prosody:prosody "$dir"
  setpriv --reuid=prosody --regid=prosody --clear-groups \
    prosody --config "$dir/prosody.cfg.lua" >"$dir/out.log" 2>&1 &
  server_pid=$!
  wait_listening "$port"
}

register() {  # register SERVER
  local count=$((users + 2))  # tsung's users and the probe pair
  if [ "$1" = parley ]; then
    python3 "$here/xmpp_bench.py" register-http "http://127.0.0.1:$http_port" tsung \
      bench-password- "$count"
  else
    python3 "$here/xmpp_bench.py" register-inband "$port" tsung bench-password- "$count"
  fi
}

run_one() {  # run_one SERVER
  local server=$1 dir="$work/$1"
  mkdir -p "$dir"
  "start_$server" "$dir"
  register "$server"
  local rss_before cpu_before cpu_after rss_online probe_seconds
  rss_before=$(rss_kib "$server_pid")
  # Everyone arrives within about ten seconds and starts chatting `settle` seconds after its
  # arrival, so the load is whole from `settle` seconds after the start of tsung.
  local arrival_rate=$((users / 10 > 100 ? users / 10 : 100))
  local spread=$((users / arrival_rate)) settle
  settle=$((spread + 20))
  sed -e "s/@PORT@/$port/; s/@USERS@/$users/g; s/@MESSAGES@/$messages/g" \
    -e "s/@INTERVAL@/$interval/g; s/@SIZE@/64/g; s/@ARRIVAL_RATE@/$arrival_rate/g" \
    -e "s/@ARRIVAL_SECONDS@/$((spread * 3 + 10))/; s/@SETTLE@/$settle/g" \
    "$here/scenario.xml.in" >"$dir/scenario.xml"
  mkdir -p "$dir/tsung"
  tsung -f "$dir/scenario.xml" -l "$dir/tsung" start >"$dir/tsung.out" 2>&1 &
  local tsung_pid=$!
  local tsung_start=$SECONDS
  # Everyone online (or as many as logged in by the time the chat starts).
  while [ $((SECONDS - tsung_start)) -lt "$settle" ]; do
    [ "$(established)" -ge "$users" ] && break
    sleep 0.1
  done
  local online
  online=$(established)
  rss_online=$(rss_kib "$server_pid")
  sleep $((tsung_start + settle + spread - SECONDS > 0 ? tsung_start + settle + spread - SECONDS : 0))
  # The chat phase with everyone sending: CPU and the probe over its nominal length.
  cpu_before=$(cpu_ticks "$server_pid")
  local start=$SECONDS
  probe_seconds=$((messages * interval - spread))
  python3 "$here/xmpp_bench.py" probe "$port" "$probe_seconds" 20 "tsung$((users + 1))" \
    "bench-password-$((users + 1))" "tsung$((users + 2))" "bench-password-$((users + 2))" \
    >"$dir/probe.json"
  cpu_after=$(cpu_ticks "$server_pid")
  local elapsed=$((SECONDS - start))
  wait "$tsung_pid" || true
  local log_dir
  log_dir=$(find "$dir/tsung" -name tsung.log -printf '%h\n' | head -1)
  python3 "$here/xmpp_bench.py" tsung-summary "$log_dir" >"$dir/summary.json"
  python3 - "$server" "$users" "$messages" "$interval" "$elapsed" \
    "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" "$rss_before" "$rss_online" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$online" "$dir/summary.json" "$dir/probe.json" <<'PY'
import json, sys
server, users, messages, interval, elapsed, ticks, hz, rss_before, rss_online, load, online = \
    sys.argv[1:12]
summary, probe = json.load(open(sys.argv[12])), json.load(open(sys.argv[13]))
# tsung's messages spread over its chat phase; the probe's over the window measured.
rate = summary["received"] / (int(messages) * float(interval)) + probe["received"] / int(elapsed)
cpu_us = int(ticks) / int(hz) * 1e6
fmt = lambda v: "-" if v is None else "%.1f" % v
print("%-9s %5s users (%s online) | offered %d msgs/s, delivered %.0f msgs/s | latency: tsung "
      "mean %s ms, max %.0f ms; probe p50 %s ms, p99 %s ms (%d of %d) | server CPU %.1f us/msg |"
      " RSS %.1f KiB/user | load %s" % (
        server, users, online, int(users) / float(interval) + 50, rate, fmt(summary["mean_ms"]),
        summary["max_ms"], fmt(probe["p50_ms"]), fmt(probe["p99_ms"]), probe["received"],
        probe["sent"], cpu_us / max(1.0, rate * int(elapsed)),
        (int(rss_online) - int(rss_before)) / max(1, int(online)), load))
PY
  stop_server
}

for server in $servers; do
  run_one "$server"
done
echo "(logs and tsung's reports: $work)"
