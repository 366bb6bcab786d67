import XSNN

/// Every hyperparameter of a training run. `fast` is the default recipe; `paper` reproduces
/// the reference architecture and loss of Kowal et al. (2024).
public struct TrainingConfig: Codable, Hashable, Sendable {
    public enum OutputKind: String, Codable, CaseIterable, Sendable { case log, sigmoid }
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable { case adam, adamw, sgd }
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable { case constant, step, cosine, onecycle, plateau }
    public enum NormalizationMode: String, Codable, CaseIterable, Sendable {
        /// λ_k fitted with the network (closed form after each evaluation, from `releaseFraction` on).
        case fit
        /// λ_k = 1 throughout.
        case fixed
    }

    public var features: FeatureSet = .physics
    public var output: OutputKind = .log
    public var chi2: Chi2Form = .logarithmic
    public var relativeErrorFloor = 0.01
    public var depth = 4
    public var width = 128
    public var activation: ActivationKind = .silu
    public var batchNorm = false
    public var dropout = 0.0
    public var optimizer: OptimizerKind = .adam
    public var learningRate = 2e-3
    public var weightDecay = 0.0
    public var schedule: ScheduleKind = .cosine
    public var minimumLearningRateFraction = 0.01
    public var epochs = 3000
    public var batchSize = 128
    public var gradientClip = 0.0
    public var normalization: NormalizationMode = .fit
    /// λ_k are held at 1 for this fraction of the epochs, then fitted: a network far from its
    /// fit would otherwise push them away (TRAINING-NOTES).
    public var releaseFraction = 0.3
    public var evaluateEvery = 10
    public var seed: UInt64 = 1
    public var threads = 2

    public init() {}

    /// The fast default recipe (see the README for the measurements behind it).
    public static let fast = TrainingConfig()

    /// The reference network and loss of Kowal et al. (2024): reference inputs, 10 × [Dense 300,
    /// BatchNorm, ReLU], sigmoid × S output, linear χ² with λ_k, AdamW.
    public static var paper: TrainingConfig {
        var c = TrainingConfig()
        c.features = .reference
        c.output = .sigmoid
        c.chi2 = .linear
        c.depth = 10
        c.width = 300
        c.activation = .relu
        c.batchNorm = true
        c.optimizer = .adamw
        c.learningRate = 1e-3
        c.weightDecay = 1e-4
        c.schedule = .onecycle
        c.epochs = 2000
        c.batchSize = 256
        return c
    }

    public var networkSpec: NetworkSpec {
        NetworkSpec(inputFeatures: features.count,
                    blocks: Array(repeating: BlockSpec(width: width, batchNorm: batchNorm, activation: activation, dropout: dropout), count: depth))
    }

    public var learningRateSchedule: LearningRateSchedule {
        switch schedule {
        case .constant: .constant
        case .step: .step(every: max(epochs / 4, 1), gamma: 0.3)
        case .cosine: .cosine(epochs: epochs, minimumFraction: minimumLearningRateFraction)
        case .onecycle: .oneCycle(epochs: epochs, warmupFraction: 0.3)
        case .plateau: .reduceOnPlateau(patience: max(epochs / 20, 5), factor: 0.5, minimumFraction: minimumLearningRateFraction)
        }
    }
}
