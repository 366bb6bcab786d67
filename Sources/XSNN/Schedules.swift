import Foundation

/// Learning rate as a function of the epoch (and, for reduce-on-plateau, a monitored metric).
public enum LearningRateSchedule: Codable, Hashable, Sendable {
    /// η constant.
    case constant
    /// η · γ^⌊epoch/every⌋.
    case step(every: Int, gamma: Double)
    /// Cosine annealing (Loshchilov & Hutter 2017) from η to η·minimumFraction over `epochs`.
    case cosine(epochs: Int, minimumFraction: Double)
    /// One-cycle (Smith & Topin 2019): cosine warm-up from η/25 to η over `warmupFraction` of
    /// `epochs`, then cosine down to η/10⁴.
    case oneCycle(epochs: Int, warmupFraction: Double)
    /// Multiply η by `factor` whenever the metric has not improved for `patience` epochs.
    case reduceOnPlateau(patience: Int, factor: Double, minimumFraction: Double)

    /// The learning rate of an epoch for a schedule without state.
    public func rate(base: Double, epoch: Int) -> Double {
        switch self {
        case .constant, .reduceOnPlateau: return base
        case let .step(every, gamma): return base * Foundation.pow(gamma, Double(epoch / max(every, 1)))
        case let .cosine(epochs, minimumFraction):
            let t = min(Double(epoch) / Double(max(epochs, 1)), 1)
            return base * (minimumFraction + (1 - minimumFraction) * 0.5 * (1 + Foundation.cos(Double.pi * t)))
        case let .oneCycle(epochs, warmupFraction):
            let warm = max(1, Int(Double(epochs) * warmupFraction))
            let start = base / 25, end = base / 1e4
            if epoch < warm {
                let t = Double(epoch) / Double(warm)
                return start + (base - start) * 0.5 * (1 - Foundation.cos(Double.pi * t))
            }
            let t = min(Double(epoch - warm) / Double(max(epochs - warm, 1)), 1)
            return end + (base - end) * 0.5 * (1 + Foundation.cos(Double.pi * t))
        }
    }
}

/// The state of reduce-on-plateau: feed it the metric after each epoch.
public struct PlateauTracker: Codable, Hashable, Sendable {
    public var best = Double.greatestFiniteMagnitude  // JSON has no ∞
    public var epochsSinceBest = 0
    public var scale = 1.0

    public init() {}

    /// Updates with this epoch's metric; returns the current learning-rate scale.
    public mutating func update(metric: Double, patience: Int, factor: Double, minimumFraction: Double) -> Double {
        if metric < best * (1 - 1e-4) {
            best = metric
            epochsSinceBest = 0
        } else {
            epochsSinceBest += 1
            if epochsSinceBest > patience {
                scale = max(scale * factor, minimumFraction)
                epochsSinceBest = 0
            }
        }
        return scale
    }
}
