#!/usr/bin/env bash
# Coverage on the test parts across split seeds (README, "Calibration on carbon"): models A and B
# calibrated on a 10% validation part (scripts/calibration.sh, calibration-seed.sh) and model B
# calibrated by 5-fold cross-fitting (scripts/calibration-crossfit.sh). Missing models are skipped.
# Prints one markdown row per model and split seed, then per model and split the coverage of all
# seeds' test points together. Run from the repository root.
set -euo pipefail
X=${X:-.build/release/xsnet}
pooled=$(mktemp); trap 'rm -f "$pooled"' EXIT
row() {  # model file, label, group
    $X evaluate --model "$1" --format json | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("| %s | %d | %.2f%% | %.1f%% | %.1f%% | %.1f%% |" % (sys.argv[1], t["points"], 100 * t["median_abs_rel_dev"],
      100 * t["coverage_1sigma"], 100 * t["coverage_2sigma"], 100 * t["mean_rel_uncertainty"]))
with open(sys.argv[3], "a") as f:
    f.write("%s\t%d\t%.6f\t%.6f\n" % (sys.argv[2], t["points"], t["coverage_1sigma"], t["coverage_2sigma"]))' "$2" "$3" "$pooled"
}
echo "| model, split, split seed (calibration factors) | test points | median dev. | 1σ coverage | 2σ coverage | mean rel. uncertainty |"
echo "|---|---|---|---|---|---|"
for kind in "ensemble-cal:A, validation part" "mcdropout-cal:B, validation part" "mcdropout-cf:B, 5-fold cross-fitting"; do
    stem=${kind%%:*}; label=${kind#*:}
    for split in random interior; do
        for seed in 0 1 2 3; do
            prefix=C12-; [ $split = interior ] && prefix=C12-interior-
            f=runs/$prefix$stem-s$seed.xsnet
            [ $seed = 0 ] && [ ! -f "$f" ] && f=runs/$prefix$stem.xsnet
            [ -f "$f" ] || continue
            c=$($X evaluate --model "$f" | grep -o '× [0-9.]*' | cut -d' ' -f2 | paste -sd/)
            name=$([ $split = random ] && echo "random points" || echo "held-out interior spectra")
            row "$f" "$label, $name, seed $seed (× $c)" "$label, $name"
        done
    done
done
echo
echo "| model, split: all seeds' test points together | seeds | test points | 1σ coverage | 2σ coverage |"
echo "|---|---|---|---|---|"
python3 - "$pooled" <<'PY'
import sys
groups = {}
for line in open(sys.argv[1]):
    group, n, c1, c2 = line.rstrip("\n").split("\t")
    groups.setdefault(group, []).append((int(n), float(c1), float(c2)))
for group, rows in groups.items():
    n = sum(r[0] for r in rows)
    print("| %s | %d | %d | %.1f%% | %.1f%% |" % (group, len(rows), n, 100 * sum(r[0] * r[1] for r in rows) / n, 100 * sum(r[0] * r[2] for r in rows) / n))
PY
