import Foundation
import XSCore
import XSData

/// Coverage of an uncertainty band: the fractions of points with
/// |σ_pred − σ_data| ≤ k·√(σ_model² + Δσ²) for k = 1 and 2 (ideal: 68.3% and 95.4%).
public struct Coverage: Codable, Hashable, Sendable {
    public var oneSigma: Double
    public var twoSigma: Double

    public init(oneSigma: Double, twoSigma: Double) {
        self.oneSigma = oneSigma
        self.twoSigma = twoSigma
    }

    /// The 1σ band of a comparison: √(σ_model² + Δσ²).
    @inline(__always)
    public static func band(spread: Double, dataError: Double) -> Double {
        (spread * spread + dataError * dataError).squareRoot()
    }

    /// Coverage of predictions whose model spread is multiplied by `scale`.
    public static func of(deviations: [Double], dataErrors: [Double], spreads: [Double], scale: Double = 1) -> Coverage {
        precondition(deviations.count == dataErrors.count && deviations.count == spreads.count)
        guard !deviations.isEmpty else { return Coverage(oneSigma: .nan, twoSigma: .nan) }
        var one = 0, two = 0
        for i in deviations.indices {
            let band = Self.band(spread: scale * spreads[i], dataError: dataErrors[i])
            if abs(deviations[i]) <= band { one += 1 }
            if abs(deviations[i]) <= 2 * band { two += 1 }
        }
        let n = Double(deviations.count)
        return Coverage(oneSigma: Double(one) / n, twoSigma: Double(two) / n)
    }
}

/// The bootstrap over whole spectra that the coverage's and the calibration factor's intervals
/// share: the points of one spectrum err together, so the spectra are the independent units
/// (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §8.5: resample clusters, not
/// points), drawn with a fixed seed so a report is reproducible.
enum SpectrumBootstrap {
    /// The indices of the points of each spectrum, the spectra in key order.
    static func groups(_ keys: [SpectrumKey]) -> [[Int]] {
        var members: [SpectrumKey: [Int]] = [:]
        for i in keys.indices { members[keys[i], default: []].append(i) }
        return members.keys.sorted().map { members[$0]! }
    }

    /// Calls `body` once per resample with the spectra it drew: `count` indices in 0..<count,
    /// drawn with replacement from `seed`.
    static func resamples(of count: Int, replicates: Int, seed: UInt64, _ body: ([Int]) -> Void) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<replicates { body((0..<count).map { _ in Int(rng.next() % UInt64(count)) }) }
    }

    /// [16th, 84th] percentile of `values` (not empty).
    static func central68(_ values: [Double]) -> [Double] {
        let s = values.sorted()
        return [s[Int(0.16 * Double(s.count - 1))], s[Int(0.84 * Double(s.count - 1))]]
    }
}

/// How far a coverage figure could move with other spectra measured. The points of one spectrum
/// err together (a whole spectrum sits high or low), so a coverage's own uncertainty is set by the
/// number of spectra, not of points: a test part of six held-out spectra gives a wide interval
/// however many points they hold (`SpectrumBootstrap`).
public struct CoverageInterval: Codable, Hashable, Sendable {
    public var spectra: Int
    public var replicates: Int
    /// Central 68% intervals ([16th, 84th] percentile over the replicates) of the 1σ and 2σ coverage.
    public var oneSigma: [Double]
    public var twoSigma: [Double]

    public static let defaultReplicates = 2000

    /// nil for fewer than two spectra: no spread between spectra to resample.
    public static func over(
        spectra keys: [SpectrumKey], deviations: [Double], dataErrors: [Double], spreads: [Double],
        replicates: Int = defaultReplicates, seed: UInt64 = 0
    ) -> CoverageInterval? {
        precondition(keys.count == deviations.count && keys.count == dataErrors.count && keys.count == spreads.count)
        // Per spectrum: points, and how many lie within 1σ and 2σ.
        let spectra = SpectrumBootstrap.groups(keys).map { points in
            points.reduce(into: (n: 0, one: 0, two: 0)) { c, i in
                let band = Coverage.band(spread: spreads[i], dataError: dataErrors[i])
                c = (c.n + 1, c.one + (abs(deviations[i]) <= band ? 1 : 0), c.two + (abs(deviations[i]) <= 2 * band ? 1 : 0))
            }
        }
        guard spectra.count >= 2 else { return nil }
        var one: [Double] = [], two: [Double] = []
        SpectrumBootstrap.resamples(of: spectra.count, replicates: replicates, seed: seed) { drawn in
            var n = 0, a = 0, b = 0
            for s in drawn.map({ spectra[$0] }) { n += s.n; a += s.one; b += s.two }
            one.append(Double(a) / Double(n)); two.append(Double(b) / Double(n))
        }
        return CoverageInterval(
            spectra: spectra.count, replicates: replicates, oneSigma: SpectrumBootstrap.central68(one), twoSigma: SpectrumBootstrap.central68(two))
    }
}

/// The (E, θ) settings at which a model's training data were measured: a prediction at one of
/// them interpolates within a measured spectrum; anywhere else it interpolates (or extrapolates)
/// between spectra, where a model errs more (docs/uncertainty.md, "Calibration on carbon").
public struct MeasuredSettings: Codable, Hashable, Sendable {
    /// (E in GeV, θ in degrees) pairs, sorted by E.
    public var settings: [[Double]]
    /// A point is at a setting when E agrees within 0.5% and θ within 0.1°.
    public static let energyTolerance = 0.005, angleTolerance = 0.1

    /// For a model of every nucleus, each nucleus's own settings, sorted as `settings` (which holds
    /// all nuclei's): a nucleus is at a measured setting where it was measured, not where another
    /// nucleus was. nil for a model of one nucleus, and in files written before it was recorded.
    public var byNucleus: [String: [[Double]]]? = nil

    public init(points: [Kinematics]) {
        let pairs = Set(points.map { [$0.beamEnergy, $0.angleDegrees] })
        settings = pairs.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
    }

    /// The settings of `selected`'s training part: where a model trained on it has seen data (for
    /// a selection of every nucleus, also by nucleus).
    public init(trainingPartOf selected: SelectedData) {
        self.init(points: selected.split.train.map { selected.points[$0].kinematics })
        if selected.selection.isAnyTarget {
            byNucleus = Dictionary(grouping: selected.split.train) { selected.points[$0].nucleus.name }
                .mapValues { MeasuredSettings(points: $0.map { selected.points[$0].kinematics }).settings }
        }
    }

    /// The settings of one nucleus (none for a nucleus without training points) where they are
    /// recorded by nucleus; all of them otherwise.
    public func of(_ nucleus: String) -> MeasuredSettings {
        guard let byNucleus else { return self }
        var own = MeasuredSettings(points: [])
        own.settings = byNucleus[nucleus] ?? []
        return own
    }

    public func contains(beamEnergy E: Double, angleDegrees θ: Double) -> Bool {
        // Settings are sorted by E: scan only those within the energy tolerance.
        var lo = 0, hi = settings.count
        let lowest = E / (1 + Self.energyTolerance)
        while lo < hi { let mid = (lo + hi) / 2; if settings[mid][0] < lowest { lo = mid + 1 } else { hi = mid } }
        var i = lo
        while i < settings.count, settings[i][0] <= E / (1 - Self.energyTolerance) {
            if abs(settings[i][0] - E) <= Self.energyTolerance * settings[i][0] && abs(settings[i][1] - θ) <= Self.angleTolerance { return true }
            i += 1
        }
        return false
    }
}

/// One fitted spread factor and what it was fitted on.
public struct SpreadFactor: Codable, Hashable, Sendable {
    /// The factor c applied to the standard deviation (and the 16/84 percentiles about the mean).
    public var scale: Double
    public var validationPoints: Int
    /// Coverage on those validation points before (c = 1) and after calibration.
    public var before: Coverage
    public var after: Coverage
    /// Set when the rule could not be met and the factor was fitted otherwise: why, and how.
    public var fallback: String? = nil
    /// Set when the factor was fitted elsewhere than on this model's held-out points (across the
    /// experiments of a generalization study): what it was fitted on; `before` and `after` are then
    /// that fit's coverage.
    public var source: String? = nil
    /// The central 68% of the factor over resamples of whole validation spectra
    /// (`UncertaintyCalibration.factorInterval`): how far c could move had other spectra been held
    /// out. nil for a factor from a study, fitted on fewer than two spectra, or stored before it existed.
    public var scaleInterval: [Double]? = nil
    /// How many spectra `scaleInterval` resampled.
    public var scaleIntervalSpectra: Int? = nil

    public init(scale: Double, validationPoints: Int, before: Coverage, after: Coverage) {
        self.scale = scale
        self.validationPoints = validationPoints
        self.before = before
        self.after = after
    }
}

/// Post-hoc calibration of a model's spread: σ_model → c·σ_model with factors c fitted on
/// validation points that were neither trained nor tested on ("σ scaling": Kuleshov, Fenner &
/// Ermon, ICML 2018; Laves et al., MIDL 2020). An ensemble's spread estimates how much the fit
/// moves when the data move within their errors; it is not by itself the error of the mean, which
/// is smaller within a measured spectrum (the mean of many members is better than any one) and
/// larger between spectra. So there are two factors: one for points at a measured (E, θ) setting,
/// fitted on validation points drawn at random, and one for everywhere else, fitted on whole
/// validation spectra held out of training. Either may be missing (its validation kind was not
/// held out); the other then applies everywhere. How each factor is chosen: `CalibrationRule`.
/// A model of every nucleus may carry a third factor for a nucleus it was not trained on
/// (`unseenNucleus`, from the leave-one-nucleus-out study: `across(.nuclei, …)`).
public struct UncertaintyCalibration: Codable, Hashable, Sendable, CustomStringConvertible {
    public var atMeasuredSettings: SpreadFactor?
    public var elsewhere: SpreadFactor?
    /// The factor for every point of a nucleus outside the model's training data (an any-target
    /// model bound to it: `forUnseenNucleus`); nil: such a nucleus takes `elsewhere`.
    public var unseenNucleus: SpreadFactor? = nil
    /// The training part's (E, θ) settings: where `atMeasuredSettings` applies.
    public var measuredSettings: MeasuredSettings
    /// How the model's test part was chosen (its split method).
    public var validationSplit: DataSplit.Method
    public var rule: CalibrationRule
    /// Cross-fitted (`CrossFitting`): the factors come from out-of-fold predictions of this many
    /// folds of the training part; nil when they come from a validation part.
    public var crossFittingFolds: Int? = nil

    public init(
        atMeasuredSettings: SpreadFactor?, elsewhere: SpreadFactor?, measuredSettings: MeasuredSettings, validationSplit: DataSplit.Method,
        rule: CalibrationRule
    ) {
        self.atMeasuredSettings = atMeasuredSettings
        self.elsewhere = elsewhere
        self.measuredSettings = measuredSettings
        self.validationSplit = validationSplit
        self.rule = rule
    }

    enum CodingKeys: String, CodingKey {
        case atMeasuredSettings, elsewhere, unseenNucleus, measuredSettings, validationSplit, rule, crossFittingFolds
    }
    /// A calibration with one factor for everywhere may be stored under these keys instead.
    enum SingleFactorKeys: String, CodingKey { case scale, validationPoints, before, after }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        validationSplit = try c.decode(DataSplit.Method.self, forKey: .validationSplit)
        // The rule is stored by name; a file may also give its description.
        let ruleText = try c.decode(String.self, forKey: .rule)
        guard let rule = CalibrationRule(rawValue: ruleText) ?? CalibrationRule.allCases.first(where: { $0.description == ruleText }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .rule, in: c,
                debugDescription: "`\(ruleText)` is not a calibration rule (\(CalibrationRule.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.rule = rule
        if c.contains(.measuredSettings) {
            atMeasuredSettings = try c.decodeIfPresent(SpreadFactor.self, forKey: .atMeasuredSettings)
            elsewhere = try c.decodeIfPresent(SpreadFactor.self, forKey: .elsewhere)
            measuredSettings = try c.decode(MeasuredSettings.self, forKey: .measuredSettings)
            crossFittingFolds = try c.decodeIfPresent(Int.self, forKey: .crossFittingFolds)
            unseenNucleus = try c.decodeIfPresent(SpreadFactor.self, forKey: .unseenNucleus)
        } else {
            let one = try decoder.container(keyedBy: SingleFactorKeys.self)
            atMeasuredSettings = SpreadFactor(
                scale: try one.decode(Double.self, forKey: .scale), validationPoints: try one.decode(Int.self, forKey: .validationPoints),
                before: try one.decode(Coverage.self, forKey: .before), after: try one.decode(Coverage.self, forKey: .after))
            elsewhere = nil
            measuredSettings = MeasuredSettings(points: [])
        }
    }

    /// Predictions with their spread scaled by the factor for each point: the one place a
    /// calibration is applied (`CrossSectionModel.predict`, and `PointPredictor` through `scale`).
    public func applied(to predictions: [CrossSectionPrediction], at points: [Kinematics]) -> [CrossSectionPrediction] {
        zip(predictions, points).map { $0.scalingSpread(by: scale(beamEnergy: $1.beamEnergy, angleDegrees: $1.angleDegrees)) }
    }

    /// The factor for a point.
    public func scale(beamEnergy E: Double, angleDegrees θ: Double) -> Double {
        guard let near = atMeasuredSettings else { return elsewhere?.scale ?? 1 }
        guard let far = elsewhere else { return near.scale }
        return atMeasuredSetting(beamEnergy: E, angleDegrees: θ)! ? near.scale : far.scale
    }

    /// "spread calibrated: at measured (E, θ) settings c = 0.785 (…); elsewhere c = 0.865 (…)",
    /// as train, ensemble, calibrate, the card and the report print it.
    public var description: String {
        func one(_ name: String, _ f: SpreadFactor?) -> String? {
            f.map {
                if let source = $0.source {
                    return String(
                        format: "%@ c = %.3f (%@; coverage 1σ %.1f%% → %.1f%%, 2σ %.1f%% → %.1f%%)", name, $0.scale, source,
                        100 * $0.before.oneSigma, 100 * $0.after.oneSigma, 100 * $0.before.twoSigma, 100 * $0.after.twoSigma)
                }
                var interval = ""
                if let range = $0.scaleInterval, range.count == 2, let spectra = $0.scaleIntervalSpectra {
                    interval = String(format: "; c over resamples of its %d spectra %.3f–%.3f (central 68%%)", spectra, range[0], range[1])
                }
                return String(
                    format: "%@ c = %.3f (%d %@ points; coverage 1σ %.1f%% → %.1f%%, 2σ %.1f%% → %.1f%%%@)", name, $0.scale, $0.validationPoints,
                    crossFittingFolds == nil ? "validation" : "out-of-fold",
                    100 * $0.before.oneSigma, 100 * $0.after.oneSigma, 100 * $0.before.twoSigma, 100 * $0.after.twoSigma, interval)
                    + ($0.fallback.map { " [\($0)]" } ?? "")
            }
        }
        let parts = [
            one("at measured (E, θ) settings", atMeasuredSettings), one("elsewhere", elsewhere), one("on a nucleus not trained on", unseenNucleus)
        ].compactMap { $0 }
        let note = atMeasuredSettings == nil || elsewhere == nil ? " (one kind of validation point only: its factor applies everywhere)" : ""
        return "spread calibrated: " + parts.joined(separator: "; ") + note
    }

    /// Which factor a study's calibration sets: the one away from the measured settings (a
    /// generalization study's left-out experiments) or the one for a nucleus not trained on (a
    /// leave-one-nucleus-out study's left-out nuclei).
    public enum StudyUnit: String, Sendable {
        case experiments
        case nuclei

        var singular: String { self == .experiments ? "experiment" : "nucleus" }
    }

    /// This calibration with one factor taken from a study's cross-validated calibration
    /// (`GeneralizationStudy.CrossExperimentCalibration`, fitted on ensembles of `studyMembers`
    /// members) for an ensemble of `members`: c · c₄(studyMembers)/c₄(members), so that the band
    /// is the same on average (`ensembleSizeCorrection`). Across `.experiments` it is the factor
    /// away from the measured settings (without one at the measured settings it applies
    /// everywhere); across `.nuclei` the factor for a nucleus the model was not trained on
    /// (`forUnseenNucleus`). The study's ensembles were trained without each experiment (nucleus)
    /// in turn; this model was not, so the factor is the study's measurement of how far a
    /// prediction lies from an experiment (nucleus) it has not seen, carried over by recipe.
    public static func across(
        _ unit: StudyUnit, _ study: GeneralizationStudy.CrossExperimentCalibration, studyMembers: Int, members: Int, studyName: String,
        keeping existing: UncertaintyCalibration?, split: DataSplit.Method
    ) -> UncertaintyCalibration {
        let correction = ensembleSizeCorrection(from: studyMembers, to: members)
        var factor = SpreadFactor(
            scale: study.factor * correction, validationPoints: study.points,
            before: Coverage(oneSigma: study.coverage_1sigma_uncalibrated, twoSigma: study.coverage_2sigma_uncalibrated),
            after: Coverage(oneSigma: study.coverage_1sigma, twoSigma: study.coverage_2sigma))
        factor.source = String(
            format: "across the %d %@ left out in %@ (%d points, recipe %@, rule %@, %d-member ensembles: c = %.3f, "
                + "coverage with each %@'s factor fitted on the others), × %.3f for %d members",
            study.folds.count, unit.rawValue, studyName, study.points, study.recipe, study.rule, studyMembers, study.factor, unit.singular,
            correction, members)
        var result =
            existing
            ?? UncertaintyCalibration(
                atMeasuredSettings: nil, elsewhere: nil, measuredSettings: MeasuredSettings(points: []), validationSplit: split,
                rule: CalibrationRule(rawValue: study.rule) ?? .atLeastNominal)
        switch unit {
        case .experiments: result.elsewhere = factor
        case .nuclei: result.unseenNucleus = factor
        }
        return result
    }

    /// The calibration for a nucleus outside the training data: one factor everywhere, the unseen
    /// nucleus's if fitted, else the one away from the measured settings (the measured (E, θ)
    /// settings are other nuclei's, not this one's). nil when there is no such factor.
    public var forUnseenNucleus: UncertaintyCalibration? {
        guard let factor = unseenNucleus ?? elsewhere ?? atMeasuredSettings else { return nil }
        var result = UncertaintyCalibration(
            atMeasuredSettings: nil, elsewhere: factor, measuredSettings: MeasuredSettings(points: []), validationSplit: validationSplit, rule: rule)
        result.crossFittingFolds = crossFittingFolds
        return result
    }

    /// c₄(n)/c₄(m) with c₄(n) = √(2/(n−1)) Γ(n/2)/Γ((n−1)/2), the mean sample standard deviation of
    /// n normal values in units of the true one: a factor fitted to the spreads of n-member
    /// ensembles, carried to m members (c₄(3) = 0.886, c₄(20) = 0.987). The spread of few members
    /// also scatters more, which a factor fitted on them absorbs too; so carried to more members the
    /// band is, if anything, wide (measured: a 4-member study's factor carried to 6 members was 9.4%
    /// above the factor the same study gives with 6; docs/uncertainty.md).
    public static func ensembleSizeCorrection(from n: Int, to m: Int) -> Double {
        func c4(_ n: Int) -> Double {
            let k = Double(n)
            return (2 / (k - 1)).squareRoot() * exp(lgamma(k / 2) - lgamma((k - 1) / 2))
        }
        guard n >= 2, m >= 2 else { return 1 }
        return c4(n) / c4(m)
    }

    /// The factor for a prediction at no measured (E, θ) setting: the one fitted away from them,
    /// else the only one (1 without a factor). What a neutrino point takes: no electron was
    /// measured at its kinematics (`ReducedFunctionGrid`).
    public var awayFromMeasuredSettings: Double { (elsewhere ?? atMeasuredSettings)?.scale ?? 1 }

    /// Which of two factors a point gets: true at a measured (E, θ) setting, false elsewhere; nil
    /// when the calibration has one factor only (it then applies everywhere).
    public func atMeasuredSetting(beamEnergy E: Double, angleDegrees θ: Double) -> Bool? {
        guard atMeasuredSettings != nil, elsewhere != nil else { return nil }
        return measuredSettings.contains(beamEnergy: E, angleDegrees: θ)
    }

    public var validationPoints: Int { (atMeasuredSettings?.validationPoints ?? 0) + (elsewhere?.validationPoints ?? 0) }

    /// "243 validation points" or "2329 out-of-fold points of 5-fold cross-fitting": what the factors were fitted on.
    public var fittedOn: String {
        let own = [atMeasuredSettings, elsewhere].compactMap { $0 }.filter { $0.source == nil }.reduce(0) { $0 + $1.validationPoints }
        let ownText = crossFittingFolds.map { "\(own) out-of-fold points of \($0)-fold cross-fitting" } ?? "\(own) validation points"
        guard let study = [atMeasuredSettings, elsewhere].compactMap({ $0 }).first(where: { $0.source != nil }) else { return ownText }
        let studyText = "\(study.validationPoints) points of experiments left out of a generalization study's ensembles"
        return own > 0 ? "\(ownText) and \(studyText)" : studyText
    }

    /// "spread × 0.45 at measured (E, θ) settings, × 1.15 elsewhere", as the tools print it.
    public var summary: String {
        switch (atMeasuredSettings, elsewhere) {
        case let (near?, far?):
            String(format: "spread × %.3f at measured (E, θ) settings, × %.3f elsewhere", near.scale, far.scale)
                + (unseenNucleus.map { String(format: ", × %.3f on a nucleus not trained on", $0.scale) } ?? "")
        case let (near?, nil): String(format: "spread × %.3f (fitted at measured settings only)", near.scale)
        case let (nil, far?): String(format: "spread × %.3f (fitted away from measured settings only)", far.scale)
        case (nil, nil): "no factor"
        }
    }

    /// How many resamples of the validation spectra `factorInterval` fits a factor to.
    public static let factorIntervalReplicates = 200

    /// The central 68% ([16th, 84th] percentile) of the factor `rule` fits (`factorOrClosest`, as
    /// `fitFactor`) over `replicates` resamples of whole spectra with replacement, and how many
    /// spectra there were; nil for fewer than two. The points of a spectrum err together
    /// (`SpectrumBootstrap`), so a factor fitted on a few dozen spectra is itself uncertain: two
    /// 20-member ensembles of one recipe fitted 1.005 and 1.375 at the measured settings on the same
    /// validation part (docs/uncertainty.md, "Validation spectra"). Fixed seed: reproducible.
    public static func factorInterval(
        spectra keys: [SpectrumKey], deviations: [Double], dataErrors: [Double], spreads: [Double], rule: CalibrationRule,
        replicates: Int = factorIntervalReplicates, seed: UInt64 = 0
    ) -> (spectra: Int, interval: [Double])? {
        precondition(keys.count == deviations.count && keys.count == dataErrors.count && keys.count == spreads.count)
        let spectra = SpectrumBootstrap.groups(keys)
        guard spectra.count >= 2, replicates > 0 else { return nil }
        var factors: [Double] = []
        SpectrumBootstrap.resamples(of: spectra.count, replicates: replicates, seed: seed) { drawn in
            let points = drawn.flatMap { spectra[$0] }
            factors.append(
                rule.factorOrClosest(
                    deviations: points.map { deviations[$0] }, dataErrors: points.map { dataErrors[$0] }, spreads: points.map { spreads[$0] }
                ).scale)
        }
        return (spectra.count, SpectrumBootstrap.central68(factors))
    }

    /// Fits one factor to held-out predictions by `rule`. Coverage is a step function of c, so the
    /// fit is a search over a grid of c.
    public static func fitFactor(deviations: [Double], dataErrors: [Double], spreads: [Double], rule: CalibrationRule = .atLeastNominal) throws
        -> SpreadFactor
    {
        guard deviations.count >= 20 else { throw CalibrationError.tooFewPoints(deviations.count) }
        guard spreads.contains(where: { $0 > 0 }) else { throw CalibrationError.noSpread }
        var fallback: String? = nil
        let (scale, fellBack) = rule.factorOrClosest(deviations: deviations, dataErrors: dataErrors, spreads: spreads)
        if fellBack {
            let widest = Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads, scale: CalibrationRule.largestFactor)
            fallback = String(
                format:
                    "no factor up to × %.0f reaches 68.3%% within 1σ and 95.4%% within 2σ (at most %.1f%% and %.1f%%): fitted by the closest rule instead",
                CalibrationRule.largestFactor, 100 * widest.oneSigma, 100 * widest.twoSigma)
        }
        var factor = SpreadFactor(
            scale: scale, validationPoints: deviations.count,
            before: Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads),
            after: Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads, scale: scale))
        factor.fallback = fallback
        return factor
    }

    /// A prediction of a point the model did not train on, and whether the point lies at one of
    /// the (E, θ) settings the model did train on.
    public struct HeldOutPrediction: Sendable {
        public var point: ScatteringPoint
        public var prediction: CrossSectionPrediction
        public var atMeasuredSetting: Bool

        public init(point: ScatteringPoint, prediction: CrossSectionPrediction, atMeasuredSetting: Bool) {
            self.point = point
            self.prediction = prediction
            self.atMeasuredSetting = atMeasuredSetting
        }

        /// Predictions of held-out points, each marked by whether it lies at one of `measured`.
        /// A point of a model of every nucleus is judged by its own nucleus's settings.
        public static func of(_ points: [ScatteringPoint], _ predictions: [CrossSectionPrediction], trainedAt measured: MeasuredSettings)
            -> [HeldOutPrediction]
        {
            var byNucleus: [String: MeasuredSettings] = [:]
            return zip(points, predictions).map { point, prediction in
                let name = point.nucleus.name
                if byNucleus[name] == nil { byNucleus[name] = measured.of(name) }
                return HeldOutPrediction(
                    point: point, prediction: prediction,
                    atMeasuredSetting: byNucleus[name]!.contains(beamEnergy: point.beamEnergy, angleDegrees: point.angleDegrees))
            }
        }
    }

    /// Fits the two factors to held-out predictions (a validation part, or the out-of-fold
    /// predictions of cross-fitting); `measuredSettings` are those of the model being calibrated.
    public static func fit(
        heldOut: [HeldOutPrediction], measuredSettings: MeasuredSettings, validationSplit: DataSplit.Method,
        rule: CalibrationRule = .atLeastNominal
    ) throws -> UncertaintyCalibration {
        func factor(_ group: [HeldOutPrediction]) throws -> SpreadFactor? {
            guard group.count >= 20 else { return nil }
            let deviations = group.map { $0.prediction.mean - $0.point.crossSection }
            let dataErrors = group.map(\.point.crossSectionError), spreads = group.map(\.prediction.standardDeviation)
            var factor = try fitFactor(deviations: deviations, dataErrors: dataErrors, spreads: spreads, rule: rule)
            if let (spectra, interval) = factorInterval(
                spectra: group.map(\.point.spectrum), deviations: deviations, dataErrors: dataErrors, spreads: spreads, rule: rule)
            {
                factor.scaleInterval = interval
                factor.scaleIntervalSpectra = spectra
            }
            return factor
        }
        let calibration = UncertaintyCalibration(
            atMeasuredSettings: try factor(heldOut.filter(\.atMeasuredSetting)),
            elsewhere: try factor(heldOut.filter { !$0.atMeasuredSetting }),
            measuredSettings: measuredSettings, validationSplit: validationSplit, rule: rule)
        guard calibration.atMeasuredSettings != nil || calibration.elsewhere != nil else { throw CalibrationError.tooFewPoints(heldOut.count) }
        return calibration
    }
}

public enum CalibrationError: Error, CustomStringConvertible, LocalizedError {
    case noValidationPart
    case tooFewPoints(Int)
    case noSpread
    case crossFittingNeedsDropout

    public var description: String {
        switch self {
        case .noValidationPart:
            "the model has no validation part to calibrate on: train it (or its replicas) with --validation-fraction and/or --validation-spectra-fraction, e.g. 0.1"
        case let .tooFewPoints(n): "only \(n) validation points (or fewer than 20 of each kind): at least 20 are needed to fit a calibration"
        case .noSpread: "the model has no spread to calibrate: it is neither an ensemble nor an MC-dropout model"
        case .crossFittingNeedsDropout:
            "cross-fitting retrains the model's recipe K times: it needs an MC-dropout model (an ensemble needs K fold ensembles: `xsnet ensemble train --calibration-folds K`)"
        }
    }
    public var errorDescription: String? { description }
}

/// How a spread factor is chosen from held-out predictions (validation points or out-of-fold
/// predictions). Errors between spectra have heavy tails — a whole spectrum errs together — so
/// no single factor puts exactly 68.3% within 1σ and 95.4% within 2σ; the rules differ in which
/// way they miss.
public enum CalibrationRule: String, Codable, CaseIterable, Sendable, CustomStringConvertible {
    /// The smallest c with which at least 68.3% of the held-out points lie within 1σ and at least
    /// 95.4% within 2σ: the band may be too wide at 1σ, never too narrow on the points it was
    /// fitted on (the coverage guarantee of split-conformal prediction, Vovk et al. 2005; Angelopoulos
    /// & Bates 2023). An analysis is hurt more by a band that is too narrow than by one too wide.
    case atLeastNominal = "at-least-nominal"
    /// The c whose coverage comes closest to 68.3% and 95.4% in the sum of squares (ties: the
    /// largest c); with heavy tails it lands below 95.4% at 2σ.
    case closest

    /// The grid of factors searched: 0 … `largestFactor` in steps of `gridStep`.
    public static let gridStep = 0.005, largestFactor = 10.0
    static let nominal = Coverage(oneSigma: 0.6827, twoSigma: 0.9545)

    public var description: String {
        switch self {
        case .atLeastNominal:
            "c is the smallest factor with which at least 68.3% of the held-out points lie within 1σ and at least 95.4% within 2σ (grid 0…10, step 0.005)"
        case .closest: "c minimizes (cov1σ − 0.683)² + (cov2σ − 0.954)² on the held-out points (grid 0…10, step 0.005; ties: the largest c)"
        }
    }

    /// The factor the rule picks, or, where it demands the impossible, the closest rule's, and whether
    /// it fell back: a model that misses by far more than its spread (a short or tiny training) still
    /// gets the factor nearest to the targets rather than no calibration at all.
    func factorOrClosest(deviations: [Double], dataErrors: [Double], spreads: [Double]) -> (scale: Double, fellBack: Bool) {
        if let fitted = factor(deviations: deviations, dataErrors: dataErrors, spreads: spreads) { return (fitted, false) }
        return (Self.closest.factor(deviations: deviations, dataErrors: dataErrors, spreads: spreads)!, true)
    }

    /// The factor the rule picks on the grid; nil when no factor reaches what the rule demands
    /// (only `atLeastNominal` can demand the impossible).
    func factor(deviations: [Double], dataErrors: [Double], spreads: [Double]) -> Double? {
        let steps = Int((Self.largestFactor / Self.gridStep).rounded())
        func coverage(_ step: Int) -> Coverage {
            Coverage.of(deviations: deviations, dataErrors: dataErrors, spreads: spreads, scale: Double(step) * Self.gridStep)
        }
        switch self {
        case .atLeastNominal:
            // Coverage only grows with c: the first grid step that reaches both levels.
            for step in 0...steps {
                let cov = coverage(step)
                if cov.oneSigma >= Self.nominal.oneSigma && cov.twoSigma >= Self.nominal.twoSigma { return Double(step) * Self.gridStep }
            }
            return nil
        case .closest:
            var best = (loss: Double.infinity, step: 0)
            for step in 0...steps {
                let cov = coverage(step)
                let loss =
                    (cov.oneSigma - Self.nominal.oneSigma) * (cov.oneSigma - Self.nominal.oneSigma) + (cov.twoSigma - Self.nominal.twoSigma)
                    * (cov.twoSigma - Self.nominal.twoSigma)
                if loss <= best.loss { best = (loss, step) }
            }
            return Double(best.step) * Self.gridStep
        }
    }
}
