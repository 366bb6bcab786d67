import Foundation
import Testing
import XSData

@testable import XSModel

/// The update's anchor lets go near the new data in (q, ω) and holds elsewhere.
@Suite struct AnchorReleaseTests {
    @Test func theHeldShareGrowsWithTheRelativeDistanceInQAndOmega() {
        let new = XSDataPoint.make(nucleus: XSDataNucleus.carbon, sigma: 1, error: 0.1, dataset: "new", E: 1, theta: 30, omega: 0.2)
        let release = AnchorRelease(radius: 0.1, near: [new])
        #expect(release.heldShare(new) == 0)
        // A point at the same q and ω' = ω + ℓ q: d = ℓ, so it keeps 1 − exp(−1/2) of its anchor.
        let q = new.kinematics.momentumTransfer
        var moved = new
        moved.energyTransfer += 0.1 * q
        // q moves with ω at fixed E and θ; the share is computed from the point's own (q, ω).
        let k = moved.kinematics, dq = k.momentumTransfer - q, dw = 0.1 * q
        let d = (dq * dq + dw * dw).squareRoot() / k.momentumTransfer
        #expect(abs(release.heldShare(moved) - (1 - exp(-d * d / 0.02))) < 1e-12)
        let far = XSDataPoint.make(nucleus: XSDataNucleus.carbon, sigma: 1, error: 0.1, dataset: "old", E: 4, theta: 60, omega: 1)
        #expect(release.heldShare(far) > 1 - 1e-9)
        // Another nucleus at the very same kinematics keeps its whole anchor, unless the network
        // cannot tell nuclei apart.
        var iron = new
        iron.nucleus = Nucleus(Z: 26, A: 56)
        #expect(release.heldShare(iron) == 1)
        #expect(AnchorRelease(radius: 0.1, near: [new], acrossNuclei: true).heldShare(iron) == 0)
    }

    /// Anchored points on top of a new point carry no anchor, the others 1/τ² times their share.
    @Test func theTrainerWeighsEachAnchoredPointByItsHeldShare() throws {
        let data = try TrainerTests.tinyData()
        let t = Trainer(data: data, config: TrainerTests.tinyConfig(epochs: 1), command: "test")
        let whitney = data.points.indices.filter { data.points[$0].dataset == "Whitney:1974hr" }
        let release = AnchorRelease(radius: 0.05, near: whitney.map { data.points[$0] })
        t.anchorToStart(excluding: ["Whitney:1974hr"], relativeError: 0.1, release: release)
        let train = Set(data.split.train)
        for i in data.points.indices {
            let w = t.anchorWeight(ofPoint: i)
            if !train.contains(i) || data.points[i].dataset == "Whitney:1974hr" {
                #expect(w == 0)
            } else {
                #expect(abs(w - release.heldShare(data.points[i]) * 100) < 1e-9)
            }
        }
        #expect(whitney.allSatisfy { release.heldShare(data.points[$0]) == 0 })
    }
}
