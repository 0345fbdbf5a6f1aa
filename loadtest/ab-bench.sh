#!/usr/bin/env bash
# A/B benchmark of two service configurations on POST /v1/credit/score?version=N (one applicant per
# request): throughput, p50 and p99 at each concurrency, per model version, with the service restarted
# for each configuration, pinned to core $SERVER_CPU, wrk on core $LOAD_CPU. Loopback only.
# Usage: A=on A_OPTS="-D..." B=off B_OPTS="-D..." loadtest/ab-bench.sh
#   (env: DURATION=10s CONCURRENCY="1 8 32 128" VERSIONS="1 2" JIT_WARMUP=20s OUT=target/bench-ab)
set -euo pipefail
cd "$(dirname "$0")/.."

A=${A:?name of configuration A}
B=${B:?name of configuration B}
A_OPTS=${A_OPTS:-}
B_OPTS=${B_OPTS:-}
CONCURRENCY=${CONCURRENCY:-"1 8 32 128"}
VERSIONS=${VERSIONS:-"1 2"}
OUT=${OUT:-target/bench-ab}

source loadtest/lib.sh
require_tools
mkdir -p "$OUT"
: >"$OUT/results.txt"

echo "[1/3] building the service ..."
mvn -B -q package -DskipTests

step=0
total=$(( $(wc -w <<<"$VERSIONS") * 2 ))
echo "[2/3] measuring ($total service runs) ..."
for v in $VERSIONS; do
  for mode in "$A" "$B"; do
    step=$((step + 1))
    opts=$([ "$mode" = "$A" ] && echo "$A_OPTS" || echo "$B_OPTS")
    echo "  ($step/$total) version $v, $mode ($opts)"
    # shellcheck disable=SC2086
    start_service $opts
    url="http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=$v"
    warm "$url" loadtest/bodies/credit-score.json
    for c in $CONCURRENCY; do run_wrk "v$v-$mode" "$url" loadtest/bodies/credit-score.json "$c"; done
    stop_service
  done
done

echo "[3/3] summary (server on core $SERVER_CPU, wrk on core $LOAD_CPU, $DURATION per point):"
awk -v a="$A" -v b="$B" '
  { split($4,r,"="); split($5,q,"="); split($6,p,"="); split($7,e,"=");
    rps[$1,$2]=r[2]; p50[$1,$2]=q[2]; p99[$1,$2]=p[2]; err[$1,$2]=e[2]; cs[$2]=1; split($1,m,"-"); vs[m[1]]=1 }
  END {
    printf "%-7s %5s | %9s %8s %8s | %9s %8s %8s | %8s %7s\n", "model", "conc", a " req/s", "p50 us", "p99 us", b " req/s", "p50 us", "p99 us", a "/" b, "errors"
    for (v in vs) for (c in cs) if ((v "-" a, c) in rps)
      printf "%-7s %5s | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %7.2fx %7d\n", v, c,
        rps[v "-" a,c], p50[v "-" a,c], p99[v "-" a,c], rps[v "-" b,c], p50[v "-" b,c], p99[v "-" b,c],
        rps[v "-" a,c] / rps[v "-" b,c], err[v "-" a,c] + err[v "-" b,c]
  }' "$OUT/results.txt" | sort -k1,1 -k2,2n -s | tee "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
