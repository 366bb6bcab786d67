#!/usr/bin/env bash
# Model A (20-replica bootstrap ensemble) trained on the whole training part and calibrated by
# 5-fold cross-fitting (`ensemble train --calibration-folds 5`: 20 replicas plus 5 × 20 fold
# replicas, each fold without one fold of the training part), on the random split and on held-out
# interior spectra, split seed 0. Then scripts/calibration-seeds-table.sh. Run from the repository
# root after `make build`; about 30 min per model on 2 cores (a fold replica trains in ~32 s, two
# at a time). The random split's 20 replicas are those of the uncalibrated ensemble of
# scripts/shipped-models.sh at commit 57070c8 (runs/C12-replicas) when present: retraining replica
# 0 with this version gives identical predictions, so they are reused rather than retrained.
set -ex
X=${X:-.build/release/xsnet}
mkdir -p runs/C12-cf-replicas
[ -d runs/C12-replicas ] && cp -n runs/C12-replicas/replica-*.xsnet runs/C12-cf-replicas/
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --calibration-folds 5 --out runs/C12-ensemble-cf.xsnet --replica-folder runs/C12-cf-replicas
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --calibration-folds 5 --out runs/C12-interior-ensemble-cf.xsnet --replica-folder runs/C12-interior-cf-replicas -- --split interior-spectra
