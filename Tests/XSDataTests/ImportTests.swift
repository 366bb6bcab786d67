import Foundation
import Testing
import XSTestSupport

@testable import XSData

/// The repository root, found from this file's path.
let sharedArchive = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/qes-archive")
let archivePresent = FileManager.default.fileExists(atPath: sharedArchive.path)

@Suite struct ImportTests {
    @Test(.enabled(if: archivePresent, "skipped: ../shared/data/qes-archive is absent, so the curated files cannot be regenerated"))
    func curatedDataRegeneratesByteForByte() throws {
        let result = try ArchiveImporter(archive: sharedArchive).run()
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        try ArchiveImporter.write(result, to: out)
        for name in ["points.csv", "datasets.csv", "import-report.txt"] {
            let fresh = try Data(contentsOf: out.appendingPathComponent(name))
            let committed = try Data(contentsOf: repositoryRoot.appendingPathComponent("Data/\(name)"))
            #expect(fresh == committed, "Data/\(name) differs from a fresh import: run `xsnet data import ../shared/data/qes-archive --out Data`")
        }
        // The carbon data: about 2,880 points in 11 data sets.
        let carbon = result.points.filter { $0.nucleus == Nucleus(Z: 6, A: 12) }
        #expect(carbon.count == 2880)
        #expect(Set(carbon.map(\.dataset)).count == 11)
    }

    @Test func bundledDataLoadsAndHoldsTheFourteenNuclei() throws {
        let data = try ScatteringData.bundled()
        #expect(data.nuclei.map(\.name) == ["H2", "H3", "He3", "He4", "Li6", "C12", "O16", "Al27", "Ca40", "Ca48", "Fe56", "Au197", "Pb208", "U238"])
        let carbon = data.filtered(nucleus: Nucleus(Z: 6, A: 12))
        #expect(carbon.datasets.first { $0.key == "Barreau:1983ht" }?.normalizationUncertainty == 0.02)
        #expect(carbon.datasets.reduce(0) { $0 + $1.points } == carbon.points.count)
    }

    /// Writes a one-copy archive holding `lines` as `copy_2020/X.dat` and imports it.
    func importLines(_ lines: [String]) throws -> ArchiveImporter.Result {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let copy = root.appendingPathComponent("copy_2020")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(to: copy.appendingPathComponent("X.dat"), atomically: true, encoding: .utf8)
        return try ArchiveImporter(archive: root).run()
    }

    @Test func malformedRowsAreCountedWithFileAndLine() throws {
        let r = try importLines([
            "# header",
            "  6  12   0.240  60.000   0.033  4.8900e+04  1.4000e+03 Barreau:1983ht",  // 2: good
            "  6  12   0.240  60.000   0.033  4.8900e+04  1.4000e+03 Barreau:1983ht",  // 3: exact duplicate
            "  6  12   0.240  60.000   0.043",  // 4: truncated
            "  6  12   0.240  60.000   nan  4.8900e+04  1.4000e+03 Barreau:1983ht",  // 5: NaN
            "  6  12   0.240  sixty   0.053  4.8900e+04  1.4000e+03 Barreau:1983ht",  // 6: text
            "  6  12   0.240  60.000   0.063  -1.0  1.4000e+03 Barreau:1983ht",  // 7: σ ≤ 0
            "  6  12   0.240  60.000   0.073  1.0  0 Barreau:1983ht",  // 8: Δσ ≤ 0
            "  6  12   0.240  60.000   0.300  1.0  0.1 Barreau:1983ht",  // 9: ω ≥ E
            "  6  12   0.240  180.0   0.083  1.0  0.1 Barreau:1983ht",  // 10: θ = 180
            "  6  12   0.240  60.000   0.033  5.0e+04  1.4000e+03 Barreau:1983ht",  // 11: conflict
            "  6  12   0.240  60.000   0.093  1.0  0.1 Barreau:1983ht # comment",  // 12: good, trailing comment
            "  2   3  5.7660   18.00    2.3101   6.790e+01  3.0e-01  4.0e-01 Fomin:2010ei"  // 13: 9 columns
        ])
        #expect(r.points.count == 3)
        #expect(r.duplicatesWithinFile == 1)
        let reasons = Dictionary(uniqueKeysWithValues: r.exclusions.map { ($0.location, $0.reason) })
        #expect(reasons["copy_2020/X.dat:4"] == .wrongColumnCount)
        #expect(reasons["copy_2020/X.dat:5"] == .nonFinite)
        #expect(reasons["copy_2020/X.dat:6"] == .nonNumeric)
        #expect(reasons["copy_2020/X.dat:7"] == .nonPositiveCrossSection)
        #expect(reasons["copy_2020/X.dat:8"] == .nonPositiveError)
        #expect(reasons["copy_2020/X.dat:9"] == .energyTransferNotBelowBeam)
        #expect(reasons["copy_2020/X.dat:10"] == .angleOutOfRange)
        #expect(reasons["copy_2020/X.dat:11"] == .conflictingRepeat)
        #expect(r.exclusions.count == 8)
        // Nothing is lost: every row is kept, a duplicate or excluded.
        #expect(r.rowsRead == r.points.count + r.duplicatesWithinFile + r.duplicatesOfOtherCopy + r.exclusions.count)
        // Two uncertainty columns add in quadrature: √(0.3² + 0.4²) = 0.5.
        let fomin = try #require(r.points.first { $0.dataset == "Fomin:2010ei" })
        #expect(abs(fomin.crossSectionError - 0.5) < 1e-12)
        #expect(ArchiveImporter.report(r).contains("copy_2020/X.dat:6: non-numeric field"))
    }

    @Test func emptyAndMissingArchivesAreRefused() throws {
        #expect(throws: ArchiveImporter.ImportError.self) {
            try ArchiveImporter(archive: URL(fileURLWithPath: "/nonexistent/qes-archive")).run()
        }
        let r = try importLines([])
        #expect(r.points.isEmpty && r.rowsRead == 0)
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: ArchiveImporter.ImportError.self) { try ArchiveImporter(archive: root).run() }
    }

    @Test func loneCarriageReturnsEndLines() throws {
        let text = "6 12 0.24 60 0.033 4.89e4 1.4e3 B\r6 12 0.24 60 0.043 4.89e4 1.4e3 B\r\n6 12 0.24 60 0.053 4.89e4 1.4e3 B\n"
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("c_1"), withIntermediateDirectories: true)
        try text.write(to: root.appendingPathComponent("c_1/x.dat"), atomically: true, encoding: .utf8)
        #expect(try ArchiveImporter(archive: root).run().points.count == 3)
    }
}

@Suite struct UserCSVTests {
    let header = PointsCSV.header
    let good = "C12,6,12,0.56,36.0,0.1,1200.0,30.0,Barreau:1983ht"

    func parseError(_ rows: [String]) -> String? {
        do {
            _ = try PointsCSV.parse(rows.joined(separator: "\n"), file: "user.csv")
            return nil
        } catch let e as DataFileError {
            return e.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func roundTrip() throws {
        let points = try PointsCSV.parse([header, good].joined(separator: "\n"), file: "x")
        #expect(PointsCSV.text(points) == header + "\n" + good + "\n")
    }

    @Test func badRowsAreRefusedWithFileAndLine() {
        #expect(parseError([]) == "user.csv: empty file (expected the header `\(header)`)")
        #expect(parseError(["a,b"])?.hasPrefix("user.csv:1: unexpected header") == true)
        #expect(parseError([header]) == "user.csv: no data rows after the header")
        #expect(parseError([header, good, "C12,6,12,0.56,36.0"])?.hasPrefix("user.csv:3: expected 9 columns") == true)
        #expect(parseError([header, "C12,6,12,0.56,36.0,nan,1200.0,30.0,K"])?.hasPrefix("user.csv:2: omega_GeV is not finite") == true)
        #expect(parseError([header, "C12,6,12,0.56,abc,0.1,1200.0,30.0,K"])?.hasPrefix("user.csv:2: theta_deg is not a number") == true)
        #expect(parseError([header, "C12,6,12,0.56,36.0,0.1,-5,30.0,K"])?.hasPrefix("user.csv:2: cross section must be > 0") == true)
        #expect(parseError([header, "C12,6,12,0.56,36.0,0.6,5,30.0,K"])?.contains("below the beam energy") == true)
        #expect(parseError([header, "O16,6,12,0.56,36.0,0.1,5,30.0,K"])?.contains("does not match") == true)
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: DataFileError.self) { try PointsCSV.read(URL(fileURLWithPath: "/nonexistent/points.csv")) }
    }
}

struct QuotedErrorTests {
    /// Only the ⁶Li set of Heimlich (1973) has implausibly small quoted errors, and its error column
    /// scales as σ² (docs/data.md): what `xsnet data summary` flags.
    @Test func onlyTheLithiumSetHasImplausiblySmallErrors() throws {
        let data = try ScatteringData.bundled()
        let flagged = QuotedErrorCheck.of(data).filter(\.isImplausiblySmall)
        #expect(flagged.map { "\($0.nucleus.name) \($0.dataset)" } == ["Li6 Heimlich:1973"])
        #expect(abs(flagged[0].medianRelativeError - 0.002) < 0.0002)
        let lithium = data.points.filter { $0.nucleus.name == "Li6" && $0.crossSection > 0 }
        let overSquare = lithium.map { $0.crossSectionError / ($0.crossSection * $0.crossSection) }.sorted()
        #expect(abs(overSquare[overSquare.count / 2] / 3.15e-7 - 1) < 0.02)
        // Every other set's median Δσ/σ is at least 1%.
        #expect(QuotedErrorCheck.of(data).filter { !$0.isImplausiblySmall }.allSatisfy { $0.medianRelativeError >= 0.01 })
    }
}
