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
            """))

    @Option(help: "The model file.") var model: String
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
        let m = try prediction.load(model, nucleus: nucleus)
        let started = Date()
        let table = try CrossSectionTable(
            model: m, energies: energy.values, angles: (angle ?? cosTheta)!.values, angleAxis: angle == nil ? .cosTheta : .theta,
            energyTransfers: omega.values
        ) { done, total in
            let elapsed = Date().timeIntervalSince(started)
            printError(
                "E \(done)/\(total) done, \(timeLeft(elapsed: elapsed, done: done, remaining: total - done))"
            )
        }
        let url = URL(fileURLWithPath: out)
        if out.hasSuffix(".npz") {
            try AtomicFile.write(table.npz(nucleus: m.info.nucleus, model: URL(fileURLWithPath: model).lastPathComponent), to: url)
        } else {
            try AtomicFile.write(table.csv(), to: url)
        }
        let points = table.mean.count
        // Skipped points carry no flag; what a generator reads outside the training data is said here.
        let flagged = table.extrapolation.filter { $0 == 1 }.count
        let outside =
            m.info.unmeasuredNucleusReason.map { "the model has \($0)" }
            ?? "\(flagged) flagged as extrapolation (outside the training data's kinematic box)"
        print("wrote \(out): \(points - table.skippedUnphysical) points of \(points) (\(table.skippedUnphysical) with ω ≥ E skipped); \(outside)")
    }
}
