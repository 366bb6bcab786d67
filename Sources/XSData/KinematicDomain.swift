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

    /// Whether a point lies outside the box the training data span in E, θ, Q² and ω/E.
    public func isExtrapolation(_ k: Kinematics) -> Bool {
        !(energy.contains(k.beamEnergy) && angle.contains(k.angleDegrees) && Q2.contains(k.Q2)
            && energyTransferFraction.contains(k.energyTransfer / k.beamEnergy))
    }
}
