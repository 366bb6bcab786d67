import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

extension Transfer.Scenario: ExpressibleByArgument {}

struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a carbon model on a fraction of another nucleus's data (transfer learning).",
        discussion: helpText("""
            Scenario all fine-tunes every layer; last-blocks only the last --blocks hidden blocks and the output.
            The rest of the nucleus's data (1 − --train-fraction) is the test split. The λ_k of the new data
            sets are fitted as in training. An ensemble is fine-tuned member by member, so the result keeps a band.
              xsnet finetune --from Models/C12.xsnet --nucleus Fe56 --train-fraction 0.1 --scenario all --out Fe56.xsnet
            """))

    @Option(name: .customLong("from"), help: "The pre-trained model.") var source: String
    @Option(help: "The target nucleus.") var nucleus: String
    @Option(help: "Fraction of the nucleus's points to fine-tune on.") var trainFraction: Double = 0.1
    @Option(help: "all or last-blocks.") var scenario: Transfer.Scenario = .all
    @Option(help: "Hidden blocks fine-tuned in scenario last-blocks.") var blocks: Int = 2
    @Option(help: "Seed of the split and of the fine-tuning.") var seed: UInt64 = 0
    @Option(help: "Fine-tuning epochs.") var epochs: Int = 400
    @Option(help: "Learning rate.") var learningRate: Double = 5e-4
    @Option(help: "Leave out points with ω below this (GeV).") var minOmega: Double = 0.02
    @Option(help: "The model file to write.") var out: String

    func validate() throws {
        if !(trainFraction > 0 && trainFraction < 1) { throw ValidationError("--train-fraction must be in (0, 1)") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        let started = Benchmark.now()
        let source = try CrossSectionModel.load(URL(fileURLWithPath: self.source))
        if scenario == .lastBlocks && blocks > source.networks[0].spec.blocks.count {
            throw ValidationError("the model has only \(source.networks[0].spec.blocks.count) hidden blocks")
        }
        let selection = DataSelection(nucleus: nucleus, minimumEnergyTransfer: minOmega, splitMethod: .random, testFraction: 1 - trainFraction, splitSeed: seed)
        let data = try selection.apply(to: try ScatteringData.bundled())
        printError("\(data.points.count) points of \(nucleus): \(data.split.train.count) to fine-tune on, \(data.split.test.count) to test on")
        let config = Transfer.fineTuningConfig(from: source.info.config, epochs: epochs, learningRate: learningRate, seed: seed)
        let command = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let model = try Transfer.fineTune(source, sourceName: self.source, data: data, scenario: scenario, blocks: blocks, config: config, command: command) { done, all in
            if all > 1 { printError("member \(done)/\(all) fine-tuned") }
        }
        let seconds = Benchmark.now() - started
        if var t = model.info.training {
            t.wallSeconds = seconds
            t.machine = machineDescription()
            t.xsnetVersion = XSNet.configuration.version
            model.info.training = t
        }
        try model.save(URL(fileURLWithPath: out))
        let test = data.split.test.map { data.points[$0] }
        let r = Evaluation.report(model: model, points: test, splitName: "test").total
        print(String(format: "wrote %@ in %.1f s; on the other %d points: median |σ_pred/σ − 1| %.2f%%, within 10%% %.1f%%, χ²/N %.2f",
                     out, seconds, r.points, 100 * r.median_abs_rel_dev, 100 * r.within_10pct, r.chi2_per_point))
    }
}

struct TransferStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer-study",
        abstract: "Reproduce the transfer-learning study: fine-tuning against training from scratch and A/12 scaling.",
        discussion: helpText("""
            For each nucleus, seed and train fraction: (a) fine-tune all layers, (b) only the last blocks,
            (c) the same network trained from scratch on the same points, (d) the carbon model × A/12; each
            measured on the held-out rest: median |σ_pred/σ − 1|, fraction within 10%, χ²/N. Writes OUT.md and OUT.json.
              xsnet transfer-study --from Models/C12.xsnet --nuclei Li6,O16,Al27,Ca40,Fe56 --seeds 3 --out Models/transfer-study
            """))

    @Option(name: .customLong("from"), help: "The carbon model.") var source: String = "Models/C12.xsnet"
    @Option(help: "Comma-separated nuclei.") var nuclei: String = "Li6,O16,Al27,Ca40,Fe56"
    @Option(help: "Comma-separated train fractions.") var trainFractions: String = "0.1,0.7"
    @Option(help: "Seeds per nucleus and fraction.") var seeds: Int = 3
    @Option(help: "Fine-tuning epochs.") var epochs: Int = 400
    @Option(help: "Epochs of the from-scratch baseline.") var scratchEpochs: Int = 2000
    @Option(help: "Hidden blocks fine-tuned in scenario 2.") var blocks: Int = 2
    @Option(help: "Output path without extension (writes .md and .json).") var out: String = "Models/transfer-study"

    struct Cell: Codable { var median_abs_rel_dev: [Double]; var within_10pct: [Double]; var chi2_per_point: [Double] }
    struct Row: Codable {
        var nucleus: String, train_fraction: Double, train_points: Int, test_points: Int
        var methods: [String: Cell]
    }
    struct Study: Codable { var command: String; var source: String; var seconds: Double; var rows: [Row] }

    static let methods = ["finetune_all", "finetune_last_blocks", "from_scratch", "carbon_A_over_12"]

    func run() throws {
        let started = Benchmark.now()
        let carbon = try CrossSectionModel.load(URL(fileURLWithPath: source))
        let data = try ScatteringData.bundled()
        let fractions = trainFractions.split(separator: ",").compactMap { Double($0) }
        let targets = nuclei.split(separator: ",").map(String.init)
        var rows: [Row] = []
        let total = fractions.count * targets.count * seeds
        var done = 0
        for fraction in fractions {
            for name in targets {
                guard let nucleus = Nucleus(name: name) else { throw ValidationError("unknown nucleus \(name)") }
                var cells = Dictionary(uniqueKeysWithValues: Self.methods.map { ($0, Cell(median_abs_rel_dev: [], within_10pct: [], chi2_per_point: [])) })
                var trainPoints = 0, testPoints = 0
                for seed in 0..<UInt64(seeds) {
                    let selection = DataSelection(nucleus: name, splitMethod: .random, testFraction: 1 - fraction, splitSeed: seed)
                    let selected = try selection.apply(to: data)
                    let test = selected.split.test.map { selected.points[$0] }
                    trainPoints = selected.split.train.count
                    testPoints = test.count
                    func record(_ method: String, _ m: AgreementMetrics) {
                        cells[method]!.median_abs_rel_dev.append(m.median_abs_rel_dev)
                        cells[method]!.within_10pct.append(m.within_10pct)
                        cells[method]!.chi2_per_point.append(m.chi2_per_point)
                    }
                    let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: epochs, seed: seed)
                    for (method, scenario) in [("finetune_all", Transfer.Scenario.all), ("finetune_last_blocks", .lastBlocks)] {
                        let m = try Transfer.fineTune(carbon, sourceName: source, data: selected, scenario: scenario, blocks: blocks, config: config, command: "transfer-study")
                        record(method, Evaluation.report(model: m, points: test, splitName: "test").total)
                    }
                    var scratch = carbon.info.config
                    scratch.epochs = scratchEpochs
                    scratch.seed = seed &+ 17
                    scratch.replica = nil
                    scratch.evaluateEvery = max(scratchEpochs / 20, 1)
                    let trainer = Trainer(data: selected, config: scratch, command: "transfer-study")
                    _ = try trainer.run()
                    record("from_scratch", Evaluation.report(model: trainer.finishedModel(machine: "", version: ""), points: test, splitName: "test").total)
                    let scaled = Transfer.massScaled(carbon, to: nucleus, points: test.map(\.kinematics))
                    record("carbon_A_over_12", Evaluation.metrics(points: test, predictions: scaled) { _ in 1 })
                    done += 1
                    let elapsed = Benchmark.now() - started
                    printError("\(name) fraction \(fraction) seed \(seed): done (\(done)/\(total), \(formatDuration(elapsed)) elapsed, about \(formatDuration(elapsed / Double(done) * Double(total - done))) left)")
                }
                rows.append(Row(nucleus: name, train_fraction: fraction, train_points: trainPoints, test_points: testPoints, methods: cells))
            }
        }
        let command = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let study = Study(command: command, source: source, seconds: Benchmark.now() - started, rows: rows)
        try AtomicFile.write(try jsonText(study), to: URL(fileURLWithPath: out + ".json"))
        let markdown = Self.markdown(study)
        try AtomicFile.write(markdown, to: URL(fileURLWithPath: out + ".md"))
        print(markdown, terminator: "")
    }

    static func markdown(_ s: Study) -> String {
        func stat(_ v: [Double], percent: Bool) -> String {
            let n = Double(v.count), mean = v.reduce(0, +) / n
            let sd = v.count > 1 ? (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot() : 0
            return percent ? String(format: "%.1f ± %.1f%%", 100 * mean, 100 * sd) : String(format: "%.3g ± %.2g", mean, sd)
        }
        var out = "# Transfer study\n\nMade by `\(s.command)` from `\(s.source)` in \(Int(s.seconds.rounded())) s. "
        out += "Figures on the held-out points of each nucleus: mean ± standard deviation over the seeds (each seed draws its own split). "
        out += "Median deviation and fraction within 10% are against the data as published; χ²/N uses the fitted λ_k (λ = 1 for the scaled carbon model).\n\n"
        for fraction in Set(s.rows.map(\.train_fraction)).sorted() {
            out += "## Train fraction \(fraction)\n\n| nucleus | train / test points | method | median abs. deviation | within 10% | χ²/N |\n|---|---|---|---|---|---|\n"
            for row in s.rows where row.train_fraction == fraction {
                for method in methods {
                    let c = row.methods[method]!
                    out += "| \(row.nucleus) | \(row.train_points) / \(row.test_points) | \(method) | \(stat(c.median_abs_rel_dev, percent: true)) | \(stat(c.within_10pct, percent: true)) | \(stat(c.chi2_per_point, percent: false)) |\n"
                }
            }
            out += "\n"
        }
        return out
    }
}
