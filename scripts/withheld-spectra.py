#!/usr/bin/env python3
# What withholding whole spectra for validation costs an ensemble on the random test points
# (docs/uncertainty.md, "Validation spectra"). The first model's training part gives the measured
# (E, θ) settings (a point is at one when E agrees within 0.5% and θ within 0.1°, as in xsnet's
# MeasuredSettings); every model is then scored (`xsnet evaluate --points-out`) on all test points,
# on those at the first model's settings and on those of the spectra it withheld.
#   python3 scripts/withheld-spectra.py Models/C12-ensemble.xsnet runs/s26/*.xsnet Models/C12.xsnet [--xsnet BIN]
import argparse
import csv
import os
import subprocess
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("models", nargs="+", help="the first one defines the measured settings and the withheld spectra")
parser.add_argument("--xsnet", default=".build/release/xsnet")
args = parser.parse_args()


def points(scratch, model, split):
    out = os.path.join(scratch, "points.csv")
    subprocess.run([args.xsnet, "evaluate", "--model", model, "--split", split, "--points-out", out], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return list(csv.DictReader(f))


def setting(row):
    return float(row["E_GeV"]), float(row["theta_deg"])


def summary(rows):
    deviations = sorted(abs(float(r["mean"]) / float(r["sigma"]) - 1) for r in rows)
    n = len(deviations)
    if n == 0:
        return "no points"
    median = deviations[n // 2] if n % 2 else (deviations[n // 2 - 1] + deviations[n // 2]) / 2
    within = sum(d < 0.10 for d in deviations) / n
    return f"{100 * median:.2f}% / {100 * within:.1f}% ({n})"


with tempfile.TemporaryDirectory() as scratch:
    measured = {setting(r) for r in points(scratch, args.models[0], "train")}

    def at_measured(row):
        E, theta = setting(row)
        return any(abs(E0 - E) <= 0.005 * E0 and abs(t0 - theta) <= 0.1 for E0, t0 in measured)

    withheld = sorted({(r["dataset"], *setting(r)) for r in points(scratch, args.models[0], "validation") if not at_measured(r)})
    print(f"{args.models[0]}: {len(measured)} measured settings; withheld spectra: " + ", ".join(f"{d} {E} GeV {t}°" for d, E, t in withheld))
    print("model | all test points | at those settings | on the withheld spectra  (median |σ_pred/σ − 1| / within 10% (points))")
    for model in args.models:
        rows = points(scratch, model, "test")
        print(f"{model} | {summary(rows)} | {summary([r for r in rows if at_measured(r)])} | {summary([r for r in rows if not at_measured(r)])}")
