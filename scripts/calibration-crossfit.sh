#!/usr/bin/env bash
# Model B (MC dropout, p = 0.01) calibrated by 5-fold cross-fitting of its training part
# (`train --calibration-folds 5`) instead of on a 10% validation part: on the random split and on
# held-out interior spectra, split seeds SEEDS (default 0 1 2 3; the test parts are those of
# scripts/calibration.sh and calibration-seed.sh). Then `scripts/calibration-table.sh crossfit`.
# Run from the repository root after `make build`; about 12 min per model on 2 cores.
set -ex
X=${X:-.build/release/xsnet}
for seed in ${SEEDS:-0 1 2 3}; do
  $X train --nucleus C12 --dropout 0.01 --normalization fixed --calibration-folds 5 --split-seed $seed --threads 1 --out runs/C12-mcdropout-cf-s$seed.xsnet --quiet &
  $X train --nucleus C12 --split interior-spectra --dropout 0.01 --normalization fixed --calibration-folds 5 --split-seed $seed --threads 1 --out runs/C12-interior-mcdropout-cf-s$seed.xsnet --quiet &
  wait
done
