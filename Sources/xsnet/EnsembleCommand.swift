import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Bootstrap ensembles (model A): train replicas and merge them into one file.",
        discussion: helpText("""
            Each replica is an independent `xsnet train --replica I --of N` job on its own clone data set;
            `ensemble build` merges replica files into one ensemble file that predict, evaluate and card
            accept wherever they accept a model. `ensemble train` runs the replicas as parallel processes
            on this machine and builds the ensemble. On a cluster, run one replica per array task (README).

              xsnet ensemble train --replicas 20 --jobs 2 --out Models/C12-ensemble.xsnet
              xsnet ensemble build --out ens.xsnet replicas/*.xsnet

            Replicas trained with --validation-fraction (pass it after --) share a validation part;
            the merged ensemble's spread is then calibrated on it (see `xsnet calibrate`). Or `ensemble
            train --calibration-folds K` trains the ensemble on the whole training part and K more,
            each without one fold, and calibrates on their out-of-fold predictions.
            """),
        subcommands: [Build.self, Train.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge replica model files into one ensemble file.")
        @Option(help: "The ensemble file to write.") var out: String
        @Option(help: "Weight storage: f32, or f16 (half the size; predictions change by < 0.1%).") var storage: String = "f32"
        @Option(help: "How the calibration factors are chosen (see `xsnet calibrate --rule`).") var calibrationRule: CalibrationRule = .atLeastNominal
        @OptionGroup var source: DataSourceOptions
        @Argument(help: "Replica model files.") var replicas: [String]

        func validate() throws {
            if ModelFile.Storage(rawValue: storage) == nil { throw ValidationError("--storage must be f32 or f16") }
            if replicas.isEmpty { throw ValidationError("give the replica files to merge") }
        }

        func run() throws {
            let models = try replicas.map { try CrossSectionModel.load(URL(fileURLWithPath: $0)) }
            let ensemble = try CrossSectionModel.ensemble(models)
            try ensemble.calibrateOnValidation(rule: calibrationRule, data: source.load)
            try ensemble.save(URL(fileURLWithPath: out), storage: ModelFile.Storage(rawValue: storage)!)
            print("wrote \(out): \(ensemble.networks.count) members (\(storage))")
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train N replicas as parallel processes, then build the ensemble.",
            discussion: "Options after -- go to every `xsnet train` (for example -- --epochs 2000).")
        @Option(help: "Number of replicas N.") var replicas: Int = 50
        @Option(help: "Replicas trained at once (each with one BLAS thread).") var jobs: Int = 2
        @Option(help: "The ensemble file to write.") var out: String
        @Option(help: "Folder for the replica files (default: OUT.replicas).") var replicaFolder: String?
        @Option(help: "Weight storage of the ensemble: f32 or f16.") var storage: String = "f32"
        @Option(help: "The nucleus.") var nucleus: String = "C12"
        @Option(help: "How the calibration factors are chosen (see `xsnet calibrate --rule`).") var calibrationRule: CalibrationRule = .atLeastNominal
        @Option(help: ArgumentHelp("Calibrate by K-fold cross-fitting of the training part instead of on a validation part: K more ensembles of N replicas, each trained without one fold (their files in the replica folder, fold-F/).",
                                   valueName: "K"))
        var calibrationFolds: Int?
        @Argument(parsing: .postTerminator, help: "Options passed to every `xsnet train`.") var trainOptions: [String] = []

        func validate() throws {
            if let k = calibrationFolds {
                if k < 2 { throw ValidationError("--calibration-folds must be at least 2") }
                if let flag = trainOptions.first(where: { ["--validation-fraction", "--validation-spectra-fraction", "--calibration-folds", "--without-fold"].contains($0) }) {
                    throw ValidationError("--calibration-folds calibrates on out-of-fold predictions of the whole training part: leave \(flag) out of the train options")
                }
            }
        }

        func run() throws {
            let folder = replicaFolder ?? out + ".replicas"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            let started = Benchmark.now()
            // One job per replica file: the ensemble's N, then (cross-fitting) N for each fold.
            struct Job { var name: String, file: String, arguments: [String] }
            func replicaJob(_ i: Int, fold: Int? = nil) -> Job {
                let file = fold.map { "\(folder)/fold-\($0)/replica-\(i).xsnet" } ?? "\(folder)/replica-\(i).xsnet"
                let foldArguments = fold.map { ["--without-fold", "\($0)/\(calibrationFolds!)"] } ?? []
                return Job(name: fold.map { "fold \($0) replica \(i)" } ?? "replica \(i)", file: file,
                           arguments: ["train", "--nucleus", nucleus, "--replica", "\(i)", "--of", "\(replicas)", "--threads", "1", "--quiet", "--out", file] + foldArguments + trainOptions)
            }
            let main = (0..<replicas).map { replicaJob($0) }
            let folds = (0..<(calibrationFolds ?? 0)).map { f in (0..<replicas).map { replicaJob($0, fold: f) } }
            for f in folds.indices { try FileManager.default.createDirectory(atPath: "\(folder)/fold-\(f)", withIntermediateDirectories: true) }
            let jobs = main + folds.flatMap { $0 }
            // Replica files already there (a re-run after an interruption) are kept.
            var pending = jobs.filter { !FileManager.default.fileExists(atPath: $0.file) }
            var running: [(Job, Process)] = []
            var finished = jobs.count - pending.count, finishedNow = 0
            while !pending.isEmpty || !running.isEmpty {
                while running.count < max(self.jobs, 1), !pending.isEmpty {
                    let job = pending.removeFirst()
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: executable)
                    p.arguments = job.arguments
                    p.standardOutput = FileHandle.nullDevice
                    try p.run()
                    running.append((job, p))
                }
                Thread.sleep(forTimeInterval: 0.5)
                for (job, p) in running where !p.isRunning {
                    if p.terminationStatus != 0 { throw ValidationError("\(job.name) failed (exit \(p.terminationStatus)); its checkpoint is kept, re-run to continue") }
                    finished += 1
                    finishedNow += 1
                    let elapsed = Benchmark.now() - started
                    let rate = elapsed / Double(finishedNow)
                    printError("\(job.name) done: \(finished)/\(jobs.count), \(formatDuration(elapsed)) elapsed, about \(formatDuration(rate * Double(jobs.count - finished))) left")
                }
                running = running.filter { $0.1.isRunning }
            }
            func merged(_ members: [Job]) throws -> CrossSectionModel {
                try CrossSectionModel.ensemble(try members.map { try CrossSectionModel.load(URL(fileURLWithPath: $0.file)) })
            }
            let ensemble = try merged(main)
            // The replicas' data: the bundled set unless --data was passed to them.
            func value(_ flag: String) -> String? { trainOptions.firstIndex(of: flag).flatMap { $0 + 1 < trainOptions.count ? trainOptions[$0 + 1] : nil } }
            let data = {
                guard let file = value("--data") else { return try ScatteringData.bundled() }
                return try ScatteringData.load(points: URL(fileURLWithPath: file), datasets: value("--datasets-file").map { URL(fileURLWithPath: $0) })
            }
            if let k = calibrationFolds {
                // Each fold's ensemble predicts the points it was trained without.
                let selected = try ensemble.selectedData(from: try data())
                let heldOut = try CrossFitting.folds(of: selected, count: k)
                printError("cross-fitting for the calibration: \(CrossFitting.summary(of: heldOut, in: selected))")
                var outOfFold: [CrossFitting.OutOfFold] = []
                for (f, members) in folds.enumerated() {
                    outOfFold += CrossFitting.outOfFold(try merged(members), fold: f, of: heldOut, selected: selected)
                }
                ensemble.info.calibration = try CrossFitting.fit(outOfFold, folds: k, selected: selected, rule: calibrationRule)
                printError(describe(ensemble.info.calibration!))
            } else {
                try ensemble.calibrateOnValidation(rule: calibrationRule, data: data)
            }
            guard let store = ModelFile.Storage(rawValue: storage) else { throw ValidationError("--storage must be f32 or f16") }
            try ensemble.save(URL(fileURLWithPath: out), storage: store)
            print("wrote \(out): \(ensemble.networks.count) members in \(formatDuration(Benchmark.now() - started))")
        }
    }
}
