#!/usr/bin/env bash
# Re-fits the calibration factors of the models made by scripts/calibration.sh,
# calibration-seed.sh (SEED=1|2|3), calibration-dropout.sh and calibration-crossfit.sh with
# `xsnet calibrate --rule RULE` (default at-least-nominal), without retraining them: ensembles and
# models with a validation part are re-fitted on it; cross-fitted models repeat their 5 fold
# trainings (same seeds, same out-of-fold predictions, written to runs/pts/oof-*.csv). Missing
# models are skipped. Then scripts/calibration-seeds-table.sh. Run from the repository root after
# `make build`; about 30 min on 2 cores (the cross-fitted models).
set -eu
X=${X:-.build/release/xsnet}
RULE=${RULE:-at-least-nominal}
mkdir -p runs/pts
for f in runs/C12-ensemble-cal*.xsnet runs/C12-interior-ensemble-cal*.xsnet runs/C12-mcdropout-cal*.xsnet \
         runs/C12-interior-mcdropout-cal*.xsnet runs/C12-*mcdropout-p0.1-s*.xsnet; do
    case $f in *.old-mc.xsnet) continue ;; esac
    [ -f "$f" ] && echo "$f: $($X calibrate --model "$f" --rule "$RULE")"
done
crossfit() {  # split prefix (C12- or C12-interior-), label, seeds
    for seed in $3; do
        f=runs/$1mcdropout-cf-s$seed.xsnet
        [ -f "$f" ] && echo "$f: $($X calibrate --model "$f" --folds 5 --rule "$RULE" --points-out runs/pts/oof-$2-cf-s$seed.csv 2>/dev/null)"
    done
}
crossfit C12- random "0 1 2 3" & crossfit C12-interior- interior "0 1 2 3" & wait
