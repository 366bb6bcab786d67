#!/usr/bin/env bash
# The calibration table of docs/uncertainty.md: every model of scripts/calibration.sh, the shipped
# models A and B, and the unrestricted held-out-spectra ensemble of scripts/shipped-models.sh, evaluated on its test part,
# with the calibrated spread and with the members' own spread. Run from the repository root.
set -euo pipefail
X=${X:-.build/release/xsnet}
S=${SUFFIX:-}   # SUFFIX=-s1: the models of `SEED=1 scripts/calibration-seed.sh`
row() {  # model file, label, extra evaluate options
    $X evaluate --model "$1" --format json ${3:-} | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("| %s | %d | %.2f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% |" % (sys.argv[1], t["points"], 100 * t["median_abs_rel_dev"], 100 * t["within_10pct"],
      100 * t["coverage_1sigma"], 100 * t["coverage_2sigma"], 100 * t["mean_rel_uncertainty"]))' "$2"
}
echo "| model, split (test part) | points | median dev. | within 10% | 1σ coverage | 2σ coverage | mean rel. uncertainty |"
echo "|---|---|---|---|---|---|---|"
for m in C12-ensemble-cal:"A, random" C12-mcdropout-cal:"B, random" C12-interior-ensemble-cal:"A, held-out interior spectra" C12-interior-mcdropout-cal:"B, held-out interior spectra"; do
    f=runs/${m%%:*}$S.xsnet; label=${m#*:}
    c=$($X evaluate --model "$f" | grep -o '× [0-9.]*' | cut -d' ' -f2 | paste -sd/)
    row "$f" "$label, calibrated (c = $c)"
    row "$f" "$label, members' own spread" --uncalibrated
done
[ -n "$S" ] && exit 0
for m in C12-ensemble:"A shipped (Models/C12-ensemble.xsnet), random" C12-mcdropout:"B shipped (Models/C12-mcdropout.xsnet), random"; do
    f=Models/${m%%:*}.xsnet; label=${m#*:}
    row "$f" "$label, calibrated"
    row "$f" "$label, members' own spread" --uncalibrated
done
if [ -f runs/C12-spectra-ensemble.xsnet ]; then
    row runs/C12-spectra-ensemble.xsnet "A, held-out spectra incl. the backward-angle one (no validation part, uncalibrated)"
fi
