#!/usr/bin/env bash
# Where a pod's memory goes under load: the service with the image's JAVA_OPTS in a container of
# LIMIT (emulated with -XX:MaxRAM; the JVM sizes its heap from it as from a cgroup limit), under
# credit and V2 load at concurrency 32, then its heap (used at the peak, committed, maximum), the JVM's
# own non-heap memory by Native Memory Tracking, and what the process holds besides (ONNX Runtime,
# glibc arenas): resident size minus what NMT accounts for. docs/CAPACITY.md, "Memory", sizes the
# overlays from these figures.
# Usage: loadtest/diagnostics/memory-budget.sh   (env: LIMIT=1024m DURATION=60s)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${LIMIT:=1024m}" "${DURATION:=60s}"
OUT=${OUT:-target/memory-budget}
mkdir -p "$OUT"
source loadtest/lib.sh
require_tools
OPTS=$(dockerfile_env JAVA_OPTS)
[ -n "$OPTS" ] || { echo "error: no JAVA_OPTS in the Dockerfile" >&2; exit 1; }
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-$(dockerfile_env MALLOC_ARENA_MAX)}"
# shellcheck disable=SC2086
JVM_OPTS="$OPTS -XX:MaxRAM=$LIMIT -XX:NativeMemoryTracking=summary" start_service
PID=$SERVICE_PID
for endpoint in credit v2; do
  if [ $endpoint = credit ]; then
    url="http://127.0.0.1:$SERVICE_PORT/v1/credit/score?version=2" body=loadtest/bodies/credit-score.json
  else
    url="http://127.0.0.1:$SERVICE_PORT/v2/models/credit-risk/versions/2/infer" body=loadtest/bodies/v2-infer.json
  fi
  BODY=$body taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$DURATION" -s loadtest/wrk/post.lua "$url" | grep RESULT
done
jcmd "$PID" GC.heap_info > "$OUT/heap.txt"
jcmd "$PID" VM.native_memory summary > "$OUT/nmt.txt"
grep -E 'VmRSS|VmHWM' "/proc/$PID/status" > "$OUT/rss.txt"
mib() { awk '{printf "%.0f", $1 / 1024}'; }
heap_max_kb=$(grep -o 'Java Heap (reserved=[0-9]*KB' "$OUT/nmt.txt" | grep -o '[0-9]*')
heap_committed_kb=$(grep -o 'Java Heap (reserved=[0-9]*KB, committed=[0-9]*KB' "$OUT/nmt.txt" | grep -o 'committed=[0-9]*' | grep -o '[0-9]*')
nmt_committed_kb=$(grep -o '^Total: reserved=[0-9]*KB, committed=[0-9]*KB' "$OUT/nmt.txt" | grep -o 'committed=[0-9]*' | grep -o '[0-9]*')
hwm_kb=$(awk '/VmHWM/ {print $2}' "$OUT/rss.txt")
rss_kb=$(awk '/VmRSS/ {print $2}' "$OUT/rss.txt")
echo "limit $LIMIT: heap maximum $(echo "$heap_max_kb" | mib) MiB, committed $(echo "$heap_committed_kb" | mib) MiB;" \
  "JVM non-heap (NMT, committed) $(echo $((nmt_committed_kb - heap_committed_kb)) | mib) MiB;" \
  "outside NMT (ONNX Runtime, malloc arenas) $(echo $((rss_kb - nmt_committed_kb)) | mib) MiB;" \
  "resident $(echo "$rss_kb" | mib) MiB, peak $(echo "$hwm_kb" | mib) MiB" | tee "$OUT/summary.txt"
stop_service
