import Foundation
import XSCore
import XSData
import XSNN

/// Every hyperparameter of a training run. `fast` is the default recipe; `paper` reproduces
/// the reference architecture and loss of Kowal et al. (2024).
public struct TrainingConfig: Codable, Hashable, Sendable {
    /// How the network's output becomes σ (`OutputTransform`): exp × S, sigmoid × S, or the two
    /// responses of one-photon exchange (`responses`, which needs the `responses` features), or a
    /// correction to the Bosted–Mamyan fit (`reference`: log σ = log σ_BM + NN, nuclei with A > 2),
    /// or the response head on the fit's responses (`reference-responses`: R = R_BM exp(NN)).
    public enum OutputKind: String, Codable, CaseIterable, Sendable {
        case log, sigmoid, responses, reference
        case referenceResponses = "reference-responses"

        /// Whether the network outputs the two responses (and needs the `responses` features).
        public var isResponseHead: Bool { self == .responses || self == .referenceResponses }
        /// Whether σ is built on the Bosted–Mamyan fit (nuclei with A > 2).
        public var usesReference: Bool { self == .reference || self == .referenceResponses }
    }
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable { case adam, adamw, sgd }
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable { case constant, step, cosine, onecycle, plateau }
    public enum NormalizationMode: String, Codable, CaseIterable, Sendable {
        /// λ_k fitted with the network (closed form after each evaluation, from `releaseFraction` on).
        case fit
        /// λ_k held where they start: 1 (an update starts them from its model's fitted λ_k,
        /// `Trainer.Start.normalizations`).
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
    /// fit would otherwise carry them away. 0.7 measured best on the carbon test split (docs/carbon-model.md,
    /// "Choosing the recipe"); releasing them earlier lowers χ²/N but lets the λ_k and the network
    /// drift together, away from the data as published.
    public var releaseFraction = 0.7
    /// Each λ_k stays within this many Δλ_k of 1 (a network far from its fit would otherwise
    /// push them away: TRAINING-NOTES saw λ_k 10–25σ off with the reference recipe).
    public var normalizationBound = 5.0
    public var evaluateEvery = 10
    /// Whether the model's cross section carries the Coulomb distortion of the electron waves
    /// (`CoulombDistortion`, the effective momentum approximation): the networks then describe the
    /// Born cross section, σ(E, θ, ω) = (E_eff/E)² σ_Born(E + V_eff, θ, ω), and the data, which
    /// for most experiments of the archive are not corrected for it, are fitted with the distortion
    /// applied. nil (what a file made before the option holds) and false: off.
    public var coulombDistortion: Bool? = nil
    /// How many pseudo-points of the Bosted–Mamyan fit join the training points
    /// (`ReferencePseudoData`: the fit as a prior where no data are); nil and 0: none.
    public var referencePseudoPoints: Int? = nil
    /// Their relative error τ: each weighs 1/τ² in the logarithmic χ² (a measured point 1/(Δσ/σ)²).
    /// nil reads as `defaultReferencePseudoError`.
    public var referencePseudoError: Double? = nil
    /// No pseudo-point within this Euclidean distance of a training point in the network's
    /// standardized inputs (each input mean 0, standard deviation 1 over the training points);
    /// nil reads as `defaultReferencePseudoMinimumDistance`.
    public var referencePseudoMinimumDistance: Double? = nil
    /// A bootstrap replica's pseudo-data are the fit × exp δ, δ a smooth random function of the
    /// inputs with this standard deviation (`ReferencePseudoData.smoothRandomShift`): the fit's own
    /// error, so that the band keeps the prior's width where only the fit speaks; nil and 0: none.
    public var referencePseudoShapeError: Double? = nil
    /// The share of training points whose nucleus code (`kinematic-coded` features) is replaced,
    /// each time it is seen, by the code of an unknown nucleus; nil and 0: none.
    public var nucleusCodeDropout: Double? = nil
    /// The reference priors' log correction u enters as c tanh(u/c) with this c: the fit is
    /// corrected by at most a factor e^c (`OutputTransform.boundedCorrection`); nil: unbounded.
    public var referenceCorrectionBound: Double? = nil
    /// The bound of the reference presets' correction (`prior`, `responses-prior`,
    /// `any-target-prior`, `any-target-scaling-prior`; the kinematic ones take 3): 10, a factor of
    /// e¹⁰ ≈ 22,000 either way. Put in after a carbon network of `responses-prior`, unbounded, gave
    /// 9.5 × 10²²⁴ nb/sr/GeV at 14.6 GeV, 175°, ω = 0.01 GeV, where the fit gives 10⁻³⁹; a bound
    /// of 3 cost that recipe 0.7 point on carbon's random test split, 10 nothing beyond the seed
    /// scatter (docs/generalization.md, "Far from the data").
    public static let defaultReferenceCorrectionBound = 10.0
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
        /// Both: the points drawn with replacement, then each value and each data set's
        /// normalization drawn as in `parametric`. Fine-tuned ensembles use it: on a dozen points a
        /// parametric clone alone leaves every member fitting the same points, and the band
        /// collapses there.
        case resampledParametric = "resampled-parametric"
    }

    /// `coulombDistortion`, nil read as off.
    public var usesCoulombDistortion: Bool { coulombDistortion ?? false }

    /// τ of the pseudo-points when the configuration gives none: about the fit's median deviation
    /// from carbon's data (8.97%) and its spread.
    public static let defaultReferencePseudoError = 0.15
    /// The pseudo-points' distance from the training points when the configuration gives none.
    public static let defaultReferencePseudoMinimumDistance = 0.0
    /// `referencePseudoPoints`, nil read as 0.
    public var pseudoPointCount: Int { referencePseudoPoints ?? 0 }
    /// `referencePseudoError`, nil read as `defaultReferencePseudoError`.
    public var pseudoPointError: Double { referencePseudoError ?? Self.defaultReferencePseudoError }
    /// `referencePseudoMinimumDistance`, nil read as `defaultReferencePseudoMinimumDistance`.
    public var pseudoPointMinimumDistance: Double { referencePseudoMinimumDistance ?? Self.defaultReferencePseudoMinimumDistance }
    /// `referencePseudoShapeError`, nil read as 0 (no shift).
    public var pseudoPointShapeError: Double { referencePseudoShapeError ?? 0 }

    /// This configuration without the reference fit's pseudo-data.
    public func withoutReferencePseudoData() -> TrainingConfig {
        var c = self
        c.referencePseudoPoints = nil
        c.referencePseudoError = nil
        c.referencePseudoMinimumDistance = nil
        c.referencePseudoShapeError = nil
        return c
    }

    /// The seed of the network and shuffling: the base seed for an ordinary run, a derived one per replica.
    public var effectiveSeed: UInt64 {
        guard let replica else { return seed }
        var g = SeededGenerator(seed: seed).derived(UInt64(replica) + 1)
        return g.next()
    }

    public init() {}

    /// A configuration from JSON that may give only some fields (`xsnet train --config FILE`): the
    /// given fields laid over `base`'s encoded ones. A key that is not a field is refused by name,
    /// so a misspelt option is not silently ignored.
    public static func decode(json data: Data, over base: TrainingConfig = .fast) throws -> TrainingConfig {
        guard let given = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TrainingConfigError.notAnObject
        }
        var merged: [String: Any] = try base.jsonFields()
        let known = Set(merged.keys).union([
            "replica", "replicaCount", "coulombDistortion", "referencePseudoPoints", "referencePseudoError", "referencePseudoMinimumDistance",
            "referencePseudoShapeError", "nucleusCodeDropout", "referenceCorrectionBound"
        ])  // the optional fields are absent when nil
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) { throw TrainingConfigError.unknownField(unknown) }
        merged.merge(given) { _, new in new }
        let config = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: merged))
        try config.validate()
        return config
    }

    /// Throws `TrainingConfigError.outOfRange` naming the first field outside what a run can use:
    /// sizes a 24 GiB machine holds (a 4096-wide block has 16.8 M weights), probabilities and
    /// fractions in their ranges, every number finite. A command line, a `--config` file, a model
    /// file and a checkpoint are all checked here, before any work.
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ requirement: String) throws {
            if !ok { throw TrainingConfigError.outOfRange(field: field, requirement: requirement) }
        }
        try require((0..<1).contains(relativeErrorFloor), "relativeErrorFloor", "must be in [0, 1)")
        try require((0...64).contains(depth), "depth", "must be in 0…64")
        try require((1...4096).contains(width), "width", "must be in 1…4096")
        try require((0..<1).contains(dropout), "dropout", "must be in [0, 1)")
        try require(learningRate > 0 && learningRate.isFinite, "learningRate", "must be a finite number > 0")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weightDecay", "must be a finite number ≥ 0")
        try require((0...1).contains(minimumLearningRateFraction), "minimumLearningRateFraction", "must be in [0, 1]")
        try require((1...10_000_000).contains(epochs), "epochs", "must be in 1…10,000,000")
        try require((1...1_000_000).contains(batchSize), "batchSize", "must be in 1…1,000,000")
        try require(gradientClip >= 0 && gradientClip.isFinite, "gradientClip", "must be a finite number ≥ 0 (0: off)")
        try require((0...1).contains(releaseFraction), "releaseFraction", "must be in [0, 1]")
        try require(normalizationBound > 0 && normalizationBound.isFinite, "normalizationBound", "must be a finite number > 0")
        try require(evaluateEvery >= 1, "evaluateEvery", "must be at least 1")
        try require((1...256).contains(threads), "threads", "must be in 1…256")
        try require((replica == nil) == (replicaCount == nil), "replica", "and replicaCount go together")
        // The response head's angle dependence is σ_Mott (v_L R_L + v_T R_T): an input that knew
        // the angle would let the network undo it.
        try require(
            !output.isResponseHead || features.isFunctionOfMomentumAndEnergyTransfer, "features",
            "must be `responses`, `any-target`, `kinematic` or `kinematic-coded` (functions of q and ω) with the response head")
        // The any-target features are functions of (q, ω) and the nucleus: σ/S(E, θ) of the
        // sigmoid and log heads would need the angle.
        try require(
            !(features == .anyTarget || features == .kinematic || features == .kinematicCoded) || output.isResponseHead || output.usesReference,
            "output",
            "must be `responses`, `reference` or `reference-responses` with the any-target and kinematic features")
        try require((0...1_000_000).contains(pseudoPointCount), "referencePseudoPoints", "must be in 0…1,000,000")
        if let d = referencePseudoMinimumDistance {
            try require(d >= 0 && d <= 100, "referencePseudoMinimumDistance", "must be in 0…100 (standard deviations of the inputs)")
        }
        if let s = referencePseudoShapeError {
            try require(s >= 0 && s <= 10, "referencePseudoShapeError", "must be in 0…10 (a standard deviation of log σ)")
        }
        if let c = referenceCorrectionBound {
            let largest = OutputTransform.largestCorrectionBound
            try require(c > 0 && c <= largest, "referenceCorrectionBound", "must be in (0, \(Int(largest))] (a log factor)")
        }
        if let p = nucleusCodeDropout {
            try require((0..<1).contains(p), "nucleusCodeDropout", "must be in [0, 1)")
        }
        if let τ = referencePseudoError {
            try require(τ > 0 && τ <= 10, "referencePseudoError", "must be in (0, 10] (a relative error)")
        }
        if let replica, let replicaCount {
            try require((1...100_000).contains(replicaCount), "replicaCount", "must be in 1…100,000")
            try require((0..<replicaCount).contains(replica), "replica", "must be in 0..<replicaCount")
        }
    }

    /// The fields (JSON names, sorted) whose values differ between two configurations.
    public static func changedFields(from old: TrainingConfig, to new: TrainingConfig) throws -> [String] {
        let a = try old.jsonFields(), b = try new.jsonFields()
        return Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// The fields as JSON values by their JSON names (what a model file stores).
    public func jsonFields() throws -> [String: NSObject] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as! [String: NSObject]
    }

    /// The fast default recipe (docs/carbon-model.md has the measurements behind it).
    public static let fast = TrainingConfig()

    /// The reference network of Kowal et al. (2024): reference inputs, 10 × [Dense 300, BatchNorm,
    /// ReLU], sigmoid × S output, the D'Agostini χ² with λ_k, AdamW. What makes it converge,
    /// measured on the carbon random test split (docs/generalization.md, "The seed's own network"):
    /// the χ² in log space (the linear one: 71.6% after 1,500 epochs), batches of 1,024 at a learning
    /// rate of 3e-3 on a cosine schedule (batches of 256 at 1e-3: 5.95%), batch-norm statistics
    /// recomputed before each evaluation (`Trainer.recomputeBatchNormStatistics`: 3.84% → 3.39%),
    /// and the λ_k released for the last 3% of the epochs: released at 50% they run to their bounds
    /// while the deep network is still far from the data; refitted every 10 epochs over the last
    /// 10%, they and the network drift together (4.79% against the data as published, 3.22% with
    /// the λ_k; Baran's λ 3.6 Δλ from 1).
    public static var paper: TrainingConfig {
        var c = TrainingConfig()
        c.features = .reference
        c.output = .sigmoid
        c.chi2 = .logarithmic
        c.depth = 10
        c.width = 300
        c.activation = .relu
        c.batchNorm = true
        c.optimizer = .adamw
        c.learningRate = 3e-3
        c.weightDecay = 1e-4
        c.schedule = .cosine
        c.epochs = 1500
        c.batchSize = 1024
        c.releaseFraction = 0.97
        return c
    }

    /// The response head (TRAINING-NOTES, "Generalization probe"): σ = σ_Mott (v_L R_L + v_T R_T)
    /// with R = exp(a + b · NN(q, ω, ψ′, …)); otherwise the fast recipe, except that the λ_k are
    /// released for the last 10% of the epochs only. Measured on the carbon random test split
    /// (seeds 1 and 2, `xsnet train --nucleus C12 --preset responses --seed S --release-fraction F`):
    /// median |σ_pred/σ − 1| 3.51% and 3.26% with release after 70%, 2.59% and 2.64% after 90%
    /// (2.59% and 2.67% with the λ_k fixed at 1). The head cannot bend one data set's
    /// kinematics away from another's, so λ_k released early absorb more than the normalization.
    public static var responses: TrainingConfig {
        var c = TrainingConfig()
        c.features = .responses
        c.output = .responses
        c.releaseFraction = 0.9
        return c
    }

    /// The response head with the Bosted–Mamyan fit as a prior in data space
    /// (`ReferencePseudoData`): 1,000 pseudo-points of the fit with τ = 0.15, none within 0.1
    /// (standardized inputs) of a training point, their λ fitted. Measured on the carbon
    /// generalization study (docs/generalization.md, "The fit as pseudo-data").
    public static var responsesPseudoData: TrainingConfig {
        var c = TrainingConfig.responses
        c.referencePseudoPoints = 1000
        c.referencePseudoError = 0.15
        c.referencePseudoMinimumDistance = 0.1
        return c
    }

    /// The fast recipe learning a correction to the Bosted–Mamyan fit: σ = σ_BM · exp(a + b · NN),
    /// the correction bounded (`defaultReferenceCorrectionBound`).
    public static var prior: TrainingConfig {
        var c = TrainingConfig()
        c.output = .reference
        c.referenceCorrectionBound = defaultReferenceCorrectionBound
        return c
    }

    /// The response head on the Bosted–Mamyan responses (R = R_BM exp(NN)), trained as `responses`,
    /// each correction bounded (`defaultReferenceCorrectionBound`).
    public static var responsesPrior: TrainingConfig {
        var c = TrainingConfig.responses
        c.output = .referenceResponses
        c.referenceCorrectionBound = defaultReferenceCorrectionBound
        return c
    }

    /// One model for every nucleus with A ≥ 3 (`--nucleus any`): the response head on the
    /// any-target features (ψ′ of each point's nucleus and the nucleus's descriptors), responses
    /// per nucleon; otherwise `responses`, with a wider network and fewer epochs (the data are six
    /// times carbon's, so an epoch is six times the steps).
    public static var anyTarget: TrainingConfig {
        var c = TrainingConfig.responses
        c.features = .anyTarget
        c.width = 192
        c.epochs = 800
        c.batchSize = 256
        return c
    }

    /// A model of every nucleus that is told nothing about the nucleus but its Fermi-gas ψ′
    /// (the `responses` features, each point's ψ′ with its nucleus's k_F and E_s): one correction
    /// to the Bosted–Mamyan responses for every nucleus, R = R_BM exp(NN(q, ω, ψ′)). It cannot learn
    /// what sets one nucleus apart, and so cannot invent it for a nucleus it never saw.
    public static var anyTargetScalingPrior: TrainingConfig {
        var c = TrainingConfig.anyTargetPrior
        c.features = .responses
        return c
    }

    /// One correction to the Bosted–Mamyan responses for every nucleus as a function of the
    /// kinematics alone, R = R_BM(nucleus) exp(NN(q, ω)) (the `kinematic` features): the fit carries
    /// everything that tells one nucleus from another, the network what the fit misses everywhere.
    /// The correction is bounded to a factor e³ (c tanh(u/c), c = 3): unbounded, the network
    /// overflowed far from the data (5 × 10¹⁶⁰ nb/sr/GeV for argon at 4.6 GeV, 145°, where the fit
    /// gives 10⁻²⁰; docs/any-target.md, "Far from the data").
    public static var anyTargetKinematicPrior: TrainingConfig {
        var c = TrainingConfig.anyTargetPrior
        c.features = .kinematic
        c.referenceCorrectionBound = 3
        return c
    }

    /// `anyTargetKinematicPrior` told which measured nucleus a point belongs to (the
    /// `kinematic-coded` features): R = R_BM(nucleus) exp(NN(q, ω, code)), a quarter of the points
    /// seen under the unknown nucleus's code in every epoch, which is the code an unseen nucleus gets;
    /// the correction bounded to a factor e³ as there (far outside the data a coded network
    /// unbounded gave 10¹⁵ nb/sr/GeV at 7.4 GeV, 84°, ω = 3.4 GeV, where the fit gives 10⁻¹⁶).
    public static var anyTargetCoded: TrainingConfig {
        var c = TrainingConfig.anyTargetKinematicPrior
        c.features = .kinematicCoded
        c.nucleusCodeDropout = 0.25
        return c
    }

    /// `anyTarget` on the Bosted–Mamyan responses (R = R_BM exp(NN)), each correction bounded
    /// (`defaultReferenceCorrectionBound`).
    public static var anyTargetPrior: TrainingConfig {
        var c = TrainingConfig.anyTarget
        c.output = .referenceResponses
        c.referenceCorrectionBound = defaultReferenceCorrectionBound
        return c
    }

    /// Refuses a run this configuration cannot make for `nucleus` (the reference priors need A > 2;
    /// the any-target features and the any-target selection go together).
    public func check(nucleus: String) throws {
        if nucleus == DataSelection.anyTarget, !features.isFunctionOfMomentumAndEnergyTransfer {
            throw TrainingConfigError.outOfRange(
                field: "features",
                requirement: "must be `any-target`, `responses`, `kinematic` or `kinematic-coded` for a model of every nucleus (--preset any-target)")
        }
        if (nucleusCodeDropout ?? 0) > 0, features != .kinematicCoded {
            throw TrainingConfigError.outOfRange(
                field: "nucleusCodeDropout", requirement: "needs the `kinematic-coded` features (--preset any-target-coded)")
        }
        if nucleus != DataSelection.anyTarget, features.describesNucleus {
            throw TrainingConfigError.outOfRange(
                field: "features", requirement: "`\(features.rawValue)` needs the data of every nucleus: --nucleus any")
        }
        if pseudoPointCount > 0 {
            guard nucleus != DataSelection.anyTarget, BostedMamyan.covers(nucleusNamed: nucleus) else {
                throw TrainingConfigError.outOfRange(
                    field: "referencePseudoPoints", requirement: "needs one nucleus with A > 2 (the Bosted–Mamyan fit's range), not \(nucleus)")
            }
        }
        if nucleus == DataSelection.anyTarget { return }
        if output.usesReference, !BostedMamyan.covers(nucleusNamed: nucleus) {
            throw TrainingConfigError.outOfRange(
                field: "output", requirement: "`\(output.rawValue)` needs a nucleus with A > 2 (the Bosted–Mamyan fit's range), not \(nucleus)")
        }
    }

    public var networkSpec: NetworkSpec {
        NetworkSpec(
            inputFeatures: features.count,
            blocks: Array(repeating: BlockSpec(width: width, batchNorm: batchNorm, activation: activation, dropout: dropout), count: depth),
            outputFeatures: output.isResponseHead ? 2 : 1)
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

public enum TrainingConfigError: Error, CustomStringConvertible, LocalizedError {
    case notAnObject
    case unknownField(String)
    case outOfRange(field: String, requirement: String)

    public var description: String {
        switch self {
        case let .outOfRange(field, requirement): "`\(field)` \(requirement)"
        case .notAnObject: "a training configuration is a JSON object of hyperparameters (the `config` object of a model file)"
        case .unknownField(let key): "`\(key.oneLine(limit: 80))` is not a hyperparameter of a training configuration"
        }
    }
    public var errorDescription: String? { description }
}
