import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the engine on this machine (medians of several runs).",
        discussion: helpText(
            """
            The reference architecture (5 → 10 × [Dense 300, BatchNorm, ReLU] → 1, 820,801 parameters)
            on 2,940 random points, as benchmarks/torch_reference.py times it in PyTorch.
              xsnet bench train --format json
              xsnet bench predict
            """),
        subcommands: [Train.self, Predict.self])

    struct Options: ParsableArguments {
        @Option(help: "OpenBLAS threads.") var threads: Int = 2
        @Option(help: "Timed runs per measurement (the median is reported).") var repeats: Int = 5
        @Option(help: "Number of random points.") var points: Int = 2940
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table

        func validate() throws {
            if !(1...256).contains(threads) { throw ValidationError("--threads must be in 1…256") }
            if !(1...1000).contains(repeats) { throw ValidationError("--repeats must be in 1…1000") }
            if !(1...1_000_000).contains(points) { throw ValidationError("--points must be in 1…1,000,000") }
        }
    }

    static func randomData(points: Int, seed: UInt64) -> (inputs: [Float], targets: [Float]) {
        var rng = SeededGenerator(seed: seed)
        let inputs = (0..<(points * 5)).map { _ in rng.uniformFloat() }
        let targets = (0..<points).map { _ in rng.uniformFloat() }
        return (inputs, targets)
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Milliseconds per training epoch at batch 64, 256 and all points; sgemm GFLOP/s.")
        @OptionGroup var options: Options
        @Option(help: "Batch sizes (comma-separated; 0 = all points).") var batches: String = "64,256,0"
        @Option(help: "Threads for the optimizer's update (default: --threads).") var optimizerThreads: Int?

        func validate() throws {
            if let t = optimizerThreads, !(1...256).contains(t) { throw ValidationError("--optimizer-threads must be in 1…256") }
            let sizes = batches.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            if sizes.isEmpty || sizes.contains(where: { !(0...1_000_000).contains($0 ?? -1) }) {
                throw ValidationError("--batches: comma-separated sizes in 0…1,000,000 (0 = all points)")
            }
        }

        struct Report: Encodable {
            var threads: Int, points: Int, repeats: Int, parameters: Int
            var ms_per_epoch: [String: Double]
            /// The matrix products of an epoch alone, timed in the same run: the floor the engine sits on.
            var gemm_ms_per_epoch: [String: Double]
            var sgemm_gflops: Double
            var train_gflops: Double
            var train_fraction_of_sgemm: Double
            var gflop_per_epoch: Double
            var openblas: String
        }

        func run() throws {
            BLAS.threads = options.threads
            let (inputs, targets) = BenchCommand.randomData(points: options.points, seed: 1)
            let sizes = batches.split(separator: ",").compactMap { Int($0) }.map { $0 == 0 ? options.points : $0 }
            var perEpoch: [String: Double] = [:], gemmPerEpoch: [String: Double] = [:]
            for size in sizes {
                let net = Network(spec: .reference(), seed: 1)
                net.reserve(batchCapacity: size)
                var adam = Adam(groups: net.trainableGroups(weightDecay: 1e-4))
                adam.threads = optimizerThreads ?? options.threads
                var rng = SeededGenerator(seed: 2)
                let seconds = Benchmark.medianSeconds(repeats: options.repeats) {
                    Benchmark.trainEpoch(net, optimizer: &adam, inputs: inputs, targets: targets, batchSize: size, rng: &rng)
                }
                perEpoch["\(size)"] = seconds * 1000
                gemmPerEpoch["\(size)"] =
                    1000 * Benchmark.gemmSeconds(spec: .reference(), points: options.points, batchSize: size, repeats: options.repeats)
                if options.format == .table {
                    printError(
                        String(
                            format: "batch %5d: %8.1f ms per epoch, of which matrix products alone %.1f ms (medians of %d)",
                            size, perEpoch["\(size)"]!, gemmPerEpoch["\(size)"]!, options.repeats))
                }
            }
            let sgemm = Benchmark.sgemmGFLOPs(repeats: options.repeats)
            // Training ≈ 3 × forward FLOPs (forward, input gradient, weight gradient).
            let gflop = 3 * NetworkSpec.reference().forwardFLOPsPerPoint * Double(options.points) / 1e9
            let full = perEpoch["\(options.points)"] ?? perEpoch.values.min() ?? .nan
            let trainRate = gflop / (full / 1000)
            let report = Report(
                threads: options.threads, points: options.points, repeats: options.repeats, parameters: NetworkSpec.reference().parameterCount,
                ms_per_epoch: perEpoch, gemm_ms_per_epoch: gemmPerEpoch, sgemm_gflops: sgemm, train_gflops: trainRate,
                train_fraction_of_sgemm: trainRate / sgemm,
                gflop_per_epoch: gflop, openblas: BLAS.configuration)
            if options.format == .json {
                print(try jsonText(report), terminator: "")
            } else {
                var table = TextTable(header: ["batch", "ms/epoch", "matrix products alone (ms)"])
                table.rows = sizes.map { ["\($0)", String(format: "%.1f", perEpoch["\($0)"]!), String(format: "%.1f", gemmPerEpoch["\($0)"]!)] }
                print(table.rendered(), terminator: "")
                print(
                    String(
                        format: "sgemm 2048³: %.1f GFLOP/s; training at full batch: %.1f GFLOP/s (%.0f%% of sgemm; %.2f GFLOP per epoch)",
                        sgemm, trainRate, 100 * trainRate / sgemm, gflop))
                print("OpenBLAS: \(BLAS.configuration), \(options.threads) threads")
            }
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prediction throughput (points per second) and single-point latency.",
            discussion: helpText(
                """
                Always: the reference architecture in Float32, batched and one point at a time. With --model: that
                model (one network or an ensemble) through `predict` (Float64, batched over all points) and through
                the per-event path of the C API (one point at a time, every member, no allocation per call).
                  xsnet bench predict --model Models/C12-ensemble.xsnet --format json
                """))
        @OptionGroup var options: Options
        @Option(help: "Batch size for batched prediction.") var batch: Int = 2940
        @Option(help: "A model file to time as well (single network or ensemble).") var model: String?

        func validate() throws {
            if !(1...1_000_000).contains(batch) { throw ValidationError("--batch must be in 1…1,000,000") }
        }

        struct Report: Encodable {
            var threads: Int, points: Int, batch: Int
            var predict_points_per_s: Double
            /// Points per second if prediction were its matrix products alone (same run): the ceiling.
            var predict_gemm_points_per_s: Double
            var single_point_us: Double
            var model: String?
            var model_members: Int?
            var model_points_per_s: Double?
            var model_single_point_us: Double?
        }

        func run() throws {
            BLAS.threads = options.threads
            let (inputs, _) = BenchCommand.randomData(points: options.points, seed: 1)
            let net = Network(spec: .reference(), seed: 1)
            net.reserve(batchCapacity: batch)
            let rate = Double(options.points) / Benchmark.medianSeconds(repeats: options.repeats) { _ = net.predict(inputs) }
            // One point at a time, as a generator asks.
            let single = Network(spec: .reference(), seed: 1)
            single.reserve(batchCapacity: 1)
            let one = Array(inputs[0..<5])
            let singleSeconds = Benchmark.medianSeconds(repeats: options.repeats, perRun: 200) { for _ in 0..<200 { _ = single.predict(one) } }
            let gemmRate =
                Double(options.points)
                / Benchmark.gemmSeconds(
                    spec: .reference(), points: options.points, batchSize: batch,
                    repeats: options.repeats, forwardOnly: true)
            var report = Report(
                threads: options.threads, points: options.points, batch: batch,
                predict_points_per_s: rate, predict_gemm_points_per_s: gemmRate, single_point_us: singleSeconds * 1e6)
            if let model {
                let m = try CrossSectionModel.load(URL(fileURLWithPath: model))
                var rng = SeededGenerator(seed: 3)
                let points = (0..<options.points).map { _ -> Kinematics in
                    let E = 0.3 + 3 * rng.uniform()
                    return Kinematics(beamEnergy: E, angleDegrees: 15 + 60 * rng.uniform(), energyTransfer: E * (0.05 + 0.6 * rng.uniform()))
                }
                let batchSeconds = Benchmark.medianSeconds(repeats: options.repeats) { _ = m.predict(points) }
                let predictor = PointPredictor(m)
                var sink = 0.0
                let pointSeconds = Benchmark.medianSeconds(repeats: options.repeats, perRun: 500) {
                    for k in points.prefix(500) {
                        sink += predictor.predict(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer).mean
                    }
                }
                blackHole(sink)
                report.model = model
                report.model_members = m.networks.count
                report.model_points_per_s = Double(points.count) / batchSeconds
                report.model_single_point_us = pointSeconds * 1e6
            }
            if options.format == .json {
                print(try jsonText(report), terminator: "")
            } else {
                print(
                    String(
                        format:
                            "reference network (Float32): %.0f points/s batched (batch %d; its matrix products alone: %.0f points/s); one point: %.1f µs",
                        report.predict_points_per_s, batch, report.predict_gemm_points_per_s, report.single_point_us))
                if let model {
                    print(
                        String(
                            format: "%@ (%d network%@, Float64): %.0f points/s batched; one point, all members: %.1f µs",
                            model, report.model_members!, report.model_members! == 1 ? "" : "s", report.model_points_per_s!,
                            report.model_single_point_us!))
                }
            }
        }
    }
}

/// Keeps a benchmark's result alive so the timed work cannot be optimized away.
@inline(never) func blackHole(_ value: Double) { if value.bitPattern == 0x7FF8_DEAD_BEEF_0001 { print("") } }
