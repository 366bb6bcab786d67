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
            the merged ensemble's spread is then calibrated on it (see `xsnet calibrate`).
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
        @Argument(parsing: .postTerminator, help: "Options passed to every `xsnet train`.") var trainOptions: [String] = []

        func run() throws {
            let folder = replicaFolder ?? out + ".replicas"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            var pending = Array(0..<replicas)
            var running: [(Int, Process)] = []
            var finished = 0, finishedNow = 0
            let started = Benchmark.now()
            var files: [String] = []
            func launch(_ i: Int) throws -> Process {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: executable)
                let file = "\(folder)/replica-\(i).xsnet"
                p.arguments = ["train", "--nucleus", nucleus, "--replica", "\(i)", "--of", "\(replicas)", "--threads", "1", "--quiet", "--out", file] + trainOptions
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                return p
            }
            for i in 0..<replicas { files.append("\(folder)/replica-\(i).xsnet") }
            // Replicas already trained (a re-run after an interruption) are kept.
            pending = pending.filter { !FileManager.default.fileExists(atPath: files[$0]) }
            finished = replicas - pending.count
            while !pending.isEmpty || !running.isEmpty {
                while running.count < max(jobs, 1), !pending.isEmpty {
                    let i = pending.removeFirst()
                    running.append((i, try launch(i)))
                }
                Thread.sleep(forTimeInterval: 0.5)
                for (i, p) in running where !p.isRunning {
                    if p.terminationStatus != 0 { throw ValidationError("replica \(i) failed (exit \(p.terminationStatus)); its checkpoint is kept, re-run to continue") }
                    finished += 1
                    finishedNow += 1
                    let elapsed = Benchmark.now() - started
                    let rate = elapsed / Double(finishedNow)
                    printError("replica \(i) done: \(finished)/\(replicas), \(formatDuration(elapsed)) elapsed, about \(formatDuration(rate * Double(replicas - finished))) left")
                }
                running = running.filter { $0.1.isRunning }
            }
            let models = try files.map { try CrossSectionModel.load(URL(fileURLWithPath: $0)) }
            let ensemble = try CrossSectionModel.ensemble(models)
            // The replicas' data: the bundled set unless --data was passed to them.
            func value(_ flag: String) -> String? { trainOptions.firstIndex(of: flag).flatMap { $0 + 1 < trainOptions.count ? trainOptions[$0 + 1] : nil } }
            try ensemble.calibrateOnValidation(rule: calibrationRule, data: {
                guard let file = value("--data") else { return try ScatteringData.bundled() }
                return try ScatteringData.load(points: URL(fileURLWithPath: file), datasets: value("--datasets-file").map { URL(fileURLWithPath: $0) })
            })
            guard let store = ModelFile.Storage(rawValue: storage) else { throw ValidationError("--storage must be f32 or f16") }
            try ensemble.save(URL(fileURLWithPath: out), storage: store)
            print("wrote \(out): \(ensemble.networks.count) members in \(formatDuration(Benchmark.now() - started))")
        }
    }
}
