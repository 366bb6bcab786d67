#!/usr/bin/env bash
# The shipped models A and B (issue 5). Both train on the whole training part and are calibrated
# by 5-fold cross-fitting. Model A, the bootstrap ensemble: 20 replicas plus 5 × 20 fold replicas
# (the same command as the random split of scripts/ensemble-crossfit.sh, whose replica folder it
# shares). Model B, MC dropout: the same command as seed 0 of scripts/calibration-crossfit.sh.
# Run from the repository root after `make build`. About 50 min on 2 cores.
# (Until `ensemble train --calibration-folds` existed, model A kept a validation part instead: `ensemble train ... --
# --validation-fraction 0.05 --validation-spectra-fraction 0.1`, runs/C12-ensemble-shipped.xsnet.)
set -ex
X=.build/release/xsnet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --calibration-folds 5 --out runs/C12-ensemble-cf.xsnet --replica-folder runs/C12-cf-replicas
$X train --nucleus C12 --dropout 0.01 --normalization fixed --calibration-folds 5 --split-seed 0 --threads 1 --out runs/C12-mcdropout-cf-s0.xsnet --quiet
cp runs/C12-ensemble-cf.xsnet Models/C12-ensemble.xsnet
cp runs/C12-mcdropout-cf-s0.xsnet Models/C12-mcdropout.xsnet; cp runs/C12-mcdropout-cf-s0.xsnet.log.csv Models/C12-mcdropout.xsnet.log.csv
for m in C12-mcdropout C12-ensemble; do $X card --model Models/$m.xsnet > Models/$m.md; done
