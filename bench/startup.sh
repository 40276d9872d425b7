#!/bin/bash
# How long a node takes from its process start to its first answered API request (docs/benchmarks.md, "Start-up"), on a
# SQLite database that the first start migrates and the later ones find migrated. The first API request builds the
# routing table, and with it every endpoint's request delegate.
#
#   APP=/tmp/published bench/startup.sh [STARTS]      # APP: a published app folder (dotnet publish src/Tandem -c Release -o …)
#
# Prints one line per start ("STARTUP n ms") and the median of the starts after the first.
set -euo pipefail
: "${APP:?a published app folder}"
STARTS=${1:-6}; PORT=${PORT:-5391}; B=http://127.0.0.1:$PORT
data=$(mktemp -d /tmp/tandem-startup.XXXXXX)
trap 'rm -rf "$data"' EXIT
times=()
for n in $(seq 1 "$STARTS"); do
  start=$(date +%s%N)
  env ASPNETCORE_URLS=$B Database__Provider=Sqlite "ConnectionStrings__Tandem=Data Source=$data/tandem.db" DataDirectory=$data \
    Demo__SeedWhenEmpty=false Logging__LogLevel__Default=Warning dotnet "$APP/tandem.dll" >"$data/app.$n.log" 2>&1 &
  app=$!
  # Anonymous, so the answer is 401 once routing has found the endpoint and its authorisation refused the caller.
  until [ "$(curl -s -o /dev/null -w '%{http_code}' $B/api/v1/me/home || true)" = 401 ]; do
    kill -0 $app 2>/dev/null || { cat "$data/app.$n.log" >&2; exit 1; }
    sleep 0.02
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "STARTUP $n $ms ms"
  [ "$n" -gt 1 ] && times+=("$ms")
  kill $app; wait $app 2>/dev/null || true
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "STARTUP median of starts 2-" NR+1 ": " (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) " ms"}'
