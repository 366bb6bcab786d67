#!/usr/bin/env bash
# The shipped models A and B (issue 5): trained with a validation part of two kinds, random points
# (5% of all points) and whole interior spectra (10% of the training spectra), so that their spread
# is calibrated both at measured (E, θ) settings and away from them. Run from the repository root
# after `make build`. About 25 min on 2 cores.
set -ex
X=.build/release/xsnet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-ensemble-shipped.xsnet --replica-folder runs/C12-shipped-replicas \
    -- --validation-fraction 0.05 --validation-spectra-fraction 0.1
$X train --nucleus C12 --dropout 0.01 --normalization fixed --validation-fraction 0.05 --validation-spectra-fraction 0.1 \
    --out runs/C12-mcdropout-shipped.xsnet --quiet
cp runs/C12-ensemble-shipped.xsnet Models/C12-ensemble.xsnet
cp runs/C12-mcdropout-shipped.xsnet Models/C12-mcdropout.xsnet; cp runs/C12-mcdropout-shipped.xsnet.log.csv Models/C12-mcdropout.xsnet.log.csv
for m in C12-mcdropout C12-ensemble; do $X card --model Models/$m.xsnet > Models/$m.md; done
