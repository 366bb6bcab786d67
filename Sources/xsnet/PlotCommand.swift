import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel
import XSPlot

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Figures as SVG: spectra with data and bands, data-set grids, training curves.",
        subcommands: [Spectrum.self, DatasetGrid.self, TrainingCurves.self])
}

extension PlotCommand {
    struct Spectrum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "σ against ω at one beam energy and angle: data, the model's mean and 1σ band, comparisons.",
            discussion: helpText(
                """
                  xsnet plot spectrum --model Models/C12.xsnet --energy 0.56 --angle 36 --out c12.svg
                  xsnet plot spectrum --model Models/Fe56.xsnet --nucleus Fe56 --energy 2.02 --angle 15 \\
                      --compare Models/C12.xsnet --scale-compare-by-mass --out fe.svg

                A reference model as --model draws the data with the reference's curves alone (--nucleus
                required), e.g. the Bosted–Mamyan fit with and without Coulomb distortion:

                  xsnet plot spectrum --model bosted-mamyan --compare bosted-mamyan+coulomb --nucleus Pb208 \\
                      --energy 0.485 --angle 60 --out pb.svg
                """))
        @Option(help: "The model file, or a reference model by name (bosted-mamyan, bosted-mamyan+coulomb).") var model: String
        @Option(help: "The nucleus whose data to show (default: the model's).") var nucleus: Nucleus?
        @Option(help: "Beam energy E in GeV.") var energy: Double
        @Option(help: "Scattering angle θ in degrees.") var angle: Double
        @Option(help: "The SVG file to write.") var out: String
        @Option(help: "Another model to draw (dashed), repeatable: a model file or a reference model (bosted-mamyan).") var compare: [String] = []
        @Flag(help: "Scale compared models by A_target/A_model (the A/12 baseline for a carbon model).") var scaleCompareByMass = false
        @Flag(help: "Show the data divided by the model's fitted normalization λ_k.") var divideByLambda = false
        @Flag(help: "Logarithmic σ axis.") var log = false
        @OptionGroup var source: DataSourceOptions
        @OptionGroup var prediction: PredictionOptions

        func validate() throws {
            if !(energy > 0 && energy.isFinite) { throw ValidationError("--energy must be a finite number > 0 (GeV)") }
            if !(angle > 0 && angle < 180) { throw ValidationError("--angle must be in (0°, 180°)") }
        }

        func run() throws {
            let main = ReferenceModels.named(model)
            if main != nil, nucleus == nil { throw CommandError("--model \(model) is a reference model: give the nucleus with --nucleus") }
            if main != nil, divideByLambda { throw CommandError("--divide-by-lambda needs a model file with fitted λ_k, not \(model)") }
            let m = main == nil ? try prediction.load(model, nucleus: nucleus) : nil
            let target = nucleus ?? Nucleus(name: m!.info.nucleus)!
            let references = [main].compactMap { $0 } + compare.compactMap(ReferenceModels.named)
            let comparisons = try compare.filter { ReferenceModels.named($0) == nil }.map { path -> (CrossSectionModel, String, Double) in
                let loaded = try CrossSectionModel.load(URL(fileURLWithPath: path))
                let other = loaded.info.isAnyTarget ? try loaded.bound(to: target) : loaded
                let a = Nucleus(name: other.info.nucleus)?.A ?? target.A
                let scale = scaleCompareByMass ? Double(target.A) / Double(a) : 1
                let name = other.displayName
                return (other, scale != 1 ? "\(name) × \(target.A)/\(a)" : name, scale)
            }
            let data = try source.load()
            let panel = try Figures.spectrum(
                model: m, modelLabel: m?.displayName ?? model, data: data, nucleus: target,
                energy: energy, angle: angle, comparisons: comparisons, references: references, divideByLambda: divideByLambda, logY: log)
            if !panel.series.contains(where: { if case .points = $0 { true } else { false } }) {
                let settings = Figures.settings(of: target, in: data)
                printError(
                    "no \(target.name) data at E = \(energy) GeV, θ = \(angle)°: the model alone"
                        + (settings.isEmpty ? " (the data hold none of \(target.name))" : " (measured settings include \(settings))"))
            }
            try writeFigure(Figure(panels: [panel]), to: out)
        }
    }

    struct DatasetGrid: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dataset",
            abstract: "One panel per (E, θ) spectrum of a data set, train and test points marked.",
            discussion: "  xsnet plot dataset --model Models/C12.xsnet --dataset Sealock:1989nx --out figures")
        @Option(help: "The model file.") var model: String
        @Option(help: "The data set (citation key).") var dataset: String
        @Option(help: "Folder for DATASET.svg.") var out: String
        @OptionGroup var source: DataSourceOptions
        @OptionGroup var prediction: PredictionOptions

        func run() throws {
            let figure = try Figures.datasetGrid(model: try prediction.load(model), data: try source.load(), dataset: dataset)
            let file = URL(fileURLWithPath: out).appendingPathComponent(
                dataset.replacingOccurrences(of: ":", with: "_").replacingOccurrences(of: "'", with: "") + ".svg")
            try writeFigure(figure, to: file.path)
        }
    }

    struct TrainingCurves: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "training",
            abstract: "Loss and train/test χ²/N against epoch from a training log (MODEL.log.csv).",
            discussion: "  xsnet plot training --log Models/C12.xsnet.log.csv --out training.svg")
        @Option(help: "The training log.") var log: String
        @Option(help: "The SVG file to write.") var out: String

        func run() throws {
            try writeFigure(try Figures.trainingCurves(logPath: log), to: out)
        }
    }
}

/// Writes the SVG and, beside it, the CSV of its curves (the same name with .csv).
func writeFigure(_ figure: Figure, to path: String) throws {
    try AtomicFile.write(try figure.svg(), to: URL(fileURLWithPath: path))
    let csv = (path.hasSuffix(".svg") ? String(path.dropLast(4)) : path) + ".csv"
    try AtomicFile.write(figure.csv(), to: URL(fileURLWithPath: csv))
    print("wrote \(path) (\(figure.panels.count) panel\(figure.panels.count == 1 ? "" : "s")) and \(csv)")
}
