import Foundation

/// Physical constants used by the kinematics (PDG 2024).
public enum PhysicalConstants {
    /// Fine-structure constant as the reference network uses it (Kowal et al. 2024): 1/137.
    public static let alphaReference = 1.0 / 137.0
    /// Fine-structure constant, CODATA 2018.
    public static let alpha = 1.0 / 137.035_999_084
    /// Average nucleon mass (m_p + m_n)/2 in GeV.
    public static let nucleonMass = 0.938_918_754
    /// (ħc)² in GeV² nb: converts GeV⁻² to nb (0.389 379 372 mb GeV² = 389 379.372 nb GeV²).
    public static let hbarC2 = 389_379.372
}

/// Inclusive electron-scattering kinematics at one point: beam energy E (GeV), scattering
/// angle θ (degrees), energy transfer ω (GeV). The electron mass is neglected (E ≫ mₑ).
public struct Kinematics: Hashable, Sendable {
    public let beamEnergy: Double
    public let angleDegrees: Double
    public let energyTransfer: Double

    public init(beamEnergy: Double, angleDegrees: Double, energyTransfer: Double) {
        self.beamEnergy = beamEnergy
        self.angleDegrees = angleDegrees
        self.energyTransfer = energyTransfer
    }

    /// Why a point is not physical, or nil when it is: E > 0, 0 < ω < E, 0° < θ < 180°, all finite.
    public static func unphysicalReason(beamEnergy E: Double, angleDegrees θ: Double, energyTransfer ω: Double) -> String? {
        if !E.isFinite || !θ.isFinite || !ω.isFinite { return "non-finite value (E=\(E), θ=\(θ), ω=\(ω))" }
        if E <= 0 { return "beam energy E=\(E) GeV must be > 0" }
        if θ <= 0 || θ >= 180 { return "angle θ=\(θ)° must lie in (0°, 180°)" }
        if ω <= 0 { return "energy transfer ω=\(ω) GeV must be > 0" }
        if ω >= E { return "energy transfer ω=\(ω) GeV must be below the beam energy E=\(E) GeV" }
        // Finite inputs can still overflow the Mott-like scale (E = 1e308) or underflow sin⁴(θ/2)
        // (θ = 1e-320°): no cross section can be computed there in double precision.
        let S = crossSectionScale(beamEnergy: E, angleDegrees: θ)
        let Q2 = Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω).Q2
        if !(S.isFinite && S > 0 && Q2.isFinite) {
            return "E=\(E) GeV, θ=\(θ)° are beyond double precision (S(E, θ) = \(S), Q² = \(Q2))"
        }
        return nil
    }

    public var angleRadians: Double { angleDegrees * .pi / 180 }
    public var cosTheta: Double { cos(angleRadians) }
    /// Scattered-electron energy E′ = E − ω.
    public var scatteredEnergy: Double { beamEnergy - energyTransfer }
    /// Four-momentum transfer Q² = 2 E E′ (1 − cos θ) in GeV².
    public var Q2: Double { 2 * beamEnergy * scatteredEnergy * (1 - cosTheta) }
    /// Three-momentum transfer |q| = √(Q² + ω²) in GeV.
    public var momentumTransfer: Double { (Q2 + energyTransfer * energyTransfer).squareRoot() }
    /// Invariant mass squared of the hadronic system on a free nucleon, W² = M² + 2Mω − Q² (GeV²).
    public var W2: Double {
        let M = PhysicalConstants.nucleonMass
        return M * M + 2 * M * energyTransfer - Q2
    }
    /// W = √W² (GeV), or 0 where W² < 0 (below the free-nucleon threshold).
    public var W: Double { max(W2, 0).squareRoot() }
    /// Bjorken x = Q² / (2Mω) for a free nucleon.
    public var bjorkenX: Double { Q2 / (2 * PhysicalConstants.nucleonMass * energyTransfer) }

    /// The Mott cross section (point-like spin-0 target, no recoil) in nb/sr:
    /// σ_Mott = (ħc)² α² cos²(θ/2) / (4 E² sin⁴(θ/2)).
    public var mottCrossSection: Double {
        let half = angleRadians / 2
        let c = cos(half), s = sin(half)
        let a = PhysicalConstants.alpha
        return PhysicalConstants.hbarC2 * a * a * c * c / (4 * beamEnergy * beamEnergy * s * s * s * s)
    }

    /// The reference network's output scale (Kowal et al., PRC 110, 025501 (2024), and NuWro's
    /// DNN mode): S(E, θ) = 10⁹ α² cos²(θ/2) / (4E² sin⁴(θ/2)) / (E cos(θ/2)), α = 1/137,
    /// so that d²σ/dΩdω [nb/sr/GeV] = S · f with the network output f.
    public var crossSectionScale: Double { Self.crossSectionScale(beamEnergy: beamEnergy, angleDegrees: angleDegrees) }

    public static func crossSectionScale(beamEnergy E: Double, angleDegrees θ: Double) -> Double {
        let half = θ * .pi / 360
        let c = cos(half), s = sin(half)
        let a = PhysicalConstants.alphaReference
        return 1e9 * a * a * c * c / (4 * E * E * s * s * s * s) / (E * c)
    }
}

/// Conversions between the two common forms of the double-differential cross section.
public enum CrossSectionForm: String, CaseIterable, Sendable {
    /// d²σ/dΩdω in nb/sr/GeV: what the archive and xsnet store.
    case perSolidAngle = "dOmega"
    /// d²σ/dcosθdω in nb/GeV = 2π d²σ/dΩdω (azimuthal symmetry).
    case perCosTheta = "dcostheta"

    /// Converts a value given per solid angle into this form.
    public func fromPerSolidAngle(_ value: Double) -> Double {
        switch self {
        case .perSolidAngle: value
        case .perCosTheta: 2 * .pi * value
        }
    }

    public var unit: String {
        switch self {
        case .perSolidAngle: "nb/sr/GeV"
        case .perCosTheta: "nb/GeV"
        }
    }
}
