import Foundation
import XSData
import XSModel

/// Constants of the weak interaction (PDG 2024).
public enum WeakConstants {
    /// Fermi constant G_F in GeV⁻².
    public static let fermiConstant = 1.166_378_8e-5
    /// |V_ud|.
    public static let vud = 0.973_67
    /// The nucleon axial coupling g_A = G_A(0) (neutron β decay, λ = −1.2754, sign convention: g_A > 0).
    public static let axialCoupling = 1.2754
    /// Charged-pion mass (GeV), for the pseudoscalar form factor's pole.
    public static let pionMass = 0.139_570_39
    /// Muon mass (GeV).
    public static let muonMass = 0.105_658_375_5
    /// Electron mass (GeV).
    public static let electronMass = 0.000_510_998_95
    /// (ħc)² in GeV² cm²: converts GeV⁻² to cm².
    public static let hbarC2cm2 = 0.389_379_372e-27
}

/// The form factors of one nucleon current at Q² (real: no second-class currents):
///
///     Γ^μ = F₁ γ^μ + i F₂ σ^{μν} q_ν / (2M) − G_A γ^μ γ⁵ − G_P′ q^μ γ⁵,
///
/// the vector part minus the axial part (V − A, g_A > 0), with q = p′ − p the momentum the
/// nucleon absorbs. G_P′ = 2M G_A/(m_π² + Q²) is the pion-pole (PCAC) pseudoscalar term, which
/// makes q_μ A^μ vanish in the chiral limit.
public struct NucleonFormFactors: Equatable, Sendable {
    public var F1: Double
    public var F2: Double
    public var axial: Double
    public var pseudoscalar: Double

    public init(F1: Double, F2: Double, axial: Double = 0, pseudoscalar: Double = 0) {
        self.F1 = F1
        self.F2 = F2
        self.axial = axial
        self.pseudoscalar = pseudoscalar
    }

    /// The same current with the axial part removed (its vector part only).
    public var vectorOnly: NucleonFormFactors { NucleonFormFactors(F1: F1, F2: F2) }

    /// Dirac and Pauli form factors from the Sachs ones: F₁ = (G_E + τG_M)/(1 + τ),
    /// F₂ = (G_M − G_E)/(1 + τ), τ = Q²/4M².
    public static func fromSachs(electric GE: Double, magnetic GM: Double, Q2: Double, mass M: Double) -> (F1: Double, F2: Double) {
        let tau = Q2 / (4 * M * M)
        return ((GE + tau * GM) / (1 + tau), (GM - GE) / (1 + tau))
    }

    /// The electromagnetic current of the proton or neutron (Bosted's fits, PRC 51, 409 (1995),
    /// the form factors of the Bosted–Mamyan fit).
    public static func electromagnetic(proton: Bool, Q2: Double, mass M: Double = PhysicalConstants.nucleonMass) -> NucleonFormFactors {
        let g = BostedMamyan.nucleonFormFactors(Q2: max(Q2, 0))
        let (F1, F2) = fromSachs(electric: proton ? g.GEp : g.GEn, magnetic: proton ? g.GMp : g.GMn, Q2: max(Q2, 0), mass: M)
        return NucleonFormFactors(F1: F1, F2: F2)
    }

    /// The charged weak current n ↔ p: the isovector vector form factors (conserved vector
    /// current: F^V = F^p − F^n of the electromagnetic ones) and the dipole axial form factor
    /// G_A = g_A/(1 + Q²/M_A²)² with its pion-pole pseudoscalar partner.
    public static func chargedCurrent(Q2: Double, axialMass MA: Double, mass M: Double = PhysicalConstants.nucleonMass) -> NucleonFormFactors {
        let p = electromagnetic(proton: true, Q2: Q2, mass: M), n = electromagnetic(proton: false, Q2: Q2, mass: M)
        let Q2 = max(Q2, 0)
        let d = 1 + Q2 / (MA * MA)
        let GA = WeakConstants.axialCoupling / (d * d)
        let mpi = WeakConstants.pionMass
        return NucleonFormFactors(F1: p.F1 - n.F1, F2: p.F2 - n.F2, axial: GA, pseudoscalar: 2 * M * GA / (mpi * mpi + Q2))
    }
}

/// The spin-averaged tensor of one on-shell nucleon of four-momentum p absorbing q:
///
///     H^{μν} = ½ Tr[(p̸′ + M) Γ^μ (p̸ + M) Γ̄^ν],   p′ = p + q,
///
/// computed as a trace of Dirac matrices (no hand-reduced structure functions to get wrong).
public enum NucleonTensor {
    public static func tensor(initial p: FourVector, transfer q: FourVector, formFactors ff: NucleonFormFactors, mass M: Double) -> Tensor2 {
        let gamma = DiracMatrix.gamma, g5 = DiracMatrix.gamma5
        let qSlash = DiracMatrix.slash(q)
        let final = DiracMatrix.slash(p + q) + M * DiracMatrix.identity
        let initial = DiracMatrix.slash(p) + M * DiracMatrix.identity
        // Γ^μ; i σ^{μν} q_ν = −½ (γ^μ q̸ − q̸ γ^μ).
        let vertices = (0..<4).map { mu -> DiracMatrix in
            var v = ff.F1 * gamma[mu]
            if ff.F2 != 0 { v = v + (-ff.F2 / (4 * M)) * (gamma[mu] * qSlash + (-1) * (qSlash * gamma[mu])) }
            if ff.axial != 0 || ff.pseudoscalar != 0 {
                var a = ff.axial * (gamma[mu] * g5)
                if ff.pseudoscalar != 0 { a = a + (ff.pseudoscalar * q[mu]) * g5 }
                v = v + (-1) * a
            }
            return v
        }
        let left = vertices.map { final * $0 * initial }
        let right = vertices.map(\.bar)
        var h = Tensor2()
        for mu in 0..<4 {
            for nu in 0..<4 { h[mu, nu] = 0.5 * DiracMatrix.traceOfProduct(left[mu], right[nu]) }
        }
        return h
    }
}

/// The part of a nuclear tensor that survives the average over the azimuth of the nucleons
/// about q (q along z): the five response functions of a charged-current reaction,
///
///     W⁰⁰,  W⁰³ = W³⁰,  W³³,  W_T = W¹¹ + W²²,  W_T′ = Im W¹²  (W¹² = −W²¹ = i W_T′),
///
/// i.e. R_CC = W⁰⁰, R_CL = −W⁰³, R_LL = W³³, R_T = W_T, R_T′ = W_T′ (Amaro et al., PRC 71,
/// 015501 (2005)). For electrons R_L = W⁰⁰ and R_T = W_T. Units: GeV⁻¹ per nucleus.
public struct HadronTensor: Equatable, Sendable {
    public var w00: Double
    public var w03: Double
    public var w33: Double
    public var transverse: Double
    public var transverseAxial: Double

    public init(w00: Double = 0, w03: Double = 0, w33: Double = 0, transverse: Double = 0, transverseAxial: Double = 0) {
        self.w00 = w00
        self.w03 = w03
        self.w33 = w33
        self.transverse = transverse
        self.transverseAxial = transverseAxial
    }

    /// The azimuthal average of a tensor computed for a nucleon in the x–z plane.
    public init(averaging h: Tensor2) {
        self.init(
            w00: h[0, 0].re, w03: 0.5 * (h[0, 3].re + h[3, 0].re), w33: h[3, 3].re, transverse: h[1, 1].re + h[2, 2].re,
            transverseAxial: 0.5 * (h[1, 2].im - h[2, 1].im))
    }

    public static func + (a: HadronTensor, b: HadronTensor) -> HadronTensor {
        HadronTensor(
            w00: a.w00 + b.w00, w03: a.w03 + b.w03, w33: a.w33 + b.w33, transverse: a.transverse + b.transverse,
            transverseAxial: a.transverseAxial + b.transverseAxial)
    }

    public static func * (s: Double, a: HadronTensor) -> HadronTensor {
        HadronTensor(w00: s * a.w00, w03: s * a.w03, w33: s * a.w33, transverse: s * a.transverse, transverseAxial: s * a.transverseAxial)
    }

    public static func - (a: HadronTensor, b: HadronTensor) -> HadronTensor { a + (-1) * b }
}
