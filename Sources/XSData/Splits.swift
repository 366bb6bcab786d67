import XSCore

/// A train/test partition of a list of points, as sorted indices into it.
public struct DataSplit: Hashable, Sendable, Codable {
    public var train: [Int]
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train.sorted()
        self.test = test.sorted()
    }

    /// How the test part is chosen.
    public enum Method: String, CaseIterable, Sendable, Codable {
        /// Random points (the paper's 9:1 split).
        case random
        /// Whole (E, θ) spectra of each data set held out: tests interpolation between settings.
        case spectra
    }

    /// Random points: `testFraction` of them (rounded) in the test part.
    public static func random(count: Int, testFraction: Double, seed: UInt64) -> DataSplit {
        precondition((0...1).contains(testFraction), "testFraction must be in [0, 1]")
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(count)
        let nTest = Int((Double(count) * testFraction).rounded())
        return DataSplit(train: Array(order[nTest...]), test: Array(order[..<nTest]))
    }

    /// Held-out spectra: `testFraction` of the (data set, E, θ) settings (rounded, at least one
    /// when the fraction is positive and there are two or more) go whole into the test part.
    public static func heldOutSpectra(points: [ScatteringPoint], testFraction: Double, seed: UInt64) -> DataSplit {
        precondition((0...1).contains(testFraction), "testFraction must be in [0, 1]")
        let spectra = Array(Set(points.map(\.spectrum))).sorted()
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(spectra.count)
        var nTest = Int((Double(spectra.count) * testFraction).rounded())
        if testFraction > 0 && nTest == 0 && spectra.count > 1 { nTest = 1 }
        let held = Set(order[..<nTest].map { spectra[$0] })
        var train: [Int] = [], test: [Int] = []
        for (i, p) in points.enumerated() {
            if held.contains(p.spectrum) { test.append(i) } else { train.append(i) }
        }
        return DataSplit(train: train, test: test)
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
