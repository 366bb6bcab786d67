import Foundation
import XSCore

/// Imports the Benhar–Day–Sick quasielastic archive copies (see shared PROVENANCE.md) into the
/// project's curated data set.
///
/// Rules:
/// - Every `*.dat` file in every copy folder is read; copies are taken oldest first (the year in
///   the folder name, `genie_2012` before `nuisance_2017`), files in name order.
/// - A row has 8 whitespace-separated columns `Z A E θ ω σ Δσ citation`, or 9 for the
///   Fomin:2010ei rows supplied with two uncertainty columns `… σ c7 c8 citation`; their
///   uncertainty is taken as √(c7² + c8²) (the archive's data page calls them statistical and
///   systematic). `#` starts a comment, on its own line or after the columns.
/// - One point per (nucleus, citation, E, θ, ω). A repeat with the same σ and Δσ is a duplicate
///   (counted: within one file, or the same point in another copy); a repeat with other values is
///   a conflict and is excluded with both places named.
/// - A row is excluded, with its reason, for: wrong column count, non-numeric or non-finite
///   fields, σ ≤ 0, Δσ ≤ 0, E ≤ 0, ω ≤ 0, ω ≥ E, θ outside (0°, 180°).
public struct ArchiveImporter {
    public enum ExclusionReason: String, CaseIterable, Sendable, Comparable {
        case wrongColumnCount = "wrong column count"
        case nonNumeric = "non-numeric field"
        case nonFinite = "non-finite value"
        case nonPositiveCrossSection = "cross section <= 0"
        case nonPositiveError = "uncertainty <= 0"
        case nonPositiveBeamEnergy = "beam energy <= 0"
        case nonPositiveEnergyTransfer = "energy transfer <= 0"
        case energyTransferNotBelowBeam = "energy transfer >= beam energy"
        case angleOutOfRange = "angle outside (0, 180) deg"
        case conflictingRepeat = "conflicting repeat of a kinematic point"

        public static func < (l: Self, r: Self) -> Bool {
            allCases.firstIndex(of: l)! < allCases.firstIndex(of: r)!
        }
    }

    public struct Exclusion: Sendable {
        public var location: String
        public var reason: ExclusionReason
        public var detail: String
    }

    public struct FileCount: Sendable {
        public var file: String
        public var rows = 0
        public var kept = 0
        public var duplicatesWithinFile = 0
        public var duplicatesOfOtherCopy = 0
        public var excluded = 0
        public var nineColumnRows = 0
    }

    public struct Result: Sendable {
        public var points: [ScatteringPoint]
        public var datasets: [DatasetInfo]
        public var files: [FileCount]
        public var exclusions: [Exclusion]

        public var rowsRead: Int { files.reduce(0) { $0 + $1.rows } }
        public var duplicatesWithinFile: Int { files.reduce(0) { $0 + $1.duplicatesWithinFile } }
        public var duplicatesOfOtherCopy: Int { files.reduce(0) { $0 + $1.duplicatesOfOtherCopy } }

        public func excludedCount(_ reason: ExclusionReason) -> Int { exclusions.filter { $0.reason == reason }.count }
    }

    public enum ImportError: Error, CustomStringConvertible, LocalizedError {
        case missingFolder(String)
        case noDataFiles(String)
        public var description: String {
            switch self {
            case .missingFolder(let p): "\(p): no such folder (expected the qes-archive copies, e.g. ../shared/data/qes-archive)"
            case .noDataFiles(let p): "\(p): no *.dat files in its copy folders"
            }
        }
        public var errorDescription: String? { description }
    }

    public let archive: URL

    public init(archive: URL) {
        self.archive = archive
    }

    /// The `*.dat` files, as paths relative to the archive, in import order.
    public func dataFiles() throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: archive.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImportError.missingFolder(archive.path)
        }
        let copies = try FileManager.default.contentsOfDirectory(atPath: archive.path).filter { name in
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: archive.appendingPathComponent(name).path, isDirectory: &dir) && dir.boolValue
        }
        func year(_ name: String) -> Int { Int(name.split(separator: "_").last ?? "") ?? Int.max }
        let ordered = copies.sorted { (year($0), $0) < (year($1), $1) }
        var files: [String] = []
        for copy in ordered {
            let names = try FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent(copy).path)
            files += names.filter { $0.hasSuffix(".dat") }.sorted().map { "\(copy)/\($0)" }
        }
        guard !files.isEmpty else { throw ImportError.noDataFiles(archive.path) }
        return files
    }

    /// Reads `citations.bib` files of the copies into one-line references.
    public func references() throws -> [String: String] {
        var refs: [String: String] = [:]
        for file in try dataFiles().map({ ($0 as NSString).deletingLastPathComponent }).reduce(
            into: [String](), { if !$0.contains($1) { $0.append($1) } })
        {
            let bib = archive.appendingPathComponent(file).appendingPathComponent("citations.bib")
            guard let text = try? String(contentsOf: bib, encoding: .utf8) else { continue }
            for (key, value) in BibTeX.references(text) where refs[key] == nil { refs[key] = value }
        }
        return refs
    }

    private struct PointKey: Hashable {
        var Z: Int, A: Int, citation: String, E: Double, theta: Double, omega: Double
    }

    /// Reads every data file in copy order: each data row becomes a point, a duplicate (counted),
    /// or an exclusion with its `file:line` and reason; then the points are sorted and summarized.
    public func run() throws -> Result {
        var seen: [PointKey: (sigma: Double, error: Double, location: String, file: String)] = [:]
        var points: [ScatteringPoint] = []
        var counts: [FileCount] = []
        var exclusions: [Exclusion] = []
        for file in try dataFiles() {
            var count = FileCount(file: file)
            let text = String(decoding: try Data(contentsOf: archive.appendingPathComponent(file)), as: UTF8.self)
            for (number, tokens) in Self.dataRows(text) {
                count.rows += 1
                let location = "\(file):\(number)"
                let row = Self.read(tokens)
                if row.hasTwoErrorColumns { count.nineColumnRows += 1 }
                var outcome = row.outcome
                if case let .success(point) = outcome {
                    let key = PointKey(
                        Z: point.nucleus.Z, A: point.nucleus.A, citation: point.dataset, E: point.beamEnergy, theta: point.angleDegrees,
                        omega: point.energyTransfer)
                    if let first = seen[key] {
                        let (sigma, error) = (point.crossSection, point.crossSectionError)
                        if first.sigma == sigma && first.error == error {
                            if first.file == file { count.duplicatesWithinFile += 1 } else { count.duplicatesOfOtherCopy += 1 }
                            continue
                        }
                        outcome = .failure(
                            RowExclusion(
                                reason: .conflictingRepeat,
                                detail: "sigma = \(sigma) +- \(error) here, \(first.sigma) +- \(first.error) at \(first.location) (kept)"))
                    } else {
                        seen[key] = (point.crossSection, point.crossSectionError, location, file)
                    }
                }
                switch outcome {
                case .success(let point):
                    count.kept += 1
                    points.append(point)
                case .failure(let why):
                    count.excluded += 1
                    exclusions.append(Exclusion(location: location, reason: why.reason, detail: why.detail))
                }
            }
            counts.append(count)
        }
        points.sort {
            ($0.nucleus, $0.dataset, $0.beamEnergy, $0.angleDegrees, $0.energyTransfer)
                < ($1.nucleus, $1.dataset, $1.beamEnergy, $1.angleDegrees, $1.energyTransfer)
        }
        let datasets = DatasetsCSV.summarize(points: points, references: try references())
        return Result(points: points, datasets: datasets, files: counts, exclusions: exclusions)
    }

    /// The data rows of a file with their line numbers, split at blanks and tabs; a header,
    /// comment (`#` to the end of the line) or blank line is not a data row.
    static func dataRows(_ text: String) -> [(number: Int, tokens: [Substring])] {
        numberedLines(text).compactMap { number, rawLine in
            let line = rawLine.firstIndex(of: "#").map { rawLine[..<$0] } ?? rawLine
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return tokens.isEmpty ? nil : (number, tokens)
        }
    }

    /// Why a data row is not kept, before its reason's `file:line` is known.
    struct RowExclusion: Error {
        var reason: ExclusionReason
        var detail: String
    }

    /// One data row read: Z A E θ ω σ Δσ citation, or Z A E θ ω σ Δσ_stat Δσ_syst citation (the
    /// two uncertainties added in quadrature); the point, or why it is excluded. Whether it has
    /// two uncertainty columns is known once Z and A are read.
    static func read(_ tokens: [Substring]) -> (hasTwoErrorColumns: Bool, outcome: Swift.Result<ScatteringPoint, RowExclusion>) {
        func exclude(_ reason: ExclusionReason, _ detail: String, twoColumns: Bool = false) -> (Bool, Swift.Result<ScatteringPoint, RowExclusion>) {
            (twoColumns, .failure(RowExclusion(reason: reason, detail: detail)))
        }
        let twoErrorColumns = tokens.count == 9 && Double(tokens[8]) == nil
        guard tokens.count == 8 || twoErrorColumns else {
            return exclude(.wrongColumnCount, "\(tokens.count) columns, expected 8 (or 9 with two uncertainty columns)")
        }
        let citation = String(tokens[tokens.count - 1])
        let numeric = Array(tokens.dropLast())
        let values = numeric.map { Double($0) }
        if let bad = values.firstIndex(where: { $0 == nil }) { return exclude(.nonNumeric, "column \(bad + 1) is `\(numeric[bad])`") }
        let v = values.map { $0! }
        if let bad = v.firstIndex(where: { !$0.isFinite }) { return exclude(.nonFinite, "column \(bad + 1) is `\(numeric[bad])`") }
        guard let z = Int(exactly: v[0]), let a = Int(exactly: v[1]), z > 0, a >= z else {
            return exclude(.nonNumeric, "Z and A must be whole numbers with 0 < Z <= A (`\(numeric[0])`, `\(numeric[1])`)")
        }
        let (E, theta, omega, sigma) = (v[2], v[3], v[4], v[5])
        let error = twoErrorColumns ? (v[6] * v[6] + v[7] * v[7]).squareRoot() : v[6]
        let physical: [(Bool, ExclusionReason, String)] = [
            (sigma <= 0, .nonPositiveCrossSection, "sigma = \(sigma)"), (error <= 0, .nonPositiveError, "error = \(error)"),
            (E <= 0, .nonPositiveBeamEnergy, "E = \(E)"), (omega <= 0, .nonPositiveEnergyTransfer, "omega = \(omega)"),
            (omega >= E, .energyTransferNotBelowBeam, "omega = \(omega), E = \(E)"),
            (theta <= 0 || theta >= 180, .angleOutOfRange, "theta = \(theta)")
        ]
        if let (_, reason, detail) = physical.first(where: { $0.0 }) { return exclude(reason, detail, twoColumns: twoErrorColumns) }
        return (
            twoErrorColumns,
            .success(
                ScatteringPoint(
                    nucleus: Nucleus(Z: z, A: a), beamEnergy: E, angleDegrees: theta, energyTransfer: omega,
                    crossSection: sigma, crossSectionError: error, dataset: citation))
        )
    }

    /// The import report: counts per file, per reason, and every excluded row as `file:line: reason`.
    public static func report(_ r: Result) -> String {
        var out = "# xsnet data import report\n"
        out += "# Paths are relative to the archive folder. Regenerate with: xsnet data import ../shared/data/qes-archive --out Data\n\n"
        out += "rows read:                          \(r.rowsRead)\n"
        out += "points kept:                        \(r.points.count)\n"
        out += "exact duplicates within a file:     \(r.duplicatesWithinFile)\n"
        out += "same point in an older copy:        \(r.duplicatesOfOtherCopy)\n"
        out += "excluded:                           \(r.exclusions.count)\n"
        for reason in ExclusionReason.allCases {
            out += "  \(reason.rawValue.padding(toLength: 40, withPad: " ", startingAt: 0))\(r.excludedCount(reason))\n"
        }
        out += "\n## Per file\n"
        out += "file                              rows   kept  dup-in-file  dup-other-copy  excluded  9-column\n"
        for f in r.files {
            out +=
                f.file.padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(
                    format: "%6d %6d %12d %15d %9d %9d\n", f.rows, f.kept, f.duplicatesWithinFile, f.duplicatesOfOtherCopy, f.excluded,
                    f.nineColumnRows)
        }
        out += "\n## Per nucleus (points kept)\n"
        var byNucleus: [Nucleus: Int] = [:]
        for p in r.points { byNucleus[p.nucleus, default: 0] += 1 }
        for (n, c) in byNucleus.sorted(by: { $0.key < $1.key }) { out += "\(n.name): \(c)\n" }
        out += "\n## Excluded rows\n"
        for e in r.exclusions { out += "\(e.location): \(e.reason.rawValue) (\(e.detail))\n" }
        return out
    }

    /// Writes `points.csv`, `datasets.csv` and `import-report.txt` into `folder`, each atomically.
    public static func write(_ r: Result, to folder: URL) throws {
        try PointsCSV.write(r.points, to: folder.appendingPathComponent("points.csv"))
        try AtomicFile.write(DatasetsCSV.text(r.datasets), to: folder.appendingPathComponent("datasets.csv"))
        try AtomicFile.write(report(r), to: folder.appendingPathComponent("import-report.txt"))
    }
}

/// A minimal BibTeX reader: enough to turn the archive's citations.bib into one-line references.
enum BibTeX {
    static func references(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for chunk in text.components(separatedBy: "@").dropFirst() {
            guard let brace = chunk.firstIndex(of: "{"), let comma = chunk.firstIndex(of: ",") else { continue }
            let type = chunk[..<brace].lowercased()
            let key = chunk[chunk.index(after: brace)..<comma].trimmingCharacters(in: .whitespaces)
            var fields: [String: String] = [:]
            let body = String(chunk[chunk.index(after: comma)...])
            let scanner = body.components(separatedBy: "\n").joined(separator: " ")
            // name = "value" or name = {value}
            let pattern = try! NSRegularExpression(pattern: "([A-Za-z]+)\\s*=\\s*[\"{]([^\"}]*)[\"}]")
            let ns = scanner as NSString
            for m in pattern.matches(in: scanner, range: NSRange(location: 0, length: ns.length)) {
                let name = ns.substring(with: m.range(at: 1)).lowercased()
                let value = ns.substring(with: m.range(at: 2)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                fields[name] = value
            }
            var author =
                fields["author"].map { a -> String in
                    let first = a.components(separatedBy: " and ")[0]
                    let surname = first.components(separatedBy: ",")[0].trimmingCharacters(in: .whitespaces)
                    return a.contains(" and ") ? "\(surname) et al." : surname
                } ?? key
            author = author.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
            var parts = [author]
            if let journal = fields["journal"] {
                parts.append([journal, fields["volume"], fields["pages"]].compactMap { $0 }.joined(separator: " "))
            } else if type.contains("thesis") {
                parts.append(["thesis", fields["school"]].compactMap { $0 }.joined(separator: ", "))
            } else if let note = fields["note"] {
                parts.append(note)
            }
            if let year = fields["year"] { parts.append("(\(year))") }
            result[key] = parts.joined(separator: ", ").replacingOccurrences(of: ", (", with: " (")
        }
        return result
    }
}
