import Foundation
import XSCore
import XSData
import XSNN

/// One row of the training log (`<model>.log.csv`).
public struct TrainingLogRow: Codable, Hashable, Sendable {
    public var epoch: Int
    public var seconds: Double
    public var learningRate: Double
    /// The training objective per training point (the χ² form being minimized).
    public var loss: Double
    /// Σ((σ − λf)/Δσ)²/N on the training and test points, with the current λ_k.
    public var trainChi2PerPoint: Double
    public var testChi2PerPoint: Double

    public static let csvHeader = "epoch,seconds,learning_rate,loss,train_chi2_per_point,test_chi2_per_point"
    public var csvLine: String { "\(epoch),\(seconds),\(learningRate),\(loss),\(trainChi2PerPoint),\(testChi2PerPoint)" }
}

public enum TrainingError: Error, CustomStringConvertible, LocalizedError {
    case diverged(epoch: Int, loss: Double, checkpoint: String?)
    case checkpointMismatch(String)

    public var description: String {
        switch self {
        case let .diverged(epoch, loss, checkpoint):
            "training diverged at epoch \(epoch) (loss \(loss); or most predictions collapsed to 0 or ∞); "
                + (checkpoint.map { "the last good checkpoint is kept at \($0); resume it with a lower --learning-rate" } ?? "no checkpoint was written; retry with a lower --learning-rate")
        case .checkpointMismatch(let why): "cannot resume: \(why)"
        }
    }
    public var errorDescription: String? { description }
}

/// What a checkpoint stores besides weights and optimizer moments.
struct CheckpointInfo: Codable {
    var info: ModelInfo
    var epoch: Int
    var generator: SeededGenerator
    var dropoutGenerators: [SeededGenerator]
    var optimizerSteps: Int
    var plateau: PlateauTracker
    var lambdas: [String: Double]
    var log: [TrainingLogRow]
    var elapsedSeconds: Double
    var command: String
}

/// Progress reported after each evaluation.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var row: TrainingLogRow
    public var secondsLeft: Double
}

/// Trains a cross-section model: mini-batch χ² descent with the λ_k fitted in closed form.
public final class Trainer {
    public let data: SelectedData
    /// The run's hyperparameters; a resumed run may lower the learning rate (see `xsnet train --resume`).
    public var config: TrainingConfig
    public let network: Network
    public private(set) var info: ModelInfo
    public private(set) var epoch = 0
    public private(set) var history: [TrainingLogRow] = []
    public private(set) var lambdas: [String: Double]
    public let command: String

    private let chi2: Chi2
    private var optimizer: any Optimizer
    private var generator: SeededGenerator
    private var plateau = PlateauTracker()
    private var elapsedBefore = 0.0
    // Per-point arrays, precomputed once.
    private let features: [Float]
    private let logScale: [Double]
    private var sigma: [Double]
    private let sigmaError: [Double]
    /// The training points of an epoch (a multiset for the resampling bootstrap).
    private var trainingPoints: [Int]
    private let datasetOfPoint: [String]

    /// A pre-trained network and the transforms it was trained with (transfer learning).
    public struct Start {
        public var network: Network
        public var input: InputTransform
        public var output: OutputTransform
        public var source: String

        public init(network: Network, input: InputTransform, output: OutputTransform, source: String) {
            self.network = network
            self.input = input
            self.output = output
            self.source = source
        }
    }

    /// A new run, from random weights or (fine-tuning) from a pre-trained network.
    public init(data: SelectedData, config: TrainingConfig, command: String, startingFrom start: Start? = nil) {
        self.data = data
        self.config = config
        self.command = command
        chi2 = Chi2(form: config.chi2, relativeErrorFloor: config.relativeErrorFloor)
        let kinematics = data.points.map(\.kinematics)
        let trainKinematics = data.split.train.map { kinematics[$0] }
        var input = InputTransform(features: config.features, fittedOn: trainKinematics)
        var output: OutputTransform
        switch config.output {
        case _ where start != nil: output = start!.output
        case .sigmoid: output = .sigmoidScale
        case .log:
            let logs = data.split.train.map { log(data.points[$0].crossSection / kinematics[$0].mottScale) }
            let mean: Double = logs.reduce(0, +) / Double(logs.count)
            var sumSquares = 0.0
            for v in logs { sumSquares += (v - mean) * (v - mean) }
            let sd = (sumSquares / Double(logs.count)).squareRoot()
            output = .logScale(offset: mean, width: max(sd, 1e-3))
        }
        if let start {
            // The pre-trained network keeps the transforms it learned with: its inputs must mean the same.
            input = start.input
            output = start.output
            network = start.network.copy()
        } else {
            network = Network(spec: config.networkSpec, seed: config.effectiveSeed)
        }
        lambdas = Dictionary(uniqueKeysWithValues: data.datasetKeys.map { ($0, 1.0) })
        info = ModelInfo(nucleus: data.selection.nucleus, input: input, output: output, chi2: config.chi2,
                         relativeErrorFloor: config.relativeErrorFloor, normalizations: [], selection: data.selection, split: data.split,
                         domain: KinematicDomain(points: trainKinematics), training: nil, config: config)
        info.fineTunedFrom = start?.source
        features = input(kinematics)
        logScale = kinematics.map { log($0.mottScale) }
        sigma = data.points.map(\.crossSection)
        sigmaError = data.points.map(\.crossSectionError)
        datasetOfPoint = data.points.map(\.dataset)
        generator = SeededGenerator(seed: config.effectiveSeed).derived(1)
        trainingPoints = data.split.train
        optimizer = Self.makeOptimizer(config, network)
        if config.replica != nil { drawCloneData() }
        if config.output == .sigmoid && start == nil { initializeSigmoidBias() }
    }

    /// Rebuilds the optimizer for the current trainable set (after freezing blocks).
    public func resetOptimizer() { optimizer = Self.makeOptimizer(config, network) }

    /// The cross section point `i` is trained on (a clone value for a bootstrap replica).
    public func trainingCrossSection(_ i: Int) -> Double { sigma[i] }

    /// Replaces the training data by a bootstrap clone (test points keep the measured values).
    private func drawCloneData() {
        var rng = SeededGenerator(seed: config.effectiveSeed).derived(2)
        switch config.bootstrap {
        case .parametric:
            var shift: [String: Double] = [:]
            for key in data.datasetKeys {
                let dl = data.normalizationUncertainty[key] ?? NormalizationUncertainties.defaultValue
                shift[key] = max(1 + dl * rng.normal(), 0.5)
            }
            for i in data.split.train {
                // A Gaussian draw may make σ negative where Δσ ~ σ: redraw (a truncated Gaussian)
                // up to 100 times, then keep 5% of σ. Logged cross sections must stay positive.
                var value = 0.0
                for _ in 0..<100 {
                    value = sigma[i] + sigmaError[i] * rng.normal()
                    if value > 0.05 * sigma[i] { break }
                }
                sigma[i] = max(value, 0.05 * sigma[i]) * shift[datasetOfPoint[i]]!
            }
        case .resample:
            trainingPoints = data.split.train.map { _ in data.split.train[rng.index(below: data.split.train.count)] }
        }
    }

    static func makeOptimizer(_ config: TrainingConfig, _ network: Network) -> any Optimizer {
        let decay = Float(config.weightDecay)
        switch config.optimizer {
        // The update runs on as many threads as the matrix products (bit-identical for any count).
        case .adam: var a = Adam(groups: network.trainableGroups(weightDecay: decay), decoupled: false); a.threads = config.threads; return a
        case .adamw: var a = Adam(groups: network.trainableGroups(weightDecay: decay), decoupled: true); a.threads = config.threads; return a
        case .sgd: return SGD(groups: network.trainableGroups(weightDecay: decay), momentum: 0.9)
        }
    }

    /// With a sigmoid output the default initialization predicts ~200× too much (TRAINING-NOTES):
    /// start the output bias at the logit of the median σ/S of the training data.
    private func initializeSigmoidBias() {
        let ratios = data.split.train.map { sigma[$0] / exp(logScale[$0]) }.sorted()
        let median = min(max(ratios[ratios.count / 2], 1e-12), 1 - 1e-6)
        if let bias = network.parameters.view(named: "output.dense.bias") {
            network.parameters.setValues(bias, [Float(log(median / (1 - median)))])
        }
    }

    /// Resumes a run from its checkpoint; the data must be the same.
    public init(resuming url: URL, data: ScatteringData) throws {
        let (networks, checkpoint, extra) = try ModelFile.decodeWithExtras(CheckpointInfo.self, from: try Data(contentsOf: url), path: url.path)
        let selected = try checkpoint.info.selection.apply(to: data)
        guard let network = networks.first else { throw TrainingError.checkpointMismatch("the checkpoint holds no network") }
        self.data = selected
        config = checkpoint.info.config
        command = checkpoint.command
        chi2 = Chi2(form: config.chi2, relativeErrorFloor: config.relativeErrorFloor)
        self.network = network
        network.dropoutGenerators = checkpoint.dropoutGenerators
        info = checkpoint.info
        epoch = checkpoint.epoch
        history = checkpoint.log
        lambdas = checkpoint.lambdas
        generator = checkpoint.generator
        plateau = checkpoint.plateau
        elapsedBefore = checkpoint.elapsedSeconds
        let kinematics = selected.points.map(\.kinematics)
        features = info.input(kinematics)
        logScale = kinematics.map { Foundation.log($0.mottScale) }
        sigma = selected.points.map(\.crossSection)
        sigmaError = selected.points.map(\.crossSectionError)
        datasetOfPoint = selected.points.map(\.dataset)
        trainingPoints = selected.split.train
        optimizer = Self.makeOptimizer(config, network)
        if config.replica != nil { drawCloneData() }
        guard selected.split == info.split else { throw TrainingError.checkpointMismatch("the data no longer give the checkpoint's split") }
        guard let state = extra["optimizer"], state.count == optimizer.state.count else {
            throw TrainingError.checkpointMismatch("optimizer state missing or of another size")
        }
        optimizer.restore(state: state, stepCount: checkpoint.optimizerSteps)
    }

    public func saveCheckpoint(_ url: URL) throws {
        let checkpoint = CheckpointInfo(info: info, epoch: epoch, generator: generator, dropoutGenerators: network.dropoutGenerators,
                                        optimizerSteps: optimizer.stepCount, plateau: plateau, lambdas: lambdas, log: history,
                                        elapsedSeconds: elapsedBefore, command: command)
        try ModelFile.write(networks: [network], metadata: checkpoint, to: url, extraTensors: [("optimizer", optimizer.state)])
    }

    /// Monte-Carlo passes used for the predictions of a network trained with dropout.
    static let monteCarloPassesForFit = 16

    /// log f of every selected point: in evaluation mode, or for a network trained with dropout
    /// the log of the mean over Monte-Carlo passes, which is what it trains on in expectation and
    /// what it predicts (model B). Fitting the λ_k to the deterministic evaluation-mode output
    /// instead lets them run away: the network follows f_train = σ/λ_k, so each refit multiplies
    /// λ_k by f_train/f_eval ≠ 1 (measured: every λ_k at its ±5Δλ_k bound after 3,000 epochs).
    public func logPredictions() -> [Double] {
        guard config.dropout > 0 else {
            let z = network.predict(features)
            return z.indices.map { logScale[$0] + info.output.logRatio(Double(z[$0])).value }
        }
        var sum = [Double](repeating: 0, count: logScale.count)
        for _ in 0..<Self.monteCarloPassesForFit {
            let z = network.predict(features, mode: .monteCarloDropout)
            for i in sum.indices { sum[i] += exp(info.output.logRatio(Double(z[i])).value) }
        }
        return sum.indices.map { logScale[$0] + log(sum[$0] / Double(Self.monteCarloPassesForFit)) }
    }

    /// Σ((σ − λf)/Δσ)² / N over the given points.
    func chi2PerPoint(_ indices: [Int], _ logF: [Double]) -> Double {
        guard !indices.isEmpty else { return .nan }
        var s = 0.0
        for i in indices {
            let r = (sigma[i] - (lambdas[datasetOfPoint[i]] ?? 1) * exp(logF[i])) / sigmaError[i]
            s += r * r
        }
        return s / Double(indices.count)
    }

    /// Refits every λ_k in closed form on the training points, then removes their common scale.
    ///
    /// Why the second step: the data term is unchanged if the network output is multiplied by c
    /// and every λ_k divided by c; only the priors ½ Σ_k (log λ_k/Δλ_k)² fix c, and they do so
    /// at Σ_k log λ_k/Δλ_k² = 0. The network never feels the priors, so alternating updates let
    /// all λ_k drift together (measured: every λ_k ≈ 0.88 and a prediction 12% low after 3,000
    /// epochs). Setting the prior-weighted mean of log λ_k to zero is the exact minimization of
    /// χ²_tot along that direction; the network then follows the data at the common scale.
    func fitNormalizations(_ logF: [Double]) {
        var byDataset: [String: [Int]] = [:]
        for i in trainingPoints { byDataset[datasetOfPoint[i], default: []].append(i) }
        var weightedSum = 0.0, weights = 0.0
        for key in byDataset.keys.sorted() {
            let idx = byDataset[key]!
            let uncertainty = data.normalizationUncertainty[key] ?? NormalizationUncertainties.defaultValue
            let lambda = chi2.bestNormalization(sigma: idx.map { sigma[$0] }, error: idx.map { sigmaError[$0] },
                                                logPrediction: idx.map { logF[$0] }, uncertainty: uncertainty)
            lambdas[key] = lambda
            weightedSum += log(lambda) / (uncertainty * uncertainty)
            weights += 1 / (uncertainty * uncertainty)
        }
        guard weights > 0 else { return }  // one data set: λ = 1, the network carries the scale
        let commonScale = exp(weightedSum / weights)
        for key in byDataset.keys {
            let bound = config.normalizationBound * (data.normalizationUncertainty[key] ?? NormalizationUncertainties.defaultValue)
            lambdas[key] = min(max(lambdas[key]! / commonScale, max(1 - bound, 0.05)), 1 + bound)
        }
    }

    public enum Outcome: Sendable { case finished, interrupted }

    /// Trains to `config.epochs`, checkpointing every `checkpointEvery` epochs (and when
    /// `shouldStop` turns true, after which it returns `.interrupted`).
    public func run(checkpoint: URL? = nil, checkpointEvery: Int = 100, progress: (TrainingProgress) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> Outcome {
        BLAS.threads = config.threads
        let batch = min(config.batchSize, data.split.train.count)
        network.reserve(batchCapacity: max(batch, 1))
        let dz = Matrix(rows: 0, columns: 1, capacity: batch)
        let schedule = config.learningRateSchedule
        let releaseEpoch = Int(Double(config.epochs) * config.releaseFraction)
        let started = Benchmark.now()
        let startEpoch = epoch
        var wroteCheckpoint = false
        var bestLoss = Double.infinity
        let f = config.features.count
        while epoch < config.epochs {
            var rate = schedule.rate(base: config.learningRate, epoch: epoch)
            if case .reduceOnPlateau = schedule { rate *= plateau.scale }
            var order = trainingPoints
            generator.shuffle(&order)
            var lossSum = 0.0
            var start = 0
            while start < order.count {
                let rows = min(batch, order.count - start)
                let x = network.inputMatrix(rows: rows)
                features.withUnsafeBufferPointer { src in
                    for r in 0..<rows { (x.data + r * f).update(from: src.baseAddress! + order[start + r] * f, count: f) }
                }
                let z = network.forward(x, mode: .training)
                dz.setRows(rows)
                let inverseRows = 1 / Double(rows)
                for r in 0..<rows {
                    let i = order[start + r]
                    let (ratio, dRatio) = info.output.logRatio(Double(z.data[r]))
                    let term = chi2.pointTerm(sigma: sigma[i], error: sigmaError[i], logPrediction: logScale[i] + ratio,
                                              lambda: lambdas[datasetOfPoint[i]] ?? 1)
                    lossSum += term.value
                    dz.data[r] = Float(term.dLogF * dRatio * inverseRows)
                }
                network.parameters.zeroGradients()
                network.backward(dz)
                if config.gradientClip > 0 { clipGradientNorm(network.trainableGroups(weightDecay: 0), maxNorm: Float(config.gradientClip)) }
                optimizer.step(learningRate: Float(rate))
                start += rows
            }
            epoch += 1
            let loss = lossSum / Double(order.count)
            // A non-finite loss, or one 10⁴× above the best so far, is divergence. (Adam recovers
            // from spikes of 100× — one bootstrap replica showed one at epoch 779 — so the bound is
            // wide; the floor of 0.1 per point keeps a near-perfect fit of a few points from tripping it.)
            if !loss.isFinite || loss > 10_000 * max(bestLoss, 0.1) {
                throw TrainingError.diverged(epoch: epoch, loss: loss, checkpoint: wroteCheckpoint || startEpoch > 0 ? checkpoint?.path : nil)
            }
            bestLoss = min(bestLoss, loss)
            if epoch % config.evaluateEvery == 0 || epoch == config.epochs {
                var logF = logPredictions()
                // Collapse (the failure TRAINING-NOTES saw with the linear χ²): most predictions
                // non-finite or below e⁻²⁰ of the data. The network cannot recover from it.
                let collapsed = data.split.train.filter { !logF[$0].isFinite || logF[$0] - log(sigma[$0]) < -20 || logF[$0] - log(sigma[$0]) > 20 }.count
                if collapsed * 2 > data.split.train.count {
                    throw TrainingError.diverged(epoch: epoch, loss: loss, checkpoint: wroteCheckpoint || startEpoch > 0 ? checkpoint?.path : nil)
                }
                if config.normalization == .fit && epoch >= releaseEpoch {
                    fitNormalizations(logF)
                    logF = logPredictions()
                }
                let elapsed = elapsedBefore + Benchmark.now() - started
                let row = TrainingLogRow(epoch: epoch, seconds: elapsed, learningRate: rate, loss: loss,
                                         trainChi2PerPoint: chi2PerPoint(data.split.train, logF), testChi2PerPoint: chi2PerPoint(data.split.test, logF))
                history.append(row)
                if case let .reduceOnPlateau(patience, factor, minimum) = schedule {
                    _ = plateau.update(metric: loss, patience: patience, factor: factor, minimumFraction: minimum)
                }
                let perEpoch = (Benchmark.now() - started) / Double(epoch - startEpoch)
                progress(TrainingProgress(epoch: epoch, epochs: config.epochs, row: row, secondsLeft: perEpoch * Double(config.epochs - epoch)))
            }
            let stop = shouldStop()
            if let checkpoint, epoch % checkpointEvery == 0 || stop {
                let now = Benchmark.now()
                elapsedBefore += now - started
                try saveCheckpoint(checkpoint)
                elapsedBefore -= now - started  // keep counting from `started`
                wroteCheckpoint = true
            }
            if stop && epoch < config.epochs { elapsedBefore += Benchmark.now() - started; return .interrupted }
        }
        elapsedBefore += Benchmark.now() - started
        return .finished
    }

    /// The trained model, with its fitted normalizations and provenance.
    public func finishedModel(machine: String, version: String) -> CrossSectionModel {
        var info = self.info
        info.normalizations = lambdas.keys.sorted().map {
            NormalizationFit(dataset: $0, lambda: lambdas[$0]!, uncertainty: data.normalizationUncertainty[$0] ?? 0.05)
        }
        // A network trained with dropout predicts with Monte-Carlo dropout (model B), 100 passes by default.
        if config.dropout > 0 { info.monteCarloSamples = 100 }
        let formatter = ISO8601DateFormatter()
        info.training = TrainingRecord(command: command, seed: config.effectiveSeed, epochs: epoch, wallSeconds: elapsedBefore, machine: machine,
                                       dataHash: data.dataHash, xsnetVersion: version, finishedAt: formatter.string(from: Date()))
        return CrossSectionModel(networks: [network], info: info)
    }

    public var logCSV: String { ([TrainingLogRow.csvHeader] + history.map(\.csvLine)).joined(separator: "\n") + "\n" }
}
