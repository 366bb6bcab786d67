#!/usr/bin/env bash
# Whether the shipped ensemble should withhold whole spectra for validation (docs/uncertainty.md,
# "Validation spectra"): the recipe of scripts/shipped-uncertainty.sh with and without
# --validation-spectra-fraction 0.1, for the replicas' base seeds 1 and 2 (the shipped ensemble is
# the first with seed 1), each calibrated across experiments and given the committee with the fit as
# shipped, then scored on the random test points. Measured: 16m53s–17m22s per ensemble on the 2 cores.
set -ex
X=${X:-.build/release/xsnet}
SOURCE="τ = 0.0596 chosen on carbon's ten left-out experiments with 3-replica ensembles (python3 scripts/reference-blend.py runs/gen-s18), × c₄(20)/c₄(3) for 20 members"
mkdir -p runs/s26
for seed in 1 2; do
  for kind in every spectra; do
    [ $seed = 1 ] && [ $kind = spectra ] && continue   # the shipped Models/C12-ensemble.xsnet
    extra=(); [ $kind = spectra ] && extra=(--validation-spectra-fraction 0.1)
    $X ensemble train --nucleus C12 --replicas 20 --jobs 2 --out runs/s26/seed$seed-$kind.xsnet --replica-folder runs/s26/seed$seed-$kind \
      -- --preset responses-pseudodata --validation-fraction 0.05 "${extra[@]}" --seed $seed
    $X calibrate --model runs/s26/seed$seed-$kind.xsnet --across-experiments Models/generalization --rule closest
    $X committee --model runs/s26/seed$seed-$kind.xsnet --relative-error 0.0664 --source "$SOURCE"
  done
done
for m in Models/C12-ensemble.xsnet runs/s26/seed2-spectra.xsnet runs/s26/seed1-every.xsnet runs/s26/seed2-every.xsnet; do
  $X evaluate --model $m --format json > runs/s26/$(basename ${m%.xsnet})-test.json
done
python3 scripts/withheld-spectra.py Models/C12-ensemble.xsnet runs/s26/seed2-spectra.xsnet runs/s26/seed1-every.xsnet runs/s26/seed2-every.xsnet Models/C12.xsnet --xsnet $X
