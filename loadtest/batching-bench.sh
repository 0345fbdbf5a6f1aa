#!/usr/bin/env bash
# Micro-batching on vs off: throughput, p50 and p99 of POST /v1/credit/score (one applicant per
# request) at concurrency 1, 8, 32, 128, for the linear (version 1) and the tree (version 2) model.
# Service pinned to core $SERVER_CPU, wrk to core $LOAD_CPU. Loopback only.
# Usage: loadtest/batching-bench.sh   (env: DURATION=10s CONCURRENCY="1 8 32 128" JIT_WARMUP=20s)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
JIT_WARMUP=${JIT_WARMUP:-20s}
CONCURRENCY=${CONCURRENCY:-"1 8 32 128"}
VERSIONS=${VERSIONS:-"1 2"}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SERVICE_PORT=${SERVICE_PORT:-18080}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m"}
OUT=${OUT:-target/bench-batching}

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
  for mode in on off; do
    step=$((step + 1))
    enabled=$([ "$mode" = on ] && echo true || echo false)
    echo "  ($step/$total) version $v, batching $mode"
    start_service -Dscorer.batching.enabled="$enabled"
    url="http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=$v"
    warm "$url" loadtest/bodies/credit-score.json
    for c in $CONCURRENCY; do run_wrk "v$v-$mode" "$url" loadtest/bodies/credit-score.json "$c"; done
    stop_service
  done
done

echo "[3/3] summary (server on core $SERVER_CPU, wrk on core $LOAD_CPU, $DURATION per point):"
awk '
  { split($4,a,"="); split($5,b,"="); split($6,p,"="); split($7,e,"=");
    rps[$1,$2]=a[2]; p50[$1,$2]=b[2]; p99[$1,$2]=p[2]; err[$1,$2]=e[2]; cs[$2]=1; split($1,m,"-"); vs[m[1]]=1 }
  END {
    printf "%-7s %5s | %9s %8s %8s | %9s %8s %8s | %8s %9s\n", "model", "conc", "on req/s", "p50 us", "p99 us", "off req/s", "p50 us", "p99 us", "on/off", "errors"
    for (v in vs) for (c in cs) if ((v "-on", c) in rps)
      printf "%-7s %5s | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %7.2fx %9d\n", v, c,
        rps[v "-on",c], p50[v "-on",c], p99[v "-on",c], rps[v "-off",c], p50[v "-off",c], p99[v "-off",c],
        rps[v "-on",c] / rps[v "-off",c], err[v "-on",c] + err[v "-off",c]
  }' "$OUT/results.txt" | sort -k1,1 -k2,2n -s | tee "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
