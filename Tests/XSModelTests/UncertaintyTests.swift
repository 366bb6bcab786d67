import Foundation
import Testing
import XSCore
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

    @Test func coverageCountsPointsInsideTheCombinedBand() {
        // Band √(s² + Δσ²) = 5 for s = 3, Δσ = 4: deviations 4.9 (1σ), 9.9 (2σ), 10.1 (outside).
        let c = Coverage.of(deviations: [4.9, -9.9, 10.1, 0], dataErrors: [4, 4, 4, 4], spreads: [3, 3, 3, 3])
        #expect(c.oneSigma == 0.5 && c.twoSigma == 0.75)
        // With the spread scaled by 0, only Δσ = 4 counts: 4.9 is then outside 1σ.
        #expect(Coverage.of(deviations: [4.9, -9.9, 10.1, 0], dataErrors: [4, 4, 4, 4], spreads: [3, 3, 3, 3], scale: 0).oneSigma == 0.25)
    }

    @Test func calibrationRecoversTheFactorByWhichTheSpreadIsOff() throws {
        // Deviations drawn with twice the stated spread (and negligible data errors): c ≈ 2.
        var rng = SeededGenerator(seed: 5)
        let n = 4000
        let spreads = (0..<n).map { _ in 0.5 + rng.uniform() }
        let deviations = spreads.map { 2 * $0 * rng.normal() }
        let fit = try UncertaintyCalibration.fit(deviations: deviations, dataErrors: Array(repeating: 1e-9, count: n), spreads: spreads, split: "random")
        #expect(abs(fit.scale - 2) < 0.1)
        #expect(abs(fit.after.oneSigma - 0.683) < 0.02 && abs(fit.after.twoSigma - 0.954) < 0.02)
        #expect(fit.before.oneSigma < 0.45)
        #expect(throws: CalibrationError.self) { try UncertaintyCalibration.fit(deviations: [1], dataErrors: [1], spreads: [1], split: "random") }
        #expect(throws: CalibrationError.self) {
            try UncertaintyCalibration.fit(deviations: Array(repeating: 1, count: 30), dataErrors: Array(repeating: 1, count: 30), spreads: Array(repeating: 0, count: 30), split: "random")
        }
    }

    @Test func aCalibratedEnsembleScalesItsSpreadAndKeepsItInTheFile() throws {
        var selection = try TrainerTests.tinyData().selection
        selection.validationFraction = 0.3
        let data = try selection.apply(to: try ScatteringData.bundled())
        #expect(!data.split.validation.isEmpty)
        #expect(Set(data.split.validation).isDisjoint(with: data.split.train) && Set(data.split.validation).isDisjoint(with: data.split.test))
        var models: [CrossSectionModel] = []
        for i in 0..<3 {
            var config = TrainerTests.tinyConfig(epochs: 6)
            config.replica = i
            config.replicaCount = 3
            let t = Trainer(data: data, config: config, command: "test")
            _ = try t.run()
            models.append(t.finishedModel(machine: "test", version: "0"))
        }
        let ensemble = try CrossSectionModel.ensemble(models)
        let points = data.split.test.map { data.points[$0].kinematics }
        let raw = ensemble.predict(points)
        let calibration = try UncertaintyCalibration.fit(model: ensemble, selected: data)
        #expect(calibration.validationPoints == data.split.validation.count)
        ensemble.info.calibration = calibration
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-cal-\(UUID().uuidString).xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try ensemble.save(url)
        let loaded = try CrossSectionModel.load(url)
        #expect(loaded.info.calibration == calibration)
        for (a, b) in zip(loaded.predict(points), raw) {
            #expect(abs(a.mean - b.mean) <= 1e-12 * b.mean)
            #expect(abs(a.standardDeviation - calibration.scale * b.standardDeviation) <= 1e-9 * b.mean)
            #expect(abs((a.percentile84 - a.mean) - calibration.scale * (b.percentile84 - b.mean)) <= 1e-9 * b.mean)
        }
        #expect(zip(loaded.predict(points, calibrated: false), raw).allSatisfy { $0.standardDeviation == $1.standardDeviation })
        // The single-point predictor (C API) carries the same factor.
        let predictor = PointPredictor(loaded)
        let k = points[0]
        let one = predictor.predict(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer)
        #expect(abs(one.standardDeviation - calibration.scale * raw[0].standardDeviation) <= 1e-9 * raw[0].mean)
    }
}
