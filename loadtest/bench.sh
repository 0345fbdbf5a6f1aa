#!/usr/bin/env bash
# HTTP benchmark against the floor, in one run on one machine:
#   1. the service answers one V2 request; its exact response bytes become the floor's answer;
#   2. the floor (a bare Vert.x server, src/bench/java/.../FloorServer.java) and the service both
#      start, pinned to core $SERVER_CPU (an idle server takes no CPU from the measured one);
#   3. $ROUNDS rounds, each measuring with wrk (core $LOAD_CPU), at each concurrency, the floor, then
#      the service's V2 and credit endpoints back to back, so every ratio compares points taken
#      close together in time on a shared, noisy machine; the table gives each point's median.
# Each server first gets $JIT_WARMUP of load at concurrency 32 per endpoint (a JVM pinned to one core
# compiles slowly), then each point $WARMUP of unmeasured load before $DURATION measured.
# Loopback only. Usage: loadtest/bench.sh
#   (env: ROUNDS=3 DURATION=10s CONCURRENCY="1 32 128" JIT_WARMUP=20s; a round takes
#    3 targets x the concurrencies x (WARMUP + DURATION))
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-"1 32 128"}
ROUNDS=${ROUNDS:-3}
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

echo "[3/5] starting the floor (bare Vert.x, same response bytes) and the service, warming both ..."
# shellcheck disable=SC2086 # JVM_OPTS holds several options: split on purpose
taskset -c "$SERVER_CPU" java $JVM_OPTS -cp "$CP" io.creditscorer.bench.FloorServer "$FLOOR_PORT" "$OUT/v2-response.json" >"$OUT/floor.log" 2>&1 &
FLOOR_PID=$!; pids+=("$FLOOR_PID")
sleep 1; wait_for "http://127.0.0.1:$FLOOR_PORT/"
FLOOR="http://127.0.0.1:$FLOOR_PORT/"
V2="http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/infer"
CREDIT="http://127.0.0.1:$SERVICE_PORT/v1/credit/score"
start_service
warm "$FLOOR" loadtest/bodies/v2-infer.json
warm "$V2" loadtest/bodies/v2-infer.json
warm "$CREDIT" loadtest/bodies/credit-score.json

echo "[4/5] measuring: $ROUNDS round(s) of floor, V2 and credit at each concurrency ..."
thread_cpu "$SERVICE_PID" >"$OUT/threads-before.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "  round $round of $ROUNDS"
  for c in $CONCURRENCY; do
    run_wrk floor "$FLOOR" loadtest/bodies/v2-infer.json "$c"
    run_wrk v2 "$V2" loadtest/bodies/v2-infer.json "$c"
    run_wrk credit "$CREDIT" loadtest/bodies/credit-score.json "$c"
  done
done
thread_cpu "$SERVICE_PID" >"$OUT/threads-after.txt"
stop_service
kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true

echo "[5/5] summary (server on core $SERVER_CPU, wrk on core $LOAD_CPU, median of $ROUNDS x $DURATION per point):"
# Each point is the median over the rounds (the per-round lines are in results.txt). The req/s share
# and the p50 difference in microseconds (what the service adds) compare each round's service point
# with the floor point taken just before it, and give the median of those pairs: the floor moves with
# the machine's load too. p50 and p99 multiples are ratios of the medians.
# shellcheck disable=SC2016 # an awk program: its $ fields are awk's, not the shell's
MEDIANS='
  function median(list,   v, n, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  { split($4,a,"="); split($5,b,"="); split($6,p,"="); split($7,e,"=");
    R[$1,$2]=R[$1,$2] " " a[2]; P50[$1,$2]=P50[$1,$2] " " b[2]; P99[$1,$2]=P99[$1,$2] " " p[2];
    err[$1,$2]+=e[2]; cs[$2]=1
    if ($1 == "floor") { floor[$2]=a[2]; floor50[$2]=b[2] }
    else { share[$1,$2]=share[$1,$2] " " 100 * a[2] / floor[$2]; added[$1,$2]=added[$1,$2] " " b[2] - floor50[$2] } }
  function rounds(list,   v, n, i, out) {
    n = split(list, v, " "); if (n < 2) return ""
    for (i = 1; i <= n; i++) out = out (i > 1 ? ", " : "") sprintf("%.1f", v[i])
    return " (rounds: " out ")"
  }
  function medians(   k) { for (k in R) { rps[k]=median(R[k]); p50[k]=median(P50[k]); p99[k]=median(P99[k]) } }
'
awk "$MEDIANS"'
  END { medians()
    printf "%-7s %5s %9s %8s %8s %7s %9s %9s %9s %11s\n", "target", "conc", "req/s", "p50 us", "p99 us",
      "errors", "rps/floor", "p50/floor", "p99/floor", "p50-floor us"
    n = split("floor v2 credit", names, " ")
    for (c in cs) for (i = 1; i <= n; i++) { t = names[i]; if ((t,c) in rps)
      printf "%-7s %5s %9.0f %8.0f %8.0f %7d %8.0f%% %8.2fx %8.2fx %+11.0f\n", t, c, rps[t,c], p50[t,c], p99[t,c],
        err[t,c], t == "floor" ? 100 : median(share[t,c]), p50[t,c] / p50["floor",c], p99[t,c] / p99["floor",c],
        t == "floor" ? 0 : median(added[t,c]) }
  }' "$OUT/results.txt" | sort -k2,2n -s | tee "$OUT/summary.txt"

echo "targets (docs/BENCHMARKS.md, "Targets"), median over the rounds of service vs floor:" | tee -a "$OUT/summary.txt"
awk "$MEDIANS"'
  function check(ok, text) { printf "  %-6s %s\n", ok ? "met" : "MISSED", text }
  END { medians()
    for (i = 1; i <= 2; i++) { t = i == 1 ? "v2" : "credit"; goal = i == 1 ? 30 : 25
      if ((t,32) in share) { m = median(share[t,32])
        check(m >= goal, sprintf("%s req/s at concurrency 32 >= %d %% of the floor: %.1f %%%s", t, goal, m, rounds(share[t,32]))) } }
    for (i = 1; i <= 2; i++) { t = i == 1 ? "v2" : "credit"
      if ((t,1) in added) { m = median(added[t,1])
        check(m <= 100, sprintf("%s p50 at concurrency 1 <= floor p50 + 100 us: +%.0f us%s", t, m, rounds(added[t,1]))) } }
  }' "$OUT/results.txt" | tee -a "$OUT/summary.txt"
# Where the service's core went: a JIT compiler still busy, or the helper threads, show up here.
thread_cpu_report "$OUT/threads-before.txt" "$OUT/threads-after.txt" | tee -a "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
