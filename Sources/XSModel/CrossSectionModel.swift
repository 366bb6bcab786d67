import Foundation
import XSCore
import XSData
import XSNN

/// A fitted normalization λ_k of one data set.
public struct NormalizationFit: Codable, Hashable, Sendable {
    public var dataset: String
    public var lambda: Double
    public var uncertainty: Double
    /// (λ_k − 1)/Δλ_k: how many standard deviations the fit moved it.
    public var pull: Double { (lambda - 1) / uncertainty }
}

/// How a model was made: what its model card reports.
public struct TrainingRecord: Codable, Hashable, Sendable {
    public var command: String
    public var seed: UInt64
    public var epochs: Int
    public var wallSeconds: Double
    public var machine: String
    public var dataHash: String
    public var xsnetVersion: String
    public var finishedAt: String
    /// Figures measured when training finished (test split): kept in the file as provenance.
    public var metrics: [String: Double]? = nil
}

/// Everything a cross-section model file stores besides the weights.
public struct ModelInfo: Codable, Sendable {
    public var kind = "xsnet cross-section model"
    public var nucleus: String
    public var input: InputTransform
    public var output: OutputTransform
    public var normalizations: [NormalizationFit]
    public var selection: DataSelection
    public var split: DataSplit
    public var domain: KinematicDomain
    /// For a model of every nucleus: the box of each nucleus's training points, by nucleus name.
    /// Bound to a nucleus (`bound(to:)`), the model flags what lies outside that nucleus's data,
    /// not outside the union of all nuclei's (¹⁶O and ²⁰⁸Pb were measured below 1.5 GeV, ³He and ²⁷Al up to 14.7 GeV).
    /// nil for a model of one nucleus, and in files written before it was recorded (the union
    /// then stands for every nucleus).
    public var nucleusDomains: [String: KinematicDomain]? = nil
    public var training: TrainingRecord?
    /// The hyperparameters it was trained with (the loss among them: `config.chi2`,
    /// `config.relativeErrorFloor`).
    public var config: TrainingConfig
    /// For an ensemble: each member's fitted normalizations and training record (member order).
    public var members: [MemberRecord]? = nil
    /// The model this one was fine-tuned from (transfer learning), if any.
    public var fineTunedFrom: String? = nil
    /// Data sets delivered after training (`xsnet update`), kept in the file: they replace the data
    /// source's data sets of the same nucleus and name when the model's data are selected.
    public var addedData: AddedData? = nil
    /// The command that merged an ensemble (`xsnet ensemble train|build …`); nil for one network.
    public var ensembleCommand: String? = nil
    /// Monte-Carlo dropout prediction (model B): passes per point; nil for deterministic prediction.
    public var monteCarloSamples: Int? = nil
    /// The spread's calibration factors fitted on the validation part (`xsnet calibrate`); nil: none.
    public var calibration: UncertaintyCalibration? = nil
    /// A committee with a reference fit away from the training data's settings (`xsnet committee`);
    /// nil: the networks alone.
    public var referenceCommittee: ReferenceCommittee? = nil

    /// One member of an ensemble.
    public struct MemberRecord: Codable, Sendable {
        public var normalizations: [NormalizationFit]
        public var training: TrainingRecord?
    }

    public init(
        nucleus: String, input: InputTransform, output: OutputTransform, normalizations: [NormalizationFit], selection: DataSelection,
        split: DataSplit, domain: KinematicDomain,
        training: TrainingRecord?, config: TrainingConfig
    ) {
        self.nucleus = nucleus
        self.input = input
        self.output = output
        self.normalizations = normalizations
        self.selection = selection
        self.split = split
        self.domain = domain
        self.training = training
        self.config = config
    }

    public func normalization(_ dataset: String) -> Double {
        normalizations.first { $0.dataset == dataset }?.lambda ?? 1
    }

    /// Points and data-set rows in the project's CSV schemas (`points.csv`, `datasets.csv`).
    public struct AddedData: Codable, Hashable, Sendable {
        public var points: String
        public var datasets: String

        public init(_ data: ScatteringData) {
            points = PointsCSV.text(data.points)
            datasets = DatasetsCSV.text(data.datasets)
        }

        public func decoded() throws -> ScatteringData {
            ScatteringData(
                points: try PointsCSV.parse(points, file: "model file addedData.points"),
                datasets: try DatasetsCSV.parse(datasets, file: "model file addedData.datasets"))
        }
    }

    /// `data` with the data sets added by updates in place of the same ones.
    public func withAddedData(_ data: ScatteringData) throws -> ScatteringData {
        guard let addedData else { return data }
        return data.replacing(with: try addedData.decoded())
    }

    /// Whether this is a model of every nucleus not yet bound to one (`bound(to:)`).
    public var isAnyTarget: Bool { nucleus == DataSelection.anyTarget }

    /// Whether the model holds every nucleus (bound to one or not; trained on every nucleus, or
    /// fine-tuned from such a model with the nucleus among its inputs).
    public var describesNucleus: Bool { selection.isAnyTarget || input.features.describesNucleus }

    /// The nuclei an any-target model's data-set keys name (sorted by A), a nucleus its split holds
    /// out whole among them.
    public var keyedNuclei: [Nucleus] {
        Array(Set(normalizations.compactMap { selection.nucleus(ofKey: $0.dataset) })).sorted()
    }

    /// The nuclei an any-target model has training points of (sorted by A): its keys' nuclei but
    /// the one its split holds out whole.
    public var trainedNuclei: [Nucleus] {
        guard case .leaveOutNucleus(let held) = selection.splitMethod else { return keyedNuclei }
        return keyedNuclei.filter { $0.name != held }
    }

    /// The box of each nucleus's training points (`nucleusDomains`) for a selection of every
    /// nucleus; nil for a selection of one.
    public static func nucleusDomains(_ data: SelectedData) -> [String: KinematicDomain]? {
        guard data.selection.isAnyTarget else { return nil }
        return Dictionary(grouping: data.split.train) { data.points[$0].nucleus.name }
            .mapValues { KinematicDomain(points: $0.map { data.points[$0].kinematics }) }
    }

    /// Whether this is a model of every nucleus bound to a nucleus it has no training points of
    /// (argon): each of its predictions is an extrapolation, wherever the kinematics.
    public var predictsUnmeasuredNucleus: Bool {
        guard selection.isAnyTarget, !isAnyTarget, let bound = Nucleus(name: nucleus) else { return false }
        return !trained(on: bound)
    }

    /// Why every prediction is an extrapolation, as the commands say it after "the model has"
    /// (nil when the model has training points of its nucleus).
    public var unmeasuredNucleusReason: String? {
        predictsUnmeasuredNucleus ? "no training points of \(nucleus): every prediction is an extrapolation in the nucleus" : nil
    }

    /// Which points lie outside the training data: outside the box of the training points (of the
    /// nucleus the model is bound to, where the file records it), or anywhere for a nucleus the
    /// model has no training points of.
    public func extrapolationFlags(_ points: [Kinematics]) -> [Bool] {
        let unmeasured = predictsUnmeasuredNucleus
        return points.map { unmeasured || domain.isExtrapolation($0) }
    }

    /// Whether the response functions at (|q|, ω) (GeV) lie outside the training data: no electron
    /// kinematics inside the box (the nucleus's own, for a model of every nucleus) transfers them
    /// (`KinematicDomain.covers`), or the model has no training points of its nucleus. What a
    /// neutrino prediction reads the learned responses at.
    public func isResponseExtrapolation(momentumTransfer q: Double, energyTransfer ω: Double) -> Bool {
        responseExtrapolation(q, ω)
    }

    /// `isResponseExtrapolation` for many points: whether the model has training points of its
    /// nucleus is found once here (`trainedNuclei` reads every data-set key), not at every point.
    public var responseExtrapolation: (_ momentumTransfer: Double, _ energyTransfer: Double) -> Bool {
        let unmeasured = predictsUnmeasuredNucleus, domain = domain
        return { q, ω in unmeasured || !domain.covers(momentumTransfer: q, energyTransfer: ω) }
    }

    /// Whether an any-target model had training points of `nucleus` (`trainedNuclei`).
    public func trained(on nucleus: Nucleus) -> Bool { trainedNuclei.contains(nucleus) }

    /// The metadata of an any-target model bound to `nucleus`: its inputs describe the nucleus
    /// and the response head's offset carries log A (`OutputTransform.anyTargetLogScale`); the
    /// model then predicts like a model of that nucleus alone.
    public func bound(to nucleus: Nucleus) -> ModelInfo {
        var info = self
        info.nucleus = nucleus.name
        info.input = input.bound(to: nucleus)
        info.output = output.shifted(by: output.anyTargetLogScale(nucleus))
        if let own = nucleusDomains?[nucleus.name] { info.domain = own }
        // A nucleus without training points has no measured setting of its own: its band takes
        // the factor for an unseen nucleus (`UncertaintyCalibration.forUnseenNucleus`). A trained
        // one is at a measured setting where it was measured itself.
        if isAnyTarget && !trained(on: nucleus) {
            info.calibration = calibration?.forUnseenNucleus
        } else if let settings = calibration?.measuredSettings {
            info.calibration?.measuredSettings = settings.of(nucleus.name)
        }
        return info
    }
}

/// One prediction with its spread over the members of an ensemble (or MC-dropout passes).
public struct CrossSectionPrediction: Equatable, Sendable {
    /// Mean d²σ/dΩdω in nb/sr/GeV.
    public var mean: Double
    public var standardDeviation: Double
    public var percentile16: Double
    public var percentile84: Double
    public var extrapolation: Bool

    /// Whether every number is finite (what may leave xsnet with success).
    public var isFinite: Bool { mean.isFinite && standardDeviation.isFinite && percentile16.isFinite && percentile84.isFinite }

    /// A reference model's σ as a prediction: no band (spread 0, percentiles at σ), nothing flagged.
    public static func reference(_ σ: Double) -> CrossSectionPrediction {
        CrossSectionPrediction(mean: σ, standardDeviation: 0, percentile16: σ, percentile84: σ, extrapolation: false)
    }

    /// The whole prediction multiplied by `c` (a change of normalization): mean, spread and percentiles.
    public func scaled(by c: Double) -> CrossSectionPrediction {
        CrossSectionPrediction(
            mean: c * mean, standardDeviation: c * standardDeviation, percentile16: c * percentile16, percentile84: c * percentile84,
            extrapolation: extrapolation)
    }

    /// The spread multiplied by `c`: σ → cσ and each percentile p → mean + c(p − mean), the lower
    /// one no lower than 0. A cross section is not negative; a calibration factor of 7 on a spread
    /// of 20% would otherwise put the 16th percentile at −40% of the mean (the any-target model
    /// for ¹⁶O at 0.15 GeV, 20°).
    public func scalingSpread(by c: Double) -> CrossSectionPrediction {
        guard c != 1 else { return self }
        return CrossSectionPrediction(
            mean: mean, standardDeviation: c * standardDeviation, percentile16: max(0, mean + c * (percentile16 - mean)),
            percentile84: mean + c * (percentile84 - mean), extrapolation: extrapolation)
    }
}

/// R_L and R_T (GeV⁻¹) at one point, each with its spread (`CrossSectionPrediction`'s fields).
public struct ResponsePrediction: Equatable, Sendable {
    public var longitudinal: CrossSectionPrediction
    public var transverse: CrossSectionPrediction
}

/// Why a prediction was refused.
public enum PredictionError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case tooManyPoints(Int)
    case tooManyValues(points: Int, passes: Int)
    case nonFinite(index: Int, point: Kinematics, mean: Double)
    case noResponses(String)
    case referenceUndefined(String, String)
    case otherNucleus(model: String, asked: String)
    case nucleusNeeded
    case outsideNuclei(String)

    public var description: String {
        switch self {
        case .tooManyPoints(let n):
            (n < 0 ? "a negative number of points (\(n))" : "\(n) points")
                + " in one call; at most \(CrossSectionModel.maximumPointsPerCall) (split the grid, or write it with `xsnet tabulate`)"
        case let .tooManyValues(points, passes):
            "\(points) points × \(passes) members or passes are more than \(CrossSectionModel.maximumValuesPerCall) values in one call; predict fewer points at a time"
        case let .otherNucleus(model, asked):
            "the model was trained on \(model) alone and cannot predict \(asked.oneLine(limit: 40)); use an any-target model (Models/any-target.xsnet) for other nuclei"
        case .outsideNuclei(let nucleus):
            "a model of every nucleus describes nuclei with A ≥ 3 (not hydrogen) and Z ≤ A; \(nucleus.oneLine(limit: 40)) is not one"
        case .nucleusNeeded:
            "the model holds every nucleus: name the one to predict (--nucleus Ar40, or xsnet_open_nucleus in the C API)"
        case let .referenceUndefined(name, nucleus): "the \(name) fit is not defined for \(nucleus) (it covers nuclei with A > 2)"
        case .noResponses(let head):
            "the model's output is `\(head)`: it has no response functions (train one with --preset responses or responses-prior)"
        case let .nonFinite(i, k, mean):
            "the model gives \(mean) at point \(i) (E = \(k.beamEnergy) GeV, θ = \(k.angleDegrees)°, ω = \(k.energyTransfer) GeV): "
                + "no finite prediction there (kinematics too extreme for the model, or a damaged model)"
        }
    }
    public var errorDescription: String? { description }
}

/// A trained cross-section model: one network or an ensemble, with its transforms.
public final class CrossSectionModel {
    public let networks: [Network]
    public var info: ModelInfo

    public init(networks: [Network], info: ModelInfo) {
        self.networks = networks
        self.info = info
    }

    /// Float64 prediction copies of the networks, built on first use. A model's weights do not
    /// change after it is made (training works on its own networks and makes a new model).
    public private(set) lazy var inferenceNetworks: [InferenceNetwork] = networks.map { InferenceNetwork($0) }

    /// The features of many points as Float64, row-major.
    func featureRows(_ points: [Kinematics]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(points.count * info.input.features.count)
        for k in points {
            let r = info.input.raw(k)
            for j in 0..<r.count { out.append((r[j] - info.input.mean[j]) / info.input.scale[j]) }
        }
        return out
    }

    /// The model's own data: its stored selection applied to `data`, refused when the points
    /// differ from those it was trained on (the stored split would no longer apply).
    public func selectedData(from data: ScatteringData) throws -> SelectedData {
        let selected = try info.selection.apply(to: try info.withAddedData(data))
        if let expected = info.training?.dataHash, expected != selected.dataHash {
            throw SelectionError.dataChanged(expected: expected, found: selected.dataHash)
        }
        return selected
    }

    /// This model for `nucleus`: an any-target model bound to it (sharing the networks), a
    /// model of that nucleus itself, or an error for a model of another nucleus.
    public func bound(to nucleus: Nucleus) throws -> CrossSectionModel {
        if info.nucleus == nucleus.name { return self }
        guard let base = info.isAnyTarget ? info : unboundInfo else {
            throw PredictionError.otherNucleus(model: info.nucleus, asked: nucleus.name)
        }
        guard DataSelection.describesInAnyTarget(nucleus) else { throw PredictionError.outsideNuclei(nucleus.name) }
        let model = CrossSectionModel(networks: networks, info: base.bound(to: nucleus))
        model.unboundInfo = base
        return model
    }

    /// The any-target metadata a bound model came from (what `bound(to:)` binds anew); nil for a
    /// model of one nucleus, a fine-tuned one among them.
    private var unboundInfo: ModelInfo?

    /// Each point's prediction, the points of each nucleus predicted by the model bound to it.
    /// A model of one nucleus predicts every point as its own nucleus (what `evaluate --data`
    /// does with another nucleus's file); `checkedPredictions` refuses that.
    public func predict(_ points: [ScatteringPoint], calibrated: Bool = true) -> [CrossSectionPrediction] {
        perNucleus(points, bind: { (try? self.bound(to: $0)) ?? self }) { model, kinematics in model.predict(kinematics, calibrated: calibrated) }
    }

    /// `checkedPredictions` of points of any nuclei, each nucleus's with the model bound to it;
    /// refuses points of a nucleus a model of one nucleus does not describe.
    public func checkedPredictions(_ points: [ScatteringPoint], calibrated: Bool = true) throws -> [CrossSectionPrediction] {
        try checkPointCount(points.count)
        return try perNucleus(points, bind: bound(to:)) { model, kinematics in try model.checkedPredictions(kinematics, calibrated: calibrated) }
    }

    /// `memberLogCrossSections` of points of any nuclei (members outer), bound as `predict` binds.
    public func memberLogCrossSections(_ points: [ScatteringPoint]) -> [[Double]] {
        let perPoint = perNucleus(points, bind: { (try? self.bound(to: $0)) ?? self }) { model, kinematics -> [[Double]] in
            let members = model.memberLogCrossSections(kinematics)
            return kinematics.indices.map { i in members.map { $0[i] } }
        }
        return networks.indices.map { m in perPoint.map { $0[m] } }
    }

    /// `body` on the kinematics of each nucleus's points with the model `bind` gives for that
    /// nucleus, reassembled in the points' order.
    func perNucleus<T>(
        _ points: [ScatteringPoint], bind: (Nucleus) throws -> CrossSectionModel, _ body: (CrossSectionModel, [Kinematics]) throws -> [T]
    ) rethrows -> [T] {
        var groups: [Nucleus: [Int]] = [:]
        for (i, p) in points.enumerated() { groups[p.nucleus, default: []].append(i) }
        var out = [T?](repeating: nil, count: points.count)
        for nucleus in groups.keys.sorted() {
            let indices = groups[nucleus]!
            let values = try body(try bind(nucleus), indices.map { points[$0].kinematics })
            for (i, v) in zip(indices, values) { out[i] = v }
        }
        return out.map { $0! }
    }

    public static func load(_ url: URL) throws -> CrossSectionModel {
        let (networks, info) = try ModelFile.read(ModelInfo.self, from: url)
        try info.validate(networks: networks)
        return try CrossSectionModel(networks: networks, info: info).checkedAtItsOwnKinematics()
    }

    /// A model from a file's bytes (`path` names it in errors), validated as `load` does.
    public static func decode(_ data: Data, path: String) throws -> CrossSectionModel {
        let (networks, info) = try ModelFile.decode(ModelInfo.self, from: data, path: path)
        try info.validate(networks: networks)
        return try CrossSectionModel(networks: networks, info: info).checkedAtItsOwnKinematics()
    }

    /// The last check of a file read: every member predicts a finite cross section at the centre
    /// and the two corners of its own training box (`info.domain`). Finite, in-range weights can
    /// still overflow (a 3e38 weight, a scale of 1e-300); such a file is damaged, and is refused
    /// when it is opened rather than at its first prediction.
    public func checkedAtItsOwnKinematics() throws -> CrossSectionModel {
        if info.isAnyTarget && info.keyedNuclei.isEmpty {
            throw ModelFileError.invalid(
                field: "normalizations", why: "name no nucleus; a model of every nucleus lists `<nucleus>/<data set>` keys")
        }
        if let overflow = try overflowInsideItsOwnBox() {
            throw ModelFileError.invalid(field: "members[\(overflow.member)]", why: "\(overflow): its weights are damaged")
        }
        return self
    }

    /// A member's non-finite prediction inside its own training box (`checkedAtItsOwnKinematics`).
    public struct OverflowInsideBox: CustomStringConvertible, Sendable {
        public var member: Int
        public var nucleus: String
        public var crossSection: Double
        public var point: Kinematics
        public var description: String {
            "predicts \(crossSection) for \(nucleus) at E = \(point.beamEnergy) GeV, θ = \(point.angleDegrees)°, ω = \(point.energyTransfer) GeV, inside its own training box"
        }
    }

    /// Where a model is looked at for overflow (`overflowInsideItsOwnBox`): the centre and, with
    /// `corners`, the two extreme corners of its training box. A model of every nucleus is looked
    /// at bound to each nucleus it has training points of, at the centre of that nucleus's box
    /// only: the corners of a box spanning several experiments combine extremes none was measured
    /// at (0.1 GeV at 8°), and a nucleus it holds out (`leave-out-nucleus:`) has no box of its own.
    /// Throws if a nucleus it names cannot be bound.
    public func overflowProbes(corners checkCorners: Bool = true) throws -> [(model: CrossSectionModel, points: [Kinematics])] {
        if info.isAnyTarget {
            return try info.trainedNuclei.flatMap { try bound(to: $0).overflowProbes(corners: false) }
        }
        let d = info.domain
        let corners: [(Double, Double, Double)] =
            [
                (
                    (d.energy.lowerBound + d.energy.upperBound) / 2, (d.angle.lowerBound + d.angle.upperBound) / 2,
                    (d.energyTransferFraction.lowerBound + d.energyTransferFraction.upperBound) / 2
                )
            ]
            + (checkCorners
                ? [
                    (d.energy.lowerBound, d.angle.lowerBound, d.energyTransferFraction.lowerBound),
                    (d.energy.upperBound, d.angle.upperBound, d.energyTransferFraction.upperBound)
                ] : [])
        let points = corners.compactMap { E, θ, fraction -> Kinematics? in
            Kinematics.unphysicalReason(beamEnergy: E, angleDegrees: θ, energyTransfer: fraction * E) == nil
                ? Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: fraction * E) : nil
        }
        return [(self, points)]
    }

    /// The first member prediction that is not finite at the model's `overflowProbes`; nil if
    /// there is none.
    public func overflowInsideItsOwnBox(corners checkCorners: Bool = true) throws -> OverflowInsideBox? {
        for (model, points) in try overflowProbes(corners: checkCorners) {
            for (member, logSigma) in model.memberLogCrossSections(points).enumerated() {
                if let i = logSigma.indices.first(where: { !(logSigma[$0].isFinite && exp(logSigma[$0]).isFinite) }) {
                    return OverflowInsideBox(member: member, nucleus: model.info.nucleus, crossSection: exp(logSigma[i]), point: points[i])
                }
            }
        }
        return nil
    }

    public func save(_ url: URL, storage: ModelFile.Storage = .float32) throws {
        try ModelFile.write(networks: networks, metadata: info, to: url, storage: storage)
    }

    /// The output transform's per-point constants for this model's nucleus (computed once per
    /// call and shared by every member: for the Bosted–Mamyan priors they are the costly part).
    func outputFactors(_ points: [Kinematics]) -> [OutputFactors] { info.output.factors(points, nucleus: Nucleus(name: info.nucleus)) }

    /// The kinematics the networks see for `points` and the log focusing factors (E_eff/E)² of a
    /// model with Coulomb distortion (`BornKinematics`); the points themselves and zeros otherwise.
    func bornKinematics(_ points: [Kinematics]) -> (kinematics: [Kinematics], logFocusing: [Double]) {
        BornKinematics.of(points, nucleus: Nucleus(name: info.nucleus), coulombDistortion: info.config.usesCoulombDistortion)
    }

    /// log σ of every point from one member's (or pass's) outputs at the Born kinematics.
    private func logCrossSections(
        _ born: (kinematics: [Kinematics], logFocusing: [Double]), factors: [OutputFactors], outputs: [Double]
    ) -> [Double] {
        let logBorn = info.output.logCrossSections(born.kinematics, factors: factors, outputs: outputs)
        return logBorn.indices.map { logBorn[$0] + born.logFocusing[$0] }
    }

    /// log σ of every point for each member, in Float64 (what `predict` reports; not the
    /// Monte-Carlo passes), the features and output factors computed once for all members.
    public func memberLogCrossSections(_ points: [Kinematics]) -> [[Double]] {
        let born = bornKinematics(points)
        let features = featureRows(born.kinematics), factors = outputFactors(born.kinematics)
        return inferenceNetworks.map { logCrossSections(born, factors: factors, outputs: $0.predict(features)) }
    }

    /// Predictions with the spread over the members, or over Monte-Carlo dropout passes, moved to
    /// the committee's mean away from the measured settings if the model has a reference committee;
    /// with `calibrated` (the default) the spread is scaled by the model's calibration factor, if any.
    public func predict(_ points: [Kinematics], calibrated: Bool = true) -> [CrossSectionPrediction] {
        let born = bornKinematics(points)
        let factors = outputFactors(born.kinematics)
        let perMember = passOutputs(born.kinematics).map { exp(logCrossSections(born, factors: factors, outputs: $0)) }
        let outside = info.extrapolationFlags(points)
        var raw = points.indices.map { i in Self.summarize(perMember.map { $0[i] }, extrapolation: outside[i]) }
        if let committee = info.referenceCommittee { raw = committee.applied(to: raw, at: points, nucleus: Nucleus(name: info.nucleus)) }
        guard calibrated, let calibration = info.calibration else { return raw }
        return calibration.applied(to: raw, at: points)
    }

    /// Each member's (or MC-dropout pass's) response functions at the points (GeV⁻¹), members
    /// outer. Throws for the heads that have none.
    public func memberResponses(_ points: [Kinematics]) throws -> [[(longitudinal: Double, transverse: Double)]] {
        guard info.output.outputCount == 2 else { throw PredictionError.noResponses(info.output.name) }
        if info.isAnyTarget { throw PredictionError.nucleusNeeded }
        try checkPointCount(points.count)
        let factors = outputFactors(points)
        return passOutputs(points).map { info.output.responses(factors: factors, outputs: $0)! }
    }

    /// The two response functions of a response-head model at each point, R_L and R_T in GeV⁻¹,
    /// each with its spread over the members or Monte-Carlo passes, calibrated as σ is: the spread
    /// and percentiles × the point's factor about the same mean (σ = σ_Mott (v_L R_L + v_T R_T) is
    /// linear in them, so members moved away from their mean by c give σ's calibrated band).
    /// Throws for the other heads, which have none.
    public func responses(_ points: [Kinematics]) throws -> [ResponsePrediction] {
        let perMember = try memberResponses(points)
        let outside = info.extrapolationFlags(points)
        return points.indices.map { i in
            let c = info.calibration?.scale(beamEnergy: points[i].beamEnergy, angleDegrees: points[i].angleDegrees) ?? 1
            return ResponsePrediction(
                longitudinal: Self.summarize(perMember.map { $0[i].longitudinal }, extrapolation: outside[i]).scalingSpread(by: c),
                transverse: Self.summarize(perMember.map { $0[i].transverse }, extrapolation: outside[i]).scalingSpread(by: c))
        }
    }

    /// The most points one call predicts: 2 million points of a 20-member ensemble hold 20 × 2 M
    /// Float64 values per member pass (320 MB), what a 24 GiB machine or a generator's process can
    /// spare; larger grids go in several calls (`xsnet tabulate` writes them in one file).
    public static let maximumPointsPerCall = 2_000_000

    /// `predict` for callers that hand the numbers on (the command line, the C API, tables):
    /// refuses more than `maximumPointsPerCall` points, and any non-finite result, naming the point.
    public func checkedPredictions(_ points: [Kinematics], calibrated: Bool = true) throws -> [CrossSectionPrediction] {
        try checkPointCount(points.count)
        if info.isAnyTarget { throw PredictionError.nucleusNeeded }
        let predictions = predict(points, calibrated: calibrated)
        if let i = predictions.indices.first(where: { !predictions[$0].isFinite }) {
            throw PredictionError.nonFinite(index: i, point: points[i], mean: predictions[i].mean)
        }
        return predictions
    }

    /// Each member or Monte-Carlo pass holds one Float64 per point: at most 400 M values (3.2 GB).
    public static let maximumValuesPerCall = 400_000_000

    /// Refuses a call of more than `maximumPointsPerCall` points, or of more values than
    /// `maximumValuesPerCall` over the members or Monte-Carlo passes.
    public func checkPointCount(_ count: Int) throws {
        guard (0...Self.maximumPointsPerCall).contains(count) else { throw PredictionError.tooManyPoints(count) }
        let passes = max(networks.count, info.monteCarloSamples ?? 1)
        guard count * passes <= Self.maximumValuesPerCall else { throw PredictionError.tooManyValues(points: count, passes: passes) }
    }

    /// The network outputs (N × outputs, row-major) of every member, or of every Monte-Carlo
    /// dropout pass (Gal & Ghahramani 2016) for a model that predicts with them. Pass s is one
    /// fixed thinned network (`InferenceNetwork(_:monteCarloPass:)`, its masks folded into the
    /// weights), in Float64 as every prediction: reproducible point by point, independent of the
    /// batch, and smooth along a spectrum.
    func passOutputs(_ points: [Kinematics]) -> [[Double]] {
        let features = featureRows(points)
        if let samples = info.monteCarloSamples, networks.count == 1, samples > 1 {
            return (0..<samples).map { InferenceNetwork(networks[0], monteCarloPass: $0).predict(features) }
        }
        return inferenceNetworks.map { $0.predict(features) }
    }

    /// Whether predictions carry a band: an ensemble, or MC dropout with more than one pass (what
    /// `predict` spreads over); one network predicting deterministically has none.
    public var hasBand: Bool { networks.count > 1 || (info.monteCarloSamples ?? 0) > 1 }

    /// What the model is, as figures and the report name it: "¹²C ensemble of 20 (model A)",
    /// "¹²C MC dropout (model B)", "¹²C network", "⁵⁶Fe ensemble of 20 (model A), fine-tuned",
    /// "²⁰⁸Pb (any-target model) ensemble of 6 (model A), with Coulomb (EMA)".
    public var displayName: String {
        let nucleus =
            info.isAnyTarget
            ? "any-target" : (Nucleus(name: info.nucleus)?.isotopeSymbol ?? info.nucleus) + (info.describesNucleus ? " (any-target model)" : "")
        let kind =
            networks.count > 1
            ? "ensemble of \(networks.count) (model A)" : (info.monteCarloSamples ?? 0) > 1 ? "MC dropout (model B)" : "network"
        return "\(nucleus) \(kind)" + (info.fineTunedFrom == nil ? "" : ", fine-tuned")
            + (info.config.usesCoulombDistortion ? ", with Coulomb (EMA)" : "")
    }

    /// The dropout probability of the first network's dropout layers; nil without dropout.
    public var dropoutProbability: Double? {
        networks.first?.layers.lazy.compactMap { $0 as? Dropout }.first.map { Double($0.probability) }
    }

    /// Sets the dropout probability of every dropout layer (MC prediction with another p).
    public func setDropoutProbability(_ p: Double) {
        for net in networks { for case let d as Dropout in net.layers { d.probability = Float(p) } }
    }

    /// Merges replica models (same nucleus, data, split and transforms) into one ensemble.
    public static func ensemble(_ replicas: [CrossSectionModel]) throws -> CrossSectionModel {
        guard let first = replicas.first else { throw ModelFileError.mismatch("no replica files given") }
        for r in replicas.dropFirst() {
            guard r.info.nucleus == first.info.nucleus, r.info.selection == first.info.selection, r.info.split == first.info.split,
                r.info.input == first.info.input, r.info.output == first.info.output,
                r.networks.allSatisfy({ $0.spec == first.networks[0].spec })
            else {
                throw ModelFileError.mismatch(
                    "replicas differ in nucleus, data selection, split, transforms or architecture; train them with the same options")
            }
        }
        let all = replicas.flatMap { r in r.networks.map { _ in r } }
        var info = first.info
        info.members = all.map { ModelInfo.MemberRecord(normalizations: $0.info.normalizations, training: $0.info.training) }
        // The ensemble's λ_k: the mean over members (each member fits its own).
        info.normalizations = first.info.normalizations.map { n in
            var m = n
            let values = all.compactMap { $0.info.normalizations.first { $0.dataset == n.dataset }?.lambda }
            m.lambda = values.reduce(0, +) / Double(values.count)
            return m
        }
        info.monteCarloSamples = nil
        info.calibration = nil
        info.referenceCommittee = nil
        return CrossSectionModel(networks: replicas.flatMap(\.networks), info: info)
    }

    /// The mean over members (or passes) and their sample standard deviation (0 for one member):
    /// what `predict` and the single-point `PointPredictor` report.
    static func meanAndStandardDeviation(_ values: UnsafeBufferPointer<Double>) -> (mean: Double, standardDeviation: Double) {
        let n = Double(values.count)
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / n
        guard values.count > 1 else { return (mean, 0) }
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        return (mean, (squares / (n - 1)).squareRoot())
    }

    static func summarize(_ values: [Double], extrapolation: Bool) -> CrossSectionPrediction {
        let (mean, standardDeviation) = values.withUnsafeBufferPointer { meanAndStandardDeviation($0) }
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            guard sorted.count > 1 else { return sorted[0] }
            let x = p * Double(sorted.count - 1)
            let lo = Int(x.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - Double(lo))
        }
        return CrossSectionPrediction(
            mean: mean, standardDeviation: standardDeviation,
            percentile16: percentile(0.16), percentile84: percentile(0.84), extrapolation: extrapolation)
    }
}

@inline(__always) func exp(_ v: [Double]) -> [Double] { v.map { Foundation.exp($0) } }
