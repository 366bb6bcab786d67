#!/usr/bin/env bash
# The `xsnet update` demonstration of docs/update.md (issue 15, item 7). Run from the repository root
# after `make build` (X overrides the binary). A carbon response-head network trained without Sealock
# 1989 is updated with it; beside it the same recipe trained with Sealock from the start.
set -ex
X=${X:-.build/release/xsnet}
OUT=${OUT:-runs/update}
mkdir -p "$OUT" docs/update
WITHOUT=Arrington:1995hs,Arrington:1998ps,Bagdasaryan:1988hp,Baran:1988tw,Barreau:1983ht,Day:1993md,Fomin:2010ei,O\'Connell:1987ag,Whitney:1974hr
$X train --nucleus C12 --preset responses --datasets "$WITHOUT" --threads 1 --quiet --out "$OUT/without-sealock.xsnet"
$X train --nucleus C12 --preset responses --datasets "$WITHOUT,Sealock:1989nx" --threads 1 --quiet --out "$OUT/with-sealock.xsnet"
$X data show --nucleus C12 --dataset Sealock:1989nx --out "$OUT/sealock.csv"
# Sealock's Δλ = 2.5%, as in the archive's table.
head -1 Data/datasets.csv > "$OUT/sealock-datasets.csv"
grep '^Sealock:1989nx,C12,' Data/datasets.csv >> "$OUT/sealock-datasets.csv"
$X update --model "$OUT/without-sealock.xsnet" --data "$OUT/sealock.csv" --datasets-file "$OUT/sealock-datasets.csv" \
  --out "$OUT/updated.xsnet" --figure docs/update/sealock.svg --format json > docs/update/report.json
$X update --model "$OUT/without-sealock.xsnet" --data "$OUT/sealock.csv" --datasets-file "$OUT/sealock-datasets.csv" \
  --out "$OUT/updated.xsnet" > docs/update/report.md
# The model trained with Sealock from the start, on the same points (its whole data, λ = 1 medians).
$X evaluate --model "$OUT/with-sealock.xsnet" --split all --format json > docs/update/with-sealock-from-start.json
$X evaluate --model "$OUT/updated.xsnet" --split all --format json > docs/update/updated.json
