import Foundation
import XSData

/// Coverage of an uncertainty band: the fractions of points with
/// |σ_pred − σ_data| ≤ k·√(σ_model² + Δσ²) for k = 1 and 2 (ideal: 68.3% and 95.4%).
public struct Coverage: Codable, Hashable, Sendable {
    public var oneSigma: Double
    public var twoSigma: Double

    public init(oneSigma: Double, twoSigma: Double) {
        self.oneSigma = oneSigma
        self.twoSigma = twoSigma
    }

    /// Coverage of predictions whose model spread is multiplied by `scale`.
    public static func of(deviations: [Double], dataErrors: [Double], spreads: [Double], scale: Double = 1) -> Coverage {
        precondition(deviations.count == dataErrors.count && deviations.count == spreads.count)
        guard !deviations.isEmpty else { return Coverage(oneSigma: .nan, twoSigma: .nan) }
        var one = 0, two = 0
        for i in deviations.indices {
            let s = scale * spreads[i]
            let band = (s * s + dataErrors[i] * dataErrors[i]).squareRoot()
            if abs(deviations[i]) <= band { one += 1 }
            if abs(deviations[i]) <= 2 * band { two += 1 }
        }
        let n = Double(deviations.count)
        return Coverage(oneSigma: Double(one) / n, twoSigma: Double(two) / n)
    }
}

/// Post-hoc calibration of a model's spread: σ_model → c·σ_model with one factor c fitted on
/// validation points that were neither trained nor tested on ("σ scaling": Kuleshov, Fenner &
/// Ermon, ICML 2018; Laves et al., MIDL 2020). An ensemble's spread estimates how much the fit
/// moves when the data move within their errors; it is not by itself the error of the mean, which
/// can be smaller near dense data (the mean of many members is better than any one) and larger
/// between measured settings. The factor c is what the validation points say that ratio is.
public struct UncertaintyCalibration: Codable, Hashable, Sendable {
    /// The factor c applied to the standard deviation (and the 16/84 percentiles about the mean).
    public var scale: Double
    /// Validation points c was fitted on, and how they were chosen (the model's split method).
    public var validationPoints: Int
    public var validationSplit: String
    /// Coverage on the validation points before (c = 1) and after calibration.
    public var before: Coverage
    public var after: Coverage
    public var rule: String

    public init(scale: Double, validationPoints: Int, validationSplit: String, before: Coverage, after: Coverage, rule: String) {
        self.scale = scale
        self.validationPoints = validationPoints
        self.validationSplit = validationSplit
        self.before = before
        self.after = after
        self.rule = rule
    }

    public static let ruleDescription =
        "c minimizes (cov1σ − 0.683)² + (cov2σ − 0.954)² on the validation points (grid 0…10, step 0.005; ties: the largest c)"

    /// Fits c to predictions of validation points. Coverage is a step function of c, so the
    /// fit is a grid search; ties go to the largest c (the wider, safer band).
    public static func fit(deviations: [Double], dataErrors: [Double], spreads: [Double], split: String) throws -> UncertaintyCalibration {
        guard deviations.count >= 20 else { throw CalibrationError.tooFewPoints(deviations.count) }
        guard spreads.contains(where: { $0 > 0 }) else { throw CalibrationError.noSpread }
        var best = (loss: Double.infinity, scale: 1.0)
        for step in 0...2000 {
            let c = Double(step) * 0.005
            let cov = Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads, scale: c)
            let loss = (cov.oneSigma - 0.6827) * (cov.oneSigma - 0.6827) + (cov.twoSigma - 0.9545) * (cov.twoSigma - 0.9545)
            if loss <= best.loss { best = (loss, c) }
        }
        return UncertaintyCalibration(scale: best.scale, validationPoints: deviations.count, validationSplit: split,
                                      before: Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads),
                                      after: Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads, scale: best.scale),
                                      rule: ruleDescription)
    }

    /// Fits c for a model on its own validation part (`selected` must be the model's selection applied to the data).
    public static func fit(model: CrossSectionModel, selected: SelectedData) throws -> UncertaintyCalibration {
        guard !selected.split.validation.isEmpty else { throw CalibrationError.noValidationPart }
        guard model.networks.count > 1 || (model.info.monteCarloSamples ?? 0) > 1 else { throw CalibrationError.noSpread }
        let points = selected.split.validation.map { selected.points[$0] }
        let predictions = model.predict(points.map(\.kinematics), calibrated: false)
        return try fit(deviations: zip(points, predictions).map { $1.mean - $0.crossSection },
                       dataErrors: points.map(\.crossSectionError), spreads: predictions.map(\.standardDeviation),
                       split: selected.selection.splitMethod.rawValue)
    }
}

public enum CalibrationError: Error, CustomStringConvertible, LocalizedError {
    case noValidationPart
    case tooFewPoints(Int)
    case noSpread

    public var description: String {
        switch self {
        case .noValidationPart:
            "the model has no validation part to calibrate on: train it (or its replicas) with --validation-fraction, e.g. 0.1"
        case let .tooFewPoints(n): "only \(n) validation points: at least 20 are needed to fit a calibration"
        case .noSpread: "the model has no spread to calibrate: it is neither an ensemble nor an MC-dropout model"
        }
    }
    public var errorDescription: String? { description }
}
