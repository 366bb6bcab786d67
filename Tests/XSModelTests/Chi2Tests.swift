import Foundation
import Testing
import XSData

@testable import XSModel

@Suite struct Chi2Tests {
    let sigma = [10.0, 20.0, 5.0, 8.0], error = [0.5, 2.0, 0.1, 0.4]
    let logF = [log(9.0), log(21.0), log(4.6), log(8.3)]

    func total(_ c: Chi2, _ lambda: Double, _ dl: Double) -> Double {
        var s = c.normalizationPenalty(lambda: lambda, uncertainty: dl)
        for i in sigma.indices { s += c.pointTerm(sigma: sigma[i], error: error[i], logPrediction: logF[i], lambda: lambda).value }
        return s
    }

    @Test(arguments: [Chi2Form.linear, .logarithmic])
    func closedFormNormalizationIsTheMinimum(form: Chi2Form) {
        let c = Chi2(form: form)
        let best = c.bestNormalization(sigma: sigma, error: error, logPrediction: logF, uncertainty: 0.05)
        // χ² is larger a little to either side of the closed-form λ.
        let at = total(c, best, 0.05)
        #expect(total(c, best * 1.001, 0.05) > at)
        #expect(total(c, best / 1.001, 0.05) > at)
        // A very tight prior pins λ to 1.
        #expect(abs(c.bestNormalization(sigma: sigma, error: error, logPrediction: logF, uncertainty: 1e-6) - 1) < 1e-6)
    }

    @Test func pointTermDerivativeMatchesFiniteDifference() {
        for form in Chi2Form.allCases {
            let c = Chi2(form: form)
            for i in sigma.indices {
                let h = 1e-6
                let up = c.pointTerm(sigma: sigma[i], error: error[i], logPrediction: logF[i] + h, lambda: 1.03).value
                let down = c.pointTerm(sigma: sigma[i], error: error[i], logPrediction: logF[i] - h, lambda: 1.03).value
                let analytic = c.pointTerm(sigma: sigma[i], error: error[i], logPrediction: logF[i], lambda: 1.03).dLogF
                #expect(abs(analytic - (up - down) / (2 * h)) <= 1e-5 * max(1, abs(analytic)))
            }
        }
    }

    @Test func logarithmicWeightHasAFloor() {
        let c = Chi2(form: .logarithmic, relativeErrorFloor: 0.01)
        #expect(c.logWeight(sigma: 100, error: 0.001) == 1e4)  // Δσ/σ = 1e-5 → floored at 1%
        #expect(abs(c.logWeight(sigma: 100, error: 5) - 400) < 1e-9)  // 1/0.05²
    }

    @Test func outputTransformsAndTheirDerivatives() {
        for t in [OutputTransform.sigmoidScale, .logScale(offset: -8, width: 3)] {
            for z in [-20.0, -3, 0, 2.5] {
                let h = 1e-6
                let numeric = (t.logRatio(z + h, 0, .none).value - t.logRatio(z - h, 0, .none).value) / (2 * h)
                #expect(abs(t.logRatio(z, 0, .none).d0 - numeric) < 1e-6)
            }
        }
        // The reference heads with a bounded correction: c tanh(u/c), derivatives by finite differences,
        // and at most a factor e^c from the fit however large the network's output.
        let k = Kinematics(beamEnergy: 1.2, angleDegrees: 30, energyTransfer: 0.3)
        let carbon = Nucleus(Z: 6, A: 12)
        for t in [
            OutputTransform.referenceScale(offset: 0.2, width: 0.7, bound: 3), .referenceResponses(offset: 0.2, width: 0.7, bound: 3),
            .referenceResponses(offset: 0.2, width: 0.7)
        ] {
            let f = OutputFactors(k, output: t, nucleus: carbon)
            for (z0, z1) in [(-6.0, 1.0), (0, 0), (0.5, -0.3), (4, 9)] {
                let h = 1e-6
                let at = t.logRatio(z0, z1, f)
                let n0 = (t.logRatio(z0 + h, z1, f).value - t.logRatio(z0 - h, z1, f).value) / (2 * h)
                let n1 = (t.logRatio(z0, z1 + h, f).value - t.logRatio(z0, z1 - h, f).value) / (2 * h)
                #expect(abs(at.d0 - n0) < 1e-6 && abs(at.d1 - n1) < 1e-6, "\(t) at (\(z0), \(z1))")
            }
        }
        let bounded = OutputTransform.referenceScale(offset: 0, width: 1, bound: 3)
        let reference = OutputFactors(k, output: bounded, nucleus: carbon).logReference
        #expect(abs(bounded.logRatio(1e6, 0, OutputFactors(k, output: bounded, nucleus: carbon)).value - reference - 3) < 1e-12)
        #expect(OutputTransform.boundedCorrection(0.5, bound: nil) == (0.5, 1))
        #expect(abs(OutputTransform.boundedCorrection(0.5, bound: 3).value - 0.5) < 0.5 * 0.03)
        // Deep in the sigmoid's tail log σ/S keeps full relative precision: log sigmoid(−40) = −40 − e⁻⁴⁰.
        #expect(abs(OutputTransform.sigmoidScale.logRatio(-40, 0, .none).value + 40) < 1e-12)
        #expect(abs(OutputTransform.sigmoidScale.logRatio(0, 0, .none).value - log(0.5)) < 1e-15)
    }
}

@Suite struct EvaluationTests {
    @Test func metricsByHand() {
        let n = XSDataNucleus.carbon
        let points = [(100.0, 5.0, "A"), (200.0, 10.0, "A"), (50.0, 1.0, "B")].map {
            XSDataPoint.make(nucleus: n, sigma: $0.0, error: $0.1, dataset: $0.2)
        }
        // Predictions 104 (+4%), 180 (−10%), 50 (0%); λ_A = 1.02, λ_B = 1; spread 0 except 5 on the first.
        let predictions = [(104.0, 5.0), (180.0, 0.0), (50.0, 0.0)].map {
            CrossSectionPrediction(mean: $0.0, standardDeviation: $0.1, percentile16: $0.0, percentile84: $0.0, extrapolation: false)
        }
        let m = Evaluation.metrics(points: points, predictions: predictions) { $0 == "A" ? 1.02 : 1 }
        #expect(m.points == 3)
        // χ² with λ: ((100 − 106.08)/5)² + ((200 − 183.6)/10)² + 0, over 3
        let r1: Double = (100 - 1.02 * 104) / 5, r2: Double = (200 - 1.02 * 180) / 10
        let chi2 = (r1 * r1 + r2 * r2) / 3
        #expect(abs(m.chi2_per_point - chi2) < 1e-9)
        #expect(abs(m.chi2_per_point_lambda1 - (0.64 + 4.0) / 3) < 1e-9)
        #expect(abs(m.median_abs_rel_dev - 0.04) < 1e-12)  // median of 4%, 10%, 0%
        #expect(abs(m.within_5pct - 2.0 / 3) < 1e-12 && m.within_10pct == 1 && m.within_20pct == 1)
        // Coverage: |104−100| ≤ √(5² + 5²) yes; |180−200| = 20 > 10 but ≤ 20: 2σ only; 0 ≤ 1 yes.
        #expect(abs(m.coverage_1sigma - 2.0 / 3) < 1e-12 && m.coverage_2sigma == 1)
    }
}
