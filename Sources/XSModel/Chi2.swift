import Foundation

/// The χ² that the network is fitted with, with one normalization λ_k per data set
/// (D'Agostini, NIM A346 (1994) 306; Kowal et al. 2024, Eq. 5):
///
///     χ²_tot = Σ_k [ ½ Σ_{i∈k} ((σ_i − λ_k f_i)/Δσ_i)² + ½ ((1 − λ_k)/Δλ_k)² ]
///
/// `linear` is that formula. `logarithmic` is its first-order form in log space,
///
///     χ²_tot = Σ_k [ ½ Σ_{i∈k} w_i (log σ_i − log λ_k − log f_i)² + ½ (log λ_k / Δλ_k)² ],
///     w_i = 1 / max(Δσ_i/σ_i, floor)²,
///
/// which weighs each point by its relative precision, is well conditioned over the nine decades
/// that σ spans, and converged in minutes where the linear form took hours (TRAINING-NOTES).
/// The floor on the relative error (1% by default) keeps a few very precise points from
/// dominating.
public enum Chi2Form: String, Codable, CaseIterable, Sendable {
    case linear
    case logarithmic
}

public struct Chi2: Sendable {
    public var form: Chi2Form
    public var relativeErrorFloor: Double

    public init(form: Chi2Form, relativeErrorFloor: Double = 0.01) {
        self.form = form
        self.relativeErrorFloor = relativeErrorFloor
    }

    /// Log-space weight w_i of a point.
    @inline(__always)
    public func logWeight(sigma: Double, error: Double) -> Double {
        let r = max(error / sigma, relativeErrorFloor)
        return 1 / (r * r)
    }

    /// The data term of one point, ½ (…)², and its derivative with respect to log f.
    @inline(__always)
    public func pointTerm(sigma: Double, error: Double, logPrediction logF: Double, lambda: Double) -> (value: Double, dLogF: Double) {
        switch form {
        case .linear:
            let f = exp(logF)
            let r = (sigma - lambda * f) / error
            // d/d log f of ½ r² = −r · λ f / Δσ
            return (0.5 * r * r, -r * lambda * f / error)
        case .logarithmic:
            let w = logWeight(sigma: sigma, error: error)
            let r = log(sigma) - log(lambda) - logF
            return (0.5 * w * r * r, -w * r)
        }
    }

    /// The prior term ½ ((1 − λ)/Δλ)² (linear) or ½ (log λ / Δλ)² (logarithmic).
    public func normalizationPenalty(lambda: Double, uncertainty: Double) -> Double {
        switch form {
        case .linear: return 0.5 * pow((1 - lambda) / uncertainty, 2)
        case .logarithmic: return 0.5 * pow(log(lambda) / uncertainty, 2)
        }
    }

    /// The λ_k that minimizes χ² for fixed predictions f_i: closed form in both forms.
    /// Linear: λ = (Σ σ f/Δσ² + 1/Δλ²) / (Σ f²/Δσ² + 1/Δλ²).
    /// Logarithmic: log λ = Σ w (log σ − log f) / (Σ w + 1/Δλ²).
    public func bestNormalization(sigma: [Double], error: [Double], logPrediction: [Double], uncertainty: Double) -> Double {
        let prior = 1 / (uncertainty * uncertainty)
        var numerator = 0.0, denominator = 0.0
        switch form {
        case .linear:
            for i in sigma.indices {
                let f = exp(logPrediction[i]), v = error[i] * error[i]
                numerator += sigma[i] * f / v
                denominator += f * f / v
            }
            return (numerator + prior) / (denominator + prior)
        case .logarithmic:
            for i in sigma.indices {
                let w = logWeight(sigma: sigma[i], error: error[i])
                numerator += w * (log(sigma[i]) - logPrediction[i])
                denominator += w
            }
            return exp(numerator / (denominator + prior))
        }
    }
}
