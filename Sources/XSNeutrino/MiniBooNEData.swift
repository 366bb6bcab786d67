import Foundation
import XSCore
import XSData
import XSDataResources
import XSNN

/// The MiniBooNE charged-current quasielastic ν_μ measurement on carbon (A. A. Aguilar-Arevalo et
/// al., PRD 81, 092005 (2010)) as xsnet uses it: the flux-averaged double-differential table in
/// (T_μ, cos θ_μ) for the CCQE and CCQE-like signals, dσ/dQ²_QE with its shape errors, and the
/// ν_μ flux. Cross sections per neutron in cm² (per GeV, per GeV²). Made from the release's text
/// files by `MiniBooNEImporter` (`xsnet neutrino import`); 10.7% normalization uncertainty.
public struct MiniBooNECCQE: Sendable {
    public struct Bin: Equatable, Sendable {
        public var cosThetaLow: Double
        public var cosThetaHigh: Double
        public var kineticLow: Double
        public var kineticHigh: Double
        /// d²σ/dT_μ dcos θ_μ in cm²/GeV per neutron.
        public var value: Double
    }

    public struct Q2Bin: Equatable, Sendable {
        public var low: Double
        public var high: Double
        /// dσ/dQ²_QE in cm²/GeV² per neutron and its shape uncertainty.
        public var value: Double
        public var shapeError: Double
    }

    public struct FluxBin: Equatable, Sendable {
        public var energyLow: Double
        public var energyHigh: Double
        /// ν_μ per proton on target per cm² in the bin.
        public var flux: Double
    }

    public var ccqe: [Bin]
    public var ccqeLike: [Bin]
    public var q2: [Q2Bin]
    public var flux: [FluxBin]

    /// The normalization uncertainty of every cross section of the release (the paper).
    public static let normalizationUncertainty = 0.107
    /// The binding energy of the Q²_QE reconstruction (GeV).
    public static let reconstructionBinding = 0.034

    /// The flux's mean energy (GeV).
    public var meanEnergy: Double {
        flux.reduce(0) { $0 + 0.5 * ($1.energyLow + $1.energyHigh) * $1.flux } / flux.reduce(0) { $0 + $1.flux }
    }

    /// Σ d²σ ΔT Δcos over the measured bins of a table (cm² per neutron).
    public static func integral(_ bins: [Bin]) -> Double {
        bins.reduce(0) { $0 + $1.value * ($1.kineticHigh - $1.kineticLow) * ($1.cosThetaHigh - $1.cosThetaLow) }
    }

    /// Σ dσ/dQ² ΔQ² (cm² per neutron).
    public var q2Integral: Double { q2.reduce(0) { $0 + $1.value * ($1.high - $1.low) } }

    /// The experiment's reconstruction (the paper, Eqs. 3–4): a neutron at rest bound by E_B,
    /// E_ν^QE = [2(M_n − E_B)E_μ − ((M_n − E_B)² + m_μ² − M_p²)] / [2(M_n − E_B − E_μ + p_μ cos θ_μ)],
    /// Q²_QE = −m_μ² + 2E_ν^QE (E_μ − p_μ cos θ_μ).
    public static func reconstructedQ2(muonKineticEnergy T: Double, cosTheta c: Double) -> Double {
        let m = WeakConstants.muonMass, Mn = 0.939_565_42, Mp = 0.938_272_09
        let E = T + m, p = (E * E - m * m).squareRoot()
        let bound = Mn - reconstructionBinding
        let energy = (2 * bound * E - (bound * bound + m * m - Mp * Mp)) / (2 * (bound - E + p * c))
        return -m * m + 2 * energy * (E - p * c)
    }

    /// The curated tables bundled with xsnet.
    public static func bundled() throws -> MiniBooNECCQE {
        func url(_ name: String) throws -> URL {
            guard let u = BundledData.url(name) else {
                throw DataFileError(file: name, line: 0, reason: "missing from this build (run `xsnet neutrino import` and rebuild)")
            }
            return u
        }
        return try load(
            doubleDifferential: url(MiniBooNEImporter.doubleDifferentialFile), q2: url(MiniBooNEImporter.q2File),
            flux: url(MiniBooNEImporter.fluxFile))
    }

    /// Loads the curated CSVs (the importer's output).
    public static func load(doubleDifferential: URL, q2: URL, flux: URL) throws -> MiniBooNECCQE {
        func rows(_ url: URL, columns: Int) throws -> [(line: Int, fields: [String])] {
            let text = try String(contentsOf: url, encoding: .utf8)
            var out: [(Int, [String])] = []
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i > 0 && !line.isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == columns else {
                    throw DataFileError(file: url.lastPathComponent, line: i + 1, reason: "expected \(columns) fields, found \(fields.count)")
                }
                out.append((i + 1, fields))
            }
            return out
        }
        func number(_ s: String, _ url: URL, _ line: Int) throws -> Double {
            guard let v = Double(s), v.isFinite else { throw DataFileError(file: url.lastPathComponent, line: line, reason: "not a number: \(s)") }
            return v
        }
        var ccqe: [Bin] = [], like: [Bin] = []
        for (line, f) in try rows(doubleDifferential, columns: 6) {
            let values = try f[1...].map { try number($0, doubleDifferential, line) }
            let bin = Bin(cosThetaLow: values[0], cosThetaHigh: values[1], kineticLow: values[2], kineticHigh: values[3], value: values[4])
            switch f[0] {
            case "ccqe": ccqe.append(bin)
            case "ccqe-like": like.append(bin)
            default: throw DataFileError(file: doubleDifferential.lastPathComponent, line: line, reason: "unknown signal \(f[0])")
            }
        }
        let q2Bins = try rows(q2, columns: 4).map { line, f in
            let v = try f.map { try number($0, q2, line) }
            return Q2Bin(low: v[0], high: v[1], value: v[2], shapeError: v[3])
        }
        let fluxBins = try rows(flux, columns: 3).map { line, f in
            let v = try f.map { try number($0, flux, line) }
            return FluxBin(energyLow: v[0], energyHigh: v[1], flux: v[2])
        }
        return MiniBooNECCQE(ccqe: ccqe, ccqeLike: like, q2: q2Bins, flux: fluxBins)
    }
}

/// Reads the MiniBooNE release's text files (../shared/data/neutrino/miniboone_ccqe_2010, layout
/// in its PROVENANCE.md) and writes the curated CSVs in xsnet's schema, refusing a malformed
/// file with its line and reason. Unmeasured cells (0 in the tables) are left out and counted in
/// the report, which also records each source file's FNV-1a checksum so that a changed copy is
/// noticed.
public enum MiniBooNEImporter {
    public static let doubleDifferentialFile = "miniboone-ccqe-double-differential.csv"
    public static let q2File = "miniboone-ccqe-q2.csv"
    public static let fluxFile = "miniboone-numu-flux.csv"
    public static let reportFile = "miniboone-import-report.txt"

    /// The release's files that the curated ones are made from (their checksums are in the report).
    public static let sources = ["aski_con.txt", "aski_like.txt", "asqq_con.txt", "pospol_numu.csv"]

    public static func checksum(of url: URL) throws -> UInt64 {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { ModelFile.fnv1a($0) }
    }

    /// The curated files' contents by name (and the report), from the release folder.
    public static func importFolder(_ folder: URL) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw DataFileError(file: folder.path, line: 0, reason: "no such folder (expected ../shared/data/neutrino/miniboone_ccqe_2010)")
        }
        func lines(_ name: String) throws -> [(Int, [Double])] {
            let url = folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw DataFileError(file: url.path, line: 0, reason: "cannot read the file")
            }
            var out: [(Int, [Double])] = []
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
                if fields.isEmpty { continue }
                let values = try fields.map { f -> Double in
                    guard let v = Double(f), v.isFinite, v >= 0 else {
                        throw DataFileError(file: url.path, line: i + 1, reason: "not a non-negative number: \(f)")
                    }
                    return v
                }
                out.append((i + 1, values))
            }
            return out
        }
        var report = "# MiniBooNE CCQE import (Aguilar-Arevalo et al., PRD 81, 092005 (2010))\n"
        report += "# Regenerate with: xsnet neutrino import ../shared/data/neutrino/miniboone_ccqe_2010 --out Data\n\n"
        report += "source files (FNV-1a 64):\n"
        for name in sources {
            report += "  \(name) \(String(try checksum(of: folder.appendingPathComponent(name)), radix: 16))\n"
        }
        var table = "signal,cos_theta_low,cos_theta_high,muon_kinetic_low_GeV,muon_kinetic_high_GeV,d2sigma_cm2_per_GeV_per_neutron\n"
        for (signal, name) in [("ccqe", "aski_con.txt"), ("ccqe-like", "aski_like.txt")] {
            let rows = try lines(name)
            guard rows.count == 20 else {
                throw DataFileError(file: name, line: rows.last?.0 ?? 0, reason: "expected 20 rows of cos θ_μ, found \(rows.count)")
            }
            var kept = 0, empty = 0
            for (r, (line, values)) in rows.enumerated() {
                guard values.count == 18 else {
                    throw DataFileError(file: name, line: line, reason: "expected 18 T_μ columns, found \(values.count)")
                }
                for (c, v) in values.enumerated() {
                    guard v > 0 else {
                        empty += 1
                        continue
                    }
                    let cosLow = -1 + 0.1 * Double(r), tLow = 0.2 + 0.1 * Double(c)
                    table += "\(signal),\(format(cosLow)),\(format(cosLow + 0.1)),\(format(tLow)),\(format(tLow + 0.1)),\(v * 1e-41)\n"
                    kept += 1
                }
            }
            report += "\(name): \(kept) measured bins kept, \(empty) cells without a measurement (0) left out\n"
        }
        var q2 = "q2_low_GeV2,q2_high_GeV2,dsigma_dq2_cm2_per_GeV2_per_neutron,shape_error_cm2_per_GeV2\n"
        let q2Rows = try lines("asqq_con.txt")
        for (i, (line, v)) in q2Rows.enumerated() {
            guard v.count == 3 else { throw DataFileError(file: "asqq_con.txt", line: line, reason: "expected 3 columns, found \(v.count)") }
            guard i + 1 < q2Rows.count else {
                guard v[1] == 0 else {
                    throw DataFileError(file: "asqq_con.txt", line: line, reason: "the last row is the closing edge and must hold 0")
                }
                continue
            }
            let next = q2Rows[i + 1].1[0]
            guard next > v[0] else { throw DataFileError(file: "asqq_con.txt", line: line, reason: "bin edges must increase") }
            q2 += "\(format(v[0])),\(format(next)),\(v[1]),\(v[2])\n"
        }
        report += "asqq_con.txt: \(q2Rows.count - 1) Q²_QE bins (the last row is the closing edge)\n"
        var flux = "energy_low_GeV,energy_high_GeV,numu_per_pot_per_cm2\n"
        let fluxRows = try lines("pospol_numu.csv")
        for (i, (line, v)) in fluxRows.enumerated() {
            guard v.count == 2 else { throw DataFileError(file: "pospol_numu.csv", line: line, reason: "expected 2 columns, found \(v.count)") }
            guard abs(v[0] - (25 + 50 * Double(i))) < 1e-9 else {
                throw DataFileError(
                    file: "pospol_numu.csv", line: line, reason: "expected the 50 MeV bin centred at \(25 + 50 * i) MeV, found \(v[0])")
            }
            flux += "\(format((v[0] - 25) / 1000)),\(format((v[0] + 25) / 1000)),\(v[1])\n"
        }
        report += "pospol_numu.csv: \(fluxRows.count) flux bins of 50 MeV, 0 to \(format(Double(fluxRows.count) * 0.05)) GeV\n"
        return [doubleDifferentialFile: table, q2File: q2, fluxFile: flux, reportFile: report]
    }

    /// Bin edges printed without binary noise (−0.9, not −0.8999999999999999).
    static func format(_ x: Double) -> String {
        let rounded = (x * 1e6).rounded() / 1e6
        return rounded == 0 ? "0" : "\(rounded)"
    }
}
