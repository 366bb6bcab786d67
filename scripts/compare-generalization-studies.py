#!/usr/bin/env python3
# Two generalization studies side by side, fold by fold and pooled per family: the median
# |σ_pred/σ − 1| as published, with each held-out data set's own scale, and within 20%, for the
# folds and recipes both studies have (docs/generalization.md), e.g. the shipped recipe with the
# quoted errors and with a floor on Δσ/σ:
#   python3 scripts/compare-generalization-studies.py runs/gen-s16 runs/gen-s17-floor03
import json
import sys


def percent(value):
    return "–" if value is None else f"{100 * value:.1f}%"


def figures(row):
    return (f"{percent(row['median_abs_rel_dev'])} / {percent(row.get('own_scale_median_abs_rel_dev'))} / "
            f"{percent(row['within_20pct'])}")


if len(sys.argv) != 3:
    sys.exit("usage: compare-generalization-studies.py STUDY_A STUDY_B (folders holding study.json)")
a, b = (json.load(open(f"{folder}/study.json")) for folder in sys.argv[1:3])
folds_b = {(f["recipe"], f["split"]): f for f in b["folds"]}
summary_b = {(s["recipe"], s["family"]): s for s in b["summary"]}
print(f"median as published / with own scales / within 20%: {sys.argv[1]} against {sys.argv[2]}\n")
print(f"| recipe | held out | points | {sys.argv[1]} | {sys.argv[2]} | Bosted–Mamyan |")
print("|---|---|---|---|---|---|")
for f in a["folds"]:
    g = folds_b.get((f["recipe"], f["split"]))
    if g is None:
        continue
    if g["points"] != f["points"]:
        sys.exit(f"{f['split']}: {f['points']} points in one study, {g['points']} in the other")
    print(f"| {f['recipe']} | {f['split']} | {f['points']:,} | {figures(f)} | {figures(g)} | "
          f"{percent(f['reference_median_abs_rel_dev'])} |")
for s in a["summary"]:
    t = summary_b.get((s["recipe"], s["family"]))
    if t is None or t["points"] != s["points"]:
        continue  # a family pooled over other folds in one of the two studies is not comparable
    print(f"| {s['recipe']} | pooled {s['family']} | {s['points']:,} | {figures(s)} | {figures(t)} | "
          f"{percent(s['reference_median_abs_rel_dev'])} (fit better on {s['reference_worse_folds']} | "
          f"{t['reference_worse_folds']} of {s['folds']}) |")
