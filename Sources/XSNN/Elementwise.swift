import CXSKernels
import Dispatch

/// Elementwise kernels. The hot ones (ReLU, the Adam update) are C loops in CXSKernels, built
/// for AVX-512, AVX2 and baseline x86-64 and chosen when the library loads: Swift's SIMD8 code
/// targets baseline SSE (a generic build cannot assume AVX) and spilled registers in the Adam
/// update, which then took 11% of a batch-64 epoch. The rest are SIMD8 loops with a scalar tail.
public enum Elementwise {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vector { UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self) }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self) }

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
    public static func adamUpdate(theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                                  v: UnsafeMutablePointer<Float>, range: Range<Int>, beta1: Float, beta2: Float, epsilon: Float,
                                  stepSize: Float, inverseSqrtCorrection2: Float, l2: Float, decoupledDecay: Float) {
        let i = range.lowerBound
        xs_adam_update(theta + i, gradient + i, m + i, v + i, range.count, beta1, beta2, epsilon, stepSize, inverseSqrtCorrection2, l2, decoupledDecay)
    }

    /// Runs `body(range)` over `count` elements in `parts` contiguous chunks on as many threads
    /// (serially when the work is too small to pay for a thread hand-off).
    @inline(__always)
    public static func parallelChunks(count: Int, parts: Int, minimumPerPart: Int = 65_536, _ body: (Range<Int>) -> Void) {
        let p = min(parts, max(1, count / minimumPerPart))
        if p <= 1 { body(0..<count); return }
        // The chunks are disjoint, so the body may run concurrently (the caller's contract).
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let run = escapable
            DispatchQueue.concurrentPerform(iterations: p) { k in
                run((k * count / p)..<((k + 1) * count / p))
            }
        }
    }
}
