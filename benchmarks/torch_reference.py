#!/usr/bin/env python3
"""Times the reference network in PyTorch CPU, as `xsnet bench train` / `bench predict` do.

Network: 5 -> 10 x [Linear 300, BatchNorm1d, ReLU] -> Linear 1 (820,801 parameters), AdamW,
mean-squared error on 2,940 random points, shuffled mini-batches. Reports the median
milliseconds per epoch of several timed epochs after one warm-up, for each batch size, and
evaluation-mode prediction throughput.

Optional cross-check only (never needed by the tests):
    pip install torch==2.13.0+cpu
    python3 benchmarks/torch_reference.py --threads 2 --repeats 5 --format json
"""
import argparse
import json
import statistics
import time

import torch


def reference_network():
    layers, width = [], 5
    for _ in range(10):
        layers += [torch.nn.Linear(width, 300), torch.nn.BatchNorm1d(300), torch.nn.ReLU()]
        width = 300
    layers.append(torch.nn.Linear(width, 1))
    return torch.nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=2940)
    parser.add_argument("--batches", default="64,256,0", help="comma-separated; 0 = all points")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    x = torch.rand(args.points, 5)
    y = torch.rand(args.points, 1)
    ms = {}
    for size in [int(b) or args.points for b in args.batches.split(",")]:
        net = reference_network()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
        net.train()

        def epoch():
            order = torch.randperm(args.points)
            for start in range(0, args.points, size):
                idx = order[start:start + size]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.mse_loss(net(x[idx]), y[idx])
                loss.backward()
                opt.step()

        epoch()
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            epoch()
            times.append(time.perf_counter() - t0)
        ms[str(size)] = 1000 * statistics.median(times)
    net = reference_network().eval()
    with torch.no_grad():
        net(x)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            net(x)
            times.append(time.perf_counter() - t0)
        rate = args.points / statistics.median(times)
        one = x[:1]
        single = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for _ in range(200):
                net(one)
            single.append((time.perf_counter() - t0) / 200)
    report = {"threads": args.threads, "points": args.points, "ms_per_epoch": ms, "predict_points_per_s": rate,
              "single_point_us": 1e6 * statistics.median(single), "torch": torch.__version__}
    if args.format == "json":
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        for k, v in ms.items():
            print(f"batch {k:>5}: {v:8.1f} ms per epoch")
        print(f"prediction: {rate:.0f} points/s; one point: {report['single_point_us']:.1f} us")


if __name__ == "__main__":
    main()
