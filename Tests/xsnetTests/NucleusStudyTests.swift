import Foundation
import Testing
import XSCore
import XSData
import XSModel
import XSTestSupport

/// The any-target model and the leave-one-nucleus-out study through the command line, on tiny
/// networks and five small data sets of five nuclei.
@Suite struct NucleusStudyTests {
    static func smallData(_ folder: URL) throws -> String {
        let keep: Set<String> = ["C12 Whitney:1974hr", "Ca40 Whitney:1974hr", "Pb208 Whitney:1974hr", "O16 O'Connell:1987ag", "He4 Mccarthy:1976re"]
        let points = try ScatteringData.bundled().points.filter { keep.contains("\($0.nucleus.name) \($0.dataset)") }
        let file = folder.appendingPathComponent("small.csv")
        try PointsCSV.text(points).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func studyHoldsOutEachNucleusAndTheModelPredictsAnyNamedNucleus() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.smallData(folder)
        let out = folder.appendingPathComponent("study").path
        let arguments = [
            "nucleus-study", "--out", out, "--data", data, "--nuclei", "Ca40,O16", "--members", "2", "--finetune-epochs", "4",
            "--carbon-model", repositoryRoot.appendingPathComponent("Models/C12.xsnet").path, "--", "--epochs", "4", "--depth", "1", "--width",
            "8", "--evaluate-every", "2"
        ]
        let run = try xsnet(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("4 trainings") && run.stderr.contains("left"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/study.json"))) as! [String: Any]
        let nuclei = json["nuclei"] as! [[String: Any]]
        #expect(nuclei.map { $0["nucleus"] as! String } == ["O16", "Ca40"])
        let counts = ["O16": 51, "Ca40": 27]  // every point with ω ≥ 0.02 GeV of the held-out nucleus
        for row in nuclei {
            for key in [
                "points", "median_abs_rel_dev", "within_10pct", "reference_median_abs_rel_dev", "mass_scaled_carbon_median_abs_rel_dev",
                "reference_scaled_carbon_median_abs_rel_dev", "finetuned_median_abs_rel_dev", "floor_median_abs_rel_dev",
                "own_scale_median_abs_rel_dev",
                "reference_own_scale_median_abs_rel_dev"
            ] {
                #expect(row[key] is Double || row[key] is Int, "nuclei[].\(key)")
            }
            #expect(row["points"] as? Int == counts[row["nucleus"] as! String])
        }
        #expect(FileManager.default.fileExists(atPath: out + "/study.md"))
        #expect(FileManager.default.fileExists(atPath: out + "/figures/any-target-kinematic-prior-Ca40.svg"))
        // The factor on the spread that a nucleus not trained on needs, over the held-out nuclei.
        let calibrations = try #require(json["calibration"] as? [[String: Any]])
        let closest = try #require(calibrations.first { $0["rule"] as? String == "closest" }, "\(calibrations)")
        #expect((closest["folds"] as! [[String: Any]]).map { $0["split"] as! String } == ["O16", "Ca40"])
        let factor = closest["factor"] as! Double
        // An ensemble of the fold without Ca40 takes it for the nuclei it was not trained on (Ca40,
        // Ar40): their spread grows by the factor (2 members, as in the study), their points carry no
        // measured setting; O16, which it was trained on, keeps the band it had.
        let ensemble = folder.appendingPathComponent("e.xsnet").path, replicas = out + "/folds/any-target-kinematic-prior/Ca40/replica-"
        let build = try xsnet(["ensemble", "build", "--out", ensemble, "--data", data, replicas + "0.xsnet", replicas + "1.xsnet"])
        try #require(build.status == 0, "\(build.stderr)")
        func spreads(_ nucleus: String) throws -> [(std: Double, measured: Any?)] {
            let r = try xsnet([
                "predict", "--model", ensemble, "--nucleus", nucleus, "--energy", "0.56", "--angle", "60", "--omega", "0.1,0.2", "--format", "json"
            ])
            return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]).map {
                ($0["sigma_std"] as! Double, $0["at_measured_setting"])
            }
        }
        let before = try ["Ca40", "Ar40", "O16"].map(spreads)
        let calibrate = try xsnet(["calibrate", "--model", ensemble, "--across-nuclei", out, "--rule", "closest", "--data", data])
        #expect(calibrate.status == 0 && calibrate.stdout.contains("on a nucleus not trained on"), "\(calibrate.stderr)")
        let after = try ["Ca40", "Ar40", "O16"].map(spreads)
        for (n, (b, a)) in zip(before, after).enumerated() {
            for (x, y) in zip(b, a) {
                #expect(abs(y.std / x.std - (n < 2 ? factor : 1)) < 1e-9, "nucleus \(n): \(x.std) → \(y.std), factor \(factor)")
                if n < 2 { #expect(y.measured == nil) }
            }
        }
        let single = try xsnet(["calibrate", "--model", replicas + "0.xsnet", "--across-nuclei", out, "--data", data])
        #expect(single.status != 0 && single.stderr.contains("not an ensemble"), "\(single.stderr)")
        // Carbon's own baselines do not exist: the keys are there, null.
        let carbon = try xsnet(arguments.map { $0 == "Ca40,O16" ? "C12" : $0 })
        #expect(carbon.status == 0, "\(carbon.stderr)")
        let carbonJSON = try String(contentsOfFile: out + "/study.json", encoding: .utf8)
        #expect(carbonJSON.contains("\"mass_scaled_carbon_median_abs_rel_dev\" : null"))
        #expect(carbonJSON.contains("\"reference_scaled_carbon_median_abs_rel_dev\" : null"))

        // A model of every nucleus predicts one it never saw, named; unnamed, it asks for one.
        let model = out + "/folds/any-target-kinematic-prior/Ca40/replica-0.xsnet"
        let argon = try xsnet([
            "predict", "--model", model, "--nucleus", "Ar40", "--energy", "2.222", "--angle", "15.54", "--omega", "0.3,0.6", "--format", "json"
        ])
        #expect(argon.status == 0, "\(argon.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(argon.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 2 && rows.allSatisfy { ($0["sigma"] as! Double) > 0 })
        // No argon data: every prediction is flagged, and predict, tabulate and the neutrino predictions say why in the same words.
        let argonReason = "model has no training points of Ar40: every prediction is an extrapolation in the nucleus"
        #expect(rows.allSatisfy { $0["extrapolation"] as! Bool })
        let argonTable = try xsnet(["predict", "--model", model, "--nucleus", "Ar40", "--energy", "2.222", "--angle", "15.54", "--omega", "0.3"])
        #expect(argonTable.status == 0 && argonTable.stderr.contains(argonReason), "\(argonTable.stderr)")
        let unnamed = try xsnet(["predict", "--model", model, "--energy", "2.222", "--angle", "15.54", "--omega", "0.3"])
        #expect(unnamed.status != 0 && unnamed.stderr.contains("--nucleus"))
        let evaluate = try xsnet(["evaluate", "--model", model, "--data", data, "--format", "json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let table = folder.appendingPathComponent("ar.csv").path
        let tabulate = try xsnet([
            "tabulate", "--model", model, "--nucleus", "Ar40", "--energy", "2.222", "--angle", "15.54", "--omega", "0.3,0.6", "--out", table
        ])
        #expect(tabulate.status == 0 && tabulate.stdout.contains(argonReason), "\(tabulate.stdout)\(tabulate.stderr)")
        // The C API: a model of every nucleus opens for a named nucleus and predicts what the command line does.
        if toolExists("python3") && FileManager.default.fileExists(atPath: CAPITests.library.path) {
            let script = """
                import ctypes, sys
                lib = ctypes.CDLL(sys.argv[1]); lib.xsnet_last_error.restype = ctypes.c_char_p; lib.xsnet_nucleus.restype = ctypes.c_char_p
                h = ctypes.c_void_p(); D = ctypes.c_double; m = D()
                print(lib.xsnet_open(sys.argv[2].encode(), ctypes.byref(h)), lib.xsnet_last_error().decode())
                print(lib.xsnet_open_nucleus(sys.argv[2].encode(), b"Xx99", ctypes.byref(h)))
                print(lib.xsnet_open_nucleus(sys.argv[2].encode(), b"40Ar", ctypes.byref(h)), lib.xsnet_nucleus(h).decode())
                print(lib.xsnet_predict(h, D(2.222), D(15.54), D(0.3), ctypes.byref(m), None), repr(m.value))
                """
            let r = try runTool("python3", ["-c", script, CAPITests.library.path, model])
            let lines = r.stdout.split(separator: "\n").map(String.init)
            #expect(r.status == 0 && lines.count == 4, "\(r.stdout) \(r.stderr)")
            if lines.count == 4 {
                #expect(lines[0].hasPrefix("3 ") && lines[0].contains("name the one to predict"))
                #expect(lines[1] == "3" && lines[2] == "0 Ar40")
                let c = Double(lines[3].split(separator: " ")[1])!
                #expect(lines[3].hasPrefix("0 ") && abs(c / (rows[0]["sigma"] as! Double) - 1) < 1e-12)
            }
        }
        // Its spectrum of a nucleus it was trained on marks the points it fitted (the any-target
        // keys `O16/<data set>` mapped back: all were drawn "not fitted" before).
        let svg = folder.appendingPathComponent("o16.svg").path
        let plot = try xsnet([
            "plot", "spectrum", "--model", model, "--nucleus", "O16", "--energy", "0.737", "--angle", "37.1", "--data", data, "--out", svg
        ])
        #expect(plot.status == 0, "\(plot.stderr)")
        let series = try String(contentsOfFile: folder.appendingPathComponent("o16.csv").path, encoding: .utf8)
        #expect(series.contains("O'Connell:1987ag (fitted)"), "\(series.prefix(400))")
        // Neutrinos on argon through the same model (its reduced functions for ⁴⁰Ar).
        let neutrino = try xsnet([
            "neutrino", "predict", "--model", model, "--nucleus", "Ar40", "--energy", "1", "--muon-energy", "0.5", "--muon-angle", "30",
            "--grid-step", "0.1", "--format", "json"
        ])
        #expect(neutrino.status == 0 && neutrino.stderr.contains(argonReason), "\(neutrino.stderr)")
        let neutrinoRows = try JSONSerialization.jsonObject(with: Data(neutrino.stdout.utf8)) as! [[String: Any]]
        #expect(neutrinoRows.allSatisfy { $0["extrapolation"] as? Bool == true })
        let neutrinoTable = try xsnet([
            "neutrino", "tabulate", "--model", model, "--nucleus", "Ar40", "--energy", "1", "--cos-theta", "0.9", "--muon-energy", "0.5",
            "--grid-step", "0.1", "--out", folder.appendingPathComponent("nu.csv").path
        ])
        #expect(neutrinoTable.status == 0 && neutrinoTable.stdout.contains(argonReason), "\(neutrinoTable.stdout)\(neutrinoTable.stderr)")
        let bad = try xsnet(["nucleus-study", "--out", out, "--recipes", "fast"])
        #expect(bad.status != 0 && bad.stderr.contains("not a recipe for every nucleus"))
    }

    /// The default recipe of a model of every nucleus bounds its correction to the fit to a factor
    /// e³: unbounded, the shipped model gave 5 × 10¹⁶⁰ nb/sr/GeV for argon at 4.6 GeV, 145°, and a
    /// generator's grid was refused. `--reference-correction-bound none` trains the unbounded recipe
    /// that the older studies measured.
    @Test func theDefaultModelOfEveryNucleusBoundsItsCorrectionUnlessToldNone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Self.smallData(folder)
        func trainedBound(_ extra: [String]) throws -> Double? {
            let out = folder.appendingPathComponent("m\(extra.count).xsnet").path
            let run = try xsnet(
                ["train", "--nucleus", "any", "--data", data, "--out", out, "--epochs", "2", "--depth", "1", "--width", "8", "--quiet"] + extra)
            try #require(run.status == 0, "\(run.stderr)")
            return try CrossSectionModel.load(URL(fileURLWithPath: out)).info.config.referenceCorrectionBound
        }
        #expect(try trainedBound([]) == 3)
        #expect(try trainedBound(["--reference-correction-bound", "none"]) == nil)
        #expect(try trainedBound(["--reference-correction-bound", "10"]) == 10)
        #expect(try trainedBound(["--preset", "any-target-prior"]) == TrainingConfig.defaultReferenceCorrectionBound)
        let carbon = folder.appendingPathComponent("prior.xsnet").path
        let prior = try xsnet([
            "train", "--nucleus", "C12", "--preset", "prior", "--datasets", "Barreau:1983ht", "--out", carbon, "--epochs", "2", "--depth", "1",
            "--width", "8", "--quiet"
        ])
        try #require(prior.status == 0, "\(prior.stderr)")
        #expect(try CrossSectionModel.load(URL(fileURLWithPath: carbon)).info.config.referenceCorrectionBound == 10)
        let bad = try xsnet([
            "train", "--nucleus", "any", "--out", folder.appendingPathComponent("x.xsnet").path, "--reference-correction-bound", "huge"
        ])
        #expect(bad.status != 0 && bad.stderr.contains("--reference-correction-bound"), "\(bad.stderr)")
    }
}

/// New data in, model updated: a tiny carbon model trained without one experiment learns it.
@Suite struct UpdateCommandTests {
    @Test func anUpdatedModelLearnsTheNewDataAndKeepsThem() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.xsnet").path, updated = folder.appendingPathComponent("u.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--preset", "responses", "--datasets", "Whitney:1974hr,Sealock:1989nx", "--depth", "1", "--width",
            "8", "--epochs", "40", "--threads", "1", "--reference-pseudo-points", "30", "--quiet", "--out", model
        ])
        #expect(train.status == 0, "\(train.stderr)")
        let csv = folder.appendingPathComponent("oconnell.csv").path
        let show = try xsnet(["data", "show", "--nucleus", "C12", "--dataset", "O'Connell:1987ag", "--out", csv])
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count
        #expect(show.status == 0 && lines == 55, "\(show.stderr)")
        let figure = folder.appendingPathComponent("update.svg").path
        let run = try xsnet(["update", "--model", model, "--data", csv, "--out", updated, "--epochs", "40", "--figure", figure, "--format", "json"])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(report["new_datasets"] as? [String] == ["O'Connell:1987ag"])
        let rows = report["datasets"] as! [[String: Any]]
        let new = try #require(rows.first { $0["dataset"] as? String == "O'Connell:1987ag" })
        #expect(new["new"] as? Bool == true && new["points"] as? Int == 52)
        // The two delivered points below the model's ω cut are counted, not dropped silently.
        #expect(report["new_points_delivered"] as? Int == 54)
        #expect(report["new_points_removed_by_cut"] as? [String: Int] == ["O'Connell:1987ag": 2])
        let text = try xsnet(["update", "--model", model, "--data", csv, "--out", folder.appendingPathComponent("t.xsnet").path, "--epochs", "2"])
        #expect(text.stdout.contains("The model's ω cut removed 2 of the 54 delivered points (O'Connell:1987ag 2)"), "\(text.stdout)")
        #expect((new["median_abs_rel_dev_after"] as! Double) < (new["median_abs_rel_dev_before"] as! Double))
        #expect(report["shift_median_elsewhere"] is Double && report["seconds"] is Double)
        let svg = try String(contentsOfFile: figure, encoding: .utf8)
        #expect(svg.contains("before the update"))
        // The updated model re-selects its data (the new set kept in the file) and is evaluated on them.
        let evaluate = try xsnet(["evaluate", "--model", updated, "--split", "all", "--format", "json"])
        try #require(evaluate.status == 0, "\(evaluate.stderr)")
        let datasets = (try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any])["datasets"] as! [[String: Any]]
        #expect(Set(datasets.map { $0["dataset"] as! String }) == ["O'Connell:1987ag", "Sealock:1989nx", "Whitney:1974hr"])
        // The update keeps the model's recipe, its pseudo-data of the fit included (fine-tuning to
        // another nucleus leaves them behind).
        let card = try xsnet(["card", "--model", updated])
        #expect(card.stdout.contains("30 Bosted–Mamyan pseudo-points"), "\(card.stdout)")
        // Another nucleus's data cannot update a carbon model.
        let iron = folder.appendingPathComponent("fe.csv").path
        _ = try xsnet(["data", "show", "--nucleus", "Fe56", "--dataset", "Sealock:1989nx", "--out", iron])
        let wrong = try xsnet(["update", "--model", model, "--data", iron, "--out", folder.appendingPathComponent("w.xsnet").path])
        #expect(wrong.status != 0 && wrong.stderr.contains("describes C12 only"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("w.xsnet").path))
    }

    /// A model whose split holds a region out by rule would not train on delivered points there:
    /// the update refuses instead of ignoring them.
    @Test func anUpdateRefusesDataItsModelsSplitHoldsOut() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.xsnet").path, updated = folder.appendingPathComponent("u.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--preset", "responses", "--datasets", "Whitney:1974hr,O'Connell:1987ag", "--split",
            "leave-out:O'Connell:1987ag", "--depth", "1", "--width", "8", "--epochs", "10", "--threads", "1", "--quiet", "--out", model
        ])
        try #require(train.status == 0, "\(train.stderr)")
        let csv = folder.appendingPathComponent("oconnell.csv").path
        #expect(try xsnet(["data", "show", "--nucleus", "C12", "--dataset", "O'Connell:1987ag", "--out", csv]).status == 0)
        let run = try xsnet(["update", "--model", model, "--data", csv, "--out", updated, "--epochs", "2"])
        #expect(run.status != 0 && run.stderr.contains("split leave-out:O'Connell:1987ag holds out 52 of the 52 delivered points"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: updated))
    }

    /// Continued training moves the old data sets even when the new data ask nothing of them
    /// (re-delivering a data set the shipped network had moved two others by 1 point,
    /// docs/update.md); `--anchor-error` holds each member near its own predictions there.
    @Test func theAnchorHoldsTheOldDataSetsWhereTheNewDataAskNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--preset", "responses", "--datasets", "Whitney:1974hr,Sealock:1989nx,O'Connell:1987ag", "--depth", "1",
            "--width", "8", "--epochs", "60", "--threads", "1", "--quiet", "--out", model
        ])
        try #require(train.status == 0, "\(train.stderr)")
        // A data set the model already has, delivered again: a new version identical to the old.
        let csv = folder.appendingPathComponent("whitney.csv").path
        #expect(try xsnet(["data", "show", "--nucleus", "C12", "--dataset", "Whitney:1974hr", "--out", csv]).status == 0)
        func update(_ extra: [String]) throws -> [String: Any] {
            let run = try xsnet(
                [
                    "update", "--model", model, "--data", csv, "--out", folder.appendingPathComponent("u.xsnet").path, "--epochs", "40",
                    "--learning-rate", "0.01", "--format", "json"
                ] + extra)
            try #require(run.status == 0, "\(run.stderr)")
            return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        }
        let free = try update(["--no-anchor"]), anchored = try update(["--anchor-error", "0.01", "--anchor-release", "0"])
        #expect(free["anchor_error"] == nil && free["anchor_release"] == nil)
        #expect(anchored["anchor_error"] as? Double == 0.01 && anchored["anchor_release"] == nil)
        // The default anchor lets go near the new data (here the re-delivered Whitney's own region).
        let byDefault = try update([])
        #expect(byDefault["anchor_error"] as? Double == 0.01 && byDefault["anchor_release"] as? Double == 0.2)
        let moved = free["shift_median_elsewhere"] as! Double, held = anchored["shift_median_elsewhere"] as! Double
        #expect(moved > 0.01, "the update without an anchor should move the other data sets (moved \(moved))")
        #expect(held < moved / 3, "anchored \(held) against \(moved) without")
        let bad = try xsnet(["update", "--model", model, "--data", csv, "--out", folder.appendingPathComponent("b.xsnet").path, "--anchor-error", "0"]
        )
        #expect(bad.status != 0 && bad.stderr.contains("--anchor-error must be a finite number > 0"))
        let both = try xsnet(
            [
                "update", "--model", model, "--data", csv, "--out", folder.appendingPathComponent("b.xsnet").path, "--no-anchor", "--anchor-error",
                "0.01"
            ])
        #expect(both.status != 0 && both.stderr.contains("give one or the other"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.xsnet").path))
    }
}
