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
        discussion: helpText(
            """
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
        if !(1...10_000_000).contains(epochs) { throw ValidationError("--epochs must be in 1…10,000,000") }
        if !(1...256).contains(blocks) { throw ValidationError("--blocks must be in 1…256") }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a finite number > 0") }
        if !(minOmega >= 0 && minOmega.isFinite) { throw ValidationError("--min-omega must be a finite number ≥ 0 (GeV)") }
    }

    func run() throws {
        let started = Benchmark.now()
        let source = try CrossSectionModel.load(URL(fileURLWithPath: self.source))
        if scenario == .lastBlocks && blocks > source.networks[0].spec.blocks.count {
            throw CommandError("the model has only \(source.networks[0].spec.blocks.count) hidden blocks")
        }
        let selection = DataSelection(
            nucleus: nucleus, minimumEnergyTransfer: minOmega, splitMethod: .random, testFraction: 1 - trainFraction, splitSeed: seed)
        let data = try selection.apply(to: try ScatteringData.bundled())
        printError("\(data.points.count) points of \(nucleus): \(data.split.train.count) to fine-tune on, \(data.split.test.count) to test on")
        let config = Transfer.fineTuningConfig(from: source.info.config, epochs: epochs, learningRate: learningRate, seed: seed)
        let command = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let model = try Transfer.fineTune(
            source, sourceName: self.source, data: data, scenario: scenario, blocks: blocks, config: config, command: command
        ) { done, all in
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
        print(
            String(
                format: "wrote %@ in %.1f s; on the other %d points: median |σ_pred/σ − 1| %.2f%%, within 10%% %.1f%%, χ²/N %.2f",
                out, seconds, r.points, 100 * r.median_abs_rel_dev, 100 * r.within_10pct, r.chi2_per_point))
    }
}

struct TransferStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer-study",
        abstract: "Reproduce the transfer-learning study: fine-tuning against training from scratch and A/12 scaling.",
        discussion: helpText(
            """
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

    func validate() throws {
        if !(1...1000).contains(seeds) || !(1...10_000_000).contains(epochs) || !(1...10_000_000).contains(scratchEpochs)
            || !(1...256).contains(blocks)
        {
            throw ValidationError("--seeds (1…1000), --epochs and --scratch-epochs (1…10,000,000) and --blocks (1…256) out of range")
        }
        if let bad = trainFractions.split(separator: ",").first(where: { Double($0).map { !($0 > 0 && $0 < 1) } ?? true }) {
            throw ValidationError("--train-fractions: `\(bad)` is not a fraction in (0, 1)")
        }
        if let bad = nuclei.split(separator: ",").first(where: { Nucleus(name: String($0)) == nil }) {
            throw ValidationError("--nuclei: unknown nucleus `\(bad)`")
        }
    }

    func run() throws {
        let started = Benchmark.now()
        let carbon = try CrossSectionModel.load(URL(fileURLWithPath: source))
        let data = try ScatteringData.bundled()
        let fractions = trainFractions.split(separator: ",").compactMap { Double($0) }
        let targets = nuclei.split(separator: ",").map(String.init)
        let recipe = TransferStudy.Recipe(fineTuningEpochs: epochs, scratchEpochs: scratchEpochs, blocks: blocks)
        var rows: [TransferStudy.Row] = []
        let total = fractions.count * targets.count * seeds
        var done = 0
        for fraction in fractions {
            for name in targets {
                var row = TransferStudy.Row(nucleus: name, train_fraction: fraction)
                for seed in 0..<UInt64(seeds) {
                    try TransferStudy.measure(&row, carbon: carbon, sourceName: source, data: data, seed: seed, recipe: recipe)
                    done += 1
                    let elapsed = Benchmark.now() - started
                    printError(
                        "\(name) fraction \(fraction) seed \(seed): done (\(done)/\(total), \(timeLeft(elapsed: elapsed, done: done, remaining: total - done)))"
                    )
                }
                rows.append(row)
            }
        }
        let command = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let study = TransferStudy.Study(command: command, source: source, seconds: Benchmark.now() - started, rows: rows)
        try AtomicFile.write(try jsonText(study), to: URL(fileURLWithPath: out + ".json"))
        let markdown = TransferStudy.markdown(study)
        try AtomicFile.write(markdown, to: URL(fileURLWithPath: out + ".md"))
        print(markdown, terminator: "")
    }
}
