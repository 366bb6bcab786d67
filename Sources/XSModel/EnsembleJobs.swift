import Foundation

/// The replica trainings of a bootstrap ensemble (model A) as parallel `xsnet train` processes on
/// this machine: N replicas, and for cross-fitted calibration N more for each of K folds (each
/// without its fold). A replica's file that exists is kept, so a re-run after an interruption
/// continues where it stopped.
public struct EnsembleJobs: Sendable {
    public struct Job: Sendable {
        public var name: String
        public var file: String
        public var arguments: [String]

        public init(name: String, file: String, arguments: [String]) {
            self.name = name
            self.file = file
            self.arguments = arguments
        }
    }

    /// The ensemble's replicas.
    public var main: [Job]
    /// Fold F's replicas (cross-fitting), trained without fold F.
    public var folds: [[Job]]

    /// Jobs for `replicas` replicas of `nucleus` in `folder` (fold F's in `folder/fold-F/`), each
    /// passed `trainOptions`; one BLAS thread each, since the jobs run side by side.
    public init(replicas: Int, nucleus: String, folder: String, calibrationFolds: Int?, trainOptions: [String]) {
        func job(_ i: Int, fold: Int?) -> Job {
            let file = fold.map { "\(folder)/fold-\($0)/replica-\(i).xsnet" } ?? "\(folder)/replica-\(i).xsnet"
            let foldArguments = fold.map { ["--without-fold", "\($0)/\(calibrationFolds!)"] } ?? []
            return Job(
                name: fold.map { "fold \($0) replica \(i)" } ?? "replica \(i)", file: file,
                arguments: ["train", "--nucleus", nucleus, "--replica", "\(i)", "--of", "\(replicas)", "--threads", "1", "--quiet", "--out", file]
                    + foldArguments + trainOptions)
        }
        main = (0..<replicas).map { job($0, fold: nil) }
        folds = (0..<(calibrationFolds ?? 0)).map { f in (0..<replicas).map { job($0, fold: f) } }
    }

    public var all: [Job] { main + folds.flatMap { $0 } }

    /// Runs every job whose file is missing with `executable`, `parallel` at a time; `progress`
    /// gets each finished job with the number done and the total.
    public func run(executable: String, parallel: Int, progress: (Job, Int, Int) -> Void) throws {
        try Self.run(all, executable: executable, parallel: parallel, progress: progress)
    }

    /// Runs every job of `all` whose file is missing, in order, `parallel` at a time (a job's
    /// file that exists is a finished job: a re-run continues where it stopped).
    public static func run(_ all: [Job], executable: String, parallel: Int, progress: (Job, Int, Int) -> Void) throws {
        let fileManager = FileManager.default
        for job in all {
            try fileManager.createDirectory(
                atPath: URL(fileURLWithPath: job.file).deletingLastPathComponent().path, withIntermediateDirectories: true)
        }
        var pending = all.filter { !fileManager.fileExists(atPath: $0.file) }
        var running: [(Job, Process)] = []
        var finished = all.count - pending.count
        while !pending.isEmpty || !running.isEmpty {
            while running.count < max(parallel, 1), !pending.isEmpty {
                let job = pending.removeFirst()
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = job.arguments
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                running.append((job, process))
            }
            Thread.sleep(forTimeInterval: 0.5)
            for (job, process) in running where !process.isRunning {
                guard process.terminationStatus == 0 else { throw EnsembleError.replicaFailed(job.name, status: process.terminationStatus) }
                finished += 1
                progress(job, finished, all.count)
            }
            running = running.filter { $0.1.isRunning }
        }
    }

    /// The ensemble of `jobs`' replica files.
    public static func merged(_ jobs: [Job]) throws -> CrossSectionModel {
        try CrossSectionModel.ensemble(try jobs.map { try CrossSectionModel.load(URL(fileURLWithPath: $0.file)) })
    }
}

public enum EnsembleError: Error, CustomStringConvertible, LocalizedError {
    case replicaFailed(String, status: Int32)

    public var description: String {
        switch self {
        case let .replicaFailed(name, status): "\(name) failed (exit \(status)); its checkpoint is kept, re-run to continue"
        }
    }
    public var errorDescription: String? { description }
}
