#!/bin/bash
# Usage: bench/cpu.sh NAME COMMAND...  Runs the command and prints its wall time and the CPU time of its whole process
# tree, read from a new cgroup v1 cpuacct group (needs root; test hosts started by `dotnet test` are counted too).
name=$1; shift
cg=/sys/fs/cgroup/cpuacct/bench-$name-$$
mkdir -p $cg
echo $$ > $cg/cgroup.procs
start=$(date +%s.%N)
"$@"
end=$(date +%s.%N)
usage=$(cat $cg/cpuacct.usage)
echo $$ > /sys/fs/cgroup/cpuacct/cgroup.procs
echo "BENCH $name wall $(echo "$end - $start" | bc) s, cpu $(echo "scale=1; $usage/1000000000" | bc) s" >&2
rmdir "$cg" 2>/dev/null || true
