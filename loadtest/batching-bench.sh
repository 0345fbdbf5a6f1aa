#!/usr/bin/env bash
# Micro-batching on vs off (see ab-bench.sh for the method). Usage: loadtest/batching-bench.sh
exec env A=on A_OPTS="-Dscorer.batching.enabled=true" B=off B_OPTS="-Dscorer.batching.enabled=false" \
  OUT="${OUT:-target/bench-batching}" "$(dirname "$0")/ab-bench.sh"
