import CXSKernels
import Foundation
import XSCore

/// Batch normalization over the batch dimension (Ioffe & Szegedy 2015), PyTorch's BatchNorm1d
/// conventions: ε = 1e-5; running statistics r ← (1 − m) r + m · batch with momentum m = 0.1,
/// the running variance taking the unbiased batch variance.
///
/// Training: x̂ = (x − μ_B) / √(σ²_B + ε), y = γ x̂ + β with the batch's μ_B, σ²_B (biased).
/// Evaluation, Monte-Carlo dropout, or frozen: the same with the running statistics; nothing updates.
/// Backward (training): dx = γ/(B √(σ²_B+ε)) · (B dy − Σ dy − x̂ Σ dy x̂); dγ += Σ dy x̂; dβ += Σ dy.
public final class BatchNorm: Layer {
    public let inputFeatures: Int
    public var outputFeatures: Int { inputFeatures }
    public let momentum: Float
    public let epsilon: Float
    public var frozen = false

    public private(set) var runningMean: [Float]
    public private(set) var runningVariance: [Float]

    private var gamma: UnsafeMutablePointer<Float>!
    private var beta: UnsafeMutablePointer<Float>!
    private var dGamma: UnsafeMutablePointer<Float>!
    private var dBeta: UnsafeMutablePointer<Float>!
    private var normalized: Matrix  // x̂, saved for backward
    private var output: Matrix
    private var dInput: Matrix
    private var inverseStd: [Float]  // 1/√(σ²+ε) of the last forward
    private var usedBatchStatistics = false
    /// Evaluation-mode forward passes skip writing x̂ (prediction needs only y = x·scale + shift);
    /// a backward after one recomputes x̂ from the saved input first.
    private var normalizedIsCurrent = false
    private var input: Matrix? = nil
    private var usedMean: [Float]
    private var sumBuffer: [Float]
    private var sumSquaresBuffer: [Float]

    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        inputFeatures = features
        self.momentum = momentum
        self.epsilon = epsilon
        runningMean = Array(repeating: 0, count: features)
        runningVariance = Array(repeating: 1, count: features)
        inverseStd = Array(repeating: 1, count: features)
        usedMean = Array(repeating: 0, count: features)
        sumBuffer = Array(repeating: 0, count: features)
        sumSquaresBuffer = Array(repeating: 0, count: features)
        normalized = Matrix(rows: 0, columns: features)
        output = Matrix(rows: 0, columns: features)
        dInput = Matrix(rows: 0, columns: features)
    }

    public var parameterLayout: [(name: String, count: Int, decays: Bool)] {
        [("gamma", inputFeatures, false), ("beta", inputFeatures, false)]
    }

    public func bind(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        gamma = values
        beta = values + inputFeatures
        dGamma = gradients
        dBeta = gradients + inputFeatures
    }

    public func reserve(batchCapacity: Int) {
        normalized = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
        output = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
        dInput = Matrix(rows: 0, columns: inputFeatures, capacity: batchCapacity)
    }

    public func initialize(using rng: inout SeededGenerator) {
        gamma.update(repeating: 1, count: inputFeatures)
        beta.update(repeating: 0, count: inputFeatures)
        runningMean = Array(repeating: 0, count: inputFeatures)
        runningVariance = Array(repeating: 1, count: inputFeatures)
    }

    public func forward(_ x: Matrix, mode: LayerMode) -> Matrix {
        let B = x.rows, C = inputFeatures
        normalized.setRows(B)
        output.setRows(B)
        usedBatchStatistics = (mode == .training && !frozen)
        normalizedIsCurrent = mode == .training
        input = x
        inverseStd.withUnsafeMutableBufferPointer { invStd in
            sumBuffer.withUnsafeMutableBufferPointer { mean in
                sumSquaresBuffer.withUnsafeMutableBufferPointer { variance in
                    if usedBatchStatistics {
                        // Batch mean and biased variance (two passes), x̂ and y in one C kernel.
                        xs_batchnorm_train_forward(
                            x.data, normalized.data, output.data, B, C, gamma, beta, epsilon,
                            mean.baseAddress!, variance.baseAddress!, invStd.baseAddress!)
                        for c in 0..<C { usedMean[c] = mean[c] }
                        let unbias = B > 1 ? Float(B) / Float(B - 1) : 1
                        runningMean.withUnsafeMutableBufferPointer { rm in
                            runningVariance.withUnsafeMutableBufferPointer { rv in
                                for c in 0..<C {
                                    rm[c] = (1 - momentum) * rm[c] + momentum * mean[c]
                                    rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * unbias
                                }
                            }
                        }
                        return
                    }
                    for c in 0..<C {
                        mean[c] = runningMean[c]
                        usedMean[c] = mean[c]
                        variance[c] = runningVariance[c]
                        invStd[c] = 1 / (variance[c] + epsilon).squareRoot()
                    }
                    if mode == .training {
                        // A frozen layer in training: running statistics, but x̂ kept for backward.
                        for r in 0..<B {
                            let xr = x.row(r), nr = normalized.row(r), yr = output.row(r)
                            for c in 0..<C {
                                let n = (xr[c] - mean[c]) * invStd[c]
                                nr[c] = n
                                yr[c] = gamma[c] * n + beta[c]
                            }
                        }
                    } else {
                        // Prediction: one pass with γ/σ folded into a scale and β − γμ/σ into a shift
                        // (held in the variance and mean buffers, no longer needed).
                        for c in 0..<C {
                            variance[c] = gamma[c] * invStd[c]
                            mean[c] = beta[c] - variance[c] * mean[c]
                        }
                        xs_scale_shift_rows(x.data, output.data, B, C, variance.baseAddress!, mean.baseAddress!)
                    }
                }
            }
        }
        return output
    }

    public func backward(_ dy: Matrix) -> Matrix {
        let B = dy.rows, C = inputFeatures
        dInput.setRows(B)
        if !normalizedIsCurrent, let x = input {
            for r in 0..<B {
                let xr = x.row(r), nr = normalized.row(r)
                for c in 0..<C { nr[c] = (xr[c] - usedMean[c]) * inverseStd[c] }
            }
            normalizedIsCurrent = true
        }
        inverseStd.withUnsafeBufferPointer { invStd in
            sumBuffer.withUnsafeMutableBufferPointer { sumDy in
                sumSquaresBuffer.withUnsafeMutableBufferPointer { sumDyXhat in
                    // Running statistics are constants outside training: the layer is then an affine map.
                    xs_batchnorm_backward(
                        dy.data, normalized.data, dInput.data, B, C, gamma, invStd.baseAddress!,
                        usedBatchStatistics ? 1 : 0, sumDy.baseAddress!, sumDyXhat.baseAddress!)
                    if !frozen {
                        for c in 0..<C {
                            dBeta[c] += sumDy[c]
                            dGamma[c] += sumDyXhat[c]
                        }
                    }
                }
            }
        }
        return dInput
    }

    public var stateBuffers: [(name: String, values: [Float])] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    public func setStateBuffer(named name: String, values: [Float]) throws {
        guard values.count == inputFeatures else {
            throw ModelFileError.mismatch("batch-norm buffer `\(name)` holds \(values.count) values, expected \(inputFeatures)")
        }
        if name == "running_var", let j = values.firstIndex(where: { !($0 >= 0) }) {
            throw ModelFileError.invalid(field: name, why: "holds \(values[j]) at index \(j); a variance is ≥ 0")
        }
        switch name {
        case "running_mean": runningMean = values
        case "running_var": runningVariance = values
        default: throw ModelFileError.mismatch("batch norm has no state buffer `\(name)`")
        }
    }

    /// Sets the running statistics to a population's mean and unbiased variance (see
    /// `Network.recomputeBatchNormStatistics`).
    public func setRunningStatistics(mean: [Float], variance: [Float]) {
        precondition(mean.count == inputFeatures && variance.count == inputFeatures, "one mean and variance per feature")
        runningMean = mean
        runningVariance = variance
    }

    /// Read access for exporters (γ, β) and for folding into the previous dense layer.
    public var gammaValues: [Float] { Array(UnsafeBufferPointer(start: gamma, count: inputFeatures)) }
    public var betaValues: [Float] { Array(UnsafeBufferPointer(start: beta, count: inputFeatures)) }
}
