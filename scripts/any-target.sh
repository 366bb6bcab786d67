#!/usr/bin/env bash
# The any-target model and the leave-one-nucleus-out study of docs/any-target.md (issue 15). Run from
# the repository root after `make build` (X overrides the binary).
set -ex
X=${X:-.build/release/xsnet}
# The study (about 45 min on 2 cores): for each nucleus with ≥ 100 points, 2 replicas trained on every other nucleus (resumable).
$X nucleus-study --out Models/nucleus-study --recipes any-target-kinematic-prior --members 2 --jobs 2
# The shipped model: an ensemble of 6 replicas on every nucleus (random 9:1 split per nucleus), its
# spread calibrated on a validation part (5% random points, 10% of the training spectra) as carbon's.
$X ensemble train --nucleus any --replicas 6 --jobs 2 --out runs/any-target.xsnet --replica-folder runs/any-target-replicas \
    -- --preset any-target-kinematic-prior --validation-fraction 0.05 --validation-spectra-fraction 0.1
cp runs/any-target.xsnet Models/any-target.xsnet
$X card --model Models/any-target.xsnet > Models/any-target.md
$X evaluate --model Models/any-target.xsnet --format json > Models/any-target-test.json
# Argon at the JLab E12-14-012 setting, against the Bosted–Mamyan fit (no argon data were used or checked).
$X predict --model Models/any-target.xsnet --nucleus Ar40 --energy 2.222 --angle 15.54 --omega 0.05:1.5:0.05 --format json > docs/any-target/ar40-2.222-15.54.json
$X plot spectrum --model Models/any-target.xsnet --nucleus Ar40 --energy 2.222 --angle 15.54 --compare bosted-mamyan --out docs/figures/any-target/Ar40.svg
$X plot spectrum --model Models/any-target.xsnet --nucleus Ti48 --energy 2.222 --angle 15.54 --compare bosted-mamyan --out docs/figures/any-target/Ti48.svg
# Neutrinos on argon through the same model.
$X neutrino predict --model Models/any-target.xsnet --nucleus Ar40 --energy 1 --muon-energy 0.2:0.8:0.1 --muon-angle 30 --format json > docs/any-target/ar40-numu-1GeV-30deg.json
# The recipe with the nucleus's descriptors as inputs (better on the measured nuclei, worse on unseen ones).
$X train --nucleus any --preset any-target-prior --threads 1 --out runs/any/pilot-prior.xsnet
cp runs/any/pilot-prior.xsnet Models/any-target-descriptors.xsnet
$X card --model Models/any-target-descriptors.xsnet > Models/any-target-descriptors.md
# Coulomb distortion in training (docs/any-target.md, "Coulomb distortion"): the study and the ensemble
# again with the networks learning the Born cross section, σ = (E_eff/E)² σ_Born(E + V_eff, θ, ω).
$X nucleus-study --out runs/nucleus-study-coulomb --recipes any-target-kinematic-prior --members 2 --jobs 2 -- --coulomb-distortion true
$X ensemble train --nucleus any --replicas 6 --jobs 2 --out runs/any-target-coulomb.xsnet --replica-folder runs/any-target-coulomb-replicas \
    -- --preset any-target-kinematic-prior --validation-fraction 0.05 --validation-spectra-fraction 0.1 --coulomb-distortion true
for N in Ca40 Fe56 Au197 Pb208; do
    $X evaluate --model runs/any-target-coulomb.xsnet --nucleus $N --format json > runs/any-target-coulomb-$N.json
    $X evaluate --model Models/any-target.xsnet --nucleus $N --format json > runs/any-target-$N.json
done
