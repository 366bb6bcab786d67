import Foundation
import XSData

/// The network's inputs computed from (E, θ, ω).
public enum FeatureSet: String, Codable, CaseIterable, Sendable {
    /// Kowal et al. (2024) and NuWro: (E/20, ω/20, θ/180, cos θ, Q²/100).
    case reference
    /// Standardized physics variables: log E, ω/E, θ/180, cos θ, log Q², log |q|, log x_Bj, W²
    /// (TRAINING-NOTES: these converge in minutes where the reference inputs take hours).
    case physics
    /// Functions of (q, ω) alone, for the response head (whose angle dependence is fixed by
    /// one-photon exchange): log |q|, ω/|q|, the scaling variable ψ′ (Fermi-gas parameters of the
    /// nucleus), log Q², W².
    case responses
    /// The response features with ψ′ of the point's nucleus, followed by what describes the
    /// nucleus (`NucleusDescriptors.features`: log A, (N − Z)/A, k_F, E_s, r_ch): one network for
    /// every nucleus (an any-target model; its responses are per nucleon, `anyTargetLogScale`).
    case anyTarget = "any-target"
    /// The response features with carbon's Fermi gas in ψ′ whatever the nucleus: functions of
    /// (q, ω) alone, the same for every nucleus (a correction to a reference that carries the
    /// nucleus: inputs stay in the range they were trained on for a nucleus never seen).
    case kinematic
    /// The kinematic features followed by the nucleus's descriptors as a code for the nuclei the
    /// model was trained on, and the training mean of the descriptors (standardized: zeros) for
    /// any other: R = R_BM exp(NN(q, ω, code)). Trained with the code of a random share of the
    /// points replaced by that "unknown" code (`TrainingConfig.nucleusCodeDropout`), so that the
    /// network learns each measured nucleus's own correction and, under the unknown code, the
    /// correction common to all of them, which is what it gives a nucleus it never saw.
    case kinematicCoded = "kinematic-coded"

    public var count: Int {
        switch self {
        case .reference, .responses, .kinematic: 5
        case .physics: 8
        case .anyTarget, .kinematicCoded: 5 + NucleusDescriptors.featureCount
        }
    }

    /// Whether the nucleus is an input (the model holds many nuclei).
    public var describesNucleus: Bool { self == .anyTarget || self == .kinematicCoded }

    /// The columns that describe the nucleus (after the five kinematic ones); empty for the sets without.
    public var nucleusColumns: Range<Int> { describesNucleus ? 5..<count : 0..<0 }

    /// Whether the features are functions of (q, ω) (and the nucleus) alone, without the angle:
    /// what the response head needs, whose angle dependence is σ_Mott (v_L R_L + v_T R_T).
    public var isFunctionOfMomentumAndEnergyTransfer: Bool {
        switch self {
        case .responses, .anyTarget, .kinematic, .kinematicCoded: true
        case .reference, .physics: false
        }
    }

    /// Whether ψ′ takes a Fermi gas stored in the transform (`InputTransform.fermiGas`).
    var usesStoredFermiGas: Bool { self == .responses || self == .kinematic || self == .kinematicCoded }

    /// Raw (unstandardized) features of one point; `fermiGas` is used by `responses`, `kinematic`
    /// and `kinematic-coded`, and `target` by `anyTarget` (its ψ′ takes the target's Fermi-gas
    /// parameters) and `kinematic-coded` (its code).
    public func raw(_ k: Kinematics, fermiGas: FermiGasParameters? = nil, target: NucleusDescriptors? = nil) -> [Double] {
        switch self {
        case .reference:
            return [k.beamEnergy / 20, k.energyTransfer / 20, k.angleDegrees / 180, k.cosTheta, k.Q2 / 100]
        case .physics:
            return [
                log(k.beamEnergy), k.energyTransfer / k.beamEnergy, k.angleDegrees / 180, k.cosTheta,
                log(k.Q2), log(k.momentumTransfer), log(k.bjorkenX), k.W2
            ]
        case .responses, .kinematic:
            let q = k.momentumTransfer
            return [
                log(q), k.energyTransfer / q, k.psiPrime(fermiGas ?? FermiGasParameters(massNumber: 12)), log(k.Q2), k.W2
            ]
        case .anyTarget:
            // An unbound any-target transform has no nucleus: NaN inputs, a refused prediction.
            guard let target else { return Array(repeating: .nan, count: count) }
            return FeatureSet.responses.raw(k, fermiGas: target.fermiGas) + target.features
        case .kinematicCoded:
            // The code of an unseen nucleus is set by `InputTransform.raw`, which knows the training mean.
            let kinematic = FeatureSet.kinematic.raw(k, fermiGas: fermiGas)
            guard let target else { return kinematic + Array(repeating: .nan, count: NucleusDescriptors.featureCount) }
            return kinematic + target.features
        }
    }
}

/// Feature computation with the standardization fixed at training time (identity for the
/// reference set, whose scaling is part of its definition).
public struct InputTransform: Codable, Hashable, Sendable {
    public var features: FeatureSet
    public var mean: [Double]
    public var scale: [Double]
    /// The nucleus's Fermi-gas parameters for ψ′ (the `responses` features); nil otherwise.
    public var fermiGas: FermiGasParameters? = nil
    /// The nucleus an any-target transform describes (`bound(to:)`); nil before it is bound, and
    /// for the other feature sets.
    public var target: NucleusDescriptors? = nil
    /// The nuclei with a code of their own (`kinematic-coded`: those with training points); nil
    /// for the other feature sets.
    public var codedNuclei: [String]? = nil

    /// Fits the standardization on the training points (mean 0, standard deviation 1); an
    /// any-target set needs each point's nucleus in `nuclei`.
    public init(features: FeatureSet, fittedOn points: [Kinematics], fermiGas: FermiGasParameters? = nil, nuclei: [Nucleus]? = nil) {
        self.features = features
        self.fermiGas =
            switch features {
            case .responses: fermiGas ?? FermiGasParameters(massNumber: 12)
            case .kinematic, .kinematicCoded: FermiGasParameters(massNumber: 12)
            case .reference, .physics, .anyTarget: nil
            }
        if features == .kinematicCoded { codedNuclei = Set((nuclei ?? []).map(\.name)).sorted() }
        let n = features.count
        guard features != .reference, !points.isEmpty else {
            mean = Array(repeating: 0, count: n)
            scale = Array(repeating: 1, count: n)
            return
        }
        var m = Array(repeating: 0.0, count: n), s = Array(repeating: 0.0, count: n)
        let gas = self.fermiGas
        precondition(!features.describesNucleus || nuclei?.count == points.count, "any-target features need each point's nucleus")
        // With each point's nucleus (a model of every nucleus), each its own ψ′ and descriptors.
        let rows = points.indices.map { i in
            features.raw(
                points[i], fermiGas: features == .responses ? nuclei.map { FermiGasParameters(massNumber: $0[i].A) } ?? gas : gas,
                target: nuclei.map { NucleusDescriptors($0[i]) })
        }
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
            let r = raw(k)
            for j in 0..<r.count { out.append(Float((r[j] - mean[j]) / scale[j])) }
        }
        return out
    }

    /// The unstandardized features of one point.
    public func raw(_ k: Kinematics) -> [Double] {
        var r = features.raw(k, fermiGas: fermiGas, target: target)
        if let code = unseenNucleusCode { for (j, c) in zip(features.nucleusColumns, code) { r[j] = c } }
        return r
    }

    /// The Fermi gas ψ′ is computed with: the bound nucleus's for `any-target` (nil before it is
    /// bound), the stored one otherwise (carbon's for `kinematic` and `kinematic-coded`).
    public var psiFermiGas: FermiGasParameters? { features == .anyTarget ? target?.fermiGas : fermiGas }

    /// Whether the bound nucleus has a code of its own (a `kinematic-coded` model trained on it).
    public var hasOwnCode: Bool {
        guard features == .kinematicCoded, let target else { return false }
        return codedNuclei?.contains(target.nucleus.name) ?? false
    }

    /// The raw nucleus columns a `kinematic-coded` transform bound to a nucleus without a code of
    /// its own gives: the training mean (standardized, zeros), the code the network learned as
    /// "a nucleus" in general. nil otherwise.
    public var unseenNucleusCode: [Double]? {
        guard features == .kinematicCoded, target != nil, !hasOwnCode else { return nil }
        return Array(mean[features.nucleusColumns])
    }

    /// This transform for `nucleus`: an any-target set describes it; the response features take
    /// its Fermi-gas parameters for ψ′ (scaling of the first kind, Donnelly and Sick 1999, is what
    /// carries one nucleus's response to another's); the others do not depend on the nucleus.
    public func bound(to nucleus: Nucleus) -> InputTransform {
        var t = self
        switch features {
        case .anyTarget, .kinematicCoded: t.target = NucleusDescriptors(nucleus)
        case .responses: t.fermiGas = FermiGasParameters(massNumber: nucleus.A)
        case .reference, .physics, .kinematic: break
        }
        return t
    }
}

/// How the network output z becomes d²σ/dΩdω.
public enum OutputTransform: Codable, Hashable, Sendable {
    /// The reference: σ = S(E, θ) · sigmoid(z) (Kowal et al. 2024; what NuWro expects).
    case sigmoidScale
    /// Log space: σ = S(E, θ) · exp(offset + width · z), with offset and width the mean and
    /// standard deviation of log(σ/S) over the training data, so z is O(1).
    case logScale(offset: Double, width: Double)
    /// One-photon exchange (`Kinematics.crossSection(longitudinalResponse:transverseResponse:)`):
    /// the network's two outputs are the responses, R_L = exp(offset + width · z_L) and
    /// R_T = exp(offset + width · z_T) in GeV⁻¹ (positive by construction), and
    /// σ = σ_Mott (v_L R_L + v_T R_T). offset and width: the mean and standard deviation of
    /// log(σ/(σ_Mott (v_L + v_T))) over the training data, so z is O(1) and R_L = R_T at the start.
    case responses(offset: Double, width: Double)
    /// A correction to the Bosted–Mamyan fit: σ = σ_BM · exp(offset + width · z), offset and width
    /// the mean and standard deviation of log(σ/σ_BM) over the training data (log σ = log σ_ref + NN).
    /// With a `bound` c the log correction u = offset + width · z enters as c tanh(u/c)
    /// (`boundedCorrection`): the fit is corrected by at most a factor e^c.
    case referenceScale(offset: Double, width: Double, bound: Double? = nil)
    /// The response head on the Bosted–Mamyan fit's responses: R_L = R_L^BM exp(offset + width z_L),
    /// R_T = R_T^BM exp(offset + width z_T) (`BostedMamyan.responses`), offset and width the mean
    /// and spread of log(σ/σ_BM) over the training data; each log correction bounded as in
    /// `referenceScale`.
    case referenceResponses(offset: Double, width: Double, bound: Double? = nil)

    /// How many outputs the network has: 2 for the response head, 1 otherwise.
    public var outputCount: Int {
        switch self {
        case .responses, .referenceResponses: 2
        case .sigmoidScale, .logScale, .referenceScale: 1
        }
    }

    /// The offset and width of the heads that standardize z, with the field that names them in a
    /// model file (`logScale`, …); nil for the sigmoid.
    public var standardization: (field: String, offset: Double, width: Double)? {
        switch self {
        case .sigmoidScale: nil
        case let .logScale(offset, width): ("logScale", offset, width)
        case let .responses(offset, width): ("responses", offset, width)
        case let .referenceScale(offset, width, _): ("referenceScale", offset, width)
        case let .referenceResponses(offset, width, _): ("referenceResponses", offset, width)
        }
    }

    /// Whether σ is built on the Bosted–Mamyan fit (nuclei with A > 2).
    public var usesReference: Bool {
        switch self {
        case .referenceScale, .referenceResponses: true
        case .sigmoidScale, .logScale, .responses: false
        }
    }

    /// log(σ/S) from the network outputs (z₀, z₁) of one point, with ∂/∂z₀ and ∂/∂z₁. z₁ is used by
    /// the response heads only, the factors by the response heads and the reference prior (pass 0
    /// and `.none` for the others). For the response heads,
    /// log(σ/S) = log(e^{u_L} + e^{u_T}), u = log(σ_Mott v/S) + offset + width · z, computed
    /// as a log-sum-exp; the derivatives are width times the longitudinal and transverse shares.
    @inline(__always)
    public func logRatio(_ z0: Double, _ z1: Double, _ factors: OutputFactors) -> (value: Double, d0: Double, d1: Double) {
        switch self {
        case .sigmoidScale:
            // log sigmoid(z) = −softplus(−z), written to keep precision deep in the tails, where
            // sigmoid(z) underflows; d/dz log sigmoid(z) = sigmoid(−z).
            let softplus = z0 < -30 ? -z0 : (z0 > 30 ? exp(-z0) : log1p(exp(-z0)))
            return (-softplus, 1 / (1 + exp(z0)), 0)
        case let .logScale(offset, width):
            return (offset + width * z0, width, 0)
        // The unbounded heads keep their own order of additions, so that their files predict bit for
        // bit as before the bound existed.
        case let .referenceScale(offset, width, nil):
            return (factors.logReference + offset + width * z0, width, 0)
        case let .referenceScale(offset, width, bound):
            let (u, du) = Self.boundedCorrection(offset + width * z0, bound: bound)
            return (factors.logReference + u, width * du, 0)
        case let .responses(offset, width), let .referenceResponses(offset, width, nil):
            return Self.logSum(
                factors.logLongitudinal + offset + width * z0, factors.logTransverse + offset + width * z1, dL: width, dT: width)
        case let .referenceResponses(offset, width, bound):
            let (u0, du0) = Self.boundedCorrection(offset + width * z0, bound: bound)
            let (u1, du1) = Self.boundedCorrection(offset + width * z1, bound: bound)
            return Self.logSum(factors.logLongitudinal + u0, factors.logTransverse + u1, dL: width * du0, dT: width * du1)
        }
    }

    /// log(e^{u_L} + e^{u_T}) as a log-sum-exp, u = log(σ_Mott v/S) + log R for each response; the
    /// derivatives are the longitudinal and transverse shares times dL and dT, the derivatives of
    /// the log responses with respect to the network's outputs.
    @inline(__always)
    static func logSum(_ uL: Double, _ uT: Double, dL: Double, dT: Double) -> (value: Double, d0: Double, d1: Double) {
        let m = max(uL, uT)
        // Both responses zero (u = −∞): σ = 0 exactly, and no gradient flows. (A NaN factor, a
        // prior undefined at the point, stays NaN: such a prediction is refused, never 0.)
        if m == -.infinity { return (-.infinity, 0, 0) }
        let eL = exp(uL - m), eT = exp(uT - m), sum = eL + eT
        return (m + log(sum), dL * eL / sum, dT * eT / sum)
    }

    /// A log correction u to a reference, bounded: c tanh(u/c) and its derivative 1 − tanh²(u/c)
    /// (u itself and 1 without a bound). Within the data the network's corrections are a few tens
    /// of percent (u of order 0.1–1, where the two differ by at most 4% of u for c = 3); far outside,
    /// an unbounded network output can multiply the fit by e^{±100} or overflow (measured: a model
    /// of every nucleus gave 10¹⁵ nb/sr/GeV at 7.4 GeV, 84°, ω = 3.4 GeV, where the fit gives 10⁻¹⁶).
    /// The largest bound c a model file or a training config may give (a factor e^100 is no bound
    /// worth the name; beyond it exp overflows).
    public static let largestCorrectionBound = 100.0

    @inline(__always)
    public static func boundedCorrection(_ u: Double, bound: Double?) -> (value: Double, derivative: Double) {
        guard let c = bound else { return (u, 1) }
        let t = tanh(u / c)
        return (c * t, 1 - t * t)
    }

    /// R_L and R_T (GeV⁻¹) from the two outputs of a response head and the point's factors (the
    /// prior's responses); nil for the other heads.
    public func responses(_ z0: Double, _ z1: Double, _ factors: OutputFactors) -> (longitudinal: Double, transverse: Double)? {
        switch self {
        case let .responses(offset, width), let .referenceResponses(offset, width, nil):
            return (exp(factors.logPriorLongitudinal + offset + width * z0), exp(factors.logPriorTransverse + offset + width * z1))
        case let .referenceResponses(offset, width, bound):
            return (
                exp(factors.logPriorLongitudinal + Self.boundedCorrection(offset + width * z0, bound: bound).value),
                exp(factors.logPriorTransverse + Self.boundedCorrection(offset + width * z1, bound: bound).value)
            )
        case .sigmoidScale, .logScale, .referenceScale: return nil
        }
    }

    public var name: String {
        switch self {
        case .sigmoidScale: "sigmoid × S(E,θ)"
        case .logScale: "exp × S(E,θ)"
        case .responses: "σ_Mott (v_L R_L + v_T R_T), R = exp"
        case .referenceScale(_, _, nil): "exp × Bosted–Mamyan"
        case let .referenceScale(_, _, c?): "exp(\(c) tanh(·/\(c))) × Bosted–Mamyan"
        case .referenceResponses(_, _, nil): "σ_Mott (v_L R_L + v_T R_T), R = R_BM exp"
        case let .referenceResponses(_, _, c?): "σ_Mott (v_L R_L + v_T R_T), R = R_BM exp(\(c) tanh(·/\(c)))"
        }
    }
}

/// The per-point constants an output transform needs besides the network's outputs, relative to
/// S(E, θ): for the response head what the electron's angle contributes, log(σ_Mott v_L / S) and
/// log(σ_Mott v_T / S), so that σ/S = e^{logLongitudinal} R_L + e^{logTransverse} R_T; for the
/// reference prior log(σ_ref/S), the reference model's cross section.
public struct OutputFactors: Sendable {
    public var logLongitudinal: Double
    public var logTransverse: Double
    public var logReference: Double
    /// log R_L and log R_T of the prior (the Bosted–Mamyan responses), included in the two above;
    /// 0 for the response head without a prior.
    public var logPriorLongitudinal = 0.0
    public var logPriorTransverse = 0.0

    /// The response head's factors at `k`.
    public init(_ k: Kinematics) {
        let logMott = log(k.mottCrossSection) - log(k.crossSectionScale)
        logLongitudinal = logMott + log(k.longitudinalFactor)
        logTransverse = logMott + log(k.transverseFactor)
        logReference = 0
    }

    /// The factors `output` needs at `k` for a model of `nucleus` (NaN where the reference is not
    /// defined: such a prediction is refused, never guessed).
    public init(_ k: Kinematics, output: OutputTransform, nucleus: Nucleus?) {
        switch output {
        case .sigmoidScale, .logScale: self = .none
        case .responses: self.init(k)
        case .referenceScale:
            let σ = nucleus.flatMap { BostedMamyan().crossSection(k, nucleus: $0) }
            self.init(logLongitudinal: 0, logTransverse: 0, logReference: σ.map { log($0) - log(k.crossSectionScale) } ?? .nan)
        case .referenceResponses:
            self.init(k)
            let prior = nucleus.flatMap { BostedMamyan().responses(k, nucleus: $0) }
            logPriorLongitudinal = prior.map { log($0.longitudinal) } ?? .nan
            logPriorTransverse = prior.map { log($0.transverse) } ?? .nan
            logLongitudinal += logPriorLongitudinal
            logTransverse += logPriorTransverse
        }
    }

    /// For the heads that use none.
    public static let none = OutputFactors(logLongitudinal: 0, logTransverse: 0, logReference: 0)

    init(logLongitudinal: Double, logTransverse: Double, logReference: Double) {
        self.logLongitudinal = logLongitudinal
        self.logTransverse = logTransverse
        self.logReference = logReference
    }
}

extension OutputTransform {
    /// An any-target response head's responses are per nucleon: R = A exp(offset + width z). log A
    /// is added to the offset when the model is bound to a nucleus (`shifted(by:)`), and to the
    /// factors of each point in training. The reference heads scale with the nucleus through the
    /// Bosted–Mamyan fit, and need nothing.
    public func anyTargetLogScale(_ nucleus: Nucleus) -> Double {
        switch self {
        case .responses: log(Double(nucleus.A))
        case .sigmoidScale, .logScale, .referenceScale, .referenceResponses: 0
        }
    }

    /// The transform with `delta` added to its offset (the sigmoid has none and is returned as is).
    public func shifted(by delta: Double) -> OutputTransform {
        guard delta != 0 else { return self }
        switch self {
        case .sigmoidScale: return self
        case let .logScale(offset, width): return .logScale(offset: offset + delta, width: width)
        case let .responses(offset, width): return .responses(offset: offset + delta, width: width)
        case let .referenceScale(offset, width, bound): return .referenceScale(offset: offset + delta, width: width, bound: bound)
        case let .referenceResponses(offset, width, bound): return .referenceResponses(offset: offset + delta, width: width, bound: bound)
        }
    }

    /// The per-point constants of `points` for a model of `nucleus`.
    public func factors(_ points: [Kinematics], nucleus: Nucleus?) -> [OutputFactors] {
        points.map { OutputFactors($0, output: self, nucleus: nucleus) }
    }

    /// log σ of every point from the network outputs `z` (N × `outputCount`, row-major) and the
    /// points' factors (`factors(_:nucleus:)`, computed once for all members of an ensemble).
    public func logCrossSections(_ points: [Kinematics], factors: [OutputFactors], outputs z: [Double]) -> [Double] {
        let c = outputCount
        return points.indices.map { i in
            log(points[i].crossSectionScale) + logRatio(z[i * c], c == 2 ? z[i * c + 1] : 0, factors[i]).value
        }
    }

    /// R_L and R_T of every point from the outputs of a response head; nil for the other heads.
    public func responses(factors: [OutputFactors], outputs z: [Double]) -> [(longitudinal: Double, transverse: Double)]? {
        guard outputCount == 2 else { return nil }
        return factors.indices.compactMap { i in responses(z[2 * i], z[2 * i + 1], factors[i]) }
    }
}
