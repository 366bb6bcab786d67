#!/usr/bin/env bash
# The calibration study of scripts/calibration.sh repeated with split seed 1 (other test and
# validation parts): how much the coverage figures move from one split to another.
set -ex
X=.build/release/xsnet
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-ensemble-cal-s1.xsnet --replica-folder runs/C12-cal-s1-replicas -- --validation-fraction 0.1 --split-seed 1
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-interior-ensemble-cal-s1.xsnet --replica-folder runs/C12-interior-cal-s1-replicas -- --split interior-spectra --validation-fraction 0.1 --split-seed 1
$X train --nucleus C12 --dropout 0.01 --normalization fixed --validation-fraction 0.1 --split-seed 1 --out runs/C12-mcdropout-cal-s1.xsnet --quiet &
$X train --nucleus C12 --split interior-spectra --dropout 0.01 --normalization fixed --validation-fraction 0.1 --split-seed 1 --out runs/C12-interior-mcdropout-cal-s1.xsnet --quiet &
wait
