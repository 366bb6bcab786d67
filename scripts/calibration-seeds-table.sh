#!/usr/bin/env bash
# Coverage on the test parts across split seeds (README, "Calibration on carbon"): models A and B
# calibrated on a 10% validation part (scripts/calibration.sh, calibration-seed.sh) and model B
# calibrated by 5-fold cross-fitting (scripts/calibration-crossfit.sh). Missing models are skipped.
# Prints one markdown row per model and split seed. Run from the repository root.
set -euo pipefail
X=${X:-.build/release/xsnet}
row() {  # model file, label
    $X evaluate --model "$1" --format json | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("| %s | %d | %.2f%% | %.1f%% | %.1f%% | %.1f%% |" % (sys.argv[1], t["points"], 100 * t["median_abs_rel_dev"],
      100 * t["coverage_1sigma"], 100 * t["coverage_2sigma"], 100 * t["mean_rel_uncertainty"]))' "$2"
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
            c=$($X evaluate --model "$f" | grep -o 'spread × [0-9.]*' | cut -d' ' -f3 | paste -sd/)
            name=$([ $split = random ] && echo "random points" || echo "held-out interior spectra")
            row "$f" "$label, $name, seed $seed (× $c)"
        done
    done
done
