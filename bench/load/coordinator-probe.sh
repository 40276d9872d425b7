#!/bin/bash
# The coordinator's pages on an idle app, for kept figures (ADR 80): each page three times in a row, every ~10 s, eight
# times, printing each request's seconds. Run as bench/load/run.sh's THEN, which signs the users in:
#   PROVIDER=postgres CONN="...;Database=sit" APP=/tmp/pub THEN='bash bench/load/coordinator-probe.sh' bench/load/run.sh
set -euo pipefail
: "${LOAD_USERS:?run from bench/load/run.sh as THEN}" "${B:?run from bench/load/run.sh as THEN}"
c=$(grep -oE 'coordinator = "[^"]*"' "$LOAD_USERS" | sed -E 's/coordinator = "(.*)"/\1/')
prog=$(grep -oE 'program = "[^"]*"' "$LOAD_USERS" | sed -E 's/program = "(.*)"/\1/')
get() { curl -s -o /dev/null -w "%{time_total}" -H "Cookie: $c" "$B$1"; }
for path in / "/programs/$prog/health" "/programs/$prog/relationships"; do
  echo "path $path"
  for _ in $(seq 1 8); do
    echo "$(get "$path") $(get "$path") $(get "$path")"
    sleep 9
  done
done
