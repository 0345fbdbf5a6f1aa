#!/usr/bin/env bash
# V2 inference with binary tensors (Triton's binary tensor data extension: a JSON header, the
# input's 220 bytes, the output asked in binary) against the same row in JSON: one service pinned to
# core $SERVER_CPU, wrk on core $LOAD_CPU, the two bodies in alternating rounds at each concurrency,
# medians over the rounds. Loopback only.
# Usage: loadtest/binary-bench.sh   (env: DURATION=10s CONCURRENCY=32 ROUNDS=5 JIT_WARMUP=60s;
#   BUILD=0 skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JIT_WARMUP:=60s}"
CONCURRENCY=${CONCURRENCY:-32}
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-target/bench-binary}
JSON_BODY=loadtest/bodies/v2-infer.json
BINARY_BODY=loadtest/bodies/v2-infer-binary.bin
# The JSON header's length: the binary body's bytes before its 55 FP32 values.
HEADER_LENGTH=$(($(stat -c %s "$BINARY_BODY") - 220))

source loadtest/lib.sh
require_tools
mkdir -p "$OUT"
: >"$OUT/results.txt"
URL_PATH=/v2/models/credit-risk/versions/2/infer
BODY=$JSON_BODY
build_start_warm "binary and JSON bodies"
BODY=$BINARY_BODY INFERENCE_HEADER_LENGTH=$HEADER_LENGTH warm "$URL" "$BINARY_BODY"
echo "[3/4] measuring ($ROUNDS alternating rounds) ..."
for r in $(seq 1 "$ROUNDS"); do
  for c in $CONCURRENCY; do
    if [ $((r % 2)) = 1 ]; then order="json binary"; else order="binary json"; fi
    for kind in $order; do
      if [ "$kind" = binary ]; then
        INFERENCE_HEADER_LENGTH=$HEADER_LENGTH run_wrk "binary-r$r" "$URL" "$BINARY_BODY" "$c"
      else
        run_wrk "json-r$r" "$URL" "$JSON_BODY" "$c"
      fi
    done
  done
done
stop_service
echo "[4/4] summary (medians over $ROUNDS rounds):" | tee "$OUT/summary.txt"
for c in $CONCURRENCY; do
  for kind in json binary; do
    grep "^$kind-r[0-9]* $c " "$OUT/results.txt" |
      sed -n 's/.*rps=\([0-9.]*\) p50=\([0-9.]*\) p99=\([0-9.]*\).*cpu_us=\([0-9.]*\).*/\1 \2 \3 \4/p' |
      sort -n | awk -v k="$kind" -v c="$c" '{ r[NR] = $1; p50[NR] = $2; p99[NR] = $3; cpu[NR] = $4 }
        END { m = int((NR + 1) / 2); printf "%-6s c=%s req/s %.0f p50 %.0f us p99 %.0f us cpu/answer %.2f us (median round by req/s)\n", k, c, r[m], p50[m], p99[m], cpu[m] }' |
      tee -a "$OUT/summary.txt"
  done
done
