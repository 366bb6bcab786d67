import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel
import XSPlot

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A self-contained HTML report of every shipped model: evaluation tables and figures.",
        discussion: helpText(
            """
            Reads every *.xsnet in --models, evaluates it on its stored split, draws its spectra, a data-set
            grid and its training curve, and adds the transfer study (transfer-study.json) when present.
            The page has its figures inline and loads nothing from the network.
              xsnet report --out report && xdg-open report/index.html
            """))

    @Option(help: "Folder to write index.html into.") var out: String
    @Option(help: "Folder with the model files.") var models: String = "Models"

    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func kind(_ model: CrossSectionModel) -> String {
        model.networks.count > 1
            ? "ensemble of \(model.networks.count) networks (bootstrap, model A)"
            : model.info.monteCarloSamples != nil ? "MC dropout, \(model.info.monteCarloSamples!) passes (model B)" : "single network"
    }

    /// How a model was made, from what its file records: the ensemble's own command where it has
    /// one, else member 0's with how the others differ; fine-tuning; one training.
    static func howMade(_ model: CrossSectionModel) -> String {
        let member0 = "<code>\(html(model.info.training?.command ?? "?"))</code>"
        if let source = model.info.fineTunedFrom { return "fine-tuned from \(html(source)) by \(member0)" }
        guard model.networks.count > 1 else { return "trained by \(member0) in \(Int(model.info.training?.wallSeconds ?? 0)) s" }
        let cpu = formatDuration((model.info.members ?? []).compactMap { $0.training?.wallSeconds }.reduce(0, +))
        if let command = model.info.ensembleCommand {
            return "made by <code>\(html(command))</code>; member 0 trained by \(member0); all members together: \(cpu) of CPU-job time"
        }
        return
            "its \(model.networks.count) members trained like member 0, by \(member0) (the replica index and the data's clone differ), then merged by <code>xsnet ensemble</code> (the file does not record the merging command); all members together: \(cpu) of CPU-job time"
    }

    /// "¹²C" for "C12".
    static func nucleusLabel(_ name: String) -> String { Nucleus(name: name)?.isotopeSymbol ?? name }

    /// The summary first: every model with its nucleus, kind and figures on its test part.
    static func summary(_ models: [(file: String, model: CrossSectionModel, test: AgreementMetrics?)]) -> String {
        var out =
            "<h2>Summary</h2>\n<p>Each model on the test part of its own stored split (coverage: |σ_pred − σ_data| ≤ k·√(σ_model² + Δσ²)).</p>\n"
        out +=
            "<table><tr><th>model</th><th>nucleus</th><th>kind</th><th>test points</th><th>median |dev|</th><th>within 10%</th><th>1σ coverage</th><th>2σ coverage</th></tr>\n"
        for (file, model, test) in models {
            guard let t = test else { continue }
            out +=
                "<tr><td><a href=\"#\(file)\">\(file)</a></td><td>\(nucleusLabel(model.info.nucleus))</td><td>\(kind(model))</td><td>\(t.points)</td>"
            out += String(format: "<td>%.2f%%</td><td>%.1f%%</td>", 100 * t.median_abs_rel_dev, 100 * t.within_10pct)
            out +=
                model.hasBand
                ? String(format: "<td>%.1f%%</td><td>%.1f%%</td></tr>\n", 100 * t.coverage_1sigma, 100 * t.coverage_2sigma)
                : "<td>–</td><td>–</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// The transfer study as HTML tables, one per train fraction (mean ± standard deviation over seeds).
    static func transferStudy(_ s: TransferStudy.Study) -> String {
        func stat(_ v: [Double]) -> String {
            let n = Double(v.count), mean = v.reduce(0, +) / n
            let sd = v.count > 1 ? (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot() : 0
            return String(format: "%.1f ± %.1f%%", 100 * mean, 100 * sd)
        }
        var out =
            "<h2 id=\"transfer\">Transfer study</h2>\n<p>Made by <code>\(html(s.command))</code> from <code>\(html(s.source))</code>; figures on each nucleus's held-out points, mean ± standard deviation over the seeds.</p>\n"
        for fraction in Set(s.rows.map(\.train_fraction)).sorted() {
            out +=
                "<h3>Train fraction \(fraction)</h3>\n<table><tr><th>nucleus</th><th>train / test points</th><th>method</th><th>median |dev|</th><th>within 10%</th></tr>\n"
            for row in s.rows where row.train_fraction == fraction {
                for method in TransferStudy.methods {
                    guard let c = row.methods[method] else { continue }
                    out +=
                        "<tr><td>\(nucleusLabel(row.nucleus))</td><td>\(row.train_points) / \(row.test_points)</td><td>\(method)</td><td>\(stat(c.median_abs_rel_dev))</td><td>\(stat(c.within_10pct))</td></tr>\n"
                }
            }
            out += "</table>\n"
        }
        return out
    }

    /// The (E, θ) setting with the most points of a model's data: the spectrum shown first.
    static func richestSettings(_ points: [ScatteringPoint], count: Int) -> [SpectrumKey] {
        Dictionary(grouping: points, by: \.spectrum).sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.prefix(count).map(\.key)
    }

    func run() throws {
        let data = try ScatteringData.bundled()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: models, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandError("no folder `\(models)` here: run `xsnet report` in the repository (it reads Models/), or give --models FOLDER")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: models).filter { $0.hasSuffix(".xsnet") }.sorted()
        guard !files.isEmpty else { throw CommandError("no *.xsnet files in \(models)") }
        // Each model, its selected data and its figures on each part of its split, evaluated once.
        let evaluated = try files.map { file in
            let model = try CrossSectionModel.load(URL(fileURLWithPath: "\(models)/\(file)"))
            let selected = try model.info.selection.apply(to: try model.info.withAddedData(data))
            let parts = [("test", selected.split.test), ("validation", selected.split.validation), ("train", selected.split.train)]
                .filter { !$0.1.isEmpty }
                .map { name, indices in (name, Evaluation.report(model: model, points: indices.map { selected.points[$0] }, splitName: name).total) }
            return (file: file, model: model, selected: selected, parts: parts)
        }
        var body =
            "<h1>xsnet report</h1>\n<p>Generated by <code>xsnet report --out \(Self.html(out)) --models \(Self.html(models))</code> on \(ISO8601DateFormatter().string(from: Date())).</p>\n"
        body += Self.summary(evaluated.map { ($0.file, $0.model, $0.parts.first { $0.0 == "test" }?.1) })
        for (file, model, selected, parts) in evaluated {
            let path = "\(models)/\(file)"
            body += "<h2 id=\"\(file)\">\(file)</h2>\n"
            let made = Self.howMade(model)
            body += "<p>\(Self.nucleusLabel(model.info.nucleus)), \(Self.kind(model)); \(made).</p>\n"
            if let c = model.info.calibration { body += "<p>Uncertainty: \(Self.html(c.description)).</p>\n" }
            if let committee = model.info.referenceCommittee { body += "<p>Away from the data: \(Self.html(committee.description)).</p>\n" }
            body +=
                "<table><tr><th>split</th><th>points</th><th>χ²/N</th><th>χ²/N (λ=1)</th><th>median |dev|</th><th>median |dev| (λ)</th><th>&lt;10%</th><th>1σ coverage</th><th>2σ coverage</th><th>mean rel. unc.</th></tr>\n"
            for (name, t) in parts {
                body += String(
                    format:
                        "<tr><td>%@</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f%%</td><td>%.2f%%</td><td>%.1f%%</td><td>%.1f%%</td><td>%.1f%%</td><td>%.2f%%</td></tr>\n",
                    name, t.points, t.chi2_per_point, t.chi2_per_point_lambda1, 100 * t.median_abs_rel_dev, 100 * t.median_abs_rel_dev_fitted_lambda,
                    100 * t.within_10pct, 100 * t.coverage_1sigma, 100 * t.coverage_2sigma, 100 * t.mean_rel_uncertainty)
            }
            body += "</table>\n"
            // Each spectrum's nucleus (a model of every nucleus is bound to it; its data-set keys are
            // `<nucleus>/<data set>`, the data's own after the slash).
            for s in Self.richestSettings(selected.points, count: 2) {
                let panel = try Figures.spectrum(
                    model: try model.bound(to: s.nucleus), modelLabel: model.displayName, data: data, nucleus: s.nucleus, energy: s.beamEnergy,
                    angle: s.angleDegrees)
                body += "<div class=\"fig\">" + (try Figure(panels: [panel], panelWidth: 560, panelHeight: 380).svg()) + "</div>\n"
            }
            if let s = Self.richestSettings(selected.points, count: 1).first {
                let dataset = model.info.selection.dataset(ofKey: s.dataset, nucleus: s.nucleus)
                body +=
                    "<div class=\"fig\">" + (try Figures.datasetGrid(model: try model.bound(to: s.nucleus), data: data, dataset: dataset).svg())
                    + "</div>\n"
            }
            if FileManager.default.fileExists(atPath: path + ".log.csv") {
                body += "<div class=\"fig\">" + (try Figures.trainingCurves(logPath: path + ".log.csv").svg()) + "</div>\n"
            }
        }
        if let json = try? Data(contentsOf: URL(fileURLWithPath: "\(models)/transfer-study.json")) {
            body += Self.transferStudy(try JSONDecoder().decode(TransferStudy.Study.self, from: json))
        }
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>xsnet report</title>
            <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1800px}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}.fig{margin:1em 0;overflow-x:auto}</style></head>
            <body>
            \(body)
            </body></html>

            """
        let url = URL(fileURLWithPath: out).appendingPathComponent("index.html")
        try AtomicFile.write(page, to: url)
        print("wrote \(url.path)")
    }
}
