#!/usr/bin/env bash
# A/B benchmark of two service configurations on POST /v1/credit/score?version=N (one applicant per
# request; ENDPOINT=v2: POST /v2/models/credit-risk/versions/N/infer, one row per request):
# throughput, p50 and p99 at each concurrency, per model version, with the service restarted
# for each configuration, pinned to core $SERVER_CPU, wrk on core $LOAD_CPU. Loopback only.
# Usage: A=on A_OPTS="-D..." B=off B_OPTS="-D..." loadtest/ab-bench.sh
#   (env: DURATION=10s CONCURRENCY="1 8 32 128" VERSIONS="1 2" ROUNDS=1 ENDPOINT=credit JIT_WARMUP=20s
#    OUT=target/bench-ab)
# With ROUNDS > 1 the configurations alternate A B, B A, A B ... so neither always runs first, and the
# summary gives each configuration's median and the spread of the per-round ratios: on a shared
# machine a single A/B pair can differ by more than the effect being measured.
set -euo pipefail
cd "$(dirname "$0")/.."

A=${A:?name of configuration A}
B=${B:?name of configuration B}
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

source loadtest/lib.sh
require_tools
mkdir -p "$OUT"
: >"$OUT/results.txt"

echo "[1/3] building the service ..."
mvn -B -q package -DskipTests

step=0
total=$(( $(wc -w <<<"$VERSIONS") * 2 * ROUNDS ))
echo "[2/3] measuring ($total service runs) ..."
for v in $VERSIONS; do
  for round in $(seq 1 "$ROUNDS"); do
    order=$([ $((round % 2)) -eq 1 ] && echo "$A $B" || echo "$B $A")
    for mode in $order; do
      step=$((step + 1))
      opts=$([ "$mode" = "$A" ] && echo "$A_OPTS" || echo "$B_OPTS")
      echo "  ($step/$total) version $v, round $round, $mode ($opts)"
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
    rounds[round] = 1; cs[c] = 1; vs[v] = 1 }
  END {
    printf "%-7s %5s | %9s %8s %8s | %9s %8s %8s | %8s %15s %7s\n", "model", "conc", a " req/s", "p50 us", "p99 us", b " req/s", "p50 us", "p99 us", a "/" b, "rounds min-max", "errors"
    for (v in vs) for (c in cs) if ((v, a, c) in rps) {
      lo = 1e9; hi = 0
      for (k in rounds) if ((v, a, k, c) in one && (v, b, k, c) in one) {
        x = one[v, a, k, c] / one[v, b, k, c]; if (x < lo) lo = x; if (x > hi) hi = x }
      ra = median(rps[v,a,c]); rb = median(rps[v,b,c])
      printf "%-7s %5s | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %7.2fx %7.2f-%.2fx %7d\n", v, c,
        ra, median(p50[v,a,c]), median(p99[v,a,c]), rb, median(p50[v,b,c]), median(p99[v,b,c]),
        ra / rb, lo, hi, err[v,c]
    }
  }' "$OUT/results.txt" | sort -k1,1 -k2,2n -s | tee "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
