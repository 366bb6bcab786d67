import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel

struct TabulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabulate",
        abstract: "Tabulate σ with its band on a grid of E, θ (or cos θ) and ω, for event generators (CSV or NumPy .npz).",
        discussion: helpText(
            """
            Each axis takes a value, a list (0.3,0.5) or start:stop:step. Points with ω ≥ E are skipped and
            counted (NaN in the .npz arrays, no row in the CSV). The .npz (by the file's extension) holds
            E_GeV, theta_deg or cos_theta, omega_GeV, sigma, sigma_std, sigma_p16, sigma_p84 as arrays
            [E, angle, ω] in nb/sr/GeV, the extrapolation flags, and the units, nucleus and model as
            strings: numpy.load reads it, and ROOT through uproot or PyROOT with NumPy.
              xsnet tabulate --model Models/C12-ensemble.xsnet --energy 0.2:2:0.1 --cos-theta -0.9:0.9:0.1 --omega 0.005:2:0.005 --out c12.npz
              xsnet tabulate --model Models/C12.xsnet --energy 0.56 --angle 36 --omega 0.02:0.5:0.01 --out c12.csv

            --model bosted-mamyan (or bosted-mamyan+coulomb) tabulates the Bosted–Mamyan fit for --nucleus (any
            with A > 2, default C12) in the same layout: no band (sigma_std 0), nothing flagged.

              xsnet tabulate --model bosted-mamyan --nucleus Ar40 --energy 0.5:3:0.5 --angle 5:175:10 --omega 0.01:2:0.01 --out ar40-bm.npz
            """))

    @Option(help: "The model file, or a reference model by name: \(ReferenceModels.names).") var model: String
    @Option(help: "Beam energies E in GeV.") var energy: ValueList
    @Option(help: "Scattering angles θ in degrees (or give --cos-theta).") var angle: ValueList?
    @Option(help: "cos θ values instead of --angle.") var cosTheta: ValueList?
    @Option(help: "Energy transfers ω in GeV.") var omega: ValueList
    @Option(help: "The file to write: .csv or .npz.") var out: String
    @Option(help: "The target nucleus: needed for an any-target model (Ar40, …); a model of one nucleus tabulates only its own.")
    var nucleus: Nucleus?
    @OptionGroup var prediction: PredictionOptions

    /// At most this many grid points per call (each holds five numbers in memory).
    static let maximumPoints = 50_000_000

    func validate() throws {
        guard (angle == nil) != (cosTheta == nil) else { throw ValidationError("give --angle or --cos-theta (one of them)") }
        let count = ValueList.combinations([energy, angle ?? cosTheta, omega])
        if count > Self.maximumPoints {
            throw ValidationError("the grid has \(count) points; at most \(Self.maximumPoints) per call: tabulate it in parts")
        }
        if let c = cosTheta?.values.first(where: { !($0 > -1 && $0 < 1) }) { throw ValidationError("--cos-theta: \(c) is not in (−1, 1)") }
        if !(out.hasSuffix(".csv") || out.hasSuffix(".npz")) { throw ValidationError("--out must end in .csv or .npz") }
    }

    func run() throws {
        let started = Date()
        let angles = (angle ?? cosTheta)!.values, axis: CrossSectionTable.AngleAxis = angle == nil ? .cosTheta : .theta
        func progress(done: Int, total: Int) {
            printError("E \(done)/\(total) done, \(timeLeft(elapsed: Date().timeIntervalSince(started), done: done, remaining: total - done))")
        }
        let table: CrossSectionTable, target: String, outside: String
        if let reference = ReferenceModels.named(model) {
            if prediction.mcSamples != nil || prediction.mcProbability != nil {
                throw CommandError("--mc-samples/--mc-probability are for a model trained with --dropout; \(reference.name) is a fit")
            }
            let nucleus = nucleus ?? Nucleus(Z: 6, A: 12)
            do {
                table = try CrossSectionTable(
                    reference: reference, nucleus: nucleus, energies: energy.values, angles: angles, angleAxis: axis,
                    energyTransfers: omega.values, progress: progress)
            } catch let error as PredictionError { throw CommandError(error.description) }
            target = nucleus.name
            outside = "\(reference.name) fit: no band, nothing flagged"
        } else {
            let m = try prediction.load(model, nucleus: nucleus)
            table = try CrossSectionTable(
                model: m, energies: energy.values, angles: angles, angleAxis: axis, energyTransfers: omega.values, progress: progress)
            target = m.info.nucleus
            // Skipped points carry no flag; what a generator reads outside the training data is said here.
            let flagged = table.extrapolation.filter { $0 == 1 }.count
            outside =
                m.info.unmeasuredNucleusReason.map { "the model has \($0)" }
                ?? "\(flagged) flagged as extrapolation (outside the training data's kinematic box)"
        }
        let url = URL(fileURLWithPath: out)
        if out.hasSuffix(".npz") {
            try AtomicFile.write(table.npz(nucleus: target, model: URL(fileURLWithPath: model).lastPathComponent), to: url)
        } else {
            try AtomicFile.write(table.csv(), to: url)
        }
        let points = table.mean.count
        print("wrote \(out): \(points - table.skippedUnphysical) points of \(points) (\(table.skippedUnphysical) with ω ≥ E skipped); \(outside)")
    }
}
