import XSCore
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
    /// fit would otherwise carry them away (TRAINING-NOTES). 0.7 measured best on the carbon test
    /// split (README, "Choosing the recipe"); earlier releases lower χ²/N but let the λ_k and
    /// the network drift together, away from the data as published.
    public var releaseFraction = 0.7
    /// Each λ_k stays within this many Δλ_k of 1 (a network far from its fit would otherwise
    /// push them away: TRAINING-NOTES saw λ_k 10–25σ off with the reference recipe).
    public var normalizationBound = 5.0
    public var evaluateEvery = 10
    public var seed: UInt64 = 1
    public var threads = 2
    /// Bootstrap replica I of N (model A of the uncertainty study): trained on a clone data set
    /// with its own seed. nil for an ordinary run.
    public var replica: Int? = nil
    public var replicaCount: Int? = nil
    public var bootstrap: BootstrapKind = .parametric

    /// How a replica's clone data set is drawn.
    public enum BootstrapKind: String, Codable, CaseIterable, Sendable {
        /// σ_i → ν_k (σ_i + Δσ_i g_i), g_i ~ N(0, 1), ν_k ~ N(1, Δλ_k) per data set (Kowal et al. 2024).
        case parametric
        /// The training points drawn with replacement (non-parametric bootstrap).
        case resample
    }

    /// The seed of the network and shuffling: the base seed for an ordinary run, a derived one per replica.
    public var effectiveSeed: UInt64 {
        guard let replica else { return seed }
        var g = SeededGenerator(seed: seed).derived(UInt64(replica) + 1)
        return g.next()
    }

    public init() {}

    enum CodingKeys: String, CodingKey { case features, output, chi2, relativeErrorFloor, depth, width, activation, batchNorm, dropout, optimizer, learningRate, weightDecay, schedule, minimumLearningRateFraction, epochs, batchSize, gradientClip, normalization, releaseFraction, normalizationBound, evaluateEvery, seed, threads, replica, replicaCount, bootstrap }

    /// Decodes a configuration; keys it lacks (files written by an older xsnet) take their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingConfig()
        features = try c.decodeIfPresent(type(of: d.features), forKey: .features) ?? d.features
        output = try c.decodeIfPresent(type(of: d.output), forKey: .output) ?? d.output
        chi2 = try c.decodeIfPresent(type(of: d.chi2), forKey: .chi2) ?? d.chi2
        relativeErrorFloor = try c.decodeIfPresent(type(of: d.relativeErrorFloor), forKey: .relativeErrorFloor) ?? d.relativeErrorFloor
        depth = try c.decodeIfPresent(type(of: d.depth), forKey: .depth) ?? d.depth
        width = try c.decodeIfPresent(type(of: d.width), forKey: .width) ?? d.width
        activation = try c.decodeIfPresent(type(of: d.activation), forKey: .activation) ?? d.activation
        batchNorm = try c.decodeIfPresent(type(of: d.batchNorm), forKey: .batchNorm) ?? d.batchNorm
        dropout = try c.decodeIfPresent(type(of: d.dropout), forKey: .dropout) ?? d.dropout
        optimizer = try c.decodeIfPresent(type(of: d.optimizer), forKey: .optimizer) ?? d.optimizer
        learningRate = try c.decodeIfPresent(type(of: d.learningRate), forKey: .learningRate) ?? d.learningRate
        weightDecay = try c.decodeIfPresent(type(of: d.weightDecay), forKey: .weightDecay) ?? d.weightDecay
        schedule = try c.decodeIfPresent(type(of: d.schedule), forKey: .schedule) ?? d.schedule
        minimumLearningRateFraction = try c.decodeIfPresent(type(of: d.minimumLearningRateFraction), forKey: .minimumLearningRateFraction) ?? d.minimumLearningRateFraction
        epochs = try c.decodeIfPresent(type(of: d.epochs), forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(type(of: d.batchSize), forKey: .batchSize) ?? d.batchSize
        gradientClip = try c.decodeIfPresent(type(of: d.gradientClip), forKey: .gradientClip) ?? d.gradientClip
        normalization = try c.decodeIfPresent(type(of: d.normalization), forKey: .normalization) ?? d.normalization
        releaseFraction = try c.decodeIfPresent(type(of: d.releaseFraction), forKey: .releaseFraction) ?? d.releaseFraction
        normalizationBound = try c.decodeIfPresent(type(of: d.normalizationBound), forKey: .normalizationBound) ?? d.normalizationBound
        evaluateEvery = try c.decodeIfPresent(type(of: d.evaluateEvery), forKey: .evaluateEvery) ?? d.evaluateEvery
        seed = try c.decodeIfPresent(type(of: d.seed), forKey: .seed) ?? d.seed
        threads = try c.decodeIfPresent(type(of: d.threads), forKey: .threads) ?? d.threads
        replica = try c.decodeIfPresent(type(of: d.replica), forKey: .replica) ?? d.replica
        replicaCount = try c.decodeIfPresent(type(of: d.replicaCount), forKey: .replicaCount) ?? d.replicaCount
        bootstrap = try c.decodeIfPresent(type(of: d.bootstrap), forKey: .bootstrap) ?? d.bootstrap
    }

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
        c.releaseFraction = 0.5
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
