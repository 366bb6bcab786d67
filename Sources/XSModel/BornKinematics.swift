import Foundation
import XSData

/// Where a model's networks are asked for a point, and what multiplies their answer.
///
/// A model trained with Coulomb distortion (`TrainingConfig.coulombDistortion`) describes the Born
/// cross section: the point (E, θ, ω) of nucleus Z, A is predicted as
///
///     σ(E, θ, ω) = (E_eff/E)² σ_Born(E_eff, θ, ω),   E_eff = E + V_eff(Z, A)
///
/// (`CoulombDistortion`, the effective momentum approximation), so the features, the response
/// factors, the Bosted–Mamyan prior and S(E, θ) are all taken at E_eff, and log σ gains
/// log (E_eff/E)². Without it the point is used as given and the factor is 1. The response
/// functions a model reports are those of the asked (q, ω): they are Born quantities either way.
public struct BornKinematics: Sendable {
    /// The kinematics the networks see.
    public var kinematics: Kinematics
    /// log of the focusing factor (E_eff/E)²; 0 without Coulomb distortion.
    public var logFocusing: Double

    public init(_ k: Kinematics, nucleus: Nucleus?, coulombDistortion: Bool) {
        guard coulombDistortion, let nucleus else {
            self.kinematics = k
            self.logFocusing = 0
            return
        }
        let (effective, focusing) = CoulombDistortion(nucleus: nucleus).effective(k)
        self.kinematics = effective
        self.logFocusing = log(focusing)
    }

    /// The points of one nucleus, and their focusing logs.
    public static func of(_ points: [Kinematics], nucleus: Nucleus?, coulombDistortion: Bool) -> (kinematics: [Kinematics], logFocusing: [Double]) {
        guard coulombDistortion, nucleus != nil else { return (points, [Double](repeating: 0, count: points.count)) }
        let born = points.map { BornKinematics($0, nucleus: nucleus, coulombDistortion: true) }
        return (born.map(\.kinematics), born.map(\.logFocusing))
    }
}
