import Foundation
import XSData
import XSModel

/// The reduced functions f_L(q, ω) and f_T(q, ω) of one nucleus on a regular (|q|, ω) grid, one
/// pair per member of the electron model (or one for the Fermi gas), with the single-nucleon
/// factors of the neutrino current beside them, so that a flux average over hundreds of thousands
/// of (E_ν, T_μ, cos θ_μ) points interpolates instead of re-evaluating networks and traces.
/// Bilinear interpolation; zero outside the grid and at time-like nodes (ω ≥ |q|).
public struct ReducedFunctionGrid: Sendable {
    public let momentumStep: Double
    public let energyStep: Double
    public let momentumCount: Int
    public let energyCount: Int
    /// [member][node] with node = iq · energyCount + iω.
    public let longitudinal: [[Double]]
    public let transverse: [[Double]]

    public var members: Int { longitudinal.count }

    /// Where the reduced functions come from.
    public enum Source {
        /// The relativistic Fermi gas (`Superscaling.fermiGasReducedFunction`), one member.
        case fermiGas
        /// A response-head electron model: f = (R − R_π)/(Λ ΣU) per member, R_π the Bosted–Mamyan
        /// fit's pion-production responses when `removingPionProduction` (charged-current
        /// quasielastic-like: meson exchange stays in), floored at zero.
        case electronModel(CrossSectionModel, removingPionProduction: Bool)
    }

    public init(source: Source, scaling: Superscaling, maximumMomentum: Double = 3, maximumEnergyTransfer: Double = 3, step: Double = 0.01)
        throws
    {
        momentumStep = step
        energyStep = step / 2
        momentumCount = Int((maximumMomentum / momentumStep).rounded()) + 1
        energyCount = Int((maximumEnergyTransfer / energyStep).rounded()) + 1
        var nodes: [(index: Int, q: Double, omega: Double)] = []
        for iq in 1..<momentumCount {
            for iw in 1..<energyCount {
                let q = Double(iq) * momentumStep, w = Double(iw) * energyStep
                if w < q { nodes.append((iq * energyCount + iw, q, w)) }
            }
        }
        let size = momentumCount * energyCount
        switch source {
        case .fermiGas:
            var f = [Double](repeating: 0, count: size)
            for n in nodes { f[n.index] = scaling.fermiGasReducedFunction(q: n.q, omega: n.omega) }
            longitudinal = [f]
            transverse = [f]
        case .electronModel(let model, let removingPionProduction):
            // An electron kinematics with the node's (|q|, ω): E = |q| + ω, E′ = |q|.
            let points = nodes.map { n -> Kinematics in
                let E = n.q + n.omega, Ep = n.q
                let c = min(1, (E * E + Ep * Ep - n.q * n.q) / (2 * E * Ep))
                return Kinematics(beamEnergy: E, angleDegrees: acos(c) * 180 / .pi, energyTransfer: n.omega)
            }
            let members = try model.memberResponses(points)
            let reference = BostedMamyan()
            let pion: [(longitudinal: Double, transverse: Double)] = points.map {
                removingPionProduction ? (reference.pionProductionResponses($0, nucleus: scaling.nucleus) ?? (0, 0)) : (0, 0)
            }
            let divisors = nodes.map { n -> (L: Double, T: Double)? in
                guard let (v, _) = scaling.singleNucleonFactors(current: .electromagnetic, q: n.q, omega: n.omega), v.w00 > 0, v.transverse > 0
                else { return nil }
                let lambda = scaling.normalization(q: n.q)
                return (lambda * v.w00, lambda * v.transverse)
            }
            var fL: [[Double]] = [], fT: [[Double]] = []
            for responses in members {
                var l = [Double](repeating: 0, count: size), t = l
                for (i, n) in nodes.enumerated() {
                    guard let d = divisors[i] else { continue }
                    l[n.index] = max(0, responses[i].longitudinal - pion[i].longitudinal) / d.L
                    t[n.index] = max(0, responses[i].transverse - pion[i].transverse) / d.T
                }
                fL.append(l)
                fT.append(t)
            }
            longitudinal = fL
            transverse = fT
        }
    }

    /// (f_L, f_T) of member m at (q, ω) by bilinear interpolation.
    public func value(member m: Int, q: Double, omega: Double) -> (L: Double, T: Double) {
        let x = q / momentumStep, y = omega / energyStep
        guard x >= 0, y >= 0, x < Double(momentumCount - 1), y < Double(energyCount - 1) else { return (0, 0) }
        let i = Int(x), j = Int(y)
        let a = x - Double(i), b = y - Double(j)
        let n00 = i * energyCount + j, n10 = n00 + energyCount
        func interpolate(_ f: [Double]) -> Double {
            (1 - a) * ((1 - b) * f[n00] + b * f[n00 + 1]) + a * ((1 - b) * f[n10] + b * f[n10 + 1])
        }
        return (interpolate(longitudinal[m]), interpolate(transverse[m]))
    }
}
