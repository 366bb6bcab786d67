import Foundation
import XSData

/// Where an update's anchor lets go: near the new data in (q, ω) of the same nucleus, where the
/// responses the new data measure are the ones the old points there depend on (one-photon
/// exchange: σ = σ_Mott [v_L R_L(q, ω) + v_T R_T(q, ω)]). An old point at relative distance
/// d = √(Δq² + Δω²)/q from the nearest new point of its nucleus keeps the share 1 − exp(−d²/2ℓ²)
/// of its anchor: none on top of the new data, nearly all of it a few ℓ away, all of it on a
/// nucleus the new data do not measure (an any-target model updated with one nucleus holds the others).
public struct AnchorRelease: Sendable {
    /// ℓ, the relative distance in (q, ω) over which the anchor returns.
    public var radius: Double
    /// (q, ω) of each new point in GeV, by nucleus.
    public var newPoints: [Nucleus: [(q: Double, omega: Double)]]

    public init(radius: Double, near points: [ScatteringPoint]) {
        precondition(radius > 0 && radius.isFinite, "the anchor's release radius must be positive")
        self.radius = radius
        newPoints = Dictionary(grouping: points, by: \.nucleus).mapValues { $0.map { ($0.kinematics.momentumTransfer, $0.energyTransfer) } }
    }

    /// The share of its anchor an old point keeps, in [0, 1].
    public func heldShare(_ point: ScatteringPoint) -> Double {
        guard let near = newPoints[point.nucleus] else { return 1 }
        let q = point.kinematics.momentumTransfer, omega = point.energyTransfer
        var nearest = Double.infinity
        for p in near {
            let dq = p.q - q, dw = p.omega - omega
            nearest = min(nearest, dq * dq + dw * dw)
        }
        let d2 = nearest / (q * q)
        return 1 - exp(-d2 / (2 * radius * radius))
    }
}
