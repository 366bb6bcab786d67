import Foundation
import XSData

/// The transfer-learning study of Graczyk et al. (arXiv:2408.09936): on a nucleus's held-out
/// points, the carbon model fine-tuned on a small train fraction (all layers, or the last blocks
/// only), the same network trained from scratch on those points, and carbon × A/12.
public enum TransferStudy {
    public static let methods = ["finetune_all", "finetune_last_blocks", "from_scratch", "carbon_A_over_12"]

    /// One method's figures over the seeds.
    public struct Cell: Codable, Sendable {
        public var median_abs_rel_dev: [Double] = []
        public var within_10pct: [Double] = []
        public var chi2_per_point: [Double] = []

        mutating func append(_ m: AgreementMetrics) {
            median_abs_rel_dev.append(m.median_abs_rel_dev)
            within_10pct.append(m.within_10pct)
            chi2_per_point.append(m.chi2_per_point)
        }
    }

    public struct Row: Codable, Sendable {
        public var nucleus: String, train_fraction: Double, train_points: Int, test_points: Int
        public var methods: [String: Cell]

        public init(nucleus: String, train_fraction: Double) {
            self.nucleus = nucleus
            self.train_fraction = train_fraction
            train_points = 0
            test_points = 0
            methods = Dictionary(uniqueKeysWithValues: TransferStudy.methods.map { ($0, Cell()) })
        }
    }

    public struct Study: Codable, Sendable {
        public var command: String, source: String, seconds: Double, rows: [Row]
        public init(command: String, source: String, seconds: Double, rows: [Row]) {
            self.command = command
            self.source = source
            self.seconds = seconds
            self.rows = rows
        }
    }

    /// How each method is run.
    public struct Recipe: Sendable {
        public var fineTuningEpochs: Int
        public var scratchEpochs: Int
        /// Hidden blocks fine-tuned by `finetune_last_blocks`.
        public var blocks: Int
        public init(fineTuningEpochs: Int, scratchEpochs: Int, blocks: Int) {
            self.fineTuningEpochs = fineTuningEpochs
            self.scratchEpochs = scratchEpochs
            self.blocks = blocks
        }
    }

    /// Adds one seed's figures of every method to `row`: the split of `row.nucleus` into the train
    /// fraction and the held-out rest is drawn with `seed`.
    public static func measure(
        _ row: inout Row, carbon: CrossSectionModel, sourceName: String, data: ScatteringData, seed: UInt64,
        recipe: Recipe
    ) throws {
        guard let nucleus = Nucleus(name: row.nucleus) else { throw SelectionError.unknownNucleus(row.nucleus, available: data.nuclei.map(\.name)) }
        let selection = DataSelection(nucleus: row.nucleus, splitMethod: .random, testFraction: 1 - row.train_fraction, splitSeed: seed)
        let selected = try selection.apply(to: data)
        let test = selected.split.test.map { selected.points[$0] }
        row.train_points = selected.split.train.count
        row.test_points = test.count
        let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: recipe.fineTuningEpochs, seed: seed)
        for (method, scenario) in [("finetune_all", Transfer.Scenario.all), ("finetune_last_blocks", .lastBlocks)] {
            let m = try Transfer.fineTune(
                carbon, sourceName: sourceName, data: selected, scenario: scenario, blocks: recipe.blocks, config: config,
                command: "transfer-study")
            row.methods[method]!.append(Evaluation.report(model: m, points: test, splitName: "test").total)
        }
        // The same network on the same points alone (the carbon recipe's pseudo-data of the fit
        // would be another baseline: the fit's shape of the target nucleus).
        var scratch = carbon.info.config.withoutReferencePseudoData()
        scratch.epochs = recipe.scratchEpochs
        scratch.seed = seed &+ 17
        scratch.replica = nil
        scratch.evaluateEvery = max(recipe.scratchEpochs / 20, 1)
        let trainer = Trainer(data: selected, config: scratch, command: "transfer-study")
        _ = try trainer.run()
        row.methods["from_scratch"]!.append(
            Evaluation.report(model: trainer.finishedModel(machine: "", version: ""), points: test, splitName: "test").total)
        let scaled = Transfer.massScaled(carbon, to: nucleus, points: test.map(\.kinematics))
        row.methods["carbon_A_over_12"]!.append(Evaluation.metrics(points: test, predictions: scaled) { _ in 1 })
    }

    /// The study as Markdown: one table per train fraction, mean ± standard deviation over the seeds.
    public static func markdown(_ s: Study) -> String {
        func stat(_ v: [Double], percent: Bool) -> String {
            let n = Double(v.count), mean = v.reduce(0, +) / n
            let sd = v.count > 1 ? (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot() : 0
            return percent ? String(format: "%.1f ± %.1f%%", 100 * mean, 100 * sd) : String(format: "%.3g ± %.2g", mean, sd)
        }
        var out = "# Transfer study\n\nMade by `\(s.command)` from `\(s.source)` in \(Int(s.seconds.rounded())) s. "
        out += "Figures on the held-out points of each nucleus: mean ± standard deviation over the seeds (each seed draws its own split). "
        out +=
            "Median deviation and fraction within 10% are against the data as published; χ²/N uses the fitted λ_k (λ = 1 for the scaled carbon model).\n\n"
        for fraction in Set(s.rows.map(\.train_fraction)).sorted() {
            out +=
                "## Train fraction \(fraction)\n\n| nucleus | train / test points | method | median abs. deviation | within 10% | χ²/N |\n|---|---|---|---|---|---|\n"
            for row in s.rows where row.train_fraction == fraction {
                for method in methods {
                    let c = row.methods[method]!
                    out +=
                        "| \(row.nucleus) | \(row.train_points) / \(row.test_points) | \(method) | \(stat(c.median_abs_rel_dev, percent: true)) | \(stat(c.within_10pct, percent: true)) | \(stat(c.chi2_per_point, percent: false)) |\n"
                }
            }
            out += "\n"
        }
        return out
    }
}
