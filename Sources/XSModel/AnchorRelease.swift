import Foundation
import XSData

/// Where an update's anchor lets go: near the new data in (q, ω), where the responses the new data
/// measure are the ones the old points there depend on (one-photon exchange: σ = σ_Mott [v_L R_L(q, ω)
/// + v_T R_T(q, ω)]). An old point at relative distance d = √(Δq² + Δω²)/q from the nearest new
/// point keeps the share 1 − exp(−d²/2ℓ²) of its anchor: none on top of the new data, nearly all of
/// it a few ℓ away. Which new points count depends on what the network can tell apart: a network
/// told the nucleus (`FeatureSet.describesNucleus`) can change one nucleus alone, so only the new
/// points of the old point's own nucleus count and other nuclei keep their whole anchor; a network
/// of kinematics alone describes every nucleus with one correction (to the fit's responses), so new
/// points of any nucleus count.
public struct AnchorRelease: Sendable {
    /// ℓ, the relative distance in (q, ω) over which the anchor returns.
    public var radius: Double
    /// Whether new points of every nucleus release an old point (a network that does not see the nucleus).
    public var acrossNuclei: Bool
    /// (q, ω) of each new point in GeV, by nucleus.
    public var newPoints: [Nucleus: [(q: Double, omega: Double)]]

    public init(radius: Double, near points: [ScatteringPoint], acrossNuclei: Bool = false) {
        precondition(radius > 0 && radius.isFinite, "the anchor's release radius must be positive")
        self.radius = radius
        self.acrossNuclei = acrossNuclei
        newPoints = Dictionary(grouping: points, by: \.nucleus).mapValues { $0.map { ($0.kinematics.momentumTransfer, $0.energyTransfer) } }
    }

    /// The share of its anchor an old point keeps, in [0, 1].
    public func heldShare(_ point: ScatteringPoint) -> Double {
        let groups = acrossNuclei ? Array(newPoints.values) : newPoints[point.nucleus].map { [$0] } ?? []
        guard !groups.isEmpty else { return 1 }
        let q = point.kinematics.momentumTransfer, omega = point.energyTransfer
        var nearest = Double.infinity
        for group in groups {
            for p in group {
                let dq = p.q - q, dw = p.omega - omega
                nearest = min(nearest, dq * dq + dw * dw)
            }
        }
        let d2 = nearest / (q * q)
        return 1 - exp(-d2 / (2 * radius * radius))
    }
}
