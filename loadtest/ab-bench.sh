#!/usr/bin/env bash
# A/B benchmark of two service configurations on POST /v1/credit/score?version=N (one applicant per
# request; ENDPOINT=v2: POST /v2/models/credit-risk/versions/N/infer, one row per request):
# throughput, p50 and p99 at each concurrency, per model version, with the service restarted
# for each configuration, pinned to core $SERVER_CPU, wrk on core $LOAD_CPU. Loopback only.
# A configuration is a name, extra JVM options and a build (a quarkus-run.jar), started as a process
# of its own for each measurement.
#
# Usage: loadtest/ab-bench.sh PRESET
#   batching  micro-batching on vs off
#   reasons   reason codes on (4 per answer) vs off; concurrency 1 and 32
#   drift     drift monitoring on vs off; tree model (version 2), concurrency 1 and 32, 3 rounds
#   auth      authentication on (a token of loadtest/jwt.sh on every request) vs off (the same
#             header, ignored); version 2, concurrency 32, 5 rounds, 60 s of JIT warm-up
#   decision-store  the Redis decision store (a redis-server of its own, AOF everysec, pinned to the
#             load generator's core) vs the embedded file store; version 2, concurrency 32, 5 rounds,
#             60 s of JIT warm-up
#   builds    two builds with the same options: A_JAR vs B_JAR, each defaulting to this tree's
#             target/quarkus-app/quarkus-run.jar; version 2, concurrency 1 and 32, 5 rounds, 60 s of
#             JIT warm-up; names
#             A=a B=b unless given. Both run from this repository's root, so both read its models/
#             and data/: the comparison is of code (for B's own models, add
#             -Dscorer.repository.path=/path/to/b/models to B_OPTS).
#   A preset sets A, B, A_OPTS and B_OPTS itself (builds: only their defaults); it changes the
#   defaults of CONCURRENCY, VERSIONS, ROUNDS and OUT, which the environment still overrides.
# Or: A=on A_OPTS="-D..." [A_JAR=...] B=off B_OPTS="-D..." [B_JAR=...] loadtest/ab-bench.sh
#   (env: DURATION=10s CONCURRENCY="1 8 32 128" VERSIONS="1 2" ROUNDS=1 ENDPOINT=credit JIT_WARMUP=20s
#    OUT=target/bench-ab; BUILD=0 skips the build, which by default runs when a jar is this tree's)
# With ROUNDS > 1 the configurations alternate A B, B A, A B ... so neither always runs first, and the
# summary gives each configuration's median and the spread of the per-round ratios: on a shared
# machine a single A/B pair can differ by more than the effect being measured.
set -euo pipefail
CALLER_DIR=$PWD  # A_JAR and B_JAR given relative to where the command was typed
SELF=$(realpath "$0")
cd "$(dirname "$0")/.."

usage() { sed -n '/^# Usage:/,/^# With ROUNDS/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2; exit "$1"; }
[ $# -le 1 ] || usage 2
PRESET=${1:-}
case "$PRESET" in
  "") A=${A:?name of configuration A (or give a preset: batching, reasons, drift, auth, builds)}
      B=${B:?name of configuration B} ;;
  batching)
    A=on A_OPTS="-Dscorer.batching.enabled=true" B=off B_OPTS="-Dscorer.batching.enabled=false"
    : "${OUT:=target/bench-batching}" ;;
  reasons)
    A=reasons A_OPTS="-Dscorer.credit.reason-count=4" B=plain B_OPTS="-Dscorer.credit.reason-count=0"
    : "${CONCURRENCY:=1 32}" "${OUT:=target/bench-reasons}" ;;
  drift)
    A=on A_OPTS="-Dscorer.drift.enabled=true" B=off B_OPTS="-Dscorer.drift.enabled=false"
    : "${VERSIONS:=2}" "${CONCURRENCY:=1 32}" "${ROUNDS:=3}" "${OUT:=target/bench-drift}" ;;
  auth)
    : "${OUT:=target/bench-auth}"
    export AUTHORIZATION="Bearer $(loadtest/jwt.sh "$OUT/keys")"
    A=on A_OPTS="-Dscorer.auth.enabled=true -Dmp.jwt.verify.publickey.location=$OUT/keys/public.pem
      -Dmp.jwt.verify.issuer=load-test -Dmp.jwt.verify.audiences=credit-scorer"
    B=off B_OPTS="-Dscorer.auth.enabled=false"
    : "${VERSIONS:=2}" "${CONCURRENCY:=32}" "${ROUNDS:=5}" "${JIT_WARMUP:=60s}" ;;
  builds)
    # One pair of rounds is not enough to tell two builds apart on a noisy machine: hence 5 rounds.
    # A build with more code to compile is still compiling after 20 s on its one core: 60 s of
    # warm-up compares the builds' steady states, not their JIT.
    : "${A:=a}" "${B:=b}" "${VERSIONS:=2}" "${CONCURRENCY:=1 32}" "${ROUNDS:=5}" "${OUT:=target/bench-builds}"
    : "${JIT_WARMUP:=60s}" ;;
  decision-store)
    : "${OUT:=target/bench-decision-store}"
    REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    A=redis B=file B_OPTS=""
    A_OPTS="-Dscorer.feedback.store.type=redis -Dscorer.feedback.redis.url=redis://127.0.0.1:$REDIS_PORT"
    : "${VERSIONS:=2}" "${CONCURRENCY:=32}" "${ROUNDS:=5}" "${JIT_WARMUP:=60s}" ;;
  -h|--help) usage 0 ;;
  *) echo "error: unknown preset '$PRESET'" >&2; usage 2 ;;
esac
A_OPTS=${A_OPTS:-}
B_OPTS=${B_OPTS:-}
CONCURRENCY=${CONCURRENCY:-"1 8 32 128"}
VERSIONS=${VERSIONS:-"1 2"}
ROUNDS=${ROUNDS:-1}
ENDPOINT=${ENDPOINT:-credit}
case "$ENDPOINT" in
  credit) BODY_FILE=loadtest/bodies/credit-score.json ;;
  v2) BODY_FILE=loadtest/bodies/v2-infer.json ;;
  *) echo "ENDPOINT must be credit or v2, not '$ENDPOINT'" >&2; exit 2 ;;
esac
OUT=${OUT:-target/bench-ab}
# The names become part of each result's label ("v2-on-r1"), which the summary splits on "-".
for name in "$A" "$B"; do
  [[ $name =~ ^[A-Za-z0-9_.]+$ ]] || { echo "error: configuration name '$name': use letters, digits, _ and . only" >&2; exit 2; }
done
[ "$A" != "$B" ] || { echo "error: A and B are both named '$A'" >&2; exit 2; }

source loadtest/lib.sh
in_caller_dir() { case $1 in /*) echo "$1" ;; *) echo "$CALLER_DIR/$1" ;; esac; }
if [ -n "${A_JAR:-}" ]; then A_JAR=$(in_caller_dir "$A_JAR"); else A_JAR=$SERVICE_JAR; fi
if [ -n "${B_JAR:-}" ]; then B_JAR=$(in_caller_dir "$B_JAR"); else B_JAR=$SERVICE_JAR; fi
require_tools
mkdir -p "$OUT"
: >"$OUT/results.txt"
if [ -n "${REDIS_PORT:-}" ]; then
  rm -rf "$OUT/redis" && mkdir -p "$OUT/redis"
  taskset -c "$LOAD_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$OUT/redis" \
    --save "" --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    >"$OUT/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if [ -z "${BUILD:-}" ]; then  # build this tree only when one of the jars is its own
  BUILD=0
  for jar in "$A_JAR" "$B_JAR"; do
    if [ "$(realpath -m "$jar")" = "$(realpath -m target/quarkus-app/quarkus-run.jar)" ]; then BUILD=1; fi
  done
fi
if [ "$BUILD" = 1 ]; then
  echo "[1/3] building the service ..."
  mvn -B -q package -DskipTests
else
  echo "[1/3] not building (BUILD=0, or neither jar is this tree's)"
fi
# A build is stamped with the newest modification time of the jars in its quarkus-app/ directory:
# a rebuild during the run would otherwise go unnoticed and mix two builds in one configuration.
build_stamp() { find "$(dirname "$1")" -maxdepth 3 -name '*.jar' -printf '%T@\n' | sort -n | tail -1; }
for jar in "$A_JAR" "$B_JAR"; do
  [ -f "$jar" ] || { echo "error: $jar is missing; build it in its tree: mvn -B -q package -DskipTests" >&2; exit 1; }
done
A_STAMP=$(build_stamp "$A_JAR")
B_STAMP=$(build_stamp "$B_JAR")
{
  echo "A = $A: options '${A_OPTS}', build $A_JAR (jars of $(date -d "@$A_STAMP" '+%F %T'))"
  echo "B = $B: options '${B_OPTS}', build $B_JAR (jars of $(date -d "@$B_STAMP" '+%F %T'))"
  if [ "$PRESET" = builds ] && [ "$(realpath -m "$A_JAR")" = "$(realpath -m "$B_JAR")" ]; then
    echo "note: A_JAR and B_JAR are the same build, so this is an A/A run: its ratios show the noise"
  fi
} | tee "$OUT/configurations.txt"

step=0
total=$(( $(wc -w <<<"$VERSIONS") * 2 * ROUNDS ))
echo "[2/3] measuring ($total service runs) ..."
for v in $VERSIONS; do
  for round in $(seq 1 "$ROUNDS"); do
    order=$([ $((round % 2)) -eq 1 ] && echo "$A $B" || echo "$B $A")
    for mode in $order; do
      step=$((step + 1))
      if [ "$mode" = "$A" ]; then opts=$A_OPTS SERVICE_JAR=$A_JAR; else opts=$B_OPTS SERVICE_JAR=$B_JAR; fi
      echo "  ($step/$total) version $v, round $round, $mode ($opts${opts:+, }$SERVICE_JAR)"
      # shellcheck disable=SC2086
      start_service $opts
      if [ "$ENDPOINT" = v2 ]; then
        url="http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/versions/$v/infer"
      else
        url="http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=$v"
      fi
      warm "$url" "$BODY_FILE"
      for c in $CONCURRENCY; do run_wrk "v$v-$mode-r$round" "$url" "$BODY_FILE" "$c"; done
      stop_service
    done
  done
done

echo "[3/3] summary (server on core $SERVER_CPU, wrk on core $LOAD_CPU, $DURATION per point, $ROUNDS round(s); medians over rounds):"
awk -v a="$A" -v b="$B" '
  function median(list,   n, i, j, t, x) {
    n = split(list, x, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j-1] + 0 > x[j] + 0; j--) { t = x[j]; x[j] = x[j-1]; x[j-1] = t }
    return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
  }
  { split($1, m, "-"); v = m[1]; mode = m[2]; round = m[3]; c = $2
    split($4,r,"="); split($5,q,"="); split($6,p,"="); split($7,e,"=")
    rps[v,mode,c] = rps[v,mode,c] " " r[2]; p50[v,mode,c] = p50[v,mode,c] " " q[2]
    p99[v,mode,c] = p99[v,mode,c] " " p[2]; err[v,c] += e[2]; one[v,mode,round,c] = r[2]
    for (i = 8; i <= NF; i++) if ($i ~ /^cpu_us=/) {
      split($i, u, "="); cpu[v,mode,c] = cpu[v,mode,c] " " u[2]; onecpu[v,mode,round,c] = u[2] }
    rounds[round] = 1; cs[c] = 1; vs[v] = 1 }
  END {
    printf "%-7s %5s | %9s %8s %8s | %9s %8s %8s | %8s %15s %7s | %11s %11s %8s %15s\n", "model", "conc", a " req/s", "p50 us", "p99 us", b " req/s", "p50 us", "p99 us", a "/" b, "rounds min-max", "errors", a " cpu us", b " cpu us", a "/" b, "rounds min-max"
    for (v in vs) for (c in cs) if ((v, a, c) in rps) {
      lo = 1e9; hi = 0
      for (k in rounds) if ((v, a, k, c) in one && (v, b, k, c) in one) {
        x = one[v, a, k, c] / one[v, b, k, c]; if (x < lo) lo = x; if (x > hi) hi = x }
      ra = median(rps[v,a,c]); rb = median(rps[v,b,c])
      printf "%-7s %5s | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %7.2fx %7.2f-%.2fx %7d", v, c,
        ra, median(p50[v,a,c]), median(p99[v,a,c]), rb, median(p50[v,b,c]), median(p99[v,b,c]),
        ra / rb, lo, hi, err[v,c]
      if ((v, a, c) in cpu && (v, b, c) in cpu) {
        clo = 1e9; chi = 0
        for (k in rounds) if ((v, a, k, c) in onecpu && (v, b, k, c) in onecpu) {
          x = onecpu[v, a, k, c] / onecpu[v, b, k, c]; if (x < clo) clo = x; if (x > chi) chi = x }
        ca = median(cpu[v,a,c]); cb = median(cpu[v,b,c])
        printf " | %11.2f %11.2f %7.2fx %7.2f-%.2fx", ca, cb, ca / cb, clo, chi
      }
      printf "\n"
    }
  }' "$OUT/results.txt" | sort -k1,1 -k2,2n -s | tee "$OUT/summary.txt"
{
  cat "$OUT/configurations.txt"
  [ "$(build_stamp "$A_JAR")" = "$A_STAMP" ] || echo "WARNING: $A_JAR was rebuilt during the run: A mixes two builds"
  [ "$(build_stamp "$B_JAR")" = "$B_STAMP" ] || echo "WARNING: $B_JAR was rebuilt during the run: B mixes two builds"
} | tee -a "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
