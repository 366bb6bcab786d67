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

    /// The fine-tuning recipe: a few hundred epochs at a small learning rate. The source's
    /// pseudo-data of the reference fit (`referencePseudoPoints`) are dropped unless
    /// `keepingPseudoData` (an update of the model's own nucleus keeps its recipe): fine-tuned to
    /// another nucleus on a few of its points, the network would draw that nucleus's 1,000 points
    /// of the fit beside a dozen measured ones and become the fit (¹⁶O from the shipped carbon
    /// ensemble on 10% of its data: 9.51% and 1σ coverage 50% on the other 90% with them, the fit
    /// itself 10.8%). The source network already carries the prior where it was trained.
    public static func fineTuningConfig(
        from source: TrainingConfig, epochs: Int = 400, learningRate: Double = 5e-4, seed: UInt64, keepingPseudoData: Bool = false
    ) -> TrainingConfig {
        var c = keepingPseudoData ? source : source.withoutReferencePseudoData()
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
    /// on the training part of `data`; the result predicts with a band like the source. Each member
    /// of an ensemble is fine-tuned on its own bootstrap clone of the training part (the points
    /// drawn with replacement, their values and the data sets' normalizations drawn as in
    /// training: `BootstrapKind.resampledParametric`), so that the band does not collapse on a few
    /// points that every member would otherwise fit alike. With `keepingNormalizations` (an update
    /// on the model's own data) each member's data sets start from the λ_k that member was fitted
    /// with, except those in `restarting` (new versions of a data set); otherwise from 1. With
    /// `anchorError` each member is held near its own starting function, within that relative
    /// error, at the training points of every data set not in `restarting` (`Trainer.anchorToStart`),
    /// less so near the points `anchorRelease` names.
    public static func fineTune(
        _ source: CrossSectionModel, sourceName: String, data: SelectedData, scenario: Scenario, blocks: Int,
        config: TrainingConfig, command: String, keepingNormalizations: Bool = false,
        restarting: Set<String> = [], anchorError: Double? = nil, anchorRelease: AnchorRelease? = nil, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> CrossSectionModel {
        // A model of every nucleus fine-tuned on one starts as its prediction for that nucleus.
        let source = try Nucleus(name: data.selection.nucleus).map { source.info.isAnyTarget ? try source.bound(to: $0) : source } ?? source
        var members: [CrossSectionModel] = []
        for (i, net) in source.networks.enumerated() {
            var memberConfig = config
            memberConfig.seed = config.seed &+ UInt64(i) &* 1_000_003
            if source.networks.count > 1 {
                memberConfig.replica = i
                memberConfig.replicaCount = source.networks.count
                memberConfig.bootstrap = .resampledParametric
            }
            let fitted = source.info.members.map { $0[i].normalizations } ?? source.info.normalizations
            let start = Trainer.Start(
                network: net, input: source.info.input, output: source.info.output, source: sourceName,
                normalizations: keepingNormalizations
                    ? Dictionary(
                        fitted.filter { !restarting.contains($0.dataset) }.map { ($0.dataset, $0.lambda) }, uniquingKeysWith: { a, _ in a })
                    : [:])
            let trainer = Trainer(data: data, config: memberConfig, command: command, startingFrom: start)
            shiftToMassScaling(trainer.network, output: source.info.output, factor: massRatio(source, data))
            switch scenario {
            case .all: trainer.network.setTrainable(Array(repeating: true, count: net.spec.blocks.count + 1))
            case .lastBlocks: trainer.network.trainOnlyLastBlocks(blocks)
            }
            // An update holds each member near its own starting function at the old data sets' points.
            if let anchorError { trainer.anchorToStart(excluding: restarting, relativeError: anchorError, release: anchorRelease) }
            trainer.resetOptimizer()
            _ = try trainer.run()
            members.append(trainer.finishedModel(machine: "", version: ""))
            progress(i + 1, source.networks.count)
        }
        let model = members.count == 1 ? members[0] : try CrossSectionModel.ensemble(members)
        model.info.monteCarloSamples = source.networks.count == 1 ? source.info.monteCarloSamples : nil
        return model
    }

    /// A_target / A_source; 1 from an any-target model (it describes the nucleus itself).
    static func massRatio(_ source: CrossSectionModel, _ data: SelectedData) -> Double {
        if source.info.describesNucleus { return 1 }
        let target = Double(data.points.first?.nucleus.A ?? 12)
        return target / Double(Nucleus(name: source.info.nucleus)?.A ?? 12)
    }

    /// Moves the output bias so that fine-tuning starts from the mass-scaled source model
    /// (σ × A/A_source): exact for the exponential output and the response head (log σ, or both
    /// log R, shift by log(A/A_source)),
    /// exact up to the sigmoid's curvature for the sigmoid output (the logit shifts by the same).
    /// Fine-tuning then only has to learn how the nucleus differs from scaled carbon.
    static func shiftToMassScaling(_ network: Network, output: OutputTransform, factor: Double) {
        guard let bias = network.parameters.view(named: "output.dense.bias") else { return }
        let shift: Double =
            switch output {
            case let .logScale(_, width), let .responses(_, width): log(factor) / width
            case .sigmoidScale: log(factor)
            // The reference fit is already the target nucleus's: nothing to scale.
            case .referenceScale, .referenceResponses: 0
            }
        network.parameters.setValues(bias, network.parameters.valueArray(bias).map { $0 + Float(shift) })
    }

    /// A model of one nucleus carried to another by a reference's nuclear ratio: σ(E, θ, ω) ×
    /// σ_ref(nucleus)/σ_ref(model's nucleus) at the same kinematics (the mass ratio where the
    /// reference has no value). The network supplies what the reference misses on its own nucleus,
    /// the reference how the cross section changes between the nuclei (Fermi momentum, energy
    /// shift, Z and N, and with `CoulombCorrected` the Coulomb distortion). The band scales alike.
    public static func referenceScaled(
        _ model: CrossSectionModel, to nucleus: Nucleus, points: [Kinematics], reference: any ReferenceModel
    ) -> [CrossSectionPrediction] {
        let own = Nucleus(name: model.info.nucleus) ?? Nucleus(Z: 6, A: 12)
        let massRatio = Double(nucleus.A) / Double(own.A)
        return zip(points, model.predict(points)).map { k, p in
            if let target = reference.crossSection(k, nucleus: nucleus), let source = reference.crossSection(k, nucleus: own) {
                let ratio = target / source
                if ratio.isFinite && ratio > 0 { return p.scaled(by: ratio) }
            }
            return p.scaled(by: massRatio)
        }
    }

    /// The carbon model scaled by A/A_source: the simplest baseline for another nucleus.
    public static func massScaled(_ model: CrossSectionModel, to nucleus: Nucleus, points: [Kinematics]) -> [CrossSectionPrediction] {
        let a = Double(Nucleus(name: model.info.nucleus)?.A ?? 12)
        let scale = Double(nucleus.A) / a
        return model.predict(points).map { $0.scaled(by: scale) }
    }
}
