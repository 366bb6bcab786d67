import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel
import XSNN

struct GeneralizationStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generalization-study",
        abstract: "How well each recipe predicts what it has not seen: held-out experiments, angles, energies.",
        discussion: helpText(
            """
            For each recipe and each split (every data set of the nucleus left out in turn, then
            angle-above:55, angle-below:20, energy-above:3.5, interior-spectra and random, or --splits)
            it trains an ensemble of --members bootstrap replicas (model A) without the held-out points,
            as parallel `xsnet train` processes (--jobs at a time, one BLAS thread each), and scores the
            ensemble on them against the data as published. Writes OUT/study.md, OUT/study.json and one
            figure per held-out data set and recipe (OUT/figures/). Finished replicas are kept in
            OUT/folds/: a re-run continues where it stopped, and re-scores everything.

              xsnet generalization-study --out Models/generalization
              xsnet generalization-study --out /tmp/study --recipes responses --members 2 --splits angle-above:55,random -- --epochs 1500

            A recipe is a --preset of `xsnet train` (fast, responses, prior, responses-prior, responses-pseudodata, paper); options after -- go to
            every training.
            """))

    @Option(help: "The folder to write the study into.") var out: String
    @Option(help: "The nucleus.") var nucleus: String = "C12"
    @Option(help: "Comma-separated recipes (train presets): fast, responses, prior, responses-prior, responses-pseudodata, paper.") var recipes:
        String = "fast,responses,responses-pseudodata"
    @Option(help: "Bootstrap replicas per fold (the ensemble whose spread is the band).") var members: Int = 3
    @Option(help: "Trainings run at once.") var jobs: Int = 2
    @Option(
        help: "Comma-separated splits (default: every data set left out, angle-above:55, angle-below:20, energy-above:3.5, interior-spectra, random)."
    )
    var splits: String?
    @OptionGroup var source: DataSourceOptions
    @Argument(parsing: .postTerminator, help: "Options passed to every `xsnet train`.") var trainOptions: [String] = []

    var recipeList: [TrainCommand.Preset] { recipes.split(separator: ",").compactMap { TrainCommand.Preset(rawValue: String($0)) } }

    func validate() throws {
        let names = recipes.split(separator: ",").map(String.init)
        if let bad = names.first(where: { TrainCommand.Preset(rawValue: $0) == nil }) {
            throw ValidationError(
                "`\(bad.oneLine(limit: 40))` is not a recipe; use \(TrainCommand.Preset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if names.isEmpty { throw ValidationError("give at least one recipe") }
        if !(1...1024).contains(members) { throw ValidationError("--members must be in 1…1024") }
        if !(1...256).contains(jobs) { throw ValidationError("--jobs must be in 1…256") }
        if let bad = splits?.split(separator: ",").first(where: { DataSplit.Method(rawValue: String($0)) == nil }) {
            throw ValidationError("`\(String(bad).oneLine(limit: 60))` is not a split; use \(DataSplit.Method.forms.joined(separator: ", "))")
        }
        if let flag = trainOptions.first(where: {
            ["--split", "--nucleus", "--out", "--replica", "--of", "--preset", "--data", "--datasets-file"].contains($0)
        }) {
            throw ValidationError("\(flag) is set by the study for every training; leave it out of the options after --")
        }
    }

    /// A file-system name for a split or data set: `leave-out-O-Connell-1987ag`.
    static func fileName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }).replacingOccurrences(of: "--", with: "-")
    }

    func run() throws {
        let started = Benchmark.now()
        let data = try source.load()
        let selection = try DataSelection(nucleus: nucleus).apply(to: data)
        let splitList =
            try splits.map {
                try $0.split(separator: ",").map { text -> DataSplit.Method in
                    guard let m = DataSplit.Method(rawValue: String(text)) else { throw ValidationError("`\(text)` is not a split") }
                    return m
                }
            } ?? GeneralizationStudy.defaultSplits(datasets: selection.datasetKeys)
        let dataOptions = (source.dataFile.map { ["--data", $0] } ?? []) + (source.datasetsFile.map { ["--datasets-file", $0] } ?? [])
        func folder(_ recipe: TrainCommand.Preset, _ split: DataSplit.Method) -> String {
            "\(out)/folds/\(recipe.rawValue)/\(Self.fileName(split.rawValue))"
        }
        // Fold by fold (every member of one fold before the next), so an interrupted study has whole folds.
        var jobList: [EnsembleJobs.Job] = []
        for recipe in recipeList {
            for split in splitList {
                for i in 0..<members {
                    let file = "\(folder(recipe, split))/replica-\(i).xsnet"
                    jobList.append(
                        EnsembleJobs.Job(
                            name: "\(recipe.rawValue) \(split.rawValue) replica \(i)", file: file,
                            arguments: [
                                "train", "--nucleus", nucleus, "--preset", recipe.rawValue, "--split", split.rawValue, "--replica", "\(i)", "--of",
                                "\(members)", "--threads", "1", "--quiet", "--out", file
                            ] + dataOptions + trainOptions))
                }
            }
        }
        try runStudyTrainings(
            jobList, what: "\(recipeList.count) recipes × \(splitList.count) splits × \(members) replicas", parallel: jobs, started: started)
        try FileManager.default.createDirectory(atPath: "\(out)/figures", withIntermediateDirectories: true)
        // The Bosted–Mamyan fit on the same held-out points (nuclei with A > 2).
        let reference: (any ReferenceModel)? = (Nucleus(name: nucleus)?.A ?? 0) > 2 ? BostedMamyan() : nil
        var measured: [(fold: GeneralizationStudy.Fold, points: GeneralizationStudy.HeldOutPoints)] = []
        var trainingSeconds = 0.0
        for recipe in recipeList {
            for split in splitList {
                let replicas = (0..<members).map { "\(folder(recipe, split))/replica-\($0).xsnet" }
                let ensemble = try CrossSectionModel.ensemble(try replicas.map { try CrossSectionModel.load(URL(fileURLWithPath: $0)) })
                trainingSeconds += ensemble.info.members?.compactMap { $0.training?.wallSeconds }.reduce(0, +) ?? 0
                measured.append(try GeneralizationStudy.measure(model: ensemble, data: data, recipe: recipe.rawValue, reference: reference))
                if case .leaveOut(let dataset) = split {
                    let figure = try Figures.datasetGrid(model: ensemble, data: data, dataset: dataset, reference: reference)
                    // SVG only: the figures' CSV twins would triple the study's size in the repository.
                    try AtomicFile.write(
                        try figure.svg(), to: URL(fileURLWithPath: "\(out)/figures/\(recipe.rawValue)-\(Self.fileName(split.rawValue)).svg"))
                }
            }
        }
        let summary = GeneralizationStudy.summarize(measured)
        let study = GeneralizationStudy.Study(
            command: (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " "), nucleus: nucleus, members: members,
            recipes: Dictionary(uniqueKeysWithValues: recipeList.map { ($0.rawValue, ["--preset", $0.rawValue] + trainOptions) }),
            reference: reference?.name, folds: measured.map(\.fold), summary: summary,
            calibration: GeneralizationStudy.crossExperimentCalibrations(measured),
            default_recipe: GeneralizationStudy.defaultRecipe(summary, recipes: recipeList.map(\.rawValue)),
            seconds: Benchmark.now() - started, replica_training_seconds: trainingSeconds)
        try AtomicFile.write(try jsonText(study), to: URL(fileURLWithPath: "\(out)/study.json"))
        try AtomicFile.write(GeneralizationStudy.markdown(study), to: URL(fileURLWithPath: "\(out)/study.md"))
        print(GeneralizationStudy.markdown(study), terminator: "")
        printError("wrote \(out)/study.md, \(out)/study.json and \(out)/figures/ in \(formatDuration(study.seconds))")
    }
}
