import Foundation
import XSCore
import XSData

/// The leave-one-nucleus-out study (`xsnet nucleus-study`): for each nucleus with enough points,
/// an any-target ensemble trained without it predicts all of its points; beside it on the same
/// points the Bosted–Mamyan fit, the carbon model × A/12, the carbon model × the fit's nuclear
/// ratio (`Transfer.referenceScaled`, the fit with Coulomb distortion), and the carbon model
/// fine-tuned on a fraction of the nucleus's points (Graczyk et al., arXiv:2408.09936; scored on
/// the rest).
public enum NucleusStudy {
    /// One nucleus held out (the names are the JSON keys scripts read).
    public struct NucleusRow: Codable, Sendable {
        public var nucleus: String
        public var recipe: String
        public var points: Int
        public var median_abs_rel_dev: Double
        public var within_10pct: Double
        public var chi2_per_point: Double
        public var coverage_1sigma: Double
        public var coverage_2sigma: Double
        public var mean_rel_uncertainty: Double
        /// Each member's own median on the nucleus's points.
        public var member_median_abs_rel_dev: [Double]
        /// The Bosted–Mamyan fit on the same points.
        public var reference_median_abs_rel_dev: Double?
        public var reference_within_10pct: Double?
        /// The carbon model × A/12 on the same points; nil for carbon (the carbon model's own data).
        public var mass_scaled_carbon_median_abs_rel_dev: Double?
        /// The carbon model × σ_BM+Coulomb(nucleus)/σ_BM+Coulomb(C12) on the same points; nil for carbon.
        public var reference_scaled_carbon_median_abs_rel_dev: Double?
        /// The carbon model fine-tuned on `finetuned_train_points` of the nucleus, on the rest
        /// (`finetuned_points`); nil for carbon.
        public var finetuned_median_abs_rel_dev: Double?
        public var finetuned_train_points: Int?
        public var finetuned_points: Int?
        /// What a model equal to the truth would score on the nucleus's points against the data as
        /// published (`AgreementFloor`); nil in a study written before it was computed.
        public var floor_median_abs_rel_dev: Double? = nil
        /// The medians with each of the nucleus's data sets at its own scale, taken from its points
        /// (`GeneralizationStudy.scaleFreeMedian`), of the model and of Bosted–Mamyan; nil in a study
        /// written before they were computed.
        public var own_scale_median_abs_rel_dev: Double? = nil
        public var reference_own_scale_median_abs_rel_dev: Double? = nil

        enum CodingKeys: String, CodingKey {
            case nucleus, recipe, points, median_abs_rel_dev, within_10pct, chi2_per_point, coverage_1sigma, coverage_2sigma
            case mean_rel_uncertainty, member_median_abs_rel_dev, reference_median_abs_rel_dev, reference_within_10pct
            case mass_scaled_carbon_median_abs_rel_dev, reference_scaled_carbon_median_abs_rel_dev, finetuned_median_abs_rel_dev
            case finetuned_train_points, finetuned_points, floor_median_abs_rel_dev, own_scale_median_abs_rel_dev
            case reference_own_scale_median_abs_rel_dev
        }

        /// Every key, a missing figure as null (scripts read the same keys for every nucleus).
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(nucleus, forKey: .nucleus)
            try c.encode(recipe, forKey: .recipe)
            try c.encode(points, forKey: .points)
            try c.encode(median_abs_rel_dev, forKey: .median_abs_rel_dev)
            try c.encode(within_10pct, forKey: .within_10pct)
            try c.encode(chi2_per_point, forKey: .chi2_per_point)
            try c.encode(coverage_1sigma, forKey: .coverage_1sigma)
            try c.encode(coverage_2sigma, forKey: .coverage_2sigma)
            try c.encode(mean_rel_uncertainty, forKey: .mean_rel_uncertainty)
            try c.encode(member_median_abs_rel_dev, forKey: .member_median_abs_rel_dev)
            try c.encode(reference_median_abs_rel_dev, forKey: .reference_median_abs_rel_dev)
            try c.encode(reference_within_10pct, forKey: .reference_within_10pct)
            try c.encode(mass_scaled_carbon_median_abs_rel_dev, forKey: .mass_scaled_carbon_median_abs_rel_dev)
            try c.encode(reference_scaled_carbon_median_abs_rel_dev, forKey: .reference_scaled_carbon_median_abs_rel_dev)
            try c.encode(finetuned_median_abs_rel_dev, forKey: .finetuned_median_abs_rel_dev)
            try c.encode(finetuned_train_points, forKey: .finetuned_train_points)
            try c.encode(finetuned_points, forKey: .finetuned_points)
            try c.encode(floor_median_abs_rel_dev, forKey: .floor_median_abs_rel_dev)
            try c.encode(own_scale_median_abs_rel_dev, forKey: .own_scale_median_abs_rel_dev)
            try c.encode(reference_own_scale_median_abs_rel_dev, forKey: .reference_own_scale_median_abs_rel_dev)
        }
    }

    public struct Pooled: Codable, Sendable {
        public var recipe: String
        public var nuclei: Int
        public var points: Int
        public var median_abs_rel_dev: Double
        public var within_10pct: Double
        public var coverage_1sigma: Double
        public var coverage_2sigma: Double
        public var reference_median_abs_rel_dev: Double?
        /// The floor of the pooled points (`AgreementFloor`); nil in a study written before it was computed.
        public var floor_median_abs_rel_dev: Double? = nil
        /// The pooled medians with each data set at its own scale (model, Bosted–Mamyan).
        public var own_scale_median_abs_rel_dev: Double? = nil
        public var reference_own_scale_median_abs_rel_dev: Double? = nil
        /// Nuclei on which the recipe's median is below the Bosted–Mamyan fit's, and below carbon × A/12.
        public var nuclei_better_than_reference: Int
        public var nuclei_better_than_mass_scaled_carbon: Int
        public var nuclei_with_mass_scaled_carbon: Int
    }

    public struct Study: Codable, Sendable {
        public var command: String
        public var members: Int
        public var recipes: [String: [String]]
        public var reference: String
        public var carbon_model: String
        public var finetune_fraction: Double
        public var finetune_epochs: Int
        /// The default recipe's row per nucleus (lowest pooled median).
        public var default_recipe: String
        public var nuclei: [NucleusRow]
        /// Every recipe's rows.
        public var folds: [NucleusRow]
        public var pooled: [Pooled]
        /// The spread factor each recipe's ensembles need on a nucleus they were not trained on,
        /// per calibration rule: `GeneralizationStudy.crossExperimentCalibration` with the held-out
        /// nuclei as the units (each `folds[].split` a nucleus; its coverage with the factor fitted
        /// on the other nuclei). nil in a study written before it was computed.
        public var calibration: [GeneralizationStudy.CrossExperimentCalibration]?
        public var seconds: Double
        public var replica_training_seconds: Double

        public init(
            command: String, members: Int, recipes: [String: [String]], reference: String, carbon_model: String, finetune_fraction: Double,
            finetune_epochs: Int, folds: [NucleusRow], pooled: [Pooled], calibration: [GeneralizationStudy.CrossExperimentCalibration] = [],
            seconds: Double, replica_training_seconds: Double
        ) {
            self.command = command
            self.members = members
            self.recipes = recipes
            self.reference = reference
            self.carbon_model = carbon_model
            self.finetune_fraction = finetune_fraction
            self.finetune_epochs = finetune_epochs
            self.folds = folds
            self.pooled = pooled
            self.calibration = calibration
            let best = pooled.min { $0.median_abs_rel_dev < $1.median_abs_rel_dev }?.recipe ?? ""
            default_recipe = best
            nuclei = folds.filter { $0.recipe == best }
            self.seconds = seconds
            self.replica_training_seconds = replica_training_seconds
        }
    }

    /// The nuclei of an any-target selection with at least `minimumPoints` points, by A.
    public static func nuclei(_ selected: SelectedData, minimumPoints: Int) -> [Nucleus] {
        var counts: [Nucleus: Int] = [:]
        for p in selected.points { counts[p.nucleus, default: 0] += 1 }
        return counts.filter { $0.value >= minimumPoints }.keys.sorted()
    }

    /// The carbon model's medians on a nucleus it was not trained on.
    public struct CarbonBaselines: Sendable {
        public var massScaled: Double
        public var referenceScaled: Double
        public var fineTuned: Double
        public var trainPoints: Int
        public var testPoints: Int
    }

    /// The reference whose nuclear ratio carries the carbon model to another nucleus: the data are
    /// not corrected for Coulomb distortion, so the ratio of the distorted fits.
    public static let transferReference = CoulombCorrected(base: BostedMamyan())

    /// The carbon baselines on `nucleus`: carbon × A/12 and carbon × the fit's nuclear ratio
    /// (`transferReference`) on the held-out points, and the carbon model fine-tuned (all layers)
    /// on `fraction` of the nucleus's points drawn with `seed`, scored on the rest. nil for carbon.
    public static func carbonBaselines(
        carbon: CrossSectionModel, carbonName: String, nucleus: Nucleus, heldOut: [ScatteringPoint], data: ScatteringData, fraction: Double,
        epochs: Int, seed: UInt64
    ) throws -> CarbonBaselines? {
        guard nucleus.name != carbon.info.nucleus else { return nil }
        func medianDeviation(_ points: [ScatteringPoint], _ predictions: [CrossSectionPrediction]) -> Double {
            median(zip(points, predictions).map { abs($1.mean / $0.crossSection - 1) })
        }
        let kinematics = heldOut.map(\.kinematics)
        let massScaled = medianDeviation(heldOut, Transfer.massScaled(carbon, to: nucleus, points: kinematics))
        let referenceScaled = medianDeviation(
            heldOut, Transfer.referenceScaled(carbon, to: nucleus, points: kinematics, reference: transferReference))
        let selected = try DataSelection(nucleus: nucleus.name, splitMethod: .random, testFraction: 1 - fraction, splitSeed: seed).apply(to: data)
        let config = Transfer.fineTuningConfig(from: carbon.info.config, epochs: epochs, seed: seed)
        let tuned = try Transfer.fineTune(
            carbon, sourceName: carbonName, data: selected, scenario: .all, blocks: 2, config: config, command: "nucleus-study")
        let test = selected.split.test.map { selected.points[$0] }
        let fineTuned = medianDeviation(test, tuned.predict(test))
        return CarbonBaselines(
            massScaled: massScaled, referenceScaled: referenceScaled, fineTuned: fineTuned, trainPoints: selected.split.train.count,
            testPoints: test.count)
    }

    /// A row from a fold of the generalization study's scoring and the carbon baselines.
    public static func row(
        nucleus: Nucleus, fold: GeneralizationStudy.Fold, baselines: CarbonBaselines?
    ) -> NucleusRow {
        let s = fold.scores
        return NucleusRow(
            nucleus: nucleus.name, recipe: fold.recipe, points: s.points, median_abs_rel_dev: s.median_abs_rel_dev, within_10pct: s.within_10pct,
            chi2_per_point: s.chi2_per_point, coverage_1sigma: s.coverage_1sigma, coverage_2sigma: s.coverage_2sigma,
            mean_rel_uncertainty: s.mean_rel_uncertainty, member_median_abs_rel_dev: fold.member_median_abs_rel_dev,
            reference_median_abs_rel_dev: s.reference_median_abs_rel_dev, reference_within_10pct: s.reference_within_10pct,
            mass_scaled_carbon_median_abs_rel_dev: baselines?.massScaled, reference_scaled_carbon_median_abs_rel_dev: baselines?.referenceScaled,
            finetuned_median_abs_rel_dev: baselines?.fineTuned,
            finetuned_train_points: baselines?.trainPoints, finetuned_points: baselines?.testPoints,
            floor_median_abs_rel_dev: s.floor_median_abs_rel_dev, own_scale_median_abs_rel_dev: s.own_scale_median_abs_rel_dev,
            reference_own_scale_median_abs_rel_dev: s.reference_own_scale_median_abs_rel_dev)
    }

    /// Per recipe and calibration rule, the factor on the ensembles' spread that a nucleus they
    /// were not trained on needs, each nucleus scored with the factor fitted on the others.
    public static func crossNucleusCalibrations(
        _ measured: [(row: NucleusRow, points: GeneralizationStudy.HeldOutPoints)], rules: [CalibrationRule] = CalibrationRule.allCases
    ) -> [GeneralizationStudy.CrossExperimentCalibration] {
        GeneralizationStudy.crossValidatedCalibrations(
            measured.map { (recipe: $0.row.recipe, unit: $0.row.nucleus, points: $0.points) }, rules: rules)
    }

    /// Per recipe: every held-out point of every nucleus pooled, and the nuclei won.
    public static func pooled(_ measured: [(row: NucleusRow, points: GeneralizationStudy.HeldOutPoints)]) -> [Pooled] {
        var order: [String] = []
        for m in measured where !order.contains(m.row.recipe) { order.append(m.row.recipe) }
        return order.map { recipe in
            let rows = measured.filter { $0.row.recipe == recipe }
            var all = GeneralizationStudy.HeldOutPoints()
            for r in rows { all.append(r.points) }
            let s = all.scores
            let withCarbon = rows.filter { $0.row.mass_scaled_carbon_median_abs_rel_dev != nil }
            return Pooled(
                recipe: recipe, nuclei: rows.count, points: s.points, median_abs_rel_dev: s.median_abs_rel_dev, within_10pct: s.within_10pct,
                coverage_1sigma: s.coverage_1sigma, coverage_2sigma: s.coverage_2sigma, reference_median_abs_rel_dev: s.reference_median_abs_rel_dev,
                floor_median_abs_rel_dev: s.floor_median_abs_rel_dev, own_scale_median_abs_rel_dev: s.own_scale_median_abs_rel_dev,
                reference_own_scale_median_abs_rel_dev: s.reference_own_scale_median_abs_rel_dev,
                nuclei_better_than_reference: rows.filter { r in
                    r.row.reference_median_abs_rel_dev.map { r.row.median_abs_rel_dev < $0 } ?? false
                }.count,
                nuclei_better_than_mass_scaled_carbon: withCarbon.filter { $0.row.median_abs_rel_dev < $0.row.mass_scaled_carbon_median_abs_rel_dev! }
                    .count,
                nuclei_with_mass_scaled_carbon: withCarbon.count)
        }
    }

    public static func markdown(_ s: Study) -> String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        var out = "# Leave-one-nucleus-out study\n\n"
        out += "Made by `\(s.command)` in \(formatDuration(s.seconds)) (replica trainings: \(formatDuration(s.replica_training_seconds)) "
        out += "summed over one-thread runs). For each nucleus, an any-target ensemble of \(s.members) bootstrap replicas (model A) is trained on "
        out += "every other nucleus (`--split leave-out-nucleus:<nucleus>`) and predicts every point of the nucleus (ω ≥ 0.02 GeV; for carbon "
        out += "the data sets of Kowal et al. 2024), scored against the data as published (λ = 1; \"floor\": the median a model equal to the "
        out +=
            "truth would have there, given the quoted errors and each data set's Δλ_k, `AgreementFloor`; \"own scales\": the median with "
        out += "each data set's prediction scaled a posteriori so that half of its points lie above and half below, the shape's miss "
        out += "without the data set's overall offset; it can exceed the median as published where a data set's misses run both ways). "
        out += "Beside it on the same points: \(s.reference); "
        out += "the carbon model `\(s.carbon_model)` × A/12 and × the nuclear ratio of the Bosted–Mamyan fit with Coulomb distortion "
        out += "(σ_BM(nucleus)/σ_BM(C12) at the same kinematics); and that model fine-tuned on \(Int((100 * s.finetune_fraction).rounded()))% of the "
        out +=
            "nucleus's points (\(s.finetune_epochs) epochs, all layers), scored on the other \(Int((100 * (1 - s.finetune_fraction)).rounded()))%. "
        out += "Default recipe (lowest pooled median): **\(s.default_recipe)**.\n\n"
        out +=
            "Recipes: "
            + s.recipes.keys.sorted().map { "`\($0)` = `xsnet train --nucleus any \(s.recipes[$0]!.joined(separator: " "))`" }
            .joined(separator: "; ") + ".\n\n"
        out += "## Pooled\n\n| recipe | nuclei | points | median | within 10% | 1σ cov. | 2σ cov. | reference median | nuclei better than reference "
        out +=
            "| better than carbon × A/12 | floor | median, own scales | reference, own scales |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for p in s.pooled {
            out += "| \(p.recipe) | \(p.nuclei) | \(p.points) | \(pct(p.median_abs_rel_dev)) | \(pct(p.within_10pct)) | \(pct(p.coverage_1sigma)) | "
            out += "\(pct(p.coverage_2sigma)) | \(pct(p.reference_median_abs_rel_dev)) | \(p.nuclei_better_than_reference) of \(p.nuclei) | "
            out += "\(p.nuclei_better_than_mass_scaled_carbon) of \(p.nuclei_with_mass_scaled_carbon) | \(pct(p.floor_median_abs_rel_dev)) | "
            out += "\(pct(p.own_scale_median_abs_rel_dev)) | \(pct(p.reference_own_scale_median_abs_rel_dev)) |\n"
        }
        if let calibration = s.calibration, !calibration.isEmpty {
            out += "\n## Calibration across nuclei\n\nThe factor c on the ensembles' spread (s → c·s) fitted on every held-out nucleus's points, "
            out += "and the pooled coverage with each nucleus scored with the factor fitted on the others (`xsnet calibrate --across-nuclei`).\n\n"
            out += "| recipe | rule | c (all nuclei) | c per nucleus (from the others) | 1σ / 2σ, members' spread | 1σ / 2σ, calibrated |\n"
            out += "|---|---|---|---|---|---|\n"
            for c in calibration {
                let factors = c.folds.map(\.factor)
                out += String(
                    format: "| %@ | %@ | %.3f | %.3f–%.3f | %.1f%% / %.1f%% | %.1f%% / %.1f%% |\n", c.recipe, c.rule, c.factor, factors.min() ?? .nan,
                    factors.max() ?? .nan, 100 * c.coverage_1sigma_uncalibrated, 100 * c.coverage_2sigma_uncalibrated, 100 * c.coverage_1sigma,
                    100 * c.coverage_2sigma)
            }
        }
        out += "\n## Every nucleus\n\n| nucleus | recipe | points | median | members' medians | within 10% | χ²/N | 1σ cov. | 2σ cov. | mean s/σ "
        out += "| Bosted–Mamyan | carbon × A/12 | carbon × fit ratio | fine-tuned carbon (train/test points) | floor | median, own scales "
        out += "| Bosted–Mamyan, own scales |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in s.folds {
            out += "| \(r.nucleus) | \(r.recipe) | \(r.points) | \(pct(r.median_abs_rel_dev)) | "
            out += r.member_median_abs_rel_dev.map { String(format: "%.1f", 100 * $0) }.joined(separator: ", ") + " | "
            out += "\(pct(r.within_10pct)) | \(String(format: "%.3g", r.chi2_per_point)) | \(pct(r.coverage_1sigma)) | \(pct(r.coverage_2sigma)) | "
            out += "\(pct(r.mean_rel_uncertainty)) | \(pct(r.reference_median_abs_rel_dev)) | \(pct(r.mass_scaled_carbon_median_abs_rel_dev)) | "
            out += "\(pct(r.reference_scaled_carbon_median_abs_rel_dev)) | "
            out += "\(pct(r.finetuned_median_abs_rel_dev))"
            if let train = r.finetuned_train_points, let test = r.finetuned_points { out += " (\(train)/\(test))" }
            out += " | \(pct(r.floor_median_abs_rel_dev)) | \(pct(r.own_scale_median_abs_rel_dev)) | "
            out += "\(pct(r.reference_own_scale_median_abs_rel_dev)) |\n"
        }
        return out
    }
}
