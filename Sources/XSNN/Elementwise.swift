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
