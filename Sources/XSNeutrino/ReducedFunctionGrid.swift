import Foundation
import XSCore
import XSData
import XSModel

/// Why an electron model cannot give reduced functions (the caller names the file).
public enum ReducedFunctionError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case notAResponseModel
    case otherNucleus(model: String, asked: String)
    case fitUndefined(nucleus: String)

    public var description: String {
        switch self {
        case .notAResponseModel: "predicts σ directly; the neutrino route needs a response-head model (xsnet train --preset responses)"
        case .otherNucleus(let model, let asked): "is a model of \(model); no electron model of \(asked) is given"
        case .fitUndefined(let nucleus): "the Bosted–Mamyan fit covers nuclei with A > 2, not \(nucleus)"
        }
    }
    public var errorDescription: String? { description }
}

/// The reduced functions f_L(q, ω) and f_T(q, ω) of one nucleus on a regular (|q|, ω) grid, one
/// pair per member of the electron model (or one for the Fermi gas), with the single-nucleon
/// factors of the neutrino current beside them, so that a flux average over hundreds of thousands
/// of (E_ν, T_μ, cos θ_μ) points interpolates instead of re-evaluating networks and traces.
/// Bilinear interpolation; zero outside the grid and at time-like nodes (ω ≥ |q|).
public struct ReducedFunctionGrid: Sendable {
    public let momentumStep: Double
    public let energyStep: Double
    public let momentumCount: Int
    public let energyCount: Int
    /// [member][node] with node = iq · energyCount + iω.
    public let longitudinal: [[Double]]
    public let transverse: [[Double]]
    /// The reduced function of the axial channels: f_T without the meson-exchange part when the
    /// source asks for it (the transverse enhancement in the vector current only), else f_T.
    public let axial: [[Double]]
    /// The upper end in ψ′ of the quasielastic window the learned functions were tabulated with
    /// (nil for the Fermi gas, whose f vanishes beyond ψ = 1 by itself).
    public let quasielasticWindow: Double?
    /// The factor each member's cross section is moved away from the members' mean by
    /// (`ChargedCurrentModel.doubleDifferential`): the electron model's `bandFactor(of:)`, 1 for
    /// the Fermi gas and an uncalibrated electron model. The members' f stay their own.
    public let spreadFactor: Double

    public var members: Int { longitudinal.count }

    /// Where the reduced functions come from.
    public enum Source {
        /// The relativistic Fermi gas (`Superscaling.fermiGasReducedFunction`), one member.
        case fermiGas
        /// A response-head electron model: f = (R − R_π)/(Λ ΣU) per member, R_π the Bosted–Mamyan
        /// fit's pion-production responses when `removingPionProduction` (charged-current
        /// quasielastic-like: meson exchange stays in), floored at zero; and zero outside the
        /// quasielastic window ω > E_s, ψ′ ≤ `quasielasticWindow`. The axial channels' f_A keeps
        /// the fraction `axialMesonExchange` of the fit's meson-exchange part of R_T (1: all of it,
        /// as the vector channels; 0: the transverse enhancement in the vector current only).
        case electronModel(
            CrossSectionModel, removingPionProduction: Bool, axialMesonExchange: Double = 1,
            quasielasticWindow: Double = ReducedFunctionGrid.defaultQuasielasticWindow)
        /// The Bosted–Mamyan fit's responses of the scaling's nucleus, one member, through the same
        /// route as an electron model (`fitValues`): the reference the learned responses are
        /// compared with, carried to neutrinos.
        case bostedMamyan(
            removingPionProduction: Bool, axialMesonExchange: Double = 1, quasielasticWindow: Double = ReducedFunctionGrid.defaultQuasielasticWindow)
    }

    /// The name that stands for `Source.bostedMamyan` where an electron model file is asked for
    /// (the command line's `--model`, the C API's `electron_model`).
    public static let fitName = "bosted-mamyan"

    /// The default upper end in ψ′ of the quasielastic window of a learned reduced function.
    /// Beyond ψ′ ≈ 2 the electron responses are pion production and the tail of meson exchange,
    /// not single-nucleon knockout, and at ω → |q| (Q² → 0, where no electron data constrain the
    /// networks) the weak-to-electromagnetic ratio of the transverse factors grows as 1/Q² and
    /// would amplify whatever the networks extrapolate to. Where between ψ′ ≈ 1 (the Fermi gas'
    /// edge) and 2 single-nucleon knockout ends is not fixed by the electron data (the learned f_T
    /// stays flat there at |q| ≈ 0.4 GeV while f_L falls), so the window is an assumption whose
    /// effect `xsnet neutrino compare` reports as a named contribution (docs/neutrino.md).
    public static let defaultQuasielasticWindow = 2.0
    /// The windows a learned grid may take (ψ′).
    public static let allowedQuasielasticWindows = 0.5...3.0

    /// The grid's extent in |q| and ω (GeV), and so the highest neutrino energy predicted (a muon
    /// of E_ν ≤ 3 GeV transfers at most |q| ≤ 2E_ν, mostly far less; beyond the grid W is zero).
    public static let extent = 3.0
    /// The steps in |q| a grid may take (GeV; ω's is half of it).
    public static let allowedSteps = 0.005...0.1
    /// The axial masses the weak current may take (GeV).
    public static let allowedAxialMasses = 0.3...3.0

    public init(
        source: Source, scaling: Superscaling, maximumMomentum: Double = extent, maximumEnergyTransfer: Double = extent, step: Double = 0.01
    )
        throws
    {
        momentumStep = step
        energyStep = step / 2
        momentumCount = Int((maximumMomentum / momentumStep).rounded()) + 1
        energyCount = Int((maximumEnergyTransfer / energyStep).rounded()) + 1
        var nodes: [(index: Int, q: Double, omega: Double)] = []
        for iq in 1..<momentumCount {
            for iw in 1..<energyCount {
                let q = Double(iq) * momentumStep, w = Double(iw) * energyStep
                if w < q { nodes.append((iq * energyCount + iw, q, w)) }
            }
        }
        let size = momentumCount * energyCount
        switch source {
        case .fermiGas:
            var f = [Double](repeating: 0, count: size)
            for n in nodes { f[n.index] = scaling.fermiGasReducedFunction(q: n.q, omega: n.omega) }
            longitudinal = [f]
            transverse = [f]
            axial = [f]
            quasielasticWindow = nil
            spreadFactor = 1
        case .electronModel(let model, let removingPionProduction, let axialMesonExchange, let window):
            quasielasticWindow = window
            spreadFactor = Self.bandFactor(of: model)
            (longitudinal, transverse, axial) = Self.tabulated(
                try Self.learnedValues(
                    model: model, scaling: scaling, at: nodes.map { ($0.q, $0.omega) }, removingPionProduction: removingPionProduction,
                    axialMesonExchange: axialMesonExchange, quasielasticWindow: window),
                at: nodes.map(\.index), size: size)
        case .bostedMamyan(let removingPionProduction, let axialMesonExchange, let window):
            quasielasticWindow = window
            spreadFactor = 1
            (longitudinal, transverse, axial) = Self.tabulated(
                try Self.fitValues(
                    scaling: scaling, at: nodes.map { ($0.q, $0.omega) }, removingPionProduction: removingPionProduction,
                    axialMesonExchange: axialMesonExchange, quasielasticWindow: window),
                at: nodes.map(\.index), size: size)
        }
    }

    /// Each member's values laid out on the grid's nodes (zero at the others).
    private static func tabulated(_ values: [[(L: Double, T: Double, A: Double)]], at nodes: [Int], size: Int) -> (
        [[Double]], [[Double]], [[Double]]
    ) {
        var fL: [[Double]] = [], fT: [[Double]] = [], fA: [[Double]] = []
        for member in values {
            var l = [Double](repeating: 0, count: size), t = l, a = l
            for (node, f) in zip(nodes, member) {
                l[node] = f.L
                t[node] = f.T
                a[node] = f.A
            }
            fL.append(l)
            fT.append(t)
            fA.append(a)
        }
        return (fL, fT, fA)
    }

    private init(like grid: ReducedFunctionGrid, longitudinal: [[Double]], transverse: [[Double]], axial: [[Double]], quasielasticWindow: Double?) {
        momentumStep = grid.momentumStep
        energyStep = grid.energyStep
        momentumCount = grid.momentumCount
        energyCount = grid.energyCount
        self.longitudinal = longitudinal
        self.transverse = transverse
        self.axial = axial
        self.quasielasticWindow = quasielasticWindow
        spreadFactor = grid.spreadFactor
    }

    /// The learned grid with a narrower quasielastic window: every node beyond ψ′ = `window` set
    /// to zero. The values inside a window do not depend on where it ends, so this is the grid
    /// tabulated with `window`, without evaluating the networks again.
    public func restricted(toWindow window: Double, scaling: Superscaling) -> ReducedFunctionGrid {
        guard let tabulated = quasielasticWindow else { return self }
        precondition(window <= tabulated, "a window can only be narrowed")
        let gas = scaling.fermiGas
        var outside: [Int] = []
        for iq in 0..<momentumCount {
            for iw in 0..<energyCount {
                let q = Double(iq) * momentumStep, w = Double(iw) * energyStep
                if let point = Self.electronKinematics(q: q, omega: w), point.psiPrime(gas) > window { outside.append(iq * energyCount + iw) }
            }
        }
        func masked(_ f: [[Double]]) -> [[Double]] {
            f.map { member in
                var m = member
                for node in outside { m[node] = 0 }
                return m
            }
        }
        return ReducedFunctionGrid(
            like: self, longitudinal: masked(longitudinal), transverse: masked(transverse), axial: masked(axial), quasielasticWindow: window)
    }

    /// One member, the members' mean. The cross section is linear in f, so anything folded with
    /// it is the mean of the members' folds, at the cost of one member.
    public func memberMean() -> ReducedFunctionGrid {
        func mean(_ f: [[Double]]) -> [[Double]] { [FluxFoldedPrediction.memberMean(f)] }
        return ReducedFunctionGrid(
            like: self, longitudinal: mean(longitudinal), transverse: mean(transverse), axial: mean(axial), quasielasticWindow: quasielasticWindow)
    }

    /// An electron kinematics with momentum and energy transfer (|q|, ω): E = |q| + ω, E′ = |q|,
    /// cos θ = (|q| + ω)/(2|q|) (the responses depend on (|q|, ω) alone); nil where ω ≥ |q|.
    public static func electronKinematics(q: Double, omega: Double) -> Kinematics? {
        guard omega < q, omega > 0 else { return nil }
        let c = min(1, (q + omega) / (2 * q))
        return Kinematics(beamEnergy: q + omega, angleDegrees: acos(c) * 180 / .pi, energyTransfer: omega)
    }

    /// Each member's (f_L, f_T, f_A) at space-like (|q|, ω) points from a response-head electron
    /// model of the scaling's nucleus (`Source.electronModel`; `reducedValues`). Members outer, points inner.
    public static func learnedValues(
        model: CrossSectionModel, scaling: Superscaling, at points: [(q: Double, omega: Double)], removingPionProduction: Bool,
        axialMesonExchange: Double = 1, quasielasticWindow: Double = defaultQuasielasticWindow
    ) throws -> [[(L: Double, T: Double, A: Double)]] {
        guard model.info.output.outputCount == 2 else { throw ReducedFunctionError.notAResponseModel }
        guard model.info.nucleus == scaling.nucleus.name else {
            throw ReducedFunctionError.otherNucleus(model: model.info.nucleus, asked: scaling.nucleus.name)
        }
        return try reducedValues(
            scaling: scaling, at: points, removingPionProduction: removingPionProduction, axialMesonExchange: axialMesonExchange,
            quasielasticWindow: quasielasticWindow, responses: model.memberResponses)
    }

    /// (f_L, f_T, f_A) at space-like (|q|, ω) points from the Bosted–Mamyan fit's responses of the
    /// scaling's nucleus (`reducedValues`; zero where the fit is not defined), one member; a nucleus
    /// with A ≤ 2, which the fit does not cover, is refused.
    public static func fitValues(
        scaling: Superscaling, at points: [(q: Double, omega: Double)], removingPionProduction: Bool, axialMesonExchange: Double = 1,
        quasielasticWindow: Double = defaultQuasielasticWindow
    ) throws -> [[(L: Double, T: Double, A: Double)]] {
        let fit = BostedMamyan(), nucleus = scaling.nucleus
        guard fit.covers(nucleus) else { throw ReducedFunctionError.fitUndefined(nucleus: nucleus.name) }
        return reducedValues(
            scaling: scaling, at: points, removingPionProduction: removingPionProduction, axialMesonExchange: axialMesonExchange,
            quasielasticWindow: quasielasticWindow
        ) { ks in [ks.map { fit.responses($0, nucleus: nucleus) ?? (0, 0) }] }
    }

    /// The factor a neutrino band takes from the electron model: its calibration's factor away from
    /// the measured settings (`UncertaintyCalibration.awayFromMeasuredSettings`; for an any-target
    /// model bound to a nucleus it was not trained on, the unseen nucleus's). The calibration is
    /// fitted to electron σ at held-out points; no electron was measured at a neutrino's
    /// kinematics, and the reduced functions at a (|q|, ω) node serve every angle that reaches it,
    /// so the factor for points between the measured settings is the one that applies. 1 without
    /// a calibration.
    public static func bandFactor(of model: CrossSectionModel) -> Double {
        model.info.calibration?.awayFromMeasuredSettings ?? 1
    }

    /// (f_L, f_T, f_A) at space-like (|q|, ω) points from electromagnetic responses, one set per
    /// member (`responses` gives R_L, R_T at electron kinematics, members outer): f = (R − R_π)/(Λ ΣU),
    /// floored at zero, and zero outside the quasielastic window ω > E_s, ψ′ ≤
    /// `quasielasticWindow` or where the single-nucleon factors vanish; f_A = (R_T − R_π −
    /// (1 − `axialMesonExchange`) R_MEC)/(Λ ΣU_T) with R_MEC the fit's meson-exchange part of R_T.
    /// Members outer, points inner.
    public static func reducedValues(
        scaling: Superscaling, at points: [(q: Double, omega: Double)], removingPionProduction: Bool, axialMesonExchange: Double = 1,
        quasielasticWindow: Double = defaultQuasielasticWindow,
        responses: ([Kinematics]) throws -> [[(longitudinal: Double, transverse: Double)]]
    ) rethrows -> [[(L: Double, T: Double, A: Double)]] {
        // Only the points inside the quasielastic window are evaluated.
        let gas = scaling.fermiGas
        let inside = points.indices.compactMap { i -> (index: Int, q: Double, omega: Double, point: Kinematics)? in
            let (q, w) = points[i]
            guard let point = electronKinematics(q: q, omega: w), w > gas.energyShift, point.psiPrime(gas) <= quasielasticWindow else {
                return nil
            }
            return (i, q, w, point)
        }
        let members = try responses(inside.map(\.point))
        let reference = BostedMamyan()
        let perPoint = parallelMap(inside.count) { i -> (pion: (Double, Double), mec: Double, divisor: (L: Double, T: Double)?) in
            let n = inside[i]
            let pion = removingPionProduction ? (reference.pionProductionResponses(n.point, nucleus: scaling.nucleus) ?? (0, 0)) : (0, 0)
            let removed = 1 - axialMesonExchange
            let mec = removed == 0 ? 0 : removed * (reference.mesonExchangeTransverseResponse(n.point, nucleus: scaling.nucleus) ?? 0)
            return (pion, mec, scaling.electromagneticDivisors(q: n.q, omega: n.omega))
        }
        return members.map { responses in
            var out = [(L: Double, T: Double, A: Double)](repeating: (0, 0, 0), count: points.count)
            for (i, n) in inside.enumerated() {
                guard let d = perPoint[i].divisor else { continue }
                out[n.index] = (
                    max(0, responses[i].longitudinal - perPoint[i].pion.0) / d.L, max(0, responses[i].transverse - perPoint[i].pion.1) / d.T,
                    max(0, responses[i].transverse - perPoint[i].pion.1 - perPoint[i].mec) / d.T
                )
            }
            return out
        }
    }

    /// The grid cell around a point and the point's place in it, for bilinear interpolation of
    /// anything tabulated on the grid's nodes.
    public struct Cell {
        /// The cell's lower node (iq · energyCount + iω) and the one above it in |q|.
        let lower: Int
        let upper: Int
        /// The point's fractions of the cell in |q| and in ω.
        let a: Double
        let b: Double

        /// f at the point, for f holding `stride` values per node (component `offset` of them).
        public func interpolate(_ f: [Double], stride: Int = 1, offset: Int = 0) -> Double {
            func at(_ node: Int) -> Double { f[node * stride + offset] }
            return (1 - a) * ((1 - b) * at(lower) + b * at(lower + 1)) + a * ((1 - b) * at(upper) + b * at(upper + 1))
        }
    }

    /// The cell of (q, ω); nil outside the grid.
    public func cell(q: Double, omega: Double) -> Cell? {
        let x = q / momentumStep, y = omega / energyStep
        guard x >= 0, y >= 0, x < Double(momentumCount - 1), y < Double(energyCount - 1) else { return nil }
        let i = Int(x), j = Int(y)
        let lower = i * energyCount + j
        return Cell(lower: lower, upper: lower + energyCount, a: x - Double(i), b: y - Double(j))
    }

    /// (f_L, f_T, f_A) of member m in a cell.
    public func value(member m: Int, in cell: Cell) -> (L: Double, T: Double, A: Double) {
        (cell.interpolate(longitudinal[m]), cell.interpolate(transverse[m]), cell.interpolate(axial[m]))
    }
}
