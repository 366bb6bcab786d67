#!/usr/bin/env python3
# The "carbon × fit ratio" column of the leave-one-nucleus-out study (docs/any-target.md), recomputed
# through the command line and pooled over the nuclei: the carbon network's σ times the Bosted–Mamyan
# fit's (with Coulomb distortion) σ(nucleus)/σ(C12) at each measured point with ω ≥ 0.02 GeV, against
# the data as published. Run from the repository root after `make build`: python3 scripts/carbon-fit-ratio.py
# With --with-network (needs the study's trained replicas in Models/nucleus-study/folds/, kept where
# the study ran) it also prints the held-out network and the geometric mean of the two. With --argon
# it prints instead, for ⁴⁰Ar at the JLab E12-14-012 setting (2.222 GeV, 15.54°), the shipped
# any-target ensemble beside the carbon ensemble carried by the same ratio (docs/any-target.md).
import csv, glob, io, json, math, statistics, subprocess, sys, tempfile

X, CARBON, FIT = ".build/release/xsnet", "Models/C12.xsnet", "bosted-mamyan+coulomb"
rows = [r for r in csv.DictReader(open("Data/points.csv")) if float(r["omega_GeV"]) >= 0.02]


def predict(model, nucleus, points):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("E_GeV,theta_deg,omega_GeV\n" + "".join(f"{r['E_GeV']},{r['theta_deg']},{r['omega_GeV']}\n" for r in points))
    args = [X, "predict", "--model", model, "--input", f.name, "--format", "csv"] + (["--nucleus", nucleus] if nucleus else [])
    return [float(r["sigma"]) for r in csv.DictReader(io.StringIO(subprocess.run(args, capture_output=True, text=True, check=True).stdout))]


if "--argon" in sys.argv:
    def spectrum(model, nucleus):
        args = [X, "predict", "--model", model, "--energy", "2.222", "--angle", "15.54", "--omega", "0.2:1.2:0.2", "--format", "csv"]
        out = subprocess.run(args + (["--nucleus", nucleus] if nucleus else []), capture_output=True, text=True, check=True).stdout
        return [(float(r["sigma"]), float(r["sigma_std"] or "nan")) for r in csv.DictReader(io.StringIO(out))]
    anytarget, carbon = spectrum("Models/any-target.xsnet", "Ar40"), spectrum("Models/C12-ensemble.xsnet", None)
    argon, carbon_fit = spectrum(FIT, "Ar40"), spectrum(FIT, "C12")
    print("omega_GeV  any-target (band)  carbon x fit ratio (band)  ratio/any-target - 1  Bosted-Mamyan+Coulomb")
    for i, (a, c, fa, fc) in enumerate(zip(anytarget, carbon, argon, carbon_fit)):
        r = fa[0] / fc[0]
        print(f"{0.2 * (i + 1):.1f}  {a[0]:,.0f} ({a[1]:,.0f})  {c[0] * r:,.0f} ({c[1] * r:,.0f})  {c[0] * r / a[0] - 1:+.1%}  {fa[0]:,.0f}")
    sys.exit(0)

with_network = "--with-network" in sys.argv
# The held-out network's median per nucleus from the committed study, beside carbon × A/12 from CARBON.
study = {n["nucleus"]: n["median_abs_rel_dev"] for n in json.load(open("Models/nucleus-study/study.json"))["nuclei"]}
pooled, pooled_network, pooled_mean, mass_beaten = [], [], [], 0
for nucleus, A in [("He3", 3), ("He4", 4), ("Li6", 6), ("O16", 16), ("Al27", 27), ("Ca40", 40), ("Ca48", 48), ("Fe56", 56), ("Au197", 197),
                   ("Pb208", 208), ("U238", 238)]:
    points = [r for r in rows if r["nucleus"] == nucleus]
    carbon, target, source = predict(CARBON, None, points), predict(FIT, nucleus, points), predict(FIT, "C12", points)
    ratio = [c * (t / s if s > 0 else A / 12) for c, t, s in zip(carbon, target, source)]
    data = [float(r["sigma_nb_per_sr_GeV"]) for r in points]
    dev = [abs(p / d - 1) for p, d in zip(ratio, data)]
    pooled += dev
    mass = statistics.median(abs(c * A / 12 / d - 1) for c, d in zip(carbon, data))
    mass_beaten += study[nucleus] < mass
    line = (f"{nucleus}: {len(points)} points, median {statistics.median(dev):.1%}; carbon x A/12 {mass:.1%}"
            f" (the study's held-out network {study[nucleus]:.1%})")
    if with_network:
        ensemble = f"{tempfile.gettempdir()}/nucleus-study-{nucleus}.xsnet"
        replicas = sorted(glob.glob(f"Models/nucleus-study/folds/any-target-kinematic-prior/{nucleus}/replica-*.xsnet"))
        subprocess.run([X, "ensemble", "build", "--out", ensemble] + replicas, capture_output=True, check=True)
        network = predict(ensemble, nucleus, points)
        net_dev = [abs(p / d - 1) for p, d in zip(network, data)]
        mean_dev = [abs(math.sqrt(p * q) / d - 1) for p, q, d in zip(network, ratio, data)]
        pooled_network += net_dev
        pooled_mean += mean_dev
        line += f"; held-out network {statistics.median(net_dev):.1%}; geometric mean of the two {statistics.median(mean_dev):.1%}"
    print(line)
print(f"the study's held-out network below carbon x A/12 on {mass_beaten} of 11")
print(f"pooled: {len(pooled)} points, median {statistics.median(pooled):.1%}"
      + (f"; network {statistics.median(pooled_network):.1%}; geometric mean {statistics.median(pooled_mean):.1%}" if with_network else ""))
