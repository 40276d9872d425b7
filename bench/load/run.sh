#!/bin/bash
# The load benchmark of issue 17 (docs/benchmarks.md, "Load"): a seeded scale program served by a Release build,
# a one-query endpoint (/health/ready) as the machine's ceiling, then a mixed workload of participants and the
# coordinator (80% reads, 20% writes; bench/load/mixed.lua) for a fixed time, then every page and write alone for one
# user. Needs wrk (Debian: apt-get install -y wrk), curl, python3, and psql or sqlite3.
#
#   PROVIDER=postgres CONN="Host=127.0.0.1;Port=55432;Username=postgres;Database=tandem_load" \
#     SEED="--mentees 80000 --mentors 20000 --relationships 40000 --check-ins-per-pair 25" bench/load/run.sh
#   PROVIDER=sqlite CONN="Data Source=/tmp/school.db" \
#     SEED="--mentees 4000 --mentors 1000 --relationships 1600 --check-ins-per-pair 25" bench/load/run.sh
#
# SEED runs `tandem seed scale` when the database holds no scale program yet; without it, an existing one is used.
# Other settings: APP (a published app folder; default: publish this checkout in Release), DURATION (60s), WARMUP (60s), THREADS (2),
# CONNECTIONS (32), ONE_DURATION (10s per page for one user), PAIRS (signed-in pairs, 40), PORT (5290), THEN (a command run
# instead of wrk, see bench/messaging/run.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${PROVIDER:?postgres or sqlite}" "${CONN:?a connection string}"
DURATION=${DURATION:-60s}; THREADS=${THREADS:-2}; CONNECTIONS=${CONNECTIONS:-32}; ONE_DURATION=${ONE_DURATION:-10s}
PAIRS=${PAIRS:-40}; PORT=${PORT:-5290}; B=http://127.0.0.1:$PORT
work=$(mktemp -d /tmp/tandem-load.XXXXXX)
echo "LOAD work folder $work"

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
    # A database file copied over an earlier run's (cp school-seed.db school-x.db) beside that run's write-ahead log:
    # SQLite would replay the old log into the new file and read it as corrupt.
    if [ -e "$file-wal" ] && [ "$file-wal" -ot "$file" ]; then
      echo "$file-wal is older than $file (a copy over an earlier run's database?): remove $file-wal and $file-shm first." >&2; exit 2
    fi
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
  s0=$(date +%s); tandem seed scale $SEED; echo "LOAD seed $(( $(date +%s) - s0 )) s"
  P=$(program)
fi
echo "LOAD program $P"

# Sign-in passwords for the coordinator and the first PAIRS active pairs: one known password, hashed once as ASP.NET Core
# Identity does (format 3, PBKDF2-HMAC-SHA512, 100,000 iterations), written to those accounts only.
password=load-$(date +%s)
hash=$(python3 - "$password" <<'PY'
import base64, hashlib, os, struct, sys
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha512", sys.argv[1].encode(), salt, 100_000, 32)
print(base64.b64encode(b"\x01" + struct.pack(">III", 2, 100_000, 16) + salt + key).decode())
PY
)
sql >"$work/pairs.txt" <<SQL
SELECT r."Id", a."Email", b."Email" FROM "Relationships" r
  JOIN "RelationshipMembers" ma ON ma."RelationshipId" = r."Id" AND ma."Role" = 'Mentee' JOIN "AspNetUsers" a ON a."Id" = ma."UserId"
  JOIN "RelationshipMembers" mb ON mb."RelationshipId" = r."Id" AND mb."Role" = 'Mentor' JOIN "AspNetUsers" b ON b."Id" = mb."UserId"
  WHERE r."ProgramId" = '$P' AND r."Status" = 'Active' ORDER BY r."CreatedAt", r."Id" LIMIT $PAIRS;
SQL
coordinator=$(sql <<<"SELECT u.\"Email\" FROM \"Enrolments\" e JOIN \"AspNetUsers\" u ON u.\"Id\" = e.\"UserId\" WHERE e.\"ProgramId\" = '$P' AND e.\"Role\" = 'Coordinator' LIMIT 1")
emails=$( (echo "$coordinator"; cut -d'|' -f2,3 "$work/pairs.txt" | tr '|' '\n') | sort -u | sed "s/.*/'&'/" | paste -sd,)
sql >/dev/null <<<"UPDATE \"AspNetUsers\" SET \"PasswordHash\" = '$hash', \"LockoutEnd\" = NULL, \"AccessFailedCount\" = 0 WHERE \"Email\" IN ($emails)"

# The app: reminders and the outbox worker off, so that only the requests measured run; sign-in limits raised for the
# sign-ins below; request logs at warnings only.
env ASPNETCORE_URLS=$B Engagement__RemindersEnabled=false Email__Outbox__WorkerEnabled=false \
  SignIn__Limits__PerIpPermitLimit=100000 SignIn__Limits__PerAccountPermitLimit=100000 Logging__LogLevel__Default=Warning \
  dotnet "$APP/tandem.dll" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' $B/health/ready || true)" = 200 ] && break
  kill -0 $app 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
  sleep 1
done

cookie() {
  local jar=$work/jar.$RANDOM$RANDOM
  curl -s -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$password\"}" $B/api/v1/auth/sign-in
  # curl writes HttpOnly cookies (the session) with a "#HttpOnly_" prefix on the line.
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}'
  rm -f "$jar"
}
{
  echo "return { program = \"$P\", coordinator = \"$(cookie "$coordinator")\", pairs = {"
  while IFS='|' read -r rel mentee mentor; do
    echo "  { rel = \"$rel\", mentee = \"$(cookie "$mentee")\", mentor = \"$(cookie "$mentor")\" },"
  done <"$work/pairs.txt"
  echo "} }"
} >"$work/users.lua"
grep -c 'rel =' "$work/users.lua" | sed 's/^/LOAD signed-in pairs /'
export LOAD_USERS=$work/users.lua

cpu() { awk '{print $14 + $15}' /proc/$app/stat; }
# THEN: another benchmark that runs against these signed-in users instead of wrk's (bench/messaging/run.sh). It gets the
# address as B and the users as LOAD_USERS; its app CPU share is reported.
if [ -n "${THEN:-}" ]; then
  export B
  c0=$(cpu); t0=$(date +%s.%N)
  eval "$THEN"
  c1=$(cpu); t1=$(date +%s.%N)
  echo "LOAD app CPU $(echo "scale=0; ($c1 - $c0) * 10 / (($t1 - $t0) * 10)" | bc)% of one core over $(echo "scale=0; ($t1 - $t0) / 1" | bc) s | $(uptime | sed 's/.*load/load/')"
  exit 0
fi
run() { # name, wrk arguments...
  local name=$1; shift
  local c0; c0=$(cpu); local t0; t0=$(date +%s.%N)
  wrk --latency "$@" >"$work/$name.txt"
  local c1; c1=$(cpu); local t1; t1=$(date +%s.%N)
  local line; line=$(grep '^LOAD' "$work/$name.txt" || awk '/Requests\/sec/{r=$2} /^ +99%/{p=$2} /Non-2xx/{e=$NF} END{printf "LOAD %s req/s, p99 %s, not 2xx %s", r, p, e+0}' "$work/$name.txt")
  # Requests answered: the script's "requests N" or wrk's "N requests in"; app CPU per request from the clock ticks.
  local n; n=$(grep -oE '^LOAD requests [0-9]+' "$work/$name.txt" | awk '{print $3}' || true)
  [ -n "$n" ] || n=$(awk '/requests in/{print $1}' "$work/$name.txt")
  local per; per=$(echo "scale=2; ($c1 - $c0) * 10 / ${n:-1}" | bc)
  echo "$name: ${line#LOAD } | app CPU $(echo "scale=0; ($c1 - $c0) * 10 / (($t1 - $t0) * 10)" | bc)% of one core, ${per} ms per request | $(uptime | sed 's/.*load/load/')"
}
echo "LOAD start $(date -u +%FT%TZ) $(uptime)"
# Warm up with the mix itself at full concurrency (WARMUP, 60 s): a just-started app spends its first minute of the mix
# compiling its hot methods again at tier 1 (on the machine of 2026-12-07, a quarter of the app's CPU in the first 11 s
# measured after a 20 s warm-up), so a shorter warm-up measures the JIT, not the steady state a server lives in.
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-60s}" -s "$here/mixed.lua" $B >/dev/null
run ceiling -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" $B/health/ready
run mixed -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$here/mixed.lua" $B
n=$(grep -c '{w = ' "$here/mixed.lua")
for i in $(seq 1 "$n"); do
  label=$(grep '{w = ' "$here/mixed.lua" | sed -n "${i}p" | sed -E 's/.*kind = "([a-z]+)".*(path = function\(p\) return ([^ ]+( \.\. [^ ]+)*) end|write = "([a-z-]+)").*/\1 \3\5/')
  LOAD_ONLY=$i run "one-$i" -t1 -c1 -d"$ONE_DURATION" -s "$here/mixed.lua" $B | sed "s|^one-$i|one user, $label|"
done
echo "LOAD end $(date -u +%FT%TZ) $(uptime)"
