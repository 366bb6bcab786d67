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

    @Test func configurationsThatCannotHavePseudoDataAreRefused() throws {
        var config = TrainingConfig.responses
        config.referencePseudoPoints = 100
        try config.check(nucleus: "C12")
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: "H2") }
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: DataSelection.anyTarget) }
        config.referencePseudoError = 0
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        config.referencePseudoError = 0.2
        config.referencePseudoPoints = -1
        #expect(throws: TrainingConfigError.self) { try config.validate() }
        // A configuration without them encodes as before (model files made before the option).
        #expect(try TrainingConfig.responses.jsonFields()["referencePseudoPoints"] == nil)
    }
}
