#!/usr/bin/env bash
# One command per load simulation: builds, starts the service if nothing answers on the chosen port
# (loopback only; pinned to core $SERVER_CPU, the load to core $LOAD_CPU), runs the simulation,
# prints the report path and a short summary, and exits non-zero when an assertion fails.
#
# Usage: loadtest/gatling.sh <simulation> [rps] [duration] [-Dkey=value ...]
#   v2            Gatling, POST /v2/models/credit-risk/versions/2/infer (encoded German Credit rows)
#   credit        Gatling, POST /v1/credit/score with full applicant payloads
#   credit-by-id  Gatling, POST /v1/credit/score with {"applicant_id":"A0042"} only, completed by the
#                 feature store (on by default; with scorer.features.store=none every request is a 400)
#   grpc          gRPC load client, inference.GRPCInferenceService/ModelInfer
#   grpc-credit   gRPC load client, creditscorer.v1.CreditScoring/Score
# rps defaults to 100, duration to 60s (soak: 10m). Every -D option of LoadSettings passes through,
# e.g. -Dshape=spike -Dspike.factor=4, -Dp99.ms=50, -Dmax.error.pct=0. Every shape but ramp starts
# with -Dwarmup (30s: 1 req/s up to rps; 0s starts cold at full rate), and a soak then holds
# -Dsettle at full rate: warm-up, reported under its own request name, not asserted.
# Environment: HOST (127.0.0.1), PORT (8080), GRPC_PORT (9000), SHAPE (constant|ramp|spike|soak),
#   BUILD=0 to skip the build, JVM_OPTS for a service started here, WARM (20s of wrk on the REST
#   endpoints of a service started here; 0 for none), OUT (target/load).
# A service started here has its resident memory (and old-generation use) sampled every 10 s into
# $OUT/memory.txt; the summary gives its growth after the first RSS_BASELINE seconds of load
# (default: the soak's warm-up, else 0).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '6,15p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
SIM=$1; shift
RPS=${1:-100}; [ $# -ge 1 ] && shift
DURATION_ARG=${1:-}; [ $# -ge 1 ] && shift
EXTRA=("$@")

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8080}
GRPC_PORT=${GRPC_PORT:-9000}
SHAPE=${SHAPE:-constant}
WARMUP_ARG=30s
SETTLE_ARG=0s
for a in "${EXTRA[@]}"; do
  case $a in
    -Dshape=*) SHAPE=${a#-Dshape=} ;;
    -Dwarmup=*) WARMUP_ARG=${a#-Dwarmup=} ;;
    -Dsettle=*) SETTLE_ARG=${a#-Dsettle=} ;;
  esac
done
seconds() { case $1 in *h) echo $((${1%h} * 3600)) ;; *m) echo $((${1%m} * 60)) ;; *) echo "${1%s}" ;; esac; }
case $SHAPE in
  soak) RSS_BASELINE=${RSS_BASELINE:-$(($(seconds "$WARMUP_ARG") + $(seconds "$SETTLE_ARG")))} ;;
  ramp) RSS_BASELINE=${RSS_BASELINE:-0} ;;
  *) RSS_BASELINE=${RSS_BASELINE:-$(seconds "$WARMUP_ARG")} ;;
esac
OUT=${OUT:-target/load}
SERVICE_PORT=$PORT
SERVICE_GRPC_PORT=$GRPC_PORT
source loadtest/lib.sh
mkdir -p "$OUT"

case "$SIM" in
  v2) CLASS=V2InferSimulation ;;
  credit) CLASS=CreditScoreSimulation ;;
  credit-by-id) CLASS=CreditScoreByIdSimulation ;;
  grpc) CLASS=GrpcLoadClient; METHOD=infer ;;
  grpc-credit) CLASS=GrpcLoadClient; METHOD=score ;;
  *) echo "error: unknown simulation '$SIM'" >&2; usage ;;
esac

PROPS=(-Dhost="$HOST" -Dport="$PORT" -Dgrpc.port="$GRPC_PORT" -Drps="$RPS" -Dshape="$SHAPE")
[ -n "$DURATION_ARG" ] && PROPS+=(-Dduration="$DURATION_ARG")
PROPS+=("${EXTRA[@]}")

if [ "${BUILD:-1}" = 1 ]; then
  echo "[build] service and load tests (mvn -Pload package -DskipTests) ..."
  mvn -B -q -Pload package -DskipTests
  mvn -B -q -Pload dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
fi

STARTED=0
LOAD_PIN=()
if curl -sf -o /dev/null "http://$HOST:$PORT/v2/health/ready"; then
  echo "[service] using the service already answering on $HOST:$PORT"
else
  case "$HOST" in
    127.*|localhost|::1) ;;
    *) echo "error: nothing answers on $HOST:$PORT; start the service there first" >&2; exit 1 ;;
  esac
  echo "[service] starting it on HTTP $PORT / gRPC $GRPC_PORT (core $SERVER_CPU; log $OUT/service.log) ..."
  start_service
  STARTED=1
  LOAD_PIN=(taskset -c "$LOAD_CPU")
  # A JVM pinned to one core compiles slowly: without a warm-up the first seconds of the run are
  # the JIT's, not the service's (WARM=0 skips it; needs wrk).
  if [ "${WARM:-20s}" != 0 ] && command -v wrk >/dev/null; then
    echo "[service] warming up: ${WARM:-20s} of wrk on each REST endpoint ..."
    JIT_WARMUP=${WARM:-20s}
    warm "http://127.0.0.1:$PORT/v2/models/credit-risk/infer" loadtest/bodies/v2-infer.json
    warm "http://127.0.0.1:$PORT/v1/credit/score" loadtest/bodies/credit-score.json
  fi
  (
    start=$(date +%s)
    echo "# seconds_since_start_of_load_command rss_kib old_gen_used_kib"
    while kill -0 "$SERVICE_PID" 2>/dev/null; do
      rss=$(ps -o rss= -p "$SERVICE_PID" | tr -d ' ')
      # jstat is a JVM of its own: it runs on the load core, not the service's.
      old=$("${LOAD_PIN[@]}" jstat -gc "$SERVICE_PID" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "OU") c = i }
        NR == 2 { printf "%.0f", $c }')
      echo "$(($(date +%s) - start)) ${rss:-0} ${old:-0}"
      sleep 10
    done
  ) >"$OUT/memory.txt" &
  pids+=($!)
  # Stalls of the service's core seen from outside the JVM (a host that takes the core away).
  if command -v python3 >/dev/null; then
    taskset -c "$SERVER_CPU" python3 loadtest/diagnostics/stall-probe.py 50 "$SERVICE_PID" >"$OUT/stalls.txt" &
    pids+=($!)
  fi
fi

echo "[load] $SIM: ${PROPS[*]}"
LOG="$OUT/$SIM.log"
set +e
if [ "$CLASS" = GrpcLoadClient ]; then
  if [ "$STARTED" = 1 ] && [ "${WARM:-20s}" != 0 ]; then PROPS+=(-Dclient.warmup="${WARM:-20s}"); fi
  "${LOAD_PIN[@]}" java -Xms256m -Xmx1g "${PROPS[@]}" -Dgrpc.method="$METHOD" -Dresults.dir=target/gatling \
    -cp "target/test-classes:target/classes:$(cat "$OUT/classpath.txt")" io.creditscorer.load.GrpcLoadClient \
    >"$LOG" 2>&1 &
  LOAD_PID=$!
  tail -n +1 -f "$LOG" --pid="$LOAD_PID" | grep --line-buffered -E '^grpc-|^  |Exception|^error' || true
  wait "$LOAD_PID"; RC=$?
else
  # Pinned to one core, Gatling 3.13.5 stalls right after "Simulation ... started" (its JVM then
  # sees one processor); letting it size its thread pools for two avoids that.
  [ ${#LOAD_PIN[@]} -gt 0 ] && export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -XX:ActiveProcessorCount=2"
  "${LOAD_PIN[@]}" mvn -B -Pload gatling:test -Dgatling.simulationClass="io.creditscorer.load.$CLASS" "${PROPS[@]}" \
    >"$LOG" 2>&1 &
  LOAD_PID=$!
  # Gatling prints a block every 5 s; show one line per block: elapsed time and request counts.
  tail -n +1 -f "$LOG" --pid="$LOAD_PID" | awk '
    /Simulation: / || /^Simulation .* (started|completed)/ { print; fflush() }
    / elapsed$/ { t = $NF == "elapsed" ? $(NF - 1) : "" }
    /^> Global / && t != "" { gsub(/\|/, " "); printf "  %6s  requests %9s  ok %9s  ko %7s\n", t, $3, $4, $5; fflush(); t = "" }
    /^\[ERROR\] ./ && !/Re-run|re-run|Help 1|For more information|full stack/ { print; fflush() }' || true
  wait "$LOAD_PID"; RC=$?
fi
set -e

echo
echo "==== summary: $SIM ($LOG) ===="
if [ "$CLASS" = GrpcLoadClient ]; then
  sed -n '/^run: /,$p' "$LOG" | grep -v '^Report:' || true
  REPORT=$(sed -n 's/^Report: //p' "$LOG" | tail -1)
else
  sed -n '/^---- Global Information/,/^====/p' "$LOG" | grep -E 'request count|percentile|mean requests|Global Information' || true
  # Requests per name (a soak's warm-up is named apart), from Gatling's last progress block.
  awk '/^---- Requests/ { n = 0; inside = 1; next } /^(----|====)/ { inside = 0 }
    inside && /^> / { line[++n] = $0 } END { for (i = 1; i <= n; i++) print line[i] }' "$LOG" || true
  grep -E ': (99th percentile of response time|percentage of failed events) ' "$LOG" || true
  REPORT=$(grep -o 'file://[^ ]*index.html' "$LOG" | tail -1 | sed 's|^file://||')
fi
if [ "$STARTED" = 1 ]; then
  stop_service
  awk -v base="$RSS_BASELINE" '
    /^#/ { next }
    { t[NR] = $1; r[NR] = $2; o[NR] = $3; n = NR }
    END {
      for (i = 1; i <= n; i++) if (t[i] >= base && r[i] > 0) { b = i; break }
      for (i = n; i >= 1; i--) if (r[i] > 0) { e = i; break }
      max = 0; for (i = b; i <= e; i++) if (r[i] > max) max = r[i]
      if (b && e) printf "memory: RSS %.0f MiB at %ds -> %.0f MiB at %ds (%+.1f %%; max %.0f MiB); old gen %.0f -> %.0f MiB (%s)\n",
        r[b] / 1024, t[b], r[e] / 1024, t[e], 100 * (r[e] - r[b]) / r[b], max / 1024, o[b] / 1024, o[e] / 1024, FILENAME
    }' "$OUT/memory.txt"
  [ -f "$OUT/stalls.txt" ] && awk '$2 == "steal_since_boot_ms" { boot = $3 }
    $1 == "gap" { n++; if ($3 > max) { max = $3; at = $2 } }
    $1 == "steal" { stolen += $3; if ($3 > worst) { worst = $3; wat = $2 } }
    $1 == "busy" { b++; if ($3 > bmax) { bmax = $3; bat = $2; bwho = ""; for (i = 5; i <= NF; i++) bwho = bwho " " $i } }
    END { if (n) printf "core %s stalls of 50 ms or more, seen outside the JVM: %d (longest %d ms, %.0f s after the load command started)\n", core, n, max, at
      else printf "core %s stalls of 50 ms or more, seen outside the JVM: none\n", core
      if (b) printf "core %s seconds in which the event loops waited 250 ms or more for it while others took 250 ms or more: %d (worst wait %d ms, %.0f s after the load command started; then:%s)\n", core, b, bmax, bat, bwho
      else printf "core %s seconds in which the event loops waited 250 ms or more for it while others took 250 ms or more: none\n", core
      if (stolen) printf "core %s time taken by the host (steal): %.1f s in all (worst second %d ms, %.0f s after the load command started) (%s)\n", core, stolen / 1000, worst, wat, FILENAME
      else if (boot > 0) printf "core %s time taken by the host (steal): none (%s)\n", core, FILENAME
      else printf "core %s time taken by the host (steal): not reported by this host (none since boot) (%s)\n", core, FILENAME }' core="$SERVER_CPU" "$OUT/stalls.txt"
fi
[ -n "${REPORT:-}" ] && echo "Report: $REPORT"
[ "$RC" = 0 ] && echo "assertions: passed" || echo "assertions: FAILED or run failed (exit $RC)"
exit "$RC"
