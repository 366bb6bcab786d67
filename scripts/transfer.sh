#!/usr/bin/env bash
# Transfer learning (issue 6): the study table and the shipped fine-tuned models.
# Run from the repository root after `make build` and scripts/shipped-models.sh.
set -ex
X=.build/release/xsnet
$X transfer-study --from Models/C12.xsnet --nuclei Li6,O16,Al27,Ca40,Fe56 --train-fractions 0.1,0.7 --seeds 3 --out Models/transfer-study
# The shipped fine-tuned nuclei start from a carbon ensemble (they were made from the response-head
# ensemble without pseudo-data, `git show 538da8f:Models/C12-ensemble.xsnet`, before the shipped one
# was retrained); each member is fine-tuned on its own bootstrap clone of the 10% (Transfer.fineTune).
# The transfer study was made from the fast-recipe Models/C12.xsnet of commit 2e130b0.
for n in Li6 O16 Al27 Ca40 Fe56; do
  $X finetune --from Models/C12-ensemble.xsnet --nucleus $n --train-fraction 0.1 --scenario all --seed 0 --out Models/$n.xsnet
  $X card --model Models/$n.xsnet > Models/$n.md
done
