import Foundation
import XSCore

/// Charged-current models folded with the MiniBooNE ν_μ flux into the quantities the experiment
/// published: the double-differential table's bins, dσ/dQ²_QE, and the flux-integrated cross
/// section, per neutron, for every member of every model.
///
/// The fold is a midpoint sum over cells of ΔT_μ = Δcos θ_μ = `cell` (default 0.01: 10 per table
/// bin; 0.1 must be a whole number of cells, so that cells never straddle a bin edge) at each flux
/// bin's centre energy. Flux bins above
/// `maximumEnergy` are left out and their share of the flux is reported (`fluxFractionLeftOut`):
/// the reduced-function grid ends at |q| = 3 GeV.
public struct FluxFoldedPrediction: Sendable {
    /// [member][bin of `data.ccqe`] (cm²/GeV per neutron).
    public var doubleDifferential: [[Double]]
    /// [member][Q² bin] (cm²/GeV² per neutron).
    public var q2: [[Double]]
    /// [member]: σ integrated over all muon kinematics (cm² per neutron).
    public var total: [Double]
    /// [member]: σ over the table's measured bins only (T_μ ≥ 0.2 GeV) (cm² per neutron).
    public var measuredRegion: [Double]

    public var members: Int { total.count }

    /// The mean over the members of each column of `rows` ([member][column]), and the members'
    /// sample standard deviation.
    public static func memberMean(_ rows: [[Double]]) -> [Double] {
        rows[0].indices.map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
    }

    public static func memberSpread(_ rows: [[Double]]) -> [Double] {
        rows[0].indices.map { j in sampleStandardDeviation(rows.map { $0[j] }) }
    }
}

public enum MiniBooNEFold {
    public static let maximumEnergy = ReducedFunctionGrid.extent
    public static let defaultCell = 0.01

    /// Whether `cell` divides the table's 0.1 bins into whole cells.
    public static func isValidCell(_ cell: Double) -> Bool {
        let n = 0.1 / cell
        return cell > 0 && cell <= 0.1 && abs(n - n.rounded()) < 1e-9
    }

    /// The flux share above `maximumEnergy`.
    public static func fluxFractionLeftOut(_ data: MiniBooNECCQE) -> Double {
        let all = data.flux.reduce(0) { $0 + $1.flux }
        return data.flux.filter { $0.energyLow >= maximumEnergy - 1e-9 }.reduce(0) { $0 + $1.flux } / all
    }

    /// Folds every model in one pass over the muon kinematics (the lepton tensor is computed once
    /// per point and shared by the models). Deterministic: each flux bin is summed on its own.
    public static func fold(_ models: [ChargedCurrentModel], data: MiniBooNECCQE, cell: Double = defaultCell) -> [FluxFoldedPrediction] {
        precondition(isValidCell(cell), "the cell must divide 0.1")
        precondition(models.allSatisfy { $0.probe == .numu }, "the MiniBooNE flux is of ν_μ")
        let totalFlux = data.flux.reduce(0) { $0 + $1.flux }
        let bins = data.flux.filter { $0.energyHigh <= maximumEnergy + 1e-9 }
        let binIndex = Dictionary(
            uniqueKeysWithValues: data.ccqe.enumerated().map { i, b in
                (tableKey(cos: 0.5 * (b.cosThetaLow + b.cosThetaHigh), kinetic: 0.5 * (b.kineticLow + b.kineticHigh)), i)
            })
        let q2Edges = data.q2.map(\.low) + [data.q2.last?.high ?? 0]
        let nd = data.ccqe.count, nq = data.q2.count
        // Per flux bin: per model, per member, [table bins…, Q² bins…, total, measured region].
        let width = nd + nq + 2
        let partials = parallelMap(bins.count) { b -> [[[Double]]] in
            let bin = bins[b]
            let E = 0.5 * (bin.energyLow + bin.energyHigh), weight = bin.flux / totalFlux
            var sums = models.map { [[Double]](repeating: [Double](repeating: 0, count: width), count: $0.reduced.members) }
            let m = WeakConstants.muonMass
            let area = cell * cell
            var it = 0
            while (Double(it) + 0.5) * cell + m < E {
                let T = (Double(it) + 0.5) * cell
                it += 1
                for ic in 0..<Int((2 / cell).rounded()) {
                    let c = -1 + (Double(ic) + 0.5) * cell
                    guard let k = LeptonKinematics(energy: E, outgoingEnergy: T + m, cosTheta: c, outgoingMass: m) else { continue }
                    let lepton = LeptonFactors(probe: .numu, kinematics: k)
                    let table = T >= 0.2 && T < 2.0 ? binIndex[tableKey(cos: c, kinetic: T)] : nil
                    let Q2 = MiniBooNECCQE.reconstructedQ2(muonKineticEnergy: T, cosTheta: c)
                    let q2Bin = q2Edges.count > 1 && Q2 >= q2Edges[0] && Q2 < q2Edges[q2Edges.count - 1] ? q2Edges.lastIndex { $0 <= Q2 } : nil
                    for (mi, model) in models.enumerated() {
                        let scale = 2 * Double.pi / Double(model.targetNucleons) * weight * area
                        for (member, sigma) in model.doubleDifferential(k, lepton: lepton).enumerated() where sigma != 0 {
                            let value = scale * sigma
                            if let table { sums[mi][member][table] += value }
                            if let q2Bin { sums[mi][member][nd + q2Bin] += value }
                            sums[mi][member][nd + nq] += value
                            if table != nil { sums[mi][member][nd + nq + 1] += value }
                        }
                    }
                }
            }
            return sums
        }
        return models.indices.map { mi in
            let members = models[mi].reduced.members
            var summed = [[Double]](repeating: [Double](repeating: 0, count: width), count: members)
            for p in partials {
                for member in 0..<members {
                    for j in 0..<width { summed[member][j] += p[mi][member][j] }
                }
            }
            return FluxFoldedPrediction(
                doubleDifferential: summed.map { s in data.ccqe.indices.map { s[$0] / ((data.ccqe[$0].kineticHigh - data.ccqe[$0].kineticLow) * 0.1) }
                },
                q2: summed.map { s in data.q2.indices.map { s[nd + $0] / (data.q2[$0].high - data.q2[$0].low) } },
                total: summed.map { $0[nd + nq] }, measuredRegion: summed.map { $0[nd + nq + 1] })
        }
    }

    /// The table bin of a point: 0.1 × 0.1 bins from cos θ = −1 and T = 0.2 GeV.
    static func tableKey(cos c: Double, kinetic T: Double) -> Int {
        let row = Int(((c + 1) / 0.1).rounded(.down)), column = Int(((T - 0.2) / 0.1).rounded(.down))
        return row * 100 + column
    }
}

/// The scores of one model against the release (JSON field names as scripts use them).
public struct MiniBooNEScores: Codable, Equatable, Sendable {
    /// Flux-integrated σ per neutron over all muon kinematics (cm²), and its spread over members.
    public var flux_integrated_cm2: Double
    public var flux_integrated_spread_cm2: Double
    /// σ over the table's measured bins (cm²), to compare with the table's own sum.
    public var measured_region_cm2: Double
    /// dσ/dQ²_QE: the normalization s that fits the data best and χ²/N of the shape (s free).
    public var q2_shape_chi2_per_bin: Double
    public var q2_normalization: Double
    /// Median |pred/data − 1| over the table's bins above 10% of its maximum.
    public var double_differential_median_rel_dev: Double
    public var double_differential_bins: Int

    public init(prediction: FluxFoldedPrediction, data: MiniBooNECCQE) {
        flux_integrated_cm2 = prediction.total.reduce(0, +) / Double(prediction.members)
        flux_integrated_spread_cm2 = sampleStandardDeviation(prediction.total)
        measured_region_cm2 = prediction.measuredRegion.reduce(0, +) / Double(prediction.members)
        let q2 = FluxFoldedPrediction.memberMean(prediction.q2)
        let used = data.q2.indices.filter { data.q2[$0].shapeError > 0 }
        var dm = 0.0, mm = 0.0
        for i in used {
            let e2 = data.q2[i].shapeError * data.q2[i].shapeError
            dm += data.q2[i].value * q2[i] / e2
            mm += q2[i] * q2[i] / e2
        }
        let s = mm > 0 ? dm / mm : 0
        q2_normalization = s
        q2_shape_chi2_per_bin =
            used.reduce(0) { sum, i in
                let r = (data.q2[i].value - s * q2[i]) / data.q2[i].shapeError
                return sum + r * r
            } / Double(max(used.count, 1))
        let table = FluxFoldedPrediction.memberMean(prediction.doubleDifferential)
        let peak = data.ccqe.map(\.value).max() ?? 0
        let kept = data.ccqe.indices.filter { data.ccqe[$0].value > 0.1 * peak }
        double_differential_bins = kept.count
        double_differential_median_rel_dev = median(kept.map { abs(table[$0] / data.ccqe[$0].value - 1) })
    }
}

public func sampleStandardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let m = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
}

/// The comparison bin by bin, for a user's own plots and fits: one CSV row per bin of the
/// double-differential table (`table` = `d2sigma_dTdcos`, cm²/GeV per neutron) and of dσ/dQ²_QE
/// (`dsigma_dQ2`, cm²/GeV² per neutron, with the data's shape error), the data beside each model's
/// members' mean (xsnet with its band, the Fermi gases); fields that do not apply are empty.
public enum MiniBooNEBins {
    public static let header =
        "table,cos_theta_low,cos_theta_high,T_mu_low_GeV,T_mu_high_GeV,Q2_low_GeV2,Q2_high_GeV2,data,data_shape_error,xsnet,xsnet_std,rfg_ma_1.03,rfg_ma_1.35"

    public static func csv(data: MiniBooNECCQE, xsnet: FluxFoldedPrediction, fermiGas: [FluxFoldedPrediction]) -> String {
        precondition(fermiGas.count == 2, "the two Fermi gases, M_A = 1.03 and 1.35 GeV")
        let table = (FluxFoldedPrediction.memberMean(xsnet.doubleDifferential), FluxFoldedPrediction.memberSpread(xsnet.doubleDifferential))
        let q2 = (FluxFoldedPrediction.memberMean(xsnet.q2), FluxFoldedPrediction.memberSpread(xsnet.q2))
        let gasTables = fermiGas.map { FluxFoldedPrediction.memberMean($0.doubleDifferential) }
        let gasQ2 = fermiGas.map { FluxFoldedPrediction.memberMean($0.q2) }
        var out = header + "\n"
        for (i, b) in data.ccqe.enumerated() {
            let fields: [Double?] = [
                b.cosThetaLow, b.cosThetaHigh, b.kineticLow, b.kineticHigh, nil, nil, b.value, nil, table.0[i], table.1[i], gasTables[0][i],
                gasTables[1][i]
            ]
            out += "d2sigma_dTdcos," + fields.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        for (i, b) in data.q2.enumerated() {
            let fields: [Double?] = [nil, nil, nil, nil, b.low, b.high, b.value, b.shapeError, q2.0[i], q2.1[i], gasQ2[0][i], gasQ2[1][i]]
            out += "dsigma_dQ2," + fields.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return out
    }
}
