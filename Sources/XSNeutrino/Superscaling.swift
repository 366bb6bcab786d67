import Foundation
import XSData

/// The currents a nuclear tensor is built from: the photon's (protons and neutrons with their
/// electromagnetic form factors) or the charged weak current's (ν_μ on neutrons, ν̄_μ on protons;
/// isovector vector plus axial, M_A the axial mass).
public enum NuclearCurrent: Equatable, Sendable {
    case electromagnetic
    case chargedCurrent(LeptonProbe, axialMass: Double)
}

/// Which reduced function multiplies the axial current's longitudinal-type channels (W⁰⁰, W⁰³, W³³
/// of the axial current: its time component and its component along q, the Gamow–Teller operator
/// along q at low Q²). `.transverse`, the default: all of the axial current takes f_T (the
/// transverse enhancement of the electron data carried to every axial channel). `.longitudinal`:
/// the SuSAv2 assignment (González-Jiménez et al., PRC 90, 035501 (2014)), every longitudinal-type
/// channel, vector and axial, takes the longitudinal function and every transverse one the
/// transverse function. The learned f_L is the less constrained of the two (carbon's data hold one
/// backward-angle spectrum), so the default gives it no more channels than the electron's own;
/// docs/neutrino.md measures both.
public enum AxialLongitudinalScaling: String, CaseIterable, Sendable {
    case longitudinal, transverse
}

/// Superscaling (Donnelly and Sick, PRC 60, 065502 (1999); Amaro et al., PRC 71, 015501 (2005)):
/// a nuclear response divided by what a single nucleon would give is a function of one scaling
/// variable, common to nuclei and to the probe. xsnet writes it for every response channel K as
///
///     W_K(q, ω) = Λ(q) · f_X(q, ω) · Σ_nucleons U_K(q, ω),     Λ = T_F / (2 k_F³ |q|),
///
/// where U_K is the spin-averaged tensor ½Tr[…] of the nucleon that absorbs (ω̃ = ω − E_s, q) with
/// the least energy (momentum y along q, the y-scaling variable; no transverse Fermi motion), and
/// f_X the reduced (scaling) function: X = L for the longitudinal-type channels W⁰⁰, W⁰³, W³³ of
/// the vector current, X = T for the transverse channels W_T and W_T′ and, by default, for the axial
/// current's longitudinal-type ones too (`AxialLongitudinalScaling`). In the relativistic Fermi
/// gas, f is exactly ¾ (E_F − E_low)/T_F with E_low = max(√(M² + y²), E_F − ω̃) (Pauli blocking),
/// which is ¾(1 − ψ²) above the blocking region, normalized to ∫f dψ = 1; Λ is what makes f so.
///
/// The electron model's learned R_L and R_T give f_L = R_L/(Λ ΣU_L) and f_T = R_T/(Λ ΣU_T); the
/// same f_L and f_T times the weak single-nucleon tensors give the neutrino's five responses.
public struct Superscaling: Sendable {
    public let nucleus: Nucleus
    public let fermiGas: FermiGasParameters
    public let nucleonMass: Double
    /// Which reduced function the axial current's longitudinal-type channels take.
    public let axialLongitudinal: AxialLongitudinalScaling

    public init(
        nucleus: Nucleus, fermiGas: FermiGasParameters? = nil, nucleonMass: Double = PhysicalConstants.nucleonMass,
        axialLongitudinal: AxialLongitudinalScaling = .transverse
    ) {
        self.nucleus = nucleus
        self.fermiGas = fermiGas ?? FermiGasParameters(massNumber: nucleus.A)
        self.nucleonMass = nucleonMass
        self.axialLongitudinal = axialLongitudinal
    }

    /// The scaling nucleon of (q, ω): its momentum y along q (GeV) and ω̃ = ω − E_s; nil where no
    /// on-shell nucleon absorbs (q, ω̃) (time-like transfer).
    public func scalingMomentum(q: Double, omega: Double) -> (y: Double, shifted: Double)? {
        let w = omega - fermiGas.energyShift
        let Q2 = q * q - w * w
        guard Q2 > 0, q > 0 else { return nil }
        let M = nucleonMass
        let y = 0.5 * w * (1 + 4 * M * M / Q2).squareRoot() - 0.5 * q
        return (y, w)
    }

    /// The relativistic Fermi gas' reduced function with Pauli blocking (see the type's comment).
    public func fermiGasReducedFunction(q: Double, omega: Double) -> Double {
        guard let (y, w) = scalingMomentum(q: q, omega: omega) else { return 0 }
        let M = nucleonMass, kF = fermiGas.fermiMomentum
        let EF = (M * M + kF * kF).squareRoot(), TF = EF - M
        let lowest = max((M * M + y * y).squareRoot(), EF - w)
        return max(0, 0.75 * (EF - lowest) / TF)
    }

    /// Λ(q) = T_F/(2 k_F³ |q|) (GeV⁻³).
    public func normalization(q: Double) -> Double {
        let M = nucleonMass, kF = fermiGas.fermiMomentum
        let TF = (M * M + kF * kF).squareRoot() - M
        return TF / (2 * kF * kF * kF * q)
    }

    /// The nucleons a probe's current acts on: neutrons for ν_μ, protons for ν̄_μ, all for electrons.
    public func targetNucleons(_ probe: LeptonProbe) -> Int {
        switch probe {
        case .numu: nucleus.A - nucleus.Z
        case .numubar: nucleus.Z
        case .electron: nucleus.A
        }
    }

    /// The single-nucleon factors of a current at (q, ω), summed over the nucleons it acts on:
    /// the vector part (`vector`, with W⁰³ and W³³ from current conservation, see `tensor`) and the
    /// axial part (`axial`, including the V–A interference in W_T′). nil where `scalingMomentum` is.
    public func singleNucleonFactors(current: NuclearCurrent, q: Double, omega: Double) -> (vector: HadronTensor, axial: HadronTensor)? {
        guard let (y, w) = scalingMomentum(q: q, omega: omega) else { return nil }
        let M = nucleonMass
        let p = FourVector((M * M + y * y).squareRoot(), 0, 0, y)
        let transfer = FourVector(w, 0, 0, q)
        let Q2 = q * q - w * w
        func averaged(_ ff: NucleonFormFactors) -> HadronTensor {
            HadronTensor(averaging: NucleonTensor.tensor(initial: p, transfer: transfer, formFactors: ff, mass: M))
        }
        switch current {
        case .electromagnetic:
            let Z = Double(nucleus.Z), N = Double(nucleus.A - nucleus.Z)
            let proton = averaged(NucleonFormFactors.electromagnetic(proton: true, Q2: Q2, mass: M))
            let neutron = averaged(NucleonFormFactors.electromagnetic(proton: false, Q2: Q2, mass: M))
            return (Z * proton + N * neutron, HadronTensor())
        case .chargedCurrent(let probe, let MA):
            let count = Double(targetNucleons(probe))
            let ff = NucleonFormFactors.chargedCurrent(Q2: Q2, axialMass: MA, mass: M)
            let vector = averaged(ff.vectorOnly)
            let full = averaged(ff)
            return (count * vector, count * (full - vector))
        }
    }

    /// The nuclear tensor at (q, ω) from the reduced functions f_L and f_T:
    ///
    ///     W⁰⁰ = Λ (f_L U⁰⁰_V + f_T U⁰⁰_A),  W⁰³ = Λ (f_L (ω/q) U⁰⁰_V + f_T U⁰³_A),
    ///     W³³ = Λ (f_L (ω/q)² U⁰⁰_V + f_T U³³_A),  W_T = Λ f_T (U_T,V + U_T,A),  W_T′ = Λ f_T U_T′,
    ///
    /// (f_L in place of f_T in the axial U⁰⁰_A, U⁰³_A, U³³_A with `axialLongitudinal` = .longitudinal),
    /// the vector W⁰³ and W³³ following from current conservation q_μW^{μν} = 0 at the physical ω
    /// (the single-nucleon tensor conserves the current at the shifted ω̃).
    public func tensor(current: NuclearCurrent, q: Double, omega: Double, longitudinal fL: Double, transverse fT: Double) -> HadronTensor {
        guard let (vector, axial) = singleNucleonFactors(current: current, q: q, omega: omega) else { return HadronTensor() }
        return assemble(vector: vector, axial: axial, q: q, omega: omega, longitudinal: fL, transverse: fT)
    }

    /// The formula of `tensor` from single-nucleon factors already at hand (a grid's, interpolated).
    /// `fA` (default f_T) replaces f_T in the axial channels, and √(f_T f_A) multiplies the
    /// vector–axial interference W_T′ (a transverse enhancement of the vector current alone scales
    /// its magnetic form factor by √(f_T/f_A): Bodek, Budd and Christy, EPJ C 71, 1726 (2011)).
    public func assemble(
        vector: HadronTensor, axial: HadronTensor, q: Double, omega: Double, longitudinal fL: Double, transverse fT: Double, axial fA: Double? = nil
    ) -> HadronTensor {
        let lambda = normalization(q: q), r = omega / q
        let fA = fA ?? fT
        let fAL = axialLongitudinal == .longitudinal ? fL : fA
        return lambda
            * HadronTensor(
                w00: fL * vector.w00 + fAL * axial.w00, w03: fL * r * vector.w00 + fAL * axial.w03,
                w33: fL * r * r * vector.w00 + fAL * axial.w33, transverse: fT * vector.transverse + fA * axial.transverse,
                transverseAxial: (fT * fA).squareRoot() * axial.transverseAxial)
    }

    /// What electromagnetic responses are divided by to give the reduced functions at (q, ω):
    /// Λ ΣU⁰⁰ and Λ ΣU_T of the electromagnetic current; nil where they vanish or do not exist.
    public func electromagneticDivisors(q: Double, omega: Double) -> (L: Double, T: Double)? {
        guard let (vector, _) = singleNucleonFactors(current: .electromagnetic, q: q, omega: omega), vector.w00 > 0, vector.transverse > 0
        else { return nil }
        let lambda = normalization(q: q)
        return (lambda * vector.w00, lambda * vector.transverse)
    }

    /// The reduced functions (f_L, f_T) of electromagnetic responses R_L, R_T (GeV⁻¹) at (q, ω);
    /// nil where the single-nucleon factors vanish or do not exist.
    public func reducedFunctions(q: Double, omega: Double, longitudinal RL: Double, transverse RT: Double) -> (L: Double, T: Double)? {
        electromagneticDivisors(q: q, omega: omega).map { (RL / $0.L, RT / $0.T) }
    }
}
