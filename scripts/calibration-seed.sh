#!/usr/bin/env bash
# The calibration study of scripts/calibration.sh repeated with another split seed (SEED, default 1:
# other test and validation parts): how much the coverage figures move from one split to another.
# Outputs runs/*-s$SEED.xsnet; then `SUFFIX=-s$SEED scripts/calibration-table.sh`. About 25 min.
set -ex
X=${X:-.build/release/xsnet}
SEED=${SEED:-1}
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-ensemble-cal-s$SEED.xsnet --replica-folder runs/C12-cal-s$SEED-replicas -- --validation-fraction 0.1 --split-seed $SEED
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-interior-ensemble-cal-s$SEED.xsnet --replica-folder runs/C12-interior-cal-s$SEED-replicas -- --split interior-spectra --validation-fraction 0.1 --split-seed $SEED
$X train --nucleus C12 --dropout 0.01 --normalization fixed --validation-fraction 0.1 --split-seed $SEED --out runs/C12-mcdropout-cal-s$SEED.xsnet --quiet &
$X train --nucleus C12 --split interior-spectra --dropout 0.01 --normalization fixed --validation-fraction 0.1 --split-seed $SEED --out runs/C12-interior-mcdropout-cal-s$SEED.xsnet --quiet &
wait
