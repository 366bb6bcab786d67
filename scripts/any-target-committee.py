#!/usr/bin/env python3
# Does the network of every nucleus (the experiment held out on every nucleus; runs/s25/lo-*, made by
# scripts/generalization.sh) add to the carbon recipe's replicas (runs/gen-s18) and the fit on carbon's left-out experiments (docs/generalization.md,
# "The other nuclei's data")? Per point, geometric means; τ = 0.0596 as the shipped committee.
#   python3 scripts/any-target-committee.py [XSNET]
import csv, glob, math, statistics, subprocess, os, collections
import sys
X = sys.argv[1] if len(sys.argv) > 1 else ".build/release/xsnet"
def pts(path):
    d = {}
    for r in csv.DictReader(open(path)):
        d[(r["E_GeV"], r["theta_deg"], r["omega_GeV"])] = (float(r["sigma"]), float(r["mean"]))
    return d
os.makedirs("runs/s25/committee", exist_ok=True)
rows = collections.defaultdict(list)
for fold in sorted(glob.glob("runs/gen-s18/folds/responses-pseudodata/leave-out-*")):
    name = os.path.basename(fold)[len("leave-out-"):]
    anyf = glob.glob("runs/s25/lo-" + name.replace("O-Connell", "OConnell") + ".xsnet.points.csv")[0]
    a = pts(anyf)
    reps = []
    for i in range(3):
        out = f"runs/s25/committee/{name}-{i}.csv"
        if not os.path.exists(out):
            subprocess.run([X, "evaluate", "--model", f"{fold}/replica-{i}.xsnet", "--points-out", out], check=True, stdout=subprocess.DEVNULL)
        reps.append(pts(out))
    fitout = f"runs/s25/committee/{name}-fit.csv"
    if not os.path.exists(fitout):
        subprocess.run([X, "evaluate", "--model", "bosted-mamyan", "--nucleus", "C12", "--points-out", fitout], check=True, stdout=subprocess.DEVNULL)
    fit = pts(fitout)
    for k, (s, _) in reps[0].items():
        logs = [math.log(r[k][1]) for r in reps]
        ln = statistics.mean(logs); sp = statistics.stdev(logs)
        lf = math.log(fit[k][1]); la = math.log(a[k][1])
        tau = 0.0596; w = tau**2 / (tau**2 + sp**2)
        lc = w * ln + (1 - w) * lf
        rows["net"].append((name, abs(math.exp(ln) / s - 1)))
        rows["fit"].append((name, abs(math.exp(lf) / s - 1)))
        rows["any"].append((name, abs(math.exp(la) / s - 1)))
        rows["committee(net,fit)"].append((name, abs(math.exp(lc) / s - 1)))
        rows["mean(net,any)"].append((name, abs(math.exp((ln + la) / 2) / s - 1)))
        rows["mean(net,fit,any)"].append((name, abs(math.exp((ln + lf + la) / 3) / s - 1)))
        rows["mean(committee,any)"].append((name, abs(math.exp((lc + la) / 2) / s - 1)))
        rows["0.75 committee + 0.25 any"].append((name, abs(math.exp(0.75 * lc + 0.25 * la) / s - 1)))
for key, v in rows.items():
    d = [x for _, x in v]
    per = collections.defaultdict(list)
    for n, x in v: per[n].append(x)
    print(f"{key:28s} {len(d)} pooled {100*statistics.median(d):.2f}% w20 {100*sum(x<=0.2 for x in d)/len(d):.1f}%  " +
          " ".join(f"{n[:6]}:{100*statistics.median(x):.1f}" for n, x in sorted(per.items())))
