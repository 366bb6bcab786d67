#!/usr/bin/env bash
# The neutrino comparison of docs/neutrino.md (issue 16). Run from the repository root after `make build`.
set -ex
X=.build/release/xsnet
# The curated MiniBooNE tables (Data/miniboone-*), from the release's files in ../shared.
$X neutrino import ../shared/data/neutrino/miniboone_ccqe_2010 --out Data
# The comparison with the shipped response-head ensemble, its figures, three timings.
for i in 1 2 3; do /usr/bin/time -f "%e s" $X neutrino compare miniboone-ccqe --figures docs/figures/neutrino --format json; done
# The Bosted–Mamyan fit's responses through the same route (the table's fit column).
$X neutrino compare miniboone-ccqe --model bosted-mamyan --format json
# The reduced functions at the quasielastic peak (the table under "Why the low Q²_QE overshoots").
for qw in 0.3,0.075 0.4,0.1 0.5,0.15 0.6,0.2 0.8,0.315 1.0,0.45; do
    $X neutrino scaling --q ${qw%,*} --omega ${qw#*,}; $X neutrino scaling --model bosted-mamyan --q ${qw%,*} --omega ${qw#*,}
done
# The quasielastic window (docs/neutrino.md, "The quasielastic window"): the compare above reports
# ψ′ ≤ 1.5 and 2.5 beside the default 2; the narrower windows, and where f_T and f_L end at |q| = 0.3–0.5 GeV.
for w in 1 1.25; do $X neutrino compare miniboone-ccqe --quasielastic-window $w; done
for q in 0.3 0.4 0.5; do $X neutrino scaling --q $q --omega 0.02:0.4:0.02 --quasielastic-window 3; done
# How much of the fit's meson-exchange part of f_T the axial channels keep (docs/neutrino.md, "The
# axial channels' meson exchange"): the fraction from 0 to 1, each with the window variants.
for k in 0 0.25 0.5 0.75 1; do $X neutrino compare miniboone-ccqe --axial-meson-exchange $k --format json; done
for k in 0.5 0.75 1; do $X neutrino compare miniboone-ccqe --axial-meson-exchange $k --quasielastic-window 1 --format json; done
