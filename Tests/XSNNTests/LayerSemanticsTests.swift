import CXSKernels
import Foundation
import Testing
import XSCore

@testable import XSNN

@Suite struct LayerSemanticsTests {
    @Test func batchNormTrainingAndEvaluationByHand() throws {
        let bn = BatchNorm(features: 2, momentum: 0.1, epsilon: 0)
        let store = ParameterStore(bn.parameterLayout)
        bn.bind(values: store.values, gradients: store.gradients)
        var rng = SeededGenerator(seed: 0)
        bn.initialize(using: &rng)
        bn.reserve(batchCapacity: 4)
        // Column 0: 1, 2, 3, 6 → μ = 3, σ² (biased) = (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3.
        // Column 1: 0, 0, 4, 4 → μ = 2, σ² = 4, unbiased 16/3.
        let x = Matrix(rows: 4, columns: 2, values: [1, 0, 2, 0, 3, 4, 6, 4])
        let y = bn.forward(x, mode: .training)
        let s0 = Float(3.5).squareRoot()
        #expect(abs(y[0, 0] - (1 - 3) / s0) < 1e-6)
        #expect(abs(y[3, 0] - (6 - 3) / s0) < 1e-6)
        #expect(abs(y[0, 1] - (-1)) < 1e-6 && abs(y[2, 1] - 1) < 1e-6)
        // Running: (1 − 0.1)·0 + 0.1·μ; (1 − 0.1)·1 + 0.1·unbiased σ².
        #expect(abs(bn.runningMean[0] - 0.3) < 1e-6 && abs(bn.runningMean[1] - 0.2) < 1e-6)
        #expect(abs(bn.runningVariance[0] - (0.9 + 0.1 * 14 / 3)) < 1e-6)
        #expect(abs(bn.runningVariance[1] - (0.9 + 0.1 * 16 / 3)) < 1e-6)
        // Evaluation uses the running statistics and changes nothing.
        let before = bn.runningMean
        let e = bn.forward(Matrix(rows: 1, columns: 2, values: [1.3, 0.2]), mode: .evaluation)
        #expect(abs(e[0, 0] - (1.3 - 0.3) / (0.9 + 0.1 * 14 / 3 as Float).squareRoot()) < 1e-6)
        #expect(abs(e[0, 1] - 0) < 1e-6)
        #expect(bn.runningMean == before)
        // A frozen layer in training mode behaves as in evaluation and keeps its statistics.
        bn.frozen = true
        let f = bn.forward(Matrix(rows: 1, columns: 2, values: [1.3, 0.2]), mode: .training)
        #expect(f[0, 0] == e[0, 0] && bn.runningMean == before)
    }

    @Test func dropoutKeepRateAndModes() {
        let p: Float = 0.3
        let d = Dropout(probability: p, features: 100, seed: 42)
        d.reserve(batchCapacity: 200)
        let x = Matrix(rows: 200, columns: 100, values: Array(repeating: 1, count: 20_000))
        let y = d.forward(x, mode: .training)
        let kept = y.values.filter { $0 != 0 }
        // Binomial(20000, 0.7): σ of the kept fraction = √(0.21/20000) ≈ 0.0032; allow 5σ.
        #expect(abs(Double(kept.count) / 20_000 - 0.7) < 0.017)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })  // inverted dropout scales survivors
        // The mean is preserved in expectation.
        #expect(abs(y.values.reduce(0, +) / 20_000 - 1) < 0.025)
        #expect(d.forward(x, mode: .evaluation) === x)  // off in evaluation
        #expect(d.forward(x, mode: .monteCarloDropout).values.contains(0))  // on in MC mode
        // The gradient flows through the same mask.
        let yTrain = d.forward(x, mode: .training).values
        let g = d.backward(Matrix(rows: 200, columns: 100, values: Array(repeating: 2, count: 20_000))).values
        #expect(zip(yTrain, g).allSatisfy { $0.1 == 2 * $0.0 })
    }

    @Test func monteCarloPassAppliesOneFixedMaskPerPass() {
        let d = Dropout(probability: 0.3, features: 100, seed: 42)
        d.reserve(batchCapacity: 50)
        let x = Matrix(rows: 50, columns: 100, values: (0..<5000).map { Float($0 % 7 + 1) })
        let before = d.generator.snapshot.state
        let pass3 = d.forward(x, mode: .monteCarloPass(3)).values
        // Every row has the same columns dropped, and the survivors are scaled by 1/(1 − p).
        let dropped = (0..<100).filter { pass3[$0] == 0 }
        #expect(!dropped.isEmpty && dropped.count < 60)
        for r in 0..<50 {
            for j in 0..<100 {
                let expected: Float = dropped.contains(j) ? 0 : x.values[r * 100 + j] / 0.7
                #expect(abs(pass3[r * 100 + j] - expected) <= 1e-6 * abs(expected))
            }
        }
        // The pass key and number alone fix the mask: the generator does not move, pass 3 repeats
        // after a training step (which moves the generator) and in a layer built with another
        // seed but the same key, and another pass has another mask.
        #expect(d.generator.snapshot.state == before)
        _ = d.forward(x, mode: .training)
        let oneRow = Matrix(rows: 1, columns: 100, values: Array(x.values[0..<100]))
        #expect(d.forward(oneRow, mode: .monteCarloPass(3)).values == Array(pass3[0..<100]))
        let other = Dropout(probability: 0.3, features: 100, seed: 7, passKey: d.passKey)
        other.reserve(batchCapacity: 1)
        #expect(other.forward(oneRow, mode: .monteCarloPass(3)).values == Array(pass3[0..<100]))
        #expect(d.forward(oneRow, mode: .monteCarloPass(4)).values != Array(pass3[0..<100]))
    }

    @Test func adamAndAdamWOneStepByHand() {
        // One parameter θ = 1, gradient g = 0.5, η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01.
        // Step 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 → m̂/(√v̂ + ε) = 1 (to 2e-8).
        // Adam (L2): g′ = 0.5 + 0.01 = 0.51 → update 1 as well (m̂/√v̂ = g′/|g′|) → θ = 0.9.
        // AdamW: θ = 1 − 0.1·1 − 0.1·0.01·1 = 0.899.
        for decoupled in [false, true] {
            let values = UnsafeMutablePointer<Float>.allocate(capacity: 1), grads = UnsafeMutablePointer<Float>.allocate(capacity: 1)
            defer { values.deallocate(); grads.deallocate() }
            values.pointee = 1; grads.pointee = 0.5
            var adam = Adam(groups: [ParameterGroup(values: values, gradients: grads, count: 1, weightDecay: 0.01)], decoupled: decoupled)
            adam.step(learningRate: 0.1)
            #expect(abs(values.pointee - (decoupled ? 0.899 : 0.9)) < 1e-6)
            // Step 2 with g = −0.5 (θ-dependent L2 term for Adam): compute by hand in Double.
            grads.pointee = -0.5
            let theta1 = Double(values.pointee)
            let g2 = decoupled ? -0.5 : -0.5 + 0.01 * theta1
            let g1 = decoupled ? 0.5 : 0.51
            let m = 0.9 * (0.1 * g1) + 0.1 * g2, v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2
            let mHat = m / (1 - 0.81), vHat = v / (1 - 0.998001)
            var expected = theta1 - 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            if decoupled { expected -= 0.1 * 0.01 * theta1 }
            adam.step(learningRate: 0.1)
            #expect(abs(Double(values.pointee) - expected) < 1e-5)
        }
    }

    @Test func vectorKernelsGiveTheScalarFormulasBits() {
        // The C kernels run AVX-512, AVX2 or baseline code, chosen at load time, without FMA
        // contraction: on any of them every element must equal the scalar formula exactly,
        // including the tail of a length that is not a multiple of the vector width.
        var rng = SeededGenerator(seed: 11)
        let n = 37
        var theta = (0..<n).map { _ in rng.uniformFloat() - 0.5 }, m = (0..<n).map { _ in rng.uniformFloat() * 0.01 }
        var v = (0..<n).map { _ in rng.uniformFloat() * 1e-4 }
        let g = (0..<n).map { _ in rng.uniformFloat() - 0.5 }
        let (b1, b2, eps, step, isc2, l2, dd): (Float, Float, Float, Float, Float, Float, Float) = (0.9, 0.999, 1e-8, 1e-3, 1.3, 1e-4, 2e-6)
        var expected = theta, em = m, ev = v
        for i in 0..<n {
            let gi = g[i] + l2 * expected[i]
            em[i] = b1 * em[i] + (1 - b1) * gi
            ev[i] = b2 * ev[i] + (1 - b2) * gi * gi
            expected[i] = expected[i] - (step * em[i] / (ev[i].squareRoot() * isc2 + eps) + dd * expected[i])
        }
        g.withUnsafeBufferPointer { gp in
            Elementwise.adamUpdate(
                theta: &theta, gradient: gp.baseAddress!, m: &m, v: &v, range: 0..<n, beta1: b1, beta2: b2, epsilon: eps,
                stepSize: step, inverseSqrtCorrection2: isc2, l2: l2, decoupledDecay: dd)
        }
        #expect(theta == expected && m == em && v == ev)
        var y = [Float](repeating: 1, count: n), dx = [Float](repeating: 1, count: n)
        Elementwise.reluForward(g, &y, count: n)
        Elementwise.reluBackward(g, theta, &dx, count: n)
        #expect(y == g.map { max($0, 0) })
        #expect(dx == (0..<n).map { g[$0] > 0 ? theta[$0] : 0 })
    }

    @Test func sigmoidKernelsGiveTheCLibrarysBits() {
        // SiLU and σ run a vectorized restatement of the C library's expf (kernels.c): every value
        // must equal the scalar formula over Foundation.exp, on random and on special inputs.
        var rng = SeededGenerator(seed: 12)
        var x: [Float] = (0..<200_000).map { _ in Float(rng.normal() * 8) }
        x += (0..<50_000).map { _ in Float.random(in: -120...120, using: &rng) }
        x += [
            0, -0.0, 1e-30, -1e-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 88, -88, 103.97, -103.97, 104, -104,
            -0x1.9fe368p6, -0x1.9fe366p6, 0x1.62e42ep6, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude
        ]
        func sigmoid(_ v: Float) -> Float { v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v)) }
        let n = x.count
        var y = [Float](repeating: 0, count: n), s = [Float](repeating: 0, count: n), dx = [Float](repeating: 0, count: n)
        let dy = (0..<n).map { _ in rng.uniformFloat() - 0.5 }
        xs_silu_forward(x, &y, n)
        xs_sigmoid_forward(x, &s, n)
        xs_silu_backward(x, dy, &dx, n)
        var mismatches = 0
        for i in 0..<n {
            let si = sigmoid(x[i])
            if y[i].bitPattern != (x[i] * si).bitPattern { mismatches += 1 }
            if s[i].bitPattern != si.bitPattern { mismatches += 1 }
            if dx[i].bitPattern != (dy[i] * si * (1 + x[i] * (1 - si))).bitPattern && !(dx[i].isNaN && si.isNaN) { mismatches += 1 }
        }
        #expect(mismatches == 0, "kernel path \(xs_sigmoid_kernel_path())")
        var nan: [Float] = [.nan], out: [Float] = [0]
        xs_sigmoid_forward(nan, &out, 1)
        #expect(out[0].isNaN)
        nan[0] = -.nan
        xs_silu_forward(nan, &out, 1)
        #expect(out[0].isNaN)
    }

    @Test func sgdMomentumAndClipping() {
        let values = UnsafeMutablePointer<Float>.allocate(capacity: 2), grads = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { values.deallocate(); grads.deallocate() }
        values[0] = 1; values[1] = 2; grads[0] = 3; grads[1] = 4
        let group = ParameterGroup(values: values, gradients: grads, count: 2)
        #expect(clipGradientNorm([group], maxNorm: 1) == 5)  // ‖(3, 4)‖ = 5 → scaled to (0.6, 0.8)
        #expect(abs(grads[0] - 0.6) < 1e-6 && abs(grads[1] - 0.8) < 1e-6)
        var sgd = SGD(groups: [group], momentum: 0.9)
        sgd.step(learningRate: 0.5)  // b = g → θ = (0.7, 1.6)
        sgd.step(learningRate: 0.5)  // b = 0.9 g + g = 1.9 g → θ = (0.7 − 0.57, 1.6 − 0.76)
        #expect(abs(values[0] - 0.13) < 1e-6 && abs(values[1] - 0.84) < 1e-6)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 1e-3, epoch: 99) == 1e-3)
        #expect(abs(LearningRateSchedule.step(every: 10, gamma: 0.5).rate(base: 1, epoch: 25) - 0.25) < 1e-12)
        let cosine = LearningRateSchedule.cosine(epochs: 100, minimumFraction: 0)
        #expect(cosine.rate(base: 1, epoch: 0) == 1 && abs(cosine.rate(base: 1, epoch: 50) - 0.5) < 1e-12 && cosine.rate(base: 1, epoch: 100) < 1e-12)
        let oneCycle = LearningRateSchedule.oneCycle(epochs: 100, warmupFraction: 0.3)
        #expect(abs(oneCycle.rate(base: 1, epoch: 0) - 0.04) < 1e-12 && abs(oneCycle.rate(base: 1, epoch: 30) - 1) < 1e-12)
        #expect(oneCycle.rate(base: 1, epoch: 100) < 1e-3)
        var plateau = PlateauTracker()
        var scale = 1.0
        for metric in [5.0, 4.0, 4.0, 4.0, 4.0] { scale = plateau.update(metric: metric, patience: 2, factor: 0.5, minimumFraction: 0.01) }
        #expect(scale == 0.5)
    }

    @Test func freezingIsAVisibleQuery() {
        let net = Network(
            spec: NetworkSpec(inputFeatures: 3, blocks: Array(repeating: BlockSpec(width: 4, batchNorm: true, activation: .relu), count: 4)), seed: 1)
        let all = net.trainableParameterCount
        net.trainOnlyLastBlocks(2)
        let names = net.trainableViews.map(\.name)
        #expect(!names.contains { $0.hasPrefix("block0") || $0.hasPrefix("block1") })
        #expect(names.contains("block2.dense.weight") && names.contains("block3.batchnorm.gamma") && names.contains("output.dense.bias"))
        #expect(net.trainableParameterCount < all)
        // A training step leaves frozen weights and frozen batch-norm statistics untouched.
        net.reserve(batchCapacity: 8)
        let frozenBefore = net.parameters.valueArray(net.parameters.view(named: "block0.dense.weight")!)
        let statsBefore = net.stateBuffers.first { $0.name == "block1.batchnorm.running_mean" }!.values
        let x = net.inputMatrix(rows: 8)
        for i in 0..<x.count { x.data[i] = Float(i % 5) - 2 }
        let y = net.forward(x, mode: .training)
        net.parameters.zeroGradients()
        net.backward(Matrix(rows: 8, columns: 1, values: y.values))
        var adam = Adam(groups: net.trainableGroups(weightDecay: 0.01))
        adam.step(learningRate: 0.1)
        #expect(net.parameters.valueArray(net.parameters.view(named: "block0.dense.weight")!) == frozenBefore)
        #expect(net.stateBuffers.first { $0.name == "block1.batchnorm.running_mean" }!.values == statsBefore)
        #expect(net.stateBuffers.first { $0.name == "block3.batchnorm.running_mean" }!.values != Array(repeating: 0, count: 4))
    }

    /// PreciseBN: after the recomputation, every trainable batch norm, fed in evaluation mode by
    /// the layers before it, sees inputs whose mean and unbiased variance are its running
    /// statistics, so its outputs over the data have mean β and variance γ² (n−1)/n; a frozen one
    /// keeps what it had.
    @Test func batchNormStatisticsRecomputedLayerByLayer() throws {
        let spec = NetworkSpec(inputFeatures: 3, blocks: Array(repeating: BlockSpec(width: 5, batchNorm: true, activation: .relu), count: 3))
        let net = Network(spec: spec, seed: 4)
        let n = 40
        var rng = SeededGenerator(seed: 9)
        let inputs = (0..<(n * 3)).map { _ in rng.uniformFloat() * 4 - 1 }
        net.setTrainable([false, true, true, true])
        let frozenBefore = net.stateBuffers.first { $0.name == "block0.batchnorm.running_mean" }!.values
        #expect(net.recomputeBatchNormStatistics(inputs) == 2)
        #expect(net.stateBuffers.first { $0.name == "block0.batchnorm.running_mean" }!.values == frozenBefore)
        net.reserve(batchCapacity: n)
        for name in ["block1", "block2"] {
            let j = net.layerNames.firstIndex(of: "\(name).batchnorm")!
            var x = net.inputMatrix(rows: n)
            inputs.withUnsafeBufferPointer { x.data.update(from: $0.baseAddress!, count: n * 3) }
            for k in 0...j { x = net.layers[k].forward(x, mode: .evaluation) }
            let norm = net.layers[j] as! BatchNorm
            let gamma = norm.gammaValues, beta = norm.betaValues
            for c in 0..<5 {
                let column = (0..<n).map { Double(x.row($0)[c]) }
                let mean = column.reduce(0, +) / Double(n)
                let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
                #expect(abs(mean - Double(beta[c])) < 1e-4)
                let expected = Double(gamma[c] * gamma[c]) * Double(n - 1) / Double(n)
                // ε = 1e-5 in the denominator: the variance comes out slightly below γ²(n−1)/n.
                #expect(abs(variance / expected - 1) < 1e-3, "\(name) feature \(c): variance \(variance), expected \(expected)")
            }
        }
    }

    @Test func sameSeedSameWeights() {
        let a = Network(spec: .reference(dropout: 0.01), seed: 77), b = Network(spec: .reference(dropout: 0.01), seed: 77)
        let c = Network(spec: .reference(dropout: 0.01), seed: 78)
        #expect(a.parameters.allValues == b.parameters.allValues)
        #expect(a.parameters.allValues != c.parameters.allValues)
        // He initialization: weights of a 300-wide layer have std √(2/300).
        let w = a.parameters.valueArray(a.parameters.view(named: "block3.dense.weight")!)
        let std = (w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(std / (2.0 / 300).squareRoot() - 1) < 0.02)
    }
}

@Suite struct InferenceNetworkTests {
    /// A point's Float64 prediction is the same alone, in any position of a batch, and through the
    /// one-point path: each output is summed in one fixed order (`xs_affine_f64`).
    @Test func aPointPredictsTheSameAloneAndAnywhereInABatch() {
        let net = Network(
            spec: NetworkSpec(inputFeatures: 5, blocks: Array(repeating: BlockSpec(width: 37, batchNorm: false, activation: .silu), count: 3)),
            seed: 7)
        let inference = InferenceNetwork(net)
        var rng = SeededGenerator(seed: 3)
        let rows = 11
        let inputs = (0..<(rows * 5)).map { _ in rng.normal() }
        let batch = inference.predict(inputs)
        let reversed = inference.predict((0..<rows).reversed().flatMap { r in Array(inputs[(r * 5)..<(r * 5 + 5)]) })
        for r in 0..<rows {
            let row = Array(inputs[(r * 5)..<(r * 5 + 5)])
            #expect(inference.predict(row) == [batch[r]])
            #expect(reversed[rows - 1 - r] == batch[r])
            #expect(row.withUnsafeBufferPointer { inference.predictOne($0.baseAddress!) } == batch[r])
        }
        // And the Float32 training network agrees to its own precision.
        let float32 = net.predict(inputs.map(Float.init))
        for r in 0..<rows { #expect(abs(Double(float32[r]) - batch[r]) <= 1e-4 * max(1, abs(batch[r]))) }
    }
}
