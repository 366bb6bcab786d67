import Foundation
import XSCore
import XSData

/// A committee of a model and a reference fit away from the model's data (docs/generalization.md,
/// "A committee with the fit"). At a point away from the (E, θ) settings of the training data the
/// mean moves to the weighted geometric mean of the ensemble's mean σ_net and the reference σ_ref,
///
///     log σ = w log σ_net + (1 − w) log σ_ref,   w = τ² / (τ² + s²),
///
/// the weights of inverse variances: s is the members' relative spread at the point (how much the
/// network knows there) and τ the reference's relative error. Where the members agree the network
/// speaks; where they scatter (far from the data) the reference does. At a measured setting the
/// model predicts alone: the committee was measured to cost there (random split 3.4% against 2.9%)
/// and to gain only away from the data. τ is chosen on held-out experiments
/// (`scripts/reference-blend.py`), so the committee's gain is measured out of sample.
///
/// The band keeps its relative width: every number of the prediction is multiplied by
/// σ/σ_net, so the spread (and its calibration, fitted to the network's errors, which are the
/// larger) stays what it was relative to the mean.
public struct ReferenceCommittee: Codable, Hashable, Sendable {
    /// The reference's name in `ReferenceModels` ("bosted-mamyan").
    public var reference: String
    /// τ: the relative error assigned to the reference.
    public var referenceRelativeError: Double
    /// The (E, θ) settings of the training data, where the model predicts alone.
    public var measuredSettings: MeasuredSettings
    /// Where τ comes from (a study and the command that measured it), for cards and reports.
    public var source: String

    public init(reference: String, referenceRelativeError: Double, measuredSettings: MeasuredSettings, source: String) {
        self.reference = reference
        self.referenceRelativeError = referenceRelativeError
        self.measuredSettings = measuredSettings
        self.source = source
    }

    public enum Problem: Error, CustomStringConvertible, LocalizedError, Equatable {
        case unknownReference(String)
        case relativeError(Double)
        case notEnsemble
        case anyTarget

        public var description: String {
            switch self {
            case .unknownReference(let name): "no reference model named \(name) (known: \(ReferenceModels.names))"
            case .relativeError(let τ): "the reference's relative error must be a finite number > 0, not \(τ)"
            case .notEnsemble:
                "the committee weighs the network by its members' spread: it needs an ensemble (model A), not one network or MC dropout"
            case .anyTarget:
                "a committee is measured for a model of one nucleus; for a model of every nucleus the leave-one-nucleus-out study found no gain (docs/any-target.md)"
            }
        }
        public var errorDescription: String? { description }
    }

    /// Why a model cannot carry a committee, if it cannot: the network's weight needs the spread of
    /// an ensemble's members (model A), and the committee was measured for a model of one nucleus.
    public static func problem(forModel info: ModelInfo, networks: Int) -> Problem? {
        if info.describesNucleus { return .anyTarget }
        if networks < 2 || info.monteCarloSamples != nil { return .notEnsemble }
        return nil
    }

    /// Checks the stored values (what a file read must hold before the committee predicts).
    public func validated() throws -> ReferenceCommittee {
        guard referenceModel != nil else { throw Problem.unknownReference(reference) }
        guard referenceRelativeError.isFinite, referenceRelativeError > 0 else { throw Problem.relativeError(referenceRelativeError) }
        return self
    }

    public var referenceModel: (any ReferenceModel)? { ReferenceModels.named(reference) }

    /// The network's weight w = τ² / (τ² + s²) for a relative spread s.
    public func networkWeight(relativeSpread s: Double) -> Double {
        let τ2 = referenceRelativeError * referenceRelativeError
        return τ2 / (τ2 + s * s)
    }

    /// The factor σ/σ_net that moves a prediction of mean `mean` and standard deviation
    /// `standardDeviation` at (E, θ) to the committee's mean: 1 at a measured setting (where
    /// `reference` is not asked), where the reference has no finite positive value, or for a
    /// prediction that is not finite and positive.
    public func factor(
        mean: Double, standardDeviation: Double, beamEnergy E: Double, angleDegrees θ: Double, reference: () -> Double?
    ) -> Double {
        guard mean > 0, mean.isFinite, standardDeviation.isFinite else { return 1 }
        if measuredSettings.contains(beamEnergy: E, angleDegrees: θ) { return 1 }
        guard let σRef = reference(), σRef > 0, σRef.isFinite else { return 1 }
        let w = networkWeight(relativeSpread: standardDeviation / mean)
        return exp((1 - w) * (log(σRef) - log(mean)))
    }

    /// `predictions` at `points` (of `nucleus`) with the committee's mean, each multiplied by its
    /// `factor` (mean, spread and percentiles alike). The fit, about 150 µs a point, is evaluated on
    /// every core; each point is computed alone, so the result does not depend on the order.
    public func applied(to predictions: [CrossSectionPrediction], at points: [Kinematics], nucleus: Nucleus?) -> [CrossSectionPrediction] {
        guard let model = referenceModel, let nucleus else { return predictions }
        let factors = parallelMap(points.count) { i in
            let p = predictions[i], k = points[i]
            return factor(mean: p.mean, standardDeviation: p.standardDeviation, beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees) {
                model.crossSection(k, nucleus: nucleus)
            }
        }
        return zip(predictions, factors).map { $0.scaled(by: $1) }
    }

    /// "committee with bosted-mamyan away from the 57 measured (E, θ) settings: log σ = …, τ = 0.0664 (…)",
    /// as the command, the card and the report print it.
    public var description: String {
        String(
            format:
                "committee with %@ away from the %d measured (E, θ) settings: log σ = w log σ_net + (1 − w) log σ_ref, w = τ²/(τ² + s²), τ = %.4g (%@)",
            reference, measuredSettings.settings.count, referenceRelativeError, source)
    }
}
