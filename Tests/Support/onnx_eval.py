#!/usr/bin/env python3
"""Test helper (never on the product path): evaluates ONNX files with onnxruntime.

usage: onnx_eval.py [--nuwro] INPUTS.csv MODEL.onnx [MODEL.onnx ...]
INPUTS.csv holds rows of the 5 network inputs. Prints, per model, one line
`SHAPE in_shape in_type out_shape out_type` and then one output value per input row
(each row run alone when the model's batch dimension is fixed at 1, as NuWro does).
With --nuwro, each row is run exactly as NuWro's loader runs a file (src/NeuralNetworks/NN.cc):
a [1, 5] float32 tensor fed as `input`, the output fetched by the name `Identity:0`.
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main():
    args = sys.argv[1:]
    nuwro = args[0] == "--nuwro"
    if nuwro:
        args = args[1:]
    inputs = np.loadtxt(args[0], delimiter=",", dtype=np.float64, ndmin=2).astype(np.float32)
    for path in args[1:]:
        onnx.checker.check_model(onnx.load(path))
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        i, o = session.get_inputs()[0], session.get_outputs()[0]
        print("SHAPE", i.shape, i.type, o.shape, o.type, sep="|")
        if nuwro:
            values = [session.run(["Identity:0"], {"input": row.reshape(1, 5)})[0].reshape(-1)[0] for row in inputs]
        elif i.shape[0] == 1:
            values = [session.run(None, {i.name: row[None, :]})[0].reshape(-1)[0] for row in inputs]
        else:
            values = session.run(None, {i.name: inputs})[0].reshape(-1)
        for v in values:
            print(repr(float(v)))


if __name__ == "__main__":
    main()
