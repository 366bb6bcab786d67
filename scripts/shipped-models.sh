#!/usr/bin/env bash
# The shipped carbon models and their model cards (Models/). Run from the repository root after `make build`.
set -ex
X=.build/release/xsnet
$X train --nucleus C12 --out Models/C12.xsnet --quiet
# Models A and B with a validation part on which their spread is calibrated: made by
# scripts/calibration.sh in runs/ and copied (model B keeps λ_k = 1: with dropout the fitted λ_k drift).
# The fine-tuned nuclei (scripts/transfer.sh) were made from the earlier, uncalibrated
# Models/C12-ensemble.xsnet of commit 57070c8 (same recipe without a validation part).
cp runs/C12-ensemble-cal.xsnet Models/C12-ensemble.xsnet
cp runs/C12-mcdropout-cal.xsnet Models/C12-mcdropout.xsnet; cp runs/C12-mcdropout-cal.xsnet.log.csv Models/C12-mcdropout.xsnet.log.csv
# The same three on held-out spectra (not shipped; their figures are in the README).
$X train --nucleus C12 --split spectra --out runs/C12-spectra.xsnet --quiet
$X train --nucleus C12 --split spectra --dropout 0.01 --normalization fixed --out runs/C12-spectra-mcdropout.xsnet --quiet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-spectra-ensemble.xsnet --replica-folder runs/C12-spectra-replicas -- --split spectra
for m in C12 C12-mcdropout C12-ensemble; do $X card --model Models/$m.xsnet > Models/$m.md; done
