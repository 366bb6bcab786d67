import Foundation
import XSCore
import XSData
import XSNN

/// A model updated with newly delivered data (`xsnet update`): training continues from every
/// member's weights on the model's own data plus the new data sets (each with a new λ_k), for a
/// fraction of the original epochs, each ensemble member on its own bootstrap clone as in
/// fine-tuning (`Transfer.fineTune`). The new data are kept in the model file (`ModelInfo.addedData`)
/// so that its data, split and card are reproducible.
public enum ModelUpdate {
    /// The default length of an update as a fraction of the model's own epochs. It runs on the
    /// model's data plus the new data sets, so an epoch costs more than one of the training; 15%
    /// of the epochs took 13–20% of a training's time over carbon's ten experiments and reached
    /// the model trained with the new experiment from the start within 0.5 point on 6 of them
    /// (docs/update.md, "Every experiment in turn").
    public static let defaultEpochFraction = 0.15

    /// The default anchor of an update (`Trainer.anchorToStart`): each member held within 1% of its
    /// own predictions at the old data sets' points, let go within ℓ = 0.2 in (q, ω) of the new data
    /// (`AnchorRelease`). Over carbon's ten experiments it brought as many new experiments within 0.5
    /// point of the model trained with them from the start as no anchor (6 of 10) and moved 9 of the
    /// 90 other data sets by ≥ 0.5 point against 25 (docs/update.md, "Holding the old data sets").
    public static let defaultAnchorError = 0.01
    public static let defaultAnchorRelease = 0.2

    /// `defaultEpochFraction` of `epochs`, at least 1.
    public static func defaultEpochs(forModelEpochs epochs: Int) -> Int { max(Int((Double(epochs) * defaultEpochFraction).rounded()), 1) }

    /// One data set before and after (the names are the JSON keys scripts read).
    public struct DatasetChange: Codable, Sendable {
        public var dataset: String
        public var points: Int
        /// Whether the data set came with the update.
        public var new: Bool
        /// χ²/N with the model's fitted λ_k and median |σ_pred/σ − 1| against the data as published.
        public var chi2_per_point_before: Double
        public var chi2_per_point_after: Double
        public var median_abs_rel_dev_before: Double
        public var median_abs_rel_dev_after: Double
        /// The same median against the data divided by the model's fitted λ_k, and that λ_k after
        /// (where a new data set's normalization absorbs what the network does not move).
        public var median_abs_rel_dev_fitted_lambda_before: Double
        public var median_abs_rel_dev_fitted_lambda_after: Double
        public var lambda_after: Double
    }

    public struct Report: Codable, Sendable {
        public var command: String
        public var model: String
        public var new_datasets: [String]
        public var datasets: [DatasetChange]
        /// median and 95th percentile of |σ_after/σ_before − 1| at the new data's points and at the others.
        public var shift_median_at_new_data: Double
        public var shift_p95_at_new_data: Double
        public var shift_median_elsewhere: Double
        public var shift_p95_elsewhere: Double
        public var epochs: Int
        /// The relative error within which each member was held to its own predictions at the old
        /// data sets' points (`Trainer.anchorToStart`); nil without an anchor.
        public var anchor_error: Double?
        /// ℓ of the anchor's release near the new data (`AnchorRelease`); nil where it holds everywhere.
        public var anchor_release: Double?
        /// Delivered points, and those of them the model's ω cut removed, per new data set.
        public var new_points_delivered: Int
        public var new_points_removed_by_cut: [String: Int]
        /// This update's wall time, per member, and the original training's (member 0's record).
        public var seconds: Double
        public var seconds_per_member: Double
        public var original_seconds_per_member: Double?
    }

    public enum UpdateError: Error, CustomStringConvertible, LocalizedError {
        case otherNucleus(String, model: String)
        case empty
        case heldOutBySplit(split: String, count: Int, of: Int)

        public var description: String {
            switch self {
            case let .otherNucleus(n, model):
                "the new data hold \(n) points; the model describes \(model) only (update an any-target model with other nuclei)"
            case .empty: "the new data hold no points"
            case let .heldOutBySplit(split, count, total):
                "the model's split \(split) holds out \(count) of the \(total) delivered points (after the ω cut), so the update would not train on them; update a model trained without those data (--datasets) and a random or spectra split"
            }
        }
        public var errorDescription: String? { description }
    }

    /// The updated model and its report. `base` is the model's data source (the bundled data);
    /// `new` the delivered data sets (points and Δλ_k rows). With `anchorError` every member is
    /// held within that relative error of its own predictions at the old data sets' training
    /// points (`Trainer.anchorToStart`), except within `anchorReleaseRadius` in (q, ω) of the new
    /// points (`AnchorRelease`; nil or 0: held everywhere).
    public static func update(
        _ model: CrossSectionModel, modelName: String, base: ScatteringData, new: ScatteringData, epochs: Int, learningRate: Double, seed: UInt64,
        anchorError: Double? = nil, anchorReleaseRadius: Double? = nil, command: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> (model: CrossSectionModel, report: Report) {
        guard !new.points.isEmpty else { throw UpdateError.empty }
        let started = Benchmark.now()
        if !model.info.isAnyTarget, let other = new.points.first(where: { $0.nucleus.name != model.info.nucleus }) {
            throw UpdateError.otherNucleus(other.nucleus.name, model: model.info.nucleus)
        }
        let before = try model.selectedData(from: base)
        let previouslyAdded = try model.info.addedData?.decoded() ?? ScatteringData(points: [], datasets: [])
        let added = previouslyAdded.replacing(with: new)
        var selection = model.info.selection
        let newKeys = Set(new.points.map(selection.key))
        selection.datasets = Array(Set(before.datasetKeys).union(newKeys)).sorted()
        let selected = try selection.apply(to: base.replacing(with: added))
        // A split that holds out a region by rule (leave-out:<set>, leave-out-nucleus:<N>, angle-above:θ,
        // …) keeps its region out of the training part: delivered points there would be ignored.
        let delivered = selected.points.filter { newKeys.contains(selection.key($0)) }
        let held = delivered.filter(selection.splitMethod.holdsOut).count
        if held > 0 { throw UpdateError.heldOutBySplit(split: selection.splitMethod.rawValue, count: held, of: delivered.count) }
        // The anchor lets go near the new points (ℓ nil or 0: it holds everywhere).
        var release: AnchorRelease? = nil
        if anchorError != nil, let radius = anchorReleaseRadius, radius > 0 {
            release = AnchorRelease(radius: radius, near: new.points, acrossNuclei: !model.info.input.features.describesNucleus)
        }
        let config = Transfer.fineTuningConfig(
            from: model.info.config, epochs: epochs, learningRate: learningRate, seed: seed, keepingPseudoData: true)
        let updated = try Transfer.fineTune(
            codingNewNuclei(model, new.points), sourceName: modelName, data: selected, scenario: .all, blocks: 0, config: config, command: command,
            keepingNormalizations: true, restarting: newKeys, anchorError: anchorError, anchorRelease: release, progress: progress)
        updated.info.addedData = ModelInfo.AddedData(added)
        // The spread's calibration was fitted for the model before the update; it is carried over
        // (refit it with `xsnet calibrate` on the updated model's validation part).
        updated.info.calibration = model.info.calibration
        // The committee with the fit keeps its reference and τ; the new data's settings join the
        // measured ones, where the model predicts alone.
        updated.info.referenceCommittee = model.info.referenceCommittee.map {
            var committee = $0
            committee.measuredSettings = MeasuredSettings(trainingPartOf: selected)
            return committee
        }
        updated.info.fineTunedFrom = nil
        let seconds = Benchmark.now() - started

        let points = selected.points
        let old = model.predict(points), now = updated.predict(points)
        let reportBefore = Evaluation.report(model: model, points: points, predictions: old, splitName: "all")
        let reportAfter = Evaluation.report(model: updated, points: points, predictions: now, splitName: "all")
        let changes = reportAfter.datasets.map { after -> DatasetChange in
            let b = reportBefore.datasets.first { $0.dataset == after.dataset }!
            return DatasetChange(
                dataset: after.dataset, points: after.metrics.points, new: newKeys.contains(after.dataset),
                chi2_per_point_before: b.metrics.chi2_per_point, chi2_per_point_after: after.metrics.chi2_per_point,
                median_abs_rel_dev_before: b.metrics.median_abs_rel_dev, median_abs_rel_dev_after: after.metrics.median_abs_rel_dev,
                median_abs_rel_dev_fitted_lambda_before: b.metrics.median_abs_rel_dev_fitted_lambda,
                median_abs_rel_dev_fitted_lambda_after: after.metrics.median_abs_rel_dev_fitted_lambda, lambda_after: after.lambda)
        }
        var atNew: [Double] = [], elsewhere: [Double] = []
        for (i, p) in points.enumerated() {
            let shift = abs(now[i].mean / old[i].mean - 1)
            if newKeys.contains(p.dataset) { atNew.append(shift) } else { elsewhere.append(shift) }
        }
        func p95(_ v: [Double]) -> Double {
            guard !v.isEmpty else { return .nan }
            return v.sorted()[min(v.count - 1, Int((0.95 * Double(v.count - 1)).rounded()))]
        }
        let report = Report(
            command: command, model: modelName, new_datasets: newKeys.sorted(), datasets: changes,
            shift_median_at_new_data: median(atNew), shift_p95_at_new_data: p95(atNew),
            shift_median_elsewhere: median(elsewhere),
            shift_p95_elsewhere: p95(elsewhere), epochs: epochs, anchor_error: anchorError,
            anchor_release: release?.radius,
            new_points_delivered: new.points.count,
            new_points_removed_by_cut: selected.removedByCut.filter { newKeys.contains($0.key) && $0.value > 0 },
            seconds: seconds,
            seconds_per_member: seconds / Double(model.networks.count),
            original_seconds_per_member: model.info.training?.wallSeconds)
        return (updated, report)
    }

    /// A `kinematic-coded` model given a code of its own for each delivered nucleus it has none for
    /// (its descriptors, standardized as in training), so that the update learns that nucleus as
    /// one with data rather than through the code of an unknown nucleus every other nucleus shares
    /// (⁴⁰Ca delivered to the recipe trained without it: 11.93% and 13.36% on Meziani and
    /// Williamson kept under the unknown code, against 4.11% and 2.76% trained with it from the
    /// start; docs/update.md, "A new nucleus"). Other models are returned as they are.
    static func codingNewNuclei(_ model: CrossSectionModel, _ points: [ScatteringPoint]) -> CrossSectionModel {
        guard model.info.input.features == .kinematicCoded else { return model }
        let coded = Set(model.info.input.codedNuclei ?? [])
        let added = Set(points.map(\.nucleus.name)).subtracting(coded)
        guard !added.isEmpty else { return model }
        var info = model.info
        info.input.codedNuclei = coded.union(added).sorted()
        return CrossSectionModel(networks: model.networks, info: info)
    }

    public static func markdown(_ r: Report) -> String {
        func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.2f%%", 100 * v) : "–" }
        var out = "# Update of \(r.model)\n\nMade by `\(r.command)`: \(r.epochs) epochs from every member's weights on the model's data plus "
        out += r.new_datasets.map { "`\($0)`" }.joined(separator: ", ") + " in \(formatDuration(r.seconds)) ("
        out += String(format: "%.0f s per member", r.seconds_per_member)
        if let o = r.original_seconds_per_member, o > 0 {
            out += String(format: "; the original training took %.0f s per member: %.0f%% of it", o, 100 * r.seconds_per_member / o)
        }
        out += ")"
        if let a = r.anchor_error { out += String(format: ", each member held within %g of its own predictions at the old data sets' points", a) }
        if let l = r.anchor_release { out += String(format: " (let go within ℓ = %g in (q, ω) of the new data)", l) }
        out += "."
        let cut = r.new_points_removed_by_cut.values.reduce(0, +)
        if cut > 0 {
            out += " The model's ω cut removed \(cut) of the \(r.new_points_delivered) delivered points ("
            out += r.new_points_removed_by_cut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")."
        }
        out += "\n\n| data set | points | new | χ²/N before | χ²/N after | median before | median after | λ_k after | median after, data ÷ λ_k |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        for d in r.datasets {
            out += "| \(d.dataset) | \(d.points) | \(d.new ? "yes" : "") | \(String(format: "%.3g", d.chi2_per_point_before)) | "
            out += "\(String(format: "%.3g", d.chi2_per_point_after)) | \(pct(d.median_abs_rel_dev_before)) | \(pct(d.median_abs_rel_dev_after)) | "
            out += "\(String(format: "%.4f", d.lambda_after)) | \(pct(d.median_abs_rel_dev_fitted_lambda_after)) |\n"
        }
        out += "\nHow far the predictions moved, |σ_after/σ_before − 1|: at the new data's points median \(pct(r.shift_median_at_new_data)), "
        out += "95th percentile \(pct(r.shift_p95_at_new_data)); at every other point median \(pct(r.shift_median_elsewhere)), "
        out += "95th percentile \(pct(r.shift_p95_elsewhere)).\n"
        return out
    }
}
