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

            With --across-experiments STUDY an ensemble instead takes its factor away from the
            measured settings from a generalization study (`xsnet generalization-study`): the factor
            its recipe's ensembles needed on the experiments they were trained without, cross-validated
            by leaving one experiment out (STUDY/study.md, "Calibration across experiments"), carried
            to this ensemble's size. The factor at the measured settings stays as it was.
              xsnet calibrate --model Models/C12-ensemble.xsnet --across-experiments Models/generalization

            With --across-nuclei STUDY a model of every nucleus takes a third factor, for a nucleus it
            was not trained on (argon, titanium), from a leave-one-nucleus-out study (`xsnet
            nucleus-study`): the factor its recipe's ensembles needed on the nuclei they were trained
            without, cross-validated by leaving one nucleus out, carried to this ensemble's size. Its
            other factors stay as they were.
              xsnet calibrate --model Models/any-target.xsnet --across-nuclei Models/nucleus-study
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
    @Option(
        name: .customLong("across-experiments"),
        help: ArgumentHelp(
            "Ensembles: take the factor away from the measured settings from this generalization study's calibration across experiments (its folder, with study.json).",
            valueName: "study"))
    var acrossExperiments: String?
    @Option(
        name: .customLong("across-nuclei"),
        help: ArgumentHelp(
            "Any-target ensembles: take the factor for a nucleus not trained on from this leave-one-nucleus-out study (its folder, with study.json).",
            valueName: "study"))
    var acrossNuclei: String?
    @Option(
        help:
            "With --across-experiments or --across-nuclei: the study's recipe the model was trained with (default: the model's, read from its training command)."
    )
    var recipe: String?
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var source: DataSourceOptions

    func validate() throws {
        if let k = folds, k < 2 { throw ValidationError("--folds must be at least 2") }
        if acrossExperiments != nil && acrossNuclei != nil {
            throw ValidationError("--across-experiments and --across-nuclei are two calls: each sets its own factor")
        }
        if let option = acrossExperiments != nil ? "--across-experiments" : acrossNuclei != nil ? "--across-nuclei" : nil,
            folds != nil || pointsOut != nil
        {
            throw ValidationError("\(option) takes its factor from the study; it fits nothing (no --folds, --points-out)")
        }
        if recipe != nil && acrossExperiments == nil && acrossNuclei == nil {
            throw ValidationError("--recipe names the study's recipe: give --across-experiments or --across-nuclei")
        }
        if pointsOut != nil && folds == nil {
            throw ValidationError(
                "--points-out writes the out-of-fold predictions of --folds; for a validation part use `xsnet evaluate --split validation --points-out`"
            )
        }
    }

    func run() throws {
        let model = try prediction.load(self.model)
        if let acrossExperiments {
            try calibrateAcrossExperiments(model, study: acrossExperiments)
            return
        }
        if let acrossNuclei {
            try calibrateAcrossNuclei(model, study: acrossNuclei)
            return
        }
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

extension CalibrateCommand {
    /// The recipe a model was trained with: `--preset X` in its (first member's) training command.
    static func recipe(of model: CrossSectionModel) -> String? {
        let command = (model.info.members?.first?.training ?? model.info.training)?.command ?? ""
        let words = command.split(separator: " ").map(String.init)
        guard let i = words.firstIndex(of: "--preset"), i + 1 < words.count else { return words.isEmpty ? nil : "fast" }
        return words[i + 1]
    }

    /// The factor away from the measured settings from a generalization study of the model's nucleus.
    func calibrateAcrossExperiments(_ model: CrossSectionModel, study folder: String) throws {
        let file = URL(fileURLWithPath: folder).appendingPathComponent("study.json")
        let study: GeneralizationStudy.Study = try Self.decodeStudy(file, what: "a generalization study's")
        guard study.nucleus == model.info.nucleus else {
            throw ValidationError("\(file.path) studies \(study.nucleus); \(self.model) is a model of \(model.info.nucleus)")
        }
        try calibrate(model, across: .experiments, study.calibration, studyMembers: study.members, file: file, folder: folder)
    }

    /// The factor for a nucleus not trained on from a leave-one-nucleus-out study.
    func calibrateAcrossNuclei(_ model: CrossSectionModel, study folder: String) throws {
        guard model.info.isAnyTarget else {
            throw ValidationError(
                "--across-nuclei calibrates a model of every nucleus (--nucleus any); \(self.model) is a model of \(model.info.nucleus)")
        }
        let file = URL(fileURLWithPath: folder).appendingPathComponent("study.json")
        let study: NucleusStudy.Study = try Self.decodeStudy(file, what: "a leave-one-nucleus-out study's")
        try calibrate(model, across: .nuclei, study.calibration ?? [], studyMembers: study.members, file: file, folder: folder)
    }

    static func decodeStudy<T: Decodable>(_ file: URL, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: file))
        } catch {
            throw ValidationError("\(file.path): not \(what) JSON (\(error.localizedDescription))")
        }
    }

    /// Sets the study's factor for the model's recipe and `rule` and writes the model.
    func calibrate(
        _ model: CrossSectionModel, across unit: UncertaintyCalibration.StudyUnit, _ calibrations: [GeneralizationStudy.CrossExperimentCalibration],
        studyMembers: Int, file: URL, folder: String
    ) throws {
        guard model.networks.count >= 2, model.info.monteCarloSamples == nil else {
            throw ValidationError("--across-\(unit.rawValue) calibrates an ensemble's spread (model A); \(self.model) is not an ensemble")
        }
        guard let recipe = recipe ?? Self.recipe(of: model) else {
            throw ValidationError("\(self.model) does not say which recipe trained it: name the study's with --recipe")
        }
        guard let entry = calibrations.first(where: { $0.recipe == recipe && $0.rule == rule.rawValue }) else {
            let have = calibrations.map { "\($0.recipe) (\($0.rule))" }.joined(separator: ", ")
            throw ValidationError(
                "\(file.path) has no calibration across \(unit.rawValue) for recipe `\(recipe)` with rule \(rule.rawValue) (it has: \(have.isEmpty ? "none; re-run the study to score it" : have))"
            )
        }
        model.info.calibration = UncertaintyCalibration.across(
            unit, entry, studyMembers: studyMembers, members: model.networks.count, studyName: folder, keeping: model.info.calibration,
            split: model.info.selection.splitMethod)
        try model.save(URL(fileURLWithPath: out ?? self.model), storage: storage)
        print("wrote \(out ?? self.model): \(model.info.calibration!)")
    }
}

extension CalibrationRule: ExpressibleByArgument {}
extension ModelFile.Storage: ExpressibleByArgument {}
