import Foundation
import Testing

@testable import XSData

@Suite struct SplitTests {
    static func spectra() -> [ScatteringPoint] {
        var points: [ScatteringPoint] = []
        for (i, E) in [0.5, 0.7, 1.0, 1.2, 2.0].enumerated() {
            for θ in [30.0, 60.0] {
                for j in 1...(4 + i) {
                    points.append(
                        ScatteringPoint(
                            nucleus: Nucleus(Z: 6, A: 12), beamEnergy: E, angleDegrees: θ,
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

    @Test func ruleBasedSplitsHoldOutExactlyTheirRegion() {
        var points = Self.spectra()
        for j in 1...3 {
            points.append(
                ScatteringPoint(
                    nucleus: Nucleus(Z: 6, A: 12), beamEnergy: 0.7, angleDegrees: 30, energyTransfer: 0.07 * Double(j), crossSection: 1,
                    crossSectionError: 0.1, dataset: "Y"))
        }
        func held(_ text: String) -> Set<Int> {
            let method = DataSplit.Method(rawValue: text)!
            #expect(method.rawValue == text)  // the name stored in a model reads back the same
            let split = DataSplit.heldOutByRule(points: points, method: method)
            #expect(Set(split.train).isDisjoint(with: split.test) && split.train.count + split.test.count == points.count)
            return Set(split.test)
        }
        #expect(held("leave-out:Y") == Set(points.indices.filter { points[$0].dataset == "Y" }))
        #expect(held("leave-out:Y").count == 3)
        #expect(held("angle-above:60") == Set(points.indices.filter { points[$0].kinematics.angleDegrees == 60 }))
        #expect(held("angle-above:45") == held("angle-above:60"))
        #expect(held("angle-below:30") == Set(points.indices.filter { points[$0].kinematics.angleDegrees == 30 }))
        #expect(held("energy-above:1.2") == Set(points.indices.filter { points[$0].kinematics.beamEnergy >= 1.2 }))
        #expect(held("energy-above:1.2").count == 2 * (7 + 8))
        #expect(held("energy-above:2.5").isEmpty)
        // A spectrum is never cut: every rule depends only on (data set, E, θ).
        for text in ["angle-above:45", "angle-below:30", "energy-above:1.2"] {
            let test = held(text)
            let heldSpectra = Set(test.map { points[$0].spectrum })
            #expect(points.indices.allSatisfy { test.contains($0) == heldSpectra.contains(points[$0].spectrum) })
        }
        for bad in ["angle-above:", "angle-above:200", "angle-below:-3", "energy-above:0", "energy-above:nan", "leave-out:", "sideways:3", "Random"] {
            #expect(DataSplit.Method(rawValue: bad) == nil, "\(bad) is not a split")
        }
        #expect(DataSplit.Method(rawValue: "angle-above:55.5")?.rawValue == "angle-above:55.5")
        #expect(DataSplit.Method(rawValue: "interior-spectra") == .interiorSpectra)
    }

    @Test func kFoldCoversEveryPointOnce() {
        let folds = DataSplit.kFold(count: 103, folds: 5, seed: 1)
        #expect(folds.count == 5)
        let tests = folds.flatMap(\.test)
        #expect(tests.count == 103 && Set(tests).count == 103)
        for f in folds { #expect(Set(f.train).isDisjoint(with: f.test) && f.train.count + f.test.count == 103) }
        #expect(folds == DataSplit.kFold(count: 103, folds: 5, seed: 1))
    }

    @Test func interiorSpectraNeverHoldOutTheSpectraAtTheEdgeOfTheKinematics() {
        let points = Self.spectra()
        // Every seed: held-out points lie inside the box (E, θ, Q², ω/E) of the training points.
        var passedOverSomewhere = false
        for seed in 0..<20 as Range<UInt64> {
            let split = DataSplit.heldOutSpectra(points: points, testFraction: 0.3, seed: seed, interiorOnly: true)
            let box = KinematicDomain(points: split.train.map { points[$0].kinematics })
            #expect(split.test.allSatisfy { !box.isExtrapolation(points[$0].kinematics) })
            #expect(Set(split.test.map { points[$0].spectrum }).count == 3)
            #expect(split.train.count + split.test.count == points.count)
            passedOverSomewhere = passedOverSomewhere || split.spectraKeptForKinematicCoverage > 0
            // The unrestricted split of the same seed may take an edge spectrum (E = 0.5 or 2 GeV).
        }
        #expect(passedOverSomewhere)
        let any = (0..<20 as Range<UInt64>).contains { seed in
            let split = DataSplit.heldOutSpectra(points: points, testFraction: 0.3, seed: seed)
            let box = KinematicDomain(points: split.train.map { points[$0].kinematics })
            return split.test.contains { box.isExtrapolation(points[$0].kinematics) }
        }
        #expect(any)
    }

    @Test func calibrationFoldsHoldOutPointsOnceAndWholeInteriorSpectra() {
        let points = Self.spectra()
        let pool = Array(points.indices.dropFirst(3))  // a training part: not every point
        // With share 1, every pool point is held out by exactly one fold.
        let all = DataSplit.calibrationFolds(points: points, pool: pool, folds: 3, share: 1, seed: 5)
        #expect(all.flatMap(\.heldOut).count == pool.count && Set(all.flatMap(\.heldOut)) == Set(pool))
        // By default half: half the spectra (those that can be held out) and half the points.
        let folds = DataSplit.calibrationFolds(points: points, pool: pool, folds: 3, seed: 5)
        #expect(folds == DataSplit.calibrationFolds(points: points, pool: pool, folds: 3, seed: 5))
        #expect(folds != DataSplit.calibrationFolds(points: points, pool: pool, folds: 3, seed: 6))
        let held = folds.flatMap(\.heldOut)
        #expect(Set(held).count == held.count && Set(held).isSubset(of: Set(pool)))
        #expect(folds.flatMap(\.spectra).count == 5)  // half of the 10 spectra
        let inSpectra = Set(folds.flatMap(\.spectra))
        #expect(
            held.filter { !inSpectra.contains(points[$0].spectrum) }.count == min(pool.filter { !inSpectra.contains(points[$0].spectrum) }.count, 34))
        // Each fold holds out whole spectra, inside the kinematic box of the pool's other spectra
        // (so never both spectra at E = 0.5 GeV, say: the box would shrink).
        let spectra = folds.flatMap(\.spectra)
        #expect(Set(spectra).count == spectra.count && folds.allSatisfy { !$0.spectra.isEmpty })
        for fold in folds {
            let out = Set(fold.heldOut), heldSpectra = Set(fold.spectra)
            let box = KinematicDomain(points: pool.filter { !heldSpectra.contains(points[$0].spectrum) }.map { points[$0].kinematics })
            for key in fold.spectra {
                let members = pool.filter { points[$0].spectrum == key }
                #expect(members.allSatisfy { out.contains($0) && !box.isExtrapolation(points[$0].kinematics) })
            }
            #expect(fold.spectra.filter { $0.beamEnergy == 0.5 }.count < 2 && fold.spectra.filter { $0.beamEnergy == 2.0 }.count < 2)
        }
    }

    @Test func validationIsCarvedFromTrainingAndLeavesTheTestPartAlone() {
        let points = Self.spectra()
        let random = DataSplit.random(count: points.count, testFraction: 0.1, seed: 2)
        let carved = random.carvingValidation(points: points, fraction: 0.2, method: .random, seed: 3)
        #expect(carved.test == random.test)
        #expect(carved.validation.count == Int((Double(points.count) * 0.2).rounded()))
        #expect(Set(carved.train).isDisjoint(with: carved.validation))
        #expect(Set(carved.train + carved.validation) == Set(random.train))
        #expect(carved == random.carvingValidation(points: points, fraction: 0.2, method: .random, seed: 3))
        #expect(random.carvingValidation(points: points, fraction: 0, method: .random, seed: 3) == random)

        let spectra = DataSplit.heldOutSpectra(points: points, testFraction: 0.2, seed: 1)
        let v = spectra.carvingValidation(points: points, fraction: 0.2, method: .spectra, seed: 4)
        #expect(v.test == spectra.test)
        let validationSpectra = Set(v.validation.map { points[$0].spectrum })
        #expect(!validationSpectra.isEmpty)
        #expect(validationSpectra.isDisjoint(with: Set(v.train.map { points[$0].spectrum })))
        #expect(validationSpectra.isDisjoint(with: Set(v.test.map { points[$0].spectrum })))
    }

    @Test func splitsWrittenBeforeTheValidationPartStillRead() throws {
        let old = #"{"train":[0,2,3],"test":[1]}"#
        let split = try JSONDecoder().decode(DataSplit.self, from: Data(old.utf8))
        #expect(split == DataSplit(train: [0, 2, 3], test: [1]))
        #expect(split.validation.isEmpty)
        let again = try JSONDecoder().decode(DataSplit.self, from: try JSONEncoder().encode(DataSplit(train: [1], test: [2], validation: [0])))
        #expect(again.validation == [0])
    }
}
