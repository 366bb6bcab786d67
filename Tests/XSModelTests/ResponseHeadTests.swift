import Foundation
import Testing
import XSData
import XSNN
import XSTestSupport

@testable import XSModel

/// The response head: σ = σ_Mott (v_L R_L + v_T R_T) with R_L, R_T from the network.
@Suite struct ResponseHeadTests {
    /// Hand values: an independent Python evaluation of σ_Mott (v_L R_L + v_T R_T) and ψ′
    /// (α = 1/137.035999084, (ħc)² = 389,379.372 nb GeV², M = 0.938918754 GeV, k_F = 0.228 GeV,
    /// E_s = 0.020 GeV), written beside each row.
    static let handValues: [(E: Double, θ: Double, ω: Double, RL: Double, RT: Double, sigma: Double, psiPrime: Double)] = [
        (0.56, 36, 0.2, 0.3, 0.7, 711.9169291375187, 1.8000231432398694),
        (2.0, 15, 0.5, 1.2, 2.5, 3723.9718788910636, 2.70815937853535),
        (0.5, 145, 0.1, 0.05, 0.4, 9.675893351086454, -1.448812873683367)
    ]

    @Test func crossSectionFromTheTwoResponsesMatchesHandValues() {
        for row in Self.handValues {
            let k = Kinematics(beamEnergy: row.E, angleDegrees: row.θ, energyTransfer: row.ω)
            #expect(abs(k.crossSection(longitudinalResponse: row.RL, transverseResponse: row.RT) / row.sigma - 1) < 1e-12)
            #expect(abs(k.psiPrime(FermiGasParameters(massNumber: 12)) - row.psiPrime) < 1e-12)
            // No hidden additive term: zero responses give exactly zero.
            #expect(k.crossSection(longitudinalResponse: 0, transverseResponse: 0) == 0)
            // The head's own log form gives the same number from z with R = exp(offset + width z).
            let head = OutputTransform.responses(offset: 0.1, width: 0.5)
            let zL = (log(row.RL) - 0.1) / 0.5, zT = (log(row.RT) - 0.1) / 0.5
            let logSigma = log(k.crossSectionScale) + head.logRatio(zL, zT, OutputFactors(k)).value
            #expect(abs(exp(logSigma) / row.sigma - 1) < 1e-12)
        }
    }

    @Test func responseHeadDerivativesMatchFiniteDifferences() {
        let head = OutputTransform.responses(offset: -3, width: 1.7)
        let k = Kinematics(beamEnergy: 0.56, angleDegrees: 60, energyTransfer: 0.15)
        let f = OutputFactors(k)
        for (z0, z1) in [(0.0, 0.0), (-2.0, 1.5), (3.0, -4.0)] {
            let h = 1e-6
            let (_, d0, d1) = head.logRatio(z0, z1, f)
            let n0 = (head.logRatio(z0 + h, z1, f).value - head.logRatio(z0 - h, z1, f).value) / (2 * h)
            let n1 = (head.logRatio(z0, z1 + h, f).value - head.logRatio(z0, z1 - h, f).value) / (2 * h)
            #expect(abs(d0 - n0) < 1e-6 && abs(d1 - n1) < 1e-6)
        }
    }

    static func tinyResponseConfig(epochs: Int = 24) -> TrainingConfig {
        var c = TrainerTests.tinyConfig(epochs: epochs)
        c.features = .responses
        c.output = .responses
        return c
    }

    @Test func aModelWhoseResponsesVanishPredictsZero() throws {
        let data = try TrainerTests.tinyData()
        let trainer = Trainer(data: data, config: Self.tinyResponseConfig(epochs: 4), command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "test")
        // R = exp(−10⁴ + width z) underflows to exactly 0 for both responses.
        model.info.output = .responses(offset: -10_000, width: 1)
        let points = data.points.prefix(5).map(\.kinematics)
        #expect(model.predict(points).allSatisfy { $0.mean == 0 && $0.standardDeviation == 0 })
        #expect(PointPredictor(model).predict(beamEnergy: 0.5, angleDegrees: 60, energyTransfer: 0.1).mean == 0)
    }

    @Test func theAngleEntersOnlyThroughTheKnownFactors() throws {
        // At fixed (q, ω) the model's σ/σ_Mott must be v_L R_L + v_T R_T with one R_L, R_T
        // (a Rosenbluth line): three beam energies at one (q, ω) give three collinear points.
        let data = try TrainerTests.tinyData()
        let trainer = Trainer(data: data, config: Self.tinyResponseConfig(), command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "test")
        let q = 0.5, ω = 0.15
        let settings = [0.6, 1.0, 3.0].map { E -> Kinematics in
            // cos θ from q² = E² + E′² − 2EE′ cos θ.
            let Ep = E - ω
            let cosTheta = (E * E + Ep * Ep - q * q) / (2 * E * Ep)
            return Kinematics(beamEnergy: E, angleDegrees: acos(cosTheta) * 180 / .pi, energyTransfer: ω)
        }
        for k in settings { #expect(abs(k.momentumTransfer - q) < 1e-12) }
        let reduced = zip(settings, model.predict(settings)).map { k, p in p.mean / (k.mottCrossSection * k.longitudinalFactor) }
        let x = settings.map { $0.transverseFactor / $0.longitudinalFactor }
        let slope01 = (reduced[1] - reduced[0]) / (x[1] - x[0]), slope12 = (reduced[2] - reduced[1]) / (x[2] - x[1])
        #expect(abs(slope01 / slope12 - 1) < 1e-9)
        // and the line's slope and intercept are the predicted responses.
        let responses = try model.responses(settings)
        #expect(abs(responses[0].transverse.mean / slope01 - 1) < 1e-9)
        #expect(abs(responses[0].longitudinal.mean / (reduced[0] - slope01 * x[0]) - 1) < 1e-6)
    }

    @Test func responseHeadTrainsSavesAndReloads() throws {
        let data = try TrainerTests.tinyData()
        let trainer = Trainer(data: data, config: Self.tinyResponseConfig(epochs: 40), command: "test")
        _ = try trainer.run()
        #expect(trainer.history.last!.loss < trainer.history.first!.loss)
        let model = trainer.finishedModel(machine: "test", version: "test")
        #expect(model.networks[0].spec.outputFeatures == 2)
        let url = temporaryURL("responses.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        let back = try CrossSectionModel.load(url)
        let points = data.points.map(\.kinematics)
        for (a, b) in zip(back.predict(points), model.predict(points)) { #expect(a.mean == b.mean) }
        #expect(back.info.input.fermiGas == FermiGasParameters(fermiMomentum: 0.228, energyShift: 0.020))
        // The single-point path (the C API's) gives the batch numbers.
        let single = PointPredictor(back)
        for (k, p) in zip(points, back.predict(points)).prefix(10) {
            let one = single.predict(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer)
            #expect(abs(one.mean / p.mean - 1) < 1e-12)
        }
    }

    /// R_L and R_T carry the calibration as σ does (σ is linear in them): at each point their band
    /// is the members' own × that point's factor, about the same mean. Checked on the shipped
    /// carbon ensemble at a measured setting (Barreau's 0.56 GeV, 36°) and between settings.
    @Test func theResponsesBandCarriesEachPointsCalibrationFactor() throws {
        let model = try CrossSectionModel.load(repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet"))
        let calibration = try #require(model.info.calibration)
        var info = model.info
        info.calibration = nil
        let own = CrossSectionModel(networks: model.networks, info: info)
        let points = [
            Kinematics(beamEnergy: 0.56, angleDegrees: 36, energyTransfer: 0.1), Kinematics(beamEnergy: 1.1, angleDegrees: 50, energyTransfer: 0.3)
        ]
        let factors = points.map { calibration.scale(beamEnergy: $0.beamEnergy, angleDegrees: $0.angleDegrees) }
        #expect(factors[0] != factors[1], "one point at a measured setting, one between: \(factors)")
        for (i, (calibrated, members)) in zip(try model.responses(points), try own.responses(points)).enumerated() {
            for (a, b) in [(calibrated.longitudinal, members.longitudinal), (calibrated.transverse, members.transverse)] {
                #expect(a.mean == b.mean)
                #expect(abs(a.standardDeviation / b.standardDeviation - factors[i]) < 1e-12)
                #expect(abs((a.percentile84 - a.mean) / (b.percentile84 - b.mean) - factors[i]) < 1e-9)
            }
        }
    }

    @Test func theResponseHeadNeedsFeaturesOfQAndOmegaAlone() {
        var c = TrainingConfig.responses
        c.features = .physics  // holds the angle: the network could undo v_L, v_T
        #expect(throws: TrainingConfigError.self) { try c.validate() }
        #expect(throws: Never.self) { try TrainingConfig.responses.validate() }
    }
}
