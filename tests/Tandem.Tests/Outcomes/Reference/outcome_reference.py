#!/usr/bin/python3
"""Reference figures for `tandem evaluate`, computed independently of Tandem with SciPy.

    /usr/bin/python3 outcome_reference.py FILE.csv > FILE.expected.json

Reads an outcome CSV (person,group,measure,pre,post; a row with an empty pre or post is left out)
with Python's csv module and prints, per measure in order of first appearance, the figures Tandem
prints, under the same names:
- each group's n, mean change and sample standard deviation of the change (ddof=1);
- Welch's t test of program against comparison change scores: scipy.stats.ttest_ind(equal_var=False);
  its Welch-Satterthwaite degrees of freedom (computed here: SciPy 1.10 does not return them);
- the 95% confidence interval of the difference, difference -/+ scipy.stats.t.ppf(0.975, df) * se;
- Hedges' g: difference / pooled SD of the change scores * (1 - 3 / (4 (n1 + n2) - 9));
- the paired t test of post against pre in the program group: scipy.stats.ttest_rel(post, pre).
Figures the data cannot support are null. Used by OutcomeReferenceTests, both for the committed
*.expected.json files beside this script and live on data the test generates.
"""
import csv
import json
import math
import sys

import numpy as np
from scipy import stats


def read(path):
    measures = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            pre, post = row["pre"].strip(), row["post"].strip()
            m = measures.setdefault(row["measure"].strip(), {"program": [], "comparison": []})
            if pre == "" or post == "":
                continue
            m[row["group"].strip().lower()].append((float(pre), float(post)))
    return measures


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def analyse(name, groups):
    out = {"measure": name}
    changes = {}
    for g in ("program", "comparison"):
        pairs = groups[g]
        pre = np.array([p for p, _ in pairs], dtype=float)
        post = np.array([q for _, q in pairs], dtype=float)
        changes[g] = (pre, post, post - pre)
        d = post - pre
        out[g] = {
            "n": len(d),
            "meanChange": finite(np.mean(d)) if len(d) else None,
            "sdChange": finite(np.std(d, ddof=1)) if len(d) > 1 else None,
        }
    a, b = changes["program"][2], changes["comparison"][2]
    n1, n2 = len(a), len(b)
    out["difference"] = finite(np.mean(a) - np.mean(b)) if n1 and n2 else None
    out.update({"welchT": None, "df": None, "p": None, "hedgesG": None, "ci95": None})
    if n1 >= 2 and n2 >= 2 and (np.var(a, ddof=1) > 0 or np.var(b, ddof=1) > 0):
        res = stats.ttest_ind(a, b, equal_var=False)
        va, vb = np.var(a, ddof=1) / n1, np.var(b, ddof=1) / n2
        se = math.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (n1 - 1) + vb ** 2 / (n2 - 1))
        diff = np.mean(a) - np.mean(b)
        q = stats.t.ppf(0.975, df)
        pooled = math.sqrt(((n1 - 1) * np.var(a, ddof=1) + (n2 - 1) * np.var(b, ddof=1)) / (n1 + n2 - 2))
        out.update({
            "welchT": finite(res.statistic),
            "df": finite(df),
            "p": finite(res.pvalue),
            "hedgesG": finite(diff / pooled * (1 - 3 / (4 * (n1 + n2) - 9))),
            "ci95": [finite(diff - q * se), finite(diff + q * se)],
        })
    paired = {"t": None, "df": None, "p": None}
    pre, post, d = changes["program"]
    if n1 >= 2 and np.var(d, ddof=1) > 0:
        res = stats.ttest_rel(post, pre)
        paired = {"t": finite(res.statistic), "df": n1 - 1, "p": finite(res.pvalue)}
    out["pairedProgram"] = paired
    return out


def main():
    measures = read(sys.argv[1])
    result = {"measures": [analyse(name, groups) for name, groups in measures.items()]}
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
