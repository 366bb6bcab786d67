import Foundation
import XSData

/// Where the held-out predictions that a calibration is fitted on come from.
public enum CalibrationMethod {
    /// The model's own validation part (`--validation-fraction`, `--validation-spectra-fraction`).
    case validationPart
    /// K-fold cross-fitting of the training part, each fold's network trained here with the
    /// model's recipe (an MC-dropout model: one network has a spread).
    case crossFitting(folds: Int)
    /// K-fold cross-fitting with the fold models already trained (fold F's model trained without
    /// fold F, e.g. the fold ensembles that `xsnet ensemble train` runs as processes).
    case crossFitted(foldModels: [CrossSectionModel])

    /// The method a model's selection was made for: its validation part if it has one.
    public static func forSelection(_ selection: DataSelection) -> CalibrationMethod? {
        selection.validationFraction > 0 || selection.validationSpectraFraction > 0 ? .validationPart : nil
    }
}

/// What a calibration fit reports while it runs (cross-fitting trains K models).
public enum CalibrationProgress: Sendable {
    /// The folds chosen, e.g. "5 folds hold out 32 of 63 spectra whole and 1173 other points".
    case folds(String)
    /// Fold models done out of all.
    case foldDone(Int, of: Int)
}

/// The calibration and, for cross-fitting, every out-of-fold prediction it was fitted on.
public struct CalibrationFit {
    public var calibration: UncertaintyCalibration
    public var outOfFold: [CrossFitting.OutOfFold]
}

extension UncertaintyCalibration {
    /// Fits the spread factors of `model` on held-out predictions by `rule`: the one entry point
    /// for train, calibrate and the ensemble commands. `data` must be the model's selection
    /// applied to its data (`CrossSectionModel.selectedData`). Each fold model predicts as the
    /// calibrated model does: the same Monte-Carlo passes and dropout probability.
    public static func fit(
        model: CrossSectionModel, data: SelectedData, method: CalibrationMethod, rule: CalibrationRule = .atLeastNominal,
        progress: (CalibrationProgress) -> Void = { _ in }
    ) throws -> CalibrationFit {
        guard model.hasBand else { throw CalibrationError.noSpread }
        switch method {
        case .validationPart:
            guard !data.split.validation.isEmpty else { throw CalibrationError.noValidationPart }
            let measured = MeasuredSettings(trainingPartOf: data)
            let points = data.split.validation.map { data.points[$0] }
            let predictions = model.predict(points, calibrated: false)
            let calibration = try fit(
                heldOut: HeldOutPrediction.of(points, predictions, trainedAt: measured), measuredSettings: measured,
                validationSplit: data.selection.splitMethod, rule: rule)
            return CalibrationFit(calibration: calibration, outOfFold: [])
        case .crossFitting(let k):
            guard model.networks.count == 1, model.info.config.dropout > 0 else { throw CalibrationError.crossFittingNeedsDropout }
            let folds = try CrossFitting.folds(of: data, count: k)
            progress(.folds(CrossFitting.summary(of: folds, in: data)))
            var foldModels: [CrossSectionModel] = []
            for i in folds.indices {
                let trainer = Trainer(
                    data: CrossFitting.trainingData(data, without: folds[i]), config: model.info.config,
                    command: "cross-fitting fold \(i + 1) of \(k)")
                _ = try trainer.run()
                let foldModel = trainer.finishedModel(machine: "", version: "")
                foldModel.info.monteCarloSamples = model.info.monteCarloSamples
                if let p = model.dropoutProbability { foldModel.setDropoutProbability(p) }
                foldModels.append(foldModel)
                progress(.foldDone(i + 1, of: k))
            }
            return try crossFitted(data: data, folds: folds, foldModels: foldModels, rule: rule)
        case .crossFitted(let foldModels):
            let folds = try CrossFitting.folds(of: data, count: foldModels.count)
            progress(.folds(CrossFitting.summary(of: folds, in: data)))
            return try crossFitted(data: data, folds: folds, foldModels: foldModels, rule: rule)
        }
    }

    /// The factors fitted on the out-of-fold predictions of every fold model.
    static func crossFitted(
        data: SelectedData, folds: [DataSplit.CalibrationFold], foldModels: [CrossSectionModel],
        rule: CalibrationRule
    ) throws -> CalibrationFit {
        let outOfFold = foldModels.indices.flatMap { CrossFitting.outOfFold(foldModels[$0], fold: $0, of: folds, selected: data) }
        var calibration = try fit(
            heldOut: outOfFold.map(\.heldOut), measuredSettings: MeasuredSettings(trainingPartOf: data),
            validationSplit: data.selection.splitMethod, rule: rule)
        calibration.crossFittingFolds = folds.count
        return CalibrationFit(calibration: calibration, outOfFold: outOfFold)
    }
}
