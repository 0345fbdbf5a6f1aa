#!/usr/bin/env bash
# Two replicas behind a load balancer, sharing one Redis, on this machine: the set-up of a Kubernetes
# Service in front of two pods with the shared decision store and audit stream (ReplicasIT tests the
# same). Starts redis-server (AOF, appendfsync everysec, noeviction), two packaged services with
# scorer.feedback.store.type=redis and scorer.audit.sink=redis-stream, and HAProxy balancing
# round-robin over their REST ports, each checked on /q/health/ready. Stops them all on Ctrl-C.
#
#   mvn -B -q package -DskipTests && loadtest/cluster.sh
#
# Then score and report through http://127.0.0.1:$LB_PORT (default 18000), e.g. the replay:
#   mvn -q test-compile exec:java@replay -Dexec.args="--url http://127.0.0.1:18000"
# Environment: LB_PORT (18000), REDIS_PORT (16379), REPLICA_PORTS ("18081 18082"; gRPC and
# management ports are these plus 1000 and 2000), SERVICE_JAR, JVM_OPTS (-Xmx512m).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LB_PORT:=18000}"
: "${REDIS_PORT:=16379}"
: "${REPLICA_PORTS:=18081 18082}"
: "${SERVICE_JAR:=target/quarkus-app/quarkus-run.jar}"
: "${JVM_OPTS:=-Xmx512m}"
OUT=target/cluster
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
for tool in redis-server redis-cli curl "$haproxy"; do
  command -v "$tool" >/dev/null || {
    echo "error: $tool is missing; install it with: apt-get install -y redis-server haproxy curl" >&2
    exit 1
  }
done
[ -f "$SERVICE_JAR" ] || { echo "error: $SERVICE_JAR is missing: mvn -B -q package -DskipTests" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT/redis"

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() { # url what
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "error: $2 did not come up; see $OUT/*.log" >&2
  exit 1
}

echo "redis-server on 127.0.0.1:$REDIS_PORT (AOF everysec, noeviction), data in $OUT/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$OUT/redis" --save "" \
  --appendonly yes --appendfsync everysec --maxmemory-policy noeviction >"$OUT/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
url="redis://127.0.0.1:$REDIS_PORT"

servers=""
n=0
for port in $REPLICA_PORTS; do
  n=$((n + 1))
  echo "replica $n: REST $port, gRPC $((port + 1000)), management $((port + 2000))"
  # shellcheck disable=SC2086
  java $JVM_OPTS -Dquarkus.http.port="$port" -Dquarkus.grpc.server.port=$((port + 1000)) \
    -Dquarkus.management.port=$((port + 2000)) -Dscorer.audit.sink=redis-stream \
    -Dscorer.feedback.store.type=redis -Dscorer.feedback.redis.url="$url" \
    -jar "$SERVICE_JAR" >"$OUT/replica-$n.log" 2>&1 &
  pids+=($!)
  servers+="  server r$n 127.0.0.1:$port check port $((port + 2000))"$'\n'
done
for port in $REPLICA_PORTS; do
  wait_for "http://127.0.0.1:$((port + 2000))/q/health/ready" "the replica on $port"
done

while IFS= read -r line; do # the shared configuration, its placeholders filled in
  if [ "$line" = "@SERVERS@" ]; then printf '%s' "$servers"; else printf '%s\n' "${line//@PORT@/$LB_PORT}"; fi
done <loadtest/haproxy.cfg >"$OUT/haproxy.cfg"
"$haproxy" -f "$OUT/haproxy.cfg" -db >"$OUT/haproxy.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$LB_PORT/v2/health/ready" "haproxy"

cat <<INFO
ready: http://127.0.0.1:$LB_PORT balances over the replicas; Redis at $url
  decisions: redis-cli -p $REDIS_PORT LLEN credit-scorer:decisions:q
  audit:     redis-cli -p $REDIS_PORT XLEN credit-scorer:audit
  archive:   loadtest/audit-archive.sh --once $url $OUT/audit.jsonl
  logs:      $OUT/
Ctrl-C stops everything.
INFO
wait
