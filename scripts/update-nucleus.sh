#!/usr/bin/env bash
# A nucleus delivered to an any-target model (docs/update.md, "A new nucleus"): the shipped recipe
# trained without one nucleus's data sets is updated with all of them, and compared with the same
# recipe trained with them from the start. Run from the repository root after `make build`
# (X overrides the binary): `bash scripts/update-nucleus.sh Ca40`. Writes runs/update-nucleus/<N>/
# and docs/update/nucleus-<N>/ (report*.json, from-start.json, updated.json, compare.md).
# `PRESET=any-target-coded bash scripts/update-nucleus.sh Ca40` does the same with that recipe
# (a network told the nucleus): runs/update-nucleus/<N>-<preset>/, docs/update/nucleus-<N>-<preset>/.
set -euo pipefail
X=${X:-.build/release/xsnet}
N=${1:-Ca40}
PRESET=${PRESET:-any-target-kinematic-prior}
SUFFIX=$([ "$PRESET" = any-target-kinematic-prior ] || echo "-$PRESET")
OUT=runs/update-nucleus/$N$SUFFIX
DOCS=docs/update/nucleus-$N$SUFFIX
mkdir -p "$OUT" "$DOCS"
RECIPE=(--nucleus any --preset "$PRESET" --coulomb-distortion true --threads 1 --quiet)
# docs/update.md measured the kinematic recipe and the descriptors one unbounded, before their
# default bounds of e³ and e¹⁰.
case "$PRESET" in any-target-kinematic-prior | any-target-prior) RECIPE+=(--reference-correction-bound none) ;; esac
# The data sets of the shipped any-target model (the default selection of `--nucleus any`: carbon's
# as in Kowal et al. 2024, no ²H or ³H), and those without the nucleus.
ALL=$($X card --model Models/any-target.xsnet | grep '^| data sets' | sed 's/| data sets | //; s/ |$//; s/, /,/g')
WITHOUT=$(echo "$ALL" | tr ',' '\n' | grep -v "^$N/" | paste -sd, -)
[ -f "$OUT/without.xsnet" ] || $X train "${RECIPE[@]}" --datasets "$WITHOUT" --out "$OUT/without.xsnet" &
[ -f "$OUT/from-start.xsnet" ] || $X train "${RECIPE[@]}" --datasets "$ALL" --out "$OUT/from-start.xsnet" &
wait
$X data show --nucleus "$N" --out "$OUT/new.csv"
head -1 Data/datasets.csv > "$OUT/new-datasets.csv"
grep ",$N," Data/datasets.csv >> "$OUT/new-datasets.csv"
# The update with the default anchor, and without it.
if [ ! -f "$DOCS/report.json" ]; then
  $X update --model "$OUT/without.xsnet" --data "$OUT/new.csv" --datasets-file "$OUT/new-datasets.csv" --out "$OUT/updated.xsnet" --format json > "$DOCS/report.json.tmp"
  mv "$DOCS/report.json.tmp" "$DOCS/report.json"
fi
if [ ! -f "$DOCS/report-no-anchor.json" ]; then
  $X update --model "$OUT/without.xsnet" --data "$OUT/new.csv" --datasets-file "$OUT/new-datasets.csv" --no-anchor --out "$OUT/updated-no-anchor.xsnet" --format json > "$DOCS/report-no-anchor.json.tmp"
  mv "$DOCS/report-no-anchor.json.tmp" "$DOCS/report-no-anchor.json"
fi
for M in from-start updated; do
  $X evaluate --model "$OUT/$M.xsnet" --split all --format json > "$DOCS/$M.json.tmp"
  mv "$DOCS/$M.json.tmp" "$DOCS/$M.json"
done
python3 - "$DOCS" "$N" > "$DOCS/compare.md.tmp" <<'PY'
import json, sys
d, n = sys.argv[1], sys.argv[2]
report = json.load(open(f"{d}/report.json"))
free = json.load(open(f"{d}/report-no-anchor.json"))
rows = {r["dataset"]: r for r in report["datasets"]}
rows_free = {r["dataset"]: r for r in free["datasets"]}
start = {r["dataset"]: r["metrics"]["median_abs_rel_dev"] for r in json.load(open(f"{d}/from-start.json"))["datasets"]}
print("| data set | points | before | after update | from the start | after − from the start (points) | after − before (points) | after, no anchor | after − before, no anchor |")
print("|---|---|---|---|---|---|---|---|---|")
moved, moved_free = 0, 0
for k in sorted(rows):
    r = rows[k]
    b, a, s = 100 * r["median_abs_rel_dev_before"], 100 * r["median_abs_rel_dev_after"], 100 * start[k]
    f = 100 * rows_free[k]["median_abs_rel_dev_after"]
    moved += (not r["new"]) and abs(a - b) >= 0.5
    moved_free += (not r["new"]) and abs(f - b) >= 0.5
    print(f"| {k}{' (new)' if r['new'] else ''} | {r['points']} | {b:.2f}% | {a:.2f}% | {s:.2f}% | {a - s:+.2f} | {a - b:+.2f} | {f:.2f}% | {f - b:+.2f} |")
old = [r for r in rows.values() if not r["new"]]
for name, r in (("the default anchor", report), ("no anchor", free)):
    print(f"\nWith {name}: other data sets moved by ≥ 0.5 point: {moved if r is report else moved_free} of {len(old)}; the update took "
          f"{r['seconds']:.0f} s, {100 * r['seconds_per_member'] / r['original_seconds_per_member']:.0f}% of the training without {n}; "
          f"median shift of the predictions at the other points {100 * r['shift_median_elsewhere']:.2f}%.")
PY
mv "$DOCS/compare.md.tmp" "$DOCS/compare.md"
cat "$DOCS/compare.md"
