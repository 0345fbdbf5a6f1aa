#!/usr/bin/env bash
# Pod start-up as the capacity plan needs it (docs/CAPACITY.md): how long the JVM service takes from
# process start to a ready /q/health/ready, how long SIGTERM takes to stop it, and how its throughput
# grows second by second after it turns ready (the JIT compiles on the same core while it serves).
# Service pinned to one core, wrk to the other, one applicant per request.
# Usage: mvn -B -q package -DskipTests && loadtest/startup.sh     (RUNS, WARMUP_SECONDS, APP_JAR)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench-startup}"
mkdir -p "$OUT"
. loadtest/lib.sh
: "${RUNS:=5}"
: "${WARMUP_SECONDS:=30}"
: "${APP_JAR:=$SERVICE_JAR}"
require_tools
[ -f "$APP_JAR" ] || { echo "error: $APP_JAR is missing; run mvn -B -q package -DskipTests" >&2; exit 1; }
READY="http://127.0.0.1:$SERVICE_MANAGEMENT_PORT/q/health/ready"
now_ms() { echo $(($(date +%s%N) / 1000000)); }

launch() {
  # shellcheck disable=SC2086 # JVM_OPTS holds several options: split on purpose
  taskset -c "$SERVER_CPU" java $JVM_OPTS -Dquarkus.http.port="$SERVICE_PORT" \
    -Dquarkus.grpc.server.port=$((SERVICE_PORT + 1000)) -Dquarkus.management.port="$SERVICE_MANAGEMENT_PORT" \
    -jar "$APP_JAR" >"$OUT/service.log" 2>&1 &
  SERVICE_PID=$!
  pids+=("$SERVICE_PID")
}

until_ready() {
  for _ in $(seq 1 3000); do
    curl -sf -o /dev/null "$READY" && return 0
    sleep 0.01
  done
  echo "error: $READY did not come up; see $OUT/service.log" >&2
  exit 1
}

: >"$OUT/startup.txt"
echo "== cold starts: process start -> /q/health/ready 200, SIGTERM -> exit ($RUNS runs)"
for run in $(seq 1 "$RUNS"); do
  t0=$(now_ms)
  launch
  until_ready
  ready=$(($(now_ms) - t0))
  quarkus=$(grep -o 'started in [0-9.]*s' "$OUT/service.log" | head -1 | grep -o '[0-9.]*' || echo '?')
  t1=$(now_ms)
  stop_service
  stop=$(($(now_ms) - t1))
  echo "run=$run ready_ms=$ready quarkus_started_s=$quarkus stop_ms=$stop" | tee -a "$OUT/startup.txt"
done

echo "== throughput per second after ready (concurrency 32, credit score, one applicant)"
launch
until_ready
: >"$OUT/warmup.txt"
for s in $(seq 1 "$WARMUP_SECONDS"); do
  line=$(BODY=loadtest/bodies/credit-score.json taskset -c "$LOAD_CPU" wrk -t1 -c32 -d1s \
    -s loadtest/wrk/post.lua "http://127.0.0.1:$SERVICE_PORT/v1/credit/score" | grep '^RESULT')
  echo "second=$s $line" | tee -a "$OUT/warmup.txt"
done
stop_service

grep -o 'ready_ms=[0-9]*' "$OUT/startup.txt" | cut -d= -f2 | sort -n | awk '{r[NR]=$1}
  END {printf "summary: ready median %d ms (min %d, max %d) over %d runs; ", r[int((NR+1)/2)], r[1], r[NR], NR}'
grep -o 'stop_ms=[0-9]*' "$OUT/startup.txt" | cut -d= -f2 | awk '{s+=$1} END {printf "stop mean %d ms\n", s/NR}'
awk '{for(i=1;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]} rps[NR]=v["rps"]}
  END {last=0; for(i=NR-4;i<=NR;i++) last+=rps[i]; last/=5;
    printf "summary: steady rate (last 5 s) %.0f req/s; ", last;
    for(i=1;i<=NR;i++) if (rps[i] >= 0.9*last) {printf "90 %% of it reached in second %d\n", i; exit}
    print "90 % not reached"}' "$OUT/warmup.txt"
