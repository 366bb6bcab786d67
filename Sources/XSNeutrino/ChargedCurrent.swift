import Foundation
import XSData

/// Inclusive charged-current ν_μ / ν̄_μ cross sections of one nucleus from reduced functions
/// (`ReducedFunctionGrid`: learned from electrons, or the Fermi gas') and the weak single-nucleon
/// factors, with the muon mass in the kinematics and the lepton tensor:
///
///     d²σ/dT_μ dcosθ_μ = 2π d²σ/dΩdE′,   d²σ/dΩdE′ = G_F² V_ud² (|k′|/E) L_{μν}W^{μν} / (32π²)
///
/// per nucleus in cm²/GeV; `perNucleon` divides by the nucleons the current acts on (neutrons for
/// ν_μ, protons for ν̄_μ), as MiniBooNE quotes its cross section. An electron probe goes through
/// the same code with the electromagnetic current (no axial part) and gives nb/sr/GeV.
public struct ChargedCurrentModel: Sendable {
    public let probe: LeptonProbe
    public let scaling: Superscaling
    public let reduced: ReducedFunctionGrid
    public let current: NuclearCurrent
    /// The single-nucleon factors at the grid's nodes: vector W⁰⁰, W_T and axial W⁰⁰, W⁰³, W³³, W_T, W_T′.
    let factors: [[Double]]

    public init(probe: LeptonProbe, scaling: Superscaling, reduced: ReducedFunctionGrid, axialMass: Double = 1.03) {
        self.probe = probe
        self.scaling = scaling
        self.reduced = reduced
        let current: NuclearCurrent = probe.isNeutrino ? .chargedCurrent(probe, axialMass: axialMass) : .electromagnetic
        self.current = current
        let nq = reduced.momentumCount, nw = reduced.energyCount
        let qStep = reduced.momentumStep, wStep = reduced.energyStep
        factors = parallelMap(nq) { iq in
            var row = [Double](repeating: 0, count: 7 * nw)
            let q = Double(iq) * qStep
            for iw in 0..<nw {
                let w = Double(iw) * wStep
                guard w < q, let (v, a) = scaling.singleNucleonFactors(current: current, q: q, omega: w) else { continue }
                let values = [v.w00, v.transverse, a.w00, a.w03, a.w33, a.transverse, a.transverseAxial]
                for k in 0..<7 { row[7 * iw + k] = values[k] }
            }
            return row
        }
    }

    /// The nucleons the current acts on.
    public var targetNucleons: Int {
        switch probe {
        case .numu: scaling.nucleus.A - scaling.nucleus.Z
        case .numubar: scaling.nucleus.Z
        case .electron: scaling.nucleus.A
        }
    }

    /// The nuclear tensor of each member at (q, ω) (interpolated).
    public func tensors(q: Double, omega: Double) -> [HadronTensor] {
        let x = q / reduced.momentumStep, y = omega / reduced.energyStep
        guard x >= 0, y >= 0, x < Double(reduced.momentumCount - 1), y < Double(reduced.energyCount - 1) else {
            return Array(repeating: HadronTensor(), count: reduced.members)
        }
        let i = Int(x), j = Int(y)
        let a = x - Double(i), b = y - Double(j)
        var u = [Double](repeating: 0, count: 7)
        for k in 0..<7 {
            u[k] =
                (1 - a) * ((1 - b) * factors[i][7 * j + k] + b * factors[i][7 * (j + 1) + k])
                + a * ((1 - b) * factors[i + 1][7 * j + k] + b * factors[i + 1][7 * (j + 1) + k])
        }
        let vector = HadronTensor(w00: u[0], transverse: u[1])
        let axial = HadronTensor(w00: u[2], w03: u[3], w33: u[4], transverse: u[5], transverseAxial: u[6])
        return (0..<reduced.members).map { m in
            let f = reduced.value(member: m, q: q, omega: omega)
            return scaling.assemble(vector: vector, axial: axial, q: q, omega: omega, longitudinal: f.L, transverse: f.T, axial: f.A)
        }
    }

    /// d²σ/dΩdE′ of each member at lepton energy E, outgoing lepton energy E′ and cos θ (cm²/sr/GeV
    /// for neutrinos, nb/sr/GeV for electrons, per nucleus); empty where the lepton cannot be produced.
    public func doubleDifferential(energy E: Double, outgoingEnergy Eprime: Double, cosTheta c: Double) -> [Double] {
        guard let k = LeptonKinematics(energy: E, outgoingEnergy: Eprime, cosTheta: c, outgoingMass: probe.outgoingMass) else { return [] }
        let lepton = LeptonFactors(probe: probe, kinematics: k)
        return tensors(q: k.momentumTransfer, omega: k.energyTransfer).map {
            max(0, InclusiveCrossSection.doubleDifferential(probe: probe, kinematics: k, factors: lepton, tensor: $0))
        }
    }

    /// d²σ/dT_μ dcosθ_μ per target nucleon (cm²/GeV) of each member.
    public func muonDistribution(energy E: Double, muonKineticEnergy T: Double, cosTheta c: Double) -> [Double] {
        let scale = 2 * Double.pi / Double(targetNucleons)
        return doubleDifferential(energy: E, outgoingEnergy: T + probe.outgoingMass, cosTheta: c).map { scale * $0 }
    }
}
