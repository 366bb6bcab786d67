import Foundation
import XSCore
import XSData

/// Agreement of a model with data, as physicists quote it.
public struct AgreementMetrics: Codable, Sendable {
    public var points: Int
    /// Σ((σ − λ_k f)/Δσ)²/N with the fitted λ_k.
    public var chi2_per_point: Double
    /// Σ((σ − f)/Δσ)²/N with λ_k = 1.
    public var chi2_per_point_lambda1: Double
    /// median |f/σ − 1|: the prediction against the data as published (λ_k = 1).
    public var median_abs_rel_dev: Double
    /// median |λ_k f/σ − 1|: against the data with the fitted normalizations.
    public var median_abs_rel_dev_fitted_lambda: Double
    public var within_5pct: Double
    public var within_10pct: Double
    public var within_20pct: Double
    public var within_10pct_fitted_lambda: Double
    /// Uncertainty calibration (meaningful for ensembles and MC dropout; zero spread otherwise).
    public var coverage_1sigma: Double
    public var coverage_2sigma: Double
    public var mean_rel_uncertainty: Double
    /// Central 68% intervals of the two coverages from resampling whole spectra
    /// (`CoverageInterval`), and the number of spectra; in the total only, for models with a spread.
    public var coverage_1sigma_interval: [Double]? = nil
    public var coverage_2sigma_interval: [Double]? = nil
    public var coverage_spectra: Int? = nil
}

public struct DatasetAgreement: Codable, Sendable {
    public var dataset: String
    public var lambda: Double
    /// Δλ_k and the pull (λ_k − 1)/Δλ_k; nil (null in JSON) for a data set the model fitted no λ_k
    /// for (another nucleus's, or an imported model's).
    public var lambda_uncertainty: Double?
    public var lambda_pull: Double?
    public var metrics: AgreementMetrics
    /// What a model equal to the truth would score on these points against the data as published
    /// (`AgreementFloor`); nil where the report was made without the data sets' Δλ_k.
    public var floor: AgreementFloor? = nil
}

public struct EvaluationReport: Codable, Sendable {
    public var model_nucleus: String
    public var split: String
    public var total: AgreementMetrics
    public var datasets: [DatasetAgreement]
    /// The points outside the kinematic box of the training data (predictions flagged as
    /// extrapolation), and the rest, when there are any such points; nil otherwise.
    public var extrapolated: AgreementMetrics?
    public var inside_training_box: AgreementMetrics?
    /// For a model calibrated with two factors: the points at no (E, θ) setting it trained on
    /// (spectra held out for validation or test, where its band takes the factor away from the
    /// measured settings and a committee answers as away from the data), and the rest, when there
    /// are any such points; nil otherwise.
    public var away_from_measured_settings: AgreementMetrics? = nil
    public var at_measured_settings: AgreementMetrics? = nil
    /// Per nucleus, when the points hold several (an any-target model's); nil otherwise.
    public var nuclei: [NucleusAgreement]? = nil
    /// What a model equal to the truth would score on these points (`AgreementFloor`): against the
    /// data as published (each data set's scale drawn from its Δλ_k), and with every scale known
    /// (the floor of the fitted-λ_k figures). nil until `withFloors` adds them.
    public var floor: AgreementFloor? = nil
    public var floor_known_scale: AgreementFloor? = nil
}

public struct NucleusAgreement: Codable, Sendable {
    public var nucleus: String
    public var metrics: AgreementMetrics
    /// The floor of the nucleus's points (`AgreementFloor`); nil until `withFloors` adds it.
    public var floor: AgreementFloor? = nil
}

public enum Evaluation {
    /// Metrics of predictions against points; `lambda` gives λ_k per data set.
    public static func metrics(points: [ScatteringPoint], predictions: [CrossSectionPrediction], lambda: (String) -> Double) -> AgreementMetrics {
        let n = Double(points.count)
        var chi2 = 0.0, chi2One = 0.0
        var rel: [Double] = [], relFitted: [Double] = []
        var relUnc = 0.0
        for (p, q) in zip(points, predictions) {
            let l = lambda(p.dataset)
            let r = (p.crossSection - l * q.mean) / p.crossSectionError
            let r1 = (p.crossSection - q.mean) / p.crossSectionError
            chi2 += r * r
            chi2One += r1 * r1
            rel.append(abs(q.mean / p.crossSection - 1))
            relFitted.append(abs(l * q.mean / p.crossSection - 1))
            relUnc += q.standardDeviation / q.mean
        }
        let coverage = Coverage.of(
            deviations: zip(points, predictions).map { $1.mean - $0.crossSection },
            dataErrors: points.map(\.crossSectionError), spreads: predictions.map(\.standardDeviation))
        func fraction(_ v: [Double], _ t: Double) -> Double { Double(v.filter { $0 <= t }.count) / n }
        return AgreementMetrics(
            points: points.count, chi2_per_point: chi2 / n, chi2_per_point_lambda1: chi2One / n,
            median_abs_rel_dev: median(rel), median_abs_rel_dev_fitted_lambda: median(relFitted),
            within_5pct: fraction(rel, 0.05), within_10pct: fraction(rel, 0.10), within_20pct: fraction(rel, 0.20),
            within_10pct_fitted_lambda: fraction(relFitted, 0.10),
            coverage_1sigma: coverage.oneSigma, coverage_2sigma: coverage.twoSigma, mean_rel_uncertainty: relUnc / n)
    }

    /// Per data set and in total. λ_k are the model's for its own nucleus; other data get λ = 1.
    public static func report(model: CrossSectionModel, points: [ScatteringPoint], splitName: String, calibrated: Bool = true) -> EvaluationReport {
        report(model: model, points: points, predictions: model.predict(points, calibrated: calibrated), splitName: splitName)
    }

    /// The same from predictions already made (one set serves a report and `pointsCSV`).
    public static func report(model: CrossSectionModel, points: [ScatteringPoint], predictions: [CrossSectionPrediction], splitName: String)
        -> EvaluationReport
    {
        // Which points lie at a setting the model trained on, where its calibration tells (one model
        // of every nucleus keeps its settings by nucleus: bound to one when the points are of one).
        var settingsModel: CrossSectionModel? = model
        if model.info.isAnyTarget {
            settingsModel = Set(points.map(\.nucleus)).count == 1 ? points.first.flatMap { try? model.bound(to: $0.nucleus) } : nil
        }
        let atMeasured = settingsModel?.info.calibration.map { c in
            points.map { c.atMeasuredSetting(beamEnergy: $0.beamEnergy, angleDegrees: $0.angleDegrees) }
        }
        return report(
            nucleus: model.info.nucleus, normalizations: model.info.normalizations, points: points, predictions: predictions, splitName: splitName,
            atMeasuredSettings: atMeasured.flatMap { flags in flags.allSatisfy { $0 != nil } ? flags.map { $0! } : nil })
    }

    /// A reference model's report (no fitted normalizations: λ = 1 for every data set, no band).
    public static func report(referencePoints points: [ScatteringPoint], predictions: [CrossSectionPrediction], splitName: String)
        -> EvaluationReport
    {
        report(nucleus: points.first?.nucleus.name ?? "", normalizations: [], points: points, predictions: predictions, splitName: splitName)
    }

    /// A reference model's predictions at `points` (no band); refuses a point whose nucleus it does not cover.
    public static func predictions(reference: any ReferenceModel, points: [ScatteringPoint]) throws -> [CrossSectionPrediction] {
        try points.map { p -> CrossSectionPrediction in
            guard let σ = reference.crossSection(p.kinematics, nucleus: p.nucleus) else {
                throw PredictionError.referenceUndefined(reference.name, p.nucleus.name)
            }
            return .reference(σ)
        }
    }

    static func report(
        nucleus modelNucleus: String, normalizations: [NormalizationFit], points: [ScatteringPoint], predictions: [CrossSectionPrediction],
        splitName: String, atMeasuredSettings: [Bool]? = nil
    ) -> EvaluationReport {
        // A model of every nucleus keys its λ_k by nucleus and data set: they apply to the points they name.
        let sameNucleus = modelNucleus == DataSelection.anyTarget || (points.first.map { $0.nucleus.name == modelNucleus } ?? false)
        let lambda: (String) -> Double = { key in sameNucleus ? normalizations.first { $0.dataset == key }?.lambda ?? 1 : 1 }
        var groups: [String: [Int]] = [:]
        for (i, p) in points.enumerated() { groups[p.dataset, default: []].append(i) }
        let datasets = groups.keys.sorted().map { key -> DatasetAgreement in
            let idx = groups[key]!
            let fit = normalizations.first { $0.dataset == key }
            let l = sameNucleus ? (fit?.lambda ?? 1) : 1
            return DatasetAgreement(
                dataset: key, lambda: l, lambda_uncertainty: fit?.uncertainty, lambda_pull: fit.map { sameNucleus ? $0.pull : 0 },
                metrics: metrics(points: idx.map { points[$0] }, predictions: idx.map { predictions[$0] }, lambda: lambda))
        }
        let outside = predictions.indices.filter { predictions[$0].extrapolation }
        let inside = predictions.indices.filter { !predictions[$0].extrapolation }
        func subset(_ idx: [Int]) -> AgreementMetrics {
            metrics(points: idx.map { points[$0] }, predictions: idx.map { predictions[$0] }, lambda: lambda)
        }
        var total = metrics(points: points, predictions: predictions, lambda: lambda)
        if predictions.contains(where: { $0.standardDeviation > 0 }),
            let interval = CoverageInterval.over(
                spectra: points.map(\.spectrum), deviations: zip(points, predictions).map { $1.mean - $0.crossSection },
                dataErrors: points.map(\.crossSectionError), spreads: predictions.map(\.standardDeviation))
        {
            total.coverage_1sigma_interval = interval.oneSigma
            total.coverage_2sigma_interval = interval.twoSigma
            total.coverage_spectra = interval.spectra
        }
        var byNucleus: [Nucleus: [Int]] = [:]
        for (i, p) in points.enumerated() { byNucleus[p.nucleus, default: []].append(i) }
        var report = EvaluationReport(
            model_nucleus: modelNucleus, split: splitName,
            total: total, datasets: datasets,
            extrapolated: outside.isEmpty ? nil : subset(outside), inside_training_box: outside.isEmpty || inside.isEmpty ? nil : subset(inside),
            nuclei: byNucleus.count > 1 ? byNucleus.keys.sorted().map { NucleusAgreement(nucleus: $0.name, metrics: subset(byNucleus[$0]!)) } : nil)
        if let flags = atMeasuredSettings, flags.count == points.count, flags.contains(false) {
            let away = flags.indices.filter { !flags[$0] }, at = flags.indices.filter { flags[$0] }
            report.away_from_measured_settings = subset(away)
            report.at_measured_settings = at.isEmpty ? nil : subset(at)
        }
        return report
    }

    /// The report with the floors of its points (`AgreementFloor`), in total and per data set;
    /// `normalizationUncertainty` gives Δλ_k of a point's data set.
    public static func withFloors(
        _ report: EvaluationReport, points: [ScatteringPoint], normalizationUncertainty: (ScatteringPoint) -> Double
    ) -> EvaluationReport {
        var uncertainty: [String: Double] = [:]
        for p in points where uncertainty[p.dataset] == nil { uncertainty[p.dataset] = normalizationUncertainty(p) }
        func floor(_ subset: [ScatteringPoint], knownScale: Bool) -> AgreementFloor {
            AgreementFloor.expected(
                relativeErrors: subset.map { $0.crossSectionError / $0.crossSection }, datasets: subset.map(\.dataset),
                normalizationUncertainty: uncertainty, knownScale: knownScale)
        }
        var out = report
        out.floor = floor(points, knownScale: false)
        out.floor_known_scale = floor(points, knownScale: true)
        for i in out.datasets.indices {
            out.datasets[i].floor = floor(points.filter { $0.dataset == out.datasets[i].dataset }, knownScale: false)
        }
        for i in (out.nuclei ?? []).indices {
            out.nuclei![i].floor = floor(points.filter { $0.nucleus.name == out.nuclei![i].nucleus }, knownScale: false)
        }
        return out
    }

    /// One row per point: the data, the prediction with its spread, and the pull
    /// (σ_pred − σ_data)/√(σ_model² + Δσ²) that the coverage counts.
    public static func pointsCSV(model: CrossSectionModel, points: [ScatteringPoint], predictions: [CrossSectionPrediction]) -> String {
        let sameNucleus = model.info.isAnyTarget || (points.first.map { $0.nucleus.name == model.info.nucleus } ?? false)
        return pointsCSV(points: points, predictions: predictions) { sameNucleus ? model.info.normalization($0) : 1 }
    }

    /// The same for any predictions, `lambda` giving each data set's normalization (1 for a reference model).
    public static func pointsCSV(points: [ScatteringPoint], predictions: [CrossSectionPrediction], lambda: (String) -> Double) -> String {
        var text = "dataset,E_GeV,theta_deg,omega_GeV,sigma,sigma_error,mean,sigma_model,p16,p84,lambda,pull,extrapolation\n"
        for (p, q) in zip(points, predictions) {
            let band = Coverage.band(spread: q.standardDeviation, dataError: p.crossSectionError)
            let lambda = lambda(p.dataset)
            text += "\(TextTable.csvField(p.dataset)),\(p.beamEnergy),\(p.angleDegrees),\(p.energyTransfer),\(p.crossSection),\(p.crossSectionError),"
            text +=
                "\(q.mean),\(q.standardDeviation),\(q.percentile16),\(q.percentile84),\(lambda),\((q.mean - p.crossSection) / band),\(q.extrapolation)\n"
        }
        return text
    }
}

extension AgreementMetrics {
    /// "1σ 47.7–71.5%, 2σ 77.7–93.4% (central 68% of 2000 resamplings of the 6 spectra, each whole)",
    /// when the report has the interval (`CoverageInterval`).
    public var coverageIntervalText: String? {
        guard let one = coverage_1sigma_interval, let two = coverage_2sigma_interval, let n = coverage_spectra else { return nil }
        return String(
            format: "1σ %.1f–%.1f%%, 2σ %.1f–%.1f%% (central 68%% of %d resamplings of the %d spectra, each whole)",
            100 * one[0], 100 * one[1], 100 * two[0], 100 * two[1], CoverageInterval.defaultReplicates, n)
    }
}
