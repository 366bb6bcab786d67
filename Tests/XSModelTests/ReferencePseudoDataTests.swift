import Foundation
import Testing
import XSCore
import XSData
import XSNN
import XSTestSupport

@testable import XSModel

/// The Bosted–Mamyan pseudo-data: the fit as a prior where no data are.
@Suite struct ReferencePseudoDataTests {
    let carbon = Nucleus(Z: 6, A: 12)

    @Test func pseudoPointsAreTheFitInsideTheirRegionAndFollowTheSeed() {
        let region = ReferencePseudoData.Region()
        let a = ReferencePseudoData(count: 300, nucleus: carbon, seed: 7)
        #expect(a.points.count == 300)
        for (k, σ) in zip(a.points, a.crossSections) {
            #expect(region.contains(k))
            #expect(σ == BostedMamyan().crossSection(k, nucleus: carbon))
            #expect(σ > 0)
        }
        // Spread over the region, not bunched: both halves of log E and of θ are drawn.
        #expect(a.points.filter { $0.beamEnergy > (0.1 * 6.0).squareRoot() }.count > 60)
        #expect(a.points.filter { $0.angleDegrees > 80 }.count > 60)
        let again = ReferencePseudoData(count: 300, nucleus: carbon, seed: 7)
        #expect(again.points.map(\.energyTransfer) == a.points.map(\.energyTransfer))
        let other = ReferencePseudoData(count: 300, nucleus: carbon, seed: 8)
        #expect(other.points.map(\.energyTransfer) != a.points.map(\.energyTransfer))
    }

    /// How far the model's shape is from the fit's on fresh points of the region, none of them a
    /// training point: the median of |r − median r|, r = log(σ_model/σ_BM) (the pseudo-data's λ
    /// is fitted: the prior is the fit's shape, not its scale).
    func medianLogDistanceFromTheFit(_ model: CrossSectionModel) -> Double {
        let probe = ReferencePseudoData(count: 200, nucleus: carbon, seed: 99)
        let predicted = model.predict(probe.points).map(\.mean)
        let r = zip(predicted, probe.crossSections).map { log($0 / $1) }
        let center = median(r)
        return median(r.map { abs($0 - center) })
    }

    @Test func pseudoDataHoldTheModelToTheFitWhereNoDataAreAndAreNeverScoredAsData() throws {
        // Two small carbon data sets at 0.2–0.5 GeV: most of the region has no data.
        let data = try TrainerTests.tinyData()
        var config = ResponseHeadTests.tinyResponseConfig(epochs: 80)
        config.width = 16
        let alone = Trainer(data: data, config: config, command: "test")
        _ = try alone.run()
        config.referencePseudoPoints = 400
        config.referencePseudoError = 0.1
        let held = Trainer(data: data, config: config, command: "test")
        _ = try held.run()
        let withPrior = held.finishedModel(machine: "test", version: "test")
        let without = alone.finishedModel(machine: "test", version: "test")
        let d0 = medianLogDistanceFromTheFit(without), d1 = medianLogDistanceFromTheFit(withPrior)
        #expect(d1 < 0.5 * d0, "median |log σ/σ_BM| \(d1) with pseudo-data, \(d0) without")
        // They have no λ, and the logged χ² is the data's alone.
        #expect(withPrior.info.normalizations.map(\.dataset).sorted() == data.datasetKeys)
        let lastRow = try #require(held.history.last)
        let logF = held.logPredictions()
        #expect(abs(lastRow.trainChi2PerPoint - (held.chi2PerPoint(data.split.train, logF) ?? .nan)) < 1e-9 * max(lastRow.trainChi2PerPoint, 1))
        #expect(logF.count == data.points.count + 400 && held.referencePseudoPointCount == 400)
    }

    @Test func aReplicasShapeShiftIsSmoothWithTheAmplitudeAsked() {
        // Two inputs; three points: the origin, one 0.01 away, one 3 correlation lengths away.
        let rows: [Float] = [0, 0, 0.01, 0, 3, 0]
        let draws = (0..<400).map {
            ReferencePseudoData.smoothRandomShift(rows: rows, inputs: 2, amplitude: 0.2, correlationLength: 1, seed: UInt64($0))
        }
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
        }
        func correlation(_ a: [Double], _ b: [Double]) -> Double {
            let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
            let c = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +) / Double(a.count)
            return c / (sd(a) * sd(b))
        }
        let origin = draws.map { $0[0] }, near = draws.map { $0[1] }, far = draws.map { $0[2] }
        #expect(abs(sd(origin) / 0.2 - 1) < 0.15, "standard deviation \(sd(origin))")
        #expect(correlation(origin, near) > 0.99)
        // exp(−3²/2) = 0.011 for the squared-exponential correlation.
        #expect(abs(correlation(origin, far)) < 0.2)
        #expect(draws[5] == ReferencePseudoData.smoothRandomShift(rows: rows, inputs: 2, amplitude: 0.2, correlationLength: 1, seed: 5))
    }

    @Test func onlyAReplicaShiftsItsPseudoData() throws {
        let data = try TrainerTests.tinyData()
        var config = ResponseHeadTests.tinyResponseConfig()
        config.referencePseudoPoints = 50
        config.referencePseudoShapeError = 0.2
        let first = data.points.count
        let plain = Trainer(data: data, config: config, command: "test")
        let fit = ReferencePseudoData(count: 50, nucleus: carbon, seed: config.effectiveSeed)
        #expect((0..<50).map { plain.trainingCrossSection(first + $0) } == fit.crossSections)
        config.replica = 0
        config.replicaCount = 2
        let replica = Trainer(data: data, config: config, command: "test")
        let drawn = ReferencePseudoData(count: 50, nucleus: carbon, seed: config.effectiveSeed)
        let logRatios = (0..<50).map { log(replica.trainingCrossSection(first + $0) / drawn.crossSections[$0]) }
        #expect(logRatios.allSatisfy { $0 != 0 && abs($0) < 1.5 })
    }

    @Test func configurationsThatCannotHavePseudoDataAreRefused() throws {
        var config = TrainingConfig.responses
        config.referencePseudoPoints = 100
        try config.check(nucleus: "C12")
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: "H2") }
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: DataSelection.anyTarget) }
        config.referencePseudoError = 0
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        config.referencePseudoError = 0.2
        config.referencePseudoShapeError = -0.1
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        config.referencePseudoShapeError = nil
        config.referencePseudoPoints = -1
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        // A configuration without them encodes as before (model files made before the option).
        #expect(try TrainingConfig.responses.jsonFields()["referencePseudoPoints"] == nil)
    }
}
