import Foundation
import Testing
import XSData
import XSNN
@testable import XSModel

@Suite struct UncertaintyTests {
    @Test func replicasTrainOnDifferentCloneDataAndMergeIntoAnEnsemble() throws {
        let data = try TrainerTests.tinyData()
        var models: [CrossSectionModel] = []
        for i in 0..<3 {
            var config = TrainerTests.tinyConfig(epochs: 8)
            config.replica = i
            config.replicaCount = 3
            let t = Trainer(data: data, config: config, command: "test")
            _ = try t.run()
            models.append(t.finishedModel(machine: "test", version: "0"))
        }
        // Each replica has its own seed, so its own weights.
        #expect(models[0].networks[0].parameters.allValues != models[1].networks[0].parameters.allValues)
        #expect(models[0].info.training!.seed != models[1].info.training!.seed)
        let ensemble = try CrossSectionModel.ensemble(models)
        #expect(ensemble.networks.count == 3)
        #expect(ensemble.info.members?.count == 3)
        let points = data.split.test.map { data.points[$0].kinematics }
        let p = ensemble.predict(points)
        // The ensemble mean is the mean of the members; the spread is their sample standard deviation.
        let members = models.map { $0.predict(points).map(\.mean) }
        for i in points.indices {
            let values = members.map { $0[i] }
            let mean = values.reduce(0, +) / 3
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            #expect(abs(p[i].mean / mean - 1) < 1e-12)
            #expect(abs(p[i].standardDeviation - sd) <= 1e-9 * mean)
            #expect(p[i].percentile16 <= p[i].percentile84)
        }
        // Saved and loaded as one file, in half precision within 0.1%.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-ens-\(UUID().uuidString).xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try ensemble.save(url, storage: .float16)
        let loaded = try CrossSectionModel.load(url)
        for (a, b) in zip(loaded.predict(points), p) { #expect(abs(a.mean / b.mean - 1) < 1e-3) }
    }

    @Test func replicasOfAnotherSelectionAreRefused() throws {
        let data = try TrainerTests.tinyData()
        let a = Trainer(data: data, config: TrainerTests.tinyConfig(epochs: 4), command: "t")
        _ = try a.run()
        var other = data.selection
        other.splitSeed = 99
        let b = Trainer(data: try other.apply(to: try ScatteringData.bundled()), config: TrainerTests.tinyConfig(epochs: 4), command: "t")
        _ = try b.run()
        #expect(throws: ModelFileError.self) {
            try CrossSectionModel.ensemble([a.finishedModel(machine: "", version: ""), b.finishedModel(machine: "", version: "")])
        }
    }

    @Test func monteCarloDropoutGivesASpreadAndDeterministicEvaluation() throws {
        let data = try TrainerTests.tinyData()
        var config = TrainerTests.tinyConfig(epochs: 8)
        config.dropout = 0.1
        let t = Trainer(data: data, config: config, command: "test")
        _ = try t.run()
        let model = t.finishedModel(machine: "test", version: "0")
        #expect(model.info.monteCarloSamples == 100)
        let points = data.split.test.map { data.points[$0].kinematics }
        let p = model.predict(points)
        #expect(p.allSatisfy { $0.standardDeviation > 0 })
        // With p = 0 every pass is the same network: no spread.
        model.setDropoutProbability(0)
        #expect(model.predict(points).allSatisfy { $0.standardDeviation <= 1e-12 * $0.mean })
    }

    @Test func parametricCloneDataStayPositiveAndNearTheData() throws {
        let data = try TrainerTests.tinyData()
        var config = TrainerTests.tinyConfig(epochs: 1)
        config.replica = 0
        config.replicaCount = 1
        let t = Trainer(data: data, config: config, command: "test")
        let ratios = data.split.train.map { t.trainingCrossSection($0) / data.points[$0].crossSection }
        #expect(ratios.allSatisfy { $0 > 0 })
        #expect(ratios.contains { $0 != 1 })
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(abs(mean - 1) < 0.2)
        // Test points keep their measured values.
        #expect(data.split.test.allSatisfy { t.trainingCrossSection($0) == data.points[$0].crossSection })
    }
}
