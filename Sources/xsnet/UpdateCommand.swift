import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel

struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Update a model with newly delivered data: training continues on its own data plus the new data sets.",
        discussion: helpText(
            """
            Every member continues from its weights for --epochs (default 15% of the model's own) on the
            model's data plus the data sets in --data (points CSV in the project schema; Δλ_k from
            --datasets-file, else 5% each), each new data set with its own λ_k. A data set already in the
            model's data (same nucleus and name) is replaced by the delivered version. The new data are kept in
            the model file, so its data and split can be re-selected. Prints per data set χ²/N and the median
            deviation before and after, and how far the predictions moved at the new data's points and
            elsewhere (Markdown, or --format json); --figure draws the new data with the model before and after.

            Continued training also moves the old data sets where the new data ask nothing of them, so each
            member is held near its own predictions at the old data sets' points (--anchor-error), except near
            the new data in (q, ω), where the responses they measure are the ones the old points depend on
            (--anchor-release); --no-anchor trains without it (docs/update.md).

              xsnet data show --nucleus C12 --dataset Sealock:1989nx --out sealock.csv
              xsnet update --model without-sealock.xsnet --data sealock.csv --out updated.xsnet --figure update.svg
            """))

    @Option(help: "The model to update.") var model: String
    @Option(help: ArgumentHelp("The new data: a points CSV in the project schema (see Data/points.csv).", valueName: "file")) var data: String
    @Option(help: ArgumentHelp("A datasets CSV giving Δλ_k of the new data sets (default 5% each).", valueName: "file"))
    var datasetsFile: String?
    @Option(help: "The updated model file to write.") var out: String
    @Option(help: "Epochs of continued training (default: 15% of the model's own; 12–16% of a training's time in docs/update.md).") var epochs: Int?
    @Option(help: "Learning rate of the continued training.") var learningRate: Double = 5e-4
    @Option(help: "Seed of the continued training.") var seed: UInt64 = 0
    @Option(
        help: ArgumentHelp(
            "Hold every member within this relative error of its own predictions at the old data sets' training points (a data point of 1% error weighs as τ = 0.01), so that the old data sets move less (default \(ModelUpdate.defaultAnchorError)).",
            valueName: "τ")) var anchorError: Double?
    @Option(
        help: ArgumentHelp(
            "Let the anchor go near the new data: an old point at relative distance d = √(Δq² + Δω²)/q from the nearest new point (of its own nucleus, for a model told the nucleus) keeps the share 1 − exp(−d²/2ℓ²) of it; 0 holds everywhere (default \(ModelUpdate.defaultAnchorRelease)).",
            valueName: "ℓ")) var anchorRelease: Double?
    @Flag(help: "Continue training without any anchor (the old data sets then move most).") var noAnchor = false
    @Option(help: ArgumentHelp("Also draw the new data with the model before and after (SVG).", valueName: "file")) var figure: String?
    @Option(help: "Output format: markdown or json.") var format: ReportFormat = .markdown

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case markdown, json }

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a finite number > 0") }
        if let anchorError, !(anchorError > 0 && anchorError.isFinite) { throw ValidationError("--anchor-error must be a finite number > 0") }
        if let anchorRelease, !(anchorRelease >= 0 && anchorRelease.isFinite) {
            throw ValidationError("--anchor-release must be a finite number ≥ 0")
        }
        if noAnchor, anchorError != nil || anchorRelease != nil {
            throw ValidationError("--no-anchor trains without the anchor that --anchor-error and --anchor-release shape: give one or the other")
        }
    }

    func run() throws {
        let destination = try AtomicFile.destination(URL(fileURLWithPath: out))
        let original = try CrossSectionModel.load(URL(fileURLWithPath: model))
        let new = try ScatteringData.load(points: URL(fileURLWithPath: data), datasets: datasetsFile.map { URL(fileURLWithPath: $0) })
        let base = try ScatteringData.bundled()
        let epochs = self.epochs ?? ModelUpdate.defaultEpochs(forModelEpochs: original.info.config.epochs)
        let started = Date()
        let (updated, report) = try ModelUpdate.update(
            original, modelName: model, base: base, new: new, epochs: epochs, learningRate: learningRate, seed: seed,
            anchorError: noAnchor ? nil : anchorError ?? ModelUpdate.defaultAnchorError,
            anchorReleaseRadius: noAnchor ? nil : anchorRelease ?? ModelUpdate.defaultAnchorRelease,
            command: (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        ) { done, total in
            let elapsed = Date().timeIntervalSince(started)
            printError("member \(done)/\(total) updated, \(timeLeft(elapsed: elapsed, done: done, remaining: total - done))")
        }
        try updated.save(destination)
        if let figure, let first = report.new_datasets.first {
            // The first new data set, with the model before the update dashed.
            let nucleus = new.points.first { updated.info.selection.key($0) == first }!.nucleus
            let dataset = new.points.first { updated.info.selection.key($0) == first }!.dataset
            let before = ModelCurve(model: try original.bound(to: nucleus), name: "before the update")
            let panel = try Figures.datasetGrid(
                model: try updated.bound(to: nucleus), data: try updated.info.withAddedData(base), dataset: dataset, reference: before)
            // Standard output stays for the report.
            try AtomicFile.write(try panel.svg(), to: URL(fileURLWithPath: figure))
            printError("wrote \(figure)")
        }
        switch format {
        case .json: print(try jsonText(report), terminator: "")
        case .markdown: print(ModelUpdate.markdown(report), terminator: "")
        }
        printError("wrote \(out)")
    }
}

/// A model's predictions drawn as a reference curve (the model before an update).
struct ModelCurve: ReferenceModel, @unchecked Sendable {
    let model: CrossSectionModel
    let name: String

    func crossSection(_ k: Kinematics, nucleus: Nucleus) -> Double? {
        (try? model.bound(to: nucleus).checkedPredictions([k]))?.first?.mean
    }
}
