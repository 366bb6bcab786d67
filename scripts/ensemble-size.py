#!/usr/bin/env python3
# How the pooled leave-out median of a generalization study depends on the number of replicas per
# fold (docs/generalization.md, the targets): every replica of every leave-out fold is
# scored on its held-out points (`xsnet evaluate --points-out`), and for each ensemble size k the
# pooled median |σ_pred/σ − 1| and the fraction within 20% are computed for every subset of k
# replicas (the same subset in each fold), the ensemble's σ being the members' mean as in xsnet.
#   python3 scripts/ensemble-size.py runs/gen-s16 [responses-pseudodata] [--xsnet .build/release/xsnet]
import argparse
import csv
import glob
import itertools
import os
import statistics
import subprocess
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("study")
parser.add_argument("recipe", nargs="?", default="responses-pseudodata")
parser.add_argument("--xsnet", default=".build/release/xsnet")
args = parser.parse_args()

fold_folders = sorted(glob.glob(f"{args.study}/folds/{args.recipe}/leave-out-*"))
if not fold_folders:
    raise SystemExit(f"no leave-out folds of {args.recipe} in {args.study}/folds")
replica_counts = {len(glob.glob(f"{folder}/replica-*.xsnet")) for folder in fold_folders}
if len(replica_counts) != 1:
    raise SystemExit(f"the folds hold different numbers of replicas: {sorted(replica_counts)} (is the study finished?)")
replicas = replica_counts.pop()

# members[fold][replica] = [(measured σ, predicted σ), ...] over the fold's held-out points
members = {}
with tempfile.TemporaryDirectory() as scratch:
    for folder in fold_folders:
        fold = os.path.basename(folder)
        members[fold] = []
        for r in range(replicas):
            out = os.path.join(scratch, f"{fold}-{r}.csv")
            subprocess.run([args.xsnet, "evaluate", "--model", f"{folder}/replica-{r}.xsnet", "--points-out", out],
                           check=True, stdout=subprocess.DEVNULL)
            with open(out) as file:
                members[fold].append([(float(row["sigma"]), float(row["mean"])) for row in csv.DictReader(file)])


def pooled(subset):
    deviations = []
    for points in members.values():
        for i in range(len(points[0])):
            measured = points[0][i][0]
            predicted = sum(points[r][i][1] for r in subset) / len(subset)
            deviations.append(abs(predicted / measured - 1))
    return statistics.median(deviations), sum(d <= 0.2 for d in deviations) / len(deviations)


print(f"{args.study}, {args.recipe}: {len(members)} leave-out folds, {replicas} replicas each\n")
print("| replicas per fold | subsets | pooled median: mean (lowest–highest) | within 20%: mean |")
print("|---|---|---|---|")
for k in range(1, replicas + 1):
    results = [pooled(subset) for subset in itertools.combinations(range(replicas), k)]
    medians = [m for m, _ in results]
    print(f"| {k} | {len(results)} | {100 * statistics.mean(medians):.2f}% ({100 * min(medians):.2f}–{100 * max(medians):.2f}%) | "
          f"{100 * statistics.mean(w for _, w in results):.1f}% |")
