import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate a model's uncertainty on its validation part (ensembles and MC dropout).",
        discussion: helpText("""
            Fits factors c for the model's spread, σ_model → c·σ_model, on the validation points: by
            default the smallest c with which at least 68.3% of them lie within 1σ of √(σ_model² + Δσ²)
            and at least 95.4% within 2σ (--rule at-least-nominal), or the c whose coverage comes
            closest to both (--rule closest, which with the heavy tails of errors between spectra ends
            below 95.4% at 2σ). One factor for points at the (E, θ) settings of the training data (validation points drawn at
            random: --validation-fraction) and one for everywhere else (whole validation spectra held
            out: --validation-spectra-fraction, or the validation part of an interior-spectra split).
            The test part is not looked at. `ensemble train|build` calibrate at once
            when the replicas have a validation part; MC-dropout models trained with one likewise.
            An MC-dropout model can instead be calibrated when it is trained, on out-of-fold
            predictions of its whole training part (`xsnet train --dropout 0.01 --calibration-folds 5`):
            about ten times more held-out spectra than a validation part holds, for five more trainings;
            an ensemble likewise when it is trained (`xsnet ensemble train --calibration-folds 5`, five
            more ensembles).

              xsnet calibrate --model Models/C12-ensemble.xsnet
              xsnet evaluate --model Models/C12-ensemble.xsnet --uncalibrated
            """))

    @Option(help: "The model file (ensemble or MC-dropout model).") var model: String
    @Option(help: "Where to write the calibrated model (default: overwrite --model).") var out: String?
    @Option(help: "Weight storage of the written file: f32 or f16.") var storage: String = "f32"
    @Option(help: ArgumentHelp("MC-dropout models: fit on out-of-fold predictions of K-fold cross-fitting of the training part (K trainings with the model's recipe) instead of on the validation part.",
                               valueName: "K"))
    var folds: Int?
    @Option(name: .customLong("points-out"), help: ArgumentHelp("With --folds: also write every out-of-fold prediction (CSV: fold, data, mean, σ_model before calibration, whether at a measured setting, pull).", valueName: "file"))
    var pointsOut: String?
    @Option(help: "How each factor is chosen: at-least-nominal (the smallest c reaching 68.3% within 1σ and 95.4% within 2σ on the held-out points) or closest (coverage nearest to both).")
    var rule: CalibrationRule = .atLeastNominal
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var source: DataSourceOptions

    func validate() throws {
        if ModelFile.Storage(rawValue: storage) == nil { throw ValidationError("--storage must be f32 or f16") }
        if let k = folds, k < 2 { throw ValidationError("--folds must be at least 2") }
        if pointsOut != nil && folds == nil { throw ValidationError("--points-out writes the out-of-fold predictions of --folds; for a validation part use `xsnet evaluate --split validation --points-out`") }
    }

    func run() throws {
        let model = try prediction.load(self.model)
        let selected = try model.selectedData(from: try source.load())
        let calibration: UncertaintyCalibration
        if let k = folds {
            guard model.networks.count == 1, model.info.monteCarloSamples != nil else {
                throw ValidationError("--folds retrains the model's recipe K times: it needs an MC-dropout model (an ensemble would need K ensembles; calibrate it on its validation part)")
            }
            let result = try crossFittedCalibration(selected: selected, config: model.info.config, folds: k, rule: rule, prepare: { try? prediction.apply(to: $0) })
            if let pointsOut { try AtomicFile.write(CrossFitting.pointsCSV(result.outOfFold), to: URL(fileURLWithPath: pointsOut)) }
            calibration = result.calibration
        } else {
            calibration = try UncertaintyCalibration.fit(model: model, selected: selected, rule: rule)
        }
        model.info.calibration = calibration
        try model.save(URL(fileURLWithPath: out ?? self.model), storage: ModelFile.Storage(rawValue: storage)!)
        print("wrote \(out ?? self.model): \(describe(calibration))")
    }
}

extension CalibrationRule: ExpressibleByArgument {}

/// Cross-fitting as train --calibration-folds and calibrate --folds run it: the folds described
/// first, then a progress line with ETA after each fold.
func crossFittedCalibration(selected: SelectedData, config: TrainingConfig, folds k: Int, rule: CalibrationRule = .atLeastNominal, quiet: Bool = false,
                            prepare: (CrossSectionModel) -> Void = { _ in }) throws -> (calibration: UncertaintyCalibration, outOfFold: [CrossFitting.OutOfFold]) {
    let folds = try CrossFitting.folds(of: selected, count: k)
    if !quiet { printError("cross-fitting for the calibration: \(CrossFitting.summary(of: folds, in: selected)), each fold trains with the model's recipe") }
    let started = Date()
    return try CrossFitting.calibration(selected: selected, config: config, folds: folds, rule: rule, prepare: prepare) { done, total in
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(started)
        printError("cross-fitting fold \(done)/\(total) done, \(formatDuration(elapsed)) elapsed, about \(formatDuration(elapsed / Double(done) * Double(total - done))) left")
    }
}

/// One line on a calibration, as train, ensemble and calibrate print it.
func describe(_ c: UncertaintyCalibration) -> String {
    func one(_ name: String, _ f: SpreadFactor?) -> String? {
        f.map { String(format: "%@ c = %.3f (%d %@ points; coverage 1σ %.1f%% → %.1f%%, 2σ %.1f%% → %.1f%%)", name, $0.scale, $0.validationPoints, c.crossFittingFolds == nil ? "validation" : "out-of-fold",
                            100 * $0.before.oneSigma, 100 * $0.after.oneSigma, 100 * $0.before.twoSigma, 100 * $0.after.twoSigma)
                 + ($0.fallback.map { " [\($0)]" } ?? "") }
    }
    let parts = [one("at measured (E, θ) settings", c.atMeasuredSettings), one("elsewhere", c.elsewhere)].compactMap { $0 }
    let note = c.atMeasuredSettings == nil || c.elsewhere == nil ? " (one kind of validation point only: its factor applies everywhere)" : ""
    return "spread calibrated: " + parts.joined(separator: "; ") + note
}

extension CrossSectionModel {
    /// Calibrates an ensemble whose replicas were trained with a validation part (no-op otherwise).
    func calibrateOnValidation(rule: CalibrationRule, data: () throws -> ScatteringData) throws {
        guard info.selection.validationFraction > 0 || info.selection.validationSpectraFraction > 0 else { return }
        let selected = try selectedData(from: try data())
        info.calibration = try UncertaintyCalibration.fit(model: self, selected: selected, rule: rule)
        printError(describe(info.calibration!))
    }
}
