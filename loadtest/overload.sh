#!/usr/bin/env bash
# Overload: what happens at 3x the saturation rate, and how fast latency recovers after it.
#   1. capacity: closed-loop wrk at concurrency 16 -> saturation req/s (64 applicants per request);
#   2. unloaded: ~10 % of capacity for $PHASE -> unloaded p99;
#   3. overload: an open-ish load of 3x capacity for $PHASE (hey, rate-limited workers), while a probe
#      sends 20 req/s throughout and $PHASE beyond; accepted (200) p99, 429s and other errors counted;
#   4. recovery: the probe's latency after the overload ends, in 100 ms steps.
# Service pinned to core $SERVER_CPU, load on core $LOAD_CPU. Loopback only.
# Usage: loadtest/overload.sh [-Dkey=value ...]   (extra -D options go to the service;
#   env: PHASE=10 QUEUE=16 INFLIGHT=32 BODY_FILE=loadtest/bodies/credit-64.json)
set -euo pipefail
cd "$(dirname "$0")/.."

PHASE=${PHASE:-10}
QUEUE=${QUEUE:-16}
INFLIGHT=${INFLIGHT:-32}
BODY_FILE=${BODY_FILE:-loadtest/bodies/credit-64.json}
OUT=${OUT:-target/bench-overload}

source loadtest/lib.sh
require_tools
command -v hey >/dev/null || { echo "error: hey is missing; install it with: apt-get install -y hey" >&2; exit 1; }
mkdir -p "$OUT"
: >"$OUT/results.txt"
URL="http://127.0.0.1:$SERVICE_PORT/v1/credit/score"

echo "[1/5] building and starting the service (queue $QUEUE requests, $INFLIGHT in flight) ..."
if [ "${BUILD:-1}" = 1 ]; then mvn -B -q package -DskipTests; fi  # BUILD=0 skips the build
start_service -Dscorer.batching.queue-capacity="$QUEUE" -Dscorer.http.max-inflight="$INFLIGHT" "$@"
warm "$URL" "$BODY_FILE"

echo "[2/5] capacity (closed loop, concurrency 16) ..."
run_wrk capacity "$URL" "$BODY_FILE" 16
CAP=$(awk '/^capacity/ { split($9,a,"="); printf "%d", a[2] }' "$OUT/results.txt")
echo "      saturation: $CAP successful req/s"

hey_run() { # csv-file workers qps-per-worker seconds
  taskset -c "$LOAD_CPU" hey -z "$4s" -c "$2" -q "$3" -m POST -T application/json -D "$BODY_FILE" -o csv "$URL" >"$1"
}
p99_ok() { # csv -> p99 in microseconds of status-200 responses
  awk -F, 'NR > 1 && $7 == 200 { print $1 * 1e6 }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } i = int(NR * 0.99); if (i < 1) i = 1; printf "%.0f", v[i] }'
}

echo "[3/5] unloaded p99 (~10 % of capacity) ..."
LOW_WORKERS=4
LOW_QPS=$(( CAP / 10 / LOW_WORKERS + 1 ))
hey_run "$OUT/unloaded.csv" "$LOW_WORKERS" "$LOW_QPS" "$PHASE"
P99_UNLOADED=$(p99_ok "$OUT/unloaded.csv")
echo "      unloaded p99: $P99_UNLOADED us"

echo "[4/5] overload: 3x capacity for ${PHASE}s, probe at 20 req/s ..."
WORKERS=256
QPS=$(( 3 * CAP / WORKERS + 1 ))
hey_run "$OUT/probe.csv" 1 20 $(( 3 * PHASE )) &
PROBE=$!
sleep "$PHASE"
hey_run "$OUT/overload.csv" "$WORKERS" "$QPS" "$PHASE"
wait "$PROBE"
stop_service

echo "[5/5] summary"
{
  awk -F, -v offered=$(( WORKERS * QPS )) -v phase="$PHASE" 'NR > 1 { n++; s[$7]++ } END {
    printf "overload: offered %d req/s for %d s; answered %d: ", offered, phase, n
    for (k in s) printf "%s x %d  ", k, s[k]; printf "\n" }' "$OUT/overload.csv"
  P99_OVER=$(p99_ok "$OUT/overload.csv")
  echo "capacity $CAP req/s; unloaded p99 $P99_UNLOADED us; accepted p99 under 3x overload $P99_OVER us" \
    "($(awk -v a="$P99_OVER" -v b="$P99_UNLOADED" 'BEGIN { printf "%.1f", a / b }')x unloaded)"
  # Probe latency per 100 ms window after the overload ended (probe time PHASE*2 s).
  awk -F, -v end=$(( 2 * PHASE )) -v base="$P99_UNLOADED" 'NR > 1 && $8 >= end {
      w = int(($8 - end) * 10); if ($1 * 1e6 > worst[w]) worst[w] = $1 * 1e6; if (w > last) last = w }
    END { rec = -1; for (w = 0; w <= last; w++) if (w in worst) { if (worst[w] > 2 * base) rec = -1; else if (rec < 0) rec = w }
      if (rec < 0) print "recovery: probe latency not back within 2x unloaded p99";
      else printf "recovery: probe latency within 2x unloaded p99 from %d ms after the overload ended\n", rec * 100 }' "$OUT/probe.csv"
} | tee "$OUT/summary.txt"
