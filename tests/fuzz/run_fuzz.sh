#!/bin/sh
# A short, reproducible libFuzzer run for ctest: run_fuzz.sh BINARY CORPUS WORK [FLAGS...]
# Starts from the seed corpus CORPUS (read only: new inputs go to WORK/new, recreated on each
# run), with a fixed seed, so a run is the same every time for the same binary. A crash, a leak,
# a broken contract or an input slower than 10 s fails the test; the input is saved under
# WORK/artifacts/ and can be replayed with `BINARY FILE`.
set -eu
binary=$1
corpus=$2
work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/new" "$work/artifacts"
exec "$binary" -seed=1 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/new" "$corpus"
