import Foundation

/// The relativistic-Fermi-gas parameters of a nucleus that define the scaling variable ψ′:
/// Fermi momentum k_F and energy shift E_s (GeV).
///
/// Values: Maieron, Donnelly and Sick, PRC 65, 025502 (2002) (nucl-th/0109032), as tabulated by
/// mass number in the Bosted–Mamyan fit (F1F209, before its 2009 retune of E_s), so that ψ′ here
/// is the variable of the superscaling analyses: carbon k_F = 0.228 GeV, E_s = 20 MeV.
public struct FermiGasParameters: Codable, Hashable, Sendable {
    public var fermiMomentum: Double
    public var energyShift: Double

    public init(fermiMomentum: Double, energyShift: Double) {
        self.fermiMomentum = fermiMomentum
        self.energyShift = energyShift
    }

    /// The table's entry for mass number A (A ≥ 2).
    public init(massNumber A: Int) {
        switch A {
        case ...2: self.init(fermiMomentum: 0.085, energyShift: 0.0022)
        case 3: self.init(fermiMomentum: 0.115, energyShift: 0.001)
        case 4...7: self.init(fermiMomentum: 0.190, energyShift: 0.017)
        case 8...16: self.init(fermiMomentum: 0.228, energyShift: 0.020)
        case 17...25: self.init(fermiMomentum: 0.230, energyShift: 0.025)
        case 26...38: self.init(fermiMomentum: 0.236, energyShift: 0.018)
        case 39...55: self.init(fermiMomentum: 0.241, energyShift: 0.028)
        case 56...60: self.init(fermiMomentum: 0.241, energyShift: 0.023)
        default: self.init(fermiMomentum: 0.245, energyShift: 0.028)
        }
    }
}

/// One-photon exchange: the inclusive cross section as two response functions of (q, ω)
/// weighted by known functions of the electron kinematics (de Forest and Walecka 1966; e.g.
/// Donnelly and Sick, PRC 60, 065502 (1999)):
///
///     d²σ/dΩdω = σ_Mott(E, θ) [ v_L R_L(q, ω) + v_T R_T(q, ω) ],
///     v_L = (Q²/q²)²,   v_T = Q²/(2q²) + tan²(θ/2),
///
/// with σ_Mott in nb/sr and R_L, R_T in GeV⁻¹ (per nucleus). The nuclear physics is in R_L and
/// R_T; the angle at fixed (q, ω) enters only through v_L and v_T.
extension Kinematics {
    /// The longitudinal factor v_L = (Q²/q²)².
    public var longitudinalFactor: Double {
        let r = Q2 / (Q2 + energyTransfer * energyTransfer)
        return r * r
    }

    /// The transverse factor v_T = Q²/(2q²) + tan²(θ/2).
    public var transverseFactor: Double {
        let half = angleRadians / 2
        let t = tan(half)
        return Q2 / (2 * (Q2 + energyTransfer * energyTransfer)) + t * t
    }

    /// d²σ/dΩdω (nb/sr/GeV) from the two responses (GeV⁻¹): σ_Mott (v_L R_L + v_T R_T), and
    /// nothing else (zero responses give zero).
    public func crossSection(longitudinalResponse RL: Double, transverseResponse RT: Double) -> Double {
        mottCrossSection * (longitudinalFactor * RL + transverseFactor * RT)
    }

    /// The relativistic-Fermi-gas scaling variable with the energy shift (Maieron, Donnelly and
    /// Sick 2002, Eq. 5): with λ′ = (ω − E_s)/2M, κ = q/2M, τ′ = κ² − λ′², ξ_F = √(1 + (k_F/M)²) − 1,
    ///
    ///     ψ′ = (λ′ − τ′) / √( ξ_F [ (1 + λ′) τ′ + κ √(τ′(1 + τ′)) ] ),
    ///
    /// negative below the quasielastic peak, 0 at it, ±1 at the edges of the Fermi-gas response.
    /// τ′ is kept ≥ 10⁻¹² where the shift makes |λ′| > κ (ω < E_s at very low q).
    public func psiPrime(_ gas: FermiGasParameters) -> Double {
        let M = PhysicalConstants.nucleonMass
        let q = momentumTransfer
        let kappa = q / (2 * M)
        let lambda = (energyTransfer - gas.energyShift) / (2 * M)
        let tau = max(kappa * kappa - lambda * lambda, 1e-12)
        let eta = gas.fermiMomentum / M
        return Self.scalingVariable(kappa: kappa, lambda: lambda, tau: tau, xiF: (1 + eta * eta).squareRoot() - 1)
    }

    /// ψ of the relativistic Fermi gas from κ = q/2M, λ = ω/2M, τ = κ² − λ² and ξ_F (Alberico et
    /// al., PRC 38, 1801 (1988)): (λ − τ)/√(ξ_F [(1 + λ)τ + κ√(τ(1 + τ))]). With the shifted λ′ and
    /// τ′ it is ψ′.
    public static func scalingVariable(kappa: Double, lambda: Double, tau: Double, xiF: Double) -> Double {
        (lambda - tau) / (xiF * ((1 + lambda) * tau + kappa * (tau * (1 + tau)).squareRoot())).squareRoot()
    }
}
