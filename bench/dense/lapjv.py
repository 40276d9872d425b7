#!/usr/bin/python3
"""Benchmark C's reference: scipy's linear_sum_assignment (a Jonker-Volgenant shortest augmenting path
implementation in C++, single-threaded) on the same 4,000 x 4,000 matrix as `Tandem.Bench whole C`.

    dotnet run -c Release --project bench/Tandem.Bench -- dense-gen /tmp/C.i32     # writes the matrix
    /usr/bin/python3 bench/dense/lapjv.py /tmp/C.i32 [repeats]

Only the solve is timed (wall and this process's CPU time); the optimum is printed so that it can be
compared with ours (39,985,753 for the default seed)."""
import sys, time
import numpy as np
from scipy.optimize import linear_sum_assignment

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
raw = np.fromfile(path, dtype="<i4")
n = int(round(len(raw) ** 0.5))
assert n * n == len(raw), "the file must hold a square matrix of int32"
matrix = raw.reshape(n, n).astype(np.int64)
for rep in range(repeats):
    w0, c0 = time.perf_counter(), time.process_time()
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    w1, c1 = time.perf_counter(), time.process_time()
    total = int(matrix[rows, cols].sum())
    print(f"run {rep + 1}: scipy linear_sum_assignment {n} x {n}: {1000 * (w1 - w0):.0f} ms wall / {1000 * (c1 - c0):.0f} ms CPU, total {total:,}, matched {len(rows)}")
