#!/usr/bin/env python3
"""The anchor settings of `xsnet update` side by side over carbon's ten experiments
(docs/update.md, "Holding the old data sets"): run `bash scripts/update-all.sh` for each setting
first (default, ANCHOR=none, ANCHOR=τ RELEASE=ℓ), then `python3 scripts/update-anchor-summary.py`.
Reads runs/update-all/<setting>/<set>/report.json and runs/update-all/from-start.json; prints a
Markdown table, one row per setting found."""
import glob
import json
import os
import sys

nets = sys.argv[1] if len(sys.argv) > 1 else "runs/update-all"
start = {r["dataset"]: 100 * r["metrics"]["median_abs_rel_dev"] for r in json.load(open(f"{nets}/from-start.json"))["datasets"]}


def label(name):
    if name == "default":
        return "default (τ = 0.01, ℓ = 0.2)"
    if name == "no-anchor":
        return "none (`--no-anchor`)"
    _, tau, _, ell = name.split("-")
    return f"τ = {tau}, " + ("held everywhere" if float(ell) == 0 else f"ℓ = {ell}")


def order(name):
    if name == "no-anchor":
        return (0, 0, 0)
    if name == "default":
        return (2, 0, 0)
    _, tau, _, ell = name.split("-")
    return (1, -float(tau), float(ell))


# A setting counts once every experiment has its report.
settings = sorted((os.path.basename(os.path.dirname(os.path.dirname(d))) for d in glob.glob(f"{nets}/*/Whitney-1974hr/report.json")), key=order)
print("| anchor | new experiment within 0.5 point of the from-the-start model (or below) | other data sets moved by ≥ 0.5 point "
      "| experiments meeting both | median shift of the predictions at the other points, per experiment | longest update (% of a training) |")
print("|---|---|---|---|---|---|")
for s in settings:
    close, moved, both, shifts, times = [], 0, 0, [], []
    for name in sorted(start):
        r = json.load(open(f"{nets}/{s}/{name.replace(':', '-')}/report.json"))
        rows = {d["dataset"]: d for d in r["datasets"]}
        ok = 100 * rows[name]["median_abs_rel_dev_after"] - start[name] < 0.5
        m = sum(abs(100 * (d["median_abs_rel_dev_after"] - d["median_abs_rel_dev_before"])) >= 0.5 for k, d in rows.items() if k != name)
        close += [name.split(":")[0]] if ok else []
        moved += m
        both += ok and m == 0
        shifts.append(100 * r["shift_median_elsewhere"])
        times.append(100 * r["seconds_per_member"] / r["original_seconds_per_member"])
    print(f"| {label(s)} | {len(close)} of {len(start)} | {moved} of {9 * len(start)} | {both} | {min(shifts):.2f}–{max(shifts):.2f}% | {max(times):.0f}% |")
