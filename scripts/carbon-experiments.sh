#!/usr/bin/env bash
# Carbon recipe choices quoted in docs/carbon-model.md ("Choosing the recipe"). Outputs in runs/ (not committed).
# Each run prints its test-split figures; `xsnet evaluate --model FILE` shows them per data set.
set -x
X=.build/release/xsnet
mkdir -p runs
# When to release the λ_k (fraction of the epochs), two seeds each, and λ_k fixed at 1.
for r in 0.3 0.7 0.9; do
  for s in 1 2; do $X train --nucleus C12 --release-fraction $r --seed $s --threads 1 --quiet --out runs/release-$r-seed$s.xsnet & done; wait
done
for s in 1 2; do $X train --nucleus C12 --normalization fixed --seed $s --threads 1 --quiet --out runs/fixed-seed$s.xsnet & done; wait
# Zeller:1973ge included (the paper leaves it out).
$X train --nucleus C12 --datasets "Arrington:1995hs,Arrington:1998ps,Bagdasaryan:1988hp,Baran:1988tw,Barreau:1983ht,Day:1993md,Fomin:2010ei,O'Connell:1987ag,Sealock:1989nx,Whitney:1974hr,Zeller:1973ge" --quiet --out runs/C12-zeller.xsnet
# The reference network and loss of Kowal et al. (2024), 600 epochs (1.5 minutes).
$X train --nucleus C12 --preset paper --epochs 600 --quiet --out runs/C12-paper.xsnet
