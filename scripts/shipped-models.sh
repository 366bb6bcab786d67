#!/usr/bin/env bash
# The shipped carbon models and their model cards (Models/). Run from the repository root after `make build`.
set -ex
X=.build/release/xsnet
# The response head with the Bosted–Mamyan fit as pseudo-data (--preset responses-pseudodata), the
# recipe the generalization study picks (docs/generalization.md).
$X train --nucleus C12 --preset responses-pseudodata --threads 1 --out Models/C12.xsnet --quiet
# Models A and B (calibrated, two kinds of validation point) and their cards: scripts/shipped-uncertainty.sh.
# The shipped fine-tuned nuclei (scripts/transfer.sh) were made from the response-head ensemble
# without pseudo-data (`git show 538da8f:Models/C12-ensemble.xsnet`), not from the one made here.
bash scripts/shipped-uncertainty.sh
# The same three on held-out spectra (not shipped; their figures are in the README).
$X train --nucleus C12 --split spectra --out runs/C12-spectra.xsnet --quiet
$X train --nucleus C12 --split spectra --dropout 0.01 --normalization fixed --out runs/C12-spectra-mcdropout.xsnet --quiet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-spectra-ensemble.xsnet --replica-folder runs/C12-spectra-replicas -- --split spectra
$X card --model Models/C12.xsnet > Models/C12.md
