import ArgumentParser
import Foundation
import XSCore
import XSData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import, summarize and show the electron-scattering data.",
        subcommands: [Import.self, Summary.self, Show.self])
}

extension DataCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the curated data set from the raw QES-archive copies.",
            discussion: helpText(
                """
                Reads every *.dat file of the copies in ARCHIVE (genie_2012, nuisance_2017, achilles_2018),
                merges them with one point per (nucleus, citation, E, θ, ω), validates each row and writes
                points.csv, datasets.csv and import-report.txt (every excluded row with file:line and reason)
                into --out, each atomically.

                Example: xsnet data import ../shared/data/qes-archive --out Data
                """))

        @Argument(help: "The archive folder holding the copy folders.")
        var archive: String

        @Option(help: "Folder to write points.csv, datasets.csv and import-report.txt into.")
        var out: String = "Data"

        func run() throws {
            let importer = ArchiveImporter(archive: URL(fileURLWithPath: archive))
            let result = try importer.run()
            try ArchiveImporter.write(result, to: URL(fileURLWithPath: out))
            print("read \(result.rowsRead) rows from \(result.files.count) files")
            print("kept \(result.points.count) points in \(result.datasets.count) data sets of \(Set(result.points.map(\.nucleus)).count) nuclei")
            print("duplicates: \(result.duplicatesWithinFile) within a file, \(result.duplicatesOfOtherCopy) of an older copy")
            print("excluded: \(result.exclusions.count)")
            for reason in ArchiveImporter.ExclusionReason.allCases where result.excludedCount(reason) > 0 {
                print("  \(reason.rawValue): \(result.excludedCount(reason))")
            }
            print("wrote \(out)/points.csv, \(out)/datasets.csv, \(out)/import-report.txt")
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Points, kinematic ranges and Δλ_k per nucleus and data set.",
            discussion: "Example: xsnet data summary --format json | jq '.nuclei[] | {nucleus, points}'")

        @OptionGroup var source: DataSourceOptions
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
        @Option(help: "Only this nucleus (C12, Fe56, …).") var nucleus: Nucleus?

        struct DatasetJSON: Encodable {
            var dataset: String, reference: String, points: Int
            var E_GeV: [Double], theta_deg: [Double], omega_GeV: [Double]
            var norm_uncertainty: Double, norm_source: String
            /// The median Δσ/σ of the quoted errors, and whether it is implausibly small (`QuotedErrorCheck`).
            var median_rel_error: Double, errors_implausibly_small: Bool
        }
        struct NucleusJSON: Encodable {
            var nucleus: String, Z: Int, A: Int, points: Int
            var datasets: [DatasetJSON]
        }
        struct SummaryJSON: Encodable { var points: Int; var nuclei: [NucleusJSON] }

        func run() throws {
            var data = try source.load()
            if let nucleus { data = data.filtered(nucleus: nucleus) }
            let byNucleus = Dictionary(grouping: data.datasets, by: \.nucleus)
            let checks = Dictionary(uniqueKeysWithValues: QuotedErrorCheck.of(data).map { ("\($0.nucleus.name)|\($0.dataset)", $0) })
            func check(_ n: Nucleus, _ key: String) -> QuotedErrorCheck? { checks["\(n.name)|\(key)"] }
            switch format {
            case .json:
                let nuclei = data.nuclei.map { n in
                    let ds = byNucleus[n] ?? []
                    return NucleusJSON(
                        nucleus: n.name, Z: n.Z, A: n.A, points: ds.reduce(0) { $0 + $1.points },
                        datasets: ds.map {
                            DatasetJSON(
                                dataset: $0.key, reference: $0.reference, points: $0.points,
                                E_GeV: [$0.energyRange.lowerBound, $0.energyRange.upperBound],
                                theta_deg: [$0.angleRange.lowerBound, $0.angleRange.upperBound],
                                omega_GeV: [$0.energyTransferRange.lowerBound, $0.energyTransferRange.upperBound],
                                norm_uncertainty: $0.normalizationUncertainty, norm_source: $0.normalizationSource,
                                median_rel_error: check(n, $0.key)?.medianRelativeError ?? 0,
                                errors_implausibly_small: check(n, $0.key)?.isImplausiblySmall ?? false)
                        })
                }
                print(try jsonText(SummaryJSON(points: data.points.count, nuclei: nuclei)), terminator: "")
            case .table, .csv:
                var table = TextTable(header: ["nucleus", "dataset", "points", "E_GeV", "theta_deg", "omega_GeV", "dlambda", "median_err", "errors"])
                for n in data.nuclei {
                    let ds = byNucleus[n] ?? []
                    table.rows.append([n.name, "(all \(ds.count))", "\(ds.reduce(0) { $0 + $1.points })", "", "", "", "", "", ""])
                    for d in ds {
                        func r(_ x: ClosedRange<Double>) -> String { "\(formatSignificant(x.lowerBound))–\(formatSignificant(x.upperBound))" }
                        table.rows.append([
                            n.name, d.key, "\(d.points)", r(d.energyRange), r(d.angleRange), r(d.energyTransferRange),
                            String(format: "%.1f%%", 100 * d.normalizationUncertainty),
                            check(n, d.key).map { String(format: "%.2f%%", 100 * $0.medianRelativeError) } ?? "",
                            check(n, d.key)?.isImplausiblySmall == true ? "IMPLAUSIBLY SMALL" : ""
                        ])
                    }
                }
                if format == .csv {
                    table.rows = table.rows.filter { !$0[1].hasPrefix("(all") }
                    table.rows = table.rows.map { row in row.map { $0.replacingOccurrences(of: "–", with: ":") } }
                    print(table.csv(), terminator: "")
                } else {
                    print(table.rendered(), terminator: "")
                    print("\(data.points.count) points, \(data.datasets.count) data sets, \(data.nuclei.count) nuclei")
                    let flagged = checks.values.filter(\.isImplausiblySmall).map { "\($0.nucleus.name) \($0.dataset)" }.sorted()
                    if !flagged.isEmpty {
                        print(
                            "quoted errors implausibly small (median Δσ/σ < \(formatSignificant(100 * QuotedErrorCheck.implausiblySmall))%): "
                                + flagged.joined(separator: ", ") + "; their χ²/N means nothing (docs/data.md)")
                    }
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the points of a nucleus (and data set), with derived kinematics.",
            discussion:
                "Examples: xsnet data show --nucleus C12 --dataset Barreau:1983ht --format csv\n          xsnet data show --nucleus C12 --dataset Sealock:1989nx --out sealock.csv"
        )

        @OptionGroup var source: DataSourceOptions
        @Option(help: "The nucleus (C12, Fe56, …).") var nucleus: Nucleus
        @Option(help: "Only this data set (citation key, e.g. Barreau:1983ht).") var dataset: String?
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
        @Option(
            help: ArgumentHelp(
                "Write the points to this file in the project's points schema (what --data and `xsnet update --data` read) instead of listing them.",
                valueName: "file"))
        var out: String?

        struct PointJSON: Encodable {
            var nucleus: String, dataset: String
            var E_GeV: Double, theta_deg: Double, omega_GeV: Double, Q2_GeV2: Double, W_GeV: Double, x: Double
            var sigma_nb_per_sr_GeV: Double, error_nb_per_sr_GeV: Double
        }

        func run() throws {
            let all = try source.load()
            let data = all.filtered(nucleus: nucleus, datasets: dataset.map { [$0] })
            guard !data.points.isEmpty else {
                let known = all.filtered(nucleus: nucleus).datasets.map(\.key)
                throw CommandError(
                    known.isEmpty
                        ? "no data for \(nucleus.name); `xsnet data summary` lists the nuclei"
                        : "no data set `\(dataset ?? "")` for \(nucleus.name); its data sets are: \(known.joined(separator: ", "))")
            }
            if let out {
                try AtomicFile.write(PointsCSV.text(data.points), to: URL(fileURLWithPath: out))
                printError("wrote \(data.points.count) points to \(out)")
                return
            }
            let rows = data.points.map { p -> PointJSON in
                let k = p.kinematics
                return PointJSON(
                    nucleus: p.nucleus.name, dataset: p.dataset, E_GeV: p.beamEnergy, theta_deg: p.angleDegrees,
                    omega_GeV: p.energyTransfer, Q2_GeV2: k.Q2, W_GeV: k.W, x: k.bjorkenX,
                    sigma_nb_per_sr_GeV: p.crossSection, error_nb_per_sr_GeV: p.crossSectionError)
            }
            if format == .json { print(try jsonText(rows), terminator: ""); return }
            var table = TextTable(header: [
                "nucleus", "dataset", "E_GeV", "theta_deg", "omega_GeV", "Q2_GeV2", "W_GeV", "x",
                "sigma_nb_per_sr_GeV", "error_nb_per_sr_GeV"
            ])
            table.rows = rows.map { r in
                [
                    r.nucleus, r.dataset, "\(r.E_GeV)", "\(r.theta_deg)", "\(r.omega_GeV)", formatSignificant(r.Q2_GeV2, 5),
                    formatSignificant(r.W_GeV, 5), formatSignificant(r.x, 5), "\(r.sigma_nb_per_sr_GeV)", "\(r.error_nb_per_sr_GeV)"
                ]
            }
            print(format == .csv ? table.csv() : table.rendered(), terminator: "")
        }
    }
}
