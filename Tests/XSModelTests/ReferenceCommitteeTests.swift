import Foundation
import Testing
import XSData
import XSNN
import XSTestSupport

@testable import XSModel

/// The committee of an ensemble and the Bosted–Mamyan fit away from the measured settings
/// (`ReferenceCommittee`), on a tiny two-member ensemble of Whitney 1974 and O'Connell 1987.
@Suite struct ReferenceCommitteeTests {
    static func ensembleAndData() throws -> (CrossSectionModel, SelectedData) {
        let data = try TrainerTests.tinyData()
        let members = try [1, 2].map { seed -> CrossSectionModel in
            var config = TrainerTests.tinyConfig(epochs: 8)
            config.seed = UInt64(seed)
            let t = Trainer(data: data, config: config, command: "test")
            _ = try t.run()
            return t.finishedModel(machine: "test", version: "0")
        }
        return (try CrossSectionModel.ensemble(members), data)
    }

    static func committee(_ data: SelectedData, τ: Double = 0.06) throws -> ReferenceCommittee {
        try ReferenceCommittee(
            reference: "bosted-mamyan", referenceRelativeError: τ, measuredSettings: MeasuredSettings(trainingPartOf: data), source: "test"
        ).validated()
    }

    @Test func theWeightIsThatOfInverseVariances() {
        let c = ReferenceCommittee(
            reference: "bosted-mamyan", referenceRelativeError: 0.06, measuredSettings: MeasuredSettings(points: []), source: "")
        #expect(c.networkWeight(relativeSpread: 0) == 1)
        #expect(abs(c.networkWeight(relativeSpread: 0.06) - 0.5) < 1e-15)
        #expect(abs(c.networkWeight(relativeSpread: 0.12) - 0.2) < 1e-15)
        // The factor moves the mean to σ_net^w σ_ref^(1−w): with s = τ, the geometric mean.
        let f = c.factor(mean: 4, standardDeviation: 0.24, beamEnergy: 1, angleDegrees: 30) { 9 }
        #expect(abs(4 * f - 6) < 1e-12)
        #expect(c.factor(mean: 4, standardDeviation: 0.24, beamEnergy: 1, angleDegrees: 30) { nil } == 1)
        #expect(c.factor(mean: 4, standardDeviation: 0.24, beamEnergy: 1, angleDegrees: 30) { 0 } == 1)
        #expect(c.factor(mean: .nan, standardDeviation: 0.24, beamEnergy: 1, angleDegrees: 30) { 9 } == 1)
    }

    @Test func atMeasuredSettingsTheEnsemblePredictsAloneAndElsewhereTheCommitteeDoes() throws {
        let (ensemble, data) = try Self.ensembleAndData()
        let plain = CrossSectionModel(networks: ensemble.networks, info: ensemble.info)
        ensemble.info.referenceCommittee = try Self.committee(data)
        // The test points lie at settings of the training part (a random split of whole spectra's points).
        let measured = data.split.test.map { data.points[$0].kinematics }
        #expect(
            measured.allSatisfy {
                ensemble.info.referenceCommittee!.measuredSettings.contains(beamEnergy: $0.beamEnergy, angleDegrees: $0.angleDegrees)
            })
        #expect(ensemble.predict(measured) == plain.predict(measured))
        // Between the measured settings: mean^w σ_BM^(1−w), the band's relative width kept.
        let away = [0.15, 0.25, 0.35].map { Kinematics(beamEnergy: 0.9, angleDegrees: 47, energyTransfer: $0) }
        let carbon = Nucleus(Z: 6, A: 12)
        for (k, (c, p)) in zip(away, zip(ensemble.predict(away, calibrated: false), plain.predict(away, calibrated: false))) {
            let reference = try #require(BostedMamyan().crossSection(k, nucleus: carbon))
            let w = ensemble.info.referenceCommittee!.networkWeight(relativeSpread: p.standardDeviation / p.mean)
            #expect(w > 0 && w < 1)
            #expect(abs(log(c.mean) - (w * log(p.mean) + (1 - w) * log(reference))) < 1e-12)
            #expect(abs(c.standardDeviation / c.mean - p.standardDeviation / p.mean) < 1e-12)
            #expect(abs(c.percentile84 / c.mean - p.percentile84 / p.mean) < 1e-12)
        }
        // The single-point path (generators, the C API) agrees with the batch path.
        let single = PointPredictor(ensemble)
        for (k, c) in zip(away + measured, ensemble.predict(away + measured)) {
            let one = single.predict(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer)
            #expect(abs(one.mean / c.mean - 1) < 1e-12 && abs(one.standardDeviation / c.standardDeviation - 1) < 1e-9)
        }
    }

    @Test func theCommitteeIsStoredAndAFileWithABadOneIsRefused() throws {
        let (ensemble, data) = try Self.ensembleAndData()
        ensemble.info.referenceCommittee = try Self.committee(data)
        let url = temporaryURL("committee.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try ensemble.save(url)
        let loaded = try CrossSectionModel.load(url)
        #expect(loaded.info.referenceCommittee == ensemble.info.referenceCommittee)
        let away = [Kinematics(beamEnergy: 0.9, angleDegrees: 47, energyTransfer: 0.25)]
        #expect(loaded.predict(away) == ensemble.predict(away))
        // A merged ensemble starts without one (its members' settings are not checked against it).
        #expect(try CrossSectionModel.ensemble([loaded]).info.referenceCommittee == nil)
        for (edit, field) in [
            ({ (c: inout ReferenceCommittee) in c.reference = "nope" }, "referenceCommittee.reference"),
            ({ (c: inout ReferenceCommittee) in c.referenceRelativeError = 0 }, "referenceCommittee.referenceRelativeError"),
            ({ (c: inout ReferenceCommittee) in c.measuredSettings.settings.reverse() }, "referenceCommittee.measuredSettings.settings[1]")
        ] {
            var bad = ensemble.info.referenceCommittee!
            edit(&bad)
            var info = ensemble.info
            info.referenceCommittee = bad
            #expect {
                try info.validate(networks: ensemble.networks)
            } throws: { error in
                guard case ModelFileError.invalid(let f, _) = error else { return false }
                return f == field
            }
        }
        // A committee weighs the network by its members' spread: a file with one on one network is refused.
        var single = ensemble.info
        single.members = nil
        #expect {
            try single.validate(networks: Array(ensemble.networks.prefix(1)))
        } throws: { error in
            guard case ModelFileError.invalid(let f, let why) = error else { return false }
            return f == "referenceCommittee" && why == ReferenceCommittee.Problem.notEnsemble.description
        }
    }
}
