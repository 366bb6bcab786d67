import Foundation
import Testing
import XSCore
import XSData
import XSModel
import XSNeutrino
import XSTestSupport

/// `xsnet neutrino` end to end on a tiny response-head model and a coarse grid and fold (the
/// figures of the shipped ensemble are measured in docs/neutrino.md with the defaults).
struct NeutrinoCommandTests {
    /// The neutrino band is the spread of the electron members' neutrino predictions times the
    /// electron model's factor away from the measured settings; predict, tabulate and compare say
    /// which, the table and the JSON record it.
    @Test func aCalibratedElectronModelsNeutrinoBandSaysWhichFactorItCarries() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet").path
        let factor = try #require(CrossSectionModel.load(URL(fileURLWithPath: model)).info.calibration).awayFromMeasuredSettings
        let note = String(format: "the neutrino band is the spread of the electron model's members × %.3f", factor)
        let point = ["--model", model, "--energy", "0.8", "--muon-energy", "0.5", "--grid-step", "0.1"]
        let predict = try xsnet(["neutrino", "predict", "--muon-angle", "30"] + point)
        #expect(predict.status == 0 && predict.stderr.contains(note), "\(predict.stderr)")
        let npz = folder.appendingPathComponent("t.npz")
        let table = try xsnet(["neutrino", "tabulate", "--cos-theta", "0.9", "--out", npz.path] + point)
        #expect(table.status == 0 && table.stderr.contains(note), "\(table.stderr)")
        // The entry's name is ASCII in the archive, its value NumPy's UTF-32 string.
        let archive = try Data(contentsOf: npz)
        let value = try #require("\(factor) (the electron model's members".data(using: .utf32LittleEndian))
        #expect(archive.range(of: Data("sigma_std_band_factor.npy".utf8)) != nil && archive.range(of: value) != nil)
        let compare = try xsnet(
            ["neutrino", "compare", "miniboone-ccqe", "--model", model, "--grid-step", "0.1", "--cell", "0.1", "--format", "json"])
        #expect(compare.status == 0 && compare.stderr.contains(note), "\(compare.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as! [String: Any]
        #expect(report["band_factor"] as? Double == factor)
    }

    /// `--model bosted-mamyan`: the fit's responses through the same route, one member, no band,
    /// nothing flagged; the numbers of its grid folded by the library.
    @Test func theFitsResponsesGoThroughTheNeutrinoRoute() throws {
        let predict = try xsnet([
            "neutrino", "predict", "--model", "bosted-mamyan", "--energy", "0.8", "--muon-energy", "0.5", "--muon-angle", "30", "--grid-step", "0.1",
            "--format", "json"
        ])
        #expect(predict.status == 0, "\(predict.stderr)")
        let row = try #require((try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [[String: Any]])?.first)
        let scaling = Superscaling(nucleus: Nucleus(Z: 6, A: 12))
        let grid = try ReducedFunctionGrid(source: .bostedMamyan(removingPionProduction: true), scaling: scaling, step: 0.1)
        let expected = ChargedCurrentModel(probe: .numu, scaling: scaling, reduced: grid)
            .muonDistribution(energy: 0.8, muonKineticEnergy: 0.5, cosTheta: cos(30 * Double.pi / 180))
        #expect(expected.count == 1 && expected[0] > 0)
        #expect(abs((row["d2sigma_dTdcos_cm2_per_GeV"] as! Double) / expected[0] - 1) < 1e-12)
        #expect(row["d2sigma_dTdcos_std"] as? Double == 0 && row["extrapolation"] == nil, "\(row)")
        // The C API opens the same by name.
        let script = """
            import ctypes, math, sys
            lib = ctypes.CDLL(sys.argv[1]); lib.xsnet_last_error.restype = ctypes.c_char_p
            h = ctypes.c_void_p(); d = ctypes.c_double
            lib.xsnet_neutrino_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, d, d, ctypes.POINTER(ctypes.c_void_p)]
            lib.xsnet_neutrino_predict.argtypes = [ctypes.c_void_p, d, d, d, ctypes.POINTER(d), ctypes.POINTER(d)]
            print(lib.xsnet_neutrino_open(b"bosted-mamyan", b"C12", 14, 1.03, 0.1, ctypes.byref(h)))
            m, s = d(), d(); print(lib.xsnet_neutrino_predict(h, 0.8, 0.5, math.cos(math.radians(30)), ctypes.byref(m), ctypes.byref(s)), repr(m.value), s.value)
            g = ctypes.c_void_p(); print(lib.xsnet_neutrino_open(b"bosted-mamyan", b"H2", 14, 1.03, 0.1, ctypes.byref(g)), lib.xsnet_last_error().decode())
            """
        let run = try runTool("python3", ["-c", script, CAPITests.library.path])
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(run.status == 0 && lines.count == 3, "\(run.stdout)\(run.stderr)")
        // xsnet_neutrino_predict gives d²σ/dT_μ dcosθ_μ per nucleus, as predict's column.
        #expect(lines[0] == ["0"] && lines[1][0] == "0" && abs(Double(lines[1][1])! / expected[0] - 1) < 1e-12 && lines[1][2] == "0.0", "\(lines)")
        #expect(lines[2][0] == "3" && lines[2].joined(separator: " ").contains("A > 2"), "\(lines[2])")
        let deuteron = try xsnet([
            "neutrino", "predict", "--model", "bosted-mamyan", "--nucleus", "H2", "--energy", "0.8", "--muon-energy", "0.5", "--muon-angle", "30"
        ])
        #expect(deuteron.status == 1 && deuteron.stderr.contains("A > 2"), "\(deuteron.stderr)")
        let fitScaling = try xsnet(["neutrino", "scaling", "--model", "bosted-mamyan", "--nucleus", "H2", "--q", "0.4", "--omega", "0.1"])
        #expect(fitScaling.status == 1 && fitScaling.stderr.contains("A > 2"), "\(fitScaling.stderr)")
    }

    @Test func predictAndCompareWriteWhatScriptsReadAndRefuseWhatTheyCannotDo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("r.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--preset", "responses", "--datasets", "Barreau:1983ht,Sealock:1989nx", "--depth", "1", "--width", "8",
            "--epochs", "4", "--threads", "1", "--out", model
        ])
        #expect(train.status == 0, "\(train.stderr)")
        let coarse = ["--grid-step", "0.1"]
        // The Fermi gas here (the learned route's tabulation runs the Bosted–Mamyan fit unoptimized
        // in this build: the compare below pays for it once).
        let predict = try xsnet(
            ["neutrino", "predict", "--fermi-gas", "--energy", "0.8", "--muon-energy", "0.5,0.6", "--muon-angle", "30", "--format", "json"] + coarse)
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 2)
        for row in rows {
            let perT = row["d2sigma_dTdcos_cm2_per_GeV"] as! Double, perOmega = row["d2sigma_dOmega_domega_cm2_per_sr_GeV"] as! Double
            #expect(abs(perT - 2 * .pi * perOmega) <= 1e-12 * perT)
            #expect(abs((row["per_nucleon_d2sigma_dTdcos"] as! Double) * 6 - perT) <= 1e-12 * perT)
            #expect(perT > 0)
        }
        let figures = folder.appendingPathComponent("figures")
        let bins = folder.appendingPathComponent("bins.csv").path
        let compare = try xsnet(
            [
                "neutrino", "compare", "miniboone-ccqe", "--model", model, "--format", "json", "--cell", "0.1", "--figures", figures.path,
                "--bins-out", bins
            ]
                + coarse)
        #expect(compare.status == 0, "\(compare.stderr)")
        #expect(compare.stderr.contains("31 × 61 grid"), "the learned grid takes --grid-step: \(compare.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as! [String: Any]
        let integral = try #require(report["flux_integrated_cm2"] as? [String: Double])
        #expect(Set(integral.keys) == ["data", "xsnet", "rfg_ma_1.03", "rfg_ma_1.35"])
        #expect(abs(integral["data"]! / 9.633e-39 - 1) < 1e-3)
        for key in ["q2_shape_chi2_per_bin", "double_differential_median_rel_dev"] {
            let scores = try #require(report[key] as? [String: Double])
            #expect(Set(scores.keys) == ["xsnet", "rfg_ma_1.03", "rfg_ma_1.35"], "\(key)")
        }
        // The bins file holds what the scores are made of: the median over the table's bins above
        // 10% of its maximum, from the file, is the report's, for xsnet and both Fermi gases.
        let binRows = try String(contentsOfFile: bins, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        #expect(binRows.first?.joined(separator: ",") == MiniBooNEBins.header)
        let table = binRows.dropFirst().filter { $0[0] == "d2sigma_dTdcos" }, q2 = binRows.dropFirst().filter { $0[0] == "dsigma_dQ2" }
        let data = try MiniBooNECCQE.bundled()
        #expect(table.count == data.ccqe.count && q2.count == data.q2.count)
        let peak = table.map { Double($0[7])! }.max()!
        let kept = table.filter { Double($0[7])! > 0.1 * peak }
        let medians = try #require(report["double_differential_median_rel_dev"] as? [String: Double])
        for (column, name) in [(9, "xsnet"), (11, "rfg_ma_1.03"), (12, "rfg_ma_1.35")] {
            let fromFile = median(kept.map { abs(Double($0[column])! / Double($0[7])! - 1) })
            #expect(abs(fromFile - medians[name]!) < 1e-12, "\(name): \(fromFile) vs \(medians[name]!)")
        }
        #expect(q2.allSatisfy { Double($0[8])! > 0 && $0[1].isEmpty })
        let badBins = try xsnet(["neutrino", "compare", "miniboone-ccqe", "--bins-out", folder.appendingPathComponent("b.txt").path])
        #expect(badBins.status == 64 && badBins.stderr.contains("--bins-out must end in .csv"), "\(badBins.stderr)")
        // The quasielastic window's contribution: the mean with the window narrowed to 1.5 (masked
        // from the grid tabulated to 2.5, one averaged member) is what a compare run with the window
        // at 1.5 predicts from its own tabulation and all its members.
        #expect(report["quasielastic_window"] as? Double == 2)
        let variants = try #require(report["quasielastic_window_variants"] as? [[String: Double]])
        #expect(variants.map { $0["window"]! } == [1.5, 2.5])
        let narrowed = try xsnet(
            ["neutrino", "compare", "miniboone-ccqe", "--model", model, "--format", "json", "--cell", "0.1", "--quasielastic-window", "1.5"] + coarse)
        let narrowedReport = try JSONSerialization.jsonObject(with: Data(narrowed.stdout.utf8)) as! [String: Any]
        let narrowedIntegral = try #require((narrowedReport["flux_integrated_cm2"] as? [String: Double])?["xsnet"], "\(narrowed.stderr)")
        #expect(abs(variants[0]["flux_integrated_cm2"]! / narrowedIntegral - 1) < 1e-9)
        #expect(narrowedIntegral < integral["xsnet"]!, "a narrower window keeps less strength")
        // SuSAv2's assignment (f_L in the axial longitudinal-type channels) moves xsnet and leaves
        // the Fermi gas (f_L = f_T) where it was.
        #expect(report["axial_longitudinal"] as? String == "transverse")
        let susa = try xsnet(
            ["neutrino", "compare", "miniboone-ccqe", "--model", model, "--format", "json", "--cell", "0.1", "--axial-longitudinal", "longitudinal"]
                + coarse)
        let susaReport = try JSONSerialization.jsonObject(with: Data(susa.stdout.utf8)) as! [String: Any]
        #expect(susaReport["axial_longitudinal"] as? String == "longitudinal", "\(susa.stderr)")
        let susaIntegral = try #require(susaReport["flux_integrated_cm2"] as? [String: Double])
        #expect(susaIntegral["rfg_ma_1.03"] == integral["rfg_ma_1.03"] && susaIntegral["rfg_ma_1.35"] == integral["rfg_ma_1.35"])
        #expect(abs(susaIntegral["xsnet"]! / integral["xsnet"]! - 1) > 1e-9)
        // The axial channels' share of meson exchange: recorded, and refused outside 0…1.
        #expect(report["axial_meson_exchange"] as? Double == 1)
        let outside = try xsnet(["neutrino", "compare", "miniboone-ccqe", "--model", model, "--axial-meson-exchange", "1.5"] + coarse)
        #expect(outside.status != 0 && outside.stderr.contains("--axial-meson-exchange must be a fraction in 0…1"), "\(outside.stderr)")
        for name in ["miniboone-double-differential.svg", "miniboone-q2.svg"] {
            #expect(try String(contentsOf: figures.appendingPathComponent(name), encoding: .utf8).contains("MiniBooNE"))
        }
        // The reduced functions the route carries over: the Fermi gas' is ¾(1 − ψ′²) above Pauli
        // blocking (|q| = 0.5 GeV > 2k_F), zero outside |ψ′| < 1; the learned ones zero outside the
        // quasielastic window (ψ′ > 2) and where ω ≥ |q| (no ψ′ there).
        let scaling = try xsnet([
            "neutrino", "scaling", "--model", model, "--q", "0.5", "--omega", "0.05,0.1,0.15,0.2,0.25,0.4,0.6", "--format", "json"
        ])
        #expect(scaling.status == 0, "\(scaling.stderr)")
        let nodes = try JSONSerialization.jsonObject(with: Data(scaling.stdout.utf8)) as! [[String: Any]]
        #expect(nodes.count == 7)
        for node in nodes {
            let omega = node["omega_GeV"] as! Double, gas = node["f_fermi_gas"] as! Double
            let fL = node["f_L"] as! Double, fT = node["f_T"] as! Double
            guard let psi = node["psi_prime"] as? Double else {
                #expect(omega >= 0.5 && fL == 0 && fT == 0 && gas == 0)
                continue
            }
            #expect(abs(gas - max(0, 0.75 * (1 - psi * psi))) < 1e-9, "ψ′ = \(psi)")
            if psi > 2 { #expect(fL == 0 && fT == 0, "outside the window at ψ′ = \(psi)") }
            if abs(psi) < 1 { #expect(fL > 0 && fT > 0 && abs((node["f_T_over_f_L"] as! Double) / (fT / fL) - 1) < 1e-12) }
        }
        // The fit's responses, one set: no spread.
        let fit = try xsnet(["neutrino", "scaling", "--model", "bosted-mamyan", "--q", "0.5", "--omega", "0.15", "--format", "json"])
        let fitNode = try #require((try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [[String: Any]])?.first, "\(fit.stderr)")
        #expect((fitNode["f_L"] as! Double) > 0 && (fitNode["f_T"] as! Double) > 0 && (fitNode["f_L_std"] as! Double) == 0)
        // tabulate --systematics: each variation is what predict gives with its option moved (the
        // members' mean): M_A ∓ 0.1 GeV, the quasielastic window ∓ 0.5.
        let tableFile = folder.appendingPathComponent("systematics.csv").path
        let tabulated = try xsnet(
            [
                "neutrino", "tabulate", "--model", model, "--systematics", "--energy", "0.8", "--cos-theta", "0.9", "--muon-energy", "0.4,0.5,0.6",
                "--out", tableFile
            ] + coarse)
        #expect(tabulated.status == 0, "\(tabulated.stderr)")
        let tableRows = try String(contentsOfFile: tableFile, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",").map(String.init)
        }
        let angle = "\(acos(0.9) * 180 / .pi)"
        let withVariations = try xsnet(
            [
                "neutrino", "predict", "--model", model, "--systematics", "--energy", "0.8", "--muon-energy", "0.4,0.5,0.6", "--muon-angle", angle,
                "--format", "json"
            ] + coarse)
        let variationRows = try #require(
            try JSONSerialization.jsonObject(with: Data(withVariations.stdout.utf8)) as? [[String: Any]], "\(withVariations.stderr)")
        // Each point says whether the electron responses are read inside the electron data's box (the
        // model's own check at the row's (|q|, ω)); the Fermi gas has no electron data to say it of.
        let info = try CrossSectionModel.load(URL(fileURLWithPath: model)).info
        for row in variationRows {
            let q = row["q_GeV"] as! Double, ω = row["omega_GeV"] as! Double
            #expect(row["extrapolation"] as? Bool == info.isResponseExtrapolation(momentumTransfer: q, energyTransfer: ω))
        }
        #expect(rows.allSatisfy { $0["extrapolation"] == nil })
        // The table carries the same flags, point by point, and counts them.
        let flagColumn = try #require(tableRows[0].firstIndex(of: "extrapolation"), "\(tableRows[0])")
        #expect(tableRows.dropFirst().map { $0[flagColumn] } == variationRows.map { "\($0["extrapolation"] as! Bool)" })
        let tableFlagged = variationRows.filter { $0["extrapolation"] as! Bool }.count
        #expect(tabulated.stdout.contains("; \(tableFlagged) flagged as extrapolation"), "\(tabulated.stdout)")
        #expect(!tabulated.stderr.contains("not widened"), "an uncalibrated model's band has no factor to leave out")
        for (option, value, name) in [
            ("--axial-mass", "0.93", "axial_mass_down"), ("--axial-mass", "1.13", "axial_mass_up"), ("--quasielastic-window", "1.5", "window_narrow"),
            ("--quasielastic-window", "2.5", "window_wide")
        ] {
            let column = try #require(tableRows[0].firstIndex(of: "d2sigma_dTdcos_\(name)"), "\(tableRows[0])")
            let moved = try xsnet(
                [
                    "neutrino", "predict", "--model", model, "--energy", "0.8", "--muon-energy", "0.4,0.5,0.6", "--muon-angle", angle, option, value,
                    "--format", "json"
                ] + coarse)
            let expected = (try JSONSerialization.jsonObject(with: Data(moved.stdout.utf8)) as! [[String: Any]]).map {
                $0["d2sigma_dTdcos_cm2_per_GeV"] as! Double
            }
            #expect(tableRows.count == 4 && expected.count == 3)
            for (row, value) in zip(tableRows.dropFirst(), expected) {
                let tabulatedValue = Double(row[column])!
                #expect(abs(tabulatedValue - value) <= 1e-9 * abs(value), "\(name) at T = \(row[2]): \(tabulatedValue) against \(value)")
            }
            for (row, value) in zip(variationRows, expected) {
                let printed = try #require((row["d2sigma_dTdcos_variations"] as? [String: Double])?[name], "\(row)")
                #expect(abs(printed - value) <= 1e-9 * abs(value), "predict --systematics, \(name): \(printed) against \(value)")
            }
        }
        let narrowScaling = try xsnet([
            "neutrino", "scaling", "--model", model, "--q", "0.5", "--omega", "0.2,0.25", "--quasielastic-window", "1", "--format", "json"
        ])
        for node in try JSONSerialization.jsonObject(with: Data(narrowScaling.stdout.utf8)) as! [[String: Any]] {
            let psi = node["psi_prime"] as! Double
            #expect(psi <= 1 ? (node["f_T"] as! Double) > 0 : (node["f_T"] as! Double) == 0, "ψ′ = \(psi), window 1")
        }
        let badWindow = try xsnet(["neutrino", "compare", "miniboone-ccqe", "--model", model, "--quasielastic-window", "4"])
        #expect(badWindow.status != 0 && badWindow.stderr.contains("--quasielastic-window must be in 0.5…3"), "\(badWindow.stderr)")
        let badCell = try xsnet(["neutrino", "compare", "miniboone-ccqe", "--model", model, "--cell", "0.03"])
        #expect(badCell.status != 0 && badCell.stderr.contains("0.1 divided by a whole number"))
        let direct = folder.appendingPathComponent("d.xsnet").path
        #expect(
            try xsnet([
                "train", "--nucleus", "C12", "--datasets", "Barreau:1983ht", "--depth", "1", "--width", "4", "--epochs", "2", "--threads", "1",
                "--out",
                direct
            ]).status == 0)
        let refused = try xsnet(["neutrino", "predict", "--model", direct, "--energy", "0.8", "--muon-energy", "0.3", "--muon-angle", "30"] + coarse)
        #expect(refused.status != 0 && refused.stderr.contains("needs a response-head model"), "\(refused.stderr)")
        let tooFar = try xsnet(["neutrino", "predict", "--model", model, "--energy", "5", "--muon-energy", "0.3", "--muon-angle", "30"])
        #expect(tooFar.status != 0 && tooFar.stderr.contains("(0, 3] GeV"))
    }
}

extension NeutrinoCommandTests {
    /// The generator outputs: `xsnet neutrino tabulate` and the C API (through ctypes) give
    /// `xsnet neutrino predict`'s numbers (the Fermi gas, on a coarse grid), and the C API refuses
    /// misuse with a message.
    @Test func tablesAndTheCAPIGiveThePredictedNumbers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = ["--fermi-gas", "--grid-step", "0.05", "--probe", "numubar"]
        let predict = try xsnet(
            ["neutrino", "predict", "--energy", "0.9", "--muon-energy", "0.6,0.7", "--muon-angle", "25.84193276316713", "--format", "json"] + options)
        #expect(predict.status == 0, "\(predict.stderr)")
        let expected = (try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as! [[String: Any]]).map {
            $0["d2sigma_dTdcos_cm2_per_GeV"] as! Double
        }
        #expect(expected.count == 2 && expected.allSatisfy { $0 > 0 })
        let csv = folder.appendingPathComponent("t.csv").path
        let tabulate = try xsnet(
            ["neutrino", "tabulate", "--energy", "0.9,5.0", "--cos-theta", "0.9", "--muon-energy", "0.6,0.7,0.85", "--out", csv] + options)
        #expect(tabulate.status != 0 && tabulate.stderr.contains("(0, 3] GeV"))
        let table = try xsnet(
            ["neutrino", "tabulate", "--energy", "0.9", "--cos-theta", "0.9", "--muon-energy", "0.6,0.7,0.85", "--out", csv] + options)
        #expect(table.status == 0 && table.stdout.contains("1 unphysical"), "\(table.stdout) \(table.stderr)")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 2)
        for (row, value) in zip(rows, expected) { #expect(abs(Double(row[3])! / value - 1) < 1e-12, "\(row) vs \(value)") }
        let script = """
            import ctypes, sys
            lib = ctypes.CDLL(sys.argv[1]); lib.xsnet_last_error.restype = ctypes.c_char_p
            h = ctypes.c_void_p(); d = ctypes.c_double
            lib.xsnet_neutrino_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, d, d, ctypes.POINTER(ctypes.c_void_p)]
            lib.xsnet_neutrino_predict.argtypes = [ctypes.c_void_p, d, d, d, ctypes.POINTER(d), ctypes.POINTER(d)]
            lib.xsnet_neutrino_close.argtypes = [ctypes.c_void_p]
            print(lib.xsnet_neutrino_open(None, b"C12", -14, 1.03, 0.05, ctypes.byref(h)))
            for T in (0.6, 0.7):
                m, s = d(), d(); print(lib.xsnet_neutrino_predict(h, 0.9, T, 0.9, ctypes.byref(m), ctypes.byref(s)), repr(m.value))
            m = d(); print(lib.xsnet_neutrino_predict(h, 0.9, 0.85, 0.9, ctypes.byref(m), None), lib.xsnet_last_error().decode())
            g = ctypes.c_void_p(); print(lib.xsnet_neutrino_open(None, b"C12", 12, 1.03, 0, ctypes.byref(g)), lib.xsnet_last_error().decode())
            A = d * 2; f = (ctypes.c_int * 2)(7, 7)
            print(lib.xsnet_neutrino_extrapolation(h, ctypes.c_size_t(2), A(0.9, 5.0), A(0.6, 0.6), A(0.9, 0.9), f), list(f), lib.xsnet_last_error().decode())
            print(lib.xsnet_neutrino_extrapolation(h, ctypes.c_size_t(2), A(0.9, 0.9), A(0.6, 0.85), A(1.0, 0.9), f), list(f))
            lib.xsnet_neutrino_close(h); lib.xsnet_neutrino_close(h)
            print(lib.xsnet_neutrino_predict(h, 0.9, 0.6, 0.9, ctypes.byref(m), None), lib.xsnet_last_error().decode())
            """
        let run = try runTool("python3", ["-c", script, CAPITests.library.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "\(run.stdout)")
        #expect(lines[0] == "0")
        for (line, value) in zip(lines[1...2], expected) {
            let parts = line.split(separator: " ")
            #expect(parts[0] == "0" && abs(Double(parts[1])! / value - 1) < 1e-12, "\(line) vs \(value)")
        }
        #expect(lines[3].hasPrefix("2 ") && lines[3].contains("T_mu + m_mu < E_nu"))
        #expect(lines[4].hasPrefix("3 ") && lines[4].contains("probe 12"))
        // The Fermi gas flags nothing; an unphysical point refuses the call and writes nothing.
        #expect(lines[5].hasPrefix("2 [7, 7] xsnet_neutrino_extrapolation: point 1 is unphysical (E_nu=5.0"), "\(lines[5])")
        #expect(lines[6] == "0 [0, 0]", "\(lines[6])")
        #expect(lines[7].hasPrefix("3 ") && lines[7].contains("not an open neutrino model"))
    }
}
