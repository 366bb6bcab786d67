import ArgumentParser
import Foundation
import XSCore
import XSData
import XSFigures
import XSModel
import XSNeutrino

struct NeutrinoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neutrino",
        abstract: "Charged-current ν_μ / ν̄_μ cross sections from the learned electron responses.",
        discussion: helpText(
            """
            The electron model's R_L(q, ω) and R_T(q, ω) (a response-head model: --preset responses) are
            divided by the electromagnetic single-nucleon factors into reduced (superscaling) functions
            f_L, f_T and multiplied by the weak ones (isovector vector and dipole axial, M_A a
            parameter) into the five charged-current responses; the muon mass enters the kinematics
            and the lepton tensor. Pion production (the Bosted–Mamyan fit's inelastic part) is removed
            from the electron responses first; meson exchange stays in. docs/neutrino.md has the
            formulas and what is learned and what is assumed.

              xsnet neutrino predict --energy 0.8 --muon-energy 0.2:0.7:0.1 --muon-angle 30
              xsnet neutrino compare miniboone-ccqe --format json
              xsnet neutrino tabulate --energy 0.2:3:0.05 --cos-theta=-1:1:0.02 --muon-energy 0:2.9:0.01 --out numu-c12.npz
            """),
        subcommands: [Import.self, Predict.self, Compare.self, Tabulate.self, Scaling.self])
}

/// The electron model (or the Fermi gas) and the neutrino options shared by predict and compare.
struct NeutrinoModelOptions: ParsableArguments {
    /// The `--model` help of the neutrino commands: what the model must be, then the fit's route.
    static func modelHelp(_ model: String) -> ArgumentHelp {
        "\(model): its members, widened by its calibration factor, give the band; or bosted-mamyan, the fit's responses through the same route (no band)."
    }

    @Option(help: modelHelp("A response-head electron model (model A or B)")) var model = "Models/C12-ensemble.xsnet"
    @Option(help: "The axial mass M_A of the dipole axial form factor (GeV).")
    var axialMass = 1.03
    @Flag(help: "Use the relativistic Fermi gas' reduced function instead of the electron model (the baseline).")
    var fermiGas = false
    @Flag(help: "Keep the electron responses' pion-production part (default: removed, as for a quasielastic-like signal).")
    var keepPionProduction = false
    @OptionGroup var axial: AxialOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var grid: GridOptions

    func validate() throws {
        guard axialMass.isFinite, ReducedFunctionGrid.allowedAxialMasses.contains(axialMass) else {
            throw ValidationError("--axial-mass must be in 0.3…3 GeV")
        }
    }

    /// The reduced functions of `nucleus`: the Fermi gas', or the electron model's within the
    /// quasielastic window, tabulated to `widestWindow` instead when given (for variations that
    /// widen it; `restricted(toWindow:)` gives the asked window from that grid), with the electron
    /// model's metadata as it was bound to the nucleus (nil for the Fermi gas).
    func reducedFunctions(nucleus: Nucleus, tabulatedTo widestWindow: Double? = nil) throws -> (
        grid: ReducedFunctionGrid, scaling: Superscaling, electron: ModelInfo?
    ) {
        let scaling = axial.scaling(nucleus)
        if fermiGas { return (try ReducedFunctionGrid(source: .fermiGas, scaling: scaling, step: grid.gridStep), scaling, nil) }
        let learned = try learnedReducedFunctions(
            model: model, scaling: scaling, keepPionProduction: keepPionProduction, axialMesonExchange: axial.axialMesonExchange,
            window: widestWindow ?? window.quasielasticWindow, step: grid.gridStep)
        return (learned.grid, scaling, learned.electron)
    }

    /// The charged-current model of `probe` on `nucleus` and, with `systematics`, its named
    /// variations (`NeutrinoSystematics`; the learned grid tabulated once to the wider window and
    /// the others masked from it, so the model is the same with and without them). `window` is the
    /// quasielastic window used and `electron` the electron model's metadata (both nil for the Fermi gas).
    func chargedCurrentModel(probe: LeptonProbe, nucleus: Nucleus, systematics: Bool) throws -> (
        model: ChargedCurrentModel, variations: [NeutrinoTable.Variation], window: Double?, electron: ModelInfo?
    ) {
        let window = fermiGas ? nil : self.window.quasielasticWindow
        let wideWindow = systematics ? window.map { NeutrinoSystematics.windows(around: $0).wide } : nil
        let (wide, scaling, electron) = try reducedFunctions(nucleus: nucleus, tabulatedTo: wideWindow)
        let grid = window.map { wide.restricted(toWindow: $0, scaling: scaling) } ?? wide
        let model = ChargedCurrentModel(probe: probe, scaling: scaling, reduced: grid, axialMass: axialMass)
        let variations =
            systematics
            ? NeutrinoSystematics.variations(
                probe: probe, scaling: scaling, central: grid, wide: wide, window: window, axialMass: axialMass) : []
        return (model, variations, window, electron)
    }
}

/// Which reduced function the axial channels take.
struct AxialOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The fraction (0…1) of the Bosted–Mamyan meson-exchange part of f_T that the axial channels keep.",
            discussion:
                "1 (the default) keeps all of it, as the vector channels do; 0 leaves the transverse enhancement in the vector current only (Bodek, Budd, Christy 2011). How the axial current sees meson exchange the electron data cannot say; docs/neutrino.md measures the range.",
            valueName: "fraction"))
    var axialMesonExchange = 1.0
    @Option(
        help: ArgumentHelp(
            "The reduced function of the axial current's longitudinal-type channels (W⁰⁰, W⁰³, W³³): transverse or longitudinal (SuSAv2's).",
            discussion: "Every transverse channel takes f_T either way; docs/neutrino.md measures both.",
            valueName: "function"))
    var axialLongitudinal: AxialLongitudinalScaling = .transverse

    func validate() throws {
        guard axialMesonExchange.isFinite, (0...1).contains(axialMesonExchange) else {
            throw ValidationError("--axial-meson-exchange must be a fraction in 0…1 (got \(axialMesonExchange))")
        }
    }

    /// The superscaling of `nucleus` with this assignment.
    func scaling(_ nucleus: Nucleus) -> Superscaling { Superscaling(nucleus: nucleus, axialLongitudinal: axialLongitudinal) }
}

extension AxialLongitudinalScaling: ExpressibleByArgument {}

/// Where the quasielastic window of the learned reduced functions ends.
struct WindowOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The upper end in ψ′ of the quasielastic window of the learned reduced functions (0.5…3): f = 0 beyond it.",
            discussion: "An assumption the electron data do not fix; `compare` reports what ±0.5 changes (docs/neutrino.md).",
            valueName: "ψ′"))
    var quasielasticWindow = ReducedFunctionGrid.defaultQuasielasticWindow

    func validate() throws {
        guard quasielasticWindow.isFinite, ReducedFunctionGrid.allowedQuasielasticWindows.contains(quasielasticWindow) else {
            throw ValidationError("--quasielastic-window must be in 0.5…3, not \(quasielasticWindow)")
        }
    }
}

/// The (|q|, ω) grid the reduced functions are tabulated on.
struct GridOptions: ParsableArguments {
    @Option(help: "The step in |q| of the (|q|, ω) grid of the reduced functions (GeV; ω's is half of it; up to 3 GeV).")
    var gridStep = 0.01

    func validate() throws {
        guard gridStep.isFinite, ReducedFunctionGrid.allowedSteps.contains(gridStep) else {
            throw ValidationError("--grid-step must be in 0.005…0.1 GeV")
        }
    }
}

/// What a neutrino band is, said where the electron model's band is calibrated: the spread of its
/// members widened by its factor away from the measured settings (`ReducedFunctionGrid.bandFactor(of:)`).
func bandNote(_ factor: Double, of band: String = "the neutrino band is") -> String? {
    guard factor != 1 else { return nil }
    return String(
        format: "%@ the spread of the electron model's members × %.3f, its calibration factor away from the measured "
            + "electron settings (no electron was measured at a neutrino's kinematics; docs/neutrino.md)", band, factor)
}

/// The reduced functions of a response-head electron model of the scaling's nucleus, and the
/// model's metadata bound to that nucleus (what its extrapolation flags read); for `bosted-mamyan`,
/// the fit's (one member, no metadata, nothing flagged).
func learnedReducedFunctions(
    model: String, scaling: Superscaling, keepPionProduction: Bool, axialMesonExchange: Double, window: Double, step: Double
) throws -> (grid: ReducedFunctionGrid, electron: ModelInfo?) {
    if model == ReducedFunctionGrid.fitName {
        let source = ReducedFunctionGrid.Source.bostedMamyan(
            removingPionProduction: !keepPionProduction, axialMesonExchange: axialMesonExchange, quasielasticWindow: window)
        return (try ReducedFunctionGrid(source: source, scaling: scaling, step: step), nil)
    }
    return try withElectronModel(model, nucleus: scaling.nucleus) { electron in
        let grid = try ReducedFunctionGrid(
            source: .electronModel(
                electron, removingPionProduction: !keepPionProduction, axialMesonExchange: axialMesonExchange, quasielasticWindow: window),
            scaling: scaling, step: step)
        return (grid, electron.info)
    }
}

/// `body` on the electron model at `path` for `nucleus`: a model of every nucleus bound to it (a
/// model of one nucleus is refused by the reduced functions for another), its refusals named by the file.
func withElectronModel<T>(_ path: String, nucleus: Nucleus, _ body: (CrossSectionModel) throws -> T) throws -> T {
    let loaded = try CrossSectionModel.load(URL(fileURLWithPath: path))
    do { return try body((try? loaded.bound(to: nucleus)) ?? loaded) } catch let error as ReducedFunctionError {
        throw CommandError("\(path) \(error)")
    }
}

extension NeutrinoCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the curated MiniBooNE CCQE tables from the release's text files.",
            discussion: "Example: xsnet neutrino import ../shared/data/neutrino/miniboone_ccqe_2010 --out Data")

        @Argument(help: "The folder with aski_con.txt, aski_like.txt, asqq_con.txt and pospol_numu.csv.")
        var folder: String
        @Option(help: "Folder to write the curated CSVs and miniboone-import-report.txt into.")
        var out = "Data"

        func run() throws {
            let files = try MiniBooNEImporter.importFolder(URL(fileURLWithPath: folder))
            for (name, text) in files.sorted(by: { $0.key < $1.key }) {
                try AtomicFile.write(text, to: URL(fileURLWithPath: out).appendingPathComponent(name))
            }
            print(files[MiniBooNEImporter.reportFile]!, terminator: "")
            print("wrote \(files.keys.sorted().map { "\(out)/\($0)" }.joined(separator: ", "))")
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "d²σ/dT_μ dcosθ_μ and d²σ/dΩdω of ν_μ or ν̄_μ charged-current scattering.",
            discussion: helpText(
                """
                Every combination of --energy (E_ν), --muon-energy (kinetic T_μ) and --muon-angle (θ_μ,
                degrees); each takes a value, a list or start:stop:step. Cross sections per nucleus in
                cm²/GeV (d²σ/dT_μ dcosθ_μ) and cm²/sr/GeV (d²σ/dΩdω = d²σ/dΩdE_μ), with the spread over the
                electron model's members; per_nucleon divides by the neutrons (ν_μ) or protons (ν̄_μ).

                  xsnet neutrino predict --probe numubar --energy 1 --muon-energy 0.3:0.8:0.1 --muon-angle 20 --format csv
                """))

        enum Probe: String, ExpressibleByArgument, CaseIterable { case numu, numubar }

        @Option(help: "numu (ν_μ + n → μ⁻ + p) or numubar (ν̄_μ + p → μ⁺ + n).") var probe: Probe = .numu
        @Option(help: "The target nucleus: the electron model's, or any for an any-target model (Ar40 with Models/any-target.xsnet).")
        var nucleus: Nucleus = Nucleus(Z: 6, A: 12)
        @Option(help: "Neutrino energy E_ν (GeV).") var energy: ValueList
        @Option(help: "Muon kinetic energy T_μ (GeV).") var muonEnergy: ValueList
        @Option(help: "Muon angle θ_μ (degrees).") var muonAngle: ValueList
        @OptionGroup var options: NeutrinoModelOptions
        @Flag(
            help:
                "Also print the named variations, each the members' mean of d²σ/dT_μ dcosθ_μ: M_A ∓ 0.1 GeV and, for an electron model, the quasielastic window ∓ 0.5 (as `tabulate --systematics`)."
        )
        var systematics = false
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        struct Row: Encodable {
            var E_nu_GeV: Double, T_mu_GeV: Double, theta_mu_deg: Double, q_GeV: Double, omega_GeV: Double, Q2_GeV2: Double
            var d2sigma_dTdcos_cm2_per_GeV: Double, d2sigma_dTdcos_std: Double, d2sigma_dOmega_domega_cm2_per_sr_GeV: Double
            var per_nucleon_d2sigma_dTdcos: Double
            /// With --systematics: d²σ/dT_μ dcosθ_μ of each named variation (cm²/GeV per nucleus).
            var d2sigma_dTdcos_variations: [String: Double]?
            /// Whether the electron responses are read at a (|q|, ω) outside the electron model's
            /// training data (`ModelInfo.isResponseExtrapolation`); nil for the Fermi gas.
            var extrapolation: Bool?
        }

        func validate() throws {
            let count = ValueList.combinations([energy, muonEnergy, muonAngle])
            guard count <= 1_000_000 else { throw ValidationError("\(count) points asked for; at most 1,000,000 per call") }
            for θ in muonAngle.values where !(θ.isFinite && (0...180).contains(θ)) {
                throw ValidationError("--muon-angle must be in 0…180°, not \(θ)")
            }
            for E in energy.values where !(E.isFinite && E > 0 && E <= ReducedFunctionGrid.extent) {
                throw ValidationError("--energy must be in (0, 3] GeV (the reduced functions are tabulated to |q| = 3 GeV), not \(E)")
            }
            for T in muonEnergy.values where !(T.isFinite && T >= 0) { throw ValidationError("--muon-energy must be ≥ 0, not \(T)") }
        }

        func run() throws {
            let (model, variations, _, electron) = try options.chargedCurrentModel(
                probe: probe == .numu ? .numu : .numubar, nucleus: nucleus, systematics: systematics)
            let isOutsideElectronData = electron?.responseExtrapolation
            var rows: [Row] = []
            for E in energy.values {
                for T in muonEnergy.values {
                    for θ in muonAngle.values {
                        let c = cos(θ * .pi / 180)
                        guard let k = model.kinematics(energy: E, kineticEnergy: T, cosTheta: c) else {
                            throw CommandError("E_ν = \(E) GeV cannot produce a muon of T = \(T) GeV")
                        }
                        let members = model.doubleDifferential(k)
                        let mean = members.reduce(0, +) / Double(members.count)
                        let spread = sampleStandardDeviation(members)
                        rows.append(
                            Row(
                                E_nu_GeV: E, T_mu_GeV: T, theta_mu_deg: θ, q_GeV: k.momentumTransfer, omega_GeV: k.energyTransfer, Q2_GeV2: k.Q2,
                                d2sigma_dTdcos_cm2_per_GeV: 2 * .pi * mean, d2sigma_dTdcos_std: 2 * .pi * spread,
                                d2sigma_dOmega_domega_cm2_per_sr_GeV: mean, per_nucleon_d2sigma_dTdcos: 2 * .pi * mean / Double(model.targetNucleons),
                                d2sigma_dTdcos_variations: systematics
                                    ? Dictionary(
                                        uniqueKeysWithValues: variations.map { v in
                                            let values = v.model.doubleDifferential(k)
                                            return (v.name, 2 * .pi * values.reduce(0, +) / Double(values.count))
                                        }) : nil,
                                extrapolation: isOutsideElectronData?(k.momentumTransfer, k.energyTransfer))
                        )
                    }
                }
            }
            switch format {
            case .json: print(try jsonText(rows), terminator: "")
            case .csv, .table:
                var table = TextTable(
                    header: ["E_nu", "T_mu", "theta_mu", "q", "omega", "Q2", "d2s/dTdcos", "std", "d2s/dOdw", "per_nucleon"] + variations.map(\.name)
                        + (electron == nil ? [] : ["extrapolation"]))
                table.rows = rows.map { r in
                    [r.E_nu_GeV, r.T_mu_GeV, r.theta_mu_deg, r.q_GeV, r.omega_GeV, r.Q2_GeV2].map { String(format: "%.4g", $0) }
                        + ([r.d2sigma_dTdcos_cm2_per_GeV, r.d2sigma_dTdcos_std, r.d2sigma_dOmega_domega_cm2_per_sr_GeV, r.per_nucleon_d2sigma_dTdcos]
                        + variations.map { r.d2sigma_dTdcos_variations?[$0.name] ?? .nan })
                        .map {
                            String(format: "%.4e", $0)
                        }
                        + (r.extrapolation.map { [format == .csv ? "\($0)" : ($0 ? "yes" : "no")] } ?? [])
                }
                print(format == .csv ? table.csv() : table.rendered(), terminator: "")
            }
            if let electron {
                let flagged = rows.filter { $0.extrapolation == true }.count
                if let reason = electron.unmeasuredNucleusReason {
                    printError("the electron model has \(reason)")
                } else if flagged > 0 {
                    printError(
                        "\(flagged) of \(rows.count) points read the electron responses at a (|q|, ω) no electron kinematics of the training data's box reaches (extrapolation)"
                    )
                }
            }
            if let note = bandNote(model.reduced.spreadFactor) { printError(note) }
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fold with the MiniBooNE ν_μ flux and compare with its CCQE measurement on carbon.",
            discussion: helpText(
                """
                Predicts the MiniBooNE CCQE tables (PRD 81, 092005 (2010), bundled by `xsnet neutrino import`)
                with the electron model (its members, widened by its calibration factor, give the band; M_A ± 0.1 GeV and the quasielastic window
                ψ′ ± 0.5 separate contributions, the window's variants with their own scores) and with the
                relativistic Fermi gas at M_A = 1.03 and 1.35 GeV, and reports: the
                flux-integrated σ per neutron against the Q²_QE table's integral; χ²/N of the dσ/dQ²_QE
                shape with the normalization free (and quoted); the median relative deviation over the
                double-differential bins above 10% of the table's maximum. --figures writes the table as
                slices in cos θ_μ and dσ/dQ²_QE as SVG.

                  xsnet neutrino compare miniboone-ccqe --format json
                  xsnet neutrino compare miniboone-ccqe --figures docs/figures/neutrino
                """))

        enum Measurement: String, ExpressibleByArgument, CaseIterable { case minibooneCcqe = "miniboone-ccqe" }

        @Argument(help: "The measurement: miniboone-ccqe.") var measurement: Measurement
        @Option(help: NeutrinoModelOptions.modelHelp("A response-head carbon model")) var model = "Models/C12-ensemble.xsnet"
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @Option(help: "Folder to write the figures into (SVG).") var figures: String?
        @Option(
            help: ArgumentHelp(
                "Write the comparison bin by bin to this CSV: each bin of the double-differential table and of dσ/dQ²_QE, the data beside xsnet (mean and band) and the two Fermi gases.",
                valueName: "file"))
        var binsOut: String?
        @Option(help: "The fold's cell in T_μ (GeV) and cos θ_μ: 0.1 divided by a whole number (coarser is faster, less exact).")
        var cell = MiniBooNEFold.defaultCell
        @OptionGroup var grid: GridOptions
        @OptionGroup var axial: AxialOptions
        @OptionGroup var window: WindowOptions

        func validate() throws {
            guard MiniBooNEFold.isValidCell(cell) else {
                throw ValidationError("--cell must be 0.1 divided by a whole number (0.01, 0.02, 0.05, …), not \(cell)")
            }
            if let binsOut, !binsOut.hasSuffix(".csv") { throw ValidationError("--bins-out must end in .csv") }
        }

        struct Report: Encodable {
            var flux_integrated_cm2: [String: Double]
            var flux_integrated_spread_cm2: [String: Double]
            var measured_region_cm2: [String: Double]
            var q2_shape_chi2_per_bin: [String: Double]
            var q2_normalization: [String: Double]
            var double_differential_median_rel_dev: [String: Double]
            var double_differential_bins: Int
            var axial_mass_uncertainty_cm2: Double
            /// The quasielastic window (ψ′) and the xsnet mean with it narrowed and widened by 0.5.
            var quasielastic_window: Double
            var quasielastic_window_variants: [WindowVariant]
            var quasielastic_window_uncertainty_cm2: Double
            var normalization_uncertainty: Double
            var flux_fraction_left_out: Double
            var electron_model: String
            /// The factor the electron model's members are moved away from their mean by, so that
            /// the xsnet band is theirs × it (its calibration away from the measured settings; 1 without one).
            var band_factor: Double
            /// The reduced function of the axial longitudinal-type channels: transverse or longitudinal (SuSAv2's).
            var axial_longitudinal: String
            /// The fraction of the fit's meson-exchange part of f_T kept in the axial channels.
            var axial_meson_exchange: Double
            var seconds: Double
        }

        struct WindowVariant: Encodable {
            var window: Double
            var flux_integrated_cm2: Double
            var q2_shape_chi2_per_bin: Double
            var q2_normalization: Double
            var double_differential_median_rel_dev: Double
        }

        func run() throws {
            let start = Date()
            let data = try MiniBooNECCQE.bundled()
            let carbon = Nucleus(Z: 6, A: 12)
            let scaling = axial.scaling(carbon)
            // Tabulated once with the widest window; the narrower ones are the same nodes masked.
            let around = NeutrinoSystematics.windows(around: window.quasielasticWindow)
            let windows = [around.narrow, around.wide]
            let widest = try learnedReducedFunctions(
                model: model, scaling: scaling, keepPionProduction: false, axialMesonExchange: axial.axialMesonExchange,
                window: windows[1], step: grid.gridStep
            ).grid
            if let note = bandNote(widest.spreadFactor) { printError(note) }
            let learned = widest.restricted(toWindow: window.quasielasticWindow, scaling: scaling)
            let gas = try ReducedFunctionGrid(source: .fermiGas, scaling: scaling, step: grid.gridStep)
            printError(
                "reduced functions tabulated (\(learned.members) member\(learned.members == 1 ? "" : "s"), \(learned.momentumCount) × \(learned.energyCount) grid) in \(Int(Date().timeIntervalSince(start))) s; folding with the flux…"
            )
            let names = ["xsnet", "rfg_ma_1.03", "rfg_ma_1.35"]
            // The named variations, each the members' mean: M_A down and up (3, 4), the window narrowed and widened (5, 6).
            let variations = NeutrinoSystematics.variations(
                probe: .numu, scaling: scaling, central: learned, wide: widest, window: window.quasielasticWindow, axialMass: 1.03)
            let models =
                [
                    ChargedCurrentModel(probe: .numu, scaling: scaling, reduced: learned, axialMass: 1.03),
                    ChargedCurrentModel(probe: .numu, scaling: scaling, reduced: gas, axialMass: 1.03),
                    ChargedCurrentModel(probe: .numu, scaling: scaling, reduced: gas, axialMass: 1.35)
                ] + variations.map(\.model)
            let folded = MiniBooNEFold.fold(models, data: data, cell: cell)
            let scores = folded.map { MiniBooNEScores(prediction: $0, data: data) }
            func byName(_ value: (MiniBooNEScores) -> Double) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: names.indices.map { (names[$0], value(scores[$0])) })
            }
            var integral = byName(\.flux_integrated_cm2)
            integral["data"] = data.q2Integral
            var region = byName(\.measured_region_cm2)
            region["data"] = MiniBooNECCQE.integral(data.ccqe)
            let report = Report(
                flux_integrated_cm2: integral, flux_integrated_spread_cm2: byName(\.flux_integrated_spread_cm2), measured_region_cm2: region,
                q2_shape_chi2_per_bin: byName(\.q2_shape_chi2_per_bin), q2_normalization: byName(\.q2_normalization),
                double_differential_median_rel_dev: byName(\.double_differential_median_rel_dev),
                double_differential_bins: scores[0].double_differential_bins,
                axial_mass_uncertainty_cm2: abs(scores[4].flux_integrated_cm2 - scores[3].flux_integrated_cm2) / 2,
                quasielastic_window: window.quasielasticWindow,
                quasielastic_window_variants: zip(windows, scores[5...]).map { w, s in
                    WindowVariant(
                        window: w, flux_integrated_cm2: s.flux_integrated_cm2, q2_shape_chi2_per_bin: s.q2_shape_chi2_per_bin,
                        q2_normalization: s.q2_normalization, double_differential_median_rel_dev: s.double_differential_median_rel_dev)
                },
                quasielastic_window_uncertainty_cm2: abs(scores[6].flux_integrated_cm2 - scores[5].flux_integrated_cm2) / 2,
                normalization_uncertainty: MiniBooNECCQE.normalizationUncertainty, flux_fraction_left_out: MiniBooNEFold.fluxFractionLeftOut(data),
                electron_model: model, band_factor: learned.spreadFactor, axial_longitudinal: axial.axialLongitudinal.rawValue,
                axial_meson_exchange: axial.axialMesonExchange, seconds: Date().timeIntervalSince(start))
            if let binsOut {
                try AtomicFile.write(
                    MiniBooNEBins.csv(data: data, xsnet: folded[0], fermiGas: [folded[1], folded[2]]), to: URL(fileURLWithPath: binsOut))
            }
            if let figures {
                let folder = URL(fileURLWithPath: figures)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (name, svg) in try NeutrinoFigures.miniboone(
                    data: data, xsnet: folded[0], label: model == ReducedFunctionGrid.fitName ? "Bosted–Mamyan responses" : "xsnet",
                    fermiGas: [folded[1], folded[2]])
                {
                    try AtomicFile.write(svg, to: folder.appendingPathComponent(name))
                }
            }
            switch format {
            case .json: print(try jsonText(report), terminator: "")
            case .csv, .table:
                print(
                    "MiniBooNE CCQE ν_μ on carbon (per neutron), electron model \(model), \(learned.members) members, axial longitudinal channels × f_\(axial.axialLongitudinal == .longitudinal ? "L" : "T"), axial meson exchange × \(axial.axialMesonExchange)"
                )
                var table = TextTable(header: ["", "data", "xsnet", "RFG M_A=1.03", "RFG M_A=1.35"])
                func e(_ x: Double?) -> String { x.map { String(format: "%.3e", $0) } ?? "" }
                table.rows = [
                    ["σ flux-integrated (cm²)", e(integral["data"]), e(integral["xsnet"]), e(integral["rfg_ma_1.03"]), e(integral["rfg_ma_1.35"])],
                    ["σ over the table's bins (cm²)", e(region["data"]), e(region["xsnet"]), e(region["rfg_ma_1.03"]), e(region["rfg_ma_1.35"])],
                    ["dσ/dQ²_QE shape χ²/N", ""] + names.map { String(format: "%.2f", report.q2_shape_chi2_per_bin[$0]!) },
                    ["  its normalization", ""] + names.map { String(format: "%.3f", report.q2_normalization[$0]!) },
                    ["d²σ median |dev| (\(report.double_differential_bins) bins)", ""]
                        + names.map { String(format: "%.1f%%", 100 * report.double_differential_median_rel_dev[$0]!) }
                ]
                print(table.rendered(), terminator: "")
                for v in report.quasielastic_window_variants {
                    print(
                        String(
                            format:
                                "xsnet with the quasielastic window at ψ′ ≤ %g (not %g): σ %.3e cm², shape χ²/N %.2f (normalization %.3f), d²σ median %.1f%%",
                            v.window, window.quasielasticWindow, v.flux_integrated_cm2, v.q2_shape_chi2_per_bin, v.q2_normalization,
                            100 * v.double_differential_median_rel_dev))
                }
                print(
                    String(
                        format:
                            "xsnet band (members × %.3f): ±%.2e cm²; M_A ± 0.1 GeV: ±%.2e cm²; window ψ′ ± %.1f: ±%.2e cm²; data normalization ±%.1f%%; flux above %.0f GeV left out: %.2f%%; %.0f s",
                        learned.spreadFactor, scores[0].flux_integrated_spread_cm2, report.axial_mass_uncertainty_cm2, NeutrinoSystematics.windowStep,
                        report.quasielastic_window_uncertainty_cm2, 100 * MiniBooNECCQE.normalizationUncertainty, MiniBooNEFold.maximumEnergy,
                        100 * report.flux_fraction_left_out, report.seconds))
            }
        }
    }

    struct Tabulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "d²σ/dT_μ dcosθ_μ on a grid of E_ν × cos θ_μ × T_μ for event generators (.npz or .csv).",
            discussion: helpText(
                """
                The layout of `xsnet tabulate`: arrays sigma and sigma_std [E_nu_GeV, cos_theta_mu, T_mu_GeV]
                in cm²/GeV per nucleus (C order), NaN where the muon cannot be made (counted), the axes and the
                units as strings; .csv writes one row per physical point. --systematics adds the named
                variations (M_A ∓ 0.1 GeV; the quasielastic window ∓ 0.5 for an electron model) as arrays
                sigma_<name> (columns d2sigma_dTdcos_<name>), each the members' mean, for reweighting. The C
                API gives the same numbers point by point (xsnet_neutrino_open / xsnet_neutrino_predict in
                include/xsnet.h).

                  xsnet neutrino tabulate --probe numubar --energy 0.2:3:0.05 --cos-theta=-1:1:0.02 --muon-energy 0:2.9:0.01 --out numubar-c12.npz
                """))

        @Option(help: "numu or numubar.") var probe: Predict.Probe = .numu
        @Option(help: "The target nucleus: the electron model's, or any for an any-target model (Ar40 with Models/any-target.xsnet).")
        var nucleus: Nucleus = Nucleus(Z: 6, A: 12)
        @Option(help: "Neutrino energies E_ν (GeV): a list or start:stop:step.") var energy: ValueList
        @Option(help: "cos θ_μ values: a list or start:stop:step (write --cos-theta=-1:1:0.02).") var cosTheta: ValueList
        @Option(help: "Muon kinetic energies T_μ (GeV).") var muonEnergy: ValueList
        @OptionGroup var options: NeutrinoModelOptions
        @Flag(
            help:
                "Tabulate the named variations beside the prediction, each the members' mean: M_A ∓ 0.1 GeV (sigma_axial_mass_down/up) and, for an electron model, the quasielastic window ∓ 0.5 (sigma_window_narrow/wide)."
        )
        var systematics = false
        @Option(help: "Output file: .npz (NumPy) or .csv.") var out: String

        func validate() throws {
            let count = ValueList.combinations([energy, cosTheta, muonEnergy])
            guard count <= 50_000_000 else { throw ValidationError("\(count) points asked for; at most 50,000,000 per table") }
            for E in energy.values where !(E.isFinite && E > 0 && E <= ReducedFunctionGrid.extent) {
                throw ValidationError("--energy must be in (0, 3] GeV, not \(E)")
            }
            for c in cosTheta.values where !(c.isFinite && abs(c) <= 1) { throw ValidationError("--cos-theta must be in [−1, 1], not \(c)") }
            for T in muonEnergy.values where !(T.isFinite && T >= 0) { throw ValidationError("--muon-energy must be ≥ 0, not \(T)") }
            guard out.hasSuffix(".npz") || out.hasSuffix(".csv") else { throw ValidationError("--out must end in .npz or .csv") }
        }

        func run() throws {
            let (model, variations, window, electron) = try options.chargedCurrentModel(
                probe: probe == .numu ? .numu : .numubar, nucleus: nucleus, systematics: systematics)
            var table = NeutrinoTable(
                model: model, energies: energy.values, cosThetas: cosTheta.values, muonEnergies: muonEnergy.values, variations: variations)
            var flagged = ""
            if let electron {
                let count = table.flagExtrapolation(model: model, electron.responseExtrapolation)
                flagged =
                    electron.unmeasuredNucleusReason.map { "; the electron model has \($0)" }
                    ?? "; \(count) flagged as extrapolation (electron responses read outside the electron data's box)"
            }
            let source = options.fermiGas ? "relativistic Fermi gas" : options.model
            let data =
                out.hasSuffix(".npz")
                ? table.npz(nucleus: nucleus.name, model: source, axialMass: options.axialMass, quasielasticWindow: window) : Data(table.csv().utf8)
            try AtomicFile.write(data, to: URL(fileURLWithPath: out))
            print(
                "wrote \(out): \(table.shape.map(String.init).joined(separator: " × ")) points, \(table.skippedUnphysical) unphysical (NaN)\(flagged)"
            )
            if let note = bandNote(model.reduced.spreadFactor) { printError(note) }
        }
    }

    struct Scaling: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The reduced (superscaling) functions f_L, f_T the neutrino route carries over, on a (|q|, ω) grid.",
            discussion: helpText(
                """
                At each (|q|, ω) of --q × --omega: ψ′ (the nucleus's Fermi gas), the electron model's f_L and f_T
                (mean and spread over its members, the spread × its calibration factor away from the measured
                settings as the neutrino band's: f = (R − R_π)/(Λ ΣU), the pion production removed unless
                --keep-pion-production, zero outside the quasielastic window ω > E_s, ψ′ ≤ 2 or --quasielastic-window) and the relativistic
                Fermi gas' f (there f_L = f_T). The neutrino's transverse and axial channels take f_T, its vector
                longitudinal ones f_L (docs/neutrino.md); --model bosted-mamyan gives the fit's own f_L and f_T.

                  xsnet neutrino scaling --q 0.3:0.6:0.1 --omega 0.025:0.4:0.025 --format csv
                """))

        @Option(help: "Momentum transfers |q| (GeV): a value, a list or start:stop:step.") var q: ValueList
        @Option(help: "Energy transfers ω (GeV).") var omega: ValueList
        @Option(help: "The target nucleus: the electron model's, or any for an any-target model.") var nucleus: Nucleus = Nucleus(Z: 6, A: 12)
        @Option(
            help:
                "A response-head electron model (its members, widened by its calibration factor, give the spread), or bosted-mamyan (the fit's responses)."
        )
        var model = "Models/C12-ensemble.xsnet"
        @Flag(help: "Keep the electron responses' pion-production part (default: removed, as the neutrino route does).")
        var keepPionProduction = false
        @OptionGroup var window: WindowOptions
        @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table

        struct Row: Encodable {
            /// nil where ω ≥ |q| (time-like: no electron scatters there).
            var q_GeV: Double, omega_GeV: Double, psi_prime: Double?
            var f_L: Double, f_L_std: Double, f_T: Double, f_T_std: Double, f_T_over_f_L: Double?, f_fermi_gas: Double
        }

        func validate() throws {
            let count = ValueList.combinations([q, omega])
            guard count <= 1_000_000 else { throw ValidationError("\(count) points asked for; at most 1,000,000 per call") }
            for x in q.values where !(x.isFinite && x > 0 && x <= ReducedFunctionGrid.extent) {
                throw ValidationError("--q must be in (0, 3] GeV, not \(x)")
            }
            for w in omega.values where !(w.isFinite && w > 0) { throw ValidationError("--omega must be > 0, not \(w)") }
        }

        func run() throws {
            let scaling = Superscaling(nucleus: nucleus)
            let points = q.values.flatMap { x in omega.values.map { (q: x, omega: $0) } }
            let members: [[(L: Double, T: Double, A: Double)]]
            // The spread as the neutrino band takes it (`ChargedCurrentModel.doubleDifferential`).
            var spreadFactor = 1.0
            if model == ReducedFunctionGrid.fitName {
                // The fit's own responses, one "member" (zero where it is not defined).
                members = try ReducedFunctionGrid.fitValues(
                    scaling: scaling, at: points, removingPionProduction: !keepPionProduction, quasielasticWindow: window.quasielasticWindow)
            } else {
                members = try withElectronModel(model, nucleus: nucleus) { electron in
                    spreadFactor = ReducedFunctionGrid.bandFactor(of: electron)
                    return try ReducedFunctionGrid.learnedValues(
                        model: electron, scaling: scaling, at: points, removingPionProduction: !keepPionProduction,
                        quasielasticWindow: window.quasielasticWindow)
                }
            }
            let rows = points.enumerated().map { i, p -> Row in
                let fL = members.map { $0[i].L }, fT = members.map { $0[i].T }
                let meanL = fL.reduce(0, +) / Double(fL.count), meanT = fT.reduce(0, +) / Double(fT.count)
                let psi = ReducedFunctionGrid.electronKinematics(q: p.q, omega: p.omega)?.psiPrime(scaling.fermiGas)
                return Row(
                    q_GeV: p.q, omega_GeV: p.omega, psi_prime: psi, f_L: meanL, f_L_std: spreadFactor * sampleStandardDeviation(fL), f_T: meanT,
                    f_T_std: spreadFactor * sampleStandardDeviation(fT), f_T_over_f_L: meanL > 0 ? meanT / meanL : nil,
                    f_fermi_gas: scaling.fermiGasReducedFunction(q: p.q, omega: p.omega))
            }
            switch format {
            case .json: print(try jsonText(rows), terminator: "")
            case .csv, .table:
                var table = TextTable(header: ["q_GeV", "omega_GeV", "psi_prime", "f_L", "f_L_std", "f_T", "f_T_std", "f_T/f_L", "f_fermi_gas"])
                func number(_ x: Double?, _ format: String = "%.4g") -> String { x.map { String(format: format, $0) } ?? "" }
                table.rows = rows.map { r in
                    let values: [Double?] = [r.q_GeV, r.omega_GeV, r.psi_prime, r.f_L, r.f_L_std, r.f_T, r.f_T_std]
                    return values.map { number($0) } + [number(r.f_T_over_f_L, "%.3f"), number(r.f_fermi_gas)]
                }
                print(format == .csv ? table.csv() : table.rendered(), terminator: "")
            }
            if let note = bandNote(spreadFactor, of: "f_L_std and f_T_std are") { printError(note) }
        }
    }
}
