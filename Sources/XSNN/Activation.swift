import CXSKernels
import Foundation
import XSCore

/// Elementwise activation functions.
public enum ActivationKind: String, Codable, CaseIterable, Sendable {
    case identity, relu, tanh, silu, sigmoid
}

/// An elementwise activation layer y = f(x); dx = dy · f′(x), with σ(x) = 1/(1 + e^{−x}).
/// f′ is computed from what forward saved: x for ReLU and SiLU, y for tanh (1 − y²) and sigmoid (y(1 − y)).
/// The loops are C kernels (CXSKernels).
public final class Activation: Layer {
    public let kind: ActivationKind
    public let inputFeatures: Int
    public var outputFeatures: Int { inputFeatures }
    public var frozen = false
    private var output: Matrix
    private var dInput: Matrix
    private var input: Matrix? = nil  // saved for backward

    public init(_ kind: ActivationKind, features: Int) {
        self.kind = kind
        inputFeatures = features
        output = Matrix(rows: 0, columns: features)
        dInput = Matrix(rows: 0, columns: features)
    }

    public func reserve(batchCapacity: Int) {
        output = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
        dInput = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
    }

    public func forward(_ x: Matrix, mode: LayerMode) -> Matrix {
        if kind == .identity { return x }
        input = x
        output.setRows(x.rows)
        let n = x.count
        let src = x.data, dst = output.data
        switch kind {
        case .identity: break
        case .relu: Elementwise.reluForward(src, dst, count: n)
        case .tanh: xs_tanh_forward(src, dst, n)
        case .silu: xs_silu_forward(src, dst, n)
        case .sigmoid: xs_sigmoid_forward(src, dst, n)
        }
        return output
    }

    public func backward(_ dy: Matrix) -> Matrix {
        if kind == .identity { return dy }
        guard let x = input else { preconditionFailure("Activation.backward before forward") }
        dInput.setRows(dy.rows)
        let n = dy.count
        let g = dy.data, dx = dInput.data, xs = x.data, ys = output.data
        switch kind {
        case .identity: break
        case .relu: Elementwise.reluBackward(xs, g, dx, count: n)
        case .tanh: xs_tanh_backward(ys, g, dx, n)
        // d/dx [x σ(x)] = σ(x) (1 + x (1 − σ(x)))
        case .silu: xs_silu_backward(xs, g, dx, n)
        case .sigmoid: xs_sigmoid_backward(ys, g, dx, n)
        }
        return dInput
    }
}

/// Inverted dropout (Srivastava et al. 2014): in training each element is zeroed with
/// probability p and the survivors scaled by 1/(1 − p), so evaluation is the identity.
/// Monte-Carlo mode keeps it on at prediction (model B of the uncertainty study).
/// The layer draws from its own seeded generator: the same seed gives the same masks.
public final class Dropout: Layer {
    /// Drop probability; may be changed after training for MC prediction with another p.
    public var probability: Float
    public let inputFeatures: Int
    public var outputFeatures: Int { inputFeatures }
    public var frozen = false
    public var generator: SeededGenerator
    /// The key of the masks of Monte-Carlo prediction passes (`LayerMode.monteCarloPass`): fixed
    /// when the layer is built, so a trained network and the same network read back from its file
    /// draw the same pass masks (the generator moves in training and is not stored in model files).
    public let passKey: UInt64
    private var mask: Matrix
    private var output: Matrix
    private var dInput: Matrix
    private var active = false

    public init(probability: Float, features: Int, seed: UInt64, passKey: UInt64? = nil) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.probability = probability
        inputFeatures = features
        generator = SeededGenerator(seed: seed)
        self.passKey = passKey ?? seed
        mask = Matrix(rows: 0, columns: features)
        output = Matrix(rows: 0, columns: features)
        dInput = Matrix(rows: 0, columns: features)
    }

    public func reserve(batchCapacity: Int) {
        mask = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
        output = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
        dInput = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
    }

    /// The mask of Monte-Carlo pass `pass`, one factor per feature (0 or 1/(1 − p)) for every
    /// point: drawn from a stream fixed by the pass key and the pass number.
    public func passMask(_ pass: Int) -> [Float] {
        let keep = 1 - probability, scale = 1 / keep
        var stream = SeededGenerator(seed: passKey).derived(UInt64(pass))
        return (0..<inputFeatures).map { _ -> Float in stream.uniformFloat() < keep ? scale : 0 }
    }

    public func forward(_ x: Matrix, mode: LayerMode) -> Matrix {
        active = probability > 0 && mode != .evaluation
        guard active else { return x }
        mask.setRows(x.rows)
        output.setRows(x.rows)
        let keep = 1 - probability, scale = 1 / keep
        if case let .monteCarloPass(pass) = mode {
            let columnMask = passMask(pass)
            for r in 0..<x.rows {
                for j in 0..<inputFeatures {
                    let i = r * inputFeatures + j
                    mask.data[i] = columnMask[j]
                    output.data[i] = x.data[i] * columnMask[j]
                }
            }
            return output
        }
        let n = x.count
        for i in 0..<n {
            let m: Float = generator.uniformFloat() < keep ? scale : 0
            mask.data[i] = m
            output.data[i] = x.data[i] * m
        }
        return output
    }

    public func backward(_ dy: Matrix) -> Matrix {
        guard active else { return dy }
        dInput.setRows(dy.rows)
        for i in 0..<dy.count { dInput.data[i] = dy.data[i] * mask.data[i] }
        return dInput
    }
}
