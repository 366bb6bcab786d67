import Foundation
import XSCore

/// Timing helpers for `xsnet bench`: wall-clock medians of repeated runs.
public enum Benchmark {
    /// Monotonic seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median wall time of `repeats` runs of `body` (after one untimed warm-up run), divided by
    /// `perRun` (the number of operations one run does).
    public static func medianSeconds(repeats: Int, perRun: Int = 1, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<max(repeats, 1) {
            let t0 = now()
            body()
            times.append((now() - t0) / Double(perRun))
        }
        return median(times)
    }

    /// GFLOP/s of an n × n × n sgemm (median of `repeats`).
    public static func sgemmGFLOPs(size n: Int = 2048, repeats: Int = 5) -> Double {
        let a = Matrix(rows: n, columns: n), b = Matrix(rows: n, columns: n), c = Matrix(rows: n, columns: n)
        var rng = SeededGenerator(seed: 1)
        for i in 0..<(n * n) { a.data[i] = rng.uniformFloat(); b.data[i] = rng.uniformFloat() }
        let seconds = medianSeconds(repeats: repeats) {
            BLAS.gemm(
                transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a.data, lda: n, b: b.data, ldb: n, beta: 0, c: c.data, ldc: n)
        }
        return 2 * pow(Double(n), 3) / seconds / 1e9
    }

    /// Seconds of the matrix products alone of one training epoch of `spec` on `points` rows in
    /// batches of `batchSize` (per dense layer and step: y = xW, dW = xᵀdy, dx = dy Wᵀ, as
    /// `Network` runs them), median of `repeats`; with `forwardOnly`, the products of one
    /// prediction pass. What is left of an epoch's time beyond this is the engine's own.
    public static func gemmSeconds(spec: NetworkSpec, points: Int, batchSize: Int, repeats: Int, forwardOnly: Bool = false) -> Double {
        var widths = [spec.inputFeatures] + spec.blocks.map(\.width)
        widths.append(spec.outputFeatures)
        let widest = widths.max()!
        let x = Matrix(rows: batchSize, columns: widest), y = Matrix(rows: batchSize, columns: widest)
        let w = Matrix(rows: widest, columns: widest), dw = Matrix(rows: widest, columns: widest)
        var rng = SeededGenerator(seed: 1)
        for i in 0..<(batchSize * widest) { x.data[i] = rng.uniformFloat(); y.data[i] = rng.uniformFloat() }
        for i in 0..<(widest * widest) { w.data[i] = rng.uniformFloat() - 0.5 }
        return medianSeconds(repeats: repeats) {
            var start = 0
            while start < points {
                let b = min(batchSize, points - start)
                for l in 0..<(widths.count - 1) {
                    let (k, n) = (widths[l], widths[l + 1])
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: b, n: n, k: k, alpha: 1, a: x.data, lda: k, b: w.data, ldb: n, beta: 1, c: y.data,
                        ldc: n)
                    if forwardOnly { continue }
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: k, n: n, k: b, alpha: 1, a: x.data, lda: k, b: y.data, ldb: n, beta: 1, c: dw.data,
                        ldc: n)
                    BLAS.gemm(
                        transposeA: false, transposeB: true, m: b, n: k, k: n, alpha: 1, a: y.data, lda: n, b: w.data, ldb: n, beta: 0, c: x.data,
                        ldc: k)
                }
                start += b
            }
        }
    }

    /// One epoch of mean-squared-error training with AdamW over `inputs` (N × features) in
    /// shuffled mini-batches: the same work as a real epoch of the cross-section model's network.
    public static func trainEpoch(
        _ net: Network, optimizer: inout Adam, inputs: [Float], targets: [Float], batchSize: Int, rng: inout SeededGenerator
    ) {
        let n = targets.count, f = net.spec.inputFeatures
        let order = rng.permutation(n)
        let dOut = Matrix(rows: 0, columns: 1, capacity: batchSize)
        var start = 0
        while start < n {
            let rows = min(batchSize, n - start)
            let x = net.inputMatrix(rows: rows)
            for r in 0..<rows {
                let i = order[start + r]
                for j in 0..<f { x.data[r * f + j] = inputs[i * f + j] }
            }
            let y = net.forward(x, mode: .training)
            dOut.setRows(rows)
            for r in 0..<rows { dOut.data[r] = (y.data[r] - targets[order[start + r]]) / Float(rows) }
            net.parameters.zeroGradients()
            net.backward(dOut)
            optimizer.step(learningRate: 1e-3)
            start += rows
        }
    }
}
