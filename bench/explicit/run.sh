#!/usr/bin/env bash
# Instance F (issue 14) side by side in one sitting: `tandem solve` (a published Release build, as an
# operator runs it), OR-Tools' MinCostFlow reading the same JSON file, and LEMON's CostScaling reading
# the same graph as text. Builds everything, checks that all three find the same optimum, then runs
# them in interleaved rounds and prints wall time, CPU time and peak memory.
#
# usage: bench/explicit/run.sh [ROUNDS=7] [WORKDIR=/tmp/tandem-bench-f]
# needs: g++, liblemon-dev (apt-get install -y g++ liblemon-dev), python3, the .NET SDK
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-7}
work=${2:-/tmp/tandem-bench-f}
mkdir -p "$work"
log() { echo "run.sh: $*" >&2; }

[ -f /usr/include/lemon/cost_scaling.h ] || { log "LEMON headers missing: apt-get install -y liblemon-dev"; exit 1; }
log "building the LEMON program"
g++ -O2 -o "$work/lemon_solve" bench/lemon/lemon_solve.cpp
log "publishing tandem (Release, linux-x64, ReadyToRun) and the bench (Release)"
dotnet publish src/Tandem -c Release -r linux-x64 --self-contained false -o "$work/tandem" -nologo -clp:ErrorsOnly -v:q
dotnet publish bench/Tandem.Bench -c Release -o "$work/bench" -nologo -clp:ErrorsOnly -v:q
if [ ! -f "$work/F.json" ]; then
  log "generating instance F"
  dotnet "$work/bench/Tandem.Bench.dll" explicit-gen "$work/F.json" "$work/F.txt"
fi

log "checking that the three agree"
ours=$("$work/tandem/tandem" solve "$work/F.json" --compact | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["matched"], d["totalScore"], d["certificate"]["primalWeight"])')
ortools=$(dotnet "$work/bench/Tandem.Bench.dll" ortools-solve "$work/F.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["matched"], d["totalScore"], d["optimalWeight"])')
lemon=$("$work/lemon_solve" "$work/F.txt" | tail -1 | awk '{print $2, $4, $6}')
echo "matched, total score, optimal weight: tandem $ours; OR-Tools $ortools; LEMON $lemon"
[ "$ours" = "$ortools" ] && [ "$ours" = "$lemon" ] || { log "the optima differ"; exit 1; }

python3 bench/explicit/interleave.py "$rounds" \
  "tandem solve (published, ReadyToRun)" "'$work/tandem/tandem' solve '$work/F.json'" \
  "OR-Tools MinCostFlow reading the JSON" "dotnet '$work/bench/Tandem.Bench.dll' ortools-solve '$work/F.json'" \
  "LEMON CostScaling reading the text" "'$work/lemon_solve' '$work/F.txt'"
