import Foundation
import Testing
import XSData
import XSNN
import XSTestSupport

@testable import XSModel

/// Tiny runs on two small carbon data sets (Whitney 1974, O'Connell 1987: ~85 points): seconds, not minutes.
@Suite struct TrainerTests {
    static func tinyData() throws -> SelectedData {
        try DataSelection(nucleus: "C12", datasets: ["Whitney:1974hr", "O'Connell:1987ag"], splitSeed: 3).apply(to: try ScatteringData.bundled())
    }

    static func tinyConfig(epochs: Int = 24) -> TrainingConfig {
        var c = TrainingConfig.fast
        c.depth = 2
        c.width = 8
        c.epochs = epochs
        c.batchSize = 16
        c.evaluateEvery = 4
        c.releaseFraction = 0.25
        c.threads = 1
        return c
    }

    @Test func selectionReportsTheCutAndStoresTheSplit() throws {
        let data = try Self.tinyData()
        #expect(data.points.allSatisfy { $0.energyTransfer >= 0.02 })
        #expect(data.removedByCut["O'Connell:1987ag"] == 2)
        #expect(data.split.test.count == Int((Double(data.points.count) * 0.1).rounded()))
        #expect(data.normalizationUncertainty["Whitney:1974hr"] == 0.03)
        #expect(throws: SelectionError.self) { try DataSelection(nucleus: "Ar40").apply(to: try ScatteringData.bundled()) }
        #expect(throws: SelectionError.self) { try DataSelection(nucleus: "C12", datasets: ["Nope:2000"]).apply(to: try ScatteringData.bundled()) }
    }

    @Test func trainingLowersTheLossAndSameSeedSameWeights() throws {
        let data = try Self.tinyData()
        let a = Trainer(data: data, config: Self.tinyConfig(), command: "test")
        _ = try a.run()
        let b = Trainer(data: data, config: Self.tinyConfig(), command: "test")
        _ = try b.run()
        #expect(a.network.parameters.allValues == b.network.parameters.allValues)
        #expect(a.history.last!.loss < a.history.first!.loss)
        #expect(a.history.count == 6)
    }

    @Test func interruptedAndResumedRunEndsWithTheSameWeights() throws {
        let data = try Self.tinyData()
        let whole = Trainer(data: data, config: Self.tinyConfig(), command: "test")
        _ = try whole.run()

        let checkpoint = temporaryURL("ckpt")
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        let first = Trainer(data: data, config: Self.tinyConfig(), command: "test")
        var calls = 0
        let outcome = try first.run(
            checkpoint: checkpoint, checkpointEvery: 1000,
            shouldStop: {
                calls += 1; return calls == 10
            })
        #expect(outcome == .interrupted)
        #expect(first.epoch == 10)
        let resumed = try Trainer(resuming: checkpoint, data: try ScatteringData.bundled())
        #expect(resumed.epoch == 10)
        #expect(try resumed.run(checkpoint: checkpoint) == .finished)
        #expect(resumed.network.parameters.allValues == whole.network.parameters.allValues)
        #expect(resumed.lambdas == whole.lambdas)
        #expect(resumed.history.map(\.epoch) == whole.history.map(\.epoch))
    }

    @Test func aRateChangedOnResumeStaysWithTheRun() throws {
        let data = try Self.tinyData()
        let checkpoint = temporaryURL("ckpt")
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        var calls = 0
        let first = Trainer(data: data, config: Self.tinyConfig(), command: "test")
        #expect(
            try first.run(
                checkpoint: checkpoint, checkpointEvery: 1000,
                shouldStop: {
                    calls += 1; return calls == 5
                }) == .interrupted)
        // Resume with a lower rate; stop again.
        let second = try Trainer(resuming: checkpoint, data: try ScatteringData.bundled())
        var lower = second.config
        lower.learningRate = 1e-4
        #expect(try second.reconfigure(lower) == ["learningRate"])
        calls = 0
        #expect(
            try second.run(
                checkpoint: checkpoint, checkpointEvery: 1000,
                shouldStop: {
                    calls += 1; return calls == 5
                }) == .interrupted)
        // Resume again without a flag: the run goes on at the new rate, and the model says so.
        let third = try Trainer(resuming: checkpoint, data: try ScatteringData.bundled())
        #expect(third.config.learningRate == 1e-4)
        #expect(try third.run() == .finished)
        #expect(third.history.last!.learningRate <= 1e-4)
        let model = third.finishedModel(machine: "", version: "")
        let file = temporaryURL("model")
        defer { try? FileManager.default.removeItem(at: file) }
        try model.save(file)
        #expect(try CrossSectionModel.load(file).info.config.learningRate == 1e-4)
        // What would make the checkpoint another run's is refused by name.
        var wider = third.config
        wider.width = 64
        #expect(throws: TrainingError.self) { try third.reconfigure(wider) }
    }

    /// Every recipe that learns a correction to the fit bounds it by default: unbounded, a carbon
    /// network of `--preset responses-prior` gave 9.5 × 10²²⁴ nb/sr/GeV at 14.6 GeV, 175°, ω = 0.01
    /// GeV, where the fit gives 10⁻³⁹ (docs/generalization.md, "Far from the data"). The recipes
    /// without a reference have nothing to bound.
    @Test func everyPresetCorrectingTheFitBoundsTheCorrection() {
        let presets: [(String, TrainingConfig)] = [
            ("fast", .fast), ("responses", .responses), ("prior", .prior), ("paper", .paper), ("responses-prior", .responsesPrior),
            ("responses-pseudodata", .responsesPseudoData), ("any-target", .anyTarget), ("any-target-prior", .anyTargetPrior),
            ("any-target-scaling-prior", .anyTargetScalingPrior), ("any-target-kinematic-prior", .anyTargetKinematicPrior),
            ("any-target-coded", .anyTargetCoded)
        ]
        for (name, config) in presets {
            if config.output.usesReference {
                #expect(config.referenceCorrectionBound != nil, "--preset \(name) learns an unbounded correction to the fit")
            } else {
                #expect(config.referenceCorrectionBound == nil, "--preset \(name) has no correction to bound")
            }
        }
        for config in [TrainingConfig.prior, .responsesPrior, .anyTargetPrior, .anyTargetScalingPrior] {
            #expect(config.referenceCorrectionBound == TrainingConfig.defaultReferenceCorrectionBound)
        }
    }

    @Test func aPartialConfigurationIsLaidOverTheDefaults() throws {
        let c = try TrainingConfig.decode(json: Data(#"{"width": 64, "learningRate": 0.01}"#.utf8), over: .paper)
        var expected = TrainingConfig.paper
        expected.width = 64
        expected.learningRate = 0.01
        #expect(c == expected)
        #expect(throws: TrainingConfigError.self) { try TrainingConfig.decode(json: Data(#"{"widht": 64}"#.utf8)) }
        #expect(try TrainingConfig.decode(json: JSONEncoder().encode(expected)) == expected)
    }

    @Test func divergenceStopsWithAClearMessage() throws {
        var config = Self.tinyConfig()
        config.chi2 = .linear
        config.learningRate = 1e5
        let trainer = Trainer(data: try Self.tinyData(), config: config, command: "test")
        #expect {
            _ = try trainer.run()
        } throws: { error in
            guard case TrainingError.diverged = error else { return false }
            return "\(error)".contains("lower --learning-rate")
        }
    }

    @Test func savedModelPredictsTheSameAndKeepsItsSplit() throws {
        let data = try Self.tinyData()
        let trainer = Trainer(data: data, config: Self.tinyConfig(epochs: 8), command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "0")
        let url = temporaryURL("m.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        let loaded = try CrossSectionModel.load(url)
        let points = data.points.map(\.kinematics)
        #expect(loaded.predict(points).map(\.mean) == model.predict(points).map(\.mean))
        #expect(loaded.info.split == data.split)
        #expect(loaded.info.training?.dataHash == data.dataHash)
        #expect(loaded.info.normalizations.count == 2)
        // Extrapolation is flagged outside the training box.
        #expect(loaded.predict([Kinematics(beamEnergy: 20, angleDegrees: 10, energyTransfer: 1)])[0].extrapolation)
        #expect(!loaded.predict([data.points[data.split.train[0]].kinematics])[0].extrapolation)
    }

    @Test func paperPresetBuildsTheReferenceNetwork() throws {
        let config = TrainingConfig.paper
        #expect(config.networkSpec.parameterCount == 820_801)
        // The sigmoid output starts at the median σ/S instead of ~200× too high.
        let data = try Self.tinyData()
        var tiny = config
        tiny.depth = 2
        tiny.width = 16
        let trainer = Trainer(data: data, config: tiny, command: "test")
        let logF = trainer.logPredictions()
        let ratios = data.points.indices.map { exp(logF[$0]) / data.points[$0].crossSection }.sorted()
        #expect(ratios[ratios.count / 2] > 0.05 && ratios[ratios.count / 2] < 20)
    }
}
