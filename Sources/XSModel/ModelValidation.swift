import XSData
import XSNN

/// What a model file's metadata must satisfy before the model predicts anything: the checks after
/// the checksum that `ModelFile` cannot make, because the metadata is ours. Each refusal names the
/// field (`ModelFileError.invalid`).
extension ModelInfo {
    /// The Monte-Carlo dropout passes a file may ask for per point: each pass is a thinned copy
    /// of the network, so 10,000 passes of even a tiny network take tens of milliseconds for
    /// one point (65,536 passes took over a second under the fuzzer); models use 100.
    public static let monteCarloSampleLimit = 1...10_000

    public func validate(networks: [Network]) throws {
        func refuse(_ field: String, _ why: String) -> ModelFileError { .invalid(field: field, why: why) }
        func finite(_ values: [Double], _ field: String) throws {
            if let j = values.firstIndex(where: { !$0.isFinite }) { throw refuse("\(field)[\(j)]", "is \(values[j]), not a finite number") }
        }
        guard !networks.isEmpty else { throw ModelFileError.mismatch("the file holds no network") }
        let n = input.features.count
        guard input.mean.count == n else { throw refuse("input.mean", "has \(input.mean.count) values for \(n) features") }
        guard input.scale.count == n else { throw refuse("input.scale", "has \(input.scale.count) values for \(n) features") }
        try finite(input.mean, "input.mean")
        if let j = input.scale.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw refuse("input.scale[\(j)]", "is \(input.scale[j]); a scale is a finite number > 0")
        }
        for (i, net) in networks.enumerated() {
            guard net.spec.inputFeatures == n else {
                throw ModelFileError.mismatch(
                    "network \(i) takes \(net.spec.inputFeatures) inputs, the feature set \(input.features.rawValue) has \(n)")
            }
            guard net.spec.outputFeatures == output.outputCount else {
                throw refuse(
                    "members[\(i)].architecture.outputFeatures",
                    "is \(net.spec.outputFeatures), not \(output.outputCount) (the output `\(output.name)`)")
            }
        }
        if let (field, offset, width) = output.standardization { try finite([offset, width], "output.\(field)") }
        switch output {
        case let .referenceScale(_, _, c?), let .referenceResponses(_, _, c?):
            guard c > 0 && c <= OutputTransform.largestCorrectionBound else {
                throw refuse(
                    "output.\(output.standardization!.field).bound", "is \(c); must be in (0, \(Int(OutputTransform.largestCorrectionBound))]")
            }
        default: break
        }
        if output.usesReference, !isAnyTarget, !BostedMamyan.covers(nucleusNamed: nucleus) {
            throw refuse("output.\(output.standardization?.field ?? "")", "needs a nucleus with A > 2, not \(nucleus)")
        }
        // The angle must enter through v_L and v_T alone (see `TrainingConfig.validate`).
        if output.outputCount == 2, !input.features.isFunctionOfMomentumAndEnergyTransfer {
            throw refuse(
                "input.features", "is \(input.features.rawValue); the response head needs `responses`, `any-target`, `kinematic` or `kinematic-coded`"
            )
        }
        if selection.isAnyTarget && !input.features.isFunctionOfMomentumAndEnergyTransfer {
            throw refuse(
                "input.features",
                "is \(input.features.rawValue) for a selection of every nucleus; that needs `any-target`, `responses`, `kinematic` or `kinematic-coded`"
            )
        }
        if input.features == .kinematicCoded {
            guard let coded = input.codedNuclei, !coded.isEmpty, coded.allSatisfy({ Nucleus(name: $0) != nil }) else {
                throw refuse("input.codedNuclei", "must name the nuclei the `kinematic-coded` features have a code for")
            }
        }
        if input.features.describesNucleus {
            if isAnyTarget {
                guard input.target == nil else {
                    throw refuse("input.target", "is set in a model of every nucleus; it names the nucleus of a bound one")
                }
            } else {
                guard let target = input.target, target.nucleus.name == nucleus, target.features.allSatisfy(\.isFinite) else {
                    throw refuse("input.target", "does not describe \(nucleus)")
                }
            }
        }
        if input.features.usesStoredFermiGas {
            guard let gas = input.fermiGas else { throw refuse("input.fermiGas", "is missing; the `responses` features need k_F and E_s") }
            guard gas.fermiMomentum > 0 && gas.fermiMomentum < 1 && gas.energyShift.isFinite && abs(gas.energyShift) < 1 else {
                throw refuse(
                    "input.fermiGas", "is k_F = \(gas.fermiMomentum) GeV, E_s = \(gas.energyShift) GeV; need 0 < k_F < 1 GeV and |E_s| < 1 GeV")
            }
        }
        for (k, fit) in normalizations.enumerated() {
            guard fit.lambda > 0 && fit.lambda.isFinite else {
                throw refuse("normalizations[\(k)].lambda", "is \(fit.lambda), not a finite number > 0")
            }
            guard fit.uncertainty > 0 && fit.uncertainty.isFinite else {
                throw refuse("normalizations[\(k)].uncertainty", "is \(fit.uncertainty), not a finite number > 0")
            }
        }
        if let samples = monteCarloSamples, !Self.monteCarloSampleLimit.contains(samples) {
            throw refuse("monteCarloSamples", "is \(samples), outside 1…10,000")
        }
        if let members, members.count != networks.count {
            throw refuse("members", "records \(members.count) members for \(networks.count) networks")
        }
        do { try config.validate() } catch TrainingConfigError.outOfRange(let field, let requirement) {
            throw refuse("config.\(field)", requirement)
        }
        do { try selection.validate() } catch SelectionError.outOfRange(let field, let requirement) {
            throw refuse("selection.\(field)", requirement)
        }
        try finite(domain.bounds, "domain")
        for (name, box) in (nucleusDomains ?? [:]).sorted(by: { $0.key < $1.key }) {
            try ModelFileError.checkNucleusKey(name, field: "nucleusDomains")
            try finite(box.bounds, "nucleusDomains.\(name)")
        }
        if let calibration { try calibration.validate() }
        if let referenceCommittee {
            try referenceCommittee.validate()
            if let problem = ReferenceCommittee.problem(forModel: self, networks: networks.count) {
                throw refuse("referenceCommittee", problem.description)
            }
        }
    }
}

extension UncertaintyCalibration {
    func validate() throws {
        for (name, factor) in [("atMeasuredSettings", atMeasuredSettings), ("elsewhere", elsewhere), ("unseenNucleus", unseenNucleus)] {
            if let c = factor?.scale, !(c > 0 && c.isFinite) {
                throw ModelFileError.invalid(field: "calibration.\(name).scale", why: "is \(c), not a finite number > 0")
            }
            // The card and every tool print the interval as two factors over a count of spectra.
            guard let factor, factor.scaleInterval != nil || factor.scaleIntervalSpectra != nil else { continue }
            guard let range = factor.scaleInterval, range.count == 2, range.allSatisfy({ $0 >= 0 && $0.isFinite }), range[0] <= range[1] else {
                throw ModelFileError.invalid(
                    field: "calibration.\(name).scaleInterval",
                    why: "is \(factor.scaleInterval.map { "\($0)" } ?? "missing"), not two finite factors ≥ 0 in increasing order")
            }
            guard let spectra = factor.scaleIntervalSpectra, spectra >= 2 else {
                throw ModelFileError.invalid(
                    field: "calibration.\(name).scaleIntervalSpectra",
                    why: "is \(factor.scaleIntervalSpectra.map { "\($0)" } ?? "missing"); the interval resamples at least 2 spectra")
            }
        }
        if let k = crossFittingFolds, k < 2 {
            throw ModelFileError.invalid(field: "calibration.crossFittingFolds", why: "is \(k); cross-fitting has at least 2 folds")
        }
        try measuredSettings.validate(field: "calibration.measuredSettings")
    }
}

extension ModelFileError {
    /// A key of a by-nucleus table (`nucleusDomains`, `byNucleus`) must name a nucleus.
    static func checkNucleusKey(_ key: String, field: String) throws {
        guard Nucleus(name: key) == nil else { return }
        throw ModelFileError.invalid(field: field, why: "names \"\(key)\", not a nucleus (C12, Ar40, …)")
    }
}

extension MeasuredSettings {
    /// `contains` reads finite (E, θ) pairs sorted by E; `field` names them in the error.
    func validate(field: String) throws {
        try Self.validate(settings, field: "\(field).settings")
        for (nucleus, own) in (byNucleus ?? [:]).sorted(by: { $0.key < $1.key }) {
            try ModelFileError.checkNucleusKey(nucleus, field: "\(field).byNucleus")
            try Self.validate(own, field: "\(field).byNucleus.\(nucleus)")
        }
    }

    private static func validate(_ settings: [[Double]], field: String) throws {
        for (i, s) in settings.enumerated() where s.count != 2 || !s.allSatisfy(\.isFinite) {
            throw ModelFileError.invalid(field: "\(field)[\(i)]", why: "is not a finite (E, θ) pair")
        }
        if let i = settings.indices.dropFirst().first(where: { settings[$0 - 1][0] > settings[$0][0] }) {
            throw ModelFileError.invalid(field: "\(field)[\(i)]", why: "is out of order (the settings are sorted by E)")
        }
    }
}

extension ReferenceCommittee {
    func validate() throws {
        do { _ = try validated() } catch let problem as Problem {
            let field = if case .unknownReference = problem { "referenceCommittee.reference" } else { "referenceCommittee.referenceRelativeError" }
            throw ModelFileError.invalid(field: field, why: problem.description)
        }
        try measuredSettings.validate(field: "referenceCommittee.measuredSettings")
    }
}
