import CXSKernels
import Foundation

/// A network for prediction only, in Float64: batch norm folded into the dense layers
/// (`Layer.foldBatchNorm`, exact in evaluation), dropout dropped. ONNX import reads graphs into
/// the same layers.
///
/// Why Float64: the cross section is exp of a network output that reaches −50 in the tails, so a
/// Float32 forward pass moves σ by ~1e-5 there from rounding alone; in Float64 the prediction is
/// the exact function of the trained weights (to 1e-12), and exported ONNX graphs, which also
/// compute in Float64, reproduce it.
public final class InferenceNetwork {
    public struct Layer {
        public var weight: [Double]  // (inputs × outputs), row-major
        public var bias: [Double]
        public var inputs: Int
        public var outputs: Int
        public var activation: ActivationKind

        public init(weight: [Double], bias: [Double], inputs: Int, outputs: Int, activation: ActivationKind) {
            self.weight = weight
            self.bias = bias
            self.inputs = inputs
            self.outputs = outputs
            self.activation = activation
        }

        /// Folds an evaluation-mode batch norm that follows this layer into it (exact):
        /// W′ = W·diag(γ/√(v+ε)), b′ = (b − μ)·γ/√(v+ε) + β.
        public mutating func foldBatchNorm(gamma: [Double], beta: [Double], mean: [Double], variance: [Double], epsilon: Double) {
            for j in 0..<outputs {
                let scale = gamma[j] / (variance[j] + epsilon).squareRoot()
                for i in 0..<inputs { weight[i * outputs + j] *= scale }
                bias[j] = (bias[j] - mean[j]) * scale + beta[j]
            }
        }
    }

    public let layers: [Layer]
    public let inputFeatures: Int
    /// Scratch buffers for single-point prediction (no allocation per call).
    private var scratchA: [Double]
    private var scratchB: [Double]

    /// The network in evaluation mode, or with `monteCarloPass` the thinned network of that
    /// Monte-Carlo dropout pass: each dropout layer's pass mask (`Dropout.passMask`, one factor
    /// per feature for every point) folded into the rows of the next dense layer's weights. So a
    /// pass predicts each point alike whatever else is in the batch.
    public init(_ network: Network, monteCarloPass pass: Int? = nil) {
        var result: [Layer] = []
        var pendingMask: [Float]? = nil
        for layer in network.layers {
            switch layer {
            case let d as Dense:
                var weight = UnsafeBufferPointer(start: d.weightPointer, count: d.inputFeatures * d.outputFeatures).map(Double.init)
                if let mask = pendingMask {
                    for i in 0..<d.inputFeatures { for j in 0..<d.outputFeatures { weight[i * d.outputFeatures + j] *= Double(mask[i]) } }
                    pendingMask = nil
                }
                result.append(
                    Layer(
                        weight: weight, bias: UnsafeBufferPointer(start: d.biasPointer, count: d.outputFeatures).map(Double.init),
                        inputs: d.inputFeatures, outputs: d.outputFeatures, activation: .identity))
            case let bn as BatchNorm:
                result[result.count - 1].foldBatchNorm(
                    gamma: bn.gammaValues.map(Double.init), beta: bn.betaValues.map(Double.init),
                    mean: bn.runningMean.map(Double.init), variance: bn.runningVariance.map(Double.init),
                    epsilon: Double(bn.epsilon))
            case let a as Activation:
                result[result.count - 1].activation = a.kind
            case let dropout as Dropout:
                if let pass, dropout.probability > 0 { pendingMask = dropout.passMask(pass) }
            default:
                break
            }
        }
        layers = result
        inputFeatures = network.spec.inputFeatures
        let widest = max(result.map(\.outputs).max() ?? 1, inputFeatures)
        scratchA = Array(repeating: 0, count: widest)
        scratchB = Array(repeating: 0, count: widest)
    }

    @inline(__always)
    static func activate(_ kind: ActivationKind, _ x: Double) -> Double {
        switch kind {
        case .identity: return x
        case .relu: return max(x, 0)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .silu: return x / (1 + Foundation.exp(-x))
        }
    }

    /// y = b + x·W for `rows` points, then the activation. The C kernel (`xs_affine_f64`) sums
    /// each output over the inputs in one fixed order, so a point's prediction is the same alone or
    /// anywhere in any batch (BLAS gemm kernels treat a batch's edge rows differently: their
    /// results moved in the last bits with a point's position).
    static func affine(_ layer: Layer, rows: Int, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        layer.weight.withUnsafeBufferPointer { w in
            layer.bias.withUnsafeBufferPointer { b in xs_affine_f64(x, w.baseAddress!, b.baseAddress!, y, rows, layer.inputs, layer.outputs) }
        }
        if layer.activation != .identity { for i in 0..<(rows * layer.outputs) { y[i] = activate(layer.activation, y[i]) } }
    }

    /// Outputs (N × outputs) for inputs (N × inputFeatures), row-major.
    public func predict(_ inputs: [Double]) -> [Double] {
        let n = inputs.count / inputFeatures
        var x = inputs
        for layer in layers {
            var y = [Double](repeating: 0, count: n * layer.outputs)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in Self.affine(layer, rows: n, x: xp.baseAddress!, y: yp.baseAddress!) }
            }
            x = y
        }
        return x
    }

    /// The first output for one point, over preallocated buffers (no allocation per call; no
    /// BLAS call, whose thread hand-off costs more than the arithmetic for one point).
    public func predictOne(_ input: UnsafePointer<Double>) -> Double {
        var first = 0.0
        predictOne(input) { first = $0[0] }
        return first
    }

    /// Every output of one point, handed to `body` (valid only inside it), over the same buffers.
    public func predictOne(_ input: UnsafePointer<Double>, _ body: (UnsafePointer<Double>) -> Void) {
        scratchA.withUnsafeMutableBufferPointer { a in
            scratchB.withUnsafeMutableBufferPointer { b in
                var src = a.baseAddress!, dst = b.baseAddress!
                src.update(from: input, count: inputFeatures)
                for layer in layers {
                    Self.affine(layer, rows: 1, x: src, y: dst)
                    swap(&src, &dst)
                }
                body(src)
            }
        }
    }
}
