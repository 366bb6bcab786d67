#!/usr/bin/env python3
# The noise floor of the random-split targets (docs/generalization.md): what a model equal to the true
# cross section would score against carbon's data, each point drawn about the truth with its quoted
# error, with the normalizations exact or drawn with the data sets' Δλ_k; then the same per nucleus
# (docs/any-target.md). Run from the repository root: python3 scripts/noise-floor.py
import csv, random, statistics
norm = {"Arrington:1995hs":.04,"Arrington:1998ps":.04,"Bagdasaryan:1988hp":.10,"Baran:1988tw":.037,"Barreau:1983ht":.02,
        "Day:1993md":.034,"Fomin:2010ei":.04,"O'Connell:1987ag":.05,"Sealock:1989nx":.025,"Whitney:1974hr":.03}
pts = [x for x in csv.DictReader(open("Data/points.csv")) if x["nucleus"] == "C12" and x["dataset"] in norm and float(x["omega_GeV"]) >= 0.02]
rng = random.Random(1)
for with_norm in (False, True):
    meds, w10 = [], []
    for trial in range(200):
        lam = {k: 1 + (rng.gauss(0, v) if with_norm else 0) for k, v in norm.items()}
        dev = []
        for x in pts:
            e = float(x["error_nb_per_sr_GeV"]) / float(x["sigma_nb_per_sr_GeV"])
            data = lam[x["dataset"]] * (1 + e * rng.gauss(0, 1))   # truth = 1
            dev.append(abs(1 / data - 1))
        meds.append(statistics.median(dev)); w10.append(sum(d <= 0.1 for d in dev) / len(dev))
    print(f"{len(pts)} points, normalizations {'drawn' if with_norm else 'exact'}: median |truth/data - 1| {statistics.median(meds):.2%}, within 10% {statistics.median(w10):.1%} (5-95%: {sorted(w10)[10]:.1%}-{sorted(w10)[189]:.1%})")

# Per nucleus (the any-target model's random-split target, docs/any-target.md): every point with
# ω ≥ 0.02 GeV drawn about the truth with its quoted error, normalizations exact.
by_nucleus = {}
for x in csv.DictReader(open("Data/points.csv")):
    if float(x["omega_GeV"]) >= 0.02:
        by_nucleus.setdefault(x["nucleus"], []).append(float(x["error_nb_per_sr_GeV"]) / float(x["sigma_nb_per_sr_GeV"]))
for nucleus, errors in by_nucleus.items():
    meds = [statistics.median(abs(1 / (1 + e * rng.gauss(0, 1)) - 1) for e in errors) for trial in range(200)]
    print(f"{nucleus}: {len(errors)} points, median quoted error {statistics.median(errors):.1%}, median |truth/data - 1| {statistics.median(meds):.2%}")
