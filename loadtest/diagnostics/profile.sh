#!/usr/bin/env bash
# Where the service's CPU goes on one endpoint: starts it pinned to core $SERVER_CPU with Java Flight
# Recorder on (its low-overhead default settings), warms it, loads it with wrk (core $LOAD_CPU) at concurrency
# $CONCURRENCY for $DURATION, then prints the hottest frames from the recording (Java samples and
# threads in native code, e.g. ONNX Runtime), top-of-stack and inclusive by package.
# Usage: loadtest/diagnostics/profile.sh [credit|credit-64|v2] [-Dkey=value ...]   (extra -D options go to the service)
# env: DURATION=30s CONCURRENCY=32 JIT_WARMUP=20s BUILD=0 to skip the build. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."  # the repository root: paths below are relative to it

ENDPOINT=${1:-credit}; [ $# -ge 1 ] && shift
CONCURRENCY=${CONCURRENCY:-32}
DURATION=${DURATION:-30s}
OUT=${OUT:-target/profile}
source loadtest/lib.sh
require_tools
mkdir -p "$OUT"
endpoint "$ENDPOINT" diagnostics/profile.sh
JFR="$OUT/$ENDPOINT.jfr"

build_start_warm "JFR" "$@"
echo "[3/4] recording $DURATION at concurrency $CONCURRENCY ..."
jcmd "$SERVICE_PID" JFR.start name=load settings=default >/dev/null
BODY=$BODY taskset -c "$LOAD_CPU" wrk -t1 -c"$CONCURRENCY" -d"$DURATION" -s loadtest/wrk/post.lua "$URL" | grep '^RESULT'
jcmd "$SERVICE_PID" JFR.dump name=load filename="$PWD/$JFR" >/dev/null
stop_service

echo "[4/4] hottest frames ($JFR):"
jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample "$JFR" >"$OUT/$ENDPOINT-samples.txt"
# One record per sample: its frames, top first, "line: N" details dropped. Threads idle in native
# code (event loops in epoll_wait) are sampled too: they are dropped, they use no CPU.
awk '
  /^jdk\.(ExecutionSample|NativeMethodSample)/ { kind = $1; n = 0; next }
  /stackTrace = \[/ { inStack = 1; next }
  inStack && /^[[:space:]]*\]/ { inStack = 0; if (f[1] ~ /EPoll\.wait|Unsafe\.park|Object\.wait|accept0/) next; printf "%s", kind; for (i = 1; i <= n; i++) printf "\t%s", f[i]; print ""; next }
  inStack { line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line);
    if (line != "...") f[++n] = line }
' "$OUT/$ENDPOINT-samples.txt" >"$OUT/$ENDPOINT-stacks.tsv"
total=$(wc -l <"$OUT/$ENDPOINT-stacks.tsv")
echo "  $total samples ($(grep -c '^jdk.NativeMethodSample' "$OUT/$ENDPOINT-stacks.tsv" || true) in native code)"
echo "  top of stack (self), share of samples:"
awk -F'\t' '{ c[$1 " " $2]++ } END { for (k in c) printf "%6.1f %%  %s\n", 100 * c[k] / NR, k }' \
  "$OUT/$ENDPOINT-stacks.tsv" | sort -rn | head -25 || true
echo "  inclusive, by frame (io.creditscorer and the framework entry points), share of samples:"
awk -F'\t' '{ delete seen; for (i = 2; i <= NF; i++) { m = $i; sub(/\(.*/, "", m);
    if (!(m in seen)) { seen[m] = 1; c[m]++ } } }
  END { for (k in c) printf "%6.1f %%  %s\n", 100 * c[k] / NR, k }' "$OUT/$ENDPOINT-stacks.tsv" |
  grep -E 'io\.creditscorer|jackson|ai\.onnxruntime|logmanager|vertx\.core\.http|resteasy\.reactive\.server' |
  sort -rn | head -40 || true
