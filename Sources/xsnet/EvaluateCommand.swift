import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Agreement of a model with data, per data set and in total.",
        discussion: helpText(
            """
            Reports points, χ²/N with the fitted λ_k and with λ_k = 1, the median of |σ_pred/σ_data − 1|
            (against the data as published, and with the fitted λ_k), the fractions within 5, 10 and 20%,
            each λ_k with its pull (λ_k − 1)/Δλ_k, and, for ensembles and MC-dropout models, the
            uncertainty coverage with its central 68% interval from resampling whole spectra (the
            points of a spectrum err together, so a test part of a few spectra pins the coverage down
            only loosely, however many points they hold). The floor is what a model equal to the true
            cross section would score on the same points, given their quoted errors and each data set's
            Δλ_k (column `floor`: its median against the data as published; docs/carbon-model.md).
            The split is the one stored in the model file. Points outside the training data's
            kinematic box (extrapolation) and, for a model calibrated with two factors, points at
            (E, θ) settings it did not train on (spectra held out for validation or test) are also
            scored apart (JSON `extrapolated`, `away_from_measured_settings` and their complements).

              xsnet evaluate --model Models/C12.xsnet --split test
              xsnet evaluate --model Models/C12.xsnet --data my-points.csv --format json

            --model bosted-mamyan evaluates the Bosted–Mamyan fit on every point of --nucleus (default
            C12: the default data sets, ω ≥ 0.02 GeV; --all-data-sets for every data set and ω), or on --data.

              xsnet evaluate --model bosted-mamyan --nucleus C12
            """))

    enum SplitChoice: String, ExpressibleByArgument, CaseIterable { case train, validation, test, all }

    @Option(help: "The model file, or a reference model by name: bosted-mamyan.") var model: String
    @Option(
        help:
            "The nucleus whose points are evaluated: for a reference model (default C12), or one nucleus of an any-target model's split (default: all)."
    )
    var nucleus: Nucleus?
    @Flag(help: "For a reference model: every data set and every ω of the nucleus (no selection).") var allDataSets = false
    @Option(help: "train, validation, test or all (of the model's stored split; default test).") var split: SplitChoice?
    @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var source: DataSourceOptions
    @Flag(help: "Report the spread as the members give it, without the model's calibration factor.") var uncalibrated = false
    @Option(
        name: .customLong("points-out"),
        help: ArgumentHelp("Also write every point with its prediction (CSV): data, error, mean, σ_model, p16, p84, λ_k, pull.", valueName: "file"))
    var pointsOut: String?

    func run() throws {
        if let reference = ReferenceModels.named(self.model) { return try evaluateReference(reference) }
        let model = try prediction.load(self.model)
        if allDataSets { throw CommandError("--all-data-sets is for a reference model; a model file is evaluated on its stored split (or --data)") }
        if let nucleus, !model.info.isAnyTarget, nucleus.name != model.info.nucleus {
            throw CommandError("\(self.model) is a model of \(model.info.nucleus), not \(nucleus.name); leave out --nucleus")
        }
        if source.dataFile != nil && split != nil {
            throw CommandError("--split picks a part of the model's stored split; with --data every point of the file is evaluated")
        }
        let points: [ScatteringPoint]
        let splitName: String
        let data = try source.load()
        // Δλ_k of a point's data set, for the floor (`AgreementFloor`).
        let normalizationUncertainty: (ScatteringPoint) -> Double
        if source.dataFile != nil {
            points = data.points
            splitName = "all points of \(source.dataFile!)"
            normalizationUncertainty = { data.normalizationUncertainty(nucleus: $0.nucleus, dataset: $0.dataset) }
        } else {
            let selected = try model.selectedData(from: data)
            normalizationUncertainty = { selected.normalizationUncertainty[$0.dataset] ?? 0 }
            let indices: [Int] =
                switch split ?? .test {
                case .train: selected.split.train
                case .validation: selected.split.validation
                case .test: selected.split.test
                case .all: Array(selected.points.indices)
                }
            // An any-target model with --nucleus: that nucleus's points of the split.
            points = indices.map { selected.points[$0] }.filter { p in nucleus.map { p.nucleus == $0 } ?? true }
            splitName = (split ?? .test).rawValue + (model.info.isAnyTarget ? " (\(nucleus?.name ?? "every nucleus"))" : "")
        }
        guard !points.isEmpty else { throw CommandError("the \(splitName) part of this model's split is empty") }
        let predictions = try model.checkedPredictions(points, calibrated: !uncalibrated)
        let report = Evaluation.withFloors(
            Evaluation.report(model: model, points: points, predictions: predictions, splitName: splitName), points: points,
            normalizationUncertainty: normalizationUncertainty)
        if let pointsOut {
            try AtomicFile.write(Evaluation.pointsCSV(model: model, points: points, predictions: predictions), to: URL(fileURLWithPath: pointsOut))
        }
        try printReport(
            report,
            title: "\(self.model) on \(splitName) (\(model.info.nucleus), \(model.networks.count) network\(model.networks.count == 1 ? "" : "s"))"
        ) {
            if model.hasBand {
                let t = report.total
                let c =
                    model.info.calibration.map {
                        uncalibrated ? " (uncalibrated; the model's calibration: \($0.summary))" : " (\($0.summary); fitted on \($0.fittedOn))"
                    } ?? " (uncalibrated)"
                print(
                    String(
                        format: "coverage: 1σ %.1f%%, 2σ %.1f%%; mean relative uncertainty %.2f%%", 100 * t.coverage_1sigma,
                        100 * t.coverage_2sigma, 100 * t.mean_rel_uncertainty) + c)
                if let interval = t.coverageIntervalText { print("coverage had other spectra been measured: \(interval)") }
            }
        }
    }

    /// A reference model on the points of a nucleus (or of --data).
    func evaluateReference(_ reference: any ReferenceModel) throws {
        if split != nil || uncalibrated {
            throw CommandError("--split and --uncalibrated are for a model file; \(reference.name) has no stored split and no band")
        }
        let target = nucleus ?? Nucleus(Z: 6, A: 12)
        let data = try source.load()
        let points: [ScatteringPoint]
        let name: String
        if source.dataFile != nil || allDataSets {
            points = data.filtered(nucleus: target).points
            name = "all \(target.name) points of " + (source.dataFile ?? "the bundled data")
        } else {
            points = try DataSelection(nucleus: target.name).apply(to: data).points
            name = "the default selection of \(target.name)"
        }
        guard !points.isEmpty else { throw CommandError("no \(target.name) points to evaluate on") }
        let predictions = try Evaluation.predictions(reference: reference, points: points)
        let report = Evaluation.withFloors(
            Evaluation.report(referencePoints: points, predictions: predictions, splitName: name), points: points,
            normalizationUncertainty: { data.normalizationUncertainty(nucleus: $0.nucleus, dataset: $0.dataset) })
        if let pointsOut {
            try AtomicFile.write(Evaluation.pointsCSV(points: points, predictions: predictions) { _ in 1 }, to: URL(fileURLWithPath: pointsOut))
        }
        try printReport(report, title: "\(reference.name) on \(name) (λ = 1, no band)") {}
    }

    /// The report as JSON, CSV or a table with `title` above it and `footer` after it.
    func printReport(_ report: EvaluationReport, title: String, footer: () -> Void) throws {
        switch format {
        case .json:
            print(try jsonText(report), terminator: "")
        case .table, .csv:
            var table = TextTable(header: [
                "dataset", "points", "chi2/N", "chi2/N(l=1)", "median|dev|", "median(l)", "<5%", "<10%", "<20%", "lambda", "pull", "floor"
            ])
            func row(_ name: String, _ m: AgreementMetrics, _ lambda: String, _ pull: String, _ floor: AgreementFloor? = nil) -> [String] {
                [
                    name, "\(m.points)", String(format: "%.2f", m.chi2_per_point), String(format: "%.2f", m.chi2_per_point_lambda1),
                    String(format: "%.2f%%", 100 * m.median_abs_rel_dev), String(format: "%.2f%%", 100 * m.median_abs_rel_dev_fitted_lambda),
                    String(format: "%.1f%%", 100 * m.within_5pct), String(format: "%.1f%%", 100 * m.within_10pct),
                    String(format: "%.1f%%", 100 * m.within_20pct),
                    lambda, pull, floor.map { String(format: "%.2f%%", 100 * $0.median_abs_rel_dev) } ?? ""
                ]
            }
            table.rows = report.datasets.map { d in
                row(d.dataset, d.metrics, String(format: "%.4f", d.lambda), d.lambda_pull.map { String(format: "%+.2f", $0) } ?? "", d.floor)
            }
            table.rows.append(row("total", report.total, "", "", report.floor))
            // An any-target model's points: a row per nucleus after the total.
            for n in report.nuclei ?? [] { table.rows.append(row("nucleus \(n.nucleus)", n.metrics, "", "", n.floor)) }
            if format == .csv {
                print(table.csv(), terminator: "")
            } else {
                print(title)
                print(table.rendered(), terminator: "")
                footer()
                if let floor = report.floor, let known = report.floor_known_scale {
                    print(
                        "floor (a model equal to the truth, given the quoted errors and Δλ_k): \(floor.summary); with every data set's scale known: \(known.summary)"
                    )
                }
                if let away = report.away_from_measured_settings {
                    func figures(_ m: AgreementMetrics) -> String {
                        String(
                            format: "median |dev| %.2f%%, within 10%% %.1f%%, coverage 1σ %.1f%%, 2σ %.1f%%", 100 * m.median_abs_rel_dev,
                            100 * m.within_10pct, 100 * m.coverage_1sigma, 100 * m.coverage_2sigma)
                    }
                    print(
                        "\(away.points) of \(report.total.points) points lie at (E, θ) settings the model did not train on (spectra held out; its band takes the factor away from the measured settings there): \(figures(away)) there"
                            + (report.at_measured_settings.map { "; at the measured settings: \(figures($0))" } ?? ""))
                }
                if let out = report.extrapolated {
                    let inside = report.inside_training_box
                    print(
                        String(
                            format:
                                "%d of %d points lie outside the training data's kinematic box (extrapolation): median |dev| %.2f%%, coverage 1σ %.1f%%, 2σ %.1f%% there",
                            out.points, report.total.points, 100 * out.median_abs_rel_dev, 100 * out.coverage_1sigma, 100 * out.coverage_2sigma)
                            + (inside.map {
                                String(
                                    format: "; inside: median |dev| %.2f%%, coverage 1σ %.1f%%, 2σ %.1f%%", 100 * $0.median_abs_rel_dev,
                                    100 * $0.coverage_1sigma, 100 * $0.coverage_2sigma)
                            } ?? ""))
                }
            }
        }
    }
}
