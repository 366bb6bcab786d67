#!/usr/bin/env bash
# The README's figures (docs/figures/). Run from the repository root after the shipped models exist.
set -ex
X=${X:-.build/release/xsnet}
$X plot spectrum --model Models/C12-ensemble.xsnet --energy 0.56 --angle 36 --out docs/figures/C12-0.56GeV-36deg.svg
$X plot spectrum --model Models/C12-ensemble.xsnet --energy 1.299 --angle 37.5 --divide-by-lambda --out docs/figures/C12-1.299GeV-37.5deg.svg
$X plot dataset --model Models/C12-ensemble.xsnet --dataset Sealock:1989nx --out docs/figures
$X plot training --log Models/C12.xsnet.log.csv --out docs/figures/C12-training.svg
$X plot spectrum --model Models/Fe56.xsnet --nucleus Fe56 --energy 1.299 --angle 37.5 --compare Models/C12-ensemble.xsnet --scale-compare-by-mass --out docs/figures/Fe56-1.299GeV-37.5deg.svg
# The Bosted–Mamyan fit with and without Coulomb distortion (docs/generalization.md, README).
mkdir -p docs/figures/coulomb
for spec in "Ca40 0.28 140" "Fe56 0.36 140" "Au197 2.02 20.016" "Pb208 0.262 143"; do
  set -- $spec
  $X plot spectrum --model bosted-mamyan --compare bosted-mamyan+coulomb --nucleus $1 --energy $2 --angle $3 --out docs/figures/coulomb/$1.svg
done
