import Foundation
import XSCore
import XSData
import XSNN

/// Which points a model is trained and tested on: a nucleus, its data sets, a low-ω cut and a split.
public struct DataSelection: Codable, Hashable, Sendable {
    public var nucleus: String
    /// Data sets to use; nil means the default for the nucleus (for carbon, the data sets of
    /// Kowal et al. 2024 present in the data, which leaves out Zeller:1973ge; otherwise all).
    public var datasets: [String]?
    /// Points with ω below this (GeV) are left out: the elastic peak and discrete nuclear
    /// excitations, which a smooth network should not chase (Kowal et al. cut them likewise).
    public var minimumEnergyTransfer: Double
    public var splitMethod: DataSplit.Method
    public var testFraction: Double
    public var splitSeed: UInt64
    /// Fraction of all points moved from training into a validation part (chosen like the test
    /// part, seed splitSeed + 1) on which the uncertainty is calibrated; 0 for none.
    public var validationFraction: Double
    /// Fraction of the training part's spectra moved whole into the validation part (interior
    /// spectra only, seed splitSeed + 2): the validation points away from measured settings.
    public var validationSpectraFraction: Double

    public init(
        nucleus: String, datasets: [String]? = nil, minimumEnergyTransfer: Double = 0.02,
        splitMethod: DataSplit.Method = .random, testFraction: Double = 0.1, splitSeed: UInt64 = 0,
        validationFraction: Double = 0, validationSpectraFraction: Double = 0
    ) {
        self.nucleus = nucleus
        self.datasets = datasets
        self.minimumEnergyTransfer = minimumEnergyTransfer
        self.splitMethod = splitMethod
        self.testFraction = testFraction
        self.splitSeed = splitSeed
        self.validationFraction = validationFraction
        self.validationSpectraFraction = validationSpectraFraction
    }

    enum CodingKeys: String, CodingKey {
        case nucleus, datasets, minimumEnergyTransfer, splitMethod, testFraction, splitSeed, validationFraction, validationSpectraFraction
    }

    // A selection without a validation part may leave its fractions out.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            nucleus: try c.decode(String.self, forKey: .nucleus), datasets: try c.decodeIfPresent([String].self, forKey: .datasets),
            minimumEnergyTransfer: try c.decode(Double.self, forKey: .minimumEnergyTransfer),
            splitMethod: try c.decode(DataSplit.Method.self, forKey: .splitMethod), testFraction: try c.decode(Double.self, forKey: .testFraction),
            splitSeed: try c.decode(UInt64.self, forKey: .splitSeed),
            validationFraction: try c.decodeIfPresent(Double.self, forKey: .validationFraction) ?? 0,
            validationSpectraFraction: try c.decodeIfPresent(Double.self, forKey: .validationSpectraFraction) ?? 0)
    }

    /// The carbon data sets of Kowal et al. (2024) (Dai2018 is not in the archive copies).
    public static let paperCarbonDatasets = NormalizationUncertainties.carbonKowal2024.keys.sorted()
}

/// The selected points, what the cut removed, and the split.
public struct SelectedData: Sendable {
    public var selection: DataSelection
    public var points: [ScatteringPoint]
    /// Δλ_k per data set key.
    public var normalizationUncertainty: [String: Double]
    /// Points removed by the ω cut, per data set.
    public var removedByCut: [String: Int]
    public var split: DataSplit
    /// FNV-1a hash of the selected points in the CSV schema: identifies the training data.
    public var dataHash: String
    /// Data sets of the nucleus in the data that the selection left out, with their points (for
    /// carbon by default, those not in Kowal et al. 2024): reported, not dropped silently.
    public var datasetsLeftOut: [String: Int] = [:]

    public var datasetKeys: [String] { Array(Set(points.map(\.dataset))).sorted() }
}

public enum SelectionError: Error, CustomStringConvertible, LocalizedError {
    case unknownNucleus(String, available: [String])
    case unknownDatasets([String], available: [String])
    case tooFewPoints(Int)
    case noTrainingPoints
    case nothingHeldOut(String)
    case outOfRange(field: String, requirement: String)
    case dataChanged(expected: String, found: String)

    public var description: String {
        switch self {
        case let .outOfRange(field, requirement): "the data selection's `\(field)` \(requirement)"
        case .noTrainingPoints: "the split leaves no points to train on: lower --test-fraction or the validation fractions, or hold out less"
        case .nothingHeldOut(let method): "the split `\(method.oneLine(limit: 120))` holds out no point of the selected data: nothing to test on"
        case let .unknownNucleus(n, available): "no data for nucleus `\(n.oneLine(limit: 80))`; the data hold \(available.joined(separator: ", "))"
        case let .unknownDatasets(keys, available):
            "unknown data set(s) \(keys.joined(separator: ", ").oneLine(limit: 200)); available: \(available.joined(separator: ", "))"
        case let .tooFewPoints(n): "only \(n) points left after the selection: too few to train and test on"
        case let .dataChanged(expected, found):
            "the data differ from those the model was trained on (hash \(found), model says \(expected)); the stored split no longer applies"
        }
    }
    public var errorDescription: String? { description }
}

extension DataSelection {
    /// Throws `SelectionError.outOfRange` naming the first field out of range (the split functions
    /// take these fractions as preconditions; a file or a flag must not reach them unchecked).
    public func validate() throws {
        func require(_ ok: Bool, _ field: String, _ requirement: String) throws {
            if !ok { throw SelectionError.outOfRange(field: field, requirement: requirement) }
        }
        try require((0..<1).contains(testFraction), "testFraction", "must be in [0, 1)")
        try require((0..<1).contains(validationFraction), "validationFraction", "must be in [0, 1)")
        try require((0..<1).contains(validationSpectraFraction), "validationSpectraFraction", "must be in [0, 1)")
        try require(testFraction + validationFraction < 1, "validationFraction", "must leave points to train on with testFraction")
        try require(minimumEnergyTransfer >= 0 && minimumEnergyTransfer.isFinite, "minimumEnergyTransfer", "must be a finite number ≥ 0 (GeV)")
    }

    /// The nucleus name of a selection of every nucleus with A ≥ 3 (an any-target model).
    public static let anyTarget = "any"

    /// Whether the selection holds every nucleus with A ≥ 3 (its data-set keys are then
    /// `<nucleus>/<data set>`, `Fe56/Day:1993md`: an experiment's λ_k is fitted per nucleus).
    public var isAnyTarget: Bool { nucleus == Self.anyTarget }

    /// The smallest mass number an any-target selection holds: ²H and ³H are left out (the
    /// deuteron's and triton's responses are not those of a nucleus with a Fermi sea).
    public static let anyTargetMinimumMassNumber = 3

    /// Whether a model of every nucleus describes `nucleus`: A ≥ 3, not hydrogen, Z ≤ A (what its
    /// selection holds, and what it may be bound to).
    public static func describesInAnyTarget(_ nucleus: Nucleus) -> Bool {
        nucleus.A >= anyTargetMinimumMassNumber && nucleus.Z > 1 && nucleus.Z <= nucleus.A
    }

    /// The data-set key a point has in this selection.
    public func key(_ p: ScatteringPoint) -> String { isAnyTarget ? "\(p.nucleus.name)/\(p.dataset)" : p.dataset }

    /// The data's own data-set name of a key of this selection for a point of `nucleus` (the inverse of `key`).
    public func dataset(ofKey key: String, nucleus: Nucleus) -> String { isAnyTarget ? String(key.dropFirst(nucleus.name.count + 1)) : key }

    /// The nucleus named by a key of this selection: its `<nucleus>/` prefix in a selection of every
    /// nucleus; nil in a selection of one nucleus, whose keys carry none.
    public func nucleus(ofKey key: String) -> Nucleus? {
        isAnyTarget ? key.split(separator: "/").first.flatMap { Nucleus(name: String($0)) } : nil
    }

    /// Applies the selection to the data.
    public func apply(to data: ScatteringData) throws -> SelectedData {
        try validate()
        let nuclei: [Nucleus]
        if isAnyTarget {
            nuclei = data.nuclei.filter(Self.describesInAnyTarget)
        } else {
            guard let nucleus = Nucleus(name: nucleus), data.nuclei.contains(nucleus) else {
                throw SelectionError.unknownNucleus(self.nucleus, available: data.nuclei.map(\.name) + [Self.anyTarget])
            }
            nuclei = [nucleus]
        }
        guard !nuclei.isEmpty else { throw SelectionError.unknownNucleus(nucleus, available: data.nuclei.map(\.name)) }
        let nucleusSet = Set(nuclei)
        let all = data.points.filter { nucleusSet.contains($0.nucleus) }
        // Per nucleus, its default data sets: for carbon those of Kowal et al. 2024, all for the others.
        var defaults = Set<String>()
        for p in all where p.nucleus != Nucleus(Z: 6, A: 12) || Self.paperCarbonDatasets.contains(p.dataset) { defaults.insert(key(p)) }
        let available = Set(all.map(key))
        let wanted: Set<String>
        if let datasets {
            let unknown = datasets.filter { !available.contains($0) }
            guard unknown.isEmpty else { throw SelectionError.unknownDatasets(unknown, available: available.sorted()) }
            wanted = Set(datasets)
        } else {
            wanted = defaults
        }
        var removed: [String: Int] = [:]
        var points: [ScatteringPoint] = []
        for var p in all where wanted.contains(key(p)) {
            p.dataset = key(p)
            if p.energyTransfer < minimumEnergyTransfer {
                removed[p.dataset, default: 0] += 1
            } else {
                points.append(p)
            }
        }
        guard points.count >= 10 else { throw SelectionError.tooFewPoints(points.count) }
        let testSplit: DataSplit =
            switch splitMethod {
            // Every nucleus of an any-target selection gets its own share of test points.
            case .random where isAnyTarget: .random(groups: points.map(\.nucleus), testFraction: testFraction, seed: splitSeed)
            case .random: .random(count: points.count, testFraction: testFraction, seed: splitSeed)
            case .spectra: .heldOutSpectra(points: points, testFraction: testFraction, seed: splitSeed)
            case .interiorSpectra: .heldOutSpectra(points: points, testFraction: testFraction, seed: splitSeed, interiorOnly: true)
            case .leaveOut, .angleAbove, .angleBelow, .energyAbove, .leaveOutNucleus: .heldOutByRule(points: points, method: splitMethod)
            }
        if case .leaveOut(let key) = splitMethod, !wanted.contains(key),
            !wanted.contains(where: { DataSplit.Method.isPart(key: $0, ofExperiment: key) })
        {
            throw SelectionError.unknownDatasets([key], available: wanted.sorted())
        }
        if splitMethod.holdsOutByRule && testSplit.test.isEmpty { throw SelectionError.nothingHeldOut(splitMethod.rawValue) }
        // The validation part is carved from the training part, so the test part does not change.
        let split = testSplit.carvingValidation(
            points: points, fraction: validationFraction, method: splitMethod, seed: splitSeed &+ 1
        )
        .carvingValidation(
            points: points, fraction: validationSpectraFraction, method: .interiorSpectra, seed: splitSeed &+ 2, spectraShareOfTraining: true)
        guard !split.train.isEmpty else { throw SelectionError.noTrainingPoints }
        var uncertainty: [String: Double] = [:]
        for p in all where wanted.contains(key(p)) && uncertainty[key(p)] == nil {
            uncertainty[key(p)] = data.normalizationUncertainty(nucleus: p.nucleus, dataset: p.dataset)
        }
        let hash = PointsCSV.text(points).utf8CString.withUnsafeBytes { ModelFile.fnv1a(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        var leftOut: [String: Int] = [:]
        for p in all where !wanted.contains(key(p)) { leftOut[key(p), default: 0] += 1 }
        return SelectedData(
            selection: self, points: points, normalizationUncertainty: uncertainty, removedByCut: removed,
            split: split, dataHash: String(hash, radix: 16), datasetsLeftOut: leftOut)
    }
}
