#!/usr/bin/env python3
"""Test helper (never on the product path): evaluates ONNX files with onnxruntime.

usage: onnx_eval.py INPUTS.csv MODEL.onnx [MODEL.onnx ...]
INPUTS.csv holds rows of the 5 network inputs. Prints, per model, one line
`SHAPE in_shape in_type out_shape out_type` and then one output value per input row
(each row run alone when the model's batch dimension is fixed at 1, as NuWro does).
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main():
    inputs = np.loadtxt(sys.argv[1], delimiter=",", dtype=np.float64, ndmin=2).astype(np.float32)
    for path in sys.argv[2:]:
        onnx.checker.check_model(onnx.load(path))
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        i, o = session.get_inputs()[0], session.get_outputs()[0]
        print("SHAPE", i.shape, i.type, o.shape, o.type, sep="|")
        if i.shape[0] == 1:
            values = [session.run(None, {i.name: row[None, :]})[0].reshape(-1)[0] for row in inputs]
        else:
            values = session.run(None, {i.name: inputs})[0].reshape(-1)
        for v in values:
            print(repr(float(v)))


if __name__ == "__main__":
    main()
