import Foundation
import Testing

@testable import XSData

@Suite struct KinematicsTests {
    // At θ = 90°: cos θ = 0, cos(θ/2) = sin(θ/2) = 1/√2, so every formula reduces to arithmetic.
    let k = Kinematics(beamEnergy: 1.0, angleDegrees: 90, energyTransfer: 0.25)

    @Test func derivedVariables() {
        #expect(abs(k.cosTheta) < 1e-15)
        #expect(k.scatteredEnergy == 0.75)
        // Q² = 2 E E′ (1 − cos θ) = 2 · 1 · 0.75 · 1 = 1.5 GeV²
        #expect(abs(k.Q2 - 1.5) < 1e-12)
        // |q|² = Q² + ω² = 1.5 + 0.0625
        #expect(abs(k.momentumTransfer - 1.5625.squareRoot()) < 1e-12)
        // W² = M² + 2Mω − Q², x = Q²/(2Mω) with M = 0.938918754 GeV
        let M = 0.938918754
        #expect(abs(k.W2 - (M * M + 0.5 * M - 1.5)) < 1e-12)
        #expect(k.W == 0)  // W² < 0 here: below the free-nucleon threshold
        #expect(abs(k.bjorkenX - 1.5 / (0.5 * M)) < 1e-12)
    }

    @Test func mottCrossSection() {
        // σ_Mott = (ħc)² α² cos²(θ/2) / (4E² sin⁴(θ/2)) = (ħc)² α² · ½ / (4 · ¼) = (ħc)² α² / 2
        let alpha = 1 / 137.035999084
        let expected = 389379.372 * alpha * alpha / 2  // = 10.36749 nb/sr
        #expect(abs(k.mottCrossSection / expected - 1) < 1e-12)
        #expect(abs(k.mottCrossSection - 10.36749) < 1e-4)
    }

    @Test func networkScale() {
        // S = 10⁹ α² cos²(θ/2) / (4E² sin⁴(θ/2)) / (E cos(θ/2)) with α = 1/137:
        // at E = 1, θ = 90°: 10⁹/137² · ½ / (4 · ¼) / (1/√2) = 10⁹/137² · √2/2 = 37 674.185…
        let expected = 1e9 / (137.0 * 137.0) * 2.0.squareRoot() / 2
        #expect(abs(k.crossSectionScale / expected - 1) < 1e-12)
        #expect(abs(k.crossSectionScale - 37674.185) < 0.001)
        // S falls as E⁻³ at fixed angle.
        let k2 = Kinematics(beamEnergy: 2.0, angleDegrees: 90, energyTransfer: 0.25)
        #expect(abs(k.crossSectionScale / k2.crossSectionScale - 8) < 1e-9)
    }

    @Test func crossSectionForms() {
        // d²σ/dcosθdω = 2π d²σ/dΩdω
        #expect(CrossSectionForm.perCosTheta.fromPerSolidAngle(1.0) == 2 * .pi)
        #expect(CrossSectionForm.perSolidAngle.fromPerSolidAngle(3.5) == 3.5)
    }

    @Test func unphysicalPointsAreNamed() {
        #expect(Kinematics.unphysicalReason(beamEnergy: 1, angleDegrees: 30, energyTransfer: 0.2) == nil)
        #expect(Kinematics.unphysicalReason(beamEnergy: 0, angleDegrees: 30, energyTransfer: 0.2)?.contains("beam energy") == true)
        #expect(Kinematics.unphysicalReason(beamEnergy: 1, angleDegrees: 180, energyTransfer: 0.2)?.contains("angle") == true)
        #expect(Kinematics.unphysicalReason(beamEnergy: 1, angleDegrees: 0, energyTransfer: 0.2)?.contains("angle") == true)
        #expect(Kinematics.unphysicalReason(beamEnergy: 1, angleDegrees: 30, energyTransfer: 1)?.contains("below the beam") == true)
        #expect(Kinematics.unphysicalReason(beamEnergy: 1, angleDegrees: 30, energyTransfer: 0)?.contains("energy transfer") == true)
        #expect(Kinematics.unphysicalReason(beamEnergy: .nan, angleDegrees: 30, energyTransfer: 0.2)?.contains("non-finite") == true)
    }

    /// `covers(momentumTransfer:energyTransfer:)` against a scan of beam energies: (q, ω) is covered
    /// exactly when some E in the box, with its angle from Q² = q² − ω², lies inside the box.
    @Test func aBoxCoversTheMomentumAndEnergyTransfersOfItsOwnKinematics() {
        let box = KinematicDomain(points: [
            Kinematics(beamEnergy: 0.5, angleDegrees: 36, energyTransfer: 0.1),
            Kinematics(beamEnergy: 2.0, angleDegrees: 15, energyTransfer: 0.9),
            Kinematics(beamEnergy: 1.2, angleDegrees: 60, energyTransfer: 0.4)
        ])
        func scanned(_ q: Double, _ ω: Double) -> Bool {
            let Q2 = q * q - ω * ω
            guard Q2 > 0 else { return false }
            return stride(from: ω + 1e-6, through: 3.0, by: 1e-4).contains { E in
                let s2 = Q2 / (4 * E * (E - ω))
                guard s2 <= 1 else { return false }
                let θ = 2 * asin(s2.squareRoot()) * 180 / .pi
                return !box.isExtrapolation(Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω))
            }
        }
        // Each point's own (q, ω) is covered; on a grid of others the check agrees with the scan.
        for k in [(0.5, 36.0, 0.1), (2.0, 15.0, 0.9), (1.2, 60.0, 0.4)] {
            let p = Kinematics(beamEnergy: k.0, angleDegrees: k.1, energyTransfer: k.2)
            #expect(box.covers(momentumTransfer: (p.Q2 + k.2 * k.2).squareRoot(), energyTransfer: k.2))
        }
        var agree = 0, covered = 0
        for q in stride(from: 0.05, through: 2.0, by: 0.0913) {
            for ω in stride(from: 0.01, through: 1.5, by: 0.0671) where ω < q {
                let c = box.covers(momentumTransfer: q, energyTransfer: ω)
                #expect(c == scanned(q, ω), "q = \(q), ω = \(ω)")
                agree += c == scanned(q, ω) ? 1 : 0
                covered += c ? 1 : 0
            }
        }
        #expect(covered > 10 && agree > 150)
        #expect(!box.covers(momentumTransfer: 0.1, energyTransfer: 0.2))  // time-like
    }

    @Test func nucleusNames() {
        #expect(Nucleus(name: "C12") == Nucleus(Z: 6, A: 12))
        #expect(Nucleus(name: "12C") == Nucleus(Z: 6, A: 12))
        #expect(Nucleus(name: "fe56") == Nucleus(Z: 26, A: 56))
        #expect(Nucleus(name: "Fe-56")?.name == "Fe56")
        #expect(Nucleus(name: "Xx12") == nil)
        #expect(Nucleus(name: "C") == nil)
        #expect(Nucleus(Z: 2, A: 3).isotopeLabel == "3He")
    }
}
