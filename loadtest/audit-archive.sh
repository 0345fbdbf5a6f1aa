#!/usr/bin/env bash
# Archives the audit stream (scorer.audit.sink=redis-stream) to a JSON-lines file: reads new records
# with a consumer group, appends them to the file and syncs it, then acknowledges them and trims the
# stream of what it archived (while it is the stream's only consumer group). At least once: a record appended but not
# acknowledged (a crash in between) is appended again; its record_id tells the repeat.
#
#   loadtest/audit-archive.sh [--once] REDIS_URL ARCHIVE_FILE
#
# --once archives what is there and stops; otherwise it waits for more (BLOCK 5 s) until stopped.
# Environment: STREAM (credit-scorer:audit), GROUP (archiver), CONSUMER (hostname), COUNT (1000).
set -euo pipefail
once=false
if [ "${1:-}" = "--once" ]; then once=true; shift; fi
url=${1:?usage: $0 [--once] REDIS_URL ARCHIVE_FILE}
out=${2:?usage: $0 [--once] REDIS_URL ARCHIVE_FILE}
stream=${STREAM:-credit-scorer:audit}
group=${GROUP:-archiver}
consumer=${CONSUMER:-$(hostname)}
count=${COUNT:-1000}
cli() { redis-cli -u "$url" --no-auth-warning "$@"; }

# The group starts at the stream's first entry; BUSYGROUP (it exists already) is fine.
cli XGROUP CREATE "$stream" "$group" 0 MKSTREAM >/dev/null 2>&1 || true

# First what this consumer was given but did not acknowledge (a crash), then new entries.
start=0
while :; do
  if $once; then block=(); else block=(BLOCK 5000); fi
  # --raw prints the stream's name, then per entry its id, the field "record" and the JSON record.
  mapfile -t reply < <(cli --raw XREADGROUP GROUP "$group" "$consumer" COUNT "$count" "${block[@]}" \
    STREAMS "$stream" "$start")
  ids=()
  lines=()
  for ((i = 1; i + 2 < ${#reply[@]} + 1; i += 3)); do
    [ "${reply[i + 1]:-}" = record ] || continue
    ids+=("${reply[i]}")
    lines+=("${reply[i + 2]}")
  done
  if [ ${#ids[@]} -eq 0 ]; then
    if [ "$start" = 0 ]; then start='>'; continue; fi
    $once && break
    continue
  fi
  printf '%s\n' "${lines[@]}" >>"$out"
  sync "$out"
  cli XACK "$stream" "$group" "${ids[@]}" >/dev/null
  # Trim what was archived and acknowledged, while this is the stream's only consumer group (with
  # others, each must have read an entry before it may go): below the oldest entry still pending, or
  # below the last one delivered.
  info=$(cli --raw XINFO GROUPS "$stream")
  if [ "$(grep -cx name <<<"$info")" = 1 ]; then
    last=$(awk 'prev == "last-delivered-id" { print } { prev = $0 }' <<<"$info")
    oldest=$(cli --raw XPENDING "$stream" "$group" | sed -n 2p)
    cli XTRIM "$stream" MINID "${oldest:-$last}" >/dev/null
  fi
  echo "archived ${#ids[@]} record(s) to $out"
done
