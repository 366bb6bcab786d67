#!/bin/sh
# The generalization study of docs/generalization.md and the README (Models/generalization/).
# Two processes were run side by side on the 2-core machine (the second with one job), then the
# final call with all three recipes found every replica done and only scored them.
set -e
xsnet generalization-study --out Models/generalization --members 3 --jobs 2                      # fast, responses
xsnet generalization-study --out Models/generalization --recipes prior --members 3 --jobs 1      # the reference prior
xsnet generalization-study --out Models/generalization --recipes fast,responses,prior --members 3 # scores all (nothing left to train)

# The recipe measurements quoted in docs/generalization.md (random split, seeds 1 and 2):
for s in 1 2; do
  xsnet train --nucleus C12 --preset responses --seed $s --threads 1 --release-fraction 0.7 --out runs/responses-release07-$s.xsnet
  xsnet train --nucleus C12 --preset responses --seed $s --threads 1 --out runs/responses-$s.xsnet
  xsnet train --nucleus C12 --preset responses --seed $s --threads 1 --normalization fixed --out runs/responses-fixed-$s.xsnet
done
xsnet train --nucleus C12 --preset responses --split angle-above:55 --epochs 1500 --threads 1 --release-fraction 0.7 --out runs/responses-a55.xsnet
xsnet train --nucleus C12 --split angle-above:55 --epochs 1500 --threads 1 --out runs/fast-a55.xsnet
xsnet evaluate --model bosted-mamyan --all-data-sets
