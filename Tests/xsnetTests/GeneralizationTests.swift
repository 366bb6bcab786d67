import Foundation
import Testing
import XSCore
import XSData
import XSModel
import XSTestSupport

/// The generalization study and the response head through the command line, on tiny networks.
@Suite struct GeneralizationTests {
    @Test func studyWritesItsTablesAndResumesFromKeptFolds() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("study").path
        let arguments = [
            "generalization-study", "--out", out, "--recipes", "fast,responses", "--members", "2", "--jobs", "2", "--splits",
            "leave-out:Whitney:1974hr,angle-above:55", "--", "--epochs", "8", "--depth", "1", "--width", "8", "--evaluate-every", "4"
        ]
        let first = try xsnet(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("8 trainings") && first.stderr.contains("left"))  // progress with time left
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/study.json"))) as! [String: Any]
        let folds = json["folds"] as! [[String: Any]]
        #expect(folds.count == 4)
        for fold in folds {
            for key in [
                "split", "recipe", "points", "median_abs_rel_dev", "within_10pct", "within_20pct", "coverage_1sigma", "coverage_2sigma",
                "mean_rel_uncertainty", "floor_median_abs_rel_dev", "own_scale_median_abs_rel_dev", "reference_own_scale_median_abs_rel_dev"
            ] {
                #expect(fold[key] != nil, "folds[].\(key)")
            }
        }
        let whitney = try #require(folds.first { $0["split"] as? String == "leave-out:Whitney:1974hr" && $0["recipe"] as? String == "responses" })
        #expect(whitney["points"] as? Int == 35)  // every Whitney point, and only those
        let backward = try #require(folds.first { $0["split"] as? String == "angle-above:55" })
        #expect(backward["points"] as? Int == 651)
        let summary = json["summary"] as! [[String: Any]]
        #expect(Set(summary.compactMap { $0["family"] as? String }) == ["leave-out", "angle-above:55"])
        #expect(["fast", "responses"].contains(json["default_recipe"] as? String ?? ""))
        // One leave-out fold per recipe: no experiment left to calibrate across.
        #expect((json["calibration"] as? [Any])?.isEmpty == true)
        #expect(FileManager.default.fileExists(atPath: out + "/study.md"))
        #expect(FileManager.default.fileExists(atPath: out + "/figures/responses-leave-out-Whitney-1974hr.svg"))
        #expect(!FileManager.default.fileExists(atPath: out + "/figures/responses-leave-out-Whitney-1974hr.csv"))
        // A second run trains nothing: the kept replicas are the finished folds.
        let second = try xsnet(arguments)
        #expect(second.status == 0 && second.stderr.contains("8 already done"), "\(second.stderr)")
        let again = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/study.json"))) as! [String: Any]
        #expect((again["folds"] as! [[String: Any]]).map { $0["median_abs_rel_dev"] as! Double } == folds.map { $0["median_abs_rel_dev"] as! Double })

        let bad = try xsnet(["generalization-study", "--out", out, "--splits", "angle-above:500"])
        #expect(bad.status != 0 && bad.stderr.contains("not a split"))
    }

    /// Leave-one-experiment-out calibration by hand: three experiments whose points lie 1, 2 and 3
    /// spreads from the data (no data error). At least nominal on {2, 3} or {1, 3} needs c = 3 (2/3
    /// of the points within 1σ), on {1, 2} c = 2; so the first two are covered at 1σ and 2σ, the
    /// third at 2σ only: pooled 2/3 and 1, against 1/3 and 2/3 without calibration.
    @Test func crossExperimentCalibrationByHand() throws {
        func experiment(_ name: String, _ d: Double) -> GeneralizationStudy.HeldOutExperiment {
            .init(
                split: name, deviations: Array(repeating: d, count: 10), dataErrors: Array(repeating: 0, count: 10),
                spreads: Array(repeating: 1, count: 10))
        }
        let experiments = [experiment("a", 1), experiment("b", -2), experiment("c", 3)]
        let c = try #require(GeneralizationStudy.crossExperimentCalibration(recipe: "r", experiments: experiments, rule: .atLeastNominal))
        #expect(abs(c.factor - 3) < 0.006)
        #expect(c.folds.map(\.factor).map { ($0 * 10).rounded() / 10 } == [3, 3, 2])
        #expect(abs(c.coverage_1sigma - 2.0 / 3) < 1e-12 && c.coverage_2sigma == 1)
        #expect(abs(c.coverage_1sigma_uncalibrated - 1.0 / 3) < 1e-12 && abs(c.coverage_2sigma_uncalibrated - 2.0 / 3) < 1e-12)
        #expect(c.points == 30)
        // One experiment cannot be scored by the others.
        #expect(GeneralizationStudy.crossExperimentCalibration(recipe: "r", experiments: [experiments[0]], rule: .closest) == nil)
    }

    @Test func responseModelPrintsItsResponsesAndOthersRefuse() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("r.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--preset", "responses", "--split", "leave-out:Whitney:1974hr", "--datasets",
            "Whitney:1974hr,O'Connell:1987ag", "--depth", "1", "--width", "8", "--epochs", "8", "--threads", "1", "--out", model
        ])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("split leave-out:Whitney:1974hr: 52 train, 35 test"), "\(train.stderr)")
        let predict = try xsnet([
            "predict", "--model", model, "--energy", "0.5", "--angle", "60", "--omega", "0.1,0.2", "--responses", "--format", "json"
        ])
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as! [[String: Any]]
        for row in rows {
            let k = Kinematics(beamEnergy: 0.5, angleDegrees: 60, energyTransfer: row["omega_GeV"] as! Double)
            let RL = row["R_L"] as! Double, RT = row["R_T"] as! Double
            #expect(RL > 0 && RT > 0)
            // σ printed is σ_Mott (v_L R_L + v_T R_T) of the R printed.
            #expect(abs(k.crossSection(longitudinalResponse: RL, transverseResponse: RT) / (row["sigma"] as! Double) - 1) < 1e-12)
            #expect(abs((row["q_GeV"] as! Double) - k.momentumTransfer) < 1e-12)
        }
        let card = try xsnet(["card", "--model", model])
        #expect(card.status == 0 && card.stdout.contains("leave-out:Whitney:1974hr"))
        let other = try xsnet([
            "predict", "--model", PlotCommandTests.model, "--energy", "0.5", "--angle", "60", "--omega", "0.1", "--responses"
        ])
        #expect(other.status != 0 && other.stderr.contains("no response functions"))
        let empty = try xsnet([
            "train", "--nucleus", "C12", "--split", "energy-above:30", "--epochs", "2", "--out", folder.appendingPathComponent("e.xsnet").path
        ])
        #expect(empty.status != 0 && empty.stderr.contains("holds out no point"))
    }

    @Test func theReferenceModelWorksWhereAModelFileDoes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let predict = try xsnet([
            "predict", "--model", "bosted-mamyan", "--nucleus", "Ar40", "--energy", "2.222", "--angle", "15.54", "--omega", "0.3,0.6", "--format",
            "json"
        ])
        #expect(predict.status == 0, "\(predict.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as! [[String: Any]]
        for row in rows {
            let k = Kinematics(beamEnergy: 2.222, angleDegrees: 15.54, energyTransfer: row["omega_GeV"] as! Double)
            #expect(row["sigma"] as? Double == BostedMamyan().crossSection(k, nucleus: Nucleus(Z: 18, A: 40)))
            #expect(row["sigma_std"] is NSNull)
        }
        // On 40 carbon points (every 70th), the report's median is the fit's own.
        let carbon = try ScatteringData.bundled().filtered(nucleus: Nucleus(Z: 6, A: 12)).points
        let some = stride(from: 0, to: carbon.count, by: 70).map { carbon[$0] }
        let file = folder.appendingPathComponent("some.csv")
        try PointsCSV.text(some).write(to: file, atomically: true, encoding: .utf8)
        let pointsOut = folder.appendingPathComponent("points.csv")
        let evaluate = try xsnet(["evaluate", "--model", "bosted-mamyan", "--data", file.path, "--format", "json", "--points-out", pointsOut.path])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let written = try String(contentsOf: pointsOut, encoding: .utf8).split(separator: "\n")
        #expect(written.count == some.count + 1 && written[1].hasPrefix(some[0].dataset))
        let total = (try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any])["total"] as! [String: Any]
        #expect(total["points"] as? Int == some.count)
        let expected = median(some.map { abs(BostedMamyan().crossSection($0.kinematics, nucleus: $0.nucleus)! / $0.crossSection - 1) })
        #expect(abs((total["median_abs_rel_dev"] as! Double) - expected) < 1e-12)
        let plot = folder.appendingPathComponent("p.svg").path
        let drawn = try xsnet([
            "plot", "spectrum", "--model", repositoryRoot.appendingPathComponent("Models/C12.xsnet").path, "--energy", "0.56", "--angle", "36",
            "--compare", "bosted-mamyan", "--out", plot
        ])
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(try String(contentsOfFile: plot, encoding: .utf8).contains("Bosted–Mamyan"))
        // A reference as the main curve: the data with the fit with and without Coulomb distortion.
        let coulomb = folder.appendingPathComponent("pb.svg").path
        let pb = try xsnet([
            "plot", "spectrum", "--model", "bosted-mamyan", "--compare", "bosted-mamyan+coulomb", "--nucleus", "Pb208", "--energy", "0.262",
            "--angle", "143", "--out", coulomb
        ])
        #expect(pb.status == 0, "\(pb.stderr)")
        let svg = try String(contentsOfFile: coulomb, encoding: .utf8)
        #expect(svg.contains("Coulomb (EMA)") && svg.contains("Zghiche:1993xg"))
        let noNucleus = try xsnet(["plot", "spectrum", "--model", "bosted-mamyan", "--energy", "0.262", "--angle", "143", "--out", coulomb])
        #expect(noNucleus.status != 0 && noNucleus.stderr.contains("--nucleus"))
        let other = try xsnet([
            "predict", "--model", repositoryRoot.appendingPathComponent("Models/C12.xsnet").path, "--nucleus", "Fe56", "--energy", "1", "--angle",
            "30", "--omega", "0.1"
        ])
        #expect(other.status != 0 && other.stderr.contains("trained on C12 alone"))
        let shipped = repositoryRoot.appendingPathComponent("Models/C12.xsnet").path
        let wrongNucleus = try xsnet(["evaluate", "--model", shipped, "--nucleus", "Fe56"])
        #expect(wrongNucleus.status != 0 && wrongNucleus.stderr.contains("not Fe56"))
        let ignored = try xsnet(["evaluate", "--model", shipped, "--all-data-sets"])
        #expect(ignored.status != 0 && ignored.stderr.contains("for a reference model"))
        let noSplit = try xsnet(["evaluate", "--model", "bosted-mamyan", "--split", "train"])
        #expect(noSplit.status != 0 && noSplit.stderr.contains("for a model file"))
        let splitOfData = try xsnet(["evaluate", "--model", shipped, "--data", file.path, "--split", "train"])
        #expect(splitOfData.status != 0 && splitOfData.stderr.contains("with --data"))
        let deuteron = try xsnet(["predict", "--model", "bosted-mamyan", "--nucleus", "H2", "--energy", "1", "--angle", "30", "--omega", "0.1"])
        #expect(deuteron.status != 0 && deuteron.stderr.contains("A > 2"))
    }
}
