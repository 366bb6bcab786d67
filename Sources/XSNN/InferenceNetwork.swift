import COpenBLAS
import Foundation

/// A network for prediction only, in Float64: batch norm folded into the dense layers
/// (W′ = W·diag(γ/√(v+ε)), b′ = (b − μ)·γ/√(v+ε) + β, exact in evaluation), dropout dropped.
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
    }

    public let layers: [Layer]
    public let inputFeatures: Int
    /// Scratch buffers for single-point prediction (no allocation per call).
    private var scratchA: [Double]
    private var scratchB: [Double]

    public init(_ network: Network) {
        var result: [Layer] = []
        for layer in network.layers {
            switch layer {
            case let d as Dense:
                result.append(Layer(weight: UnsafeBufferPointer(start: d.weightPointer, count: d.inputFeatures * d.outputFeatures).map(Double.init),
                                    bias: UnsafeBufferPointer(start: d.biasPointer, count: d.outputFeatures).map(Double.init),
                                    inputs: d.inputFeatures, outputs: d.outputFeatures, activation: .identity))
            case let bn as BatchNorm:
                var last = result.removeLast()
                let gamma = bn.gammaValues, beta = bn.betaValues
                for j in 0..<last.outputs {
                    let scale = Double(gamma[j]) / (Double(bn.runningVariance[j]) + Double(bn.epsilon)).squareRoot()
                    for i in 0..<last.inputs { last.weight[i * last.outputs + j] *= scale }
                    last.bias[j] = (last.bias[j] - Double(bn.runningMean[j])) * scale + Double(beta[j])
                }
                result.append(last)
            case let a as Activation:
                result[result.count - 1].activation = a.kind
            default:
                break  // dropout is the identity in evaluation
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

    /// Outputs (N × outputs) for inputs (N × inputFeatures), row-major.
    public func predict(_ inputs: [Double]) -> [Double] {
        let n = inputs.count / inputFeatures
        var x = inputs
        for layer in layers {
            var y = [Double](repeating: 0, count: n * layer.outputs)
            for r in 0..<n { for j in 0..<layer.outputs { y[r * layer.outputs + j] = layer.bias[j] } }
            x.withUnsafeBufferPointer { xp in
                layer.weight.withUnsafeBufferPointer { wp in
                    y.withUnsafeMutableBufferPointer { yp in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(layer.outputs), Int32(layer.inputs),
                                    1, xp.baseAddress, Int32(layer.inputs), wp.baseAddress, Int32(layer.outputs), 1, yp.baseAddress, Int32(layer.outputs))
                    }
                }
            }
            if layer.activation != .identity { for i in y.indices { y[i] = Self.activate(layer.activation, y[i]) } }
            x = y
        }
        return x
    }

    /// The first output for one point: matrix–vector products over preallocated buffers.
    public func predictOne(_ input: UnsafePointer<Double>) -> Double {
        scratchA.withUnsafeMutableBufferPointer { a in
            scratchB.withUnsafeMutableBufferPointer { b in
                var src = a.baseAddress!, dst = b.baseAddress!
                src.update(from: input, count: inputFeatures)
                for layer in layers {
                    dst.update(from: layer.bias, count: layer.outputs)
                    layer.weight.withUnsafeBufferPointer { w in
                        // y = b + Σ_i x_i W[i, ·] with W stored (inputs × outputs) row-major: rows
                        // added in turn, a loop the compiler vectorizes. No BLAS call: for one point
                        // its thread hand-off costs more than the arithmetic (measured 2× slower).
                        let n = layer.outputs
                        for i in 0..<layer.inputs {
                            let xi = src[i], row = w.baseAddress! + i * n
                            for j in 0..<n { dst[j] += xi * row[j] }
                        }
                    }
                    if layer.activation != .identity { for j in 0..<layer.outputs { dst[j] = Self.activate(layer.activation, dst[j]) } }
                    swap(&src, &dst)
                }
                return src[0]
            }
        }
    }
}
