import Foundation

/// Coulomb distortion of the electron waves by the nucleus' charge in the effective momentum
/// approximation (EMA; Aste, von Arx and Trautmann, Eur. Phys. J. A 26, 167 (2005)): the electron
/// is accelerated by the potential energy V_eff on its way in and out, so the Born cross section is
/// evaluated at E + V_eff and E′ + V_eff (ω unchanged, θ unchanged), and the incoming wave is
/// focused onto the nucleus by (E_eff/E)²:
///
///     σ(E, θ, ω) = (E_eff/E)² σ_Born(E_eff, θ, ω),   E_eff = E + V_eff.
///
/// V_eff is a documented fraction of the electrostatic potential energy at the centre of a
/// uniformly charged sphere, V(0) = 3αZħc/(2R), R = 1.2 A^{1/3} fm: V_eff = 0.8 V(0), the value
/// Aste et al. recommend for quasielastic kinematics (the potential averaged over where the
/// electron scatters rather than taken at the centre). V(0) and V_eff: ¹²C 4.7 and 3.8 MeV, ⁴⁰Ca
/// 10.5 and 8.4, ⁵⁶Fe 12.2 and 9.8, ¹⁹⁷Au 24.4 and 19.6, ²⁰⁸Pb 24.9 and 19.9 MeV.
public struct CoulombDistortion: Sendable {
    public let nucleus: Nucleus

    /// The fraction of V(0) taken as the effective potential.
    public static let effectiveFraction = 0.8
    /// αħc in MeV fm.
    static let alphaHbarC = PhysicalConstants.alpha * 197.326_980_4

    public init(nucleus: Nucleus) { self.nucleus = nucleus }

    /// The sphere's radius 1.2 A^{1/3} fm.
    public var radius: Double { 1.2 * pow(Double(nucleus.A), 1.0 / 3.0) }

    /// V(0) = 3αZħc/(2R) in GeV.
    public var centralPotential: Double { 3 * Self.alphaHbarC * Double(nucleus.Z) / (2 * radius) / 1000 }

    /// V_eff = 0.8 V(0) in GeV.
    public var effectivePotential: Double { Self.effectiveFraction * centralPotential }

    /// The kinematics at which the Born cross section is evaluated, and the focusing factor.
    public func effective(_ k: Kinematics) -> (kinematics: Kinematics, focusing: Double) {
        let E = k.beamEnergy + effectivePotential
        let ratio = E / k.beamEnergy
        return (Kinematics(beamEnergy: E, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer), ratio * ratio)
    }

    /// σ with Coulomb distortion from a Born cross section (nil where `born` is).
    public func crossSection(_ k: Kinematics, born: (Kinematics) -> Double?) -> Double? {
        let (kinematics, focusing) = effective(k)
        return born(kinematics).map { focusing * $0 }
    }
}
