import Foundation

/// The kinematic region the training data cover; predictions outside it are flagged.
public struct KinematicDomain: Codable, Hashable, Sendable {
    public var energy: ClosedRange<Double>
    public var angle: ClosedRange<Double>
    public var Q2: ClosedRange<Double>
    public var energyTransferFraction: ClosedRange<Double>

    public init(points: [Kinematics]) {
        func range(_ f: (Kinematics) -> Double) -> ClosedRange<Double> {
            let v = points.map(f)
            return (v.min() ?? 0)...(v.max() ?? 0)
        }
        energy = range(\.beamEnergy)
        angle = range(\.angleDegrees)
        Q2 = range(\.Q2)
        energyTransferFraction = range { $0.energyTransfer / $0.beamEnergy }
    }

    /// The eight bounds, lower and upper of E, θ, Q² and ω/E (what a model file's check reads).
    public var bounds: [Double] {
        [energy, angle, Q2, energyTransferFraction].flatMap { [$0.lowerBound, $0.upperBound] }
    }

    /// Whether some electron kinematics inside the box transfers momentum |q| = `q` and energy `ω`
    /// (GeV): whether the responses R_L, R_T(q, ω) lie within what the training data span (what a
    /// neutrino prediction reads them at). Q² = q² − ω² is fixed; of the beam energies in the box,
    /// those with ω/E in its range and with the angle θ(E), sin²(θ/2) = Q²/(4E(E − ω)), in its range
    /// form one interval (θ falls as E grows), which must not be empty.
    public func covers(momentumTransfer q: Double, energyTransfer ω: Double) -> Bool {
        let Q2 = q * q - ω * ω
        guard ω > 0, Q2 > 0, self.Q2.contains(Q2), energyTransferFraction.lowerBound > 0 else { return false }
        // E(E − ω) = Q²/(4 sin²(θ/2)) grows with E: the beam energy at which the angle is θ.
        func beamEnergy(atAngle θ: Double) -> Double {
            let s = sin(θ * .pi / 360)
            return s > 0 ? (ω + (ω * ω + Q2 / (s * s)).squareRoot()) / 2 : .infinity
        }
        let lowest = max(energy.lowerBound, ω / energyTransferFraction.upperBound, beamEnergy(atAngle: angle.upperBound))
        let highest = min(energy.upperBound, ω / energyTransferFraction.lowerBound, beamEnergy(atAngle: angle.lowerBound))
        return lowest <= highest * (1 + 1e-12)  // a corner of the box is inside it, rounding aside
    }

    /// Whether a point lies outside the box the training data span in E, θ, Q² and ω/E.
    public func isExtrapolation(_ k: Kinematics) -> Bool {
        !(energy.contains(k.beamEnergy) && angle.contains(k.angleDegrees) && Q2.contains(k.Q2)
            && energyTransferFraction.contains(k.energyTransfer / k.beamEnergy))
    }
}
