#!/usr/bin/env python3
# Does a committee of the held-out network and the Bosted–Mamyan fit predict held-out data better than
# either? (docs/generalization.md and docs/any-target.md, "a committee with the fit".) For every
# held-out fold of a study (a left-out data set of a generalization study, or a left-out nucleus of a
# nucleus study) each replica is scored on its held-out points (`xsnet evaluate --points-out`) and the
# fit on the same points (`xsnet evaluate --model bosted-mamyan --nucleus N --points-out`; --fit
# bosted-mamyan+coulomb for the fit with Coulomb distortion). The committee is the weighted
# geometric mean
#     log σ_c = w log σ_net + (1 − w) log σ_fit,
# with either one weight w for every point ("fixed") or, when the study has ≥ 2 replicas, the weight of
# inverse variances w = τ² / (τ² + s²), s the replicas' relative spread at the point and τ the fit's
# assumed relative error ("by spread": the network where its members agree, the fit where they do not).
# w and τ are chosen out of sample: for each fold, the value that gives the lowest pooled median over
# the other folds' points, so no fold's own points choose its weight.
#   python3 scripts/reference-blend.py runs/gen-s18                      # carbon, leave-out folds
#   python3 scripts/reference-blend.py runs/ns-s18 --nuclei              # leave one nucleus out
# Options: --other STUDY (every fold of another carbon study that is not a leave-out fold, e.g. the
# random split or θ ≥ 55°, scored with the value chosen on all leave-out folds), --away-from-settings
# (carbon: the network alone at points within 0.5% in E and 0.1° in θ of a setting of the fold's
# training data, as `MeasuredSettings` in Calibration.swift; the committee elsewhere), --recipe R,
# --fit F, --xsnet BIN.
import argparse
import collections
import csv
import glob
import json
import math
import os
import statistics
import subprocess
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("study")
parser.add_argument("--recipe", default=None)
parser.add_argument("--nuclei", action="store_true", help="a nucleus study (folds are held-out nuclei)")
parser.add_argument("--other", action="append", default=[], help="a carbon study whose other folds are scored with the leave-out folds' value")
parser.add_argument("--away-from-settings", action="store_true", help="carbon: the network alone at the (E, θ) settings of the training data")
parser.add_argument("--fit", default="bosted-mamyan", help="the reference: bosted-mamyan (the studies' reference column) or bosted-mamyan+coulomb")
parser.add_argument("--xsnet", default=".build/release/xsnet")
args = parser.parse_args()
recipe = args.recipe or ("any-target-kinematic-prior" if args.nuclei else "responses-pseudodata")
if args.nuclei and (args.other or args.away_from_settings):
    raise SystemExit("--other and --away-from-settings are for carbon's generalization studies")


def read_points(path):
    """(dataset, E, θ, ω) → list of (σ measured, σ predicted); a key can occur more than once."""
    points = collections.defaultdict(list)
    with open(path) as file:
        for row in csv.DictReader(file):
            key = (row["dataset"].split("/")[-1], row["E_GeV"], row["theta_deg"], row["omega_GeV"])
            points[key].append((float(row["sigma"]), float(row["mean"]), float(row["sigma_error"])))
    return points


def evaluate(scratch, name, arguments):
    out = os.path.join(scratch, name + ".csv")
    subprocess.run([args.xsnet, "evaluate", *arguments, "--points-out", out], check=True, stdout=subprocess.DEVNULL)
    return read_points(out)


def fold_points(scratch, folder, fit_points):
    """[(σ measured, [σ of each replica], σ fit, key, Δσ)] over the fold's held-out points."""
    replicas = sorted(glob.glob(f"{folder}/replica-*.xsnet"))
    if not replicas:
        raise SystemExit(f"{folder}: no replicas (is the study finished?)")
    name = os.path.basename(folder)
    scored = [evaluate(scratch, f"{name}-{i}", ["--model", path]) for i, path in enumerate(replicas)]
    rows = []
    for key, values in scored[0].items():
        fits = fit_points.get(key)
        if fits is None or len(fits) != len(values):
            raise SystemExit(f"{name}: the fit has no point {key} (or a different count)")
        for j, (measured, _, error) in enumerate(values):
            if abs(fits[j][0] - measured) > 1e-9 * abs(measured):
                raise SystemExit(f"{name}: {key} differs between the network's and the fit's points")
            rows.append((measured, [s[key][j][1] for s in scored], fits[j][1], key, error))
    return rows


def folders(study, leave_out):
    found = sorted(f for f in glob.glob(f"{study}/folds/{recipe}/*") if os.path.isdir(f))
    if not args.nuclei:
        found = [f for f in found if os.path.basename(f).startswith("leave-out-") == leave_out]
    return found


folds, others = {}, {}
with tempfile.TemporaryDirectory() as scratch:
    if args.nuclei:
        for folder in folders(args.study, True):
            nucleus = os.path.basename(folder)
            folds[nucleus] = fold_points(scratch, folder, evaluate(scratch, f"fit-{nucleus}", ["--model", args.fit, "--nucleus", nucleus]))
    else:
        fit = evaluate(scratch, "fit-C12", ["--model", args.fit, "--nucleus", "C12"])
        for folder in folders(args.study, True):
            folds[os.path.basename(folder)[len("leave-out-"):]] = fold_points(scratch, folder, fit)
        for study in args.other:
            for folder in folders(study, False):
                others[os.path.basename(folder)] = fold_points(scratch, folder, fit)
if not folds:
    raise SystemExit(f"no held-out folds of {recipe} in {args.study}/folds")
replicas = len(next(iter(folds.values()))[0][1])

if args.away_from_settings:
    # Every selected carbon point (the ten data sets, ω ≥ 0.02 GeV): the training settings of a fold
    # are those of the points it did not hold out.
    with open("Data/points.csv") as file:
        carbon = collections.Counter((r["dataset"], r["E_GeV"], r["theta_deg"], r["omega_GeV"])
                                     for r in csv.DictReader(file) if r["nucleus"] == "C12" and float(r["omega_GeV"]) >= 0.02)

    def mark(rows):
        remaining = carbon.copy()
        remaining.subtract(collections.Counter(r[3] for r in rows))
        settings = {(float(E), float(θ)) for (d, E, θ, ω), n in remaining.items() if n > 0}
        near = lambda key: any(abs(float(key[1]) - e) <= 0.005 * e and abs(float(key[2]) - t) <= 0.1 for e, t in settings)
        return [r + (near(r[3]),) for r in rows]

    for group in (folds, others):
        for name in group:
            group[name] = mark(group[name])
            print(f"{name}: {sum(r[4] for r in group[name])} of {len(group[name])} held-out points at a training setting")
    print()


def committee(points, weight_of, pure=False, band=None):
    """|σ_c/σ − 1| of every point; `pure`: the weight everywhere (the network or the fit alone).
    With `band` = (c, Δλ by data set): instead, whether each point lies within 1σ and 2σ of the band
    √((c s_c)² + e²), e = √(Δσ² + (Δλ_k σ)²) as the study scores coverage, s_c the members' spread
    moved with the mean (its relative width kept, as `ReferenceCommittee` does)."""
    deviations = []
    for measured, members, fit, key, error, *near in points:
        net = sum(members) / len(members)
        spread = statistics.stdev(members) / net if len(members) > 1 else 0.0
        w = 1.0 if near and near[0] and not pure else weight_of(spread)
        mean = math.exp(w * math.log(net) + (1 - w) * math.log(fit))
        if band is None:
            deviations.append(abs(mean / measured - 1))
        else:
            c, normalization = band
            width = math.hypot(c * spread * mean, math.hypot(error, normalization[key[0]] * measured))
            deviations.append((abs(mean - measured) <= width, abs(mean - measured) <= 2 * width))
    return deviations


def rules():
    yield "fixed", [i / 20 for i in range(21)], lambda w: (lambda spread: w)
    if replicas > 1:
        yield "by spread", [0.01 * 1.25**i for i in range(25)], lambda tau: (lambda spread: tau * tau / (tau * tau + spread * spread))


def median(values):
    return statistics.median(values) if values else float("nan")


def within(values, limit):
    return 100 * sum(d <= limit for d in values) / len(values)


network_alone, fit_alone = (lambda s: 1.0), (lambda s: 0.0)
print(f"{args.study}, {recipe}: {len(folds)} held-out folds, {replicas} replicas each; the fit: {args.fit}\n")
names = list(folds)
network_deviations = {n: committee(folds[n], network_alone, pure=True) for n in names}
fit_deviations = {n: committee(folds[n], fit_alone, pure=True) for n in names}
network = {n: median(d) for n, d in network_deviations.items()}
fit = {n: median(d) for n, d in fit_deviations.items()}
header = "| held out (points) | network | fit |"
table = {n: [f"{len(folds[n]):,}", f"{100 * network[n]:.1f}%", f"{100 * fit[n]:.1f}%"] for n in names}
pooled_rows = [("network", [d for n in names for d in network_deviations[n]], sum(network[n] < fit[n] for n in names)),
               ("fit", [d for n in names for d in fit_deviations[n]], None)]
other_rows = {o: [f"{len(others[o]):,}", f"{100 * median(committee(others[o], network_alone, pure=True)):.2f}%",
                  f"{100 * median(committee(others[o], fit_alone, pure=True)):.2f}%"] for o in others}
chosen = {}
for rule, grid, make in rules():
    header += f" committee, {rule} (chosen on the others) |"
    everything, wins = [], 0
    chosen[rule] = {}
    for n in names:
        rest = [p for m in names if m != n for p in folds[m]]
        best = min(grid, key=lambda v: median(committee(rest, make(v))))
        chosen[rule][n] = make(best)
        deviations = committee(folds[n], make(best))
        everything += deviations
        wins += median(deviations) < fit[n]
        table[n].append(f"{100 * median(deviations):.1f}% ({best:.3g})")
    pooled_rows.append((f"committee, {rule}", everything, wins))
    best = min(grid, key=lambda v: median(committee([p for m in names for p in folds[m]], make(v))))
    print(f"committee, {rule}: the value chosen on all {len(names)} folds is {best:.3g}")
    for o in others:
        d = committee(others[o], make(best))
        other_rows[o].append(f"{100 * median(d):.2f}% ({within(d, 0.1):.1f}% within 10%)")
print()
print(header)
print("|" + "---|" * (header.count("|") - 1))
for n in names:
    print(f"| {n} ({table[n][0]}) | " + " | ".join(table[n][1:]) + " |")
print()
print("| pooled | median | within 20% | within 10% | below the fit on |")
print("|---|---|---|---|---|")
for label, deviations, wins in pooled_rows:
    below = "" if wins is None else f"{wins} of {len(names)}"
    print(f"| {label} | {100 * median(deviations):.2f}% | {within(deviations, 0.2):.1f}% | {within(deviations, 0.1):.1f}% | {below} |")
if others:
    print()
    print("| other fold (points) | network | fit | " + " | ".join(f"committee, {rule} (value of all leave-out folds)" for rule, _, _ in rules()) + " |")
    print("|" + "---|" * (3 + len(list(rules()))))
    for o, row in other_rows.items():
        print(f"| {o} ({row[0]}) | " + " | ".join(row[1:]) + " |")

if replicas > 1 and not args.nuclei:
    # Coverage on the left-out experiments: the members' spread alone and × the study's factor across
    # experiments (rule closest, fitted on all ten folds; study.json), for the network and the committee.
    with open("Data/datasets.csv") as file:
        normalization = {r["dataset"]: float(r["norm_uncertainty"]) for r in csv.DictReader(file) if r["nucleus"] == "C12"}
    with open(f"{args.study}/study.json") as file:
        factors = [c["factor"] for c in json.load(file).get("calibration", []) if c["recipe"] == recipe and c["rule"] == "closest"]
    print()
    print("| left-out experiments: coverage 1σ / 2σ | members' spread | × the study's factor across experiments (closest) |")
    print("|---|---|---|")
    for label, weight in [("network", lambda n: network_alone), ("committee, by spread", lambda n: chosen["by spread"][n])]:
        cells = []
        for c in [1.0] + factors[:1]:
            hits = [h for n in names for h in committee(folds[n], weight(n), pure=label == "network", band=(c, normalization))]
            cells.append(f"{100 * sum(a for a, _ in hits) / len(hits):.1f}% / {100 * sum(b for _, b in hits) / len(hits):.1f}%" + (f" (c = {c:.3f})" if c != 1 else ""))
        print(f"| {label} | " + " | ".join(cells) + " |")
