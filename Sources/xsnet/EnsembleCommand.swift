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
        discussion: helpText(
            """
            Each replica is an independent `xsnet train --replica I --of N` job on its own clone data set;
            `ensemble build` merges replica files into one ensemble file that predict, evaluate and card
            accept wherever they accept a model. `ensemble train` runs the replicas as parallel processes
            on this machine and builds the ensemble. On a cluster, run one replica per array task (docs/uncertainty.md).

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
        @Option(help: "Weight storage: f32, or f16 (half the size; predictions change by < 0.1%).") var storage: ModelFile.Storage = .float32
        @Option(help: "How the calibration factors are chosen (see `xsnet calibrate --rule`).") var calibrationRule: CalibrationRule = .atLeastNominal
        @OptionGroup var source: DataSourceOptions
        @Argument(help: "Replica model files.") var replicas: [String]

        func validate() throws {
            if replicas.isEmpty { throw ValidationError("give the replica files to merge") }
        }

        func run() throws {
            let ensemble = try CrossSectionModel.ensemble(try replicas.map { try CrossSectionModel.load(URL(fileURLWithPath: $0)) })
            ensemble.info.ensembleCommand = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try calibrateOnValidationPart(ensemble, rule: calibrationRule, data: source.load)
            try ensemble.save(URL(fileURLWithPath: out), storage: storage)
            print("wrote \(out): \(ensemble.networks.count) members (\(storage.rawValue))")
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
        @Option(help: "Weight storage of the ensemble: f32 or f16.") var storage: ModelFile.Storage = .float32
        @Option(help: "The nucleus.") var nucleus: String = "C12"
        @Option(help: "How the calibration factors are chosen (see `xsnet calibrate --rule`).") var calibrationRule: CalibrationRule = .atLeastNominal
        @Option(
            help: ArgumentHelp(
                "Calibrate by K-fold cross-fitting of the training part instead of on a validation part: K more ensembles of N replicas, each trained without one fold (their files in the replica folder, fold-F/).",
                valueName: "K"))
        var calibrationFolds: Int?
        @Argument(parsing: .postTerminator, help: "Options passed to every `xsnet train`.") var trainOptions: [String] = []

        func validate() throws {
            if !(1...1024).contains(replicas) { throw ValidationError("--replicas must be in 1…1024 (what a model file holds)") }
            if !(1...256).contains(jobs) { throw ValidationError("--jobs must be in 1…256") }
            if let k = calibrationFolds {
                if k < 2 { throw ValidationError("--calibration-folds must be at least 2") }
                if let flag = trainOptions.first(where: {
                    ["--validation-fraction", "--validation-spectra-fraction", "--calibration-folds", "--without-fold"].contains($0)
                }) {
                    throw ValidationError(
                        "--calibration-folds calibrates on out-of-fold predictions of the whole training part: leave \(flag) out of the train options"
                    )
                }
            }
        }

        func run() throws {
            let started = Benchmark.now()
            let plan = EnsembleJobs(
                replicas: replicas, nucleus: nucleus, folder: replicaFolder ?? out + ".replicas", calibrationFolds: calibrationFolds,
                trainOptions: trainOptions)
            var finishedHere = 0
            try plan.run(executable: URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path, parallel: jobs) { job, done, total in
                finishedHere += 1
                let elapsed = Benchmark.now() - started
                printError(
                    "\(job.name) done: \(done)/\(total), \(timeLeft(elapsed: elapsed, done: finishedHere, remaining: total - done))"
                )
            }
            let ensemble = try EnsembleJobs.merged(plan.main)
            ensemble.info.ensembleCommand = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            // The replicas' data: the bundled set unless --data was passed to them.
            func value(_ flag: String) -> String? {
                trainOptions.firstIndex(of: flag).flatMap { $0 + 1 < trainOptions.count ? trainOptions[$0 + 1] : nil }
            }
            let data = {
                guard let file = value("--data") else { return try ScatteringData.bundled() }
                return try ScatteringData.load(
                    points: URL(fileURLWithPath: file), datasets: value("--datasets-file").map { URL(fileURLWithPath: $0) })
            }
            if calibrationFolds != nil {
                // Each fold's ensemble predicts the points it was trained without.
                let fit = try UncertaintyCalibration.fit(
                    model: ensemble, data: try ensemble.selectedData(from: try data()),
                    method: .crossFitted(foldModels: try plan.folds.map(EnsembleJobs.merged)), rule: calibrationRule,
                    progress: calibrationProgressPrinter())
                ensemble.info.calibration = fit.calibration
                printError(fit.calibration.description)
            } else {
                try calibrateOnValidationPart(ensemble, rule: calibrationRule, data: data)
            }
            try ensemble.save(URL(fileURLWithPath: out), storage: storage)
            print("wrote \(out): \(ensemble.networks.count) members in \(formatDuration(Benchmark.now() - started))")
        }
    }
}

/// Calibrates an ensemble whose replicas were trained with a validation part (nothing otherwise).
func calibrateOnValidationPart(_ ensemble: CrossSectionModel, rule: CalibrationRule, data: () throws -> ScatteringData) throws {
    guard let method = CalibrationMethod.forSelection(ensemble.info.selection) else { return }
    ensemble.info.calibration = try UncertaintyCalibration.fit(
        model: ensemble, data: try ensemble.selectedData(from: try data()), method: method, rule: rule
    ).calibration
    printError(ensemble.info.calibration!.description)
}
