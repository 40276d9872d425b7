#!/bin/bash
# The coordinators' table exports on a district-size program (docs/benchmarks.md, "Exports streamed", ADR 123): for each
# export asked for, a fresh app process (Release build) signs the coordinator in and downloads it RUNS times with curl:
# time to the first byte and to the last, the file's size, the app's peak resident set (VmHWM from /proc/PID/status, before
# the first download and after each) and the bytes the app allocated during each download (the runtime's
# dotnet.gc.heap.total_allocated counter, read from /metrics before and after). Needs curl, python3, and sqlite3 or psql.
#
#   PROVIDER=sqlite CONN="Data Source=/tmp/exports-bench/school.db" APP=/tmp/published bench/exports/run.sh
#   PROVIDER=postgres CONN="Host=127.0.0.1;Port=55432;Username=postgres;Database=tandem_load" APP=... bench/exports/run.sh
#
# The database must hold a scale program (`tandem seed scale`, as bench/load/run.sh seeds it; SEED="--mentees ..." seeds one
# when there is none). APP: a published app folder (default: publish this checkout in Release). EXPORTS: what to download
# ("check-ins:csv check-ins:xlsx participants:csv participants:xlsx" unless set), RUNS (3), PORT (5295).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${PROVIDER:?postgres or sqlite}" "${CONN:?a connection string}"
RUNS=${RUNS:-3}; PORT=${PORT:-5295}; B=http://127.0.0.1:$PORT
EXPORTS=${EXPORTS:-"check-ins:csv check-ins:xlsx participants:csv participants:xlsx"}
work=$(mktemp -d /tmp/tandem-exports.XXXXXX)
echo "EXPORTS work folder $work"

if [ -z "${APP:-}" ]; then
  APP=$work/app
  dotnet publish "$here/../../src/Tandem" -c Release -o "$APP" -nologo -v:q -clp:ErrorsOnly >/dev/null
fi
case $PROVIDER in
  postgres) export Database__Provider=Postgres
    kv() { tr ';' '\n' <<<"$CONN" | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}'; }
    sql() { psql -h "$(kv Host)" -p "$(kv Port)" -U "$(kv Username)" -d "$(kv Database)" -At -F'|' -v ON_ERROR_STOP=1; } ;;
  sqlite) export Database__Provider=Sqlite
    file=$(sed -E 's/.*Data Source=([^;]+).*/\1/I' <<<"$CONN")
    sql() { sqlite3 -separator '|' -cmd '.timeout 30000' "$file"; } ;;
  *) echo "PROVIDER is postgres or sqlite" >&2; exit 2 ;;
esac
export ConnectionStrings__Tandem=$CONN Database__MigrateOnStartup=true
tandem() { dotnet "$APP/tandem.dll" "$@"; }

program() { sql <<<"SELECT \"Id\" FROM \"Programs\" WHERE \"Name\" LIKE 'District mentoring%' ORDER BY \"ParticipantCount\" DESC LIMIT 1" 2>/dev/null || true; }
P=$(program)
if [ -z "$P" ]; then
  [ -n "${SEED:-}" ] || { echo "No scale program in the database: set SEED." >&2; exit 2; }
  tandem migrate
  tandem seed scale $SEED
  P=$(program)
fi
echo "EXPORTS program $P"
sql <<<"SELECT 'EXPORTS rows: ' || (SELECT COUNT(*) FROM \"CheckIns\" c JOIN \"Relationships\" r ON r.\"Id\" = c.\"RelationshipId\" WHERE r.\"ProgramId\" = '$P') || ' check-ins, ' || (SELECT COUNT(*) FROM \"Enrolments\" WHERE \"ProgramId\" = '$P' AND \"Role\" <> 'Coordinator') || ' enrolments'"

# The coordinator's password, hashed once as ASP.NET Core Identity does (format 3, PBKDF2-HMAC-SHA512, 100,000 iterations).
password=exports-$(date +%s)
hash=$(python3 - "$password" <<'PY'
import base64, hashlib, os, struct, sys
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha512", sys.argv[1].encode(), salt, 100_000, 32)
print(base64.b64encode(b"\x01" + struct.pack(">III", 2, 100_000, 16) + salt + key).decode())
PY
)
coordinator=$(sql <<<"SELECT u.\"Email\" FROM \"Enrolments\" e JOIN \"AspNetUsers\" u ON u.\"Id\" = e.\"UserId\" WHERE e.\"ProgramId\" = '$P' AND e.\"Role\" = 'Coordinator' LIMIT 1")
sql >/dev/null <<<"UPDATE \"AspNetUsers\" SET \"PasswordHash\" = '$hash', \"LockoutEnd\" = NULL, \"AccessFailedCount\" = 0 WHERE \"Email\" = '$coordinator'"
token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')

allocated() { curl -s -H "Authorization: Bearer $token" $B/metrics >"$work/metrics.txt" || true
  awk '/^dotnet_gc_heap_total_allocated_bytes(_total)?[ {]/ {v=$NF} END {print v+0}' "$work/metrics.txt"; }
hwm() { awk '/VmHWM/ {print $2}' /proc/$app/status; }

for export in $EXPORTS; do
  kind=${export%%:*}; format=${export##*:}
  # A fresh process per export, so each peak is that export's: reminders and workers off, logs at warnings only.
  env ASPNETCORE_URLS=$B Engagement__RemindersEnabled=false Email__Outbox__WorkerEnabled=false Retention__WorkerEnabled=false \
    Telemetry__Prometheus__ScrapeToken=$token Logging__LogLevel__Default=Warning \
    dotnet "$APP/tandem.dll" >"$work/app.$kind.$format.log" 2>&1 &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' $B/health/ready || true)" = 200 ] && break
    kill -0 $app 2>/dev/null || { cat "$work/app.$kind.$format.log" >&2; exit 1; }
    sleep 1
  done
  curl -s -o /dev/null -c "$work/c.txt" -H 'Content-Type: application/json' -d "{\"email\":\"$coordinator\",\"password\":\"$password\"}" $B/api/v1/auth/sign-in
  echo "EXPORT $kind $format: peak RSS after start and sign-in $(( $(hwm) / 1024 )) MB"
  for run in $(seq 1 "$RUNS"); do
    before=$(allocated)
    line=$(curl -s -o "$work/export.$format" -b "$work/c.txt" -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' \
      "$B/api/v1/programs/$P/exports/$kind?format=$format")
    after=$(allocated)
    read -r code first total size <<<"$line"
    echo "EXPORT $kind $format run $run: HTTP $code, first byte ${first} s, last ${total} s, $(( size / 1024 )) KB," \
      "allocated $(( (after - before) / 1048576 )) MB, peak RSS $(( $(hwm) / 1024 )) MB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
  kill $app; wait $app 2>/dev/null || true
done
