#!/usr/bin/env python3
"""Cross-check (not part of xsnet): would a band whose width follows how far a point is from the
measured settings calibrate model B better between spectra than one factor does?

For each interior-spectra split seed 0-3, fits on the out-of-fold predictions of the cross-fitted
model B (points away from measured settings; `scripts/recalibrate.sh` writes them to
runs/pts/oof-interior-cf-sN.csv) four band shapes, each by the closest-coverage loss
(cov1σ − 0.683)² + (cov2σ − 0.954)² over a grid:
  c             σ_band = c·σ_model                      (xsnet's factor)
  c, r·d        √((c·σ_model)² + (r·d·mean)²)            d: distance to the nearest training setting
  c(1 + a·d)    c·(1 + a·d)·σ_model
  c, r          √((c·σ_model)² + (r·mean)²)              a relative floor
with d = √((ln(E/E_k)/0.2)² + ((θ − θ_k)/10°)²) to the fold's training settings (E_k, θ_k), then
applies them to the model's test part (uncalibrated predictions from `xsnet evaluate
--uncalibrated --points-out`, made here if missing) and prints the coverage per seed and pooled.
Run from the repository root after scripts/recalibrate.sh; about 15 s.
"""
import collections, csv, math, os, subprocess

X = os.environ.get("X", ".build/release/xsnet")

def load(path):
    return list(csv.DictReader(open(path)))

def prepared(rows, settings, held=None):
    out = []
    for r in rows:
        E, t = float(r["E_GeV"]), float(r["theta_deg"])
        train = settings if held is None else [s for s in settings if s not in held[r["fold"]]]
        d = min(math.hypot(math.log(E / s[0]) / 0.2, (t - s[1]) / 10) for s in train)
        out.append(dict(dev=float(r["mean"]) - float(r["sigma"]), sm=float(r["sigma_model"]), se=float(r["sigma_error"]), mu=float(r["mean"]), d=d))
    return out

def coverage(rows, band):
    one = two = 0
    for r in rows:
        b = band(r)
        one += abs(r["dev"]) <= b
        two += abs(r["dev"]) <= 2 * b
    return one / len(rows), two / len(rows)

SHAPES = {
    "c": (lambda p, r: math.hypot(p[0] * r["sm"], r["se"]), [[i * 0.02] for i in range(300)]),
    "c, r·d": (lambda p, r: math.sqrt((p[0] * r["sm"]) ** 2 + (p[1] * r["d"] * r["mu"]) ** 2 + r["se"] ** 2),
               [[i * 0.05, j * 0.005] for i in range(60) for j in range(40)]),
    "c(1 + a·d)": (lambda p, r: math.hypot(p[0] * (1 + p[1] * r["d"]) * r["sm"], r["se"]),
                   [[i * 0.05, j * 0.1] for i in range(60) for j in range(40)]),
    "c, r": (lambda p, r: math.sqrt((p[0] * r["sm"]) ** 2 + (p[1] * r["mu"]) ** 2 + r["se"] ** 2),
             [[i * 0.05, j * 0.005] for i in range(60) for j in range(40)]),
}

def loss(c):
    return (c[0] - 0.6827) ** 2 + (c[1] - 0.9545) ** 2

pooled = collections.defaultdict(list)
for seed in range(4):
    oof = load(f"runs/pts/oof-interior-cf-s{seed}.csv")
    test_path = f"runs/pts/unc-interior-cf-s{seed}-test.csv"
    if not os.path.exists(test_path):
        subprocess.run([X, "evaluate", "--model", f"runs/C12-interior-mcdropout-cf-s{seed}.xsnet", "--uncalibrated",
                        "--points-out", test_path], check=True, stdout=subprocess.DEVNULL)
    settings = sorted(set((float(r["E_GeV"]), float(r["theta_deg"])) for r in oof))
    held = collections.defaultdict(set)
    for r in oof:
        if r["at_measured_setting"] == "false":
            held[r["fold"]].add((float(r["E_GeV"]), float(r["theta_deg"])))
    far = prepared([r for r in oof if r["at_measured_setting"] == "false"], settings, held)
    test = prepared(load(test_path), settings)
    line = f"seed {seed}:"
    for name, (band, grid) in SHAPES.items():
        best = min(grid, key=lambda p: (loss(coverage(far, lambda r: band(p, r))), -sum(p)))
        c = coverage(test, lambda r: band(best, r))
        pooled[name].append((len(test), c))
        line += f"  {name} {'/'.join('%.3f' % x for x in best)} → {100 * c[0]:.1f}%/{100 * c[1]:.1f}%"
    print(line, flush=True)
for name, rows in pooled.items():
    n = sum(k for k, _ in rows)
    print(f"{name}: all seeds' test points {100 * sum(k * c[0] for k, c in rows) / n:.1f}% / {100 * sum(k * c[1] for k, c in rows) / n:.1f}%")
