import Foundation
import Testing
import XSData
import XSModel
import XSTestSupport

@testable import XSNeutrino

/// The neutrino band carries the electron model's calibration (docs/neutrino.md, "What is learned
/// and what is assumed"): the shipped carbon ensemble's members spread less than its held-out
/// electron points need (× 2.178 away from the measured settings), and a neutrino point is at no
/// measured electron setting.
@Suite struct NeutrinoBandTests {
    static let carbon = Superscaling(nucleus: Nucleus(Z: 6, A: 12))

    static func shippedEnsemble() throws -> CrossSectionModel {
        try CrossSectionModel.load(repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet"))
    }

    /// The same networks without their calibration: the members' own spread.
    static func uncalibrated(_ model: CrossSectionModel) -> CrossSectionModel {
        var info = model.info
        info.calibration = nil
        return CrossSectionModel(networks: model.networks, info: info)
    }

    static func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double) {
        (values.reduce(0, +) / Double(values.count), sampleStandardDeviation(values))
    }

    /// Each member's σ_ν (floored at zero) moved away from the members' mean by the factor away
    /// from the measured settings: the mean stays the members' own, the spread is theirs × c, and
    /// so are the flux fold's (a sum of members' σ), where widened members may fall below zero.
    /// The reduced functions themselves stay the members' own.
    @Test func theNeutrinoBandIsTheMembersSpreadTimesTheFactorAwayFromTheMeasuredSettings() throws {
        let model = try Self.shippedEnsemble()
        let c = try #require(model.info.calibration).awayFromMeasuredSettings
        #expect(abs(c - 2.178) < 5e-4, "the shipped carbon ensemble's factor away from the measured settings: \(c)")
        let grids = try [model, Self.uncalibrated(model)].map {
            try ReducedFunctionGrid(source: .electronModel($0, removingPionProduction: true), scaling: Self.carbon, step: 0.1)
        }
        #expect(grids[0].spreadFactor == c && grids[1].spreadFactor == 1)
        #expect(grids[0].longitudinal == grids[1].longitudinal && grids[0].transverse == grids[1].transverse && grids[0].axial == grids[1].axial)
        #expect(try ReducedFunctionGrid(source: .fermiGas, scaling: Self.carbon, step: 0.1).spreadFactor == 1)
        let neutrino = grids.map { ChargedCurrentModel(probe: .numu, scaling: Self.carbon, reduced: $0, axialMass: 1.03) }
        for (T, cosTheta) in [(0.5, 0.9), (0.4, 0.7), (0.3, 0.5)] {
            let widened = Self.meanAndSpread(neutrino[0].muonDistribution(energy: 0.8, muonKineticEnergy: T, cosTheta: cosTheta))
            let members = Self.meanAndSpread(neutrino[1].muonDistribution(energy: 0.8, muonKineticEnergy: T, cosTheta: cosTheta))
            #expect(members.mean > 0 && members.spread > 0)
            #expect(abs(widened.mean / members.mean - 1) < 1e-12)
            #expect(abs(widened.spread / members.spread - c) < 1e-9, "at T = \(T), cos θ = \(cosTheta)")
        }
        let folded = MiniBooNEFold.fold(neutrino, data: try MiniBooNECCQE.bundled(), cell: 0.1)
        let widened = Self.meanAndSpread(folded[0].total), members = Self.meanAndSpread(folded[1].total)
        #expect(abs(widened.mean / members.mean - 1) < 1e-12, "the flux-integrated σ: \(widened.mean) vs \(members.mean)")
        #expect(abs(widened.spread / members.spread - c) < 1e-9)
    }
}

/// The Bosted–Mamyan fit's responses through the neutrino route (`--model bosted-mamyan`): one
/// member, no band, its grid holding at each node what `fitValues` gives there.
@Suite struct FitReducedFunctionTests {
    @Test func theFitsGridHoldsItsReducedFunctionsAtTheNodes() throws {
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        let grid = try ReducedFunctionGrid(source: .bostedMamyan(removingPionProduction: true), scaling: scaling, step: 0.05)
        #expect(grid.members == 1 && grid.spreadFactor == 1 && grid.quasielasticWindow == ReducedFunctionGrid.defaultQuasielasticWindow)
        let nodes = [(q: 0.3, omega: 0.075), (q: 0.5, omega: 0.15), (q: 0.8, omega: 0.325), (q: 1.0, omega: 0.45)]
        let direct = try ReducedFunctionGrid.fitValues(scaling: scaling, at: nodes, removingPionProduction: true)[0]
        for (node, f) in zip(nodes, direct) {
            let cell = try #require(grid.cell(q: node.q, omega: node.omega))
            let g = grid.value(member: 0, in: cell)
            #expect(f.L > 0 && f.T > 0)
            #expect(abs(g.L / f.L - 1) < 1e-9 && abs(g.T / f.T - 1) < 1e-9 && abs(g.A / f.A - 1) < 1e-9, "at \(node)")
        }
    }
}
