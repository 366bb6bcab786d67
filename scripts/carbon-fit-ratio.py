#!/usr/bin/env python3
# The "carbon × fit ratio" column of the leave-one-nucleus-out study (docs/any-target.md), recomputed
# through the command line and pooled over the nuclei: the carbon network's σ times the Bosted–Mamyan
# fit's (with Coulomb distortion) σ(nucleus)/σ(C12) at each measured point with ω ≥ 0.02 GeV, against
# the data as published. Run from the repository root after `make build`: python3 scripts/carbon-fit-ratio.py
import csv, io, statistics, subprocess, tempfile

X, CARBON, FIT = ".build/release/xsnet", "Models/C12.xsnet", "bosted-mamyan+coulomb"
rows = [r for r in csv.DictReader(open("Data/points.csv")) if float(r["omega_GeV"]) >= 0.02]


def predict(model, nucleus, points):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("E_GeV,theta_deg,omega_GeV\n" + "".join(f"{r['E_GeV']},{r['theta_deg']},{r['omega_GeV']}\n" for r in points))
    args = [X, "predict", "--model", model, "--input", f.name, "--format", "csv"] + (["--nucleus", nucleus] if nucleus else [])
    return [float(r["sigma"]) for r in csv.DictReader(io.StringIO(subprocess.run(args, capture_output=True, text=True, check=True).stdout))]


pooled = []
for nucleus, A in [("He3", 3), ("He4", 4), ("Li6", 6), ("O16", 16), ("Al27", 27), ("Ca40", 40), ("Ca48", 48), ("Fe56", 56), ("Au197", 197),
                   ("Pb208", 208), ("U238", 238)]:
    points = [r for r in rows if r["nucleus"] == nucleus]
    carbon, target, source = predict(CARBON, None, points), predict(FIT, nucleus, points), predict(FIT, "C12", points)
    dev = [abs(c * (t / s if s > 0 else A / 12) / float(r["sigma_nb_per_sr_GeV"]) - 1) for c, t, s, r in zip(carbon, target, source, points)]
    pooled += dev
    print(f"{nucleus}: {len(points)} points, median {statistics.median(dev):.1%}")
print(f"pooled: {len(pooled)} points, median {statistics.median(pooled):.1%}")
