#!/usr/bin/env bash
# Drift monitoring on vs off on the credit endpoint, tree model, concurrency 1 and 32, three
# alternating rounds (see ab-bench.sh for the method). Usage: loadtest/drift-bench.sh
A=on A_OPTS="-Dscorer.drift.enabled=true" B=off B_OPTS="-Dscorer.drift.enabled=false" \
  VERSIONS="${VERSIONS:-2}" CONCURRENCY="${CONCURRENCY:-1 32}" ROUNDS="${ROUNDS:-3}" \
  OUT="${OUT:-target/bench-drift}" "$(dirname "$0")/ab-bench.sh"
