import Foundation

/// An optimizer updates parameter groups from their accumulated gradients.
public protocol Optimizer {
    /// One update with base learning rate `learningRate` (each group scales it by its own factor).
    mutating func step(learningRate: Float)
    /// Its internal state as floats, and the number of steps taken (for checkpoints).
    var state: [Float] { get }
    var stepCount: Int { get }
    /// Restores a checkpoint's state; throws (`ModelFileError.invalid`) when it cannot be this
    /// optimizer's: another size, a negative step count, a negative second moment.
    mutating func restore(state: [Float], stepCount: Int) throws
}

extension Optimizer {
    static func checkRestorable(_ state: [Float], count: Int, stepCount: Int) throws {
        guard state.count == count else {
            throw ModelFileError.invalid(field: "optimizer", why: "holds \(state.count) values; this optimizer and network have \(count)")
        }
        // 2⁵³ steps is beyond any run (10⁷ epochs of 10⁶ batches is 10¹³) and leaves room to count on.
        guard (0...(1 << 53)).contains(stepCount) else {
            throw ModelFileError.invalid(field: "optimizerSteps", why: "is \(stepCount), outside 0…2⁵³")
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction, and AdamW (Loshchilov & Hutter 2019):
///   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   m̂ = m/(1 − β₁ᵗ),   v̂ = v/(1 − β₂ᵗ)
///   θ ← θ − η (m̂ / (√v̂ + ε))            and, decoupled (AdamW):  θ ← θ − η λ θ
/// With `decoupled = false` the decay is Adam's L2 term instead: g ← g + λ θ before the moments.
public struct Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var decoupled: Bool
    /// Threads for the update of large tensors (an explicit setting, like BLAS.threads).
    public var threads = 1
    public private(set) var stepCount = 0
    public let groups: [ParameterGroup]
    private var m: [UnsafeMutablePointer<Float>]
    private var v: [UnsafeMutablePointer<Float>]
    private let storage: MomentStorage

    /// Owns the moment buffers (a struct cannot deinit).
    final class MomentStorage {
        var buffers: [UnsafeMutablePointer<Float>] = []
        deinit { for b in buffers { b.deallocate() } }
    }

    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, decoupled: Bool = true) {
        self.groups = groups
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupled = decoupled
        storage = MomentStorage()
        m = []
        v = []
        for g in groups {
            let a = UnsafeMutablePointer<Float>.allocate(capacity: max(g.count, 1)); a.initialize(repeating: 0, count: max(g.count, 1))
            let b = UnsafeMutablePointer<Float>.allocate(capacity: max(g.count, 1)); b.initialize(repeating: 0, count: max(g.count, 1))
            m.append(a); v.append(b)
            storage.buffers += [a, b]
        }
    }

    /// The moments of every group, flattened as m₀ v₀ m₁ v₁ … (for checkpoints).
    public var state: [Float] {
        var out: [Float] = []
        for (k, g) in groups.enumerated() {
            out += UnsafeBufferPointer(start: m[k], count: g.count)
            out += UnsafeBufferPointer(start: v[k], count: g.count)
        }
        return out
    }

    /// Restores moments saved by `state` and the step count (a resumed run continues exactly).
    public mutating func restore(state: [Float], stepCount: Int) throws {
        try Self.checkRestorable(state, count: 2 * groups.reduce(0) { $0 + $1.count }, stepCount: stepCount)
        var offset = 0
        for (k, g) in groups.enumerated() {
            for i in 0..<g.count { m[k][i] = state[offset + i] }
            offset += g.count
            for i in 0..<g.count {
                // v is a running mean of g²: √v̂ of a negative value would make every update NaN.
                guard state[offset + i] >= 0 else {
                    throw ModelFileError.invalid(field: "optimizer", why: "holds a negative second moment \(state[offset + i])")
                }
                v[k][i] = state[offset + i]
            }
            offset += g.count
        }
        self.stepCount = stepCount
    }

    public mutating func step(learningRate: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let correction1 = 1 - Foundation.pow(beta1, t)
        let correction2 = 1 - Foundation.pow(beta2, t)
        let (b1, b2, eps, decoupled) = (beta1, beta2, epsilon, decoupled)
        let inverseSqrtCorrection2 = 1 / correction2.squareRoot()
        let (groups, m, v) = (self.groups, self.m, self.v)
        // Updates elements lo..<hi of the concatenation of all groups.
        let update: (Int, Int) -> Void = { lo, hi in
            var offset = 0
            for (k, group) in groups.enumerated() {
                let a = max(lo, offset), b = min(hi, offset + group.count)
                if a < b {
                    let lr = learningRate
                    Elementwise.adamUpdate(
                        theta: group.values, gradient: group.gradients, m: m[k], v: v[k], range: (a - offset)..<(b - offset),
                        beta1: b1, beta2: b2, epsilon: eps, stepSize: lr / correction1,
                        inverseSqrtCorrection2: inverseSqrtCorrection2, l2: decoupled ? 0 : group.weightDecay,
                        decoupledDecay: decoupled ? lr * group.weightDecay : 0)
                }
                offset += group.count
            }
        }
        // The update is elementwise, so splitting all parameters into `threads` contiguous parts
        // gives the same bits as one pass; small models stay on the calling thread.
        let total = groups.reduce(0) { $0 + $1.count }
        let parts = total >= 131_072 ? max(threads, 1) : 1
        if parts == 1 { update(0, total); return }
        // The parts are disjoint, so they may run concurrently.
        nonisolated(unsafe) let run = update
        DispatchQueue.concurrentPerform(iterations: parts) { p in run(p * total / parts, (p + 1) * total / parts) }
    }
}

/// Stochastic gradient descent with momentum, PyTorch's convention:
///   b ← μ b + (g + λ θ),   θ ← θ − η b   (plain SGD for μ = 0).
public struct SGD: Optimizer {
    public var momentum: Float
    public let groups: [ParameterGroup]
    public private(set) var stepCount = 0
    private var velocity: [[Float]]

    public var state: [Float] { velocity.flatMap { $0 } }

    public mutating func restore(state: [Float], stepCount: Int) throws {
        try Self.checkRestorable(state, count: groups.reduce(0) { $0 + $1.count }, stepCount: stepCount)
        var offset = 0
        for k in velocity.indices {
            velocity[k] = Array(state[offset..<(offset + velocity[k].count)])
            offset += velocity[k].count
        }
        self.stepCount = stepCount
    }

    public init(groups: [ParameterGroup], momentum: Float = 0.9) {
        self.groups = groups
        self.momentum = momentum
        velocity = groups.map { Array(repeating: 0, count: $0.count) }
    }

    public mutating func step(learningRate: Float) {
        stepCount += 1
        for (k, group) in groups.enumerated() {
            let lr = learningRate
            velocity[k].withUnsafeMutableBufferPointer { b in
                for i in 0..<group.count {
                    let g = group.gradients[i] + group.weightDecay * group.values[i]
                    b[i] = momentum * b[i] + g
                    group.values[i] -= lr * b[i]
                }
            }
        }
    }
}

/// Clips the global L2 norm of all groups' gradients to `maxNorm` (Pascanu et al. 2013).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ groups: [ParameterGroup], maxNorm: Float) -> Float {
    var sumSquares: Double = 0
    for g in groups {
        var s: Float = 0
        for i in 0..<g.count { s += g.gradients[i] * g.gradients[i] }
        sumSquares += Double(s)
    }
    let norm = Float(sumSquares.squareRoot())
    if norm > maxNorm && norm > 0 {
        let scale = maxNorm / norm
        for g in groups { for i in 0..<g.count { g.gradients[i] *= scale } }
    }
    return norm
}
