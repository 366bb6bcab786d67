import Foundation
import Testing
import XSModel

/// The study's median with each held-out data set's own scale (`GeneralizationStudy.scaleFreeMedian`).
@Suite struct GeneralizationStudyTests {
    /// Two data sets predicted 10% high and 20% low with the same shape errors (0, ±1%, ±3%): with
    /// their own scales the miss is the shape's alone, the median of |0|, |±1%|, |±3%| = 1%,
    /// whatever the scales were.
    @Test func ownScaleRemovesEachDataSetsNormalization() {
        let shape = [-0.03, -0.01, 0, 0.01, 0.03]
        let a = shape.map { log(1.1) + log(1 + $0) }, b = shape.map { log(0.8) + log(1 + $0) }
        let own = GeneralizationStudy.scaleFreeMedian(logRatios: a + b, datasets: Array(repeating: "a", count: 5) + Array(repeating: "b", count: 5))
        #expect(abs(own - 0.01) < 1e-12, "\(own)")
        // One scale for both sets leaves their 10% and 20% misses in.
        let shared = GeneralizationStudy.scaleFreeMedian(logRatios: a + b, datasets: Array(repeating: "x", count: 10))
        #expect(shared > 0.1)
    }
}
