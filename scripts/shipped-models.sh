#!/usr/bin/env bash
# The shipped carbon models and their model cards (Models/). Run from the repository root after `make build`.
set -ex
X=.build/release/xsnet
# The response head (--preset responses), the recipe the generalization study picks (docs/generalization.md).
$X train --nucleus C12 --preset responses --out Models/C12.xsnet --quiet
# Models A and B (calibrated, two kinds of validation point) and their cards: scripts/shipped-uncertainty.sh.
# The fine-tuned nuclei (scripts/transfer.sh) were made from the earlier, uncalibrated
# Models/C12-ensemble.xsnet of commit 57070c8 (the same recipe without a validation part).
bash scripts/shipped-uncertainty.sh
# The same three on held-out spectra (not shipped; their figures are in the README).
$X train --nucleus C12 --split spectra --out runs/C12-spectra.xsnet --quiet
$X train --nucleus C12 --split spectra --dropout 0.01 --normalization fixed --out runs/C12-spectra-mcdropout.xsnet --quiet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-spectra-ensemble.xsnet --replica-folder runs/C12-spectra-replicas -- --split spectra
$X card --model Models/C12.xsnet > Models/C12.md
