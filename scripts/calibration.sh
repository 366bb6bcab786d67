#!/usr/bin/env bash
# Issue 5: models A (bootstrap ensemble) and B (MC dropout) with a validation part (10% of the
# points, chosen like the test part) on which their spread is calibrated; on the random split and
# on held-out interior spectra. Run from the repository root after `make build`. About 40 min on 2 cores.
set -ex
X=.build/release/xsnet
mkdir -p runs
# Model A: 20 replicas each; `ensemble train` calibrates on the validation part when it builds.
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-ensemble-cal.xsnet --replica-folder runs/C12-cal-replicas -- --validation-fraction 0.1
$X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/C12-interior-ensemble-cal.xsnet --replica-folder runs/C12-interior-cal-replicas -- --split interior-spectra --validation-fraction 0.1
# Model B: one network with dropout p = 0.01 (λ_k = 1, as the shipped model B); calibrated when training ends.
$X train --nucleus C12 --dropout 0.01 --normalization fixed --validation-fraction 0.1 --out runs/C12-mcdropout-cal.xsnet --quiet &
$X train --nucleus C12 --split interior-spectra --dropout 0.01 --normalization fixed --validation-fraction 0.1 --out runs/C12-interior-mcdropout-cal.xsnet --quiet &
wait
# The single network on the same interior-spectra split (accuracy of one network away from measured spectra).
$X train --nucleus C12 --split interior-spectra --out runs/C12-interior.xsnet --quiet
