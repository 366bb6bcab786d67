#!/usr/bin/env python3
"""xsnet against PyTorch CPU on this machine, in alternating rounds (the VM's speed drifts by
tens of percent within minutes, so each round times both tools back to back and the ratios of
a round are compared; the report gives the median over rounds).

Each round runs `xsnet bench train`, `xsnet bench predict` and benchmarks/torch_reference.py
(each itself a median of --repeats timed runs). Reported per batch size: ms per epoch of both,
the speed-up (PyTorch time / xsnet time) per round and its median, and the time of the matrix
products alone of an xsnet epoch (the floor any engine on this sgemm sits on).

Optional cross-check only (never needed by the tests):
    pip install torch==2.13.0+cpu
    python3 benchmarks/compare_torch.py --rounds 5 --out benchmarks/results.json
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xsnet", default=os.path.join(HERE, "..", ".build", "release", "xsnet"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", help="write the rounds and medians as JSON here (atomically)")
    args = parser.parse_args()
    rounds = []
    for r in range(args.rounds):
        x = run_json([args.xsnet, "bench", "train", "--threads", str(args.threads), "--repeats", str(args.repeats), "--format", "json"])
        xp = run_json([args.xsnet, "bench", "predict", "--threads", str(args.threads), "--repeats", str(args.repeats), "--format", "json"])
        t = run_json([sys.executable, os.path.join(HERE, "torch_reference.py"), "--threads", str(args.threads),
                      "--repeats", str(args.repeats), "--format", "json"])
        rounds.append({"xsnet_train": x, "xsnet_predict": xp, "torch": t})
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"batch {b}: {x['ms_per_epoch'][b]:.0f} vs {t['ms_per_epoch'][b]:.0f} ms" for b in ("64", "256", "2940"))
            + f"; predict {xp['predict_points_per_s']:.0f} vs {t['predict_points_per_s']:.0f} points/s", file=sys.stderr)
    med = statistics.median
    summary = {"rounds": args.rounds, "repeats_per_measurement": args.repeats, "threads": args.threads, "batches": {}}
    for b in ("64", "256", "2940"):
        xs = [r["xsnet_train"]["ms_per_epoch"][b] for r in rounds]
        ts = [r["torch"]["ms_per_epoch"][b] for r in rounds]
        gs = [r["xsnet_train"]["gemm_ms_per_epoch"][b] for r in rounds]
        summary["batches"][b] = {"xsnet_ms": med(xs), "torch_ms": med(ts), "xsnet_matrix_products_ms": med(gs),
                                 "speedup_median_of_rounds": med([t / x for t, x in zip(ts, xs)]),
                                 "speedup_rounds": [round(t / x, 3) for t, x in zip(ts, xs)],
                                 "speedup_if_only_matrix_products": med([t / g for t, g in zip(ts, gs)])}
    px = [r["xsnet_predict"]["predict_points_per_s"] for r in rounds]
    pt = [r["torch"]["predict_points_per_s"] for r in rounds]
    pg = [r["xsnet_predict"]["predict_gemm_points_per_s"] for r in rounds]
    summary["predict"] = {"xsnet_points_per_s": med(px), "torch_points_per_s": med(pt), "xsnet_matrix_products_points_per_s": med(pg),
                          "ratio_median_of_rounds": med([x / t for x, t in zip(px, pt)]),
                          "ratio_if_only_matrix_products": med([g / t for g, t in zip(pg, pt)])}
    summary["sgemm_gflops"] = med([r["xsnet_train"]["sgemm_gflops"] for r in rounds])
    summary["train_fraction_of_sgemm"] = med([r["xsnet_train"]["train_fraction_of_sgemm"] for r in rounds])
    summary["torch"] = rounds[0]["torch"].get("torch")
    if args.out:
        folder = os.path.dirname(os.path.abspath(args.out))
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as f:
            json.dump({"summary": summary, "rounds": rounds}, f, indent=2, sort_keys=True)
        os.replace(f.name, args.out)
    print(json.dumps(summary, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
