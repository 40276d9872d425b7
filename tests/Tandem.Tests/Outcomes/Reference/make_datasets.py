#!/usr/bin/python3
"""Writes the fixed outcome data sets beside this script (run once; the CSVs are committed).

sleep.csv: the published worked example, Student's (1908) sleep data as R ships it (`sleep`):
extra hours of sleep of 10 patients under drug 1 and drug 2.
- measure sleep-welch: the program group's changes are drug 2's values, the comparison group's
  drug 1's (pre 0, post the value), so Welch's test is R's `t.test(extra ~ group, data = sleep)`
  with the groups swapped: t = 1.8608, df = 17.776, p = 0.07939, CI 0.2054832 below zero to 3.3654832.
- measure sleep-paired: each program patient's pre is drug 1, post drug 2, so the paired test is
  `t.test(extra[group == 2], extra[group == 1], paired = TRUE)`: t = 4.0621, df = 9, p = 0.002833.

school.csv: synthetic school outcomes from a seeded generator, with the shapes the statistics must
survive: unequal groups, decimals, missing values, one group with no variation, tiny groups, and a
large sample with a very small p.
"""
import csv
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def write(name, rows):
    with open(os.path.join(here, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["person", "group", "measure", "pre", "post"])
        w.writerows(rows)


def fmt(x, decimals):
    return f"{x:.{decimals}f}"


sleep = []
for i, v in enumerate(drug2, 1):
    sleep.append([f"P{i:02}", "program", "sleep-welch", "0", fmt(v, 1)])
for i, v in enumerate(drug1, 1):
    sleep.append([f"C{i:02}", "comparison", "sleep-welch", "0", fmt(v, 1)])
for i, (a, b) in enumerate(zip(drug1, drug2), 1):
    sleep.append([f"P{i:02}", "program", "sleep-paired", fmt(a, 1), fmt(b, 1)])
write("sleep.csv", sleep)

rng = np.random.default_rng(20261125)
rows = []


def measure(name, n_program, n_comparison, pre_mean, pre_sd, gain_program, gain_comparison, change_sd, decimals, missing=0):
    for group, n, gain, prefix in (("program", n_program, gain_program, "S"), ("comparison", n_comparison, gain_comparison, "N")):
        for i in range(1, n + 1):
            pre = rng.normal(pre_mean, pre_sd)
            post = pre + rng.normal(gain, change_sd)
            rows.append([f"{prefix}{i:03}", group, name, fmt(pre, decimals), fmt(post, decimals)])
    # Blank out pre or post in a few rows: they are left out of the figures.
    for k in range(missing):
        row = rows[-1 - 3 * k]
        row[3 + k % 2] = ""


measure("maths", 24, 31, 62, 11, 4.5, 1.2, 7, 1, missing=3)
measure("attendance", 22, 29, 91, 5, 1.8, -0.6, 3.1, 2)
measure("reading-age", 3, 2, 9.5, 1.2, 0.8, 0.5, 0.4, 2)
measure("large", 400, 380, 50, 10, 3.0, 0.0, 3.3, 3)
for i in range(1, 13):
    pre = int(rng.integers(0, 6))
    rows.append([f"S{i:03}", "program", "homework", str(pre), str(pre + 2)])
for i in range(1, 16):
    pre = int(rng.integers(0, 6))
    rows.append([f"N{i:03}", "comparison", "homework", str(pre), str(pre + int(rng.integers(-2, 4)))])
for i in range(1, 21):
    pre = int(rng.poisson(3))
    rows.append([f"S{i:03}", "program", "incidents", str(pre), str(int(rng.poisson(max(pre - 1, 0.5))))])
for i in range(1, 26):
    pre = int(rng.poisson(3))
    rows.append([f"N{i:03}", "comparison", "incidents", str(pre), str(int(rng.poisson(pre + 0.2)))])
write("school.csv", rows)
