#!/usr/bin/env bash
# gRPC vs REST on the same model and the same row: h2load sends POST /v2/models/credit-risk/infer
# over HTTP/1.1 (REST) and inference.GRPCInferenceService/ModelInfer over h2c (gRPC), concurrency
# 1 and 32 (connections, one request in flight each). Service pinned to core $SERVER_CPU, h2load
# to core $LOAD_CPU; p50/p99 from h2load's per-request log. Loopback only.
# Usage: loadtest/grpc-vs-rest.sh   (env: DURATION=10 CONCURRENCY="1 32" JIT_WARMUP=20s)
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-"1 32"}
GRPC_PORT=${GRPC_PORT:-19000}
OUT=${OUT:-target/bench-grpc}
DURATION=${DURATION:-10}  # h2load takes seconds

source loadtest/lib.sh
require_tools
command -v h2load >/dev/null || { echo "error: h2load is missing; install it with: apt-get install -y nghttp2-client" >&2; exit 1; }
mkdir -p "$OUT"
: >"$OUT/results.txt"

echo "[1/4] building ..."
mvn -B -q package -DskipTests
mvn -B -q -Pbench test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
java -cp "target/test-classes:target/classes:$(cat "$OUT/classpath.txt")" io.creditscorer.bench.GrpcRequestFile \
  loadtest/bodies/v2-infer.json credit-risk "$OUT/grpc-request.bin"

h2() { # label concurrency args... -> appends a RESULT line
  local label=$1 c=$2; shift 2
  taskset -c "$LOAD_CPU" h2load -c "$c" -m 1 -D "$WARMUP" "$@" >/dev/null 2>&1 || true
  rm -f "$OUT/h2.log"
  local summary
  summary=$(taskset -c "$LOAD_CPU" h2load -c "$c" -m 1 -D "$DURATION" --log-file="$OUT/h2.log" "$@" 2>&1)
  local ok errors
  ok=$(awk '$2 == 200 { n++ } END { print n + 0 }' "$OUT/h2.log")
  errors=$(awk '$2 != 200 { n++ } END { print n + 0 }' "$OUT/h2.log")
  awk -v label="$label" -v c="$c" -v d="$DURATION" -v ok="$ok" -v errors="$errors" '{ print $3 }' "$OUT/h2.log" | sort -n |
    awk -v label="$label" -v c="$c" -v d="$DURATION" -v ok="$ok" -v errors="$errors" \
      '{ v[NR] = $1 } END { p50 = v[int(NR * 0.5) > 0 ? int(NR * 0.5) : 1]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
         printf "%s %s RESULT rps=%.1f p50=%.0f p99=%.0f errors=%d requests=%d\n", label, c, NR / d, p50, p99, errors, NR }' |
    tee -a "$OUT/results.txt"
  grep -q "status codes" <<<"$summary" || echo "$summary" >&2
}

echo "[2/4] starting the service ..."
start_service -Dquarkus.grpc.server.port="$GRPC_PORT"
warm "http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer" loadtest/bodies/v2-infer.json
GRPC_ARGS=(-d "$OUT/grpc-request.bin" -H "content-type: application/grpc" -H "te: trailers"
  "http://127.0.0.1:$GRPC_PORT/inference.GRPCInferenceService/ModelInfer")
REST_ARGS=(--h1 -d loadtest/bodies/v2-infer.json -H "content-type: application/json"
  "http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer")
taskset -c "$LOAD_CPU" h2load -c 32 -m 1 -D "${JIT_WARMUP%s}" "${GRPC_ARGS[@]}" >/dev/null 2>&1 || true

echo "[3/4] measuring ..."
for c in $CONCURRENCY; do
  h2 rest "$c" "${REST_ARGS[@]}"
  h2 grpc "$c" "${GRPC_ARGS[@]}"
done
stop_service

echo "[4/4] summary (server on core $SERVER_CPU, h2load on core $LOAD_CPU, ${DURATION}s per point; latency in us):"
awk '{ split($4,a,"="); split($5,b,"="); split($6,p,"="); split($7,e,"=");
       printf "%-5s %5s %10.0f req/s  p50 %6.0f  p99 %7.0f  errors %d\n", $1, $2, a[2], b[2], p[2], e[2] }' \
  "$OUT/results.txt" | sort -k2,2n -s | tee "$OUT/summary.txt"
