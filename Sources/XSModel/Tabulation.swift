import Foundation
import XSCore
import XSData

/// σ with its band on a grid of E × angle × ω for event generators: every physical point
/// predicted, every unphysical one (ω ≥ E) skipped, counted, and left as NaN in the arrays.
public struct CrossSectionTable {
    /// The angle axis: θ in degrees, or cos θ.
    public enum AngleAxis: String, Sendable, CaseIterable {
        case theta
        case cosTheta = "cos_theta"
    }

    public var energies: [Double]
    public var angles: [Double]
    public var angleAxis: AngleAxis
    public var energyTransfers: [Double]
    /// d²σ/dΩdω in nb/sr/GeV, indexed [E][angle][ω] (C order); NaN where unphysical.
    public var mean: [Double]
    public var standardDeviation: [Double]
    public var percentile16: [Double]
    public var percentile84: [Double]
    public var extrapolation: [UInt8]
    public var skippedUnphysical = 0

    public var shape: [Int] { [energies.count, angles.count, energyTransfers.count] }

    /// Predicts the grid with `model`, one beam energy at a time (in parts of at most
    /// `CrossSectionModel.maximumPointsPerCall`); `progress` gets the energies done and their
    /// number. A non-finite prediction stops it, naming the point.
    public init(
        model: CrossSectionModel, energies: [Double], angles: [Double], angleAxis: AngleAxis, energyTransfers: [Double],
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        try self.init(
            energies: energies, angles: angles, angleAxis: angleAxis, energyTransfers: energyTransfers, progress: progress,
            predictions: { try model.checkedPredictions($0) })
    }

    /// The grid from a physics reference (`ReferenceModel`, e.g. the Bosted–Mamyan fit) for
    /// `nucleus`: its σ with no band (spread 0, percentiles at σ) and no point flagged, as
    /// `xsnet predict --model bosted-mamyan` prints it. A point where the reference gives no
    /// finite σ stops it, naming the point; a nucleus it does not cover is refused first.
    public init(
        reference: any ReferenceModel, nucleus: Nucleus, energies: [Double], angles: [Double], angleAxis: AngleAxis,
        energyTransfers: [Double], progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        guard reference.covers(nucleus) else { throw PredictionError.referenceUndefined(reference.name, nucleus.name) }
        try self.init(
            energies: energies, angles: angles, angleAxis: angleAxis, energyTransfers: energyTransfers, progress: progress,
            predictions: { points in
                let values = parallelMap(points.count) { reference.crossSection(points[$0], nucleus: nucleus) }
                return try zip(points, values).enumerated().map { i, pair in
                    guard let σ = pair.1, σ.isFinite else { throw PredictionError.nonFinite(index: i, point: pair.0, mean: pair.1 ?? .nan) }
                    return .reference(σ)
                }
            })
    }

    private init(
        energies: [Double], angles: [Double], angleAxis: AngleAxis, energyTransfers: [Double], progress: (Int, Int) -> Void,
        predictions: ([Kinematics]) throws -> [CrossSectionPrediction]
    ) throws {
        self.energies = energies
        self.angles = angles
        self.angleAxis = angleAxis
        self.energyTransfers = energyTransfers
        let n = energies.count * angles.count * energyTransfers.count
        mean = Array(repeating: .nan, count: n)
        standardDeviation = mean
        percentile16 = mean
        percentile84 = mean
        extrapolation = Array(repeating: 0, count: n)
        for (i, E) in energies.enumerated() {
            var indices: [Int] = []
            var points: [Kinematics] = []
            for (j, a) in angles.enumerated() {
                let θ = angleAxis == .theta ? a : acos(a) * 180 / .pi
                for (k, ω) in energyTransfers.enumerated() {
                    guard Kinematics.unphysicalReason(beamEnergy: E, angleDegrees: θ, energyTransfer: ω) == nil else {
                        skippedUnphysical += 1
                        continue
                    }
                    indices.append((i * angles.count + j) * energyTransfers.count + k)
                    points.append(Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω))
                }
            }
            for start in stride(from: 0, to: points.count, by: CrossSectionModel.maximumPointsPerCall) {
                let part = start..<min(start + CrossSectionModel.maximumPointsPerCall, points.count)
                for (index, p) in zip(indices[part], try predictions(Array(points[part]))) {
                    mean[index] = p.mean
                    standardDeviation[index] = p.standardDeviation
                    percentile16[index] = p.percentile16
                    percentile84[index] = p.percentile84
                    extrapolation[index] = p.extrapolation ? 1 : 0
                }
            }
            progress(i + 1, energies.count)
        }
    }

    /// One row per physical point: E_GeV, the angle (theta_deg or cos_theta), omega_GeV, sigma,
    /// sigma_std, sigma_p16, sigma_p84 (nb/sr/GeV), extrapolation; numbers at full precision.
    public func csv() -> String {
        var out = "E_GeV,\(angleAxis == .theta ? "theta_deg" : "cos_theta"),omega_GeV,sigma,sigma_std,sigma_p16,sigma_p84,extrapolation\n"
        for (i, E) in energies.enumerated() {
            for (j, a) in angles.enumerated() {
                for (k, ω) in energyTransfers.enumerated() {
                    let index = (i * angles.count + j) * energyTransfers.count + k
                    guard !mean[index].isNaN else { continue }
                    out +=
                        "\(E),\(a),\(ω),\(mean[index]),\(standardDeviation[index]),\(percentile16[index]),\(percentile84[index]),\(extrapolation[index] == 1)\n"
                }
            }
        }
        return out
    }

    /// The grid as NumPy arrays: the axes, sigma and its band [E, angle, ω] (NaN where unphysical),
    /// the extrapolation flags, and the units and provenance as strings.
    public func npz(nucleus: String, model: String) -> Data {
        var archive = NPZArchive()
        archive.add("E_GeV", float64: energies, shape: [energies.count])
        archive.add(angleAxis == .theta ? "theta_deg" : "cos_theta", float64: angles, shape: [angles.count])
        archive.add("omega_GeV", float64: energyTransfers, shape: [energyTransfers.count])
        archive.add("sigma", float64: mean, shape: shape)
        archive.add("sigma_std", float64: standardDeviation, shape: shape)
        archive.add("sigma_p16", float64: percentile16, shape: shape)
        archive.add("sigma_p84", float64: percentile84, shape: shape)
        archive.add("extrapolation", uint8: extrapolation, shape: shape)
        archive.add("sigma_unit", string: "nb/sr/GeV (d2sigma/dOmega domega per nucleus; NaN where omega >= E)")
        archive.add("nucleus", string: nucleus)
        archive.add("model", string: model)
        archive.add("axes", string: "sigma[E_GeV, \(angleAxis == .theta ? "theta_deg" : "cos_theta"), omega_GeV]")
        return archive.data()
    }
}
