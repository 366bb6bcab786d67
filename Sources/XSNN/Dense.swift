import CXSKernels
import XSCore

/// A fully connected layer y = x W + b.
///
/// Shapes: x (B, in), W (in, out) row-major, b (out), y (B, out).
/// Gradients: dW += xᵀ dy, db += Σ_rows dy, dx = dy Wᵀ — three BLAS calls.
public final class Dense: Layer {
    /// How the weights are drawn.
    public enum Initialization: String, Codable, Sendable {
        /// He et al. 2015: N(0, 2/in), for ReLU-like activations.
        case he
        /// Glorot & Bengio 2010: U(±√(6/(in+out))), for tanh, sigmoid and linear outputs.
        case glorot
    }

    public let inputFeatures: Int
    public let outputFeatures: Int
    public let initialization: Initialization
    public var frozen = false

    private var weight: UnsafeMutablePointer<Float>!
    private var bias: UnsafeMutablePointer<Float>!
    private var dWeight: UnsafeMutablePointer<Float>!
    private var dBias: UnsafeMutablePointer<Float>!
    private var output: Matrix
    private var dInput: Matrix
    private var input: Matrix? = nil  // saved for backward

    public init(inputFeatures: Int, outputFeatures: Int, initialization: Initialization = .he) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.initialization = initialization
        output = Matrix(rows: 0, columns: outputFeatures)
        dInput = Matrix(rows: 0, columns: inputFeatures)
    }

    public var parameterLayout: [(name: String, count: Int, decays: Bool)] {
        [("weight", inputFeatures * outputFeatures, true), ("bias", outputFeatures, false)]
    }

    public func bind(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        weight = values
        bias = values + inputFeatures * outputFeatures
        dWeight = gradients
        dBias = gradients + inputFeatures * outputFeatures
    }

    public func reserve(batchCapacity: Int) {
        output = Matrix(rows: 0, columns: outputFeatures, capacity: batchCapacity)
        dInput = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
    }

    public func initialize(using rng: inout SeededGenerator) {
        let n = inputFeatures * outputFeatures
        switch initialization {
        case .he:
            let std = (2.0 / Double(inputFeatures)).squareRoot()
            for i in 0..<n { weight[i] = Float(rng.normal() * std) }
        case .glorot:
            let limit = (6.0 / Double(inputFeatures + outputFeatures)).squareRoot()
            for i in 0..<n { weight[i] = Float((2 * rng.uniform() - 1) * limit) }
        }
        bias.update(repeating: 0, count: outputFeatures)
    }

    public func forward(_ x: Matrix, mode: LayerMode) -> Matrix {
        precondition(x.columns == inputFeatures, "Dense expects \(inputFeatures) input features, got \(x.columns)")
        let B = x.rows
        input = x
        output.setRows(B)
        // y = 1 · b (broadcast) then y += x W
        for r in 0..<B { output.row(r).update(from: bias, count: outputFeatures) }
        BLAS.gemm(
            transposeA: false, transposeB: false, m: B, n: outputFeatures, k: inputFeatures,
            alpha: 1, a: x.data, lda: inputFeatures, b: weight, ldb: outputFeatures,
            beta: 1, c: output.data, ldc: outputFeatures)
        return output
    }

    public func backward(_ dy: Matrix) -> Matrix {
        guard let x = input else { preconditionFailure("Dense.backward before forward") }
        let B = dy.rows
        if !frozen {
            // dW += xᵀ dy   (in × B)(B × out)
            BLAS.gemm(
                transposeA: true, transposeB: false, m: inputFeatures, n: outputFeatures, k: B,
                alpha: 1, a: x.data, lda: inputFeatures, b: dy.data, ldb: outputFeatures,
                beta: 1, c: dWeight, ldc: outputFeatures)
            // db += Σ_rows dy
            xs_column_sums(dy.data, B, outputFeatures, dBias)
        }
        // dx = dy Wᵀ   (B × out)(out × in)
        dInput.setRows(B)
        BLAS.gemm(
            transposeA: false, transposeB: true, m: B, n: inputFeatures, k: outputFeatures,
            alpha: 1, a: dy.data, lda: outputFeatures, b: weight, ldb: outputFeatures,
            beta: 0, c: dInput.data, ldc: inputFeatures)
        return dInput
    }

    /// Read access for exporters and the single-point predictor.
    public var weightPointer: UnsafePointer<Float> { UnsafePointer(weight) }
    public var biasPointer: UnsafePointer<Float> { UnsafePointer(bias) }
}
