import Foundation
import XSCore
import XSData

/// Inclusive charged-current ν_μ / ν̄_μ cross sections of one nucleus from reduced functions
/// (`ReducedFunctionGrid`: learned from electrons, or the Fermi gas') and the weak single-nucleon
/// factors, with the muon mass in the kinematics and the lepton tensor:
///
///     d²σ/dT_μ dcosθ_μ = 2π d²σ/dΩdE′,   d²σ/dΩdE′ = G_F² V_ud² (|k′|/E) L_{μν}W^{μν} / (32π²)
///
/// per nucleus in cm²/GeV; MiniBooNE's per-neutron figures divide by `targetNucleons` (neutrons for
/// ν_μ, protons for ν̄_μ). An electron probe goes through the same code with the electromagnetic
/// current (no axial part) and gives nb/sr/GeV.
public struct ChargedCurrentModel: Sendable {
    public let probe: LeptonProbe
    public let scaling: Superscaling
    public let reduced: ReducedFunctionGrid
    public let current: NuclearCurrent
    /// The single-nucleon factors at the grid's nodes, 7 per node (node = iq · energyCount + iω):
    /// vector W⁰⁰, W_T and axial W⁰⁰, W⁰³, W³³, W_T, W_T′.
    let factors: [Double]

    public init(probe: LeptonProbe, scaling: Superscaling, reduced: ReducedFunctionGrid, axialMass: Double = 1.03) {
        self.probe = probe
        self.scaling = scaling
        self.reduced = reduced
        let current: NuclearCurrent = probe.isNeutrino ? .chargedCurrent(probe, axialMass: axialMass) : .electromagnetic
        self.current = current
        let nw = reduced.energyCount
        let qStep = reduced.momentumStep, wStep = reduced.energyStep
        factors = parallelMap(reduced.momentumCount) { iq in
            var row = [Double](repeating: 0, count: 7 * nw)
            let q = Double(iq) * qStep
            for iw in 0..<nw {
                let w = Double(iw) * wStep
                guard w < q, let (v, a) = scaling.singleNucleonFactors(current: current, q: q, omega: w) else { continue }
                let values = [v.w00, v.transverse, a.w00, a.w03, a.w33, a.transverse, a.transverseAxial]
                for k in 0..<7 { row[7 * iw + k] = values[k] }
            }
            return row
        }.flatMap { $0 }
    }

    /// The nucleons the current acts on.
    public var targetNucleons: Int { scaling.targetNucleons(probe) }

    /// The nuclear tensor of each member at (q, ω) (interpolated; zero outside the grid).
    public func tensors(q: Double, omega: Double) -> [HadronTensor] {
        guard let cell = reduced.cell(q: q, omega: omega) else { return Array(repeating: HadronTensor(), count: reduced.members) }
        let u = (0..<7).map { cell.interpolate(factors, stride: 7, offset: $0) }
        let vector = HadronTensor(w00: u[0], transverse: u[1])
        let axial = HadronTensor(w00: u[2], w03: u[3], w33: u[4], transverse: u[5], transverseAxial: u[6])
        return (0..<reduced.members).map { m in
            let f = reduced.value(member: m, in: cell)
            return scaling.assemble(vector: vector, axial: axial, q: q, omega: omega, longitudinal: f.L, transverse: f.T, axial: f.A)
        }
    }

    /// d²σ/dΩdE′ of each member at the lepton kinematics (cm²/sr/GeV for neutrinos, nb/sr/GeV for
    /// electrons, per nucleus); `lepton`, the kinematics' lepton factors, when already at hand.
    /// Each member's σ is floored at zero, then moved away from the members' mean by the grid's
    /// `spreadFactor` (σ̄ + c (σ_m − σ̄)): the mean stays the members' own and the spread is c times
    /// theirs, here and in everything summed from it (the flux fold). A widened member may fall
    /// below zero where the spread is large; only the mean and spread are reported.
    public func doubleDifferential(_ k: LeptonKinematics, lepton: LeptonFactors? = nil) -> [Double] {
        let lepton = lepton ?? LeptonFactors(probe: probe, kinematics: k)
        let members = tensors(q: k.momentumTransfer, omega: k.energyTransfer).map {
            max(0, InclusiveCrossSection.doubleDifferential(probe: probe, kinematics: k, factors: lepton, tensor: $0))
        }
        let c = reduced.spreadFactor
        guard c != 1, members.count > 1 else { return members }
        let mean = members.reduce(0, +) / Double(members.count)
        return members.map { mean + c * ($0 - mean) }
    }

    /// The lepton kinematics of a muon (or electron) of kinetic energy T at cos θ; nil where it
    /// cannot be produced.
    public func kinematics(energy E: Double, kineticEnergy T: Double, cosTheta c: Double) -> LeptonKinematics? {
        LeptonKinematics(energy: E, outgoingEnergy: T + probe.outgoingMass, cosTheta: c, outgoingMass: probe.outgoingMass)
    }

    /// d²σ/dT_μ dcosθ_μ per nucleus (cm²/GeV) at `count` points (E_ν, T_μ, cos θ_μ) given by index:
    /// the members' mean and sample standard deviation, NaN where the muon cannot be produced. Blocks
    /// of points run on every core; no point's value depends on another's.
    public func muonDistributions(
        count: Int, at point: @Sendable (Int) -> (energy: Double, muonKineticEnergy: Double, cosTheta: Double)
    ) -> (mean: [Double], standardDeviation: [Double]) {
        let block = 1024
        let blocks = parallelMap((count + block - 1) / block) { b -> [(Double, Double)] in
            (b * block..<min((b + 1) * block, count)).map { i in
                let p = point(i)
                let members = muonDistribution(energy: p.energy, muonKineticEnergy: p.muonKineticEnergy, cosTheta: p.cosTheta)
                guard !members.isEmpty else { return (.nan, .nan) }
                return (members.reduce(0, +) / Double(members.count), sampleStandardDeviation(members))
            }
        }
        return (blocks.flatMap { $0.map(\.0) }, blocks.flatMap { $0.map(\.1) })
    }

    /// d²σ/dT_μ dcosθ_μ = 2π d²σ/dΩdE′ of each member per nucleus (cm²/GeV); empty where the muon
    /// cannot be produced.
    public func muonDistribution(energy E: Double, muonKineticEnergy T: Double, cosTheta c: Double) -> [Double] {
        guard let k = kinematics(energy: E, kineticEnergy: T, cosTheta: c) else { return [] }
        return doubleDifferential(k).map { 2 * .pi * $0 }
    }
}
