#!/usr/bin/env python3
"""Runs labelled commands in interleaved rounds (A B C, A B C, ...) and prints the median and range of
wall time, CPU time (user + system, from the kernel's rusage) and peak resident memory of each.
Interleaving spreads a shared machine's load over every command alike.

usage: interleave.py ROUNDS LABEL 'COMMAND' [LABEL 'COMMAND' ...]   (output of each command is discarded)
"""
import os, shlex, statistics, subprocess, sys, time

def run(cmd):
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, shell=True, stdout=null)
        _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed with exit code {code}: {cmd}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

def main():
    rounds = int(sys.argv[1])
    pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    results = {label: [] for label, _ in pairs}
    loads = []
    for r in range(rounds):
        for label, cmd in pairs:
            results[label].append(run(cmd))
        loads.append(os.getloadavg()[0])
        print(f"round {r + 1}/{rounds} done, load average {loads[-1]:.2f}", file=sys.stderr)
    print(f"{rounds} interleaved rounds; 1-minute load average during the runs {min(loads):.2f}-{max(loads):.2f}")
    print(f"| command | wall median (range) | CPU median (range) | peak RSS | this / first, wall | this / first, CPU |")
    print(f"|---|---|---|---|---|---|")
    first = None
    for label, _ in pairs:
        w = [x[0] for x in results[label]]
        c = [x[1] for x in results[label]]
        m = max(x[2] for x in results[label])
        wm, cm = statistics.median(w), statistics.median(c)
        first = first or (wm, cm)
        print(f"| {label} | {wm:.3f} s ({min(w):.3f}-{max(w):.3f}) | {cm:.3f} s ({min(c):.3f}-{max(c):.3f}) | {m:.0f} MB | {wm / first[0]:.2f}x | {cm / first[1]:.2f}x |")

if __name__ == "__main__":
    main()
