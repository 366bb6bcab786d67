import CXSKernels

/// Elementwise kernels, as C loops in CXSKernels built for AVX-512, AVX2 and baseline x86-64 and
/// chosen when the library loads. (Swift's SIMD8 code, which they replace, targets baseline SSE
/// in a generic build, spilled registers and kept √ a scalar call: the Adam update alone took 11%
/// of the cycles of a batch-64 epoch.)
public enum Elementwise {
    /// y = max(x, 0)
    public static func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        xs_relu_forward(x, y, n)
    }

    /// dx = dy where x > 0, else 0.
    public static func reluBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count n: Int) {
        xs_relu_backward(x, dy, dx, n)
    }

    /// The Adam/AdamW update over `range` (Kingma & Ba 2015; Loshchilov & Hutter 2019); `l2` is
    /// Adam's coupled decay (0 for AdamW) and `decoupledDecay` is η·λ for AdamW (0 for Adam).
    /// Adding 0·θ leaves every value bit-identical to the scalar form (no FMA contraction).
    public static func adamUpdate(
        theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
        v: UnsafeMutablePointer<Float>, range: Range<Int>, beta1: Float, beta2: Float, epsilon: Float,
        stepSize: Float, inverseSqrtCorrection2: Float, l2: Float, decoupledDecay: Float
    ) {
        let i = range.lowerBound
        xs_adam_update(
            theta + i, gradient + i, m + i, v + i, range.count, beta1, beta2, epsilon, stepSize, inverseSqrtCorrection2, l2, decoupledDecay)
    }
}
