import XSCore

/// A train/validation/test partition of a list of points, as sorted indices into it. The
/// validation part (often empty) is neither trained on nor tested on: it calibrates the
/// uncertainty of a model (see `UncertaintyCalibration`).
public struct DataSplit: Hashable, Sendable, Codable {
    public var train: [Int]
    public var test: [Int]
    public var validation: [Int]
    /// Spectra a held-out-spectra split did not take because they alone cover their kinematics
    /// (holding them out would test extrapolation, not interpolation): reported, not hidden.
    public var spectraKeptForKinematicCoverage: Int

    public init(train: [Int], test: [Int], validation: [Int] = [], spectraKeptForKinematicCoverage: Int = 0) {
        self.train = train.sorted()
        self.test = test.sorted()
        self.validation = validation.sorted()
        self.spectraKeptForKinematicCoverage = spectraKeptForKinematicCoverage
    }

    enum CodingKeys: String, CodingKey {
        case train, test, validation
        case spectraKeptForKinematicCoverage = "spectraKeptForCoverage"
    }

    /// An empty validation part and no kept spectra may be left out of a file.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            train: try c.decode([Int].self, forKey: .train), test: try c.decode([Int].self, forKey: .test),
            validation: try c.decodeIfPresent([Int].self, forKey: .validation) ?? [],
            spectraKeptForKinematicCoverage: try c.decodeIfPresent(Int.self, forKey: .spectraKeptForKinematicCoverage) ?? 0)
    }

    /// How the test part is chosen. Written as text in files and on the command line:
    /// `random`, `spectra`, `interior-spectra`, `leave-out:<data set>`, `angle-above:<θ>`,
    /// `angle-below:<θ>`, `energy-above:<E>`.
    public enum Method: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
        /// Random points (the paper's 9:1 split).
        case random
        /// Whole (E, θ) spectra of each data set held out, any of them: a spectrum that alone
        /// covers its kinematics (carbon's only backward-angle one, Barreau 0.56 GeV 145°) may be
        /// held out, and then the test measures extrapolation.
        case spectra
        /// Whole spectra held out, only those inside the kinematic box (E, θ, Q², ω/E) of the
        /// spectra left for training: tests interpolation between measured settings.
        case interiorSpectra
        /// One data set (its citation key) held out whole: a new experiment the model never saw.
        /// Its λ_k has no training point and stays 1, so it is predicted as published. In a
        /// selection of every nucleus, whose keys are `<nucleus>/<data set>`, a key names one
        /// nucleus's part of an experiment and a bare citation the experiment on every nucleus it
        /// measured (`isPart(key:ofExperiment:)`): what a new experiment is for a model of all nuclei.
        case leaveOut(dataset: String)
        /// Every spectrum at θ ≥ the angle (degrees) held out: forward angles predict backward ones.
        case angleAbove(Double)
        /// Every spectrum at θ ≤ the angle (degrees) held out.
        case angleBelow(Double)
        /// Every spectrum at E ≥ the beam energy (GeV) held out.
        case energyAbove(Double)
        /// Every point of one nucleus held out (an any-target model predicting a nucleus it never saw).
        case leaveOutNucleus(String)

        /// The methods without a parameter, and the forms of those with one (for help texts).
        public static let forms = [
            "random", "spectra", "interior-spectra", "leave-out:<data set>", "angle-above:<θ°>", "angle-below:<θ°>", "energy-above:<E GeV>",
            "leave-out-nucleus:<nucleus>"
        ]

        public init?(rawValue: String) {
            switch rawValue {
            case "random": self = .random
            case "spectra": self = .spectra
            case "interior-spectra": self = .interiorSpectra
            default:
                guard let colon = rawValue.firstIndex(of: ":") else { return nil }
                let name = rawValue[..<colon], argument = String(rawValue[rawValue.index(after: colon)...])
                if name == "leave-out" {
                    guard !argument.isEmpty else { return nil }
                    self = .leaveOut(dataset: argument)
                    return
                }
                if name == "leave-out-nucleus" {
                    guard let nucleus = Nucleus(name: argument) else { return nil }
                    self = .leaveOutNucleus(nucleus.name)
                    return
                }
                guard let value = Double(argument), value.isFinite else { return nil }
                switch name {
                case "angle-above", "angle-below":
                    guard value > 0 && value < 180 else { return nil }
                    self = name == "angle-above" ? .angleAbove(value) : .angleBelow(value)
                case "energy-above":
                    guard value > 0 else { return nil }
                    self = .energyAbove(value)
                default: return nil
                }
            }
        }

        public var rawValue: String {
            switch self {
            case .random: "random"
            case .spectra: "spectra"
            case .interiorSpectra: "interior-spectra"
            case .leaveOut(let dataset): "leave-out:\(dataset)"
            case .angleAbove(let θ): "angle-above:\(Self.number(θ))"
            case .angleBelow(let θ): "angle-below:\(Self.number(θ))"
            case .energyAbove(let E): "energy-above:\(Self.number(E))"
            case .leaveOutNucleus(let nucleus): "leave-out-nucleus:\(nucleus)"
            }
        }

        public var description: String { rawValue }

        /// The family a study pools folds by: `leave-out` for every data set, the full name otherwise.
        public var family: String {
            switch self {
            case .leaveOut: return "leave-out"
            case .leaveOutNucleus: return "leave-out-nucleus"
            default: return rawValue
            }
        }

        /// 55 rather than 55.0 in names.
        static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

        /// Whether the test part is fixed by the kinematics or the data set (the test fraction does not apply).
        public var holdsOutByRule: Bool {
            switch self {
            case .random, .spectra, .interiorSpectra: false
            case .leaveOut, .angleAbove, .angleBelow, .energyAbove, .leaveOutNucleus: true
            }
        }

        /// Whether a data-set key `<nucleus>/<data set>` of a selection of every nucleus is one
        /// nucleus's part of `experiment`, a citation without a nucleus.
        public static func isPart(key: String, ofExperiment experiment: String) -> Bool {
            !experiment.contains("/") && key.hasSuffix("/" + experiment)
        }

        /// Whether a point is held out by a rule-based method (false for the drawn ones).
        public func holdsOut(_ p: ScatteringPoint) -> Bool {
            switch self {
            case .random, .spectra, .interiorSpectra: false
            case .leaveOut(let dataset): p.dataset == dataset || Self.isPart(key: p.dataset, ofExperiment: dataset)
            case .angleAbove(let θ): p.kinematics.angleDegrees >= θ
            case .angleBelow(let θ): p.kinematics.angleDegrees <= θ
            case .energyAbove(let E): p.kinematics.beamEnergy >= E
            case .leaveOutNucleus(let nucleus): p.nucleus.name == nucleus
            }
        }
    }

    /// The test part of a rule-based method: every point it holds out (whole spectra by construction).
    public static func heldOutByRule(points: [ScatteringPoint], method: Method) -> DataSplit {
        var train: [Int] = [], test: [Int] = []
        for (i, p) in points.enumerated() {
            if method.holdsOut(p) { test.append(i) } else { train.append(i) }
        }
        return DataSplit(train: train, test: test)
    }

    /// Random points: `testFraction` of them (rounded) in the test part.
    public static func random(count: Int, testFraction: Double, seed: UInt64) -> DataSplit {
        precondition((0...1).contains(testFraction), "testFraction must be in [0, 1]")
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(count)
        let nTest = Int((Double(count) * testFraction).rounded())
        return DataSplit(train: Array(order[nTest...]), test: Array(order[..<nTest]))
    }

    /// Random points drawn within each group (each nucleus of an any-target selection):
    /// `testFraction` of every group (rounded) in the test part, the groups in sorted order, each
    /// with its own seed derived from `seed`.
    public static func random<Group: Hashable & Comparable>(groups: [Group], testFraction: Double, seed: UInt64) -> DataSplit {
        var members: [Group: [Int]] = [:]
        for (i, g) in groups.enumerated() { members[g, default: []].append(i) }
        var train: [Int] = [], test: [Int] = []
        for (n, g) in members.keys.sorted().enumerated() {
            let indices = members[g]!
            let part = random(count: indices.count, testFraction: testFraction, seed: seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
            train += part.train.map { indices[$0] }
            test += part.test.map { indices[$0] }
        }
        return DataSplit(train: train, test: test)
    }

    /// Held-out spectra: `testFraction` of the (data set, E, θ) settings (rounded, at least one
    /// when the fraction is positive and there are two or more) go whole into the test part.
    /// With `interiorOnly`, spectra are taken in the seeded order but one is passed over when
    /// holding it out would leave any held-out point outside the kinematic box of the rest.
    public static func heldOutSpectra(points: [ScatteringPoint], testFraction: Double, seed: UInt64, interiorOnly: Bool = false) -> DataSplit {
        precondition((0...1).contains(testFraction), "testFraction must be in [0, 1]")
        let (held, passedOver) = chooseSpectra(
            points: points, among: Array(points.indices), fraction: testFraction, seed: seed, interiorOnly: interiorOnly)
        var train: [Int] = [], test: [Int] = []
        for (i, p) in points.enumerated() {
            if held.contains(p.spectrum) { test.append(i) } else { train.append(i) }
        }
        return DataSplit(train: train, test: test, spectraKeptForKinematicCoverage: passedOver)
    }

    /// Seeded choice of whole spectra among the points `among`: `fraction` of their spectra.
    static func chooseSpectra(points: [ScatteringPoint], among: [Int], fraction: Double, seed: UInt64, interiorOnly: Bool) -> (
        held: Set<SpectrumKey>, passedOver: Int
    ) {
        let spectra = Array(Set(among.map { points[$0].spectrum })).sorted()
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(spectra.count)
        var nTest = Int((Double(spectra.count) * fraction).rounded())
        if fraction > 0 && nTest == 0 && spectra.count > 1 { nTest = 1 }
        guard interiorOnly else { return (Set(order[..<nTest].map { spectra[$0] }), 0) }
        var held = Set<SpectrumKey>()
        var passedOver = 0
        for s in order.map({ spectra[$0] }) where held.count < nTest {
            let candidate = held.union([s])
            let rest = KinematicDomain(points: among.filter { !candidate.contains(points[$0].spectrum) }.map { points[$0].kinematics })
            if among.allSatisfy({ !candidate.contains(points[$0].spectrum) || !rest.isExtrapolation(points[$0].kinematics) }) {
                held = candidate
            } else {
                passedOver += 1
            }
        }
        return (held, passedOver)
    }

    /// Moves `fraction` (of all points) from the training part into the validation part, chosen the
    /// way `method` chooses (random points, or whole spectra), with its own seed; with
    /// `spectraShareOfTraining`, `fraction` is the share of the training part's spectra instead.
    /// A second call adds to the validation part.
    public func carvingValidation(points: [ScatteringPoint], fraction: Double, method: Method, seed: UInt64, spectraShareOfTraining: Bool = false)
        -> DataSplit
    {
        precondition((0..<1).contains(fraction), "validation fraction must be in [0, 1)")
        guard fraction > 0, train.count > 1 else { return self }
        let validation: [Int]
        switch method {
        // A region held out by rule is the test part's business: its validation part is random points.
        case .random, .leaveOut, .angleAbove, .angleBelow, .energyAbove, .leaveOutNucleus:
            var rng = SeededGenerator(seed: seed)
            let order = rng.permutation(train.count)
            let n = min(train.count - 1, Int((Double(points.count) * fraction).rounded()))
            validation = order[..<n].map { train[$0] }
        case .spectra, .interiorSpectra:
            // The fraction is of all points; spectra are chosen among the training ones.
            let share = spectraShareOfTraining ? fraction : min(1, fraction * Double(points.count) / Double(train.count))
            let (held, _) = Self.chooseSpectra(points: points, among: train, fraction: share, seed: seed, interiorOnly: method == .interiorSpectra)
            validation = train.filter { held.contains(points[$0].spectrum) }
        }
        let chosen = Set(validation)
        return DataSplit(
            train: train.filter { !chosen.contains($0) }, test: test, validation: self.validation + validation,
            spectraKeptForKinematicCoverage: spectraKeptForKinematicCoverage)
    }

    /// Folds for cross-fitted calibration of a model's spread (see `CrossFitting` in XSModel).
    /// Among the points `pool` (a model's training part), `share` of the spectra are held out
    /// whole, each by one fold (only spectra inside the kinematic box of the pool's other
    /// spectra: interpolation, as the interior-spectra split), and `share` of the points outside
    /// those spectra are held out one by one, each by one fold, drawn at random. Each fold then
    /// holds out about 2·share/k of the pool, so with share = ½ and k = 5 its network trains on
    /// about 80% of the points (as a model with a 10% validation part does), and the k folds
    /// predict about half the pool out of fold: both kinds of point, at measured (E, θ) settings
    /// and away from them, in numbers no validation part reaches.
    public static func calibrationFolds(points: [ScatteringPoint], pool: [Int], folds k: Int, share: Double = 0.5, seed: UInt64) -> [CalibrationFold]
    {
        precondition(k >= 2 && pool.count >= 2 * k, "cross-fitting needs k ≥ 2 folds and at least 2k points")
        precondition(share > 0 && share <= 1, "the share held out must be in (0, 1]")
        let spectra = Array(Set(pool.map { points[$0].spectrum })).sorted()
        var rng = SeededGenerator(seed: seed)
        let pointsOfSpectrum = Dictionary(grouping: pool, by: { points[$0].spectrum })
        let wanted = Int((Double(spectra.count) * share).rounded())
        var heldSpectra = Array(repeating: [SpectrumKey](), count: k)
        var assigned = 0
        for s in rng.permutation(spectra.count).map({ spectra[$0] }) where assigned < wanted {
            let fold = assigned % k
            let candidate = Set(heldSpectra[fold] + [s])
            let rest = KinematicDomain(points: pool.filter { !candidate.contains(points[$0].spectrum) }.map { points[$0].kinematics })
            let inside = candidate.allSatisfy { key in pointsOfSpectrum[key]!.allSatisfy { !rest.isExtrapolation(points[$0].kinematics) } }
            if inside {
                heldSpectra[fold].append(s)
                assigned += 1
            }
        }
        let inSpectrumFold = Set(heldSpectra.flatMap { $0 })
        let others = pool.filter { !inSpectrumFold.contains(points[$0].spectrum) }
        let order = rng.permutation(others.count)
        let drawn = min(others.count, Int((Double(pool.count) * share).rounded()))
        return (0..<k).map { fold in
            let lo = fold * drawn / k, hi = (fold + 1) * drawn / k
            let randomPart = order[lo..<hi].map { others[$0] }
            return CalibrationFold(spectra: heldSpectra[fold], heldOut: (heldSpectra[fold].flatMap { pointsOfSpectrum[$0]! } + randomPart).sorted())
        }
    }

    /// One fold of `calibrationFolds`: the whole spectra it holds out, and all its held-out points
    /// (those spectra's points and its share of the other points).
    public struct CalibrationFold: Hashable, Sendable {
        public var spectra: [SpectrumKey]
        public var heldOut: [Int]
    }

    /// k-fold cross-validation: fold i tests on the i-th of k near-equal random parts.
    public static func kFold(count: Int, folds k: Int, seed: UInt64) -> [DataSplit] {
        precondition(k >= 2 && k <= max(count, 2), "k-fold needs 2 ≤ k ≤ count")
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(count)
        return (0..<k).map { fold in
            let lo = fold * count / k, hi = (fold + 1) * count / k
            return DataSplit(train: Array(order[..<lo] + order[hi...]), test: Array(order[lo..<hi]))
        }
    }
}
