import Foundation
import XSData

/// The Bosted–Mamyan empirical fit of inclusive electron–nucleus scattering for A > 2
/// (P. E. Bosted and V. Mamyan, arXiv:1203.2262): quasielastic scattering from superscaling
/// with the Bosted nucleon form factors, plus inelastic scattering from the Christy–Bosted
/// free-nucleon fits smeared by Fermi motion, an empirical meson-exchange (dip-region) term and
/// the EMC effect. Written from the published formulas with the parameter values of the fit as
/// distributed (F1F209 in JeffersonLab/simc_gfortran).
///
///     d²σ/dΩdω = σ_Mott [ W₂ + 2 W₁ tan²(θ/2) ],   W₁ = F₁/M,  W₂ = F₂/ν,
///
/// with F₁, F₂ per nucleus the sums of the quasielastic and inelastic parts.
public struct BostedMamyan: ReferenceModel {
    public var name: String { "Bosted–Mamyan" }

    public init() {}

    /// The nuclei the fit describes: A > 2 (it has no parameters for the deuteron).
    public static func covers(_ nucleus: Nucleus) -> Bool { nucleus.A > 2 }
    /// The same for a nucleus given by name (false for a name that is no nucleus, `any` among them).
    public static func covers(nucleusNamed name: String) -> Bool { Nucleus(name: name).map(covers) ?? false }
    public func covers(_ nucleus: Nucleus) -> Bool { Self.covers(nucleus) }

    /// The proton mass of the fit (GeV): W² = M² + 2Mν − Q² is computed with it.
    static let protonMass = 0.93828

    /// The 24 correction parameters of the 2009 fit to nuclear data (P(0) … P(23)).
    static let correction: [Double] = [
        5.1377e-03, 9.8071e-01, 4.6379e-02, 1.6433e+00, 6.9826e+00, -2.2655e-01, 1.1095e-01, 2.7945e-02, 4.0643e-01, 1.6076e+00, -7.5460e+00,
        4.4418e+00, -3.7464e-01, 1.0414e-01, -2.6852e-01, 9.6653e-01, -1.9055e+00, 9.8965e-01, 2.0613e+02, -4.5536e-02, 2.4902e-01,
        -1.3728e-01, 2.9201e+01, 4.9280e-03
    ]

    /// The fit's Fermi momentum and energy shift (GeV) by mass number (its 2009 values: they
    /// differ from `FermiGasParameters`' superscaling table in E_s for 8 ≤ A ≤ 16 and A > 55).
    static func fermiGas(massNumber A: Int) -> (kF: Double, energyShift: Double) {
        switch A {
        case ...2: (0.085, 0.0022)
        case 3: (0.115, 0.001)
        case 4...7: (0.19, 0.017)
        case 8...16: (0.228, 0.0165)
        case 17...25: (0.230, 0.025)
        case 26...38: (0.236, 0.018)
        case 39...55: (0.241, 0.028)
        case 56...60: (0.241, 0.018)
        default: (0.245, 0.018)
        }
    }

    /// F1 and F2 per nucleus at the point (quasielastic plus inelastic); nil for A ≤ 2.
    static func structureFunctions(_ k: Kinematics, nucleus: Nucleus) -> (F1: Double, F2: Double)? {
        guard covers(nucleus) else { return nil }
        let M = protonMass
        let nu = k.energyTransfer, Q2 = k.Q2
        let W2 = M * M + 2 * M * nu - Q2
        let qe = quasielastic(Z: Double(nucleus.Z), A: Double(nucleus.A), Q2: Q2, W2: W2)
        let inelastic = inelastic(Z: Double(nucleus.Z), A: Double(nucleus.A), Q2: Q2, W2: W2)
        return (qe.F1 + inelastic.F1, qe.F2 + inelastic.F2)
    }

    /// The fit's response functions (GeV⁻¹): R_T = 2W₁ and R_L = (q²/Q²)² W₂ − (q²/Q²) W₁, so that
    /// σ_Mott (v_L R_L + v_T R_T) = σ_Mott (W₂ + 2W₁ tan²(θ/2)). The fit does not constrain R_L to be
    /// positive (its R = σ_L/σ_T is fitted per part); R_L is floored at 10⁻³ R_T so that its
    /// logarithm exists (the response-head prior). Both are zero where `crossSection` clamps the
    /// fit's σ at 0 (its inelastic part, negative below W² ≈ 0.4 GeV² at large Q², outweighs the
    /// quasielastic one: argon at 6.1 GeV, 145°, ω = 5.601–5.604 GeV), so that a model on them
    /// predicts 0 there too. nil for A ≤ 2 or where R_T ≤ 0 otherwise.
    public func responses(_ k: Kinematics, nucleus: Nucleus) -> (longitudinal: Double, transverse: Double)? {
        guard let (F1, F2) = Self.structureFunctions(k, nucleus: nucleus) else { return nil }
        let W1 = F1 / Self.protonMass, W2 = F2 / k.energyTransfer
        let ratio = (k.Q2 + k.energyTransfer * k.energyTransfer) / k.Q2
        let RT = 2 * W1
        let half = k.angleRadians / 2
        if !(RT > 0) && W2 + RT * tan(half) * tan(half) <= 0 { return (0, 0) }
        guard RT > 0, RT.isFinite else { return nil }
        return (max(ratio * ratio * W2 - ratio * W1, 1e-3 * RT), RT)
    }

    /// The fit's pion-production responses (GeV⁻¹): its inelastic part (smeared nucleon resonances
    /// and deep-inelastic scattering, with the EMC ratio) without the meson-exchange term, as
    /// R_T = 2W₁ and R_L = (q²/Q²)² W₂ − (q²/Q²) W₁ (not floored). nil for A ≤ 2.
    public func pionProductionResponses(_ k: Kinematics, nucleus: Nucleus) -> (longitudinal: Double, transverse: Double)? {
        guard covers(nucleus) else { return nil }
        let M = Self.protonMass, nu = k.energyTransfer, Q2 = k.Q2
        let part = Self.inelastic(Z: Double(nucleus.Z), A: Double(nucleus.A), Q2: Q2, W2: M * M + 2 * M * nu - Q2, mesonExchange: false)
        let W1 = part.F1 / M, W2 = part.F2 / nu
        let ratio = (Q2 + nu * nu) / Q2
        return (ratio * ratio * W2 - ratio * W1, 2 * W1)
    }

    /// The fit's meson-exchange (dip-region) transverse response R_T = 2W₁ (GeV⁻¹), with the EMC
    /// ratio as the fit applies it; nil for A ≤ 2.
    public func mesonExchangeTransverseResponse(_ k: Kinematics, nucleus: Nucleus) -> Double? {
        guard covers(nucleus) else { return nil }
        let M = Self.protonMass, nu = k.energyTransfer, Q2 = k.Q2
        let W2 = M * M + 2 * M * nu - Q2
        guard nu > 0, Q2 > 0 else { return 0 }
        return 2 * Self.mesonExchange(A: Double(nucleus.A), Q2: Q2, W2: W2) * Self.emcRatio(x: Q2 / (2 * M * nu), A: Double(nucleus.A))
    }

    /// d²σ/dΩdω in nb/sr/GeV per nucleus; nil for A ≤ 2 (the fit's nuclear part needs A > 2).
    public func crossSection(_ k: Kinematics, nucleus: Nucleus) -> Double? {
        guard let (F1, F2) = Self.structureFunctions(k, nucleus: nucleus) else { return nil }
        let M = Self.protonMass, nu = k.energyTransfer
        let half = k.angleRadians / 2
        let tan2 = tan(half) * tan(half)
        let value = k.mottCrossSection * (F2 / nu + 2 * F1 / M * tan2)
        return value.isFinite ? max(value, 0) : nil
    }

    // MARK: Quasielastic part

    /// Nucleon form factors of Bosted, PRC 51, 409 (1995): G_E^p, G_M^p, G_E^n, G_M^n at Q².
    public static func nucleonFormFactors(Q2: Double) -> (GEp: Double, GMp: Double, GEn: Double, GMn: Double) {
        let muP = 2.792782, muN = -1.913148
        let Q = Q2.squareRoot(), tau = Q2 / (4 * protonMass * protonMass)
        let GEp = 1 / (1 + 0.14 * Q + 3.01 * Q2 + 0.02 * Q2 * Q + 1.20 * Q2 * Q2 + 0.32 * pow(Q, 5))
        let GMn = muN / (1 - 1.74 * Q + 9.29 * Q2 - 7.63 * Q2 * Q + 4.63 * Q2 * Q2)
        let GEn = 1.25 * muN * tau / (1 + 18.3 * tau) / pow(1 + Q2 / 0.71, 2)
        return (GEp, muP * GEp, GEn, GMn)
    }

    /// Quasielastic F1 and F2 per nucleus (A > 2): the relativistic-Fermi-gas single-nucleon
    /// responses with Pauli suppression (Tsai, RMP 46, 815 (1974)) times the superscaling
    /// function f(ψ′) of Amaro et al., PRC 71, 015501 (2005), then the 2009 correction in
    /// y = (W² − M²)/|q|.
    static func quasielastic(Z: Double, A: Double, Q2: Double, W2: Double) -> (F1: Double, F2: Double) {
        let M = protonMass, P = correction
        let nu = (W2 - M * M + Q2) / (2 * M)
        guard nu > 0, Q2 >= 0, A > 2 else { return (0, 0) }
        let tau = Q2 / (4 * M * M)
        let qv = (nu * nu + Q2).squareRoot()
        let (GEp, GMp, GEn, GMn) = nucleonFormFactors(Q2: Q2)
        let (kF, Es) = fermiGas(massNumber: Int(A))
        let pauli = qv > 2 * kF ? 1 : 0.75 * (qv / kF) * (1 - (qv / kF) * (qv / kF) / 12)
        let kappa = qv / (2 * M), lambda = nu / (2 * M)
        let lambdaShifted = lambda - Es / (2 * M)
        let tauShifted = kappa * kappa - lambdaShifted * lambdaShifted
        let xiF = (1 + (kF / M) * (kF / M)).squareRoot() - 1
        guard 1 + lambdaShifted > 0, tauShifted * (1 + tauShifted) > 0 else { return (0, 0) }
        let psi = Kinematics.scalingVariable(kappa: kappa, lambda: lambda, tau: tau, xiF: xiF)
        let psiShifted = Kinematics.scalingVariable(kappa: kappa, lambda: lambdaShifted, tau: tauShifted, xiF: xiF)
        let vL = (tau / (kappa * kappa)) * (tau / (kappa * kappa))
        let vT = tau / (2 * kappa * kappa)
        let N = A - Z
        let GM2 = pauli * (Z * GMp * GMp + N * GMn * GMn)
        let GE2 = pauli * (Z * GEp * GEp + N * GEn * GEn)
        let W2bar = (GE2 + tau * GM2) / (1 + tau)
        let delta = xiF * (1 - psi * psi) * ((tau * (1 + tau)).squareRoot() / kappa + xiF / 3 * (1 - psi * psi) * tau / (kappa * kappa))
        let denominator = 2 * kappa * (1 + xiF * (1 + psi * psi) / 2)
        let GL = kappa * kappa / tau * (GE2 + delta * W2bar) / denominator
        let GT = max(0, (2 * tau * GM2 + delta * W2bar) / denominator)
        let f = 1.5576 / (1 + 1.7720 * 1.7720 * (psiShifted + 0.3014) * (psiShifted + 0.3014)) / (1 + exp(-2.4291 * psiShifted)) / kF
        var F2 = nu * f * (vL * GL + vT * GT)
        var F1 = max(M * f * GT / 2, 0)
        var R = F1 > 0 ? (F2 / nu) / (F1 / M) * (1 + nu * nu / Q2) - 1 : 0.4 / Q2
        if W2 > 0 {
            let y = (W2 - M * M) / qv
            F1 *= 1 + P[7] + P[8] * y + P[9] * y * y + P[10] * y * y * y + P[11] * y * y * y * y
            R *= 1 + P[12]
            F2 = nu * F1 / M * (1 + R) / (1 + nu * nu / Q2)
            F1 = max(F1, 0)
        }
        return (F1, F2)
    }

    // MARK: Inelastic part

    /// Inelastic F1 and F2 per nucleus (A > 2): the free proton (Christy–Bosted) and the average
    /// nucleon (deuteron fit) smeared by a Gaussian in W² of width 2|q| · k_F/2 and shifted by
    /// 2(ν + M) E_s (99 points over ±3σ, `smearing`), combined as
    /// Z protons and N neutrons, corrected by the 2009 factors in x and W, plus the meson-exchange
    /// term, with R scaled by (1 + P₆ + P₂₃ A), and times the EMC ratio.
    static func inelastic(Z: Double, A: Double, Q2: Double, W2: Double, mesonExchange withMesonExchange: Bool = true) -> (F1: Double, F2: Double) {
        let M = protonMass, P = correction
        let nu = (W2 - M * M + Q2) / (2 * M)
        guard A > 2, nu > 0, Q2 > 0 else { return (0, 0) }
        let qv = (nu * nu + Q2).squareRoot()
        let W = W2 > 0 ? W2.squareRoot() : 0
        let x = W2 > 0 ? Q2 / (2 * M * nu) : 0
        let (kF, Es) = fermiGas(massNumber: Int(A))
        let width = 0.5 * kF * 2 * qv, shift = Es * 2 * (nu + M)
        var F1p = 0.0, F1d = 0.0, sigmaT = 0.0, sigmaL = 0.0
        for (offset, weight) in smearing {
            let W2p = W2 + offset * width - shift
            guard W2p > 1.159 else { continue }
            let p = ChristyBosted.proton(W2: W2p, Q2: Q2)
            F1p += weight * p.F1
            F1d += weight * ChristyBosted.averageNucleonF1(W2: W2p, Q2: Q2)
            sigmaT += weight * p.sigmaT
            sigmaL += weight * p.sigmaL
        }
        var R = sigmaT > 0 ? sigmaL / sigmaT : 0
        // Z protons and N = A − Z neutrons: 2Z F1(avg) + (A − 2Z)(2 F1(avg) − F1(p)) = Z F1p + N F1n.
        var W1 = (2 * Z * F1d + (A - 2 * Z) * (2 * F1d - F1p)) / M
        W1 *= 1 + P[13] * x + P[14] * x * x + P[15] * pow(x, 3) + P[16] * pow(x, 4) + P[17] * pow(x, 5)
        if W > 0 { W1 *= pow(1 + (P[20] * W + P[21] * W * W) / (1 + P[22] * Q2), 2) }
        if withMesonExchange { W1 += mesonExchange(A: A, Q2: Q2, W2: W2) }
        if W2 > 0 { R *= 1 + P[6] + P[23] * A }
        let W2structure = W1 * (1 + R) / (1 + nu * nu / Q2)
        let emc = emcRatio(x: Q2 / (2 * M * nu), A: A)
        return (M * W1 * emc, nu * W2structure * emc)
    }

    /// The 99 smearing points: offsets in standard deviations from −3 to 3 and weights ∝ exp(−x²/2),
    /// as the fit tabulates them (to three and four decimals: the weights sum to 1.00062, which
    /// is part of the fit as published; an exactly normalized Gaussian gives F1 about 0.1% lower).
    static let smearing: [(Double, Double)] = zip(smearingOffsets, smearingWeights.map { $0 / 100 }).map { ($0, $1) }

    static let smearingOffsets: [Double] = [
        -3.000, -2.939, -2.878, -2.816, -2.755, -2.694, -2.633, -2.571, -2.510, -2.449, -2.388,
        -2.327, -2.265, -2.204, -2.143, -2.082, -2.020, -1.959, -1.898, -1.837, -1.776, -1.714,
        -1.653, -1.592, -1.531, -1.469, -1.408, -1.347, -1.286, -1.224, -1.163, -1.102, -1.041,
        -0.980, -0.918, -0.857, -0.796, -0.735, -0.673, -0.612, -0.551, -0.490, -0.429, -0.367,
        -0.306, -0.245, -0.184, -0.122, -0.061, 0.000, 0.061, 0.122, 0.184, 0.245, 0.306,
        0.367, 0.429, 0.490, 0.551, 0.612, 0.673, 0.735, 0.796, 0.857, 0.918, 0.980,
        1.041, 1.102, 1.163, 1.224, 1.286, 1.347, 1.408, 1.469, 1.531, 1.592, 1.653,
        1.714, 1.776, 1.837, 1.898, 1.959, 2.020, 2.082, 2.143, 2.204, 2.265, 2.327,
        2.388, 2.449, 2.510, 2.571, 2.633, 2.694, 2.755, 2.816, 2.878, 2.939, 3.000
    ]

    /// 100 × the weights.
    static let smearingWeights: [Double] = [
        0.0272, 0.0326, 0.0390, 0.0464, 0.0551, 0.0651, 0.0766, 0.0898, 0.1049, 0.1221, 0.1416,
        0.1636, 0.1883, 0.2159, 0.2466, 0.2807, 0.3182, 0.3595, 0.4045, 0.4535, 0.5066, 0.5637,
        0.6249, 0.6901, 0.7593, 0.8324, 0.9090, 0.9890, 1.0720, 1.1577, 1.2454, 1.3349, 1.4254,
        1.5163, 1.6070, 1.6968, 1.7849, 1.8705, 1.9529, 2.0313, 2.1049, 2.1731, 2.2350, 2.2901,
        2.3379, 2.3776, 2.4090, 2.4317, 2.4454, 2.4500, 2.4454, 2.4317, 2.4090, 2.3776, 2.3379,
        2.2901, 2.2350, 2.1731, 2.1049, 2.0313, 1.9529, 1.8705, 1.7849, 1.6968, 1.6070, 1.5163,
        1.4254, 1.3349, 1.2454, 1.1577, 1.0720, 0.9890, 0.9090, 0.8324, 0.7593, 0.6901, 0.6249,
        0.5637, 0.5066, 0.4535, 0.4045, 0.3595, 0.3182, 0.2807, 0.2466, 0.2159, 0.1883, 0.1636,
        0.1416, 0.1221, 0.1049, 0.0898, 0.0766, 0.0651, 0.0551, 0.0464, 0.0390, 0.0326, 0.0272
    ]

    /// The empirical dip-region (meson-exchange) term, purely transverse, added to W₁ (the 2009 fit).
    static func mesonExchange(A: Double, Q2: Double, W2: Double) -> Double {
        guard W2 > 0, A >= 2.5 else { return 0 }
        let P = correction, am = 0.9383
        let W = W2.squareRoot()
        let nu = (W2 - am * am + Q2) / (2 * am)
        let x = Q2 / (2 * am * nu)
        let p18: Double = A < 3.5 ? 70 : A < 4.5 ? 170 : A <= 20 ? 215 : A <= 50 ? 235 : 230
        let f1 =
            P[0] * exp(-(W - P[1]) * (W - P[1]) / P[2]) / pow(1 + max(0.3, Q2) / P[3], P[4]) * pow(nu, P[5])
            * (1 + p18 * pow(A, 1 + P[19] * x))
        return f1 <= 1e-9 ? 0 : f1
    }

    /// σ_A/σ_d, the EMC effect (S. Rock's fit to SLAC E139 and NMC data): C(x) A^α(x), with x held
    /// within 0.0085 … 0.70 (beyond 0.7 Fermi motion is in the smearing).
    static func emcRatio(x: Double, A: Double) -> Double {
        guard A >= 2.5 else { return 1 }
        let alphaCoefficients = [
            -6.98871401e-02, 2.18888887e+00, -2.46673765e+01, 1.45290967e+02, -4.97236711e+02, 1.01312929e+03, -1.20839250e+03,
            7.75766802e+02, -2.05872410e+02
        ]
        let cCoefficients = [1.69029097e-02, 1.80889367e-02, 5.04268396e-03]
        let xu = min(max(x, 0.0085), 0.70)
        let lnX = log(xu)
        let C = exp(cCoefficients[0] + cCoefficients[1] * lnX + cCoefficients[2] * lnX * lnX)
        var alpha = 0.0
        for (i, a) in alphaCoefficients.enumerated() { alpha += a * pow(xu, Double(i)) }
        return C * pow(A, alpha)
    }

    // MARK: Free nucleons (the fit's test table)

    /// F1 and F2 of the free proton (Z = 1) or neutron (Z = 0) at (Q², W²), zero below W² = 1.155 GeV²;
    /// the neutron's F1 is twice the average nucleon's minus the proton's, with the proton's R.
    static func freeNucleon(proton: Bool, Q2: Double, W2: Double) -> (F1: Double, F2: Double) {
        let M = protonMass
        guard W2 > 1.155 else { return (0, 0) }
        let nu = (W2 - M * M + Q2) / (2 * M)
        let p = ChristyBosted.proton(W2: W2, Q2: Q2)
        let F1 = proton ? p.F1 : 2 * ChristyBosted.averageNucleonF1(W2: W2, Q2: Q2) - p.F1
        let W1 = F1 / M
        return (F1, nu * W1 * (1 + p.R) / (1 + nu * nu / Q2))
    }
}
