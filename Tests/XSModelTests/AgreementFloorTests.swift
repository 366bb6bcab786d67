import Foundation
import Testing
import XSModel

/// The floor under the agreement figures: what a model equal to the truth scores against data with
/// the quoted errors and normalization uncertainties (`AgreementFloor`), against closed forms.
@Suite struct AgreementFloorTests {
    static func floor(_ errors: [Double], _ sets: [String], _ scale: [String: Double], knownScale: Bool = false) -> AgreementFloor {
        AgreementFloor.expected(relativeErrors: errors, datasets: sets, normalizationUncertainty: scale, knownScale: knownScale)
    }

    @Test func exactDataLeaveNoFloor() {
        let f = Self.floor([0, 0, 0], ["a", "a", "b"], [:])
        #expect(f.median_abs_rel_dev == 0 && f.within_10pct == 1 && f.within_20pct == 1)
    }

    /// Points with a 5% error, no scale uncertainty: |1/(1 + 0.05 z) − 1| ≤ 0.1 for z in
    /// [−1/1.1·20 + 20, 20/0.9 − 20] = [−1.818, 2.222], probability Φ(2.222) − Φ(−1.818) = 0.95235;
    /// the median deviation is close to 0.6745 × 5% (the median of |z|, to first order).
    @Test func pointErrorsGiveTheNormalFloor() {
        let n = 1000
        let f = Self.floor(Array(repeating: 0.05, count: n), Array(repeating: "a", count: n), ["a": 0.2], knownScale: true)
        #expect(abs(f.within_10pct - 0.95235) < 0.003, "\(f.within_10pct)")
        #expect(abs(f.median_abs_rel_dev / (0.6745 * 0.05) - 1) < 0.03, "\(f.median_abs_rel_dev)")
        #expect(f.median_abs_rel_dev_range[0] < f.median_abs_rel_dev && f.median_abs_rel_dev < f.median_abs_rel_dev_range[1])
        // The same seed gives the same floor.
        #expect(f == Self.floor(Array(repeating: 0.05, count: n), Array(repeating: "a", count: n), ["a": 0.2], knownScale: true))
    }

    /// Exact points of one data set with a 5% scale uncertainty: every point is off by the same
    /// |1/λ − 1|, whose mean over draws is close to E|N(0, 0.05)| = 0.05 √(2/π) = 0.0399; with
    /// the scale known the floor is zero. Against the data as published the floor of a set with
    /// scale uncertainty exceeds that of its points' errors alone.
    @Test func theScaleUncertaintyMovesWholeDataSets() {
        let f = Self.floor(Array(repeating: 0, count: 50), Array(repeating: "a", count: 50), ["a": 0.05])
        #expect(abs(f.median_abs_rel_dev / 0.0399 - 1) < 0.1, "\(f.median_abs_rel_dev)")
        #expect(f.within_10pct > 0.9 && f.within_10pct < 1)
        #expect(Self.floor(Array(repeating: 0, count: 50), Array(repeating: "a", count: 50), ["a": 0.05], knownScale: true).median_abs_rel_dev == 0)
        let errors = Array(repeating: 0.03, count: 200), sets = (0..<200).map { $0 < 100 ? "a" : "b" }
        #expect(Self.floor(errors, sets, ["a": 0.04, "b": 0.04]).median_abs_rel_dev > Self.floor(errors, sets, [:]).median_abs_rel_dev)
    }
}
