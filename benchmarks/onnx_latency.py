#!/usr/bin/env python3
"""Per-event latency of ONNX models in onnxruntime, as NuWro's DNN mode calls them.

NuWro runs every ensemble member once per event on a [1, 5] float32 input and averages the
outputs. This times that: one member alone, and all members in turn, on the same random events
that `xsnet bench predict` uses in spirit (E 0.3-3.3 GeV, theta 15-75 deg, omega 5-65% of E).
Optional cross-check only (pip install onnxruntime):
    python3 benchmarks/onnx_latency.py nuwro-models/C12 --threads 1 --events 2000 --repeats 5
"""
import argparse
import glob
import json
import math
import os
import statistics
import time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="folder of model_electron_A_<A>_<i>.onnx files")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.folder, "*.onnx")), key=lambda f: int(f.rsplit("_", 1)[1].split(".")[0]))
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    sessions = [ort.InferenceSession(f, options, providers=["CPUExecutionProvider"]) for f in files]
    rng = np.random.default_rng(3)
    events = []
    for _ in range(args.events):
        e = 0.3 + 3 * rng.random()
        t = 15 + 60 * rng.random()
        w = e * (0.05 + 0.6 * rng.random())
        c = math.cos(math.radians(t))
        q2 = 2 * e * (e - w) * (1 - c)
        events.append(np.array([[e / 20, w / 20, t / 180, c, q2 / 100]], dtype=np.float32))

    def time_members(members):
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for x in events:
                total = 0.0
                for s in members:
                    total += s.run(None, {"input": x})[0][0, 0]
            times.append((time.perf_counter() - t0) / len(events))
        return 1e6 * statistics.median(times)

    report = {"files": len(files), "threads": args.threads, "onnxruntime": ort.__version__,
              "one_network_us_per_event": time_members(sessions[:1]),
              "ensemble_us_per_event": time_members(sessions)}
    print(json.dumps(report, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
