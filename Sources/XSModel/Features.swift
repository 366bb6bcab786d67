import Foundation
import XSData

/// The network's inputs computed from (E, θ, ω).
public enum FeatureSet: String, Codable, CaseIterable, Sendable {
    /// Kowal et al. (2024) and NuWro: (E/20, ω/20, θ/180, cos θ, Q²/100).
    case reference
    /// Standardized physics variables: log E, ω/E, θ/180, cos θ, log Q², log |q|, log x_Bj, W²
    /// (TRAINING-NOTES: these converge in minutes where the reference inputs take hours).
    case physics

    public var count: Int { self == .reference ? 5 : 8 }

    /// Raw (unstandardized) features of one point.
    public func raw(_ k: Kinematics) -> [Double] {
        switch self {
        case .reference:
            return [k.beamEnergy / 20, k.energyTransfer / 20, k.angleDegrees / 180, k.cosTheta, k.Q2 / 100]
        case .physics:
            return [
                log(k.beamEnergy), k.energyTransfer / k.beamEnergy, k.angleDegrees / 180, k.cosTheta,
                log(k.Q2), log(k.momentumTransfer), log(k.bjorkenX), k.W2
            ]
        }
    }
}

/// Feature computation with the standardization fixed at training time (identity for the
/// reference set, whose scaling is part of its definition).
public struct InputTransform: Codable, Hashable, Sendable {
    public var features: FeatureSet
    public var mean: [Double]
    public var scale: [Double]

    /// Fits the standardization on the training points (mean 0, standard deviation 1).
    public init(features: FeatureSet, fittedOn points: [Kinematics]) {
        self.features = features
        let n = features.count
        guard features == .physics, !points.isEmpty else {
            mean = Array(repeating: 0, count: n)
            scale = Array(repeating: 1, count: n)
            return
        }
        var m = Array(repeating: 0.0, count: n), s = Array(repeating: 0.0, count: n)
        let rows = points.map(features.raw)
        for r in rows { for j in 0..<n { m[j] += r[j] } }
        for j in 0..<n { m[j] /= Double(rows.count) }
        for r in rows { for j in 0..<n { s[j] += (r[j] - m[j]) * (r[j] - m[j]) } }
        mean = m
        scale = s.map { v in max((v / Double(rows.count)).squareRoot(), 1e-6) }
    }

    /// The network inputs of many points, row-major Float32.
    public func callAsFunction(_ points: [Kinematics]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(points.count * features.count)
        for k in points {
            let r = features.raw(k)
            for j in 0..<r.count { out.append(Float((r[j] - mean[j]) / scale[j])) }
        }
        return out
    }
}

/// How the network output z becomes d²σ/dΩdω.
public enum OutputTransform: Codable, Hashable, Sendable {
    /// The reference: σ = S(E, θ) · sigmoid(z) (Kowal et al. 2024; what NuWro expects).
    case sigmoidScale
    /// Log space: σ = S(E, θ) · exp(offset + width · z), with offset and width the mean and
    /// standard deviation of log(σ/S) over the training data, so z is O(1).
    case logScale(offset: Double, width: Double)

    /// log(σ/S) as a function of z, and its derivative d log(σ/S)/dz.
    /// For the sigmoid: log sigmoid(z) = −softplus(−z), written to keep precision deep in the
    /// tails, where sigmoid(z) underflows; d/dz log sigmoid(z) = sigmoid(−z).
    @inline(__always)
    public func logRatio(_ z: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .sigmoidScale:
            let softplus = z < -30 ? -z : (z > 30 ? exp(-z) : log1p(exp(-z)))
            let sigmoidNegative = 1 / (1 + exp(z))
            return (-softplus, sigmoidNegative)
        case let .logScale(offset, width):
            return (offset + width * z, width)
        }
    }

    public var name: String {
        switch self {
        case .sigmoidScale: "sigmoid × S(E,θ)"
        case .logScale: "exp × S(E,θ)"
        }
    }
}
