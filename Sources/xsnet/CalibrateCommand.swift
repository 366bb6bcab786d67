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
        discussion: helpText(
            """
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
    @Option(help: "Weight storage of the written file: f32 or f16.") var storage: ModelFile.Storage = .float32
    @Option(
        help: ArgumentHelp(
            "MC-dropout models: fit on out-of-fold predictions of K-fold cross-fitting of the training part (K trainings with the model's recipe) instead of on the validation part.",
            valueName: "K"))
    var folds: Int?
    @Option(
        name: .customLong("points-out"),
        help: ArgumentHelp(
            "With --folds: also write every out-of-fold prediction (CSV: fold, data, mean, σ_model before calibration, whether at a measured setting, pull).",
            valueName: "file"))
    var pointsOut: String?
    @Option(
        help:
            "How each factor is chosen: at-least-nominal (the smallest c reaching 68.3% within 1σ and 95.4% within 2σ on the held-out points) or closest (coverage nearest to both)."
    )
    var rule: CalibrationRule = .atLeastNominal
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var source: DataSourceOptions

    func validate() throws {
        if let k = folds, k < 2 { throw ValidationError("--folds must be at least 2") }
        if pointsOut != nil && folds == nil {
            throw ValidationError(
                "--points-out writes the out-of-fold predictions of --folds; for a validation part use `xsnet evaluate --split validation --points-out`"
            )
        }
    }

    func run() throws {
        let model = try prediction.load(self.model)
        let selected = try model.selectedData(from: try source.load())
        let fit = try UncertaintyCalibration.fit(
            model: model, data: selected, method: folds.map { .crossFitting(folds: $0) } ?? .validationPart, rule: rule,
            progress: calibrationProgressPrinter())
        if let pointsOut { try AtomicFile.write(CrossFitting.pointsCSV(fit.outOfFold), to: URL(fileURLWithPath: pointsOut)) }
        model.info.calibration = fit.calibration
        try model.save(URL(fileURLWithPath: out ?? self.model), storage: storage)
        print("wrote \(out ?? self.model): \(fit.calibration)")
    }
}

extension CalibrationRule: ExpressibleByArgument {}
extension ModelFile.Storage: ExpressibleByArgument {}
