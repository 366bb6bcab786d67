import Testing
import XSCore

@testable import XSNN

/// Finite-difference gradient checks. The loss is L = Σ_ij y_ij R_ij with a fixed random R, so
/// dL/dy = R. Central differences with h = 1e-2 on O(1) values: truncation error O(h²) ≈ 1e-4 of
/// the curvature scale, Float32 rounding of L (|L| ≲ 10, ε ≈ 6e-8) contributes ≲ 1e-5/h = 1e-3;
/// hence the tolerance |analytic − numeric| ≤ 2e-2 · max(|analytic|, |numeric|) + 2e-3.
/// Checks fail loudly: every mismatch names the tensor and index.
struct GradientChecker {
    var rng = SeededGenerator(seed: 1234)
    let h: Float = 1e-2

    mutating func randomMatrix(rows: Int, columns: Int, scale: Double = 1) -> Matrix {
        let m = Matrix(rows: rows, columns: columns)
        for i in 0..<m.count { m.data[i] = Float(rng.normal() * scale) }
        return m
    }

    static func loss(_ y: Matrix, _ r: Matrix) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y.data[i]) * Double(r.data[i]) }
        return s
    }

    static func close(_ a: Double, _ n: Double) -> Bool { abs(a - n) <= 2e-2 * max(abs(a), abs(n)) + 2e-3 }

    /// Checks parameter and input gradients of a whole network in the given mode.
    mutating func check(_ net: Network, batch: Int, mode: LayerMode, inputScale: Double = 1, samplesPerTensor: Int = 25) -> [String] {
        net.reserve(batchCapacity: batch)
        let x = net.inputMatrix(rows: batch)
        for i in 0..<x.count { x.data[i] = Float(rng.normal() * inputScale) }
        let xCopy = x.values
        let r = randomMatrix(rows: batch, columns: net.spec.outputFeatures)
        func lossNow() -> Double {
            let input = net.inputMatrix(rows: batch)
            for i in 0..<xCopy.count { input.data[i] = xCopy[i] }
            return Self.loss(net.forward(input, mode: mode), r)
        }
        net.parameters.zeroGradients()
        _ = lossNow()
        // Backward through all layers including the first, to get dInput too.
        var g: Matrix = r
        for layer in net.layers.reversed() { g = layer.backward(g) }
        let dInput = g.values
        var failures: [String] = []
        for view in net.parameters.views {
            let stride = max(1, view.count / samplesPerTensor)
            for i in Swift.stride(from: 0, to: view.count, by: stride) {
                let p = net.parameters.values + view.offset + i
                let saved = p.pointee
                p.pointee = saved + h; let up = lossNow()
                p.pointee = saved - h; let down = lossNow()
                p.pointee = saved
                let numeric = (up - down) / Double(2 * h)
                let analytic = Double(net.parameters.gradients[view.offset + i])
                if !Self.close(analytic, numeric) { failures.append("\(view.name)[\(i)]: analytic \(analytic), numeric \(numeric)") }
            }
        }
        var xs = xCopy
        for i in Swift.stride(from: 0, to: xs.count, by: max(1, xs.count / samplesPerTensor)) {
            let saved = xs[i]
            func at(_ v: Float) -> Double {
                let input = net.inputMatrix(rows: batch)
                xs[i] = v
                for j in 0..<xs.count { input.data[j] = xs[j] }
                return Self.loss(net.forward(input, mode: mode), r)
            }
            let numeric = (at(saved + h) - at(saved - h)) / Double(2 * h)
            xs[i] = saved
            if !Self.close(Double(dInput[i]), numeric) { failures.append("input[\(i)]: analytic \(dInput[i]), numeric \(numeric)") }
        }
        return failures
    }
}

@Suite struct GradientCheckTests {
    @Test(arguments: [ActivationKind.tanh, .silu, .sigmoid, .identity])
    func smallNetworkInTraining(activation: ActivationKind) {
        let spec = NetworkSpec(
            inputFeatures: 5,
            blocks: [
                BlockSpec(width: 7, batchNorm: true, activation: activation),
                BlockSpec(width: 6, batchNorm: false, activation: activation),
                BlockSpec(width: 4, batchNorm: true, activation: activation)
            ], outputFeatures: 2)
        var checker = GradientChecker()
        let failures = checker.check(Network(spec: spec, seed: 5), batch: 9, mode: .training)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func reluLayerAwayFromItsKink() {
        // ReLU is not differentiable at 0, so its check uses inputs with |x| ≥ 0.2 ≫ h: no central
        // difference straddles the kink. dx = dy · [x > 0].
        let relu = Activation(.relu, features: 6)
        relu.reserve(batchCapacity: 4)
        var rng = SeededGenerator(seed: 8)
        var xs = (0..<24).map { _ in Float((rng.uniform() * 0.8 + 0.2) * (rng.uniform() < 0.5 ? -1 : 1)) }
        let r = Matrix(rows: 4, columns: 6, values: (0..<24).map { _ in Float(rng.normal()) })
        func loss() -> Double { GradientChecker.loss(relu.forward(Matrix(rows: 4, columns: 6, values: xs), mode: .training), r) }
        _ = loss()
        let analytic = relu.backward(r).values
        for i in 0..<24 {
            let saved = xs[i]
            xs[i] = saved + 1e-2; let up = loss()
            xs[i] = saved - 1e-2; let down = loss()
            xs[i] = saved
            #expect(GradientChecker.close(Double(analytic[i]), (up - down) / 2e-2), "input[\(i)]")
        }
    }

    @Test func reluNetworkWithBatchNorm() {
        // The reference block (Dense → BatchNorm → ReLU) at small scale. A few of the sampled
        // parameters may sit within h of a kink; those show as isolated mismatches, so the
        // check allows at most 2 of the ~150 sampled gradients to differ.
        let spec = NetworkSpec(
            inputFeatures: 5,
            blocks: [
                BlockSpec(width: 6, batchNorm: true, activation: .relu),
                BlockSpec(width: 6, batchNorm: true, activation: .relu)
            ])
        var checker = GradientChecker()
        let failures = checker.check(Network(spec: spec, seed: 21), batch: 8, mode: .training)
        #expect(failures.count <= 2, "\(failures)")
    }

    @Test func batchNormInEvaluationAndFrozen() {
        let spec = NetworkSpec(inputFeatures: 4, blocks: [BlockSpec(width: 6, batchNorm: true, activation: .tanh)])
        let net = Network(spec: spec, seed: 3)
        // Give the running statistics non-trivial values first.
        net.reserve(batchCapacity: 8)
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<5 {
            let x = net.inputMatrix(rows: 8)
            for i in 0..<x.count { x.data[i] = Float(rng.normal() * 2 + 1) }
            _ = net.forward(x, mode: .training)
        }
        var checker = GradientChecker()
        #expect(checker.check(net, batch: 5, mode: .evaluation).isEmpty)
    }

    @Test func referenceArchitectureCountsParameters() {
        let net = Network(spec: .reference(), seed: 0)
        #expect(net.parameters.count == 820_801)
        #expect(NetworkSpec.reference().parameterCount == 820_801)
    }
}
