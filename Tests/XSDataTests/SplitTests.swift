import Testing
@testable import XSData

@Suite struct SplitTests {
    static func spectra() -> [ScatteringPoint] {
        var points: [ScatteringPoint] = []
        for (i, E) in [0.5, 0.7, 1.0, 1.2, 2.0].enumerated() {
            for θ in [30.0, 60.0] {
                for j in 1...(4 + i) {
                    points.append(ScatteringPoint(nucleus: Nucleus(Z: 6, A: 12), beamEnergy: E, angleDegrees: θ,
                                                  energyTransfer: 0.05 * Double(j), crossSection: 1, crossSectionError: 0.1, dataset: "X"))
                }
            }
        }
        return points
    }

    @Test func randomSplitIsSeededAndComplete() {
        let a = DataSplit.random(count: 1000, testFraction: 0.1, seed: 7)
        let b = DataSplit.random(count: 1000, testFraction: 0.1, seed: 7)
        let c = DataSplit.random(count: 1000, testFraction: 0.1, seed: 8)
        #expect(a == b)
        #expect(a != c)
        #expect(a.test.count == 100 && a.train.count == 900)
        #expect(Set(a.train).isDisjoint(with: a.test))
        #expect(Set(a.train + a.test) == Set(0..<1000))
    }

    @Test func heldOutSpectraKeepSpectraWhole() {
        let points = Self.spectra()
        let split = DataSplit.heldOutSpectra(points: points, testFraction: 0.2, seed: 3)
        #expect(split == DataSplit.heldOutSpectra(points: points, testFraction: 0.2, seed: 3))
        let testSpectra = Set(split.test.map { points[$0].spectrum })
        let trainSpectra = Set(split.train.map { points[$0].spectrum })
        #expect(testSpectra.count == 2)  // 20% of 10 settings
        #expect(testSpectra.isDisjoint(with: trainSpectra))
        #expect(split.train.count + split.test.count == points.count)
    }

    @Test func kFoldCoversEveryPointOnce() {
        let folds = DataSplit.kFold(count: 103, folds: 5, seed: 1)
        #expect(folds.count == 5)
        let tests = folds.flatMap(\.test)
        #expect(tests.count == 103 && Set(tests).count == 103)
        for f in folds { #expect(Set(f.train).isDisjoint(with: f.test) && f.train.count + f.test.count == 103) }
        #expect(folds == DataSplit.kFold(count: 103, folds: 5, seed: 1))
    }
}
