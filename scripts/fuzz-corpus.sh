#!/usr/bin/env bash
# Writes the seed corpus of the fuzz targets (Tests/Fuzz/Corpus/<target>/) with the xsnet command
# line: tiny models of each kind, a checkpoint of a run stopped by SIGTERM, ONNX exports, CSV
# heads of the curated data. Small files, so that fuzzing is fast; rerun after a format change.
#   scripts/fuzz-corpus.sh [path/to/xsnet]
set -euo pipefail
cd "$(dirname "$0")/.."
X=${1:-.build/release/xsnet}
C=Tests/Fuzz/Corpus
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
rm -rf "$C" && mkdir -p "$C/model-file" "$C/checkpoint" "$C/csv" "$C/onnx"
tiny=(train --nucleus C12 --datasets Whitney:1974hr,O\'Connell:1987ag --depth 1 --width 4 --epochs 20 --evaluate-every 10 --threads 1 --quiet)
"$X" "${tiny[@]}" --out "$W/log.xsnet" >/dev/null
"$X" "${tiny[@]}" --preset paper --depth 2 --width 3 --out "$W/sigmoid-batchnorm.xsnet" >/dev/null
"$X" "${tiny[@]}" --dropout 0.1 --validation-fraction 0.3 --out "$W/mc-dropout.xsnet" >/dev/null
for i in 0 1; do "$X" "${tiny[@]}" --replica $i --of 2 --out "$W/r$i.xsnet" >/dev/null; done
"$X" ensemble build --out "$W/ensemble.xsnet" "$W/r0.xsnet" "$W/r1.xsnet" >/dev/null
cp "$W/log.xsnet" "$W/sigmoid-batchnorm.xsnet" "$W/mc-dropout.xsnet" "$W/ensemble.xsnet" "$C/model-file/"
# A checkpoint: a run stopped by SIGTERM keeps it.
"$X" train --nucleus C12 --datasets Whitney:1974hr,O\'Connell:1987ag --depth 1 --width 4 --epochs 10000000 --evaluate-every 2000 \
  --checkpoint-every 100000000 --threads 1 --out "$W/stopped.xsnet" 2>/dev/null &
pid=$!
sleep 2
kill -TERM $pid
wait $pid || true
cp "$W/stopped.xsnet.checkpoint" "$C/checkpoint/stopped.checkpoint"
"$X" "${tiny[@]}" --preset paper --depth 1 --width 3 --dropout 0.2 --out "$W/p.xsnet" --epochs 10000000 --evaluate-every 2000 --checkpoint-every 100000000 2>/dev/null &
pid=$!
sleep 2
kill -TERM $pid
wait $pid || true
cp "$W/p.xsnet.checkpoint" "$C/checkpoint/paper-dropout.checkpoint"
# ONNX: NuWro's layout and the plain one, of the sigmoid model and of the log-output ensemble.
"$X" export onnx --model "$W/sigmoid-batchnorm.xsnet" --out "$W/onnx-nuwro" --layout nuwro >/dev/null
"$X" export onnx --model "$W/ensemble.xsnet" --out "$W/onnx-plain" --layout plain >/dev/null
cp "$(find "$W/onnx-nuwro" -name '*.onnx' | head -1)" "$C/onnx/nuwro-sigmoid.onnx"
cp "$(find "$W/onnx-plain" -name '*.onnx' | head -1)" "$C/onnx/plain-log.onnx"
# CSV: the heads of the curated files (the project's own output).
head -30 Data/points.csv >"$C/csv/points.csv"
head -6 Data/datasets.csv >"$C/csv/datasets.csv"
ls -l "$C"/*
