import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel
import XSNN

struct NucleusStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nucleus-study",
        abstract: "Leave one nucleus out: how well a model of every other nucleus predicts it.",
        discussion: helpText(
            """
            For each recipe and each nucleus with at least --minimum-points points (or --nuclei), it trains an
            any-target ensemble of --members bootstrap replicas (model A) on every other nucleus
            (`xsnet train --nucleus any --split leave-out-nucleus:<nucleus>`), as parallel processes (--jobs at a
            time, one BLAS thread each), and scores it on every point of the held-out nucleus against the data as
            published. Beside it on the same points: the Bosted–Mamyan fit, the carbon model × A/12, and the carbon
            model fine-tuned on --finetune-fraction of the nucleus's points (scored on the rest). Writes OUT/study.md,
            OUT/study.json and one figure per nucleus (its largest data set; OUT/figures/). Finished replicas are kept
            in OUT/folds/: a re-run continues where it stopped, and re-scores everything.

              xsnet nucleus-study --out /tmp/ns --nuclei He4,Ca40 --members 2 -- --epochs 200

            The shipped study (Models/nucleus-study, from which `xsnet calibrate --across-nuclei` takes
            the factor for an unseen nucleus) has 6 replicas per nucleus, 2h13m on 2 cores; 4 take
            about 90 minutes:

              xsnet nucleus-study --out Models/nucleus-study --members 6 -- --coulomb-distortion true --reference-correction-bound 3

            A recipe is a --preset of `xsnet train` for every nucleus (any-target, any-target-prior); options after
            -- go to every training.
            """))

    @Option(help: "The folder to write the study into.") var out: String
    @Option(help: "Comma-separated recipes (train presets): any-target, any-target-prior, any-target-scaling-prior, any-target-kinematic-prior.")
    var recipes: String = "any-target-kinematic-prior"
    @Option(help: "Bootstrap replicas per held-out nucleus (the ensemble whose spread is the band; the shipped study has 6).")
    var members: Int = 2
    @Option(help: "Trainings run at once.") var jobs: Int = 2
    @Option(help: "Nuclei with at least this many selected points are held out in turn.") var minimumPoints: Int = 100
    @Option(help: "Comma-separated nuclei to hold out instead (C12,Ca40,…).") var nuclei: String?
    @Option(help: "The carbon model for the carbon × A/12 and fine-tuning baselines.") var carbonModel: String = "Models/C12.xsnet"
    @Option(help: "Fraction of the held-out nucleus's points the carbon model is fine-tuned on.") var finetuneFraction: Double = 0.1
    @Option(help: "Fine-tuning epochs.") var finetuneEpochs: Int = 400
    @Option(help: "Seed of the fine-tuning split and run.") var finetuneSeed: UInt64 = 0
    @OptionGroup var source: DataSourceOptions
    @Argument(parsing: .postTerminator, help: "Options passed to every `xsnet train`.") var trainOptions: [String] = []

    static let recipeChoices: [TrainCommand.Preset] = [.anyTarget, .anyTargetPrior, .anyTargetScalingPrior, .anyTargetKinematicPrior, .anyTargetCoded]

    var recipeList: [TrainCommand.Preset] { recipes.split(separator: ",").compactMap { TrainCommand.Preset(rawValue: String($0)) } }

    func validate() throws {
        let names = recipes.split(separator: ",").map(String.init)
        if names.isEmpty { throw ValidationError("give at least one recipe") }
        if let bad = names.first(where: { TrainCommand.Preset(rawValue: $0).map { !Self.recipeChoices.contains($0) } ?? true }) {
            throw ValidationError(
                "`\(bad.oneLine(limit: 40))` is not a recipe for every nucleus; use \(Self.recipeChoices.map(\.rawValue).joined(separator: ", "))")
        }
        if !(1...1024).contains(members) { throw ValidationError("--members must be in 1…1024") }
        if !(1...256).contains(jobs) { throw ValidationError("--jobs must be in 1…256") }
        if minimumPoints < 1 { throw ValidationError("--minimum-points must be at least 1") }
        if !(finetuneFraction > 0 && finetuneFraction < 1) { throw ValidationError("--finetune-fraction must be in (0, 1)") }
        if finetuneEpochs < 1 { throw ValidationError("--finetune-epochs must be at least 1") }
        if let bad = nuclei?.split(separator: ",").first(where: { Nucleus(name: String($0)) == nil }) {
            throw ValidationError("`\(String(bad).oneLine(limit: 40))` is not a nucleus (C12, Ca40, …)")
        }
        if let flag = trainOptions.first(where: {
            ["--split", "--nucleus", "--out", "--replica", "--of", "--preset", "--data", "--datasets-file"].contains($0)
        }) {
            throw ValidationError("\(flag) is set by the study for every training; leave it out of the options after --")
        }
    }

    func run() throws {
        let started = Benchmark.now()
        let data = try source.load()
        let selection = try DataSelection(nucleus: DataSelection.anyTarget).apply(to: data)
        let heldOut: [Nucleus]
        if let nuclei {
            heldOut = Set(nuclei.split(separator: ",").compactMap { Nucleus(name: String($0)) }).sorted()
            let present = Set(selection.points.map(\.nucleus))
            if let missing = heldOut.first(where: { !present.contains($0) }) {
                throw CommandError(
                    "no \(missing.name) points in the any-target selection; it holds \(present.sorted().map(\.name).joined(separator: ", "))")
            }
        } else {
            heldOut = NucleusStudy.nuclei(selection, minimumPoints: minimumPoints)
        }
        let carbon = try CrossSectionModel.load(URL(fileURLWithPath: carbonModel))
        let dataOptions = (source.dataFile.map { ["--data", $0] } ?? []) + (source.datasetsFile.map { ["--datasets-file", $0] } ?? [])
        func folder(_ recipe: TrainCommand.Preset, _ nucleus: Nucleus) -> String { "\(out)/folds/\(recipe.rawValue)/\(nucleus.name)" }
        var jobList: [EnsembleJobs.Job] = []
        for recipe in recipeList {
            for nucleus in heldOut {
                for i in 0..<members {
                    let file = "\(folder(recipe, nucleus))/replica-\(i).xsnet"
                    jobList.append(
                        EnsembleJobs.Job(
                            name: "\(recipe.rawValue) without \(nucleus.name) replica \(i)", file: file,
                            arguments: [
                                "train", "--nucleus", DataSelection.anyTarget, "--preset", recipe.rawValue, "--split",
                                DataSplit.Method.leaveOutNucleus(nucleus.name).rawValue, "--replica", "\(i)", "--of", "\(members)", "--threads", "1",
                                "--quiet", "--out", file
                            ] + dataOptions + trainOptions))
                }
            }
        }
        try runStudyTrainings(
            jobList, what: "\(recipeList.count) recipes × \(heldOut.count) nuclei × \(members) replicas", parallel: jobs, started: started)
        try FileManager.default.createDirectory(atPath: "\(out)/figures", withIntermediateDirectories: true)
        let reference = BostedMamyan()
        var baselines: [Nucleus: NucleusStudy.CarbonBaselines?] = [:]
        var measured: [(row: NucleusStudy.NucleusRow, points: GeneralizationStudy.HeldOutPoints)] = []
        var trainingSeconds = 0.0
        for recipe in recipeList {
            for nucleus in heldOut {
                let replicas = (0..<members).map { "\(folder(recipe, nucleus))/replica-\($0).xsnet" }
                let ensemble = try CrossSectionModel.ensemble(try replicas.map { try CrossSectionModel.load(URL(fileURLWithPath: $0)) })
                trainingSeconds += ensemble.info.members?.compactMap { $0.training?.wallSeconds }.reduce(0, +) ?? 0
                let (fold, points) = try GeneralizationStudy.measure(model: ensemble, data: data, recipe: recipe.rawValue, reference: reference)
                if baselines[nucleus] == nil {
                    let selected = try ensemble.selectedData(from: data)
                    baselines[nucleus] = try NucleusStudy.carbonBaselines(
                        carbon: carbon, carbonName: carbonModel, nucleus: nucleus, heldOut: selected.split.test.map { selected.points[$0] },
                        data: data,
                        fraction: finetuneFraction, epochs: finetuneEpochs, seed: finetuneSeed)
                }
                measured.append((NucleusStudy.row(nucleus: nucleus, fold: fold, baselines: baselines[nucleus]!), points))
                printError(
                    String(
                        format: "%@ without %@: median %.1f%% (Bosted–Mamyan %.1f%%)", recipe.rawValue, nucleus.name,
                        100 * fold.scores.median_abs_rel_dev, 100 * (fold.scores.reference_median_abs_rel_dev ?? .nan)))
                // The nucleus's largest data set, the held-out ensemble bound to it, the fit dashed.
                var counts: [String: Int] = [:]
                for p in data.points where p.nucleus == nucleus { counts[p.dataset, default: 0] += 1 }
                if let largest = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key {
                    let figure = try Figures.datasetGrid(model: try ensemble.bound(to: nucleus), data: data, dataset: largest, reference: reference)
                    try AtomicFile.write(
                        try figure.svg(), to: URL(fileURLWithPath: "\(out)/figures/\(recipe.rawValue)-\(nucleus.name).svg"))
                }
            }
        }
        let study = NucleusStudy.Study(
            command: (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " "), members: members,
            recipes: Dictionary(uniqueKeysWithValues: recipeList.map { ($0.rawValue, ["--preset", $0.rawValue] + trainOptions) }),
            reference: reference.name, carbon_model: carbonModel, finetune_fraction: finetuneFraction, finetune_epochs: finetuneEpochs,
            folds: measured.map(\.row), pooled: NucleusStudy.pooled(measured), calibration: NucleusStudy.crossNucleusCalibrations(measured),
            seconds: Benchmark.now() - started,
            replica_training_seconds: trainingSeconds)
        try AtomicFile.write(try jsonText(study), to: URL(fileURLWithPath: "\(out)/study.json"))
        try AtomicFile.write(NucleusStudy.markdown(study), to: URL(fileURLWithPath: "\(out)/study.md"))
        print(NucleusStudy.markdown(study), terminator: "")
        printError("wrote \(out)/study.md, \(out)/study.json and \(out)/figures/ in \(formatDuration(study.seconds))")
    }
}
