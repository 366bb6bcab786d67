import Dispatch

/// Elementwise kernels written over SIMD8 vectors: the compiler does not vectorize the
/// branchy scalar forms (ReLU's select) by itself. Each has a scalar tail for n mod 8.
public enum Elementwise {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vector { UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self) }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) { UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self) }

    /// y = max(x, 0)
    public static func reluForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        // replacing(with:where:) compiles to a compare and a blend; the generic pointwiseMax is
        // not specialized here and was 6% of a training epoch.
        while i + 8 <= n {
            let v = load(x, i)
            store(v.replacing(with: zero, where: v .< zero), y, i)
            i += 8
        }
        while i < n { y[i] = max(x[i], 0); i += 1 }
    }

    /// dx = dy · [x > 0]
    public static func reluBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count n: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + 8 <= n { store(load(dy, i).replacing(with: zero, where: load(x, i) .<= zero), dx, i); i += 8 }
        while i < n { dx[i] = x[i] > 0 ? dy[i] : 0; i += 1 }
    }

    /// The Adam/AdamW update over `range` (Kingma & Ba 2015; Loshchilov & Hutter 2019), written
    /// branch-free over SIMD8 so it vectorizes; `l2` is Adam's coupled decay (0 for AdamW) and
    /// `decoupledDecay` is η·λ for AdamW (0 for Adam). Adding 0·θ leaves every value bit-identical
    /// to the scalar form.
    public static func adamUpdate(theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                                  v: UnsafeMutablePointer<Float>, range: Range<Int>, beta1: Float, beta2: Float, epsilon: Float,
                                  stepSize: Float, inverseSqrtCorrection2: Float, l2: Float, decoupledDecay: Float) {
        var i = range.lowerBound
        let b1 = Vector(repeating: beta1), b2 = Vector(repeating: beta2), c1 = Vector(repeating: 1 - beta1), c2 = Vector(repeating: 1 - beta2)
        let step = Vector(repeating: stepSize), isc2 = Vector(repeating: inverseSqrtCorrection2), eps = Vector(repeating: epsilon)
        let l2v = Vector(repeating: l2), dd = Vector(repeating: decoupledDecay)
        while i + 8 <= range.upperBound {
            let th = load(theta, i)
            let g = load(gradient, i) + l2v * th
            let mi = b1 * load(m, i) + c1 * g
            let vi = b2 * load(v, i) + c2 * g * g
            store(mi, m, i)
            store(vi, v, i)
            store(th - (step * mi / (vi.squareRoot() * isc2 + eps) + dd * th), theta, i)
            i += 8
        }
        while i < range.upperBound {
            let th = theta[i]
            let g = gradient[i] + l2 * th
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            theta[i] = th - (stepSize * m[i] / (v[i].squareRoot() * inverseSqrtCorrection2 + epsilon) + decoupledDecay * th)
            i += 1
        }
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
