# shellcheck shell=bash
# Shared by the benchmark scripts: defaults, pinned server start, warm-up, measured runs.
# Each default can be overridden from the environment. The caller sets OUT.

: "${DURATION:=10s}"     # measured time per point
: "${WARMUP:=2s}"        # unmeasured load before each point
: "${JIT_WARMUP:=20s}"   # load at concurrency 32 after start: a JVM pinned to one core compiles slowly
: "${SERVER_CPU:=0}"     # core the server is pinned to
: "${LOAD_CPU:=1}"       # core the load generator is pinned to
: "${SERVICE_PORT:=18080}"
: "${SERVICE_GRPC_PORT:=19080}"  # kept off the default 9000 so a running service is not disturbed
: "${SERVICE_MANAGEMENT_PORT:=19090}"  # health and metrics, off the default 9090
: "${JVM_OPTS:=-Xms512m -Xmx512m}"
# The build start_service runs (its quarkus-app/ directory must stay whole: the jar loads lib/ beside
# it). ab-bench.sh sets it per configuration to compare two builds; relative to the repository root.
: "${SERVICE_JAR:=target/quarkus-app/quarkus-run.jar}"

dockerfile_env() { # NAME -> the value the Dockerfile's ENV gives NAME (empty if none)
  sed -n "s/^\(ENV\)\{0,1\} *$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}.*/\2/p" Dockerfile | sed 's/ *\\$//' | head -1
}

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

require_tools() {
  for tool in wrk taskset curl; do
    command -v "$tool" >/dev/null || {
      echo "error: $tool is missing; install it with: apt-get install -y wrk util-linux curl" >&2
      exit 1
    }
  done
}

endpoint() { # credit|credit-64|v2 script-name -> sets URL_PATH and BODY (one applicant / row, or 64 applicants)
  case "$1" in
    credit) URL_PATH=/v1/credit/score; BODY=loadtest/bodies/credit-score.json ;;
    credit-64) URL_PATH=/v1/credit/score; BODY=loadtest/bodies/credit-64.json ;;
    v2) URL_PATH=/v2/models/credit-risk/infer; BODY=loadtest/bodies/v2-infer.json ;;
    *) echo "usage: loadtest/$2 [credit|credit-64|v2] [-Dkey=value ...]" >&2; exit 2 ;;
  esac
}

build_start_warm() { # what-the-service-runs-with -Dopts... -> builds (BUILD=0 skips), starts, warms $URL
  local with=$1; shift
  if [ "${BUILD:-1}" = 1 ]; then
    echo "[1/4] building ..."
    mvn -B -q package -DskipTests
  fi
  echo "[2/4] starting the service with $with, warming up $JIT_WARMUP ..."
  start_service "$@"
  URL="http://127.0.0.1:$SERVICE_PORT$URL_PATH"
  warm "$URL" "$BODY"
}

wait_for() { # url
  for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "error: $1 did not come up; see $OUT/*.log" >&2
  exit 1
}

start_service() { # extra JVM -D options...
  # Each run starts with an empty decision store and audit log of its own, so that runs do not
  # replay each other's decisions at start-up.
  rm -rf "$OUT/feedback" "$OUT/audit"
  # shellcheck disable=SC2086 # JVM_OPTS holds several options: split on purpose
  taskset -c "$SERVER_CPU" java $JVM_OPTS -Dquarkus.http.port="$SERVICE_PORT" \
    -Dquarkus.grpc.server.port="$SERVICE_GRPC_PORT" -Dquarkus.management.port="$SERVICE_MANAGEMENT_PORT" \
    -Dscorer.feedback.store.path="$OUT/feedback" \
    -Dscorer.audit.path="$OUT/audit/decisions.log" "$@" \
    -jar "$SERVICE_JAR" >"$OUT/service.log" 2>&1 &
  SERVICE_PID=$!
  pids+=("$SERVICE_PID")
  wait_for "http://127.0.0.1:$SERVICE_PORT/v2/health/ready"
}

stop_service() {
  kill "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" 2>/dev/null || true
}

warm() { # url body
  BODY=$2 taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$JIT_WARMUP" -s loadtest/wrk/post.lua "$1" >/dev/null
}

run_wrk() { # label url body concurrency -> appends "label c RESULT rps=.. p50=.. p99=.. errors=.. requests=.. [cpu_us=..]"
  local label=$1 url=$2 body=$3 c=$4 line before after requests
  BODY=$body taskset -c "$LOAD_CPU" wrk -t1 -c"$c" -d"$WARMUP" -s loadtest/wrk/post.lua "$url" >/dev/null
  before=$(service_cpu_ns)
  line=$(BODY=$body taskset -c "$LOAD_CPU" wrk -t1 -c"$c" -d"$DURATION" -s loadtest/wrk/post.lua "$url" | grep '^RESULT')
  after=$(service_cpu_ns)
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  # The service's CPU per answer: unlike req/s, it hardly moves when the host takes the core away
  # for a while, so it tells two builds apart on a noisy machine.
  if [ -n "$before" ] && [ -n "$after" ] && [ "${requests:-0}" -gt 0 ]; then
    line="$line cpu_us=$(awk -v d=$((after - before)) -v n="$requests" 'BEGIN { printf "%.2f", d / n / 1000 }')"
  fi
  echo "$label $c $line" | tee -a "$OUT/results.txt"
}

service_cpu_ns() { # the CPU time of every thread of the running service, in ns (empty: none running)
  [ -n "${SERVICE_PID:-}" ] && [ -d "/proc/$SERVICE_PID" ] || return 0
  cat /proc/"$SERVICE_PID"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'
}

thread_cpu() { # pid -> "thread-name cpu-ns" per thread name (summed), from /proc/<pid>/task/*/schedstat
  local t
  for t in /proc/"$1"/task/*; do
    echo "$(tr ' ' _ <"$t/comm" 2>/dev/null) $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)"
  done | awk 'NF == 2 { a[$1] += $2 } END { for (k in a) print k, a[k] }' | sort
}

thread_cpu_report() { # before-file after-file -> one line: the service's CPU by thread between the two
  join "$1" "$2" | awk '{ print ($3 - $2) / 1e6, $1 }' | sort -rn |
    awk '{ ms[NR] = $1; name[NR] = $2; total += $1 }
      END { printf "service CPU by thread while measured: %.1f s;", total / 1000
        for (i = 1; i <= NR; i++) if (100 * ms[i] / total >= 0.5) printf " %s %.1f %%", name[i], 100 * ms[i] / total
        print "" }'
}
