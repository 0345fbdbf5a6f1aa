#!/usr/bin/env bash
# HTTP benchmark against the floor, in one run on one machine:
#   1. the service answers one V2 request; its exact response bytes become the floor's answer;
#   2. the floor (a bare Vert.x server, src/bench/java/.../FloorServer.java) is measured with wrk;
#   3. the service is measured on the V2 and credit endpoints.
# Server pinned to core $SERVER_CPU, wrk to core $LOAD_CPU; concurrency 1, 32, 128 by default.
# Each server first gets $JIT_WARMUP of load at concurrency 32 per endpoint (a JVM pinned to one core
# compiles slowly), then each point $WARMUP of unmeasured load before $DURATION measured.
# Loopback only. Usage: loadtest/bench.sh   (env: DURATION=10s CONCURRENCY="1 32 128" JIT_WARMUP=20s)
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-"1 32 128"}
FLOOR_PORT=${FLOOR_PORT:-18090}
OUT=${OUT:-target/bench}

source loadtest/lib.sh
require_tools
mkdir -p "$OUT"

echo "[1/5] building the service and the floor server ..."
mvn -B -q package -DskipTests
mvn -B -q -Pbench test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/classpath.txt")"

: >"$OUT/results.txt"
echo "[2/5] capturing the service's V2 answer for the floor ..."
start_service
curl -s -H 'Content-Type: application/json' -d @loadtest/bodies/v2-infer.json \
  "http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer" >"$OUT/v2-response.json"
stop_service

echo "[3/5] measuring the floor (bare Vert.x, same response bytes) ..."
taskset -c "$SERVER_CPU" java $JVM_OPTS -cp "$CP" io.creditscorer.bench.FloorServer "$FLOOR_PORT" "$OUT/v2-response.json" >"$OUT/floor.log" 2>&1 &
FLOOR_PID=$!; pids+=("$FLOOR_PID")
sleep 1; wait_for "http://127.0.0.1:$FLOOR_PORT/"
warm "http://127.0.0.1:$FLOOR_PORT/" loadtest/bodies/v2-infer.json
for c in $CONCURRENCY; do run_wrk floor "http://127.0.0.1:$FLOOR_PORT/" loadtest/bodies/v2-infer.json "$c"; done
kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true

echo "[4/5] measuring the service ..."
start_service
warm "http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer" loadtest/bodies/v2-infer.json
warm "http://127.0.0.1:$SERVICE_PORT/v1/credit/score" loadtest/bodies/credit-score.json
for c in $CONCURRENCY; do
  run_wrk v2 "http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer" loadtest/bodies/v2-infer.json "$c"
  run_wrk credit "http://127.0.0.1:$SERVICE_PORT/v1/credit/score" loadtest/bodies/credit-score.json "$c"
done
stop_service

echo "[5/5] summary (server on core $SERVER_CPU, wrk on core $LOAD_CPU, $DURATION per point):"
# Ratios are service / floor at the same concurrency: req/s as a share, p50 and p99 as multiples,
# and the p50 difference in microseconds (what the service adds at that concurrency).
awk '
  { split($4,a,"="); split($5,b,"="); split($6,p,"="); split($7,e,"=");
    rps[$1,$2]=a[2]; p50[$1,$2]=b[2]; p99[$1,$2]=p[2]; err[$1,$2]=e[2]; cs[$2]=1 }
  END {
    printf "%-7s %5s %9s %8s %8s %7s %9s %9s %9s %11s\n", "target", "conc", "req/s", "p50 us", "p99 us",
      "errors", "rps/floor", "p50/floor", "p99/floor", "p50-floor us"
    n = split("floor v2 credit", names, " ")
    for (c in cs) for (i = 1; i <= n; i++) { t = names[i]; if ((t,c) in rps)
      printf "%-7s %5s %9.0f %8.0f %8.0f %7d %8.0f%% %8.2fx %8.2fx %+11.0f\n", t, c, rps[t,c], p50[t,c], p99[t,c],
        err[t,c], 100 * rps[t,c] / rps["floor",c], p50[t,c] / p50["floor",c], p99[t,c] / p99["floor",c],
        p50[t,c] - p50["floor",c] }
  }' "$OUT/results.txt" | sort -k2,2n -s | tee "$OUT/summary.txt"

echo "targets (docs/BENCHMARKS.md, section 2):" | tee -a "$OUT/summary.txt"
awk '
  { split($4,a,"="); split($5,b,"="); rps[$1,$2]=a[2]; p50[$1,$2]=b[2] }
  function check(ok, text) { printf "  %-6s %s\n", ok ? "met" : "MISSED", text }
  END {
    if (("v2",32) in rps) check(rps["v2",32] >= 0.30 * rps["floor",32],
      sprintf("V2 req/s at concurrency 32 >= 30 %% of the floor: %.1f %%", 100 * rps["v2",32] / rps["floor",32]))
    if (("credit",32) in rps) check(rps["credit",32] >= 0.25 * rps["floor",32],
      sprintf("credit req/s at concurrency 32 >= 25 %% of the floor: %.1f %%", 100 * rps["credit",32] / rps["floor",32]))
    for (i = 1; i <= 2; i++) { t = i == 1 ? "v2" : "credit"; if ((t,1) in p50)
      check(p50[t,1] <= p50["floor",1] + 100,
        sprintf("%s p50 at concurrency 1 <= floor p50 + 100 us: %.0f vs %.0f + 100 us", t, p50[t,1], p50["floor",1])) }
  }' "$OUT/results.txt" | tee -a "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
