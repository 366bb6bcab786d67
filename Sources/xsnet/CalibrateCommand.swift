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
        discussion: """
            Fits one factor c for the model's spread, σ_model → c·σ_model, on the validation points
            (held out of training with --validation-fraction, chosen like the test part), so that
            the fractions of validation points within 1σ and 2σ of √(σ_model² + Δσ²) come closest to
            68.3% and 95.4%. The test part is not looked at. `ensemble train|build` calibrate at once
            when the replicas have a validation part; MC-dropout models trained with one likewise.

              xsnet calibrate --model Models/C12-ensemble.xsnet
              xsnet evaluate --model Models/C12-ensemble.xsnet --uncalibrated   (the spread before)
            """)

    @Option(help: "The model file (ensemble or MC-dropout model).") var model: String
    @Option(help: "Where to write the calibrated model (default: overwrite --model).") var out: String?
    @Option(help: "Weight storage of the written file: f32 or f16.") var storage: String = "f32"
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var source: DataSourceOptions

    func validate() throws {
        if ModelFile.Storage(rawValue: storage) == nil { throw ValidationError("--storage must be f32 or f16") }
    }

    func run() throws {
        let model = try prediction.load(self.model)
        let selected = try model.info.selection.apply(to: try source.load())
        if let expected = model.info.training?.dataHash, expected != selected.dataHash {
            throw SelectionError.dataChanged(expected: expected, found: selected.dataHash)
        }
        let calibration = try UncertaintyCalibration.fit(model: model, selected: selected)
        model.info.calibration = calibration
        try model.save(URL(fileURLWithPath: out ?? self.model), storage: ModelFile.Storage(rawValue: storage)!)
        print("wrote \(out ?? self.model): \(describe(calibration))")
    }
}

/// One line on a calibration, as train, ensemble and calibrate print it.
func describe(_ c: UncertaintyCalibration) -> String {
    String(format: "spread calibrated on %d validation points (%@): c = %.3f; coverage 1σ %.1f%% → %.1f%%, 2σ %.1f%% → %.1f%%",
           c.validationPoints, c.validationSplit, c.scale, 100 * c.before.oneSigma, 100 * c.after.oneSigma,
           100 * c.before.twoSigma, 100 * c.after.twoSigma)
}

extension CrossSectionModel {
    /// Calibrates an ensemble whose replicas were trained with a validation part (no-op otherwise).
    func calibrateOnValidation(data: () throws -> ScatteringData) throws {
        guard info.selection.validationFraction > 0 else { return }
        let selected = try info.selection.apply(to: try data())
        info.calibration = try UncertaintyCalibration.fit(model: self, selected: selected)
        printError(describe(info.calibration!))
    }
}
