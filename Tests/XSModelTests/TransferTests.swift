import Foundation
import Testing
import XSData
import XSNN

@testable import XSModel

@Suite struct TransferTests {
    static func carbonModel() throws -> CrossSectionModel {
        var config = TrainerTests.tinyConfig(epochs: 8)
        config.depth = 3
        let t = Trainer(data: try TrainerTests.tinyData(), config: config, command: "test")
        _ = try t.run()
        return t.finishedModel(machine: "test", version: "0")
    }

    static func oxygen(seed: UInt64 = 0) throws -> SelectedData {
        try DataSelection(nucleus: "O16", splitMethod: .random, testFraction: 0.9, splitSeed: seed).apply(to: try ScatteringData.bundled())
    }

    @Test func lastBlocksScenarioChangesOnlyTheLastBlocks() throws {
        let carbon = try Self.carbonModel()
        let data = try Self.oxygen()
        #expect(data.split.train.count == 12)  // 10% of O16's points after the ω cut
        let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: 6, seed: 0)
        let tuned = try Transfer.fineTune(carbon, sourceName: "c", data: data, scenario: .lastBlocks, blocks: 2, config: config, command: "t")
        let before = carbon.networks[0].parameters, after = tuned.networks[0].parameters
        for view in before.views {
            let changed = before.valueArray(view) != after.valueArray(after.view(named: view.name)!)
            #expect(changed == !view.name.hasPrefix("block0"), "\(view.name)")
        }
        #expect(tuned.info.nucleus == "O16" && tuned.info.fineTunedFrom == "c")
        #expect(tuned.info.input == carbon.info.input)  // the carbon network keeps its input scaling
        #expect(Set(tuned.info.normalizations.map(\.dataset)) == Set(data.datasetKeys))
        let all = try Transfer.fineTune(carbon, sourceName: "c", data: data, scenario: .all, blocks: 2, config: config, command: "t")
        let v = all.networks[0].parameters.view(named: "block0.dense.weight")!
        #expect(all.networks[0].parameters.valueArray(v) != before.valueArray(v))
    }

    /// Fine-tuned to another nucleus, a model trained with the fit as pseudo-data does not draw
    /// the target nucleus's pseudo-data (they would outweigh its few points); an update of the
    /// model's own nucleus keeps them.
    @Test func fineTuningToAnotherNucleusLeavesThePseudoDataBehind() throws {
        var source = TrainerTests.tinyConfig(epochs: 2)
        source.referencePseudoPoints = 50
        source.referencePseudoError = 0.2
        #expect(Transfer.fineTuningConfig(from: source, seed: 0).pseudoPointCount == 0)
        #expect(Transfer.fineTuningConfig(from: source, seed: 0).referencePseudoError == nil)
        let kept = Transfer.fineTuningConfig(from: source, seed: 0, keepingPseudoData: true)
        #expect(kept.pseudoPointCount == 50 && kept.pseudoPointError == 0.2)
        let carbon = try Self.carbonModel()
        let tuned = try Transfer.fineTune(
            carbon, sourceName: "c", data: try Self.oxygen(), scenario: .all, blocks: 2,
            config: Transfer.fineTuningConfig(from: source, epochs: 2, seed: 0), command: "t")
        #expect(tuned.info.config.pseudoPointCount == 0)
    }

    /// An update continues from the λ_k its model was fitted with (its network describes the data
    /// divided by them), a new version of a data set from 1; fine-tuning to another nucleus
    /// starts every λ_k at 1. λ_k held (`fixed`) so that the start is what the model keeps.
    @Test func anUpdateStartsFromTheModelsFittedNormalizations() throws {
        let carbon = try Self.carbonModel()
        let fitted = Dictionary(uniqueKeysWithValues: carbon.info.normalizations.map { ($0.dataset, $0.lambda) })
        #expect(Set(fitted.keys) == ["O'Connell:1987ag", "Whitney:1974hr"] && fitted.values.allSatisfy { abs($0 - 1) > 1e-6 }, "\(fitted)")
        var config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: 2, seed: 0, keepingPseudoData: true)
        config.normalization = .fixed
        func lambdas(keeping: Bool) throws -> [String: Double] {
            let tuned = try Transfer.fineTune(
                carbon, sourceName: "c", data: try TrainerTests.tinyData(), scenario: .all, blocks: 0, config: config, command: "t",
                keepingNormalizations: keeping, restarting: ["Whitney:1974hr"])
            return Dictionary(uniqueKeysWithValues: tuned.info.normalizations.map { ($0.dataset, $0.lambda) })
        }
        #expect(try lambdas(keeping: true) == ["O'Connell:1987ag": fitted["O'Connell:1987ag"]!, "Whitney:1974hr": 1])
        #expect(try lambdas(keeping: false) == ["O'Connell:1987ag": 1, "Whitney:1974hr": 1])
    }

    @Test func ensembleMembersAreFineTunedOneByOne() throws {
        let carbon = try Self.carbonModel()
        let ensemble = try CrossSectionModel.ensemble([carbon, try Self.carbonModel()])
        let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: 4, seed: 1)
        let tuned = try Transfer.fineTune(ensemble, sourceName: "e", data: try Self.oxygen(), scenario: .all, blocks: 2, config: config, command: "t")
        #expect(tuned.networks.count == 2)
    }

    /// Each member is fine-tuned on its own clone (points drawn with replacement, values and
    /// normalizations drawn): four copies of one network, fine-tuned on ¹⁶O's 12 points, end apart
    /// at those points (without the clones they would fit them alike: the band collapsed to 0.00%).
    @Test func fineTunedMembersSeeTheirOwnBootstrapAndKeepABand() throws {
        let carbon = try Self.carbonModel()
        let copies = try CrossSectionModel.ensemble([carbon, carbon, carbon, carbon])
        let data = try Self.oxygen()
        let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: 40, seed: 3)
        let tuned = try Transfer.fineTune(copies, sourceName: "e", data: data, scenario: .all, blocks: 2, config: config, command: "t")
        let points = data.split.train.map { data.points[$0].kinematics }
        let spread = tuned.predict(points).map { $0.standardDeviation / $0.mean }
        #expect(spread.reduce(0, +) / Double(spread.count) > 0.01, "\(spread)")
        // The clone itself: some points twice, values moved off the data.
        var replica = config
        replica.replica = 1
        replica.replicaCount = 4
        replica.bootstrap = .resampledParametric
        let clone = TrainingPoints(data, input: carbon.info.input, output: carbon.info.output, config: replica)
        #expect(clone.trainingPoints.count == data.split.train.count && Set(clone.trainingPoints).count < clone.trainingPoints.count)
        #expect(data.split.train.contains { clone.sigma[$0] != data.points[$0].crossSection })
    }

    @Test func massScalingIsAOverTwelve() throws {
        let carbon = try Self.carbonModel()
        let k = [Kinematics(beamEnergy: 0.5, angleDegrees: 60, energyTransfer: 0.1)]
        let scaled = Transfer.massScaled(carbon, to: Nucleus(Z: 26, A: 56), points: k)[0].mean
        #expect(abs(scaled / carbon.predict(k)[0].mean - 56.0 / 12) < 1e-12)
    }

    /// Carbon carried to iron by the fit's nuclear ratio at each point (not A/12), the band alike;
    /// where the fit has no value (A ≤ 2) by the mass ratio.
    @Test func referenceScalingIsTheFitsNuclearRatio() throws {
        let carbon = try Self.carbonModel()
        let reference = NucleusStudy.transferReference
        let iron = Nucleus(Z: 26, A: 56)
        let points = [
            Kinematics(beamEnergy: 0.5, angleDegrees: 60, energyTransfer: 0.1), Kinematics(beamEnergy: 1.299, angleDegrees: 37.5, energyTransfer: 0.3)
        ]
        let own = carbon.predict(points)
        for (i, p) in Transfer.referenceScaled(carbon, to: iron, points: points, reference: reference).enumerated() {
            let ratio =
                try #require(reference.crossSection(points[i], nucleus: iron)) / #require(
                    reference.crossSection(points[i], nucleus: Nucleus(Z: 6, A: 12)))
            #expect(abs(p.mean / (own[i].mean * ratio) - 1) < 1e-12 && abs(p.percentile84 / (own[i].percentile84 * ratio) - 1) < 1e-12)
            #expect(abs(ratio / (56.0 / 12) - 1) > 0.01, "the fit's ratio differs from A/12 here: \(ratio)")
        }
        let deuteron = Transfer.referenceScaled(carbon, to: Nucleus(Z: 1, A: 2), points: points, reference: reference)
        #expect(abs(deuteron[0].mean / (own[0].mean * 2 / 12) - 1) < 1e-12)
    }
}
