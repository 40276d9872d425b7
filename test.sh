#!/usr/bin/env bash
# The whole test suite: every test project on SQLite, the database-backed ones again on a real
# PostgreSQL 15 (a throwaway cluster on a free loopback port), then one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "test.sh: $*" >&2; }

# --- what the tests need -------------------------------------------------------------------
pgbin=/usr/lib/postgresql/15/bin
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x "$pgbin/initdb" ] || need+=(postgresql-15)
/usr/bin/python3 -c "import scipy" 2>/dev/null || need+=(python3-scipy)   # reference figures for the outcome statistics
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)   # text in charts and the PDF program report
[ -x /usr/sbin/nginx ] || need+=(nginx)   # in front of two app nodes (TwoNodeTests starts its own, on a free loopback port)
[ -x /usr/bin/redis-server ] || need+=(redis-server)   # the live conversations' backplane between two nodes (ConversationBackplaneTests starts its own)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  # No service starts on install (Debian's nginx would take port 80): policy-rc.d says no, for the install only.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  installed=$?
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ $installed -eq 0 ] || { log "could not install ${need[*]}"; exit 1; }
fi

# Each test host's configuration watches its files through an inotify instance, and the two databases' suites run at
# once with every class fixture alive: Linux's default of 128 instances a user ran out in a clean-clone run (92 tests
# failed with "The configured user limit (128) on the number of inotify instances has been reached"). Raised when we may.
if [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 1024)" -lt 1024 ]; then
  echo 1024 > /proc/sys/fs/inotify/max_user_instances 2>/dev/null || log "fs.inotify.max_user_instances is below 1024 and cannot be raised here"
fi

# Test databases a run could not delete when it ended (its test host stopped before its exit handlers ran) are
# removed here once a day old, so runs on one machine do not fill its disk (a clean-clone run once failed on it).
find "${TMPDIR:-/tmp}/tandem-tests" -maxdepth 1 -type f -mmin +1440 -delete 2>/dev/null || true

# --- a throwaway PostgreSQL cluster ------------------------------------------------------------
pgdir=$(mktemp -d /tmp/tandem-pg.XXXXXX)
chown postgres:postgres "$pgdir"
port=""
for candidate in $(shuf -i 20000-60000 -n 50); do
  if ! (exec 3<>/dev/tcp/127.0.0.1/$candidate) 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { log "no free port for PostgreSQL"; exit 1; }

stop_postgres() {
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir" "${published:-}"
}
trap stop_postgres EXIT

runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 >/dev/null \
  || { log "initdb failed"; exit 1; }
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
  -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { log "PostgreSQL did not start"; cat "$pgdir/server.log" >&2; exit 1; }
log "PostgreSQL 15 on 127.0.0.1:$port"

# --- build once, then run each project -------------------------------------------------------
dotnet build Tandem.slnx -c Debug -nologo -clp:ErrorsOnly -v:q || { log "build failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
# Test projects run side by side: each waits on its databases, SMTP server and browser more than on the CPU,
# so two at once keep both cores busy (docs/benchmarks.md, "Test suite"). Each run's output goes to
# TestResults/NAME.log and is shown, in order, when the group is done; each run prints its own time too.
# Test processes are short and start many app hosts: without tiered PGO's instrumented code and with a 64 MB first
# generation (fewer collections), one process of three HTTP test classes used 67 s of user CPU instead of 93 s, the
# same tests passing (docs/benchmarks.md, "The whole suite on a new machine").
runs=(); group=(); group_started=$SECONDS
run() { # name project [env...]: one test project's run, in the foreground; prints how long it took
  local name=$1 project=$2 began=$SECONDS; shift 2
  log "running $project ($name)"
  env DOTNET_TieredPGO=0 DOTNET_GCgen0size=0x4000000 "$@" dotnet test "$project" --no-build -nologo -v:q \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" >"$results/$name.log" 2>&1
  echo $? >"$results/$name.rc"
  log "$name: $((SECONDS - began)) s"
}
start() { # name project [env...]: one run in the background, in the current group
  ( run "$@" ) &
  group+=("$1")
}
finish() { # waits for the runs started since the last finish
  wait
  local name
  for name in "${group[@]}"; do
    cat "$results/$name.log"
    runs+=("$name")
    [ "$(cat "$results/$name.rc" 2>/dev/null)" = 0 ] || status=1
  done
  log "${group[*]}: $((SECONDS - group_started)) s"
  group=(); group_started=$SECONDS
}

pg="Host=127.0.0.1;Port=$port;Username=postgres;Include Error Detail=true"
suite_started=$SECONDS
# The published app (PublishedAppTests on the SQLite run, TwoNodeTests on the PostgreSQL run) is published once, from
# this build, while the matching tests leave a core free; both runs start it from there.
published=$(mktemp -d /tmp/tandem-published.XXXXXX)
( dotnet publish src/Tandem/Tandem.csproj -c Debug --no-build -o "$published" -nologo -v:q -nodeReuse:false \
    >"$results/publish.log" 2>&1 || log "publish failed: see TestResults/publish.log (the published-app tests will say so)" ) &
start matching tests/Tandem.Matching.Tests
finish
# Each database's HTTP tests, then its browser tests, the two databases side by side: the SQLite HTTP suite ends about
# 50 s before the PostgreSQL one, and its browser tests use that core instead of waiting for the other suite
# (docs/benchmarks.md, "Seeding by bulk copy, long classes first").
( run app-sqlite tests/Tandem.Tests TANDEM_TEST_PROVIDER=sqlite "TANDEM_TEST_PUBLISHED=$published"
  run browser-sqlite tests/Tandem.Browser.Tests TANDEM_TEST_PROVIDER=sqlite ) &
( run app-postgres tests/Tandem.Tests TANDEM_TEST_PROVIDER=postgres "TANDEM_TEST_POSTGRES=$pg" "TANDEM_TEST_PUBLISHED=$published"
  run browser-postgres tests/Tandem.Browser.Tests TANDEM_TEST_PROVIDER=postgres "TANDEM_TEST_POSTGRES=$pg" ) &
group=(app-sqlite app-postgres browser-sqlite browser-postgres)
finish
log "all tests: $((SECONDS - suite_started)) s"

# --- one line CI can count ---------------------------------------------------------------------
# Each failed test counts once and is named with the start of its message, so a red CI log says why. A run that
# failed without a failed test in its results (the test host crashed, or no results file) counts as one failure
# and is named too.
passed=0; failed=0
for name in "${runs[@]}"; do
  trx="$results/$name.trx"; rc=$(cat "$results/$name.rc" 2>/dev/null || echo "?")
  p=0; f=0
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(echo "$counters" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*'); p=${p:-0}
    f=$(echo "$counters" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*'); f=${f:-0}
    RUN=$name perl -0777 -ne 'sub plain { my $t = shift // ""; $t =~ s/&quot;/"/g; $t =~ s/&apos;/\x27/g; $t =~ s/&lt;/</g; $t =~ s/&gt;/>/g; $t =~ s/&amp;/&/g; $t }
      while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/sg) {
        my ($attributes, $body) = ($1, $2 // "");
        next unless $attributes =~ /\boutcome="Failed"/;
        my ($test) = $attributes =~ /\btestName="([^"]*)"/;
        my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
        print STDERR "test.sh: FAILED ($ENV{RUN}) ", plain($test), "\n", substr(plain($message), 0, 1500), "\n\n" }' "$trx"
  fi
  if [ "$rc" != 0 ] && [ "$f" -eq 0 ]; then
    f=1; log "FAILED ($name) the run ended with exit code $rc and no failed test in its results: see TestResults/$name.log"
  fi
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ $status -eq 0 ] && [ $failed -eq 0 ]
