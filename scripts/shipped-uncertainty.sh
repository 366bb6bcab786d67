#!/usr/bin/env bash
# The shipped models A and B (issue 5). Model A, the bootstrap ensemble, is trained with a
# validation part of two kinds, random points (5% of all points) and whole interior spectra (10% of
# the training spectra), on which its spread is calibrated at measured (E, θ) settings and away from
# them. Model B, MC dropout, trains on the whole training part and is calibrated by 5-fold
# cross-fitting (the command of seed 0 of scripts/calibration-crossfit.sh with the preset). Run from
# the repository root after `make build`. Both use the response head with the Bosted–Mamyan fit as
# pseudo-data (--preset responses-pseudodata), the recipe the generalization study picks. Measured:
# the ensemble 20m42s on the 2 cores, model B 23m22s for its six one-thread trainings.
set -ex
X=.build/release/xsnet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-ensemble-shipped.xsnet --replica-folder runs/C12-shipped-replicas \
    -- --preset responses-pseudodata --validation-fraction 0.05 --validation-spectra-fraction 0.1
$X train --nucleus C12 --preset responses-pseudodata --dropout 0.01 --normalization fixed --calibration-folds 5 --split-seed 0 --threads 1 --out runs/C12-mcdropout-cf-s0.xsnet --quiet
cp runs/C12-ensemble-shipped.xsnet Models/C12-ensemble.xsnet
# (The shipped file, trained before factors carried their interval over resampled spectra, was
# recalibrated for it with `$X calibrate --model Models/C12-ensemble.xsnet` before the next step:
# the same factors, the committee kept; docs/uncertainty.md, "Validation spectra".)
# Away from the measured settings, the factor the generalization study measured across experiments
# (docs/uncertainty.md, "Calibration across experiments"; needs Models/generalization/study.json).
$X calibrate --model Models/C12-ensemble.xsnet --across-experiments Models/generalization --rule closest
# Away from the measured settings, a committee with the Bosted–Mamyan fit (docs/generalization.md,
# "A committee with the fit"): τ = 0.0596 chosen on carbon's ten left-out experiments with 3-replica
# ensembles (python3 scripts/reference-blend.py runs/gen-s18), × c₄(20)/c₄(3) = 1.1136 for 20 members.
$X committee --model Models/C12-ensemble.xsnet --relative-error 0.0664 --source "τ = 0.0596 chosen on carbon's ten left-out experiments with 3-replica ensembles (python3 scripts/reference-blend.py runs/gen-s18), × c₄(20)/c₄(3) for 20 members"
cp runs/C12-mcdropout-cf-s0.xsnet Models/C12-mcdropout.xsnet; cp runs/C12-mcdropout-cf-s0.xsnet.log.csv Models/C12-mcdropout.xsnet.log.csv
for m in C12-mcdropout C12-ensemble; do $X card --model Models/$m.xsnet > Models/$m.md; done
