import Foundation
import XSCore
import XSDataResources

/// One measured inclusive cross section: the project's data schema (a row of `points.csv`).
public struct ScatteringPoint: Hashable, Sendable {
    public var nucleus: Nucleus
    /// Beam energy E in GeV.
    public var beamEnergy: Double
    /// Scattering angle θ in degrees.
    public var angleDegrees: Double
    /// Energy transfer ω in GeV.
    public var energyTransfer: Double
    /// d²σ/dΩdω per nucleus in nb/sr/GeV.
    public var crossSection: Double
    /// Its quoted (point-to-point) uncertainty in nb/sr/GeV.
    public var crossSectionError: Double
    /// The data set it belongs to: the archive's citation key, e.g. `Barreau:1983ht`.
    public var dataset: String

    public init(
        nucleus: Nucleus, beamEnergy: Double, angleDegrees: Double, energyTransfer: Double,
        crossSection: Double, crossSectionError: Double, dataset: String
    ) {
        self.nucleus = nucleus
        self.beamEnergy = beamEnergy
        self.angleDegrees = angleDegrees
        self.energyTransfer = energyTransfer
        self.crossSection = crossSection
        self.crossSectionError = crossSectionError
        self.dataset = dataset
    }

    public var kinematics: Kinematics {
        Kinematics(beamEnergy: beamEnergy, angleDegrees: angleDegrees, energyTransfer: energyTransfer)
    }

    /// A spectrum: the (data set, E, θ) setting this point was measured at.
    public var spectrum: SpectrumKey { SpectrumKey(nucleus: nucleus, dataset: dataset, beamEnergy: beamEnergy, angleDegrees: angleDegrees) }
}

/// One (E, θ) setting of one data set: the unit the held-out-spectra split keeps whole.
public struct SpectrumKey: Hashable, Comparable, Sendable {
    public var nucleus: Nucleus
    public var dataset: String
    public var beamEnergy: Double
    public var angleDegrees: Double

    public init(nucleus: Nucleus, dataset: String, beamEnergy: Double, angleDegrees: Double) {
        self.nucleus = nucleus
        self.dataset = dataset
        self.beamEnergy = beamEnergy
        self.angleDegrees = angleDegrees
    }

    public static func < (l: SpectrumKey, r: SpectrumKey) -> Bool {
        (l.nucleus, l.dataset, l.beamEnergy, l.angleDegrees) < (r.nucleus, r.dataset, r.beamEnergy, r.angleDegrees)
    }
}

/// A data set k of one nucleus: a row of `datasets.csv`.
public struct DatasetInfo: Hashable, Sendable {
    public var key: String
    public var nucleus: Nucleus
    public var reference: String
    public var points: Int
    public var energyRange: ClosedRange<Double>
    public var angleRange: ClosedRange<Double>
    public var energyTransferRange: ClosedRange<Double>
    /// The normalization uncertainty Δλ_k as a fraction (0.04 for 4%).
    public var normalizationUncertainty: Double
    /// Where Δλ_k comes from.
    public var normalizationSource: String
}

/// Errors in a user's data file: always with file, line and why.
public struct DataFileError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public var file: String
    public var line: Int
    public var reason: String
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
    /// `file:line: reason`, on one line however long the quoted field.
    public var description: String { (line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)").oneLine(limit: 400) }
    public var errorDescription: String? { description }
}

/// The curated cross-section data: points and the data sets they belong to.
public struct ScatteringData: Sendable {
    public var points: [ScatteringPoint]
    public var datasets: [DatasetInfo]

    public init(points: [ScatteringPoint], datasets: [DatasetInfo]) {
        self.points = points
        self.datasets = datasets
    }

    /// The data set shipped with xsnet (`Data/points.csv`, `Data/datasets.csv`, bundled as resources).
    public static func bundled() throws -> ScatteringData {
        guard let points = BundledData.pointsURL, let datasets = BundledData.datasetsURL else {
            throw DataFileError(
                file: "points.csv", line: 0, reason: "the bundled data set is missing from this build (run `xsnet data import` and rebuild)")
        }
        return try load(points: points, datasets: datasets)
    }

    /// Loads points in the project schema; `datasets` is optional (a user's own CSV may have none,
    /// then each data set gets the default Δλ).
    public static func load(points: URL, datasets: URL? = nil) throws -> ScatteringData {
        let pts = try PointsCSV.read(points)
        let infos: [DatasetInfo]
        if let datasets {
            infos = try DatasetsCSV.read(datasets)
        } else {
            infos = DatasetsCSV.summarize(points: pts, references: [:])
        }
        return ScatteringData(points: pts, datasets: infos)
    }

    public var nuclei: [Nucleus] { Array(Set(points.map(\.nucleus))).sorted() }

    /// The points of one nucleus, optionally of a few data sets only.
    public func filtered(nucleus: Nucleus? = nil, datasets keys: Set<String>? = nil) -> ScatteringData {
        let pts = points.filter { p in
            (nucleus == nil || p.nucleus == nucleus!) && (keys == nil || keys!.contains(p.dataset))
        }
        let infos = datasets.filter { d in
            (nucleus == nil || d.nucleus == nucleus!) && (keys == nil || keys!.contains(d.key))
        }
        return ScatteringData(points: pts, datasets: infos)
    }

    /// These data with `newer`'s data sets added, each replacing this one's points and row of the
    /// same nucleus and data set (a new version of a data set replaces the old one whole).
    public func replacing(with newer: ScatteringData) -> ScatteringData {
        struct Key: Hashable { var nucleus: Nucleus, dataset: String }
        let replaced = Set(newer.points.map { Key(nucleus: $0.nucleus, dataset: $0.dataset) })
        return ScatteringData(
            points: points.filter { !replaced.contains(Key(nucleus: $0.nucleus, dataset: $0.dataset)) } + newer.points,
            datasets: datasets.filter { !replaced.contains(Key(nucleus: $0.nucleus, dataset: $0.key)) } + newer.datasets)
    }

    /// Δλ_k of a data set of a nucleus, or the default where the data set is not listed.
    public func normalizationUncertainty(nucleus: Nucleus, dataset: String) -> Double {
        datasets.first { $0.nucleus == nucleus && $0.key == dataset }?.normalizationUncertainty
            ?? NormalizationUncertainties.defaultValue
    }
}
