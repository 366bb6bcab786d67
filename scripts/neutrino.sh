#!/usr/bin/env bash
# The neutrino comparison of docs/neutrino.md (issue 16). Run from the repository root after `make build`.
set -ex
X=.build/release/xsnet
# The curated MiniBooNE tables (Data/miniboone-*), from the release's files in ../shared.
$X neutrino import ../shared/data/neutrino/miniboone_ccqe_2010 --out Data
# The comparison with the shipped response-head ensemble, its figures, three timings.
for i in 1 2 3; do /usr/bin/time -f "%e s" $X neutrino compare miniboone-ccqe --figures docs/figures/neutrino --format json; done
