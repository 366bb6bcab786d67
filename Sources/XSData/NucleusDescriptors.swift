import Foundation

/// What an any-target model is told about a nucleus: its size, its isospin asymmetry, the
/// Fermi-gas parameters of the superscaling analyses, and its charge radius. The network sees
/// them as inputs beside the kinematics, so one network holds every nucleus and interpolates
/// between them (⁴⁰Ar between ²⁷Al, ⁴⁰Ca and ⁵⁶Fe).
public struct NucleusDescriptors: Codable, Hashable, Sendable {
    public var Z: Int
    public var A: Int
    /// k_F and E_s (GeV) of `FermiGasParameters(massNumber:)`.
    public var fermiGas: FermiGasParameters
    /// Root-mean-square charge radius in fm (`NucleusDescriptors.chargeRadius(of:)`).
    public var chargeRadius: Double

    public init(_ nucleus: Nucleus) {
        Z = nucleus.Z
        A = nucleus.A
        fermiGas = FermiGasParameters(massNumber: nucleus.A)
        chargeRadius = Self.chargeRadius(of: nucleus)
    }

    public var nucleus: Nucleus { Nucleus(Z: Z, A: A) }

    /// The inputs: log A, (N − Z)/A, k_F (GeV), E_s (GeV), r_ch (fm).
    public var features: [Double] {
        [log(Double(A)), Double(A - 2 * Z) / Double(A), fermiGas.fermiMomentum, fermiGas.energyShift, chargeRadius]
    }

    public static let featureCount = 5

    /// Measured rms charge radii (fm) of the nuclei in the archive and of the neutrino targets
    /// argon and titanium: I. Angeli and K. P. Marinova, At. Data Nucl. Data Tables 99, 69 (2013).
    public static let measuredChargeRadii: [Nucleus: Double] = [
        Nucleus(Z: 1, A: 2): 2.1421, Nucleus(Z: 1, A: 3): 1.7591, Nucleus(Z: 2, A: 3): 1.9661, Nucleus(Z: 2, A: 4): 1.6755,
        Nucleus(Z: 3, A: 6): 2.5890, Nucleus(Z: 6, A: 12): 2.4702, Nucleus(Z: 8, A: 16): 2.6991, Nucleus(Z: 13, A: 27): 3.0610,
        Nucleus(Z: 18, A: 40): 3.4274, Nucleus(Z: 20, A: 40): 3.4776, Nucleus(Z: 20, A: 48): 3.4771, Nucleus(Z: 22, A: 48): 3.5921,
        Nucleus(Z: 26, A: 56): 3.7377, Nucleus(Z: 79, A: 197): 5.4371, Nucleus(Z: 82, A: 208): 5.5012, Nucleus(Z: 92, A: 238): 5.8571
    ]

    /// The table's radius, or for a nucleus outside it the rms radius of the uniformly charged
    /// sphere the Coulomb correction uses, √(3/5) · 1.2 A^{1/3} fm.
    public static func chargeRadius(of nucleus: Nucleus) -> Double {
        measuredChargeRadii[nucleus] ?? (3.0 / 5.0).squareRoot() * 1.2 * pow(Double(nucleus.A), 1.0 / 3.0)
    }
}
