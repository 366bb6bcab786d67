import Foundation
import XSData

/// The incoming lepton and the current it couples through.
public enum LeptonProbe: String, CaseIterable, Sendable {
    /// Electron scattering through one photon: d²σ/dΩdE′ in nb/sr/GeV.
    case electron
    /// ν_μ + n → μ⁻ + p (charged current): d²σ/dΩdE′ in cm²/sr/GeV.
    case numu
    /// ν̄_μ + p → μ⁺ + n (charged current).
    case numubar

    public var isNeutrino: Bool { self != .electron }

    /// The outgoing lepton's mass (GeV); the electron's is neglected, as in the electron model
    /// (`Kinematics`: E ≫ mₑ), so that both use one formula.
    public var outgoingMass: Double { self == .electron ? 0 : WeakConstants.muonMass }
}

/// The kinematics of one lepton scattering: incoming energy E, outgoing lepton (energy E′,
/// mass m) at angle θ, in the frame where q = k − k′ points along z and the leptons lie in the
/// x–z plane.
public struct LeptonKinematics: Sendable {
    public let incoming: FourVector
    public let outgoing: FourVector
    /// ω = E − E′ and |q| (GeV).
    public let energyTransfer: Double
    public let momentumTransfer: Double

    /// nil when the outgoing lepton cannot be produced (E′ < m or E′ ≥ E) or the angle is outside [0°, 180°].
    public init?(energy E: Double, outgoingEnergy Eprime: Double, cosTheta c: Double, outgoingMass m: Double) {
        guard E > 0, Eprime >= m, Eprime < E, abs(c) <= 1, E.isFinite, Eprime.isFinite else { return nil }
        let kp = (Eprime * Eprime - m * m).squareRoot()
        let s = (1 - c * c).squareRoot()
        // Lab frame with k along z, then rotated about y so that q = k − k′ lies along z.
        let qx = -kp * s, qz = E - kp * c
        let q = (qx * qx + qz * qz).squareRoot()
        guard q > 0 else { return nil }
        let sinB = qx / q, cosB = qz / q
        func rotate(_ x: Double, _ z: Double) -> (Double, Double) { (x * cosB - z * sinB, x * sinB + z * cosB) }
        let (kx, kz) = rotate(0, E)
        let (px, pz) = rotate(kp * s, kp * c)
        incoming = FourVector(E, kx, 0, kz)
        outgoing = FourVector(Eprime, px, 0, pz)
        energyTransfer = E - Eprime
        momentumTransfer = q
    }

    /// Q² = −(k − k′)² (GeV²).
    public var Q2: Double {
        let q = incoming - outgoing
        return -(q * q)
    }

    /// |k′| (GeV).
    public var outgoingMomentum: Double { (outgoing.x * outgoing.x + outgoing.z * outgoing.z).squareRoot() }
}

/// The lepton tensor L^{μν} = Σ ℓ^μ ℓ^{ν*} of the probe's current, summed over the outgoing
/// lepton's spin (averaged over the electron's; a neutrino has one helicity):
///
///     electron:  ½ Tr[(k̸′ + m) γ^μ k̸ γ^ν]                      (the electron's mass neglected)
///     ν_μ:       Tr[(k̸′ + m) γ^μ (1 − γ⁵) k̸ γ^ν (1 − γ⁵)]
///     ν̄_μ:       Tr[γ^μ (1 − γ⁵) (k̸′ − m) γ^ν (1 − γ⁵) k̸] = Tr[k̸ γ^μ (1 − γ⁵) (k̸′ − m) γ^ν (1 − γ⁵)]
///
/// (one form, Tr[A Γ^μ B Γ̄^ν], by the trace's cyclicity), reduced to the five coefficients that
/// multiply the azimuthally averaged hadron tensor:
/// L_{μν}W^{μν} = c₀₀ W⁰⁰ + c₀₃ W⁰³ + c₃₃ W³³ + c_T W_T + c_T′ W_T′.
public struct LeptonFactors: Sendable {
    public var c00: Double
    public var c03: Double
    public var c33: Double
    public var cT: Double
    public var cTprime: Double

    public init(probe: LeptonProbe, kinematics k: LeptonKinematics) {
        let gamma = DiracMatrix.gamma, identity = DiracMatrix.identity
        let m = probe.outgoingMass
        let vertices: [DiracMatrix] = probe == .electron ? gamma : gamma.map { $0 * (identity + (-1) * DiracMatrix.gamma5) }
        let bars = vertices.map(\.bar)
        let incoming = DiracMatrix.slash(k.incoming)
        let (a, b) =
            probe == .numubar
            ? (incoming, DiracMatrix.slash(k.outgoing) + (-m) * identity) : (DiracMatrix.slash(k.outgoing) + m * identity, incoming)
        let spinAverage = probe == .electron ? 0.5 : 1
        var l = Tensor2()
        for mu in 0..<4 {
            let left = a * vertices[mu] * b
            for nu in 0..<4 { l[mu, nu] = spinAverage * DiracMatrix.traceOfProduct(left, bars[nu]) }
        }
        self.init(tensor: l)
    }

    /// The coefficients of a full lepton tensor (metric signs included: W⁰³ enters with −1, W¹¹
    /// and W²² with +1, W¹² = i W_T′ with −Im(L¹² − L²¹)).
    public init(tensor l: Tensor2) {
        c00 = l[0, 0].re
        c03 = -(l[0, 3].re + l[3, 0].re)
        c33 = l[3, 3].re
        cT = 0.5 * (l[1, 1].re + l[2, 2].re)
        cTprime = -(l[1, 2].im - l[2, 1].im)
    }

    /// L_{μν} W^{μν}.
    public func contract(_ w: HadronTensor) -> Double {
        c00 * w.w00 + c03 * w.w03 + c33 * w.w33 + cT * w.transverse + cTprime * w.transverseAxial
    }
}

/// The inclusive cross section from the lepton factors and the nuclear tensor (W in GeV⁻¹ per
/// nucleus, non-covariantly normalized hadron states):
///
///     electron:  d²σ/dΩdE′ = α² (|k′|/E) L_{μν}W^{μν} / Q⁴                 (nb/sr/GeV)
///     neutrino:  d²σ/dΩdE′ = G_F² V_ud² (|k′|/E) L_{μν}W^{μν} / (32π²)      (cm²/sr/GeV)
///
/// (Fermi's golden rule with the one-photon and the four-fermion amplitudes.)
public enum InclusiveCrossSection {
    public static func doubleDifferential(probe: LeptonProbe, kinematics k: LeptonKinematics, tensor w: HadronTensor) -> Double {
        doubleDifferential(probe: probe, kinematics: k, factors: LeptonFactors(probe: probe, kinematics: k), tensor: w)
    }

    public static func doubleDifferential(probe: LeptonProbe, kinematics k: LeptonKinematics, factors: LeptonFactors, tensor w: HadronTensor)
        -> Double
    {
        let contraction = factors.contract(w)
        let flux = k.outgoingMomentum / k.incoming.t
        switch probe {
        case .electron:
            let a = PhysicalConstants.alpha, Q2 = k.Q2
            return PhysicalConstants.hbarC2 * a * a * flux * contraction / (Q2 * Q2)
        case .numu, .numubar:
            let g = WeakConstants.fermiConstant * WeakConstants.vud
            return WeakConstants.hbarC2cm2 * g * g * flux * contraction / (32 * Double.pi * Double.pi)
        }
    }
}
