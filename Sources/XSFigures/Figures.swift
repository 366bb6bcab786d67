import Foundation
import XSCore
import XSData
import XSModel
import XSPlot

/// A figure that cannot be drawn from what it was given (no data there, an unreadable log).
public struct FigureError: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

/// The figures, built from models and data (shared by `plot` and `report`).
public enum Figures {
    public static let yLabel = "d²σ/dΩdω (nb/sr/GeV)"
    public static let xLabel = "ω (GeV)"

    /// Whether two settings agree (archive values are given to 3–4 decimals).
    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-3 * max(abs(a), abs(b), 1e-9) }

    /// The 200 values of ω a curve is drawn at, evenly over `omega`.
    static func omegaGrid(_ omega: ClosedRange<Double>) -> [Double] {
        let n = 200
        return (0..<n).map { omega.lowerBound + (omega.upperBound - omega.lowerBound) * Double($0) / Double(n - 1) }
    }

    /// A model curve on a grid of ω for one (E, θ): mean and 1σ band series.
    public static func modelSeries(
        _ model: CrossSectionModel, label: String, energy: Double, angle: Double, omega: ClosedRange<Double>,
        color: PlotColor, scale: Double = 1, band: Bool = true, dashed: Bool = false
    ) -> [Series] {
        let grid = omegaGrid(omega)
        let points = grid.map { Kinematics(beamEnergy: energy, angleDegrees: angle, energyTransfer: $0) }
        let p = model.predict(points)
        var series: [Series] = []
        let spread = p.contains { $0.standardDeviation > 0 }
        if band && spread {
            series.append(
                .band(
                    label: "\(label) ±1σ", x: grid, lower: p.map { scale * max($0.mean - $0.standardDeviation, 0) },
                    upper: p.map { scale * ($0.mean + $0.standardDeviation) }, color: color))
        }
        series.append(.line(label: label, x: grid, y: p.map { scale * $0.mean }, color: color, dashed: dashed))
        return series
    }

    /// A reference model's curve on a grid of ω for one (E, θ) of `nucleus`, dashed (no band).
    public static func referenceSeries(
        _ reference: any ReferenceModel, nucleus: Nucleus, energy: Double, angle: Double, omega: ClosedRange<Double>, color: PlotColor
    ) -> [Series] {
        let grid = omegaGrid(omega)
        let values = grid.map { reference.crossSection(Kinematics(beamEnergy: energy, angleDegrees: angle, energyTransfer: $0), nucleus: nucleus) }
        guard values.allSatisfy({ $0 != nil }) else { return [] }
        return [.line(label: reference.name, x: grid, y: values.map { $0! }, color: color, dashed: true)]
    }

    /// The measured settings of a nucleus, for a message: "E=0.56 θ=36.0, …" (at most 12).
    public static func settings(of nucleus: Nucleus, in data: ScatteringData) -> String {
        Set(data.points.filter { $0.nucleus == nucleus }.map { "E=\($0.beamEnergy) θ=\($0.angleDegrees)" }).sorted().prefix(12).joined(
            separator: ", ")
    }

    /// σ against ω at one (E, θ) of a nucleus: data, the model (none: the references alone) and
    /// optional comparisons. Where no data were measured the curves are drawn alone over `omega`
    /// (default 0.02 GeV to 0.9 E).
    public static func spectrum(
        model: CrossSectionModel?, modelLabel: String, data: ScatteringData, nucleus: Nucleus, energy: Double, angle: Double,
        comparisons: [(CrossSectionModel, String, Double)] = [], references: [any ReferenceModel] = [], divideByLambda: Bool = false,
        logY: Bool = false, omega: ClosedRange<Double>? = nil
    ) throws -> Panel {
        let points = data.points.filter { $0.nucleus == nucleus && same($0.beamEnergy, energy) && same($0.angleDegrees, angle) }
        let ωs = points.map(\.energyTransfer)
        let range =
            omega ?? (points.isEmpty ? min(0.02, 0.5 * energy)...(0.9 * energy) : max(ωs.min()! * 0.9, 1e-4)...min(ωs.max()! * 1.05, energy * 0.999))
        var series: [Series] = []
        let palette: [PlotColor] = [.black, .vermillion, .green, .purple, .sky, .orange]
        let sameNucleus = model?.info.nucleus == nucleus.name
        // For the model's own nucleus: which points it was fitted on, tested on, or never saw
        // (below its ω cut, or of a data set it left out).
        let parts = sameNucleus ? model.map { splitParts($0, data: data) } : nil
        let fitted = parts?.train ?? [], tested = parts?.test ?? [], validation = parts?.validation ?? []
        let roles = !fitted.isEmpty || !tested.isEmpty
        for (k, key) in Set(points.map(\.dataset)).sorted().enumerated() {
            let lambda = divideByLambda && sameNucleus ? model?.info.normalization(key) ?? 1 : 1
            let name = lambda != 1 ? "\(key) ÷ λ=\(String(format: "%.3f", lambda))" : key
            let all = points.filter { $0.dataset == key }
            let groups: [(String, [ScatteringPoint], Bool)] =
                roles
                ? [(name + " (fitted)", all.filter { fitted.contains($0) }, false), (name + " (test)", all.filter { tested.contains($0) }, true)]
                : [(name, all, false)]
            for (label, pts, hollow) in groups where !pts.isEmpty {
                series.append(
                    .points(
                        label: label, x: pts.map(\.energyTransfer), y: pts.map { $0.crossSection / lambda },
                        error: pts.map { $0.crossSectionError / lambda }, color: palette[k % palette.count], hollow: hollow))
            }
        }
        if roles {
            let unseen = points.filter { !fitted.contains($0) && !tested.contains($0) }
            let excluded = unseen.filter { !validation.contains($0) }
            if !excluded.isEmpty {
                series.append(
                    .points(
                        label: "not fitted (ω < \(Ticks.label(model?.info.selection.minimumEnergyTransfer ?? 0)) GeV or data set left out)",
                        x: excluded.map(\.energyTransfer), y: excluded.map(\.crossSection), error: excluded.map(\.crossSectionError), color: .grey,
                        hollow: true))
            }
            let held = unseen.filter { validation.contains($0) }
            if !held.isEmpty {
                series.append(
                    .points(
                        label: "validation (calibration)", x: held.map(\.energyTransfer), y: held.map(\.crossSection),
                        error: held.map(\.crossSectionError),
                        color: .sky, hollow: true))
            }
        }
        if let model { series += modelSeries(model, label: modelLabel, energy: energy, angle: angle, omega: range, color: .blue) }
        let colors: [PlotColor] = [.orange, .green, .purple, .grey]
        for (i, (other, label, scale)) in comparisons.enumerated() {
            series += modelSeries(
                other, label: label, energy: energy, angle: angle, omega: range, color: colors[i % colors.count], scale: scale, band: false,
                dashed: true)
        }
        for (i, reference) in references.enumerated() {
            series += referenceSeries(
                reference, nucleus: nucleus, energy: energy, angle: angle, omega: range, color: colors[(comparisons.count + i) % colors.count])
        }
        return Panel(
            title: "\(nucleus.isotopeSymbol), E = \(Ticks.label(energy)) GeV, θ = \(Ticks.label(angle))°\(points.isEmpty ? " (no data here)" : "")",
            xLabel: xLabel, yLabel: yLabel, logY: logY,
            series: series)
    }

    /// The model's own points of `data` by their part of its stored split, as the data hold them
    /// (an any-target selection's keys `<nucleus>/<data set>` back to the data set's name); empty
    /// when the model's selection no longer gives its split on `data`.
    static func splitParts(_ model: CrossSectionModel, data: ScatteringData) -> (
        train: Set<ScatteringPoint>, test: Set<ScatteringPoint>, validation: Set<ScatteringPoint>
    ) {
        guard let selected = try? model.info.selection.apply(to: data), selected.split == model.info.split else { return ([], [], []) }
        func points(_ indices: [Int]) -> Set<ScatteringPoint> {
            Set(
                indices.map { i in
                    var p = selected.points[i]
                    p.dataset = model.info.selection.dataset(ofKey: p.dataset, nucleus: p.nucleus)
                    return p
                })
        }
        return (points(selected.split.train), points(selected.split.test), points(selected.split.validation))
    }

    /// One panel per (E, θ) spectrum of a data set; train points filled, test points hollow; a
    /// reference model's curve dashed when given.
    public static func datasetGrid(model: CrossSectionModel, data: ScatteringData, dataset: String, reference: (any ReferenceModel)? = nil) throws
        -> Figure
    {
        let points = data.points.filter { $0.dataset == dataset && $0.nucleus.name == model.info.nucleus }
        guard !points.isEmpty else {
            let keys = Set(data.points.filter { $0.nucleus.name == model.info.nucleus }.map(\.dataset)).sorted()
            throw FigureError("no \(model.info.nucleus) data in data set `\(dataset)`; its data sets: \(keys.joined(separator: ", "))")
        }
        let testKeys = splitParts(model, data: data).test
        let settings = Set(points.map(\.spectrum)).sorted()
        let panels = settings.map { s -> Panel in
            let pts = points.filter { $0.beamEnergy == s.beamEnergy && $0.angleDegrees == s.angleDegrees }
            let train = pts.filter { !testKeys.contains($0) }, test = pts.filter { testKeys.contains($0) }
            let ωs = pts.map(\.energyTransfer)
            var series: [Series] = []
            if !train.isEmpty {
                series.append(
                    .points(
                        label: "train", x: train.map(\.energyTransfer), y: train.map(\.crossSection), error: train.map(\.crossSectionError),
                        color: .black, hollow: false))
            }
            if !test.isEmpty {
                series.append(
                    .points(
                        label: "test", x: test.map(\.energyTransfer), y: test.map(\.crossSection), error: test.map(\.crossSectionError),
                        color: .vermillion, hollow: true))
            }
            let range = max(ωs.min()! * 0.9, 1e-4)...min(ωs.max()! * 1.05, s.beamEnergy * 0.999)
            series += modelSeries(model, label: "model", energy: s.beamEnergy, angle: s.angleDegrees, omega: range, color: .blue)
            if let reference, let nucleus = Nucleus(name: model.info.nucleus) {
                series += referenceSeries(reference, nucleus: nucleus, energy: s.beamEnergy, angle: s.angleDegrees, omega: range, color: .orange)
            }
            return Panel(
                title: "E = \(Ticks.label(s.beamEnergy)) GeV, θ = \(Ticks.label(s.angleDegrees))°", xLabel: xLabel, yLabel: yLabel, series: series)
        }
        // Rows of at most three panels: a grid stays readable on a page (no 1680-pixel strips).
        return Figure(panels: panels, columns: min(3, panels.count), panelWidth: 420, panelHeight: 300)
    }

    /// Loss and χ²/N against epoch from a training log.
    public static func trainingCurves(logPath: String) throws -> Figure {
        let text: String
        do { text = try String(contentsOfFile: logPath, encoding: .utf8) } catch {
            throw FigureError("\(logPath): cannot read the training log (training writes MODEL.log.csv)")
        }
        let lines = numberedLines(text)
        guard lines.first?.text == Substring(TrainingLogRow.csvHeader) else {
            throw FigureError("\(logPath):1: not a training log (expected the header `\(TrainingLogRow.csvHeader)`)")
        }
        var rows: [[Double]] = []
        for (number, line) in lines.dropFirst() {
            let values = line.split(separator: ",").map { Double($0) }
            guard values.count == 6, values.allSatisfy({ $0 != nil }) else { throw FigureError("\(logPath):\(number): expected 6 numbers") }
            rows.append(values.map { $0! })
        }
        guard !rows.isEmpty else { throw FigureError("\(logPath): the log has no rows") }
        let epoch = rows.map { $0[0] }
        let loss = Panel(
            title: "Training objective", xLabel: "epoch", yLabel: "loss per point", logY: true,
            series: [.line(label: "loss", x: epoch, y: rows.map { $0[3] }, color: .black, dashed: false)])
        let chi2 = Panel(
            title: "χ²/N with the current λ_k", xLabel: "epoch", yLabel: "χ²/N", logY: true,
            series: [
                .line(label: "train", x: epoch, y: rows.map { $0[4] }, color: .blue, dashed: false),
                .line(label: "test", x: epoch, y: rows.map { $0[5] }, color: .vermillion, dashed: false)
            ])
        return Figure(panels: [loss, chi2], columns: 2, panelWidth: 520, panelHeight: 360)
    }
}
