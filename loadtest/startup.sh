#!/usr/bin/env bash
# Start-up and footprint (docs/BENCHMARKS.md, "Start-up and footprint"; docs/CAPACITY.md): for each JVM
# set-up, process start to the first 200 from /q/health/ready (both cores, the JVM's default heap, an
# empty decision store, RUNS starts, median) with resident memory at ready and SIGTERM to exit (idle,
# quarkus.shutdown.delay as configured); then, in one more start,
# the throughput of each of the first WARMUP_SECONDS seconds after ready (the service moved to core
# $SERVER_CPU once ready, wrk on core $LOAD_CPU, concurrency 32, credit score, one applicant).
#   jdk17      the fast-jar (mvn package) on Java 17, as the README runs it
#   jdk25      the AOT jar layout (mvn -Paot package) on Java 25, without its cache
#   jdk25-aot  the same with -XX:AOTCache=app.aot (-XX:AOTMode=on)
# Last, per set-up of MEMORY_SETUPS (default jdk25-aot), MEMORY_RUNS (3) times: resident memory and req/s
# after MEMORY_LOAD (60s) of credit load at concurrency 32 with the Dockerfile's JAVA_OPTS and
# MALLOC_ARENA_MAX (the environment's, if set there, even empty), MEMORY_OPTS and
# -XX:MaxRAM=$MEMORY_LIMIT (512m).
# Usage: loadtest/startup.sh   (RUNS=5, WARMUP_SECONDS=10, SETUPS="jdk17 jdk25 jdk25-aot" (empty: only
#   the memory phase), JAVA17_HOME, JAVA25_HOME (default: the first /usr/lib/jvm/*-25-*), BUILD=0 to use
#   the builds in $OUT/fast-jar and $OUT/aot-jar as they are, START_OPTS: more JVM options for every
#   start, e.g. authentication and tracing on, with AUTHORIZATION for the load's requests)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench-startup}"
mkdir -p "$OUT"
. loadtest/lib.sh
: "${RUNS:=5}"
: "${WARMUP_SECONDS:=10}"
: "${SETUPS=jdk17 jdk25 jdk25-aot}" "${MEMORY_SETUPS=jdk25-aot}" "${MEMORY_RUNS:=3}"
: "${MEMORY_LIMIT:=512m}" "${MEMORY_LOAD:=60s}" "${MEMORY_OPTS:=}" "${START_OPTS:=}"
: "${JAVA17_HOME:=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
: "${JAVA25_HOME:=$(ls -d /usr/lib/jvm/*-25-* 2>/dev/null | head -1)}"
require_tools
[ -x "$JAVA25_HOME/bin/java" ] || { echo "error: no Java 25 (set JAVA25_HOME)" >&2; exit 1; }
"$JAVA17_HOME/bin/java" -version 2>&1 | grep -q '"17' || { echo "error: $JAVA17_HOME is not a Java 17 (set JAVA17_HOME)" >&2; exit 1; }
STATE=$(realpath "$OUT")/state
LOG=$(realpath "$OUT")/service.log
ROOT=$PWD
READY="http://127.0.0.1:$SERVICE_MANAGEMENT_PORT/q/health/ready"
now_ms() { echo $(($(date +%s%N) / 1000000)); }

if [ "${BUILD:-1}" = 1 ]; then
  echo "== building the fast-jar, then the AOT jar layout and its cache (Java 25)"
  mvn -B -q package -DskipTests
  rm -rf "$OUT/fast-jar" && cp -a target/quarkus-app "$OUT/fast-jar"
  JAVA_HOME="$JAVA25_HOME" mvn -B -q -Paot package -DskipTests
  rm -rf "$OUT/aot-jar" && cp -a target/quarkus-app "$OUT/aot-jar"
fi

setup() { # name -> APP (folder), JAVA, OPTS
  case "$1" in
    jdk17) APP=$OUT/fast-jar JAVA=$JAVA17_HOME/bin/java OPTS="" ;;
    jdk25) APP=$OUT/aot-jar JAVA=$JAVA25_HOME/bin/java OPTS="" ;;
    jdk25-aot) APP=$OUT/aot-jar JAVA=$JAVA25_HOME/bin/java OPTS="-XX:AOTCache=app.aot -XX:AOTMode=on" ;;
    *) echo "unknown set-up $1" >&2; exit 2 ;;
  esac
}

launch() { # started from the application's folder, as a cache must be
  rm -rf "$STATE"
  # shellcheck disable=SC2086 # OPTS holds several options: split on purpose
  (cd "$APP" && exec "$JAVA" $OPTS $START_OPTS -Dquarkus.http.port="$SERVICE_PORT" \
    -Dquarkus.grpc.server.port="$SERVICE_GRPC_PORT" -Dquarkus.management.port="$SERVICE_MANAGEMENT_PORT" \
    -Dscorer.repository.path="$ROOT/models" -Dscorer.features.snapshot="$ROOT/data/applicants.jsonl" \
    -Dscorer.feedback.store.path="$STATE/feedback" -Dscorer.audit.path="$STATE/audit/decisions.log" \
    -jar quarkus-run.jar >"$LOG" 2>&1) &
  SERVICE_PID=$!
  pids+=("$SERVICE_PID")
}

# The readiness probe runs on bash's own /dev/tcp, with no process started per attempt: a curl every
# few milliseconds would take a good part of a core from the start it measures on two cores (as a
# pod's kubelet, probing every few seconds, does not).
exec 9<> <(:) # a pipe nothing writes to: read -t on it is a sleep without a process
ready_answers() {
  exec 3<>"/dev/tcp/127.0.0.1/$SERVICE_MANAGEMENT_PORT" || return 1
  printf 'GET /q/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  local status=""
  read -r -t 5 _ status _ <&3 || true
  exec 3<&-
  [ "$status" = 200 ]
}

until_ready() {
  for _ in $(seq 1 3000); do
    ready_answers 2>/dev/null && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    read -r -t 0.005 -u 9 || true
  done
  echo "error: $READY did not come up; see $OUT/service.log" >&2
  exit 1
}

: >"$OUT/startup.txt"
for name in $SETUPS; do
  setup "$name"
  echo "== $name: $RUNS starts, process start -> $READY 200"
  for run in $(seq 1 "$RUNS"); do
    t0=$(now_ms)
    launch
    until_ready
    ready=$(($(now_ms) - t0))
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$SERVICE_PID/status")
    t1=$(now_ms)
    stop_service
    stop=$(($(now_ms) - t1))
    echo "setup=$name run=$run ready_ms=$ready rss_mb=$rss stop_ms=$stop" | tee -a "$OUT/startup.txt"
  done
  launch
  until_ready
  taskset -p -c "$SERVER_CPU" "$SERVICE_PID" >/dev/null
  rates=""
  for _ in $(seq 1 "$WARMUP_SECONDS"); do
    rps=$(BODY=loadtest/bodies/credit-score.json taskset -c "$LOAD_CPU" wrk -t1 -c32 -d1s \
      -s loadtest/wrk/post.lua "http://127.0.0.1:$SERVICE_PORT/v1/credit/score" | grep -o ' rps=[0-9]*' | cut -d= -f2)
    rates="$rates ${rps%.*}"
  done
  stop_service
  echo "setup=$name first_seconds_rps=$(echo $rates | tr ' ' ',')" | tee -a "$OUT/startup.txt"
done

# Resident memory after a minute of load, as a pod runs: the Dockerfile's JAVA_OPTS (plus MEMORY_OPTS) and
# MALLOC_ARENA_MAX in a container of MEMORY_LIMIT (emulated with -XX:MaxRAM), credit version 2 at
# concurrency 32.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-$(dockerfile_env MALLOC_ARENA_MAX)}"
for name in $MEMORY_SETUPS; do
  setup "$name"
  OPTS="$OPTS $(dockerfile_env JAVA_OPTS) -XX:MaxRAM=$MEMORY_LIMIT $MEMORY_OPTS"
  for run in $(seq 1 "$MEMORY_RUNS"); do
    echo "== $name: resident after $MEMORY_LOAD of credit load at concurrency 32" \
      "(MALLOC_ARENA_MAX='$MALLOC_ARENA_MAX' $OPTS)"
    launch
    until_ready
    taskset -p -c "$SERVER_CPU" "$SERVICE_PID" >/dev/null
    rps=$(BODY=loadtest/bodies/credit-score.json taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$MEMORY_LOAD" \
      -s loadtest/wrk/post.lua "http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=2" |
      grep -o ' rps=[0-9]*' | cut -d= -f2)
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$SERVICE_PID/status")
    hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$SERVICE_PID/status")
    stop_service
    echo "setup=$name run=$run memory_limit=$MEMORY_LIMIT resident_after_load_mb=$rss peak_mb=$hwm rps=$rps" |
      tee -a "$OUT/startup.txt"
  done
done

echo "== summary (medians over $RUNS starts; req/s in each of the first $WARMUP_SECONDS s after ready)"
for name in $SETUPS; do
  ready=$(grep "setup=$name run=" "$OUT/startup.txt" | grep -o 'ready_ms=[0-9]*' | cut -d= -f2 | sort -n |
    awk '{r[NR]=$1} END {printf "%d ms (%d-%d)", r[int((NR+1)/2)], r[1], r[NR]}')
  rss=$(grep "setup=$name run=" "$OUT/startup.txt" | grep -o 'rss_mb=[0-9]*' | cut -d= -f2 | sort -n |
    awk '{r[NR]=$1} END {printf "%d MB", r[int((NR+1)/2)]}')
  stop=$(grep "setup=$name run=" "$OUT/startup.txt" | grep -o 'stop_ms=[0-9]*' | cut -d= -f2 | sort -n |
    awk '{r[NR]=$1} END {printf "%d ms", r[int((NR+1)/2)]}')
  rates=$(grep "setup=$name first_seconds" "$OUT/startup.txt" | cut -d= -f3)
  echo "$name: ready $ready, resident at ready $rss, SIGTERM to exit $stop; first seconds $rates"
done
grep 'resident_after_load' "$OUT/startup.txt" || true
