import Foundation
import XSCore

/// `points.csv`: the project's schema for cross-section points.
public enum PointsCSV {
    public static let header = "nucleus,Z,A,E_GeV,theta_deg,omega_GeV,sigma_nb_per_sr_GeV,error_nb_per_sr_GeV,dataset"

    /// Shortest text that reads back as the same Double: deterministic, exact.
    static func number(_ x: Double) -> String { "\(x)" }

    public static func text(_ points: [ScatteringPoint]) -> String {
        var out = header + "\n"
        out.reserveCapacity(points.count * 80)
        for p in points {
            let fields = [
                p.nucleus.name, "\(p.nucleus.Z)", "\(p.nucleus.A)", number(p.beamEnergy), number(p.angleDegrees),
                number(p.energyTransfer), number(p.crossSection), number(p.crossSectionError),
                TextTable.csvField(p.dataset)
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    public static func write(_ points: [ScatteringPoint], to url: URL) throws {
        try AtomicFile.write(text(points), to: url)
    }

    public static func read(_ url: URL) throws -> [ScatteringPoint] {
        let name = url.path
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DataFileError(file: name, line: 0, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try parse(text, file: name)
    }

    /// Parses points; the first bad row refuses the whole file with `file:line: reason`.
    public static func parse(_ text: String, file: String) throws -> [ScatteringPoint] {
        let lines = numberedLines(text)
        guard let first = lines.first else { throw DataFileError(file: file, line: 0, reason: "empty file (expected the header `\(header)`)") }
        guard first.text.trimmingCharacters(in: .whitespaces) == header else {
            throw DataFileError(file: file, line: first.number, reason: "unexpected header; expected `\(header)`")
        }
        var points: [ScatteringPoint] = []
        for (number, line) in lines.dropFirst() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            func fail(_ why: String) -> DataFileError { DataFileError(file: file, line: number, reason: why) }
            guard let fields = splitCSVLine(line) else { throw fail("unterminated quoted field") }
            guard fields.count == 9 else { throw fail("expected 9 columns, found \(fields.count)") }
            guard let z = Int(fields[1]), let a = Int(fields[2]), z > 0, a >= z else {
                throw fail("Z and A must be whole numbers with 0 < Z ≤ A (got `\(fields[1])`, `\(fields[2])`)")
            }
            let nucleus = Nucleus(Z: z, A: a)
            guard Nucleus(name: fields[0]) == nucleus else {
                throw fail("nucleus `\(fields[0])` does not match Z=\(z), A=\(a) (expected \(nucleus.name))")
            }
            let names = ["E_GeV", "theta_deg", "omega_GeV", "sigma_nb_per_sr_GeV", "error_nb_per_sr_GeV"]
            var values: [Double] = []
            for (i, column) in names.enumerated() {
                let field = fields[3 + i].trimmingCharacters(in: .whitespaces)
                guard let v = Double(field) else { throw fail("\(column) is not a number: `\(field)`") }
                guard v.isFinite else { throw fail("\(column) is not finite: `\(field)`") }
                values.append(v)
            }
            if let why = Kinematics.unphysicalReason(beamEnergy: values[0], angleDegrees: values[1], energyTransfer: values[2]) {
                throw fail(why)
            }
            guard values[3] > 0 else { throw fail("cross section must be > 0 (got \(values[3]))") }
            guard values[4] > 0 else { throw fail("uncertainty must be > 0 (got \(values[4]))") }
            let key = fields[8].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw fail("empty data-set key") }
            points.append(
                ScatteringPoint(
                    nucleus: nucleus, beamEnergy: values[0], angleDegrees: values[1], energyTransfer: values[2],
                    crossSection: values[3], crossSectionError: values[4], dataset: key))
        }
        guard !points.isEmpty else { throw DataFileError(file: file, line: 0, reason: "no data rows after the header") }
        return points
    }
}

/// `datasets.csv`: one row per data set of a nucleus.
public enum DatasetsCSV {
    public static let header =
        "dataset,nucleus,Z,A,reference,points,E_min_GeV,E_max_GeV,theta_min_deg,theta_max_deg,omega_min_GeV,omega_max_GeV,norm_uncertainty,norm_source"

    /// One `DatasetInfo` per (nucleus, data set) in `points`, with references looked up by key.
    public static func summarize(points: [ScatteringPoint], references: [String: String]) -> [DatasetInfo] {
        var groups: [String: [ScatteringPoint]] = [:]
        var order: [(Nucleus, String)] = []
        for p in points {
            let id = "\(p.nucleus.name)|\(p.dataset)"
            if groups[id] == nil { order.append((p.nucleus, p.dataset)) }
            groups[id, default: []].append(p)
        }
        return order.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { nucleus, key in
            let pts = groups["\(nucleus.name)|\(key)"]!
            let norm = NormalizationUncertainties.value(dataset: key, nucleus: nucleus)
            func range(_ f: (ScatteringPoint) -> Double) -> ClosedRange<Double> {
                let v = pts.map(f)
                return v.min()!...v.max()!
            }
            return DatasetInfo(
                key: key, nucleus: nucleus, reference: references[key] ?? "not in citations.bib",
                points: pts.count, energyRange: range(\.beamEnergy), angleRange: range(\.angleDegrees),
                energyTransferRange: range(\.energyTransfer),
                normalizationUncertainty: norm.value, normalizationSource: norm.source)
        }
    }

    public static func text(_ datasets: [DatasetInfo]) -> String {
        let n = PointsCSV.number
        var out = header + "\n"
        for d in datasets {
            out +=
                [
                    d.key, d.nucleus.name, "\(d.nucleus.Z)", "\(d.nucleus.A)", d.reference, "\(d.points)",
                    n(d.energyRange.lowerBound), n(d.energyRange.upperBound), n(d.angleRange.lowerBound), n(d.angleRange.upperBound),
                    n(d.energyTransferRange.lowerBound), n(d.energyTransferRange.upperBound),
                    n(d.normalizationUncertainty), d.normalizationSource
                ].map(TextTable.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func read(_ url: URL) throws -> [DatasetInfo] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DataFileError(file: url.path, line: 0, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try parse(text, file: url.path)
    }

    /// Parses data-set rows; the first bad row refuses the whole file with `file:line: reason`.
    public static func parse(_ text: String, file: String) throws -> [DatasetInfo] {
        let lines = numberedLines(text)
        guard let first = lines.first, first.text == header else {
            throw DataFileError(file: file, line: 1, reason: "unexpected header; expected `\(header)`")
        }
        return try lines.dropFirst().map { number, line in
            func fail(_ why: String) -> DataFileError { DataFileError(file: file, line: number, reason: why) }
            guard let f = splitCSVLine(line), f.count == 14 else { throw fail("expected 14 columns") }
            guard let z = Int(f[2]), let a = Int(f[3]), let count = Int(f[5]) else { throw fail("Z, A and points must be whole numbers") }
            let d = f[6...12].map { Double($0) }
            guard d.allSatisfy({ $0 != nil && $0!.isFinite }) else { throw fail("ranges and norm_uncertainty must be finite numbers") }
            let v = d.map { $0! }
            guard v[0] <= v[1], v[2] <= v[3], v[4] <= v[5], v[6] > 0 else { throw fail("empty range or non-positive norm_uncertainty") }
            return DatasetInfo(
                key: f[0], nucleus: Nucleus(Z: z, A: a), reference: f[4], points: count,
                energyRange: v[0]...v[1], angleRange: v[2]...v[3], energyTransferRange: v[4]...v[5],
                normalizationUncertainty: v[6], normalizationSource: f[13])
        }
    }
}
