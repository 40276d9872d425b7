#!/usr/bin/env bash
# End-to-end pool matching on PostgreSQL (issue 14, item 1): publishes the app, seeds a program with
# `tandem seed scale`, then runs `tandem match` (the same queue, claim and processor as the page's button) and
# prints the draft's figures, each phase's time, the whole run from request to stored draft, and the process's
# peak memory (/usr/bin/time). Usage: bench/matching/run.sh [MENTEES] [MENTORS] [WORKDIR]
# PostgreSQL: TANDEM_BENCH_POSTGRES="Host=...;Port=...;Username=..." to use a running server; otherwise a
# throwaway cluster is made in WORKDIR from /usr/lib/postgresql/15/bin (as the postgres user when run as root).
set -euo pipefail
MENTEES=${1:-20000}
MENTORS=${2:-5000}
WORK=${3:-/tmp/tandem-bench-matching}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null

if [ -z "${TANDEM_BENCH_POSTGRES:-}" ]; then
  PGBIN=/usr/lib/postgresql/15/bin
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  rm -rf "$WORK/pg"; mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
  as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -A trust -U postgres -E UTF8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log.txt" -w -o "-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null
  trap 'as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null' EXIT
  TANDEM_BENCH_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres"
fi
DB="tandem_bench_$(date +%s)"
CONN="$TANDEM_BENCH_POSTGRES;Database=$DB"

echo "== publishing (Release)"
dotnet publish "$ROOT/src/Tandem" -c Release -o "$WORK/app" -nologo -v:q >/dev/null
ARGS=(--Database:Provider=Postgres "--ConnectionStrings:Tandem=$CONN" --Logging:LogLevel:Default=Warning)
# Migrating creates the database.
"$WORK/app/tandem" migrate "${ARGS[@]}"

echo "== seeding $MENTEES mentees x $MENTORS mentors"
SEED_START=$(date +%s.%N)
"$WORK/app/tandem" seed scale --mentees "$MENTEES" --mentors "$MENTORS" "${ARGS[@]}" | tee "$WORK/seed.txt"
echo "seeded in $(python3 -c "print(round($(date +%s.%N) - $SEED_START, 1))") s"
PROGRAM=$(awk '/^  Program /{print $2}' "$WORK/seed.txt")

echo "== matching (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "process: %e s wall, %U s user, %S s system, peak RSS %M KB" \
  "$WORK/app/tandem" match --program "$PROGRAM" "${ARGS[@]}" 2>&1 | grep -v "not matched:"
echo "== matching again (a second draft, compared with the first; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "process: %e s wall, %U s user, %S s system, peak RSS %M KB" \
  "$WORK/app/tandem" match --program "$PROGRAM" "${ARGS[@]}" 2>&1 | grep -v "not matched:"
