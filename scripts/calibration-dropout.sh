#!/usr/bin/env bash
# Model B with a larger dropout probability (P, default 0.1): is its spread easier to calibrate
# than at p = 0.01? Same splits and validation parts as scripts/calibration.sh and
# `SEED=1 calibration-seed.sh`. Run from the repository root after `make build`.
set -ex
X=${X:-.build/release/xsnet}
P=${P:-0.1}
for seed in 0 1; do
  $X train --nucleus C12 --dropout $P --normalization fixed --validation-fraction 0.1 --split-seed $seed --out runs/C12-mcdropout-p$P-s$seed.xsnet --quiet &
  $X train --nucleus C12 --split interior-spectra --dropout $P --normalization fixed --validation-fraction 0.1 --split-seed $seed --out runs/C12-interior-mcdropout-p$P-s$seed.xsnet --quiet &
  wait
done
