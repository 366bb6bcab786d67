import Foundation
import Testing
import XSData
import XSModel

@testable import XSNeutrino

/// The currents, tensors and cross-section formula against published closed forms: the Rosenbluth
/// formula (electron on a free proton), the Llewellyn Smith formula (ν_μ n → μ⁻ p and
/// ν̄_μ p → μ⁺ n), the one-photon formula of the electron model, and the exact relativistic Fermi
/// gas integral.
struct ChargedCurrentPhysicsTests {
    let M = PhysicalConstants.nucleonMass

    /// A free nucleon at rest absorbing (ω, q): elastic when ω = √(M² + q²) − M. Returns
    /// dσ/dΩ (the probe's units per sr) from the tensor, the δ-function integrated over E′.
    func freeNucleonCrossSection(probe: LeptonProbe, energy E: Double, cosTheta c: Double, formFactors: (Double) -> NucleonFormFactors) -> (
        perSr: Double, Q2: Double, outgoing: Double
    )? {
        let m = probe.outgoingMass
        // Solve E − E′ + M = √(M² + q²(E′)) for E′ by bisection.
        func mismatch(_ Ep: Double) -> Double {
            let kp = (Ep * Ep - m * m).squareRoot()
            let q2 = E * E + kp * kp - 2 * E * kp * c
            return E - Ep + M - (M * M + q2).squareRoot()
        }
        var lo = m, hi = E
        guard mismatch(lo) > 0, mismatch(hi) < 0 else { return nil }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mismatch(mid) > 0 { lo = mid } else { hi = mid }
        }
        let Ep = 0.5 * (lo + hi)
        guard let k = LeptonKinematics(energy: E, outgoingEnergy: Ep, cosTheta: c, outgoingMass: m) else { return nil }
        let q = FourVector(k.energyTransfer, 0, 0, k.momentumTransfer)
        let h = NucleonTensor.tensor(initial: FourVector(M, 0, 0, 0), transfer: q, formFactors: formFactors(k.Q2), mass: M)
        let Efinal = M + k.energyTransfer
        let w = (1 / (4 * M * Efinal)) * HadronTensor(averaging: h)
        // ∫dE′ δ(E − E′ + M − E_p′) = 1/|1 + (dq²/dE′)/(2E_p′)|, dq²/dE′ = 2(k′ − E cos θ) E′/k′.
        let kp = k.outgoingMomentum
        let jacobian = 1 + (kp - E * c) * (Ep / kp) / Efinal
        return (InclusiveCrossSection.doubleDifferential(probe: probe, kinematics: k, tensor: w) / jacobian, k.Q2, Ep)
    }

    @Test func electronOnAFreeProtonIsRosenbluth() throws {
        for (E, degrees) in [(0.5, 30.0), (1.2, 60.0), (3.0, 15.0), (0.3, 140.0)] {
            let c = cos(degrees * .pi / 180)
            let result = try #require(
                freeNucleonCrossSection(probe: .electron, energy: E, cosTheta: c) { NucleonFormFactors.electromagnetic(proton: true, Q2: $0) })
            let g = BostedMamyan.nucleonFormFactors(Q2: result.Q2)
            let tau = result.Q2 / (4 * M * M)
            let half = degrees * .pi / 360
            let mott =
                PhysicalConstants.hbarC2 * PhysicalConstants.alpha * PhysicalConstants.alpha * cos(half) * cos(half)
                / (4 * E * E * pow(sin(half), 4))
            let rosenbluth =
                mott * (result.outgoing / E)
                * ((g.GEp * g.GEp + tau * g.GMp * g.GMp) / (1 + tau) + 2 * tau * g.GMp * g.GMp * tan(half) * tan(half))
            #expect(abs(result.perSr / rosenbluth - 1) < 1e-9, "E=\(E) θ=\(degrees): \(result.perSr) vs \(rosenbluth)")
        }
    }

    /// dσ/dQ² of Llewellyn Smith (Phys. Rep. 3, 261 (1972)), as written in Formaggio and Zeller,
    /// RMP 84, 1307 (2012): (M² G_F² V_ud² / 8πE²) [A ± B (s − u)/M² + C (s − u)²/M⁴], + for ν.
    func llewellynSmith(neutrino: Bool, energy E: Double, Q2: Double, axialMass MA: Double) -> Double {
        let m = WeakConstants.muonMass
        let ff = NucleonFormFactors.chargedCurrent(Q2: Q2, axialMass: MA, mass: M)
        let tau = Q2 / (4 * M * M)
        let F1 = ff.F1, xiF2 = ff.F2, FA = ff.axial, FP = ff.pseudoscalar * M  // F_P q^μγ⁵/M = G_P′ q^μγ⁵
        let r = m * m / (4 * M * M)
        let A =
            (m * m + Q2) / (M * M)
            * ((1 + tau) * FA * FA - (1 - tau) * F1 * F1 + tau * (1 - tau) * xiF2 * xiF2 + 4 * tau * F1 * xiF2
                - r * ((F1 + xiF2) * (F1 + xiF2) + (FA + 2 * FP) * (FA + 2 * FP) - (Q2 / (M * M) + 4) * FP * FP))
        let B = Q2 / (M * M) * FA * (F1 + xiF2)
        let C = 0.25 * (FA * FA + F1 * F1 + tau * xiF2 * xiF2)
        let su = 4 * M * E - Q2 - m * m
        let g = WeakConstants.fermiConstant * WeakConstants.vud
        return WeakConstants.hbarC2cm2 * M * M * g * g / (8 * .pi * E * E)
            * (A + (neutrino ? 1 : -1) * B * su / (M * M) + C * su * su / (M * M * M * M))
    }

    @Test func neutrinoOnAFreeNucleonIsLlewellynSmith() throws {
        for probe in [LeptonProbe.numu, .numubar] {
            for (E, c) in [(0.4, 0.9), (0.8, 0.5), (1.5, 0.2), (3.0, 0.95), (1.0, -0.5)] {
                let ff: (Double) -> NucleonFormFactors = { NucleonFormFactors.chargedCurrent(Q2: $0, axialMass: 1.03) }
                let here = try #require(freeNucleonCrossSection(probe: probe, energy: E, cosTheta: c, formFactors: ff))
                // dσ/dcosθ = 2π dσ/dΩ; Q²(cos θ) along the elastic curve by central differences.
                let h = 1e-6
                let up = try #require(freeNucleonCrossSection(probe: probe, energy: E, cosTheta: c + h, formFactors: ff))
                let down = try #require(freeNucleonCrossSection(probe: probe, energy: E, cosTheta: c - h, formFactors: ff))
                let dQ2 = abs(up.Q2 - down.Q2) / (2 * h)
                let expected = llewellynSmith(neutrino: probe == .numu, energy: E, Q2: here.Q2, axialMass: 1.03) * dQ2
                #expect(abs(2 * .pi * here.perSr / expected - 1) < 1e-6, "\(probe) E=\(E) cos=\(c): \(2 * .pi * here.perSr) vs \(expected)")
            }
        }
        // The V–A interference makes neutrinos scatter more than antineutrinos.
        let ff: (Double) -> NucleonFormFactors = { NucleonFormFactors.chargedCurrent(Q2: $0, axialMass: 1.03) }
        let nu = try #require(freeNucleonCrossSection(probe: .numu, energy: 1, cosTheta: 0.5, formFactors: ff))
        let nubar = try #require(freeNucleonCrossSection(probe: .numubar, energy: 1, cosTheta: 0.5, formFactors: ff))
        #expect(nu.perSr > 1.5 * nubar.perSr)
    }

    /// The electron limit: the electromagnetic current through the superscaling tensor, contracted
    /// with the electron's lepton tensor, gives back σ_Mott (v_L R_L + v_T R_T) of the responses.
    @Test func theElectronLimitIsTheOnePhotonFormula() throws {
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        for (E, degrees, omega, RL, RT) in [(0.56, 36.0, 0.1, 3.0, 5.0), (1.3, 37.5, 0.4, 0.8, 2.5), (0.2, 145.0, 0.05, 10.0, 1.0)] {
            let point = Kinematics(beamEnergy: E, angleDegrees: degrees, energyTransfer: omega)
            let expected = point.crossSection(longitudinalResponse: RL, transverseResponse: RT)
            let k = try #require(
                LeptonKinematics(energy: E, outgoingEnergy: E - omega, cosTheta: cos(degrees * .pi / 180), outgoingMass: 0))
            let f = try #require(scaling.reducedFunctions(q: k.momentumTransfer, omega: omega, longitudinal: RL, transverse: RT))
            let w = scaling.tensor(current: .electromagnetic, q: k.momentumTransfer, omega: omega, longitudinal: f.L, transverse: f.T)
            #expect(abs(w.w00 / RL - 1) < 1e-12 && abs(w.transverse / RT - 1) < 1e-12 && w.transverseAxial == 0)
            let sigma = InclusiveCrossSection.doubleDifferential(probe: .electron, kinematics: k, tensor: w)
            #expect(abs(sigma / expected - 1) < 1e-9, "E=\(E) θ=\(degrees): \(sigma) vs \(expected)")
        }
    }

    /// The axial longitudinal-type channels take f_T by default and f_L with SuSAv2's assignment;
    /// the vector and the transverse channels are the same either way, and so the electron's tensor.
    @Test func theAxialLongitudinalChannelsTakeTheAssignedReducedFunction() throws {
        let carbon = Nucleus(Z: 6, A: 12)
        let byDefault = Superscaling(nucleus: carbon), susa = Superscaling(nucleus: carbon, axialLongitudinal: .longitudinal)
        let (q, w, fL, fT) = (0.5, 0.15, 0.4, 1.1)
        let current = NuclearCurrent.chargedCurrent(.numu, axialMass: 1.03)
        let (vector, axial) = try #require(byDefault.singleNucleonFactors(current: current, q: q, omega: w))
        #expect(axial.w00 != 0 && axial.w33 != 0 && axial.w03 != 0)
        let lambda = byDefault.normalization(q: q)
        let a = byDefault.tensor(current: current, q: q, omega: w, longitudinal: fL, transverse: fT)
        let b = susa.tensor(current: current, q: q, omega: w, longitudinal: fL, transverse: fT)
        for (x, factor) in [(a, fT), (b, fL)] {
            #expect(abs(x.w00 - lambda * (fL * vector.w00 + factor * axial.w00)) < 1e-12 * abs(x.w00))
            #expect(abs(x.w03 - lambda * (fL * w / q * vector.w00 + factor * axial.w03)) < 1e-12 * abs(x.w03))
            #expect(abs(x.w33 - lambda * (fL * w * w / (q * q) * vector.w00 + factor * axial.w33)) < 1e-12 * abs(x.w33))
        }
        #expect(a.transverse == b.transverse && a.transverseAxial == b.transverseAxial)
        let ea = byDefault.tensor(current: .electromagnetic, q: q, omega: w, longitudinal: fL, transverse: fT)
        let eb = susa.tensor(current: .electromagnetic, q: q, omega: w, longitudinal: fL, transverse: fT)
        #expect(ea.w00 == eb.w00 && ea.transverse == eb.transverse)
    }

    /// The axial current's longitudinal-type channels (W⁰⁰, W⁰³, W³³) enter the contraction with
    /// the lepton tensor only through what breaks current conservation (the muon mass, the pion
    /// pole), so they matter at the smallest |q| alone: with one reduced function for every channel
    /// (the share does not depend on its value), 8% of d²σ at |q| = 0.09 GeV and at most 0.3% from
    /// |q| = 0.25 GeV up at these MiniBooNE-like kinematics. So `--axial-longitudinal` moves little.
    @Test func theAxialLongitudinalChannelsMatterAtSmallMomentumTransferOnly() throws {
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        let current = NuclearCurrent.chargedCurrent(.numu, axialMass: 1.03)
        for (E, T, c) in [(0.5, 0.35, 0.99), (0.8, 0.6, 0.95), (0.6, 0.35, 0.9), (0.8, 0.5, 0.85), (0.8, 0.4, 0.7), (1.0, 0.5, 0.5)] {
            let k = try #require(
                LeptonKinematics(energy: E, outgoingEnergy: T + WeakConstants.muonMass, cosTheta: c, outgoingMass: WeakConstants.muonMass))
            let (q, w) = (k.momentumTransfer, k.energyTransfer)
            let f = 1.0
            let (_, axial) = try #require(scaling.singleNucleonFactors(current: current, q: q, omega: w))
            let all = InclusiveCrossSection.doubleDifferential(
                probe: .numu, kinematics: k, tensor: scaling.tensor(current: current, q: q, omega: w, longitudinal: f, transverse: f))
            let axialLongitudinal = InclusiveCrossSection.doubleDifferential(
                probe: .numu, kinematics: k,
                tensor: (scaling.normalization(q: q) * f)
                    * HadronTensor(w00: axial.w00, w03: axial.w03, w33: axial.w33, transverse: 0, transverseAxial: 0))
            let share = axialLongitudinal / all
            #expect(all > 0 && (q < 0.1 ? share > 0.05 : abs(share) < 0.005), "|q| = \(q): share \(share)")
        }
    }

    /// `axialMesonExchange` takes the fraction of the fit's meson-exchange part of R_T into f_A,
    /// linearly: 1 gives f_A = f_T, 0 removes the whole part, ½ lies halfway; f_L and f_T do not move.
    /// At a dip-region point (|q| = 0.5 GeV, ω = 0.3 GeV, inside the default window) where that part
    /// is not zero, with responses large enough that no floor acts.
    @Test func theAxialChannelsKeepTheAskedFractionOfMesonExchange() throws {
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        let point = [(q: 0.5, omega: 0.3)]
        let kinematics = try #require(ReducedFunctionGrid.electronKinematics(q: 0.5, omega: 0.3))
        #expect(kinematics.psiPrime(scaling.fermiGas) < ReducedFunctionGrid.defaultQuasielasticWindow)
        let mec = try #require(BostedMamyan().mesonExchangeTransverseResponse(kinematics, nucleus: scaling.nucleus))
        let divisor = try #require(scaling.electromagneticDivisors(q: 0.5, omega: 0.3))
        #expect(mec > 0)
        func values(_ fraction: Double) -> (L: Double, T: Double, A: Double) {
            ReducedFunctionGrid.reducedValues(
                scaling: scaling, at: point, removingPionProduction: false, axialMesonExchange: fraction,
                responses: { points in [points.map { _ in (longitudinal: 5, transverse: 100) }] })[0][0]
        }
        let all = values(1), none = values(0), half = values(0.5)
        #expect(all.A == all.T && none.T == all.T && half.T == all.T && none.L == all.L)
        #expect(abs((all.A - none.A) - mec / divisor.T) < 1e-12 * all.A)
        #expect(abs(half.A - (all.A + none.A) / 2) < 1e-12 * all.A)
    }

    /// The exact relativistic Fermi gas: the tensor averaged over the occupied nucleons that can
    /// absorb (ω̃, q) into an empty state, against the superscaling factorization with the Fermi
    /// gas' reduced function (which neglects the nucleons' motion transverse to q in the
    /// single-nucleon factors).
    func exactFermiGas(current: NuclearCurrent, scaling: Superscaling, q: Double, omega: Double) -> HadronTensor {
        let kF = scaling.fermiGas.fermiMomentum, w = omega - scaling.fermiGas.energyShift
        let EF = (M * M + kF * kF).squareRoot()
        let steps = 1000
        var sum = HadronTensor()
        for s in 0..<steps {
            let p = (Double(s) + 0.5) / Double(steps) * kF
            let Ep = (M * M + p * p).squareRoot(), Efinal = Ep + w
            guard Efinal > EF else { continue }
            let c = (Efinal * Efinal - M * M - p * p - q * q) / (2 * p * q)
            guard abs(c) <= 1 else { continue }
            let nucleon = FourVector(Ep, p * (1 - c * c).squareRoot(), 0, p * c)
            let transfer = FourVector(w, 0, 0, q)
            let Q2 = q * q - w * w
            let parts: [(Double, NucleonFormFactors)]
            switch current {
            case .electromagnetic:
                parts = [
                    (Double(scaling.nucleus.Z), .electromagnetic(proton: true, Q2: Q2)),
                    (Double(scaling.nucleus.A - scaling.nucleus.Z), .electromagnetic(proton: false, Q2: Q2))
                ]
            case .chargedCurrent(_, let MA):
                parts = [(Double(scaling.nucleus.A - scaling.nucleus.Z), .chargedCurrent(Q2: Q2, axialMass: MA))]
            }
            for (count, ff) in parts {
                let h = HadronTensor(averaging: NucleonTensor.tensor(initial: nucleon, transfer: transfer, formFactors: ff, mass: M))
                // N (3/4πk_F³) (2π/q) ∫ p dp ½Tr/(4E_p), the δ-function taken by the polar angle.
                sum = sum + (count * 3 / (4 * .pi * kF * kF * kF) * 2 * .pi / q * p / (4 * Ep) * kF / Double(steps)) * h
            }
        }
        return sum
    }

    /// The route xsnet takes from electrons to neutrinos, applied to the exact Fermi gas: its
    /// electron responses, divided by the electromagnetic single-nucleon factors and multiplied
    /// by the weak ones, give its neutrino cross section; and the baseline (the Fermi gas' reduced
    /// function times the factors) is near the exact one.
    @Test func theScalingRouteCarriesTheFermiGasFromElectronsToNeutrinos() throws {
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        var routeWorst = 0.0, baselineWorst = 0.0
        for (E, T, c) in [(0.8, 0.5, 0.8), (0.8, 0.45, 0.5), (1.5, 1.15, 0.9), (0.6, 0.25, 0.2), (2.0, 1.6, 0.95)] {
            let k = try #require(
                LeptonKinematics(energy: E, outgoingEnergy: T + WeakConstants.muonMass, cosTheta: c, outgoingMass: WeakConstants.muonMass))
            let q = k.momentumTransfer, w = k.energyTransfer
            let current = NuclearCurrent.chargedCurrent(.numu, axialMass: 1.03)
            let exact = InclusiveCrossSection.doubleDifferential(
                probe: .numu, kinematics: k, tensor: exactFermiGas(current: current, scaling: scaling, q: q, omega: w))
            let electron = exactFermiGas(current: .electromagnetic, scaling: scaling, q: q, omega: w)
            let f = try #require(scaling.reducedFunctions(q: q, omega: w, longitudinal: electron.w00, transverse: electron.transverse))
            let route = InclusiveCrossSection.doubleDifferential(
                probe: .numu, kinematics: k, tensor: scaling.tensor(current: current, q: q, omega: w, longitudinal: f.L, transverse: f.T))
            let fRFG = scaling.fermiGasReducedFunction(q: q, omega: w)
            let baseline = InclusiveCrossSection.doubleDifferential(
                probe: .numu, kinematics: k, tensor: scaling.tensor(current: current, q: q, omega: w, longitudinal: fRFG, transverse: fRFG))
            #expect(exact > 0)
            routeWorst = max(routeWorst, abs(route / exact - 1))
            baselineWorst = max(baselineWorst, abs(baseline / exact - 1))
        }
        // Measured: the route 0.7%, the baseline 2.6% (the nucleons' motion transverse to q, which
        // the single-nucleon factors leave out, cancels in the electron-to-neutrino ratio).
        #expect(routeWorst < 0.015, "route: \(routeWorst)")
        #expect(baselineWorst < 0.05, "baseline: \(baselineWorst)")
    }
}
