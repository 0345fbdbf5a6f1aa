#!/usr/bin/env bash
# What the garbage collector costs per request on one endpoint: starts the service pinned to core
# $SERVER_CPU with a GC log, warms it ($JIT_WARMUP), loads it with wrk (core $LOAD_CPU) at
# concurrency $CONCURRENCY for $DURATION, then prints the young-collection pauses during the load
# (count and total per 100,000 requests) and the largest classes still live (what the heap keeps).
# Usage: loadtest/diagnostics/gc-bench.sh [credit|credit-64|v2] [-Dkey=value ...]   (extra -D options go to the service)
# env: DURATION=40s CONCURRENCY=32 JIT_WARMUP=20s BUILD=0 to skip the build; JVM_OPTS (the GC log is
# added). Loopback only. Compare two settings in runs back to back: the machine's load moves.
set -euo pipefail
cd "$(dirname "$0")/../.."  # the repository root: paths below are relative to it

ENDPOINT=${1:-credit}; [ $# -ge 1 ] && shift
CONCURRENCY=${CONCURRENCY:-32}
DURATION=${DURATION:-40s}
OUT=${OUT:-target/gc-bench}
: "${JVM_OPTS:=-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:MaxGCPauseMillis=10}"
source loadtest/lib.sh
require_tools
mkdir -p "$OUT"
endpoint "$ENDPOINT" diagnostics/gc-bench.sh
GC_LOG="$OUT/$ENDPOINT-gc.log"
rm -f "$GC_LOG"
JVM_OPTS="$JVM_OPTS -Xlog:gc:file=$GC_LOG"

build_start_warm "a GC log" "$@"
before=$(grep -c 'Pause Young' "$GC_LOG" || true)
echo "[3/4] loading $DURATION at concurrency $CONCURRENCY ..."
line=$(BODY=$BODY taskset -c "$LOAD_CPU" wrk -t1 -c"$CONCURRENCY" -d"$DURATION" -s loadtest/wrk/post.lua "$URL" | grep '^RESULT')
echo "  $line"
jcmd "$SERVICE_PID" GC.class_histogram >"$OUT/$ENDPOINT-histogram.txt"
stop_service

echo "[4/4] young collections during the load ($GC_LOG):"
requests=$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
awk -v skip="$before" -v requests="${requests:-0}" '
  /Pause Young/ { if (++seen <= skip) next; n++; ms = $NF; sub(/ms/, "", ms); total += ms; if (ms > max) max = ms }
  END {
    if (n == 0 || requests == 0) { print "  none"; exit }
    printf "  %d pauses, %.0f ms in all, longest %.1f ms, for %d requests\n", n, total, max, requests
    printf "  per 100,000 requests: %.1f pauses, %.0f ms\n", n * 1e5 / requests, total * 1e5 / requests
  }' "$GC_LOG"
echo "  largest live classes (after a full collection; $OUT/$ENDPOINT-histogram.txt):"
sed -n '4,13p' "$OUT/$ENDPOINT-histogram.txt"
