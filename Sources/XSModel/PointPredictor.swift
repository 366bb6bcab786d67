import Foundation
import XSData
import XSNN

/// Single-point prediction for event generators: a generator asks for one (E, θ, ω) at a time,
/// so this keeps every buffer preallocated and runs each member's Float64 matrix–vector chain
/// in turn, with no allocation per call. Not thread-safe: use one predictor per thread.
public final class PointPredictor {
    public let model: CrossSectionModel
    private var features: [Double]
    private var values: [Double]
    private let nucleus: Nucleus?
    /// The reference of the model's committee, if it has one (`ReferenceCommittee`).
    private let reference: (any ReferenceModel)?

    public init(_ model: CrossSectionModel) {
        self.model = model
        features = Array(repeating: 0, count: model.info.input.features.count)
        values = Array(repeating: 0, count: model.networks.count)
        nucleus = Nucleus(name: model.info.nucleus)
        reference = model.info.referenceCommittee?.referenceModel
        _ = model.inferenceNetworks
    }

    /// Mean and standard deviation over the members of d²σ/dΩdω in nb/sr/GeV (the deterministic
    /// prediction; away from the measured settings the committee's mean if the model has one, and
    /// the standard deviation carries the model's calibration factor, as `predict` does; MC dropout is a batch feature of `CrossSectionModel.predict`).
    public func predict(beamEnergy: Double, angleDegrees: Double, energyTransfer: Double) -> (mean: Double, standardDeviation: Double) {
        let info = model.info
        let born = BornKinematics(
            Kinematics(beamEnergy: beamEnergy, angleDegrees: angleDegrees, energyTransfer: energyTransfer), nucleus: nucleus,
            coulombDistortion: info.config.usesCoulombDistortion)
        let k = born.kinematics
        let raw = info.input.raw(k)
        for j in 0..<features.count { features[j] = (raw[j] - info.input.mean[j]) / info.input.scale[j] }
        let logS = log(k.crossSectionScale) + born.logFocusing
        let twoOutputs = info.output.outputCount == 2
        let factors = OutputFactors(k, output: info.output, nucleus: nucleus)
        let networks = model.inferenceNetworks
        features.withUnsafeBufferPointer { f in
            for m in networks.indices {
                networks[m].predictOne(f.baseAddress!) { z in
                    values[m] = exp(logS + info.output.logRatio(z[0], twoOutputs ? z[1] : 0, factors).value)
                }
            }
        }
        var (mean, standardDeviation) = values.withUnsafeBufferPointer { CrossSectionModel.meanAndStandardDeviation($0) }
        if let committee = info.referenceCommittee, let reference, let nucleus {
            let f = committee.factor(mean: mean, standardDeviation: standardDeviation, beamEnergy: beamEnergy, angleDegrees: angleDegrees) {
                reference.crossSection(
                    Kinematics(beamEnergy: beamEnergy, angleDegrees: angleDegrees, energyTransfer: energyTransfer), nucleus: nucleus)
            }
            mean *= f
            standardDeviation *= f
        }
        let scale = model.info.calibration?.scale(beamEnergy: beamEnergy, angleDegrees: angleDegrees) ?? 1
        return (mean, scale * standardDeviation)
    }
}
