#!/usr/bin/env bash
# `xsnet update` on each of carbon's ten experiments in turn (docs/update.md, "Every experiment"):
# a response-head network trained without the experiment is updated with it and compared with
# the same recipe trained with it from the start (one model for all ten). Run from the repository
# root after `make build` (X overrides the binary; J parallel experiments, default 2):
# `bash scripts/update-all.sh`. Writes the networks to runs/update-all/<set>/, the updates to
# runs/update-all/default/<set>/ and the table to docs/update/all.md.
# By default the updates use the command's default anchor. `ANCHOR=none` updates the same networks
# without an anchor (`--no-anchor`): runs/update-all/no-anchor/<set>/ and docs/update/all-no-anchor.md;
# `ANCHOR=τ RELEASE=ℓ` with `--anchor-error τ --anchor-release ℓ` (ℓ = 0 holds everywhere):
# runs/update-all/anchor-τ-release-ℓ/<set>/ and docs/update/all-anchor-τ-release-ℓ.md.
set -euo pipefail
X=${X:-.build/release/xsnet}
J=${J:-2}
ANCHOR=${ANCHOR:-}
RELEASE=${RELEASE:-}
NETS=runs/update-all
case "$ANCHOR" in
  "") [ -z "$RELEASE" ] || { echo "RELEASE=ℓ shapes the anchor of ANCHOR=τ: give both" >&2; exit 2; }
      NAME=default; TABLE=docs/update/all.md; FLAGS="" ;;
  none) [ -z "$RELEASE" ] || { echo "ANCHOR=none has no release" >&2; exit 2; }
      NAME=no-anchor; TABLE=docs/update/all-no-anchor.md; FLAGS="--no-anchor" ;;
  *) [ -n "$RELEASE" ] || { echo "ANCHOR=τ needs RELEASE=ℓ (0 holds everywhere)" >&2; exit 2; }
      NAME=anchor-$ANCHOR-release-$RELEASE; TABLE=docs/update/all-$NAME.md; FLAGS="--anchor-error $ANCHOR --anchor-release $RELEASE" ;;
esac
OUT=$NETS/$NAME
mkdir -p "$OUT"
ALL="Arrington:1995hs Arrington:1998ps Bagdasaryan:1988hp Baran:1988tw Barreau:1983ht Day:1993md Fomin:2010ei O'Connell:1987ag Sealock:1989nx Whitney:1974hr"
ALLCOMMA=$(echo $ALL | tr ' ' ',')
[ -f "$NETS/from-start.xsnet" ] || $X train --nucleus C12 --preset responses --datasets "$ALLCOMMA" --threads 1 --quiet --out "$NETS/from-start.xsnet"
[ -f "$NETS/from-start.json" ] || { $X evaluate --model "$NETS/from-start.xsnet" --split all --format json > "$NETS/from-start.json.tmp" && mv "$NETS/from-start.json.tmp" "$NETS/from-start.json"; }
one() {
  SET=$1
  D="$OUT/${SET/:/-}"
  N="$NETS/${SET/:/-}"
  mkdir -p "$D" "$N"
  [ -f "$D/report.json" ] && return 0
  WITHOUT=$(for d in $ALL; do [ "$d" != "$SET" ] && printf '%s,' "$d"; done | sed 's/,$//')
  [ -f "$N/without.xsnet" ] || $X train --nucleus C12 --preset responses --datasets "$WITHOUT" --threads 1 --quiet --out "$N/without.xsnet"
  $X data show --nucleus C12 --dataset "$SET" --out "$D/new.csv"
  head -1 Data/datasets.csv > "$D/new-datasets.csv"
  grep "^$SET,C12," Data/datasets.csv >> "$D/new-datasets.csv"
  $X update --model "$N/without.xsnet" --data "$D/new.csv" --datasets-file "$D/new-datasets.csv" \
    $FLAGS --out "$D/updated.xsnet" --format json > "$D/report.json.tmp"
  mv "$D/report.json.tmp" "$D/report.json"
}
export -f one
export X OUT NETS ALL FLAGS
# The same recipe on the same data with two other seeds: how far trainings differ by chance.
for SEED in 2 3; do
  [ -f "$NETS/from-start-seed$SEED.json" ] && continue
  ( $X train --nucleus C12 --preset responses --datasets "$ALLCOMMA" --seed $SEED --threads 1 --quiet --out "$NETS/from-start-seed$SEED.xsnet" &&
    $X evaluate --model "$NETS/from-start-seed$SEED.xsnet" --split all --format json > "$NETS/from-start-seed$SEED.json.tmp" &&
    mv "$NETS/from-start-seed$SEED.json.tmp" "$NETS/from-start-seed$SEED.json" ) &
done
wait
printf '%s\0' $ALL | xargs -0 -P "$J" -I{} bash -c 'one "$1"' _ {}
python3 - "$OUT" "$NETS" > "$TABLE.tmp" <<'PY'
import json, sys
out, nets = sys.argv[1], sys.argv[2]
rows_start = json.load(open(f"{nets}/from-start.json"))["datasets"]
start = {r["dataset"]: 100 * r["metrics"]["median_abs_rel_dev"] for r in rows_start}
start_fitted = {r["dataset"]: 100 * r["metrics"]["median_abs_rel_dev_fitted_lambda"] for r in rows_start}
print("| experiment (points) | before | after | from the start | after, data ÷ λ_k | from the start, data ÷ λ_k | others: largest \\|after − before\\| | others moved ≥ 0.5 | others: largest \\|before − from the start\\| | time (% of a training) |")
print("|---|---|---|---|---|---|---|---|---|---|")
moved, close, close_fitted, count = 0, 0, 0, 0
for name in sorted(start):
    r = json.load(open(f"{out}/{name.replace(':', '-')}/report.json"))
    rows = {d["dataset"]: d for d in r["datasets"]}
    n = rows[name]
    others = [d for k, d in rows.items() if k != name]
    moves = [abs(100 * (d["median_abs_rel_dev_after"] - d["median_abs_rel_dev_before"])) for d in others]
    moved += sum(m >= 0.5 for m in moves)
    count += len(moves)
    close += 100 * n["median_abs_rel_dev_after"] - start[name] < 0.5
    fitted = 100 * n["median_abs_rel_dev_fitted_lambda_after"]
    close_fitted += fitted - start_fitted[name] < 0.5
    gaps = [abs(100 * d["median_abs_rel_dev_before"] - start[d["dataset"]]) for d in others]
    print(f"| {name} ({n['points']}) | {100 * n['median_abs_rel_dev_before']:.2f}% | {100 * n['median_abs_rel_dev_after']:.2f}% | "
          f"{start[name]:.2f}% | {fitted:.2f}% (λ {n['lambda_after']:.3f}) | {start_fitted[name]:.2f}% | {max(moves):.2f} | {sum(m >= 0.5 for m in moves)} of {len(moves)} | {max(gaps):.2f} | "
          f"{100 * r['seconds_per_member'] / r['original_seconds_per_member']:.0f}% |")
print(f"\nIn all: the new experiment within 0.5 point of the model trained with it from the start (or below) in {close} of {len(start)} "
      f"({close_fitted} of {len(start)} against the data divided by each model's λ_k); {moved} of {count} other data sets moved by ≥ 0.5 point.")
def medians(path):
    return {r["dataset"]: 100 * r["metrics"]["median_abs_rel_dev"] for r in json.load(open(path))["datasets"]}
seeds = [medians(f"{nets}/from-start-seed{s}.json") for s in (2, 3)]
for s, m in zip((2, 3), seeds):
    d = {k: abs(m[k] - start[k]) for k in start}
    worst = max(d, key=d.get)
    print(f"\nSeed {s} against seed 1 (the default), same data: largest per-set difference {d[worst]:.2f} points ({worst}), "
          f"{sum(v >= 0.5 for v in d.values())} of {len(d)} sets differ by ≥ 0.5.", end="")
print()
PY
mv "$TABLE.tmp" "$TABLE"
cat "$TABLE"
