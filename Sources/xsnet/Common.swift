import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

extension OutputFormat: ExpressibleByArgument {}

/// Where the data come from: the bundled curated set, or a user's CSV in the same schema.
struct DataSourceOptions: ParsableArguments {
    @Option(
        name: .customLong("data"),
        help: ArgumentHelp(
            "A points CSV in the project schema (see Data/points.csv) instead of the bundled data set.", valueName: "file"))
    var dataFile: String?

    @Option(
        name: .customLong("datasets-file"),
        help: ArgumentHelp(
            "A datasets CSV giving Δλ_k for --data (default: Δλ = 5% for each data set).", valueName: "file"))
    var datasetsFile: String?

    func load() throws -> ScatteringData {
        if let dataFile {
            return try ScatteringData.load(
                points: URL(fileURLWithPath: dataFile),
                datasets: datasetsFile.map { URL(fileURLWithPath: $0) })
        }
        return try ScatteringData.bundled()
    }
}

extension Nucleus: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

/// JSON for scripts: sorted keys, so output is stable.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

/// Writes to standard error (progress and warnings; standard output stays for results).
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// The model at `path` for `nucleus`: an any-target model bound to it, or a model of that
/// nucleus (nil: the model's own; an any-target model then needs one named).
func loadModel(_ path: String, nucleus: Nucleus?) throws -> CrossSectionModel {
    let model = try CrossSectionModel.load(URL(fileURLWithPath: path))
    guard let nucleus else {
        if model.info.isAnyTarget {
            throw CommandError("\(path) holds every nucleus: name the one to predict with --nucleus (C12, Ar40, Ti48, …)")
        }
        return model
    }
    do { return try model.bound(to: nucleus) } catch let error as PredictionError {
        throw CommandError("\(path): \(error.description)")
    }
}

/// How a model predicts: Monte-Carlo dropout settings (model B).
struct PredictionOptions: ParsableArguments {
    @Option(help: "Monte-Carlo dropout passes per point (models trained with --dropout; default: the model's, 100).")
    var mcSamples: Int?
    @Option(help: "Dropout probability at prediction (default: the training value).")
    var mcProbability: Double?

    func validate() throws {
        if let k = mcSamples, !(2...ModelInfo.monteCarloSampleLimit.upperBound).contains(k) {
            throw ValidationError("--mc-samples must be in 2…\(ModelInfo.monteCarloSampleLimit.upperBound)")
        }
        if let p = mcProbability, !(0..<1).contains(p) { throw ValidationError("--mc-probability must be in [0, 1)") }
    }

    func load(_ path: String) throws -> CrossSectionModel {
        let model = try CrossSectionModel.load(URL(fileURLWithPath: path))
        try apply(to: model)
        return model
    }

    /// `loadModel(path, nucleus:)` with the Monte-Carlo options applied.
    func load(_ path: String, nucleus: Nucleus?) throws -> CrossSectionModel {
        let model = try loadModel(path, nucleus: nucleus)
        try apply(to: model)
        return model
    }

    /// Sets the model's Monte-Carlo passes and dropout probability as asked.
    func apply(to model: CrossSectionModel) throws {
        if mcSamples != nil || mcProbability != nil {
            guard model.networks.count == 1, model.networks[0].layers.contains(where: { $0 is Dropout }) else {
                throw CommandError("--mc-samples/--mc-probability need a single network trained with --dropout")
            }
            model.info.monteCarloSamples = mcSamples ?? model.info.monteCarloSamples ?? 100
            if let p = mcProbability {
                model.setDropoutProbability(p)
                // The calibration factor was fitted at the training p; it does not carry to another p.
                if model.info.calibration != nil {
                    model.info.calibration = nil
                    printError("note: --mc-probability changes the spread; the model's calibration (fitted at its own p) is not applied")
                }
            }
        }
    }
}

/// A command's discussion as swift-argument-parser should wrap it: consecutive prose lines are
/// joined into one paragraph line (the parser wraps at the terminal width; hard breaks in the
/// source would break lines mid-sentence), while blank lines, indented lines (examples) and
/// list items ("- ") keep their breaks.
func helpText(_ source: String) -> String {
    var lines: [String] = []
    var joinable = false
    for line in source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let prose = !line.isEmpty && !line.hasPrefix(" ")
        if prose, joinable, !line.hasPrefix("- ") {
            lines[lines.count - 1] += " " + line
        } else {
            lines.append(line)
        }
        joinable = prose
    }
    return lines.joined(separator: "\n")
}

/// A failure found while a command runs (a file, a model or data that do not fit): printed as
/// "Error: …" with exit code 1. Usage errors found before any work are `ValidationError`s from
/// `validate()`, which print the usage and exit with 64.
struct CommandError: Error, CustomStringConvertible, LocalizedError {
    var description: String
    init(_ description: String) { self.description = description }
    var errorDescription: String? { description }
}

/// "1m05s elapsed, about 3m10s left": the time left at the rate of the `done` steps so far.
func timeLeft(elapsed: Double, done: Int, remaining: Int) -> String {
    "\(formatDuration(elapsed)) elapsed, about \(formatDuration(elapsed / Double(done) * Double(remaining))) left"
}

/// Prints a calibration's progress: the folds chosen, then a line with time left after each fold.
func calibrationProgressPrinter() -> (CalibrationProgress) -> Void {
    let started = Date()
    return { event in
        switch event {
        case .folds(let summary): printError("cross-fitting for the calibration: \(summary)")
        case let .foldDone(done, total):
            let elapsed = Date().timeIntervalSince(started)
            printError(
                "cross-fitting fold \(done)/\(total) done, \(timeLeft(elapsed: elapsed, done: done, remaining: total - done))"
            )
        }
    }
}

/// Runs a study's trainings as parallel `xsnet train` processes of this executable (finished ones
/// kept: `EnsembleJobs.run`), after a line saying how many (`what`: "2 recipes × 12 nuclei × 2
/// replicas"), with a progress line and the time left after each.
func runStudyTrainings(_ jobList: [EnsembleJobs.Job], what: String, parallel: Int, started: Double) throws {
    let kept = jobList.filter { FileManager.default.fileExists(atPath: $0.file) }.count
    printError("\(what) = \(jobList.count) trainings" + (kept > 0 ? " (\(kept) already done, kept)" : ""))
    var finishedHere = 0
    try EnsembleJobs.run(jobList, executable: URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path, parallel: parallel) {
        job, done, total in
        finishedHere += 1
        printError("\(job.name) done: \(done)/\(total), \(timeLeft(elapsed: Benchmark.now() - started, done: finishedHere, remaining: total - done))")
    }
}
