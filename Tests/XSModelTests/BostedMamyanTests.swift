import Foundation
import Testing
import XSCore
import XSData

@testable import XSModel

/// The Bosted–Mamyan fit against the example table published with its code (F1F209.f, the
/// comment at its top: the output of its test program), printed to three decimals.
@Suite struct BostedMamyanTests {
    /// Q², W², x, F2(n), F2(p), F2(d), F1(p), F1(⁹Be) of the table's ten inelastic rows.
    static let table: [[Double]] = [
        [1.0, 1.5, 0.617, 0.204, 0.231, 0.312, 0.410, 1.644],
        [1.0, 2.0, 0.472, 0.129, 0.159, 0.292, 0.250, 2.329],
        [1.0, 2.5, 0.382, 0.169, 0.227, 0.417, 0.360, 2.973],
        [1.0, 3.0, 0.321, 0.224, 0.315, 0.511, 0.500, 3.562],
        [1.0, 3.5, 0.276, 0.218, 0.309, 0.517, 0.521, 4.060],
        [2.0, 1.5, 0.763, 0.079, 0.091, 0.110, 0.104, 0.400],
        [2.0, 2.0, 0.641, 0.058, 0.091, 0.157, 0.104, 0.764],
        [2.0, 2.5, 0.553, 0.090, 0.139, 0.241, 0.162, 1.174],
        [2.0, 3.0, 0.485, 0.137, 0.214, 0.324, 0.252, 1.558],
        [2.0, 3.5, 0.433, 0.136, 0.227, 0.354, 0.272, 1.919]
    ]

    @Test func inelasticStructureFunctionsMatchThePublishedTable() {
        var report = ""
        for row in Self.table {
            let Q2 = row[0], W2 = row[1]
            let am = 0.9383
            let nu = (W2 - am * am + Q2) / (2 * am)
            let x = Q2 / (2 * am * nu)
            let n = BostedMamyan.freeNucleon(proton: false, Q2: Q2, W2: W2)
            let p = BostedMamyan.freeNucleon(proton: true, Q2: Q2, W2: W2)
            let qe = BostedMamyan.quasielastic(Z: 4, A: 9, Q2: Q2, W2: W2)
            let be = BostedMamyan.inelastic(Z: 4, A: 9, Q2: Q2, W2: W2)
            let mine = [x, n.F2, p.F2, p.F1, be.F1]
            let theirs = [row[2], row[3], row[4], row[6], row[7]]
            report +=
                String(format: "Q2 %.1f W2 %.1f: ", Q2, W2) + zip(mine, theirs).map { String(format: "%.4f/%.3f", $0, $1) }.joined(separator: " ")
            report += String(format: "  (qe Be F1 %.4f)\n", qe.F1)
            for (a, b) in zip(mine, theirs) { #expect(abs(a - b) <= 0.0005 + 1e-9, "Q² \(Q2) W² \(W2): \(a) vs \(b)") }
        }
        print(report)
    }
}

extension BostedMamyanTests {
    /// On all 2,880 carbon points of the archive the fit's median deviation and fraction within 10%
    /// are what TRAINING-NOTES and the issue measured with the published code outside the project:
    /// 9.0% and 53%. (Both cores: the debug build takes seconds for the 2,880 × 99 smeared points.)
    @Test func carbonAgreementIsTheFitsKnownOne() async throws {
        let all = try ScatteringData.bundled().filtered(nucleus: Nucleus(Z: 6, A: 12)).points
        let fit = BostedMamyan()
        let deviations = await withTaskGroup(of: [(Int, Double)].self) { group in
            for c in 0..<4 {
                group.addTask {
                    stride(from: c, to: all.count, by: 4).map { i in
                        (i, abs(fit.crossSection(all[i].kinematics, nucleus: all[i].nucleus)! / all[i].crossSection - 1))
                    }
                }
            }
            var out = [Double](repeating: 0, count: all.count)
            for await part in group { for (i, d) in part { out[i] = d } }
            return out
        }
        let within10 = Double(deviations.filter { $0 <= 0.1 }.count) / Double(deviations.count)
        print("Bosted–Mamyan on \(deviations.count) carbon points: median \(median(deviations)), within 10% \(within10)")
        #expect(all.count == 2880)
        #expect(abs(median(deviations) - 0.090) < 0.0005 && abs(within10 - 0.53) < 0.005)
    }
}

extension BostedMamyanTests {
    /// log σ = log σ_BM + NN: a network whose output is 0 predicts the fit itself, exactly.
    @Test func thePriorRecipeIsACorrectionToTheFit() throws {
        let data = try TrainerTests.tinyData()
        var config = TrainerTests.tinyConfig(epochs: 4)
        config.output = .reference
        let trainer = Trainer(data: data, config: config, command: "test")
        _ = try trainer.run()
        #expect(trainer.history.allSatisfy { $0.loss.isFinite })
        let model = trainer.finishedModel(machine: "test", version: "test")
        model.info.output = .referenceScale(offset: 0, width: 1)
        let network = model.networks[0]
        for name in ["output.dense.weight", "output.dense.bias"] {
            let view = network.parameters.view(named: name)!
            network.parameters.setValues(view, [Float](repeating: 0, count: network.parameters.valueArray(view).count))
        }
        let reloaded = CrossSectionModel(networks: [network], info: model.info)
        let points = data.points.prefix(8).map(\.kinematics)
        for (k, p) in zip(points, reloaded.predict(points)) {
            #expect(abs(p.mean / BostedMamyan().crossSection(k, nucleus: Nucleus(Z: 6, A: 12))! - 1) < 1e-12)
        }
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: "H2") }
        #expect(throws: Never.self) { try config.check(nucleus: "He3") }
    }
}

extension BostedMamyanTests {
    /// Where the fit's cross section is clamped at 0 (argon at 6.1 GeV, 145°, ω = 5.601–5.604 GeV,
    /// where its inelastic part is negative and outweighs the quasielastic one) its responses are
    /// zero, not undefined, and a model of every nucleus on them predicts σ = 0 there. They were nil, and the
    /// shipped `Models/any-target.xsnet` refused those points (`xsnet predict --model
    /// Models/any-target.xsnet --nucleus Ar40 --energy 6.1 --angle 145 --omega 5.61`: "the model gives nan").
    @Test func whereTheFitVanishesItsResponsesAreZeroAndAModelOnThemPredictsZero() throws {
        let fit = BostedMamyan(), argon = Nucleus(Z: 18, A: 40)
        let points = (0...3).map { Kinematics(beamEnergy: 6.1, angleDegrees: 145, energyTransfer: 5.601 + 0.001 * Double($0)) }
        for k in points {
            #expect(fit.crossSection(k, nucleus: argon) == 0)
            let r = try #require(fit.responses(k, nucleus: argon), "\(k.energyTransfer)")
            #expect(r.longitudinal == 0 && r.transverse == 0)
        }
        // Beside them the fit is positive, and so are its responses.
        let beside = Kinematics(beamEnergy: 6.1, angleDegrees: 145, energyTransfer: 5.62)
        #expect(try #require(fit.responses(beside, nucleus: argon)).transverse > 0)
        let data = try AnyTargetTests.tinyData()
        var config = AnyTargetTests.tinyConfig(epochs: 2, output: .referenceResponses)
        config.features = .kinematic
        let trainer = Trainer(data: data, config: config, command: "test")
        _ = try trainer.run()
        let model = try trainer.finishedModel(machine: "test", version: "test").bound(to: argon)
        let predictions = model.predict(points + [beside])
        #expect(predictions.prefix(4).allSatisfy { $0.mean == 0 && $0.standardDeviation == 0 }, "\(predictions.map(\.mean))")
        #expect(predictions[4].mean > 0 && predictions[4].mean.isFinite)
    }

    /// The fit's responses give back its cross section through one-photon exchange, and a
    /// response head on them whose network outputs 0 predicts the fit itself.
    @Test func theResponseHeadOnTheFitsResponses() throws {
        let fit = BostedMamyan(), carbon = Nucleus(Z: 6, A: 12)
        let data = try TrainerTests.tinyData()
        let points = data.points.map(\.kinematics)
        var unfloored = 0
        for k in points {
            let r = try #require(fit.responses(k, nucleus: carbon))
            guard r.longitudinal > 1e-3 * r.transverse else { continue }
            unfloored += 1
            let σ = k.crossSection(longitudinalResponse: r.longitudinal, transverseResponse: r.transverse)
            #expect(abs(σ / fit.crossSection(k, nucleus: carbon)! - 1) < 1e-12)
        }
        #expect(unfloored > points.count / 2)
        var config = ResponseHeadTests.tinyResponseConfig(epochs: 4)
        config.output = .referenceResponses
        let trainer = Trainer(data: data, config: config, command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "test")
        model.info.output = .referenceResponses(offset: 0, width: 1)
        for name in ["output.dense.weight", "output.dense.bias"] {
            let view = model.networks[0].parameters.view(named: name)!
            model.networks[0].parameters.setValues(view, [Float](repeating: 0, count: model.networks[0].parameters.valueArray(view).count))
        }
        let fresh = CrossSectionModel(networks: model.networks, info: model.info)
        let responses = try fresh.responses(points)
        for (k, (p, r)) in zip(points, zip(fresh.predict(points), responses)) {
            let prior = fit.responses(k, nucleus: carbon)!
            #expect(abs(r.longitudinal.mean / prior.longitudinal - 1) < 1e-12 && abs(r.transverse.mean / prior.transverse - 1) < 1e-12)
            #expect(abs(p.mean / k.crossSection(longitudinalResponse: prior.longitudinal, transverseResponse: prior.transverse) - 1) < 1e-12)
        }
    }
}
