import Foundation
import XSData
import XSNN

/// Transfer learning (Graczyk et al., arXiv:2408.09936): a network pre-trained on carbon,
/// fine-tuned on a small fraction of another nucleus's data, predicts the rest.
public enum Transfer {
    /// Which parameters fine-tuning updates.
    public enum Scenario: String, Codable, CaseIterable, Sendable {
        /// Scenario 1: every layer.
        case all
        /// Scenario 2: only the last `blocks` hidden blocks and the output (frozen blocks keep
        /// their batch-norm statistics).
        case lastBlocks = "last-blocks"
    }

    /// The fine-tuning recipe: a few hundred epochs at a small learning rate.
    public static func fineTuningConfig(from source: TrainingConfig, epochs: Int = 400, learningRate: Double = 5e-4, seed: UInt64) -> TrainingConfig {
        var c = source
        c.epochs = epochs
        c.learningRate = learningRate
        c.schedule = .cosine
        c.seed = seed
        c.replica = nil
        c.replicaCount = nil
        c.evaluateEvery = max(epochs / 20, 1)
        c.releaseFraction = 0.5
        return c
    }

    /// Fine-tunes every member of `source` (one network, an ensemble, or an MC-dropout network)
    /// on the training part of `data`; the result predicts with a band like the source.
    public static func fineTune(_ source: CrossSectionModel, sourceName: String, data: SelectedData, scenario: Scenario, blocks: Int,
                                config: TrainingConfig, command: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> CrossSectionModel {
        var members: [CrossSectionModel] = []
        for (i, net) in source.networks.enumerated() {
            var memberConfig = config
            memberConfig.seed = config.seed &+ UInt64(i) &* 1_000_003
            let start = Trainer.Start(network: net, input: source.info.input, output: source.info.output, source: sourceName)
            let trainer = Trainer(data: data, config: memberConfig, command: command, startingFrom: start)
            switch scenario {
            case .all: trainer.network.setTrainable(Array(repeating: true, count: net.spec.blocks.count + 1))
            case .lastBlocks: trainer.network.trainOnlyLastBlocks(blocks)
            }
            trainer.resetOptimizer()
            _ = try trainer.run()
            members.append(trainer.finishedModel(machine: "", version: ""))
            progress(i + 1, source.networks.count)
        }
        let model = members.count == 1 ? members[0] : try CrossSectionModel.ensemble(members)
        model.info.monteCarloSamples = source.networks.count == 1 ? source.info.monteCarloSamples : nil
        return model
    }

    /// The carbon model scaled by A/A_source: the simplest baseline for another nucleus.
    public static func massScaled(_ model: CrossSectionModel, to nucleus: Nucleus, points: [Kinematics]) -> [CrossSectionPrediction] {
        let a = Double(Nucleus(name: model.info.nucleus)?.A ?? 12)
        let scale = Double(nucleus.A) / a
        return model.predict(points).map {
            CrossSectionPrediction(mean: scale * $0.mean, standardDeviation: scale * $0.standardDeviation, percentile16: scale * $0.percentile16,
                                   percentile84: scale * $0.percentile84, extrapolation: $0.extrapolation)
        }
    }
}
