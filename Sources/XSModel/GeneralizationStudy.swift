import Foundation
import XSCore
import XSData

/// A cross section that needs no training: a physics reference model (an empirical fit) to
/// compare a network with where it has not seen data.
public protocol ReferenceModel: Sendable {
    /// A short name for tables and legends ("Bosted–Mamyan").
    var name: String { get }
    /// d²σ/dΩdω in nb/sr/GeV per nucleus, or nil where the reference is not defined.
    func crossSection(_ k: Kinematics, nucleus: Nucleus) -> Double?
    /// Whether the reference describes `nucleus` at all (a table for another is refused up front).
    func covers(_ nucleus: Nucleus) -> Bool
}

extension ReferenceModel {
    /// A reference that says nothing of its range answers for each point (nil where it is not defined).
    public func covers(_ nucleus: Nucleus) -> Bool { true }
}

/// How well recipes predict what they have not seen (issue: predictions where nothing was
/// measured). Each fold is a split that holds out a region (a data set, the spectra beyond an
/// angle or above an energy, spectra between measured settings, random points) and a recipe;
/// its model is an ensemble of bootstrap replicas (model A) trained without the region, and it
/// is scored on the held-out points against the data as published (λ = 1: the normalization of
/// a held-out experiment is unknown to the model).
///
/// Scores of a fold: median |σ_pred/σ − 1|, fractions within 10% and 20%; χ²/N with the data's
/// error e = √(Δσ² + (Δλ_k σ)²) (point error and the data set's normalization uncertainty);
/// 1σ and 2σ coverage of the band √(s² + e²) with s the ensemble's spread; the mean relative
/// spread s/σ_pred; each member's own median (the seed-to-seed scatter); and the reference
/// model's median and fraction within 10% on the same points.
public enum GeneralizationStudy {
    /// The default splits for a selection: each data set left out in turn, forward angles
    /// predicting backward ones (θ ≥ 55° held out), backward predicting forward (θ ≤ 20°), low
    /// energies predicting high (E ≥ 3.5 GeV), spectra between measured settings, random points.
    public static func defaultSplits(datasets: [String]) -> [DataSplit.Method] {
        datasets.map { .leaveOut(dataset: $0) } + [.angleAbove(55), .angleBelow(20), .energyAbove(3.5), .interiorSpectra, .random]
    }

    /// The point-level numbers a fold's scores and its family's pooled scores are made of.
    public struct HeldOutPoints: Sendable {
        /// σ_pred/σ, and σ_ref/σ with its point's data set where the reference is defined: the
        /// deviations |ratio − 1| and the medians with each data set's own scale (`scaleFreeMedian`).
        var ratio: [Double] = []
        var referenceRatio: [Double] = []
        var referenceDataset: [String] = []
        var relativeSpread: [Double] = []
        /// σ_pred − σ, the data's error e and the ensemble's spread s (nb/sr/GeV): χ²/N, the
        /// coverage and a spread factor (`crossExperimentCalibrations`) are made of them.
        var deviation: [Double] = []
        var dataError: [Double] = []
        var spread: [Double] = []
        /// Δσ/σ as quoted, each point's data set and the data sets' Δλ_k: the floor (`AgreementFloor`).
        var relativeError: [Double] = []
        var dataset: [String] = []
        var normalizationUncertainty: [String: Double] = [:]

        mutating func append(_ other: HeldOutPoints) {
            relativeError += other.relativeError
            dataset += other.dataset
            ratio += other.ratio
            referenceRatio += other.referenceRatio
            referenceDataset += other.referenceDataset
            normalizationUncertainty.merge(other.normalizationUncertainty) { a, _ in a }
            relativeSpread += other.relativeSpread
            deviation += other.deviation
            dataError += other.dataError
            spread += other.spread
        }

        var scores: Scores {
            let n = Double(ratio.count)
            func fraction(_ v: [Double], _ t: Double) -> Double { Double(v.filter { $0 <= t }.count) / Double(max(v.count, 1)) }
            // A prediction of exactly zero counts as the smallest positive one in the logarithm (its deviation stays 100%).
            func logarithms(_ ratios: [Double]) -> [Double] { ratios.map { log(max($0, .leastNormalMagnitude)) } }
            let relativeDeviation = ratio.map { abs($0 - 1) }
            let reference = referenceRatio.isEmpty ? nil : referenceRatio.map { abs($0 - 1) }
            // |σ_pred − σ| / √(s² + e²) and ((σ_pred − σ)/e)².
            let standardizedDeviation = deviation.indices.map { abs(deviation[$0]) / Coverage.band(spread: spread[$0], dataError: dataError[$0]) }
            let chi2Terms = deviation.indices.map { pow(deviation[$0] / dataError[$0], 2) }
            let floor =
                relativeError.isEmpty
                ? nil
                : AgreementFloor.expected(
                    relativeErrors: relativeError, datasets: dataset, normalizationUncertainty: normalizationUncertainty, knownScale: false)
            return Scores(
                points: relativeDeviation.count, median_abs_rel_dev: median(relativeDeviation), within_10pct: fraction(relativeDeviation, 0.1),
                within_20pct: fraction(relativeDeviation, 0.2), chi2_per_point: chi2Terms.reduce(0, +) / n,
                coverage_1sigma: fraction(standardizedDeviation, 1), coverage_2sigma: fraction(standardizedDeviation, 2),
                mean_rel_uncertainty: relativeSpread.reduce(0, +) / n,
                reference_median_abs_rel_dev: reference.map(median), reference_within_10pct: reference.map { fraction($0, 0.1) },
                floor_median_abs_rel_dev: floor?.median_abs_rel_dev, floor_within_10pct: floor?.within_10pct, floor_within_20pct: floor?.within_20pct,
                own_scale_median_abs_rel_dev: ratio.isEmpty
                    ? nil : GeneralizationStudy.scaleFreeMedian(logRatios: logarithms(ratio), datasets: dataset),
                reference_own_scale_median_abs_rel_dev: referenceRatio.isEmpty
                    ? nil : GeneralizationStudy.scaleFreeMedian(logRatios: logarithms(referenceRatio), datasets: referenceDataset))
        }
    }

    /// The median |λ_k σ_pred/σ − 1| with each data set's own scale λ_k = exp(−median_k log(σ_pred/σ)),
    /// taken a posteriori from the held-out points themselves so that half of each data set's points
    /// lie above the scaled prediction and half below: the miss of the prediction's *shape*, with the
    /// data set's overall offset removed. Held out, no model can know that scale (the study's median
    /// uses λ = 1). It is not the scale that minimizes the median: where a data set's misses run both
    /// ways along its points, centring them can raise the median above the one as published.
    public static func scaleFreeMedian(logRatios: [Double], datasets: [String]) -> Double {
        precondition(logRatios.count == datasets.count)
        var groups: [String: [Double]] = [:]
        for (r, d) in zip(logRatios, datasets) { groups[d, default: []].append(r) }
        let offset = groups.mapValues { median($0) }
        return median(zip(logRatios, datasets).map { r, d in abs(exp(r - offset[d]!) - 1) })
    }

    /// The scores of a fold or of a pooled family (names are the JSON keys scripts read).
    public struct Scores: Codable, Sendable {
        public var points: Int
        public var median_abs_rel_dev: Double
        public var within_10pct: Double
        public var within_20pct: Double
        public var chi2_per_point: Double
        public var coverage_1sigma: Double
        public var coverage_2sigma: Double
        public var mean_rel_uncertainty: Double
        public var reference_median_abs_rel_dev: Double?
        public var reference_within_10pct: Double?
        /// What a model equal to the truth would score on the same points against the data as
        /// published (`AgreementFloor`: the quoted errors, each data set's scale drawn from its
        /// Δλ_k); nil in a study written before it was computed.
        public var floor_median_abs_rel_dev: Double? = nil
        public var floor_within_10pct: Double? = nil
        public var floor_within_20pct: Double? = nil
        /// The medians with each held-out data set's own scale, taken from its held-out points
        /// (`scaleFreeMedian`), of the model and of the reference; nil in a study written before.
        public var own_scale_median_abs_rel_dev: Double? = nil
        public var reference_own_scale_median_abs_rel_dev: Double? = nil
    }

    /// Names and scores in one flat JSON object (`{"split": …, "recipe": …, "points": …, …}`);
    /// the names' fields read through the row (`fold.split`).
    @dynamicMemberLookup
    public struct ScoredRow<Names: Codable & Sendable>: Codable, Sendable {
        public var names: Names
        public var scores: Scores

        public subscript<T>(dynamicMember field: KeyPath<Names, T>) -> T { names[keyPath: field] }

        public func encode(to encoder: Encoder) throws {
            try names.encode(to: encoder)
            try scores.encode(to: encoder)
        }

        public init(from decoder: Decoder) throws {
            names = try Names(from: decoder)
            scores = try Scores(from: decoder)
        }

        init(_ names: Names, scores: Scores) {
            self.names = names
            self.scores = scores
        }
    }

    public struct FoldNames: Codable, Sendable {
        public var split: String
        public var family: String
        public var recipe: String
        public var members: Int
        /// Each member's own median |σ_pred/σ − 1| on the held-out points.
        public var member_median_abs_rel_dev: [Double]
    }

    /// One (split, recipe): its ensemble on the split's held-out points.
    public typealias Fold = ScoredRow<FoldNames>

    public struct FamilyNames: Codable, Sendable {
        public var family: String
        public var recipe: String
        public var folds: Int
        /// Folds of the family in which the reference's median is lower than the recipe's (the
        /// reference beats the network there); nil without a reference.
        public var reference_worse_folds: Int?
    }

    /// A family's folds pooled (every held-out point of every fold of the family, for one recipe).
    public typealias FamilySummary = ScoredRow<FamilyNames>

    public struct Study: Codable, Sendable {
        public var command: String
        public var nucleus: String
        public var members: Int
        /// The recipes and the `xsnet train` options each stands for.
        public var recipes: [String: [String]]
        public var reference: String?
        public var folds: [Fold]
        public var summary: [FamilySummary]
        /// The spread factor each recipe needs on experiments it has not seen
        /// (`crossExperimentCalibrations`), per calibration rule.
        public var calibration: [CrossExperimentCalibration]
        /// The recipe with the lowest pooled median on the leave-out folds.
        public var default_recipe: String
        /// This call's wall time (a call that finds every replica done only scores them).
        public var seconds: Double
        /// The replicas' own training wall times, summed (each on one thread; `--jobs` of them at a time).
        public var replica_training_seconds: Double

        public init(
            command: String, nucleus: String, members: Int, recipes: [String: [String]], reference: String?, folds: [Fold],
            summary: [FamilySummary], calibration: [CrossExperimentCalibration], default_recipe: String, seconds: Double,
            replica_training_seconds: Double
        ) {
            self.command = command
            self.nucleus = nucleus
            self.members = members
            self.recipes = recipes
            self.reference = reference
            self.folds = folds
            self.summary = summary
            self.calibration = calibration
            self.default_recipe = default_recipe
            self.seconds = seconds
            self.replica_training_seconds = replica_training_seconds
        }
    }

    /// A fold's scores and point-level numbers: `model` (an ensemble trained with `split`) on
    /// its held-out points, with each member's own median beside the ensemble's.
    public static func measure(
        model: CrossSectionModel, data: ScatteringData, recipe: String, reference: (any ReferenceModel)?
    ) throws -> (fold: Fold, points: HeldOutPoints) {
        let selected = try model.selectedData(from: data)
        let test = selected.split.test.map { selected.points[$0] }
        let predictions = try model.checkedPredictions(test)
        var held = HeldOutPoints()
        for (p, q) in zip(test, predictions) {
            let normalization = selected.normalizationUncertainty[p.dataset] ?? 0
            let e = (p.crossSectionError * p.crossSectionError + pow(normalization * p.crossSection, 2)).squareRoot()
            held.relativeError.append(p.crossSectionError / p.crossSection)
            held.dataset.append(p.dataset)
            held.normalizationUncertainty[p.dataset] = normalization
            held.ratio.append(q.mean / p.crossSection)
            held.relativeSpread.append(q.standardDeviation / q.mean)
            held.deviation.append(q.mean - p.crossSection)
            held.dataError.append(e)
            held.spread.append(q.standardDeviation)
            if let reference, let r = reference.crossSection(p.kinematics, nucleus: p.nucleus) {
                held.referenceRatio.append(r / p.crossSection)
                held.referenceDataset.append(p.dataset)
            }
        }
        let memberMedians = model.memberLogCrossSections(test).map { logSigma in
            median(zip(test, logSigma).map { p, l in abs(exp(l) / p.crossSection - 1) })
        }
        let method = model.info.selection.splitMethod
        return (
            Fold(
                FoldNames(
                    split: method.rawValue, family: method.family, recipe: recipe, members: model.networks.count,
                    member_median_abs_rel_dev: memberMedians), scores: held.scores), held
        )
    }

    /// Calibration across experiments: the factor c (s → c·s) that one recipe's band needs on the
    /// experiments left out, and how the band does on an experiment the factor was not fitted on.
    /// The spread of a few replicas says how much the fit moves with the data; away from every
    /// measured experiment the error of the mean is larger than that (the study's leave-out
    /// coverage), and only left-out experiments can say by how much. Each left-out experiment is
    /// scored with the factor fitted, by `rule`, on the other experiments' points — a
    /// leave-one-experiment-out cross-validation of the calibration, so its pooled coverage is out
    /// of sample — and `factor`, fitted on all of them, is the one to use where no experiment
    /// measured. The factor belongs to ensembles of the study's size (few members estimate the
    /// spread low; docs/uncertainty.md).
    public struct CrossExperimentCalibration: Codable, Sendable {
        public struct Fold: Codable, Sendable {
            public var split: String
            public var points: Int
            /// Fitted on the other experiments' points.
            public var factor: Double
            public var coverage_1sigma: Double
            public var coverage_2sigma: Double
        }
        public var recipe: String
        public var rule: String
        /// Fitted on every left-out experiment's points.
        public var factor: Double
        public var points: Int
        /// Pooled, with the members' own spread (c = 1).
        public var coverage_1sigma_uncalibrated: Double
        public var coverage_2sigma_uncalibrated: Double
        /// Pooled, each experiment with the factor fitted on the others.
        public var coverage_1sigma: Double
        public var coverage_2sigma: Double
        public var folds: [Fold]
    }

    /// The held-out points of one experiment: σ_pred − σ, the data's error and the model's spread.
    public struct HeldOutExperiment: Sendable {
        public var split: String
        public var deviations: [Double]
        public var dataErrors: [Double]
        public var spreads: [Double]

        public init(split: String, deviations: [Double], dataErrors: [Double], spreads: [Double]) {
            precondition(deviations.count == dataErrors.count && deviations.count == spreads.count)
            self.split = split
            self.deviations = deviations
            self.dataErrors = dataErrors
            self.spreads = spreads
        }
    }

    /// One calibration per recipe and rule, over each recipe's leave-out folds.
    public static func crossExperimentCalibrations(
        _ folds: [(fold: Fold, points: HeldOutPoints)], rules: [CalibrationRule] = CalibrationRule.allCases
    ) -> [CrossExperimentCalibration] {
        crossValidatedCalibrations(
            folds.filter { $0.fold.family == "leave-out" }.map { (recipe: $0.fold.recipe, unit: $0.fold.split, points: $0.points) }, rules: rules)
    }

    /// One calibration per recipe (in the order they first come) and rule, each held-out unit (a
    /// left-out experiment, or nucleus) scored with the factor fitted on the recipe's other units.
    public static func crossValidatedCalibrations(
        _ units: [(recipe: String, unit: String, points: HeldOutPoints)], rules: [CalibrationRule] = CalibrationRule.allCases
    ) -> [CrossExperimentCalibration] {
        var recipes: [String] = []
        for u in units where !recipes.contains(u.recipe) { recipes.append(u.recipe) }
        return recipes.flatMap { recipe in
            let experiments = units.filter { $0.recipe == recipe }.map {
                HeldOutExperiment(split: $0.unit, deviations: $0.points.deviation, dataErrors: $0.points.dataError, spreads: $0.points.spread)
            }
            return rules.compactMap { crossExperimentCalibration(recipe: recipe, experiments: experiments, rule: $0) }
        }
    }

    /// The calibration of `CrossExperimentCalibration` for one rule; nil with fewer than two
    /// experiments, or when no factor up to `CalibrationRule.largestFactor` satisfies the rule on
    /// all of them or on some experiment's complement.
    public static func crossExperimentCalibration(recipe: String, experiments: [HeldOutExperiment], rule: CalibrationRule)
        -> CrossExperimentCalibration?
    {
        guard experiments.count >= 2 else { return nil }
        func pooled(_ list: [HeldOutExperiment]) -> (d: [Double], e: [Double], s: [Double]) {
            (list.flatMap(\.deviations), list.flatMap(\.dataErrors), list.flatMap(\.spreads))
        }
        let all = pooled(experiments)
        guard let factor = rule.factor(deviations: all.d, dataErrors: all.e, spreads: all.s) else { return nil }
        let before = Coverage.of(deviations: all.d, dataErrors: all.e, spreads: all.s)
        var scored: [CrossExperimentCalibration.Fold] = []
        var within1 = 0.0, within2 = 0.0
        for (k, experiment) in experiments.enumerated() {
            let others = pooled(experiments.enumerated().filter { $0.offset != k }.map(\.element))
            guard let c = rule.factor(deviations: others.d, dataErrors: others.e, spreads: others.s) else { return nil }
            let cov = Coverage.of(deviations: experiment.deviations, dataErrors: experiment.dataErrors, spreads: experiment.spreads, scale: c)
            let n = Double(experiment.deviations.count)
            within1 += cov.oneSigma * n
            within2 += cov.twoSigma * n
            scored.append(
                .init(
                    split: experiment.split, points: experiment.deviations.count, factor: c, coverage_1sigma: cov.oneSigma,
                    coverage_2sigma: cov.twoSigma))
        }
        let n = Double(all.d.count)
        return CrossExperimentCalibration(
            recipe: recipe, rule: rule.rawValue, factor: factor, points: all.d.count, coverage_1sigma_uncalibrated: before.oneSigma,
            coverage_2sigma_uncalibrated: before.twoSigma, coverage_1sigma: within1 / n, coverage_2sigma: within2 / n, folds: scored)
    }

    /// The families pooled per recipe, in the order the folds came.
    public static func summarize(_ folds: [(fold: Fold, points: HeldOutPoints)]) -> [FamilySummary] {
        var order: [String] = []
        var groups: [String: [(fold: Fold, points: HeldOutPoints)]] = [:]
        for f in folds {
            let key = f.fold.family + "\u{0}" + f.fold.recipe
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(f)
        }
        return order.map { key in
            let members = groups[key]!
            var pooled = HeldOutPoints()
            for m in members { pooled.append(m.points) }
            let referenceWorse =
                members.allSatisfy { $0.fold.scores.reference_median_abs_rel_dev != nil }
                ? members.filter { $0.fold.scores.reference_median_abs_rel_dev! < $0.fold.scores.median_abs_rel_dev }.count : nil
            return FamilySummary(
                FamilyNames(
                    family: members[0].fold.family, recipe: members[0].fold.recipe, folds: members.count, reference_worse_folds: referenceWorse),
                scores: pooled.scores)
        }
    }

    /// The recipe with the lowest pooled median on the leave-out family (the first recipe without one).
    public static func defaultRecipe(_ summary: [FamilySummary], recipes: [String]) -> String {
        summary.filter { $0.family == "leave-out" }.min { $0.scores.median_abs_rel_dev < $1.scores.median_abs_rel_dev }?.recipe
            ?? recipes.first ?? ""
    }

    /// The study as Markdown: the pooled families, then every fold.
    public static func markdown(_ s: Study) -> String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        var out = "# Generalization study (\(s.nucleus))\n\n"
        out += "Made by `\(s.command)` in \(formatDuration(s.seconds)) (its replicas' training: \(formatDuration(s.replica_training_seconds)) "
        out += "summed over one-thread runs). Each fold's model is "
        out +=
            s.members == 1
            ? "one bootstrap replica (model A; no spread, so its coverage is that of the data's errors alone) "
            : "an ensemble of \(s.members) bootstrap replicas (model A) "
        out += "trained without the held-out region; scores are on the held-out points against the data as published "
        out += "(λ = 1). χ²/N and the coverage use the data's error √(Δσ² + (Δλ_k σ)²) and, for the coverage, the ensemble's spread s "
        out += "added in quadrature. \"floor\": the median a model equal to the truth would have on the same points, given their quoted "
        out += "errors and each data set's scale drawn from its Δλ_k (`AgreementFloor`). \"Own scale\": the median with each held-out data set's "
        out += "prediction scaled a posteriori so that half of its points lie above and half below (exp of minus the median log ratio; "
        out += "what no model can know held out): the shape's miss without the data set's overall offset. "
        out += "Default recipe (lowest pooled leave-out median): **\(s.default_recipe)**.\n\n"
        out +=
            "Recipes: " + s.recipes.keys.sorted().map { "`\($0)` = `xsnet train \(s.recipes[$0]!.joined(separator: " "))`" }.joined(separator: "; ")
        out += ". Reference: \(s.reference ?? "none")" + ".\n\n"
        out += "## Pooled by family\n\n"
        out += "The band must widen away from the data: \"s/σ ÷ random\" is the family's mean relative spread over that of the same "
        out += "recipe's random split (points among measured ones); below 1 the band shrinks where the model knows less.\n\n"
        out += "| family | recipe | folds | points | median | within 10% | within 20% | χ²/N | 1σ cov. | 2σ cov. | mean s/σ | s/σ ÷ random "
        out += "| reference median | reference better in | floor | median, own scale | reference, own scale |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for f in s.summary {
            let c = f.scores
            let random = s.summary.first { $0.family == "random" && $0.recipe == f.recipe }?.scores.mean_rel_uncertainty
            let widening = random.map { $0 > 0 ? String(format: "%.2f", c.mean_rel_uncertainty / $0) : "–" } ?? "–"
            out += "| \(f.family) | \(f.recipe) | \(f.folds) | \(c.points) | \(pct(c.median_abs_rel_dev)) | \(pct(c.within_10pct)) | "
            out += "\(pct(c.within_20pct)) | \(String(format: "%.3g", c.chi2_per_point)) | \(pct(c.coverage_1sigma)) | \(pct(c.coverage_2sigma)) | "
            out += "\(pct(c.mean_rel_uncertainty)) | \(widening) | \(pct(c.reference_median_abs_rel_dev)) | "
            out += "\(f.reference_worse_folds.map { "\($0) of \(f.folds)" } ?? "–") | \(pct(c.floor_median_abs_rel_dev)) | "
            out += "\(pct(c.own_scale_median_abs_rel_dev)) | \(pct(c.reference_own_scale_median_abs_rel_dev)) |\n"
        }
        if !s.calibration.isEmpty {
            out += "\n## Calibration across experiments\n\n"
            out += "The factor c on the ensemble's spread (s → c·s) fitted on the left-out experiments' points, and the pooled coverage "
            out += "when each experiment's band is scaled by the factor fitted on the *other* experiments (leave-one-experiment-out: what "
            out += "a band calibrated this way covers on an experiment it has not seen). Rules as `xsnet calibrate --rule`.\n\n"
            out += "| recipe | rule | points | c (all experiments) | c per experiment (from the others) | 1σ / 2σ cov., c = 1 | "
            out += "1σ / 2σ cov., calibrated |\n|---|---|---|---|---|---|---|\n"
            for c in s.calibration {
                let factors = c.folds.map(\.factor)
                out += "| \(c.recipe) | \(c.rule) | \(c.points) | \(String(format: "%.3f", c.factor)) | "
                out += "\(String(format: "%.3f", factors.min() ?? .nan))–\(String(format: "%.3f", factors.max() ?? .nan)) | "
                out += "\(pct(c.coverage_1sigma_uncalibrated)) / \(pct(c.coverage_2sigma_uncalibrated)) | "
                out += "\(pct(c.coverage_1sigma)) / \(pct(c.coverage_2sigma)) |\n"
            }
        }
        out += "\n## Every fold\n\n"
        out +=
            "| split | recipe | points | median | members' medians | within 10% | within 20% | χ²/N | 1σ cov. | 2σ cov. | mean s/σ | reference median "
        out += "| floor | median, own scale | reference, own scale |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for f in s.folds {
            let c = f.scores
            out += "| \(f.split) | \(f.recipe) | \(c.points) | \(pct(c.median_abs_rel_dev)) | "
            out += f.member_median_abs_rel_dev.map { String(format: "%.1f", 100 * $0) }.joined(separator: ", ") + " | "
            out += "\(pct(c.within_10pct)) | \(pct(c.within_20pct)) | \(String(format: "%.3g", c.chi2_per_point)) | "
            out +=
                "\(pct(c.coverage_1sigma)) | \(pct(c.coverage_2sigma)) | \(pct(c.mean_rel_uncertainty)) | \(pct(c.reference_median_abs_rel_dev)) | "
            out +=
                "\(pct(c.floor_median_abs_rel_dev)) | \(pct(c.own_scale_median_abs_rel_dev)) | \(pct(c.reference_own_scale_median_abs_rel_dev)) |\n"
        }
        return out
    }
}

/// The reference models xsnet knows by name (`--model bosted-mamyan`, `--compare bosted-mamyan`).
public enum ReferenceModels {
    public static let byName: [String: any ReferenceModel] = [
        "bosted-mamyan": BostedMamyan(), "bosted-mamyan+coulomb": CoulombCorrected(base: BostedMamyan())
    ]

    public static func named(_ name: String) -> (any ReferenceModel)? { byName[name.lowercased()] }

    /// "bosted-mamyan, bosted-mamyan+coulomb" (for help texts).
    public static var names: String { byName.keys.sorted().joined(separator: ", ") }
}

/// A Born reference with Coulomb distortion in the effective momentum approximation
/// (`CoulombDistortion`): what the reference predicts for an experiment whose data were not
/// corrected for Coulomb effects.
public struct CoulombCorrected<Base: ReferenceModel>: ReferenceModel {
    public let base: Base

    public init(base: Base) { self.base = base }

    public var name: String { "\(base.name) + Coulomb (EMA)" }

    public func covers(_ nucleus: Nucleus) -> Bool { base.covers(nucleus) }

    public func crossSection(_ k: Kinematics, nucleus: Nucleus) -> Double? {
        CoulombDistortion(nucleus: nucleus).crossSection(k) { base.crossSection($0, nucleus: nucleus) }
    }
}
