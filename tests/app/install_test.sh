#!/usr/bin/env bash
# The install target, end to end: `cmake --install` into a staging root (DESTDIR), the layout
# docs/operations.md ("Installation") promises, then the installed parleyd started with the
# installed example configuration (only the data dir and the port changed, as an operator
# would) serves its health check and the installed web app.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$1
stage=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$stage"
}
trap cleanup EXIT

DESTDIR=$stage cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root=$stage$prefix
fail() { echo "FAIL: $*"; exit 1; }
for program in parleyd parley parley-bench; do
  [ -x "$root/bin/$program" ] || fail "bin/$program missing"
done
[ -f "$root/share/parley/web/index.html" ] || fail "the web app is missing"
[ -f "$root/share/doc/parley/operations.md" ] || fail "the operator's guide is missing"
unit=$root/lib/systemd/system/parleyd.service
[ -f "$unit" ] || fail "the systemd unit is missing"
grep -qx "ExecStart=$prefix/bin/parleyd --config .*/parley/parleyd.conf" "$unit" || fail "ExecStart: $(grep ExecStart= "$unit")"
grep -qx "User=parley" "$unit" || fail "the unit does not run as parley"
grep -q "^u parley " "$root/lib/sysusers.d/parley.conf" || fail "no sysusers entry for parley"
config=$(find "$stage" -path '*/parley/parleyd.conf')
[ -n "$config" ] || fail "the example configuration is missing"
[ "$(stat -c %a "$config")" = 640 ] || fail "the configuration's mode is $(stat -c %a "$config")"
grep -qx "web-root = $prefix/share/parley/web" "$config" || fail "web-root: $(grep web-root "$config")"

# As the operator would: the installed config, its data dir and port changed.
sed -e "s|^data-dir = .*|data-dir = $stage/data|" -e "s|^listen = .*|listen = 127.0.0.1:0|" \
    -e "s|^web-root = .*|web-root = $root/share/parley/web|" "$config" > "$stage/test.conf"
"$root/bin/parleyd" --config "$stage/test.conf" > "$stage/log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 200); do
  port=$(grep -o '"listening on 127.0.0.1:[0-9]*\|listening on 127.0.0.1:[0-9]*' "$stage/log" | head -1 | sed 's/.*://') || true
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "parleyd exited: $(cat "$stage/log")"
  sleep 0.05
done
[ -n "$port" ] || fail "parleyd did not start: $(cat "$stage/log")"

# One HTTP/1.0 GET over bash's /dev/tcp; prints the response.
get() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  cat <&3
  exec 3<&-
}
get /healthz | head -1 | grep -q " 200 " || fail "/healthz"
get / | grep -q "<title>" || fail "the installed web app is not served"
echo "ok: installed under $prefix, started from the installed configuration"
