#!/usr/bin/env bash
# The `xsnet update` demonstrations of docs/update.md (issue 15, item 7). Run from the repository
# root after `make build` (X overrides the binary): `bash scripts/update-demo.sh Sealock:1989nx` and
# `bash scripts/update-demo.sh Day:1993md`. A carbon response-head network trained without the
# experiment is updated with it; beside it the same recipe trained with it from the start.
set -ex
X=${X:-.build/release/xsnet}
SET=${1:-Sealock:1989nx}
NAME=${SET%%:*}
OUT=runs/update/$NAME
DOCS=docs/update/$NAME
mkdir -p "$OUT" "$DOCS"
ALL="Arrington:1995hs Arrington:1998ps Bagdasaryan:1988hp Baran:1988tw Barreau:1983ht Day:1993md Fomin:2010ei O'Connell:1987ag Sealock:1989nx Whitney:1974hr"
WITHOUT=$(for d in $ALL; do [ "$d" != "$SET" ] && printf '%s,' "$d"; done | sed 's/,$//')
$X train --nucleus C12 --preset responses --datasets "$WITHOUT" --threads 1 --quiet --out "$OUT/without.xsnet"
$X train --nucleus C12 --preset responses --datasets "$WITHOUT,$SET" --threads 1 --quiet --out "$OUT/from-start.xsnet"
$X data show --nucleus C12 --dataset "$SET" --out "$OUT/new.csv"
# The experiment's Δλ, as in the project's data-set table.
head -1 Data/datasets.csv > "$OUT/new-datasets.csv"
grep "^$SET,C12," Data/datasets.csv >> "$OUT/new-datasets.csv"
$X update --model "$OUT/without.xsnet" --data "$OUT/new.csv" --datasets-file "$OUT/new-datasets.csv" \
  --out "$OUT/updated.xsnet" --figure "$DOCS/update.svg" > "$DOCS/report.md"
$X update --model "$OUT/without.xsnet" --data "$OUT/new.csv" --datasets-file "$OUT/new-datasets.csv" \
  --out "$OUT/updated.xsnet" --format json > "$DOCS/report.json"
# The model trained with the experiment from the start, and the updated one, on all of their points.
$X evaluate --model "$OUT/from-start.xsnet" --split all --format json > "$DOCS/from-start.json"
$X evaluate --model "$OUT/updated.xsnet" --split all --format json > "$DOCS/updated.json"
# Per data set: before, after the update, and trained with the experiment from the start (median |σ_pred/σ − 1|, λ = 1).
python3 - "$DOCS" "$SET" > "$DOCS/compare.md" <<'PY'
import json, sys
d, new = sys.argv[1], sys.argv[2]
report = {r["dataset"]: r for r in json.load(open(f"{d}/report.json"))["datasets"]}
start = {r["dataset"]: r["metrics"]["median_abs_rel_dev"] for r in json.load(open(f"{d}/from-start.json"))["datasets"]}
print("| data set | before | after update | from the start | after − from the start (points) | after − before (points) |")
print("|---|---|---|---|---|---|")
for k, r in report.items():
    b, a, s = 100 * r["median_abs_rel_dev_before"], 100 * r["median_abs_rel_dev_after"], 100 * start[k]
    print(f"| {k}{' (new)' if k == new else ''} | {b:.2f}% | {a:.2f}% | {s:.2f}% | {a - s:+.2f} | {a - b:+.2f} |")
PY
