import Foundation
import Testing

@testable import XSData

struct CoulombTests {
    @Test func effectivePotentialsAndTheFormula() throws {
        // V(0) = 3αZħc/(2 · 1.2 A^{1/3} fm), V_eff = 0.8 V(0) (hand values, MeV).
        for (nucleus, central, effective) in [(Nucleus(Z: 6, A: 12), 4.72, 3.77), (Nucleus(Z: 82, A: 208), 24.91, 19.93)] {
            let c = CoulombDistortion(nucleus: nucleus)
            #expect(abs(1000 * c.centralPotential - central) < 0.01 && abs(1000 * c.effectivePotential - effective) < 0.01)
        }
        // σ = (E_eff/E)² σ_Born(E_eff, θ, ω), with ω and θ unchanged.
        let lead = CoulombDistortion(nucleus: Nucleus(Z: 82, A: 208))
        let k = Kinematics(beamEnergy: 0.5, angleDegrees: 60, energyTransfer: 0.1)
        var seen: Kinematics?
        let sigma = lead.crossSection(k) { inner in
            seen = inner
            return inner.beamEnergy * 1000
        }
        let E = 0.5 + lead.effectivePotential
        #expect(seen?.angleDegrees == 60 && seen?.energyTransfer == 0.1 && seen?.beamEnergy == E)
        #expect(abs(sigma! - (E / 0.5) * (E / 0.5) * E * 1000) < 1e-9)
        #expect(lead.crossSection(k) { _ in nil } == nil)
    }
}
