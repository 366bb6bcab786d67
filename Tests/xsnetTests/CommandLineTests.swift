import Foundation
import Testing
import XSData
import XSModel
import XSNN
import XSTestSupport

/// The built `xsnet` binary, next to the test bundle.
/// python3 with NumPy, for the tests that read xsnet's .npz tables.
let numpyAvailable = (try? runTool("python3", ["-c", "import numpy"]).status) == 0

let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("xsnet")

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func xsnet(_ arguments: [String], in folder: URL? = nil) throws -> RunResult {
    try runTool(binary.path, arguments, in: folder)
}

/// Two tiny replicas (Whitney 1974 and Sealock 1989, 2 × 8, 6 epochs) trained into `folder` as
/// `r0.xsnet`, `r1.xsnet` with `options` added; their paths, and each run for its own checks.
func tinyReplicas(in folder: URL, _ options: [String] = []) throws -> (paths: [String], runs: [RunResult]) {
    var paths: [String] = [], runs: [RunResult] = []
    for i in 0..<2 {
        let path = folder.appendingPathComponent("r\(i).xsnet").path
        runs.append(
            try xsnet(
                [
                    "train", "--nucleus", "C12", "--datasets", "Whitney:1974hr,Sealock:1989nx", "--depth", "2", "--width", "8",
                    "--epochs", "6", "--evaluate-every", "2", "--threads", "1", "--replica", "\(i)", "--of", "2", "--out", path
                ] + options))
        paths.append(path)
    }
    return (paths, runs)
}

/// Runs a program (a path, or a name looked up on the PATH) and collects its output.
func runTool(_ program: String, _ arguments: [String], in folder: URL? = nil) throws -> RunResult {
    let process = Process()
    if program.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    if let folder { process.currentDirectoryURL = folder }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

@Suite struct CommandLineTests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "expected the xsnet binary at \(binary.path)")
    }

    @Test func helpParagraphsWrapOnlyWhereTheWidthForcesThem() throws {
        // Greedy wrapping to lines under 80 columns: a prose line is broken only when the next word would
        // not fit. A break anywhere else is a hard break in the source, mid-sentence.
        for command in [
            "train", "evaluate", "predict", "calibrate", "committee", "ensemble", "finetune", "transfer-study", "card", "report", "bench", "data",
            "plot"
        ] {
            let r = try xsnet([command, "--help"])
            #expect(r.status == 0, "\(command): \(r.stderr)")
            let text = r.stdout.components(separatedBy: "USAGE:")[0]
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst())
            where !line.isEmpty && !line.hasPrefix(" ") && !next.isEmpty && !next.hasPrefix(" ")
                && !next.hasPrefix("- ") && !line.hasSuffix(":")
            {
                let nextWord = next.split(separator: " ").first.map(String.init) ?? ""
                #expect(line.count + 1 + nextWord.count >= 80, "\(command) --help breaks early: \"\(line)\" / \"\(next)\"")
            }
        }
    }

    @Test func dataSummaryJSONFromAnyFolder() throws {
        let r = try xsnet(["data", "summary", "--format", "json"], in: FileManager.default.temporaryDirectory)
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let nuclei = json["nuclei"] as! [[String: Any]]
        #expect(nuclei.map { $0["nucleus"] as! String }.contains("C12"))
        let carbon = nuclei.first { $0["nucleus"] as! String == "C12" }!
        #expect(carbon["points"] as! Int == 2880 && carbon["Z"] as! Int == 6 && carbon["A"] as! Int == 12)
        #expect((carbon["datasets"] as! [Any]).count == 11)
    }

    @Test func dataShowRefusesAnUnknownDataset() throws {
        let r = try xsnet(["data", "show", "--nucleus", "C12", "--dataset", "Nope:1900"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Barreau:1983ht"))
    }

    @Test func badUserCSVIsRefusedWithFileAndLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("mine.csv")
        try (PointsCSV.header + "\nC12,6,12,0.56,36.0,0.1,1200.0,30.0,K\nC12,6,12,0.56,36.0,abc,1.0,1.0,K\n").write(
            to: file, atomically: true, encoding: .utf8)
        let r = try xsnet(["data", "summary", "--data", file.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("mine.csv:3: omega_GeV is not a number"))
    }

    @Test func trainEvaluatePredictRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("tiny.xsnet").path
        let train = try xsnet([
            "train", "--nucleus", "C12", "--datasets", "Whitney:1974hr,O'Connell:1987ag", "--depth", "2", "--width", "8",
            "--epochs", "12", "--evaluate-every", "4", "--threads", "1", "--out", model
        ])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("O'Connell:1987ag 2"))  // the ω cut is reported per data set
        #expect(train.stderr.contains("left"))  // progress with time left
        #expect(FileManager.default.fileExists(atPath: model + ".log.csv"))
        #expect(!FileManager.default.fileExists(atPath: model + ".checkpoint"))

        let evaluate = try xsnet(["evaluate", "--model", model, "--split", "test", "--format", "json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(evaluate.stdout.utf8)) as! [String: Any]
        let total = json["total"] as! [String: Any]
        for key in ["points", "chi2_per_point", "median_abs_rel_dev", "within_10pct"] { #expect(total[key] != nil, "total.\(key)") }
        #expect((json["datasets"] as! [Any]).count == 2)
        // The floor: what the truth would score on the same points, against the data as published
        // (scales drawn from Δλ_k) above the one with every scale known.
        let floor = try #require(json["floor"] as? [String: Any]), known = try #require(json["floor_known_scale"] as? [String: Any])
        #expect((floor["median_abs_rel_dev"] as! Double) > (known["median_abs_rel_dev"] as! Double))
        #expect((json["datasets"] as! [[String: Any]]).allSatisfy { $0["floor"] is [String: Any] })

        let predict = try xsnet(["predict", "--model", model, "--energy", "0.5", "--angle", "60", "--omega", "0.05:0.25:0.05", "--format", "csv"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.split(separator: "\n").count == 6)  // header + 5 points
        let perCos = try xsnet([
            "predict", "--model", model, "--energy", "0.5", "--angle", "60", "--omega", "0.1", "--form", "dcostheta", "--format", "json"
        ])
        let perOmega = try xsnet(["predict", "--model", model, "--energy", "0.5", "--angle", "60", "--omega", "0.1", "--format", "json"])
        let a = (try JSONSerialization.jsonObject(with: Data(perCos.stdout.utf8)) as! [[String: Any]])[0]["sigma"] as! Double
        let b = (try JSONSerialization.jsonObject(with: Data(perOmega.stdout.utf8)) as! [[String: Any]])[0]["sigma"] as! Double
        #expect(abs(a / b - 2 * Double.pi) < 1e-9)

        for bad in [
            ["--energy", "0.5", "--angle", "60", "--omega", "0.6"], ["--energy=-1", "--angle", "60", "--omega", "0.1"],
            ["--energy", "0.5", "--angle", "180", "--omega", "0.1"], ["--energy", "nan", "--angle", "60", "--omega", "0.1"]
        ] {
            let r = try xsnet(["predict", "--model", model] + bad)
            #expect(r.status != 0 && r.stderr.contains("unphysical"), "\(bad): \(r.stderr)")
        }
        let far = try xsnet(["predict", "--model", model, "--energy", "10", "--angle", "60", "--omega", "1"])
        #expect(far.stdout.contains("yes") && far.stderr.contains("extrapolation"))
    }

    @Test func replicasWithAValidationPartBuildACalibratedEnsemble() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replicas, runs) = try tinyReplicas(in: folder, ["--validation-fraction", "0.2"])
        for r in runs {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("validation"))
        }
        // The machine it was trained on names the OpenBLAS kernel: a retrain gives the same bits only with it.
        let machine = try CrossSectionModel.load(URL(fileURLWithPath: replicas[0])).info.training?.machine ?? ""
        #expect(machine.hasSuffix(", OpenBLAS \(BLAS.kernel) kernels") && !BLAS.kernel.isEmpty, "\(machine)")
        let ensemble = folder.appendingPathComponent("e.xsnet").path
        let build = try xsnet(["ensemble", "build", "--out", ensemble] + replicas)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("spread calibrated: at measured (E, θ) settings c = "), "\(build.stderr)")
        // The ensemble records the command that merged it (the report describes it by it).
        #expect(try CrossSectionModel.load(URL(fileURLWithPath: ensemble)).info.ensembleCommand?.hasPrefix("xsnet ensemble build --out ") == true)
        let calibrated = try xsnet(["evaluate", "--model", ensemble, "--split", "validation"])
        #expect(calibrated.stdout.contains("validation points)"), "\(calibrated.stdout)")
        #expect(calibrated.stdout.contains("coverage had other spectra been measured: 1σ"), "\(calibrated.stdout)")
        let json = try xsnet(["evaluate", "--model", ensemble, "--split", "validation", "--format", "json"]).stdout
        #expect(json.contains("\"coverage_1sigma_interval\"") && json.contains("\"coverage_spectra\""), "\(json)")
        let raw = try xsnet([
            "evaluate", "--model", ensemble, "--split", "validation", "--uncalibrated", "--points-out", folder.appendingPathComponent("p.csv").path
        ])
        #expect(raw.stdout.contains("uncalibrated"))
        let rows = try String(contentsOfFile: folder.appendingPathComponent("p.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(rows.first?.hasPrefix("dataset,E_GeV,theta_deg,omega_GeV,sigma,sigma_error,mean,sigma_model") == true)
        // Recalibrating into another file; a single network has no spread to calibrate.
        let again = try xsnet(["calibrate", "--model", ensemble, "--out", folder.appendingPathComponent("e2.xsnet").path])
        #expect(again.status == 0 && again.stdout.contains("c = "), "\(again.stderr)")
        // The rule is chosen by --rule and named on the card; an unknown one is refused.
        let closest = folder.appendingPathComponent("e3.xsnet").path
        #expect(try xsnet(["calibrate", "--model", ensemble, "--rule", "closest", "--out", closest]).status == 0)
        #expect(try xsnet(["card", "--model", closest]).stdout.contains("rule: c minimizes"))
        // Building with that rule gives the same factors as re-calibrating afterwards.
        let builtClosest = folder.appendingPathComponent("e4.xsnet").path
        let built = try xsnet(["ensemble", "build", "--calibration-rule", "closest", "--out", builtClosest] + replicas)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try xsnet(["card", "--model", builtClosest]).stdout.contains("rule: c minimizes"))
        let factors = { (path: String) throws -> String in
            try xsnet(["evaluate", "--model", path]).stdout.split(separator: "\n").first { $0.contains("spread ×") }.map(String.init) ?? ""
        }
        #expect(try factors(builtClosest) == factors(closest) && !(try factors(closest)).isEmpty)
        let card = try xsnet(["card", "--model", ensemble]).stdout
        #expect(card.contains("rule: c is the smallest factor"))
        #expect(card.contains("The floor, what a model equal to the truth would score") && card.contains("with every scale known median"))
        let unknown = try xsnet(["calibrate", "--model", ensemble, "--rule", "widest"])
        #expect(
            unknown.status != 0 && unknown.stderr.contains("'widest'") && unknown.stderr.contains("at-least-nominal")
                && unknown.stderr.contains("closest"), "\(unknown.stderr)")
        let single = try xsnet(["calibrate", "--model", replicas[0]])
        #expect(single.status != 0 && single.stderr.contains("no spread"), "\(single.stderr)")
        // The factor away from the measured settings from a study's calibration across experiments
        // (three experiments 1, 2 and 3 spreads off: c = 3 on 3-member ensembles), carried to two
        // members by c₄(3)/c₄(2) = 0.886227/0.797885; the factor at the measured settings stays.
        let studyFolder = folder.appendingPathComponent("study")
        try FileManager.default.createDirectory(at: studyFolder, withIntermediateDirectories: true)
        let experiments = [1.0, -2, 3].enumerated().map { i, d in
            GeneralizationStudy.HeldOutExperiment(
                split: "leave-out:\(i)", deviations: Array(repeating: d, count: 10), dataErrors: Array(repeating: 0, count: 10),
                spreads: Array(repeating: 1, count: 10))
        }
        let entry = try #require(GeneralizationStudy.crossExperimentCalibration(recipe: "fast", experiments: experiments, rule: .atLeastNominal))
        let study = GeneralizationStudy.Study(
            command: "test", nucleus: "C12", members: 3, recipes: ["fast": ["--preset", "fast"]], reference: nil, folds: [], summary: [],
            calibration: [entry], default_recipe: "fast", seconds: 0, replica_training_seconds: 0)
        try JSONEncoder().encode(study).write(to: studyFolder.appendingPathComponent("study.json"))
        let across = folder.appendingPathComponent("e5.xsnet").path
        let carried = try xsnet(["calibrate", "--model", ensemble, "--across-experiments", studyFolder.path, "--out", across])
        #expect(carried.status == 0 && carried.stdout.contains("across the 3 experiments left out"), "\(carried.stderr)")
        let before = try CrossSectionModel.load(URL(fileURLWithPath: ensemble)).info.calibration
        let after = try #require(try CrossSectionModel.load(URL(fileURLWithPath: across)).info.calibration)
        #expect(after.atMeasuredSettings == before?.atMeasuredSettings)
        #expect(abs((after.elsewhere?.scale ?? 0) - entry.factor * 0.886227 / 0.797885) < 1e-5)
        #expect(try xsnet(["evaluate", "--model", across]).stdout.contains("points of experiments left out of a generalization study"))
        let otherRecipe = try xsnet(["calibrate", "--model", ensemble, "--across-experiments", studyFolder.path, "--recipe", "paper"])
        #expect(otherRecipe.status != 0 && otherRecipe.stderr.contains("no calibration across experiments for recipe `paper`"))
        let notEnsemble = try xsnet(["calibrate", "--model", replicas[0], "--across-experiments", studyFolder.path])
        #expect(notEnsemble.status != 0 && notEnsemble.stderr.contains("not an ensemble"), "\(notEnsemble.stderr)")
        let noValidation = try xsnet(["evaluate", "--model", PlotCommandTests.model, "--split", "validation"])
        #expect(noValidation.status != 0 && noValidation.stderr.contains("empty"))
    }

    @Test func crossFittedCalibrationOfAnEnsemble() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = ["--datasets", "Barreau:1983ht,Sealock:1989nx", "--depth", "2", "--width", "8", "--epochs", "4", "--evaluate-every", "2"]
        let out = folder.appendingPathComponent("e.xsnet").path
        let r = try xsnet(["ensemble", "train", "--replicas", "2", "--jobs", "2", "--calibration-folds", "2", "--out", out, "--"] + tiny)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("fold 1 replica 1 done: 6/6") || r.stderr.contains("done: 6/6"), "\(r.stderr)")
        #expect(r.stderr.contains("2 folds hold out") && r.stderr.contains("out-of-fold points"), "\(r.stderr)")
        // The ensemble trains on the whole training part; each fold's members without their fold.
        let report = try xsnet(["evaluate", "--model", out]).stdout
        #expect(report.contains("out-of-fold points of 2-fold cross-fitting") && report.contains("2 networks"), "\(report)")
        let member = try xsnet(["card", "--model", folder.appendingPathComponent("e.xsnet.replicas/fold-1/replica-0.xsnet").path]).stdout
        #expect(member.contains("--without-fold 1/2"), "\(member)")
        let whole = try xsnet(["card", "--model", out]).stdout
        func trainCount(_ card: String) -> Int? {
            card.split(separator: "\n").first { $0.hasPrefix("| split |") }.flatMap { line in
                line.components(separatedBy: ": ").last?.split(separator: " ").first.flatMap { Int($0) }
            }
        }
        #expect((trainCount(member) ?? 0) > 0 && (trainCount(member) ?? 0) < (trainCount(whole) ?? 0), "\(member)\n\(whole)")
        // Refused: a validation part as well, and a fold out of range.
        let both = try xsnet(["ensemble", "train", "--replicas", "2", "--calibration-folds", "2", "--out", out, "--", "--validation-fraction", "0.1"])
        #expect(both.status != 0 && both.stderr.contains("leave --validation-fraction out"), "\(both.stderr)")
        let bad = try xsnet(["train", "--without-fold", "2/2", "--out", out])
        #expect(bad.status != 0 && bad.stderr.contains("--without-fold"), "\(bad.stderr)")
    }

    @Test func crossFittedCalibrationOfAnMCDropoutModel() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = [
            "--nucleus", "C12", "--datasets", "Barreau:1983ht,Sealock:1989nx", "--depth", "2", "--width", "8", "--epochs", "4",
            "--evaluate-every", "2", "--threads", "1", "--dropout", "0.1"
        ]
        let a = folder.appendingPathComponent("a.xsnet").path, b = folder.appendingPathComponent("b.xsnet").path
        let trained = try xsnet(["train"] + tiny + ["--calibration-folds", "2", "--out", a])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(
            trained.stderr.contains("2 folds hold out") && trained.stderr.contains("cross-fitting fold 2/2 done")
                && trained.stderr.contains("out-of-fold points"), "\(trained.stderr)")
        // Training first and calibrating afterwards draws the same folds and gives the same factors.
        #expect(try xsnet(["train"] + tiny + ["--quiet", "--out", b]).status == 0)
        let oof = folder.appendingPathComponent("oof.csv").path
        let later = try xsnet(["calibrate", "--model", b, "--folds", "2", "--points-out", oof])
        #expect(later.status == 0, "\(later.stderr)")
        let rows = try String(contentsOfFile: oof, encoding: .utf8).split(separator: "\n")
        #expect(rows.first?.hasPrefix("fold,dataset,E_GeV,theta_deg,omega_GeV") == true && rows.count > 20)
        let reportA = try xsnet(["evaluate", "--model", a]).stdout, reportB = try xsnet(["evaluate", "--model", b]).stdout
        #expect(reportA.contains("out-of-fold points of 2-fold cross-fitting"), "\(reportA)")
        #expect(reportA.split(separator: "\n").last == reportB.split(separator: "\n").last)
        // Refused: cross-fitting with a validation part, and a model without a spread.
        let both = try xsnet(["train"] + tiny + ["--calibration-folds", "2", "--validation-fraction", "0.1", "--out", b])
        #expect(both.status != 0 && both.stderr.contains("leave out --validation-fraction"), "\(both.stderr)")
        let plain = try xsnet(["calibrate", "--model", PlotCommandTests.model, "--folds", "2"])
        #expect(plain.status != 0 && plain.stderr.contains("MC-dropout model"), "\(plain.stderr)")
    }

    @Test func corruptModelFileIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.xsnet")
        // Magic, version 1, a header of 500 bytes that is not there.
        try Data(Array("XSNETMDL".utf8) + [1, 0, 0, 0, 0xF4, 0x01, 0, 0] + Array("{\"format\"".utf8)).write(to: file)
        let r = try xsnet(["predict", "--model", file.path, "--energy", "1", "--angle", "30", "--omega", "0.1"])
        #expect(r.status != 0 && r.stderr.contains("truncated"))
    }
}

/// Whether a command-line tool is on the PATH.
func toolExists(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}

@Suite struct PredictCalibrationTests {
    @Test func predictionsSayWhichCalibrationFactorTheirBandCarries() throws {
        // The shipped model B: 0.56 GeV 36° is a measured setting of its training part, 37° is not.
        let shipped = repositoryRoot.appendingPathComponent("Models/C12-mcdropout.xsnet").path
        let b = try xsnet(["predict", "--model", shipped, "--energy", "0.56", "--angle", "36,37", "--omega", "0.1", "--format", "csv"])
        #expect(b.status == 0, "\(b.stderr)")
        let rows = b.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows[0].last == "at_measured_setting")
        #expect(rows[1].last == "true" && rows[2].last == "false", "\(b.stdout)")
        // The CSV has the JSON's columns, each number at full precision.
        let json = try xsnet(["predict", "--model", shipped, "--energy", "0.56", "--angle", "36,37", "--omega", "0.1", "--format", "json"])
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(
            rows[0].map(String.init) == [
                "E_GeV", "theta_deg", "omega_GeV", "Q2_GeV2", "sigma", "sigma_std", "sigma_p16", "sigma_p84", "unit", "extrapolation",
                "at_measured_setting"
            ])
        for (row, object) in zip(rows.dropFirst(), objects) {
            // (Foundation's JSON writer keeps 16 significant digits, so the two agree to 5e-16 of
            // the value, up to 3 ulp; the CSV's shortest round-trip text is the Double itself.)
            for (i, key) in ["sigma", "sigma_std", "sigma_p16", "sigma_p84"].enumerated() {
                let csv = Double(row[4 + i])!, fromJSON = object[key] as! Double
                #expect(abs(csv - fromJSON) <= 1e-15 * abs(csv), "\(key)")
            }
        }
        // The band between spectra is the wider one (× 2.030 against × 1.140 of the spread).
        #expect(Double(rows[2][5])! / Double(rows[2][4])! > 1.5 * Double(rows[1][5])! / Double(rows[1][4])!)
        // A single network has no calibration: the column is empty, the JSON key left out; and no
        // band: it says so, and leaves the spread empty (null) rather than print a zero.
        let single = try xsnet([
            "predict", "--model", PlotCommandTests.model, "--energy", "0.5", "--angle", "60", "--omega", "0.1", "--format", "json"
        ])
        #expect(single.status == 0 && !single.stdout.contains("at_measured_setting"), "\(single.stdout)")
        let one = (try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as! [[String: Any]])[0]
        #expect(one["sigma_std"] is NSNull && one["sigma_p16"] is NSNull && single.stderr.contains("no band"), "\(single.stdout)")
    }
}

@Suite struct ReadmeTests {
    /// The README's quick start: every command of its first shell block runs (in a scratch folder,
    /// with the repository's models), and the output it shows is the first command's.
    @Test func readmeQuickStartRuns() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count <= 250, "README.md is over 250 lines")
        let quickStart = readme.components(separatedBy: "## Quick start")[1].components(separatedBy: "\n## ")[0]
        let blocks = quickStart.components(separatedBy: "```")
        let commands = blocks[1].split(separator: "\n").dropFirst().map(String.init).filter { $0.hasPrefix("xsnet ") }
        #expect(commands.count >= 3)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [String] = []
        for command in commands {
            let arguments = command.dropFirst("xsnet ".count).split(separator: " ").map {
                $0.hasPrefix("Models/") ? repositoryRoot.appendingPathComponent(String($0)).path : String($0)
            }
            let r = try xsnet(arguments, in: folder)
            #expect(r.status == 0, "\(command): \(r.stderr)")
            outputs.append(r.stdout)
        }
        let shown = blocks[3].split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(shown == outputs[0].split(separator: "\n").map(String.init), "the README shows another output than \(commands[0]) prints")
    }
}

@Suite struct PlotCommandTests {
    static let ensemble = repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet").path

    /// One tiny model shared by the plot tests.
    static let model: String = {
        let path = sharedFixtureFolder().appendingPathComponent("plot-tiny.xsnet").path
        _ = try? xsnet([
            "train", "--nucleus", "C12", "--datasets", "Whitney:1974hr,Sealock:1989nx", "--depth", "2", "--width", "8",
            "--epochs", "6", "--evaluate-every", "2", "--threads", "1", "--quiet", "--out", path
        ])
        return path
    }()

    @Test func spectrumDatasetAndTrainingFigures() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("s.svg").path
        let r = try xsnet([
            "plot", "spectrum", "--model", Self.model, "--energy", "0.5", "--angle", "60", "--out", svg, "--compare", Self.model, "--divide-by-lambda"
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.components(separatedBy: "class=\"data\"").count - 1 == 35)  // Whitney's 35 points at 0.5 GeV, 60°
        #expect(text.contains("¹²C, E = 0.5 GeV, θ = 60°"))
        // Beside the SVG, its curves as CSV: Whitney's 35 points among them.
        let spectrumCSV = try String(contentsOfFile: folder.appendingPathComponent("s.csv").path, encoding: .utf8)
        #expect(
            spectrumCSV.hasPrefix("panel,title,series,kind,x,y,error,lower,upper\n")
                && spectrumCSV.components(separatedBy: ",points").count - 1 == 35)
        // Points the model was fitted on and tested on are told apart, and the model is named by what it is.
        #expect(text.contains(" (fitted)<") && text.contains("¹²C network"), "legend")
        let grid = try xsnet(["plot", "dataset", "--model", Self.model, "--dataset", "Sealock:1989nx", "--out", folder.path])
        #expect(grid.status == 0, "\(grid.stderr)")
        let gridText = try String(contentsOfFile: folder.appendingPathComponent("Sealock_1989nx.svg").path, encoding: .utf8)
        #expect(gridText.components(separatedBy: "class=\"panel\"").count - 1 == 4)  // Sealock's four beam energies
        #expect(gridText.contains(">test<"))
        let curves = try xsnet(["plot", "training", "--log", Self.model + ".log.csv", "--out", folder.appendingPathComponent("t.svg").path])
        #expect(curves.status == 0, "\(curves.stderr)")
    }

    @Test func reportIsOneSelfContainedPage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = folder.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.model, toPath: models.appendingPathComponent("tiny.xsnet").path)
        try FileManager.default.copyItem(atPath: Self.model + ".log.csv", toPath: models.appendingPathComponent("tiny.xsnet.log.csv").path)
        let r = try xsnet(["report", "--models", models.path, "--out", folder.appendingPathComponent("report").path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: folder.appendingPathComponent("report/index.html").path, encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)  // two spectra, a data-set grid, the training curves
        #expect(html.contains("<table>") && html.contains("tiny.xsnet"))
        #expect(
            !html.contains("http://")
                || html.components(separatedBy: "http://").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        )
        let empty = try xsnet(["report", "--models", folder.appendingPathComponent("report").path, "--out", folder.path])
        #expect(empty.status != 0 && empty.stderr.contains("no *.xsnet files"))
        // The summary table comes first; the transfer study, when there is one, as HTML tables.
        #expect(html.range(of: "<h2>Summary</h2>")!.lowerBound < html.range(of: "<h2 id=\"tiny.xsnet\">")!.lowerBound)
        #expect(html.contains("<td>¹²C</td><td>single network</td>"))
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("Models/transfer-study.json"), to: models.appendingPathComponent("transfer-study.json"))
        _ = try xsnet(["report", "--models", models.path, "--out", folder.appendingPathComponent("report").path])
        let withStudy = try String(contentsOfFile: folder.appendingPathComponent("report/index.html").path, encoding: .utf8)
        #expect(withStudy.contains("<h3>Train fraction 0.1</h3>") && withStudy.contains("<td>⁶Li</td>") && !withStudy.contains("<pre>"))
        // Outside the repository (no Models/ folder) a clear error, not a Foundation code.
        let outside = try xsnet(["report", "--out", folder.appendingPathComponent("r2").path], in: folder)
        #expect(outside.status == 1 && outside.stderr.contains("no folder `Models` here"), "\(outside.stderr)")
    }

    /// Flags out of range are refused before any work, naming the flag (issue 18's reproducers).
    @Test func numericFlagsOutOfRangeAreRefusedByName() throws {
        let base = ["train", "--nucleus", "C12", "--datasets", "Whitney:1974hr", "--out", "/tmp/xsnet-never-written.xsnet"]
        for bad in [
            ["--width=-1"], ["--width", "100000"], ["--depth=-1"], ["--evaluate-every=0"], ["--checkpoint-every=0"], ["--threads=100000"],
            ["--threads=0"], ["--error-floor=-1"], ["--release-fraction=2"], ["--min-omega", "nan"], ["--gradient-clip=-1"],
            ["--normalization-bound", "nan"], ["--learning-rate", "inf"], ["--weight-decay=-1"]
        ] {
            let r = try xsnet(base + bad)
            let flag = String(bad[0].prefix { $0 != "=" })
            #expect(r.status == 64 && r.stderr.contains(flag), "\(bad): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/xsnet-never-written.xsnet"))
    }

    /// A range start:stop:step gives the decimal values written, not their floating-point sums: the
    /// documented `--energy 0.2:3:0.05` reaches 3 (0.2 + 56 × 0.05 is 3.0000000000000004 in binary,
    /// which the neutrino grid refused as beyond 3 GeV), and 0.1:0.3:0.1 prints 0.3.
    @Test func rangesGiveTheDecimalValuesWritten() throws {
        let predict = try xsnet([
            "predict", "--model", "Models/C12.xsnet", "--energy", "1", "--angle", "30", "--omega", "0.1:0.3:0.1", "--format", "csv"
        ])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] } == ["0.1", "0.2", "0.3"], "\(predict.stdout)")
        let table = try temporaryFolder().appendingPathComponent("t.csv")
        defer { try? FileManager.default.removeItem(at: table.deletingLastPathComponent()) }
        let tabulate = try xsnet([
            "neutrino", "tabulate", "--fermi-gas", "--grid-step", "0.1", "--energy", "0.2:3:0.05", "--cos-theta", "0.9", "--muon-energy", "0.5",
            "--out", table.path
        ])
        #expect(tabulate.status == 0 && tabulate.stdout.contains("57 × 1 × 1 points"), "\(tabulate.stderr)")
        let energies = try String(contentsOf: table, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(energies.last == "3.0" && energies.contains("0.7"), "\(energies)")
        // Written in other ways the steps come out the same; a range through zero reaches it.
        for range in ["1e-1:3e-1:1e-1", "0.10:0.30:0.10"] {
            let run = try xsnet(["predict", "--model", "Models/C12.xsnet", "--energy", "1", "--angle", "30", "--omega", range, "--format", "csv"])
            #expect(
                run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] } == ["0.1", "0.2", "0.3"], "\(range): \(run.stdout)")
        }
        let throughZero = try xsnet([
            "neutrino", "tabulate", "--fermi-gas", "--grid-step", "0.1", "--energy", "1", "--cos-theta=-0.3:0:0.1", "--muon-energy", "0.5", "--out",
            table.path
        ])
        #expect(throughZero.status == 0, "\(throughZero.stderr)")
        let cosines = try String(contentsOf: table, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        #expect(cosines == ["-0.3", "-0.2", "-0.1", "0.0"], "\(cosines)")
    }

    /// SIGTERM (what Slurm and kill send) saves a checkpoint and says so, like Ctrl-C; the run resumes.
    @Test func sigtermSavesACheckpoint() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("tiny.xsnet").path
        let log = folder.appendingPathComponent("stderr.txt")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "train", "--nucleus", "C12", "--datasets", "Whitney:1974hr", "--depth", "1", "--width", "4", "--epochs", "10000000",
            "--evaluate-every", "20", "--checkpoint-every", "1000000", "--threads", "1", "--out", model
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // Wait for training to run (a progress line), then send SIGTERM.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !((try? String(contentsOf: log, encoding: .utf8))?.contains("epoch ") ?? false) {
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus == 130 && text.contains("interrupted at epoch"), "\(process.terminationStatus): \(text.suffix(300))")
        #expect(FileManager.default.fileExists(atPath: model + ".checkpoint"))
        let stopped = Int(text.components(separatedBy: "interrupted at epoch ")[1].prefix { $0.isNumber })!
        let resumed = try xsnet(["train", "--resume", "--out", model, "--epochs", "\(stopped + 5)", "--quiet"])
        #expect(resumed.status == 0 && FileManager.default.fileExists(atPath: model), "\(resumed.stderr)")
    }

    @Test func resumeWithANewRateKeepsItInTheFileAndTheCard() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("tiny.xsnet").path
        // A run stopped at epoch 4 of 12, as Ctrl-C leaves it.
        var config = TrainingConfig.fast
        (config.depth, config.width, config.epochs, config.evaluateEvery, config.threads) = (2, 8, 12, 4, 1)
        let data = try DataSelection(nucleus: "C12", datasets: ["Whitney:1974hr"]).apply(to: try ScatteringData.bundled())
        var epochs = 0
        let first = Trainer(data: data, config: config, command: "test")
        #expect(
            try first.run(
                checkpoint: URL(fileURLWithPath: model + ".checkpoint"),
                shouldStop: {
                    epochs += 1; return epochs == 4
                }) == .interrupted)
        let refused = try xsnet(["train", "--resume", "--out", model, "--width", "64"])
        #expect(refused.status == 64 && refused.stderr.contains("leave out --width"), "\(refused.stderr)")
        let resumed = try xsnet(["train", "--resume", "--out", model, "--learning-rate", "0.0001"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("changed: learningRate → 0.0001"), "\(resumed.stderr)")
        #expect(try CrossSectionModel.load(URL(fileURLWithPath: model)).info.config.learningRate == 0.0001)
        let card = try xsnet(["card", "--model", model])
        #expect(card.status == 0 && card.stdout.contains("learning rate 0.0001,"), "\(card.stderr)")
    }

    @Test(.enabled(if: numpyAvailable, "skipped: python3 with numpy is not installed (.ci/run installs it)"))
    func tablesForGeneratorsReadInNumPyAsPredictSays() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let npz = folder.appendingPathComponent("t.npz").path, csv = folder.appendingPathComponent("t.csv").path
        let grid = ["--energy", "0.3,0.56", "--cos-theta=-0.5:0.9:0.7", "--omega", "0.1:0.5:0.1"]
        let a = try xsnet(["tabulate", "--model", Self.ensemble] + grid + ["--out", npz])
        #expect(a.status == 0 && a.stdout.contains("21 points of 30 (9 with ω ≥ E skipped)") && a.stderr.contains("left"), "\(a.stdout)\(a.stderr)")
        let b = try xsnet(["tabulate", "--model", Self.ensemble] + grid + ["--out", csv])
        let csvText = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(b.status == 0 && csvText.split(separator: "\n").count == 22)
        // The command counts the flagged points the table holds.
        let flagged = csvText.split(separator: "\n").filter { $0.hasSuffix(",true") }.count
        #expect(a.stdout.contains("; \(flagged) flagged as extrapolation"), "\(a.stdout)")
        // NumPy reads the grid; σ and its band at E = 0.56 GeV, cos θ = 0.9 are predict's.
        let read = try runTool(
            "python3",
            [
                "-c",
                "import numpy as n, sys; z = n.load(sys.argv[1]); print(z['sigma'].shape, str(z['sigma_unit']).split()[0], int(n.isnan(z['sigma']).sum())); "
                    + "[print(repr(float(v))) for k in ('sigma', 'sigma_std') for v in z[k][1, 2]]",
                npz
            ])
        #expect(read.status == 0, "\(read.stderr)")
        let lines = read.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "(2, 3, 5) nb/sr/GeV 9", "\(lines[0])")
        let angle = acos(0.9) * 180 / Double.pi
        let p = try xsnet([
            "predict", "--model", Self.ensemble, "--energy", "0.56", "--angle", "\(angle)", "--omega", "0.1:0.5:0.1", "--format", "csv"
        ])
        let rows = p.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for (i, row) in rows.enumerated() {
            // (The grid's cos θ is −0.5 + 2 × 0.7, a rounding away from 0.9.)
            #expect(
                abs(Double(lines[1 + i])! / Double(row[4])! - 1) < 1e-12 && abs(Double(lines[6 + i])! / Double(row[5])! - 1) < 1e-10, "ω row \(i)")
        }
    }

    /// The physics reference tabulates as a model file does (issue 14: usable wherever a model
    /// file is): predict's numbers, no band, nothing flagged; a nucleus it does not cover is refused.
    @Test func theBostedMamyanFitTabulatesWhatPredictGives() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("bm.csv").path
        let grid = ["--energy", "0.56,2.222", "--angle", "15.54,36", "--omega", "0.1:0.5:0.2"]
        let table = try xsnet(["tabulate", "--model", "bosted-mamyan", "--nucleus", "Ar40"] + grid + ["--out", csv])
        #expect(table.status == 0 && table.stdout.contains("12 points of 12 (0 with ω ≥ E skipped)"), "\(table.stdout)\(table.stderr)")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 12)
        for row in rows {
            let predict = try xsnet([
                "predict", "--model", "bosted-mamyan", "--nucleus", "Ar40", "--energy", String(row[0]), "--angle", String(row[1]), "--omega",
                String(row[2]), "--format", "json"
            ])
            let value = try #require(
                (try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [[String: Any]])?.first?["sigma"] as? Double)
            // (JSON text to Double may differ from the CSV's in the last bit.)
            #expect(
                abs(Double(row[3])! / value - 1) < 1e-14 && Double(row[4]) == 0 && row[5] == row[3] && row[6] == row[3] && row[7] == "false", "\(row)"
            )
        }
        let written = try String(contentsOfFile: csv, encoding: .utf8)
        let deuteron = try xsnet(["tabulate", "--model", "bosted-mamyan", "--nucleus", "H2"] + grid + ["--out", csv])
        #expect(deuteron.status == 1 && deuteron.stderr.contains("not defined for H2"), "\(deuteron.stderr)")
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == written, "a refused table leaves the file as it was")
    }

    @Test func mismatchedInputIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("x.svg").path
        // Where nothing was measured the model is drawn alone, and the command says so.
        let alone = folder.appendingPathComponent("alone.svg").path
        let noData = try xsnet(["plot", "spectrum", "--model", Self.model, "--energy", "0.77", "--angle", "61", "--out", alone])
        #expect(
            noData.status == 0 && noData.stderr.contains("no C12 data at E = 0.77") && noData.stderr.contains("the model alone"), "\(noData.stderr)")
        #expect(try String(contentsOfFile: alone, encoding: .utf8).contains("(no data here)"))
        let noLog = try xsnet(["plot", "training", "--log", "/nonexistent.log.csv", "--out", out])
        // A failure found at run time: exit 1 and the reason, not the usage text (that is for flags).
        #expect(noLog.status == 1 && noLog.stderr.contains("cannot read the training log") && !noLog.stderr.contains("USAGE"), "\(noLog.stderr)")
        // An option that is an enum is parsed as one, before any work.
        let storage = try xsnet(["ensemble", "build", "--out", out, "--storage", "f8", Self.model])
        #expect(storage.status == 64 && storage.stderr.contains("f32") && storage.stderr.contains("f16"), "\(storage.stderr)")
        let badDataset = try xsnet(["plot", "dataset", "--model", Self.model, "--dataset", "Nope:1", "--out", folder.path])
        #expect(badDataset.status != 0 && badDataset.stderr.contains("Sealock:1989nx"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(
        .enabled(
            if: toolExists("rsvg-convert") && toolExists("pngtopnm"),
            "skipped: rsvg-convert (librsvg2-bin) and pngtopnm (netpbm) are not installed; .ci/run installs them"))
    func renderedFigureIsNotBlank() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("s.svg").path, png = folder.appendingPathComponent("s.png").path
        #expect(try xsnet(["plot", "spectrum", "--model", Self.model, "--energy", "0.5", "--angle", "60", "--out", svg]).status == 0)
        #expect(try runTool("rsvg-convert", ["-o", png, svg]).status == 0)
        // PPM (P6): header "P6\n<w> <h>\n<max>\n" then RGB bytes (read raw: the helper decodes text).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["pngtopnm", png]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let bytes = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "pngtopnm failed")
        var fields: [String] = [], i = 0, current = ""
        while fields.count < 4 && i < bytes.count {
            let c = Character(UnicodeScalar(bytes[i]))
            if c.isWhitespace { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(c) }
            i += 1
        }
        #expect(fields.first == "P6")
        let width = Int(fields[1])!, height = Int(fields[2])!
        #expect(width == 640 && height == 420)
        let pixels = bytes[i...]
        var nonWhite = 0, colours = Set<Int>()
        for p in stride(from: pixels.startIndex, to: pixels.endIndex - 2, by: 3) {
            let (r, g, b) = (Int(pixels[p]), Int(pixels[p + 1]), Int(pixels[p + 2]))
            if r < 250 || g < 250 || b < 250 { nonWhite += 1 }
            colours.insert(r << 16 | g << 8 | b)
        }
        #expect(Double(nonWhite) / Double(width * height) > 0.01)  // axes, text, points and curve
        #expect(colours.count > 10)
    }
}

@Suite struct CAPITests {
    static let library = binary.deletingLastPathComponent().appendingPathComponent("libXSNetC.so")

    /// examples/cpp/`name`.cpp compiled against include/xsnet.h and the built C library, warnings as
    /// errors, into `folder`; the executable's path.
    static func compiledExample(_ name: String, in folder: URL) throws -> String {
        #expect(FileManager.default.fileExists(atPath: library.path), "build the C library first: swift build --product XSNetC (make test does)")
        let exe = folder.appendingPathComponent(name).path
        let compile = try runTool(
            "c++",
            [
                "-std=c++17", "-Wall", "-Werror", "-I", repositoryRoot.appendingPathComponent("include").path,
                repositoryRoot.appendingPathComponent("examples/cpp/\(name).cpp").path,
                "-L", library.deletingLastPathComponent().path, "-lXSNetC",
                "-Wl,-rpath,\(library.deletingLastPathComponent().path)", "-o", exe
            ])
        #expect(compile.status == 0, "the C++ example does not compile: \(compile.stderr)")
        return exe
    }

    @Test(.enabled(if: toolExists("c++"), "skipped: no C++ compiler (c++) on this machine"))
    func cppExampleAgreesWithTheCommandLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exe = try Self.compiledExample("xsnet_example", in: folder)
        let model = PlotCommandTests.model
        let run = try runTool(exe, [model, "0.5", "60", "0.05", "0.1", "0.2"])
        let text = run.stdout
        #expect(run.status == 0, "\(text)")
        let cli = try xsnet(["predict", "--model", model, "--energy", "0.5", "--angle", "60", "--omega", "0.05,0.1,0.2", "--format", "json"])
        let expected = (try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as! [[String: Any]]).map { $0["sigma"] as! Double }
        let lines = text.split(separator: "\n")
        let single = lines.dropFirst().prefix(3).map { Double($0.split(separator: ",")[1])! }
        let batch = lines.filter { $0.hasPrefix("batch,") }.map { Double($0.split(separator: ",")[2])! }
        #expect(single.count == 3 && batch.count == 3)
        for (a, b) in zip(single, expected) { #expect(abs(a / b - 1) < 1e-12) }
        for (a, b) in zip(batch, expected) { #expect(abs(a / b - 1) < 1e-12) }
        #expect(lines.last?.hasPrefix("unphysical,2,xsnet_predict: unphysical point") == true, "\(lines.last ?? "")")
        // A missing file is an error with a message.
        let missing = try runTool(exe, ["/nonexistent.xsnet", "1", "30", "0.1"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent.xsnet"))
    }

    /// The neutrino example (examples/cpp/xsnet_neutrino_example.cpp) prints `xsnet neutrino
    /// predict`'s numbers and flags: a muon inside the electron data, a forward one read below the
    /// carbon data's smallest Q² (flagged), and one no neutrino of 0.8 GeV can make (NaN).
    @Test(.enabled(if: toolExists("c++"), "skipped: no C++ compiler (c++) on this machine"))
    func cppNeutrinoExampleAgreesWithTheCommandLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let exe = try Self.compiledExample("xsnet_neutrino_example", in: folder)
        let ensemble = repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet").path
        // (cos θ_μ, T_μ, the flag expected): inside the data; forward, below the data's smallest Q².
        for (cosTheta, muonEnergy, flag) in [(0.9, 0.5, "0"), (1.0, 0.6, "1")] {
            let run = try runTool(exe, [ensemble, "C12", "0.8", "\(cosTheta)", "\(muonEnergy)", "0.75"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let cli = try xsnet([
                "neutrino", "predict", "--model", ensemble, "--grid-step", "0.05", "--energy", "0.8", "--muon-energy", "\(muonEnergy)",
                "--muon-angle", "\(acos(cosTheta) * 180 / .pi)", "--format", "json"
            ])
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]], "\(cli.stderr)")
            #expect(lines.count == 4 && rows.count == 1, "\(run.stdout)")
            guard lines.count == 4, let row = rows.first else { continue }
            #expect(abs(Double(lines[1][1])! / (row["d2sigma_dTdcos_cm2_per_GeV"] as! Double) - 1) < 1e-9, "\(lines[1])")
            #expect(abs(Double(lines[1][2])! / (row["d2sigma_dTdcos_std"] as! Double) - 1) < 1e-6, "\(lines[1])")
            #expect(lines[1][3] == flag && (row["extrapolation"] as? Bool) == (flag == "1"), "\(lines[1]) \(row)")
            // No muon of 0.75 GeV from a 0.8 GeV neutrino: NaN, not flagged.
            #expect(lines[2][1] == "nan" && lines[2][3] == "0", "\(lines[2])")
            #expect(lines[3].joined(separator: ",").hasPrefix("unphysical,2,xsnet_neutrino_predict: unphysical point (E_nu=5.0"), "\(lines[3])")
        }
        // The Fermi gas flags nothing.
        let gas = try runTool(exe, ["rfg", "C12", "0.8", "1", "0.6"])
        #expect(gas.status == 0 && gas.stdout.split(separator: "\n")[1].hasSuffix(",0"), "\(gas.stdout)\(gas.stderr)")
    }

    /// `pip install ./python` into a fresh virtual environment (NumPy from the system), then a
    /// five-line script: its numbers are `xsnet predict`'s, for a model with a band and without.
    @Test(
        .enabled(
            if: numpyAvailable && (try? runTool("python3", ["-c", "import setuptools, wheel"]).status) == 0,
            "skipped: python3 with numpy, setuptools and wheel is needed (.ci/run installs them)"))
    func pythonPackageGivesTheCommandLineNumbers() throws {
        #expect(FileManager.default.fileExists(atPath: Self.library.path), "build the C library first: swift build --product XSNetC (make test does)")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let venv = folder.appendingPathComponent("venv").path
        #expect(try runTool("python3", ["-m", "venv", "--system-site-packages", venv]).status == 0)
        // The package is built from a copy, so that the repository's python/ keeps no build files.
        let source = folder.appendingPathComponent("python")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("python"), to: source)
        let pip = Process()
        pip.executableURL = URL(fileURLWithPath: venv + "/bin/pip")
        pip.arguments = ["install", "--quiet", "--no-build-isolation", "--no-deps", source.path]
        pip.environment = ProcessInfo.processInfo.environment.merging(["XSNET_LIBRARY_DIR": Self.library.deletingLastPathComponent().path]) { $1 }
        pip.standardOutput = FileHandle.nullDevice
        try pip.run()
        pip.waitUntilExit()
        #expect(pip.terminationStatus == 0, "pip install ./python failed")
        let script = """
            import numpy as np, sys, time, xsnet
            m = xsnet.Model(sys.argv[1]); w = np.linspace(0.02, 0.5, int(sys.argv[2]))
            t = time.perf_counter(); r = m.predict(0.56, 36.0, w, nucleus="C12"); t = time.perf_counter() - t
            print(m.nucleus, m.members, m.has_band, f"{w.size / t:.0f}"); i = [417, 3333, 10000]
            [print(repr(float(r[k][j]))) for j in i for k in ("mean", "sigma")]; print(w[i].tolist())
            """
        for model in ["Models/C12-ensemble.xsnet", "Models/C12.xsnet"] {
            let path = repositoryRoot.appendingPathComponent(model).path
            // 20,000 points (the README's 10^5 are timed with the release library; the tests run the debug one).
            let run = try runTool(venv + "/bin/python", ["-c", script, path, "20000"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            let head = lines[0].split(separator: " ")
            #expect(head[0] == "C12" && head[2] == (model.contains("ensemble") ? "True" : "False"), "\(lines[0])")
            print("python package, \(model): \(head[3]) points/s (debug build)")
            let omegas = lines[7].dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let cli = try xsnet([
                "predict", "--model", path, "--energy", "0.56", "--angle", "36", "--omega", omegas.joined(separator: ","), "--format", "csv"
            ])
            let rows = cli.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            for (j, row) in rows.enumerated() {
                #expect(Double(lines[1 + 2 * j])! == Double(row[4])!, "mean at ω = \(omegas[j])")
                if model.contains("ensemble") {
                    #expect(Double(lines[2 + 2 * j])! == Double(row[5])!, "sigma at ω = \(omegas[j])")
                } else {
                    #expect(lines[2 + 2 * j] == "nan" && row[5].isEmpty)
                }
            }
        }
        // Another nucleus is refused by a single-nucleus model.
        let other = try runTool(
            venv + "/bin/python",
            [
                "-c", "import xsnet, sys; xsnet.Model(sys.argv[1]).predict(1, 30, 0.1, nucleus='Ar40')",
                repositoryRoot.appendingPathComponent("Models/C12.xsnet").path
            ], in: folder)
        #expect(other.status != 0 && other.stderr.contains("for C12, not Ar40"), "\(other.stderr)")
        // Neutrinos: NeutrinoModel gives `xsnet neutrino predict`'s numbers, the quasielastic window
        // included (at ψ′ ≤ 1 the first point loses five sixths of what the default window gives it;
        // cos θ_μ = 0.9 is the angle below); a muon that cannot be made (T_μ + m_μ > E_ν) is NaN, an
        // energy beyond the grid an error naming the point.
        let neutrinoScript = """
            import numpy as np, sys, xsnet
            nu = xsnet.NeutrinoModel(sys.argv[1], "C12", "numu", 1.03, 0.1, 1.0)
            r = nu.predict(0.8, np.array([0.5, 0.6, 0.75]), 0.9)
            [print(repr(float(r["mean"][j])), repr(float(r["sigma"][j]))) for j in range(3)]
            try: nu.predict([0.8, 5.0], 0.3, 0.9)
            except xsnet.XsnetError as e: print("XsnetError:", e)
            try: xsnet.NeutrinoModel(None, "C12", "numu", 1.03, 0.1, 4.0)
            except xsnet.XsnetError as e: print("XsnetError:", e)
            f = nu.predict(0.8, 0.6, np.cos(np.radians([0.0, 5.0, 25.84])))["extrapolation"]
            print(*[int(x) for x in list(r["extrapolation"]) + list(f)])
            g = xsnet.NeutrinoModel(None, "C12", "numu", 1.03, 0.1).predict(0.8, 0.6, 1.0)["extrapolation"]
            print(int(g))
            """
        let ensemble = repositoryRoot.appendingPathComponent("Models/C12-ensemble.xsnet").path
        let neutrino = try runTool(venv + "/bin/python", ["-c", neutrinoScript, ensemble], in: folder)
        #expect(neutrino.status == 0, "\(neutrino.stderr)")
        let printed = neutrino.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let cli = try xsnet([
            "neutrino", "predict", "--model", ensemble, "--grid-step", "0.1", "--quasielastic-window", "1", "--energy", "0.8", "--muon-energy",
            "0.5,0.6", "--muon-angle", "\(acos(0.9) * 180 / .pi)", "--format", "json"
        ])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]], "\(cli.stderr)")
        #expect(printed.count == 7 && rows.count == 2, "\(neutrino.stdout)")
        for (j, row) in rows.enumerated() {
            #expect(abs(Double(printed[j][0])! / (row["d2sigma_dTdcos_cm2_per_GeV"] as! Double) - 1) < 1e-9, "mean at row \(j)")
            #expect(abs(Double(printed[j][1])! / (row["d2sigma_dTdcos_std"] as! Double) - 1) < 1e-6, "spread at row \(j)")
        }
        #expect(
            printed[2] == ["nan", "nan"]
                && printed[3].joined(separator: " ").hasPrefix("XsnetError: xsnet_neutrino_predict_many: point 1 is unphysical (E_nu=5.0"))
        #expect(printed[4].joined(separator: " ") == "XsnetError: xsnet_neutrino_open_window: quasielastic window 4.0 is outside 0.5…3 (or 0 for 2)")
        // The extrapolation flags are the command's: the two muons of the first call, a point where
        // none can be made (0), and the most forward muons (flagged below the data's smallest Q²);
        // the Fermi gas learned nothing and flags nothing.
        let forward = try xsnet([
            "neutrino", "predict", "--model", ensemble, "--grid-step", "0.1", "--energy", "0.8", "--muon-energy", "0.6", "--muon-angle",
            "0,5,25.84", "--format", "json"
        ])
        let forwardRows = try #require(try JSONSerialization.jsonObject(with: Data(forward.stdout.utf8)) as? [[String: Any]], "\(forward.stderr)")
        let expectedFlags = (rows + forwardRows).map { ($0["extrapolation"] as? Bool) == true ? "1" : "0" }
        #expect(printed[5] == Array(expectedFlags.prefix(2)) + ["0"] + expectedFlags.suffix(3), "\(printed[5]) vs \(expectedFlags)")
        #expect(expectedFlags == ["0", "0", "1", "1", "0"] && printed[6] == ["0"], "\(expectedFlags) \(printed[6])")
    }
}
