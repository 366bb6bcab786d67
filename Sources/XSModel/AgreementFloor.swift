import Foundation
import XSCore

/// What a model equal to the true cross section would score against the data: the floor under
/// the agreement figures (median |σ_pred/σ − 1|, within 10% and 20%) that the data's own quoted
/// errors set, the scale against which a model's figures and a target read.
///
/// Each measured σ_i = t_i λ_k (1 + e_i z_i): t_i the true cross section, e_i = Δσ_i/σ_i the quoted
/// relative error, z_i standard normal, and λ_k the scale of the point's data set k, one draw per
/// data set from N(1, Δλ_k) (D'Agostini's normalization uncertainty). The truth then deviates by
/// |t_i/σ_i − 1| = |1/(λ_k (1 + e_i z_i)) − 1|. Two floors:
/// - against the data as published (λ_k drawn): what any model scores at best where it cannot
///   know an experiment's scale, e.g. on an experiment held out whole;
/// - with each data set's scale known (λ_k = 1): the floor for the figures with the fitted λ_k.
/// The figures are averages over `draws` draws (a seeded generator: the same points give the same
/// floor); `median_abs_rel_dev_range` is the central 68% of the median over the draws, how far one
/// set of data of this size scatters about the average.
///
/// The quoted errors are the measurement's own claim; where they include systematic parts shared
/// by neighbouring points, a model that interpolates between the neighbours can come closer to
/// the data than this floor (it follows the shared part).
public struct AgreementFloor: Codable, Sendable, Equatable {
    public var median_abs_rel_dev: Double
    public var median_abs_rel_dev_range: [Double]
    public var within_10pct: Double
    public var within_20pct: Double

    /// The floor of `relativeErrors` (e_i = Δσ_i/σ_i), each point in data set `datasets[i]` with
    /// scale uncertainty `normalizationUncertainty[datasets[i]]` (0 when absent); `knownScale`
    /// holds every λ_k at 1.
    public static func expected(
        relativeErrors: [Double], datasets: [String], normalizationUncertainty: [String: Double], knownScale: Bool, draws: Int = 400,
        seed: UInt64 = 1
    ) -> AgreementFloor {
        precondition(relativeErrors.count == datasets.count && draws > 0)
        let n = relativeErrors.count
        guard n > 0 else {
            return AgreementFloor(median_abs_rel_dev: .nan, median_abs_rel_dev_range: [.nan, .nan], within_10pct: .nan, within_20pct: .nan)
        }
        let names = Array(Set(datasets)).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let setOfPoint = datasets.map { index[$0]! }
        let scaleUncertainty = names.map { knownScale ? 0 : normalizationUncertainty[$0] ?? 0 }
        var generator = SeededGenerator(seed: seed)
        var medians: [Double] = []
        medians.reserveCapacity(draws)
        var within10 = 0.0, within20 = 0.0
        var deviation = [Double](repeating: 0, count: n)
        var scale = [Double](repeating: 1, count: names.count)
        for _ in 0..<draws {
            for k in names.indices { scale[k] = 1 + scaleUncertainty[k] * generator.normal() }
            var in10 = 0, in20 = 0
            for i in 0..<n {
                let measured = scale[setOfPoint[i]] * (1 + relativeErrors[i] * generator.normal())
                let d = abs(1 / measured - 1)
                deviation[i] = d
                if d <= 0.1 { in10 += 1 }
                if d <= 0.2 { in20 += 1 }
            }
            medians.append(median(deviation))
            within10 += Double(in10) / Double(n)
            within20 += Double(in20) / Double(n)
        }
        let sorted = medians.sorted()
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))] }
        return AgreementFloor(
            median_abs_rel_dev: medians.reduce(0, +) / Double(draws), median_abs_rel_dev_range: [quantile(0.16), quantile(0.84)],
            within_10pct: within10 / Double(draws), within_20pct: within20 / Double(draws))
    }

    /// "median 3.6% (2.9–4.3%), within 10% 86.2%, within 20% 97.5%".
    public var summary: String {
        String(
            format: "median %.2f%% (%.2f–%.2f%%), within 10%% %.1f%%, within 20%% %.1f%%", 100 * median_abs_rel_dev,
            100 * median_abs_rel_dev_range[0],
            100 * median_abs_rel_dev_range[1], 100 * within_10pct, 100 * within_20pct)
    }
}
