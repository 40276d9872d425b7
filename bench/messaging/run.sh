#!/bin/bash
# The messaging benchmark of issue 12 (docs/benchmarks.md, "Messaging"): 2,000 connected clients (the two members of
# 1,000 signed-in pairs of a seeded scale program, each following its conversation over /hubs/conversations), messages
# sent over HTTP at each of RATES per second for RUN_SECONDS, each timed from just before its POST to its arrival at the partner's
# client. The app and the sign-ins are bench/load/run.sh's (same settings: PROVIDER, CONN, APP, SEED, PORT).
#
#   PROVIDER=sqlite CONN="Data Source=/tmp/school.db" PAIRS=1000 RATES=100,300 RUN_SECONDS=30 bench/messaging/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
client=$(mktemp -d /tmp/tandem-msgbench.XXXXXX)
dotnet publish "$here/Tandem.Bench.Messaging" -c Release -o "$client" -nologo -v:q -clp:ErrorsOnly >/dev/null
export PAIRS=${PAIRS:-1000}
THEN="dotnet $client/Tandem.Bench.Messaging.dll \$B \$LOAD_USERS ${RUN_SECONDS:-30} ${RATES:-100,300}" "$here/../load/run.sh"
