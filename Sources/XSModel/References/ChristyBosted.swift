import Foundation

/// The Christy–Bosted fits of the free-nucleon resonance region, as used by the Bosted–Mamyan
/// nuclear fit: the proton's transverse and longitudinal virtual-photon cross sections
/// (M. E. Christy and P. E. Bosted, PRC 81, 055213 (2010), arXiv:0712.3731) and the average of
/// proton and neutron F1 from the deuteron fit (P. E. Bosted and M. E. Christy, PRC 77, 065206
/// (2008), arXiv:0711.0159). Parameter values are those of the published fit (the F1F209
/// package, JeffersonLab/simc_gfortran), quoted here as numbers.
///
/// Each virtual-photon cross section is a sum of seven relativistic Breit–Wigner resonances with
/// energy-dependent widths and Q²-dependent heights, and a smooth non-resonant background above
/// the pion threshold:
///
///     σ(W, Q²) = W Σ_i A_i(Q²)² BW_i(W) + σ_NR(W, Q²),
///     BW_i = (k_r/k)(k*_r/k*) Γ_i Γ_γ,i / ((W² − M_i²)² + M_i² Γ_i²) / Γ_i⁰,
///
/// with k, k* the photon's equivalent energy in the lab and the centre of mass, Γ_i the sum of the
/// one-pion, two-pion and η decay widths (branching ratios fixed), each with its threshold
/// behaviour ((p/p_r)^(2L+1) and a damping factor with X_i), and Γ_γ,i the photon width.
/// F1 = σ_T (W² − M²)/(8π² α) in units where σ is in μb (the factor 0.3894 mb GeV²).
enum ChristyBosted {
    static let protonMass = 0.9382727
    static let pionMass = 0.135
    static let etaMass = 0.547
    static let alpha = 1 / 137.036

    /// The proton fit's 100 parameters: 1–50 for σ_T, 51–100 for σ_L (masses and widths shared).
    static let protonParameters: [Double] = [
        0.12298E+01, 0.15304E+01, 0.15057E+01, 0.16980E+01, 0.16650E+01, 0.14333E+01, 0.13573E+00, 0.22000E+00, 0.82956E-01, 0.95782E-01,
        0.10936E+00, 0.37944E+00, 0.77805E+01, 0.42291E+01, 0.12598E+01, 0.21242E+01, 0.63351E+01, 0.68232E+04, 0.33521E+05, 0.25686E+01,
        0.60347E+00, 0.21240E+02, 0.55746E-01, 0.24886E+01, 0.23305E+01, -0.28789E+00, 0.18607E+00, 0.63534E-01, 0.19790E+01, -0.56175E+00,
        0.38964E+00, 0.54883E+00, 0.22506E-01, 0.46213E+03, 0.19221E+00, 0.19141E+01, 0.24606E+03, 0.67469E-01, 0.13501E+01, 0.12054E+00,
        -0.89360E+02, 0.20977E+00, 0.15715E+01, 0.90736E-01, -0.38495E-02, 0.10362E-01, 0.19341E+01, 0.38000E+00, 0.34187E+01, 0.14462E+00,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0.29414E+02, 0.19910E+02, 0.22587E+00, 0, 0, 0.38565E+04, 0.65717E+00, 0,
        0.15792E+03, 0.97046E+02, 0.31042E+00, 0, 0.42160E+01, 0.38200E-01, 0.12182E+01, 0, 0.13764E+02, 0.31393E+00,
        0.29997E+01, 0, 0.55124E+01, 0.53743E-01, 0.13091E+01, 0, 0.86746E+02, 0.40864E-04, 0.40294E+01, 0.31285E+01,
        0.33403E+00, 0.49623E+01, 0, 0, 0.11000E+02, 0.18951E+01, 0.51376E+00, 0, 0.42802E+01, 0
    ]

    /// The deuteron fit's 50 parameters (average nucleon F1; 13–36 resonance heights, 37–46
    /// background, 49 the fourth resonance region).
    static let deuteronParameters: [Double] = [
        0.1964E+01, 0.1086E+01, 0.5313E-02, 0.1265E+01, 0.8000E+01, 0.2979E+00, 0.1354E+00, 0.2200E+00, 0.8296E-01, 0.9578E-01,
        0.1094E+00, 0.3794E+00, 0.8122E+01, 0.5189E+01, 0.3290E+01, 0.1870E+01, 0.6110E+01, -0.3464E+02, 0.9000E+03, 0.1717E+01,
        0.4335E-01, 0.1915E+03, 0.2232E+00, 0.2119E+01, 0.2088E+01, -0.3029E+00, 0.2012E+00, 0.1104E-02, 0.2276E-01, -0.4562E+00,
        0.2397E+00, 0.1204E+01, 0.2321E-01, 0.5419E+03, 0.2247E+00, 0.2168E+01, 0.2266E+03, 0.7649E-01, 0.1457E+01, 0.1318E+00,
        -0.7534E+02, 0.1776E+00, 0.1636E+01, 0.1350E+00, -0.5596E-02, 0.5883E-02, 0.1934E+01, 0.3800E+00, 0.3319E+01, 0.1446E+00
    ]

    /// Masses and widths (GeV) of the six resonances of the deuteron fit (P33(1232), S11(1535),
    /// D13(1520), F15(1680), S11(1650), P11(1440)); its seventh is at 1.9341 GeV, 0.380 GeV wide.
    static let deuteronMassesAndWidths: [Double] = [
        1.2298, 1.5304, 1.5057, 1.6980, 1.6650, 1.4333, 0.13573, 0.22000, 0.082956, 0.095782, 0.10936, 0.37944
    ]

    /// Meson orbital angular momentum L of each resonance.
    static let angularMomentum: [Double] = [1, 0, 2, 3, 0, 1, 3]

    /// Centre-of-mass momentum of a particle of mass m recoiling against the proton at invariant mass W.
    static func momentum(W: Double, mass m: Double) -> Double {
        let e = (W * W + m * m - protonMass * protonMass) / (2 * W)
        return max(0, e * e - m * m).squareRoot()
    }

    /// One decay channel's width: Γ⁰ (p/p_r)^(power) ((p_r² + X²)/(p² + X²))^(damping).
    static func channelWidth(_ width: Double, p: Double, pr: Double, x0: Double, power: Double, damping: Double) -> Double {
        width * pow(p / pr, power) * pow((pr * pr + x0 * x0) / (p * p + x0 * x0), damping)
    }

    /// The resonance's Breit–Wigner factor BW_i at W (without its height), given its total width.
    static func breitWigner(W: Double, mass: Double, width0: Double, totalWidth: Double, x0: Double) -> Double {
        let mp2 = protonMass * protonMass, W2 = W * W
        let k = (W2 - mp2) / (2 * protonMass), kcm = (W2 - mp2) / (2 * W)
        let kr = (mass * mass - mp2) / (2 * protonMass), kcmr = (mass * mass - mp2) / (2 * mass)
        let photonWidth = width0 * (kcm / kcmr) * (kcm / kcmr) * (kcmr * kcmr + x0 * x0) / (kcm * kcm + x0 * x0)
        let bw = totalWidth * photonWidth / ((W2 - mass * mass) * (W2 - mass * mass) + (mass * totalWidth) * (mass * totalWidth))
        return kr / k * kcmr / kcm * bw / width0
    }

    /// Total width of resonance i with single-pion, two-pion and η branching ratios (the two-pion
    /// width with the power 2L + 4 and damping L + 2 of both fits).
    static func totalWidth(W: Double, mass: Double, width0: Double, L: Double, x0: Double, singlePion: Double, eta: Double) -> Double {
        let p1 = momentum(W: W, mass: pionMass), p1r = momentum(W: mass, mass: pionMass)
        let p2 = momentum(W: W, mass: 2 * pionMass), p2r = momentum(W: mass, mass: 2 * pionMass)
        let one = channelWidth(width0, p: p1, pr: p1r, x0: x0, power: 2 * L + 1, damping: L)
        let two = W / mass * channelWidth(width0, p: p2, pr: p2r, x0: x0, power: 2 * L + 4, damping: L + 2)
        var etaWidth = 0.0
        if eta > 0 {
            let pe = momentum(W: W, mass: etaMass), per = momentum(W: mass, mass: etaMass)
            etaWidth = channelWidth(width0, p: pe, pr: per, x0: x0, power: 2 * L + 1, damping: L)
        }
        return singlePion * one + (1 - singlePion - eta) * two + eta * etaWidth
    }

    /// A resonance's transverse height at Q² from its four coefficients (both fits' form).
    static func transverseHeight(_ c: [Double], Q2: Double) -> Double {
        c[0] * (1 + c[1] * Q2 / (1 + c[2] * Q2)) / pow(1 + Q2 / 0.91, c[3])
    }

    /// The transverse non-resonant background (μb) of both fits, from their parameters 37–46:
    /// Σ_{i=1,2} c_i1 (W − M − m_π)^{(2i+1)/2} / (Q² + c_i2)^{c_i3 + c_i4 Q² + x_{44+i} Q⁴}, times
    /// 1/(1 + (W² − (M + m_π)²)/(Q² + 0.05)).
    static func transverseBackground(_ x: (Int) -> Double, W2: Double, Q2: Double) -> Double {
        let threshold = protonMass + pionMass
        var sum = 0.0
        for i in 1...2 {
            let c = (0..<4).map { x(37 + 4 * (i - 1) + $0) }
            sum += c[0] * pow(W2.squareRoot() - threshold, Double(2 * i + 1) / 2) / pow(Q2 + c[1], c[2] + c[3] * Q2 + x(44 + i) * Q2 * Q2)
        }
        return sum / (1 + (W2 - threshold * threshold) / (Q2 + 0.05))
    }

    /// The proton's σ_T (`transverse`) or σ_L virtual-photon cross section (μb) at (W², Q²).
    static func protonCrossSection(transverse: Bool, W2: Double, Q2: Double) -> Double {
        let all = protonParameters
        // σ_L shares the masses and widths (1–12), the fourth region's mass and width (47, 48 → 43, 44) and X of the Δ (50).
        var xval = transverse ? Array(all[0..<50]) : Array(all[50..<100])
        if !transverse {
            for i in 0..<12 { xval[i] = all[i] }
            xval[42] = all[46]
            xval[43] = all[47]
            xval[49] = all[49]
        }
        func x(_ i: Int) -> Double { xval[i - 1] }  // the fit's 1-based parameter numbers
        let mp = protonMass, mpi = pionMass
        let W = W2.squareRoot()
        let singlePion: [Double] = [1.0, 0.45, 0.65, 0.65, 0.4, 0.65, 0.50]
        let etaBranching: [Double] = [0, 0.45, 0, 0, 0.1, 0, 0]
        var x0 = [Double](repeating: 0.215, count: 7)
        x0[0] = x(50)
        let q20 = transverse ? 0.05 : 0.125
        var masses = (1...6).map { x($0) }, widths = (7...12).map { x($0) }
        masses.append(transverse ? x(47) : x(43))
        widths.append(transverse ? x(48) : x(44))
        var sigmaResonant = 0.0
        for i in 0..<7 {
            let height: Double
            if i < 6 {
                let c = (0..<4).map { x(13 + 4 * i + $0) }
                height = transverse ? transverseHeight(c, Q2: Q2) : c[0] * Q2 / (1 + c[1] * Q2) * exp(-c[2] * Q2)
            } else {
                height = transverse ? x(49) / (1 + Q2 / 0.91) : x(45) * Q2 / (1 + x(46) * Q2) * exp(-x(47) * Q2)
            }
            let L = angularMomentum[i]
            let gamma = totalWidth(W: W, mass: masses[i], width0: widths[i], L: L, x0: x0[i], singlePion: singlePion[i], eta: etaBranching[i])
            sigmaResonant += height * height * breitWigner(W: W, mass: masses[i], width0: widths[i], totalWidth: gamma, x0: x0[i])
        }
        sigmaResonant *= W
        // Non-resonant background (parameters 37–48 after the 24 height coefficients).
        guard !transverse else { return sigmaResonant + transverseBackground(x, W2: W2, Q2: Q2) }
        let xpr = 1 / (1 + (W2 - (mp + mpi) * (mp + mpi)) / (Q2 + q20))
        let m0 = x(49)
        let t = log(log((Q2 + m0) / (0.330 * 0.330)) / log(m0 / (0.330 * 0.330)))
        let xb = Q2 / (Q2 + W2 - mp * mp)
        let c = (0..<4).map { x(37 + $0) }
        return sigmaResonant + c[0] * pow(1 - xpr, c[2] + c[1] * t) / (1 - xb) / (Q2 + q20) * pow(Q2 / (Q2 + q20), c[3])
            * pow(xpr, x(41) + x(42) * t)
    }

    /// F1 from a transverse cross section in μb: σ_T (W² − M²)/(8π² α · 0.3894 × 10³).
    static func structureFunction(sigmaT: Double, W2: Double) -> Double {
        sigmaT * (W2 - protonMass * protonMass) / (8 * Double.pi * Double.pi * alpha * 0.3894e3)
    }

    /// The free proton: F1 and R = σ_L/σ_T, and the two cross sections (μb); zero below W² = 1.155 GeV².
    static func proton(W2: Double, Q2: Double) -> (F1: Double, R: Double, sigmaT: Double, sigmaL: Double) {
        let sigmaT = protonCrossSection(transverse: true, W2: W2, Q2: Q2)
        let sigmaL = protonCrossSection(transverse: false, W2: W2, Q2: Q2)
        return (structureFunction(sigmaT: sigmaT, W2: W2), sigmaL / sigmaT, sigmaT, sigmaL)
    }

    /// F1 of the average free nucleon (½(p + n)) from the deuteron fit, at (W², Q²) with
    /// 1.07327² < W² < 25 GeV² and 0 ≤ Q² < 11 GeV² (0 outside). Its resonance terms are taken at
    /// the centre of W's 1-MeV bin, as the published fit tabulates them.
    static func averageNucleonF1(W2: Double, Q2: Double) -> Double {
        guard W2 >= 1.07327 * 1.07327, W2 <= 25, Q2 >= 0, Q2 <= 11 else { return 0 }
        let xval = deuteronParameters
        func x(_ i: Int) -> Double { xval[i - 1] }
        let W = W2.squareRoot()
        let binCentre = 0.001 * ((1000 * W).rounded(.down) + 0.5)
        // The S11(1535) decays to one pion or an η in this fit (no two-pion channel).
        let singlePion: [Double] = [1.0, 0.5, 0.65, 0.65, 0.4, 0.65, 0.6]
        let etaBranching: [Double] = [0, 0.5, 0, 0, 0, 0, 0]
        var x0 = [Double](repeating: 0.215, count: 7)
        x0[0] = 0.1446
        let masses = Array(deuteronMassesAndWidths[0..<6]) + [1.9341]
        let widths = Array(deuteronMassesAndWidths[6..<12]) + [0.380]
        let dip = 1 / ((1 + Q2 / 0.91) * (1 + Q2 / 0.91))
        var sigmaResonant = 0.0
        for i in 0..<7 {
            let height: Double
            if i < 6 {
                height = transverseHeight((0..<4).map { x(13 + 4 * i + $0) }, Q2: Q2)
            } else {
                height = x(49) * dip
            }
            let gamma = totalWidth(
                W: binCentre, mass: masses[i], width0: widths[i], L: angularMomentum[i], x0: x0[i], singlePion: singlePion[i],
                eta: etaBranching[i])
            sigmaResonant += height * height * breitWigner(W: binCentre, mass: masses[i], width0: widths[i], totalWidth: gamma, x0: x0[i])
        }
        sigmaResonant *= W
        return structureFunction(sigmaT: sigmaResonant + transverseBackground(x, W2: W2, Q2: Q2), W2: W2)
    }
}
