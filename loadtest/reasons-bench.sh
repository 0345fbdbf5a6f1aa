#!/usr/bin/env bash
# Reason codes on (4 per answer) vs off, concurrency 1 and 32 (see ab-bench.sh for the method).
# Usage: loadtest/reasons-bench.sh
exec env A=reasons A_OPTS="-Dscorer.credit.reason-count=4" B=plain B_OPTS="-Dscorer.credit.reason-count=0" \
  CONCURRENCY="${CONCURRENCY:-1 32}" OUT="${OUT:-target/bench-reasons}" "$(dirname "$0")/ab-bench.sh"
