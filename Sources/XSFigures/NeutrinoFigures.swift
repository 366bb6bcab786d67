import Foundation
import XSNeutrino
import XSPlot

/// The MiniBooNE comparison's figures: the double-differential table as slices in cos θ_μ
/// (data with the 10.7% normalization as error bars, xsnet with its ±1σ band (the members' spread
/// × the electron model's factor, `ReducedFunctionGrid.spreadFactor`), the two Fermi-gas curves
/// dashed) and dσ/dQ²_QE with the shape errors. `label` names the model's curve (the fit's
/// responses through the same route are drawn as xsnet's are).
public enum NeutrinoFigures {
    public static func miniboone(
        data: MiniBooNECCQE, xsnet: FluxFoldedPrediction, label: String = "xsnet", fermiGas: [FluxFoldedPrediction]
    ) throws -> [(String, String)] {
        func meanAndSpread(_ rows: [[Double]]) -> (mean: [Double], spread: [Double]) {
            (FluxFoldedPrediction.memberMean(rows), FluxFoldedPrediction.memberSpread(rows))
        }
        let gasLabels = ["RFG M_A = 1.03 GeV", "RFG M_A = 1.35 GeV"]
        let gasColors: [PlotColor] = [.vermillion, .green]
        // Slices: one panel per cos θ_μ bin from 0.2 upward (where most of the events are).
        let table = meanAndSpread(xsnet.doubleDifferential)
        let gasTables = fermiGas.map { meanAndSpread($0.doubleDifferential).mean }
        var panels: [Panel] = []
        let rows = Set(data.ccqe.map { (($0.cosThetaLow + 1) * 10).rounded() }).sorted().filter { $0 >= 12 }
        for row in rows {
            let idx = data.ccqe.indices.filter { ((data.ccqe[$0].cosThetaLow + 1) * 10).rounded() == row }
            let x = idx.map { 0.5 * (data.ccqe[$0].kineticLow + data.ccqe[$0].kineticHigh) }
            let scale = 1e39
            var series: [Series] = [
                .band(
                    label: "\(label) ±1σ", x: x, lower: idx.map { scale * max(table.mean[$0] - table.spread[$0], 0) },
                    upper: idx.map { scale * (table.mean[$0] + table.spread[$0]) }, color: .blue),
                .line(label: label, x: x, y: idx.map { scale * table.mean[$0] }, color: .blue, dashed: false)
            ]
            for (g, values) in gasTables.enumerated() {
                series.append(.line(label: gasLabels[g], x: x, y: idx.map { scale * values[$0] }, color: gasColors[g], dashed: true))
            }
            series.append(
                .points(
                    label: "MiniBooNE CCQE", x: x, y: idx.map { scale * data.ccqe[$0].value },
                    error: idx.map { scale * MiniBooNECCQE.normalizationUncertainty * data.ccqe[$0].value }, color: .black, hollow: false))
            let low = -1 + 0.1 * (row)
            panels.append(
                Panel(
                    title: String(format: "%.1f ≤ cos θ_μ < %.1f", low, low + 0.1), xLabel: "T_μ (GeV)", yLabel: "d²σ/dT_μ dcosθ_μ (10⁻³⁹ cm²/GeV)",
                    series: series))
        }
        let slices = try Figure(panels: panels, columns: 2, panelWidth: 520, panelHeight: 340).svg()
        let q2 = meanAndSpread(xsnet.q2)
        let x = data.q2.map { 0.5 * ($0.low + $0.high) }
        let scale = 1e38
        var series: [Series] = [
            .band(
                label: "\(label) ±1σ", x: x, lower: q2.mean.indices.map { scale * max(q2.mean[$0] - q2.spread[$0], 0) },
                upper: q2.mean.indices.map { scale * (q2.mean[$0] + q2.spread[$0]) }, color: .blue),
            .line(label: label, x: x, y: q2.mean.map { scale * $0 }, color: .blue, dashed: false)
        ]
        for (g, gas) in fermiGas.enumerated() {
            series.append(.line(label: gasLabels[g], x: x, y: meanAndSpread(gas.q2).mean.map { scale * $0 }, color: gasColors[g], dashed: true))
        }
        series.append(
            .points(
                label: "MiniBooNE CCQE (shape errors)", x: x, y: data.q2.map { scale * $0.value }, error: data.q2.map { scale * $0.shapeError },
                color: .black, hollow: false))
        let q2Figure = try Figure(panels: [
            Panel(title: "MiniBooNE CCQE, flux-averaged, per neutron", xLabel: "Q²_QE (GeV²)", yLabel: "dσ/dQ²_QE (10⁻³⁸ cm²/GeV²)", series: series)
        ]).svg()
        return [("miniboone-double-differential.svg", slices), ("miniboone-q2.svg", q2Figure)]
    }
}
