#!/usr/bin/env bash
# Credit requests by applicant id alone vs the same applicant sent in full, end to end over HTTP, with
# each feature store: the embedded snapshot, Redis behind the near-cache (hits), and Redis with a
# one-entry near-cache and random ids (nearly every request is an MGET round trip). One applicant per
# request, model version 2 with reason codes (the default). Server pinned to core $SERVER_CPU, wrk and
# redis-server to core $LOAD_CPU. Loopback only. Needs redis-server on PATH.
# Usage: loadtest/feature-bench.sh   (env: DURATION=10s CONCURRENCY="1 32" JIT_WARMUP=20s)
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-"1 32"}
OUT=${OUT:-target/bench-features}
REDIS_PORT=${REDIS_PORT:-16390}

source loadtest/lib.sh
require_tools
command -v redis-server >/dev/null || { echo "error: apt-get install -y redis-server" >&2; exit 1; }
mkdir -p "$OUT"
: >"$OUT/results.txt"

echo "[1/3] building the service ..."
mvn -B -q package -DskipTests

echo "[2/3] starting redis-server on port $REDIS_PORT and loading the snapshot ..."
taskset -c "$LOAD_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$OUT/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
java -jar "$SERVICE_JAR" load-features data/applicants.jsonl \
  --redis "redis://127.0.0.1:$REDIS_PORT" | tail -1

url="http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=2"
redis_opts="-Dscorer.features.store=redis -Dscorer.features.redis.url=redis://127.0.0.1:$REDIS_PORT"
echo "[3/3] measuring (3 service runs) ..."
for store in snapshot redis redis-miss; do
  case $store in
    snapshot) opts="" ;;
    redis) opts="$redis_opts" ;;
    redis-miss) opts="$redis_opts -Dscorer.features.cache.max-size=1" ;;
  esac
  echo "  $store"
  # shellcheck disable=SC2086
  start_service $opts
  warm "$url" loadtest/bodies/credit-score.json
  if [ "$store" = redis-miss ]; then export RANDOM_APPLICANT=1; fi
  warm "$url" loadtest/bodies/credit-by-id.json
  unset RANDOM_APPLICANT
  for c in $CONCURRENCY; do
    run_wrk "$store-full" "$url" loadtest/bodies/credit-score.json "$c"
    if [ "$store" = redis-miss ]; then export RANDOM_APPLICANT=1; fi
    run_wrk "$store-id" "$url" loadtest/bodies/credit-by-id.json "$c"
    unset RANDOM_APPLICANT
  done
  stop_service
done

echo "Summary (server on core $SERVER_CPU, load on core $LOAD_CPU, $DURATION per point):"
printf "%-10s %4s | %9s %8s %8s | %9s %8s %8s | %9s %6s\n" "store" "conc" "full r/s" "p50 us" "p99 us" \
  "id r/s" "p50 us" "p99 us" "id/full p50" "errors" | tee "$OUT/summary.txt"
awk '
  { split($1,m,"-"); kind=m[length(m)]; store=substr($1,1,length($1)-length(kind)-1)
    split($4,r,"="); split($5,q,"="); split($6,p,"="); split($7,e,"=")
    rps[store,kind,$2]=r[2]; p50[store,kind,$2]=q[2]; p99[store,kind,$2]=p[2]; err[store,$2]+=e[2]
    stores[store]=1; cs[$2]=1 }
  END {
    for (s in stores) for (c in cs) if ((s,"full",c) in rps)
      printf "%-10s %4s | %9.0f %8.0f %8.0f | %9.0f %8.0f %8.0f | %10.2fx %6d\n", s, c,
        rps[s,"full",c], p50[s,"full",c], p99[s,"full",c], rps[s,"id",c], p50[s,"id",c], p99[s,"id",c],
        p50[s,"id",c] / p50[s,"full",c], err[s,c]
  }' "$OUT/results.txt" | sort -k1,1 -k2,2n -s | tee -a "$OUT/summary.txt"
echo "Results: $OUT/summary.txt (raw lines: $OUT/results.txt)"
