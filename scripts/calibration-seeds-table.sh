#!/usr/bin/env bash
# Coverage on the test parts across split seeds (docs/uncertainty.md, "Calibration on carbon"): models A and B
# calibrated on a 10% validation part (scripts/calibration.sh, calibration-seed.sh) and model B
# calibrated by 5-fold cross-fitting (scripts/calibration-crossfit.sh), and model A cross-fitted
# (scripts/ensemble-crossfit.sh, split seed 0 only). Missing models are skipped.
# Prints one markdown row per model and split seed — the coverage with the central 68% interval
# `xsnet evaluate` gives by resampling whole spectra — then, per model and split, the coverage of
# all seeds' test points together, its interval resampling (seed, spectrum) units the same way
# (2000 replicates, seed 0), and in how many seeds the targets (1σ 55–80%, 2σ ≥ 90%) are met.
# Run from the repository root.
set -euo pipefail
X=${X:-.build/release/xsnet}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
row() {  # model file, label, group, points file
    $X evaluate --model "$1" --format json --points-out "$4" | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
i1, i2 = t["coverage_1sigma_interval"], t["coverage_2sigma_interval"]
print("| %s | %d | %.2f%% | %.1f%% (%.0f–%.0f) | %.1f%% (%.0f–%.0f) | %.1f%% |" % (sys.argv[1], t["points"], 100 * t["median_abs_rel_dev"],
      100 * t["coverage_1sigma"], 100 * i1[0], 100 * i1[1], 100 * t["coverage_2sigma"], 100 * i2[0], 100 * i2[1], 100 * t["mean_rel_uncertainty"]))
with open(sys.argv[3], "a") as f:
    f.write("%s\t%s\t%d\t%.6f\t%.6f\n" % (sys.argv[2], sys.argv[4], t["points"], t["coverage_1sigma"], t["coverage_2sigma"]))' "$2" "$3" "$work/index" "$4"
}
echo "| model, split, split seed (calibration factors) | test points | median dev. | 1σ coverage (68% interval) | 2σ coverage (68% interval) | mean rel. uncertainty |"
echo "|---|---|---|---|---|---|"
n=0
for kind in "ensemble-cal:A, validation part" "ensemble-cf:A, 5-fold cross-fitting" "mcdropout-cal:B, validation part" "mcdropout-cf:B, 5-fold cross-fitting"; do
    stem=${kind%%:*}; label=${kind#*:}
    for split in random interior; do
        for seed in 0 1 2 3; do
            prefix=C12-; [ $split = interior ] && prefix=C12-interior-
            f=runs/$prefix$stem-s$seed.xsnet
            [ $seed = 0 ] && [ ! -f "$f" ] && f=runs/$prefix$stem.xsnet
            [ -f "$f" ] || continue
            c=$($X evaluate --model "$f" | grep -o '× [0-9.]*' | cut -d' ' -f2 | paste -sd/)
            name=$([ $split = random ] && echo "random points" || echo "held-out interior spectra")
            n=$((n + 1))
            row "$f" "$label, $name, seed $seed (× $c)" "$label, $name" "$work/points-$n.csv"
        done
    done
done
echo
echo "| model, split: all seeds' test points together | seeds meeting the targets | test points | 1σ coverage (68% interval) | 2σ coverage (68% interval) |"
echo "|---|---|---|---|---|"
python3 - "$work/index" <<'PY'
import csv, random, sys
groups = {}
for line in open(sys.argv[1]):
    group, points, n, c1, c2 = line.rstrip("\n").split("\t")
    groups.setdefault(group, []).append((points, float(c1), float(c2)))
for group, seeds in groups.items():
    units = {}  # (seed, dataset, E, θ) -> [points, within 1σ, within 2σ]
    for s, (points, _, _) in enumerate(seeds):
        for r in csv.DictReader(open(points)):
            u = units.setdefault((s, r["dataset"], r["E_GeV"], r["theta_deg"]), [0, 0, 0])
            pull = abs(float(r["pull"]))
            u[0] += 1; u[1] += pull <= 1; u[2] += pull <= 2
    u = list(units.values())
    total = [sum(x[i] for x in u) for i in range(3)]
    rng = random.Random(0)
    reps = []
    for _ in range(2000):
        pick = [u[rng.randrange(len(u))] for _ in u]
        n = sum(x[0] for x in pick)
        reps.append((sum(x[1] for x in pick) / n, sum(x[2] for x in pick) / n))
    def central(v):
        v = sorted(v); return v[int(0.16 * (len(v) - 1))], v[int(0.84 * (len(v) - 1))]
    a, b = central([r[0] for r in reps]), central([r[1] for r in reps])
    met = sum(0.55 <= c1 <= 0.80 and c2 >= 0.90 for _, c1, c2 in seeds)
    print("| %s | %d of %d | %d | %.1f%% (%.0f–%.0f) | %.1f%% (%.0f–%.0f) |" % (group, met, len(seeds), total[0], 100 * total[1] / total[0],
          100 * a[0], 100 * a[1], 100 * total[2] / total[0], 100 * b[0], 100 * b[1]))
PY
