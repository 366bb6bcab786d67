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
    /// Σ((σ − λf)/Δσ)²/N on the training and test points, with the current λ_k; nil for the
    /// test points of a run without any (`--test-fraction 0`: empty in the CSV).
    public var trainChi2PerPoint: Double
    public var testChi2PerPoint: Double?

    public static let csvHeader = "epoch,seconds,learning_rate,loss,train_chi2_per_point,test_chi2_per_point"
    public var csvLine: String { "\(epoch),\(seconds),\(learningRate),\(loss),\(trainChi2PerPoint),\(testChi2PerPoint.map { "\($0)" } ?? "")" }
}

public enum TrainingError: Error, CustomStringConvertible, LocalizedError {
    case diverged(epoch: Int, loss: Double, checkpoint: String?)
    case checkpointMismatch(String)

    public var description: String {
        switch self {
        case let .diverged(epoch, loss, checkpoint):
            "training diverged at epoch \(epoch) (loss \(loss); or most predictions collapsed to 0 or ∞); "
                + (checkpoint.map { "the last good checkpoint is kept at \($0); resume it with a lower --learning-rate" }
                    ?? "no checkpoint was written; retry with a lower --learning-rate")
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

extension CheckpointInfo {
    /// The checks of a model file's metadata, and the run's own state: one network, its dropout
    /// generators, an epoch and a time within range, finite λ_k.
    func validate(networks: [Network]) throws {
        try info.validate(networks: networks)
        func refuse(_ field: String, _ why: String) -> ModelFileError { .invalid(field: field, why: why) }
        guard networks.count == 1 else { throw refuse("members", "lists \(networks.count) networks; a checkpoint holds one") }
        let dropoutLayers = networks[0].layers.filter { $0 is Dropout }.count
        guard dropoutGenerators.count == dropoutLayers else {
            throw refuse("dropoutGenerators", "has \(dropoutGenerators.count) generators for \(dropoutLayers) dropout layers")
        }
        guard (0...info.config.epochs).contains(epoch) else { throw refuse("epoch", "is \(epoch), outside 0…\(info.config.epochs)") }
        guard elapsedSeconds >= 0 && elapsedSeconds.isFinite else { throw refuse("elapsedSeconds", "is \(elapsedSeconds)") }
        if let (k, λ) = lambdas.first(where: { !($0.value > 0 && $0.value.isFinite) }) {
            throw refuse("lambdas.\(k)", "is \(λ), not a finite number > 0")
        }
    }
}

/// Progress reported after each evaluation.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var row: TrainingLogRow
    public var secondsLeft: Double
}

/// Per-point arrays the training loop reads, computed once from the selected data, the input
/// transform and the configuration: features, log S(E, θ), the cross sections (a clone's for a
/// bootstrap replica), their errors, each point's data set, and the training points of an epoch.
struct TrainingPoints {
    /// The selected data's points first (indices as in `SelectedData.points`), then the
    /// Bosted–Mamyan pseudo-points of a run that has them (`ReferencePseudoData`).
    var features: [Float]
    var logScale: [Double]
    /// The output's per-point constants (the response head's angle factors, the reference prior's σ_ref).
    var outputFactors: [OutputFactors]
    var sigma: [Double]
    var sigmaError: [Double]
    var datasetOfPoint: [String]
    /// The indices of the pseudo-points (after the data's; empty without them).
    private(set) var pseudoPoints = 0..<0
    /// log f of the network an update started from at each anchored point (NaN elsewhere; empty
    /// without an anchor), and each point's anchor weight w/τ² (`Trainer.anchorToStart`; 0 where
    /// the point is not anchored).
    var anchorLogPrediction: [Double] = []
    var anchorWeight: [Double] = []
    /// The training points of an epoch (a multiset for the resampling bootstrap).
    var trainingPoints: [Int]

    init(_ data: SelectedData, input: InputTransform, output: OutputTransform, config: TrainingConfig) {
        // With Coulomb distortion the networks see each point at its nucleus's E_eff, and log S
        // carries the focusing factor (`BornKinematics`).
        let born = data.points.map { BornKinematics($0.kinematics, nucleus: $0.nucleus, coulombDistortion: config.usesCoulombDistortion) }
        let kinematics = born.map(\.kinematics)
        logScale = born.map { Foundation.log($0.kinematics.crossSectionScale) + $0.logFocusing }
        if data.selection.isAnyTarget {
            // Each point with the transform bound to its nucleus, its responses per nucleon (a
            // model fine-tuned from an any-target one on one nucleus is bound already).
            let n = input.features.count
            var features = [Float](repeating: 0, count: kinematics.count * n)
            var factors = [OutputFactors](repeating: .none, count: kinematics.count)
            var bound: [Nucleus: InputTransform] = [:]
            for (i, p) in data.points.enumerated() {
                let transform = bound[p.nucleus] ?? input.bound(to: p.nucleus)
                bound[p.nucleus] = transform
                let row = transform([kinematics[i]])
                for j in 0..<n { features[i * n + j] = row[j] }
                var f = OutputFactors(kinematics[i], output: output, nucleus: p.nucleus)
                let logA = output.anyTargetLogScale(p.nucleus)
                f.logLongitudinal += logA
                f.logTransverse += logA
                factors[i] = f
            }
            self.features = features
            outputFactors = factors
        } else {
            features = input(kinematics)
            let nucleus = Nucleus(name: data.selection.nucleus)
            outputFactors = kinematics.map { OutputFactors($0, output: output, nucleus: nucleus) }
        }
        sigma = data.points.map(\.crossSection)
        sigmaError = data.points.map(\.crossSectionError)
        datasetOfPoint = data.points.map(\.dataset)
        trainingPoints = data.split.train
        if config.replica != nil { drawClone(data, config: config) }
        if config.pseudoPointCount > 0, !data.selection.isAnyTarget, let nucleus = Nucleus(name: data.selection.nucleus) {
            let distance = config.pseudoPointMinimumDistance
            let pseudo = ReferencePseudoData(count: config.pseudoPointCount, nucleus: nucleus, seed: config.effectiveSeed) { k in
                distance <= 0 || Self.distance(from: input([k]), to: features, points: data.split.train) >= distance
            }
            appendPseudoData(
                pseudo, input: input, output: output, nucleus: nucleus,
                relativeError: config.pseudoPointError, shapeError: config.replica == nil ? 0 : config.pseudoPointShapeError,
                seed: config.effectiveSeed)
        }
    }

    /// The Euclidean distance from the input row `x` to the nearest of `points` in `features`
    /// (rows of x.count values).
    static func distance(from x: [Float], to features: [Float], points: [Int]) -> Double {
        let n = x.count
        var best = Float.infinity
        for i in points {
            var d: Float = 0
            for j in 0..<n {
                let t = features[i * n + j] - x[j]
                d += t * t
            }
            best = min(best, d)
        }
        return Double(best).squareRoot()
    }

    /// Adds the pseudo-points to the training points of every epoch (after the clone is drawn:
    /// they are the prior, not data; a replica draws its own points, and with a shape error
    /// multiplies them by exp δ, δ a smooth random function of the inputs,
    /// `ReferencePseudoData.smoothRandomShift`, correlation length one standard deviation).
    private mutating func appendPseudoData(
        _ pseudo: ReferencePseudoData, input: InputTransform, output: OutputTransform, nucleus: Nucleus, relativeError: Double,
        shapeError: Double, seed: UInt64
    ) {
        let first = sigma.count
        let rows = input(pseudo.points)
        features += rows
        logScale += pseudo.points.map { Foundation.log($0.crossSectionScale) }
        outputFactors += pseudo.points.map { OutputFactors($0, output: output, nucleus: nucleus) }
        let shift =
            shapeError > 0
            ? ReferencePseudoData.smoothRandomShift(
                rows: rows, inputs: input.features.count, amplitude: shapeError, correlationLength: 1, seed: seed)
            : [Double](repeating: 0, count: pseudo.points.count)
        let shifted = zip(pseudo.crossSections, shift).map { $0 * exp($1) }
        sigma += shifted
        sigmaError += shifted.map { $0 * relativeError }
        datasetOfPoint += Array(repeating: ReferencePseudoData.datasetKey, count: pseudo.points.count)
        pseudoPoints = first..<sigma.count
        trainingPoints += pseudoPoints
    }

    /// Replaces the training cross sections by a bootstrap clone (test points keep the measured
    /// values), drawn with `config`'s replica seed.
    private mutating func drawClone(_ data: SelectedData, config: TrainingConfig) {
        var rng = SeededGenerator(seed: config.effectiveSeed).derived(2)
        if config.bootstrap == .resampledParametric {
            trainingPoints = data.split.train.map { _ in data.split.train[rng.index(below: data.split.train.count)] }
        }
        switch config.bootstrap {
        case .parametric, .resampledParametric:
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
}

/// Wall time of a run that may be split over several processes (checkpoint and resume): the
/// seconds of earlier processes plus this one's since `start`.
struct Stopwatch {
    let before: Double
    private var started = Benchmark.now()

    init(before: Double = 0) { self.before = before }

    var elapsed: Double { before + Benchmark.now() - started }
    /// Seconds in this process only (the rate for a time-left estimate).
    var elapsedHere: Double { Benchmark.now() - started }
}

/// Trains a cross-section model: mini-batch χ² descent with the λ_k fitted in closed form.
public final class Trainer {
    public let data: SelectedData
    public let network: Network
    /// The model being made; `info.config` is the run's one stored configuration.
    public private(set) var info: ModelInfo
    public private(set) var epoch = 0
    public private(set) var history: [TrainingLogRow] = []
    public private(set) var lambdas: [String: Double]
    public let command: String

    private var optimizer: any Optimizer
    private var generator: SeededGenerator
    private var plateau = PlateauTracker()
    private var secondsBefore = 0.0
    private var points: TrainingPoints

    /// The run's hyperparameters (what the checkpoint, the model file and its card record).
    public var config: TrainingConfig { info.config }
    private var chi2: Chi2 { Chi2(form: config.chi2, relativeErrorFloor: config.relativeErrorFloor) }

    /// A pre-trained network and the transforms it was trained with (transfer learning).
    public struct Start {
        public var network: Network
        public var input: InputTransform
        public var output: OutputTransform
        public var source: String
        /// The λ_k the data sets start from (by data-set key; 1 for the others). A model updated
        /// with new data starts from the λ_k it was fitted with: its network describes the data
        /// divided by them, and held at 1 until their release the old data sets would pull the
        /// network away from where it was.
        public var normalizations: [String: Double]

        public init(network: Network, input: InputTransform, output: OutputTransform, source: String, normalizations: [String: Double] = [:]) {
            self.network = network
            self.input = input
            self.output = output
            self.source = source
            self.normalizations = normalizations
        }
    }

    /// A new run, from random weights or (fine-tuning) from a pre-trained network.
    public init(data: SelectedData, config: TrainingConfig, command: String, startingFrom start: Start? = nil) {
        self.data = data
        self.command = command
        let trainKinematics = data.split.train.map { data.points[$0].kinematics }
        let input: InputTransform
        let output: OutputTransform
        if let start {
            // The pre-trained network keeps the transforms it learned with: its inputs must mean the same.
            // ψ′ of the response features takes the new nucleus's Fermi momentum and energy shift:
            // scaling of the first kind (Donnelly and Sick 1999) is what carries one nucleus's
            // response to another's.
            // (A model of every nucleus is bound to the nucleus before, `Transfer.fineTune`.)
            var startInput = start.input
            if let nucleus = Nucleus(name: data.selection.nucleus) { startInput = startInput.bound(to: nucleus) }
            input = startInput
            output = start.output
            network = start.network.copy()
        } else {
            input = InputTransform(
                features: config.features, fittedOn: trainKinematics,
                fermiGas: Nucleus(name: data.selection.nucleus).map { FermiGasParameters(massNumber: $0.A) },
                nuclei: data.split.train.map { data.points[$0].nucleus })
            // The reference priors' standardization needs the fit at every training point: once.
            let standardization =
                config.output.usesReference ? Self.referenceStandardization(data) : (offset: 0, width: 1)
            output =
                switch config.output {
                case .sigmoid: .sigmoidScale
                case .log: Self.logOutputTransform(data)
                case .responses: Self.responseOutputTransform(data, perNucleon: config.features.describesNucleus)
                case .reference:
                    .referenceScale(offset: standardization.offset, width: standardization.width, bound: config.referenceCorrectionBound)
                case .referenceResponses:
                    .referenceResponses(offset: standardization.offset, width: standardization.width, bound: config.referenceCorrectionBound)
                }
            network = Network(spec: config.networkSpec, seed: config.effectiveSeed)
        }
        lambdas = Dictionary(uniqueKeysWithValues: data.datasetKeys.map { ($0, start?.normalizations[$0] ?? 1.0) })
        info = ModelInfo(
            nucleus: data.selection.nucleus, input: input, output: output, normalizations: [], selection: data.selection,
            split: data.split, domain: KinematicDomain(points: trainKinematics), training: nil, config: config)
        info.nucleusDomains = ModelInfo.nucleusDomains(data)
        info.fineTunedFrom = start?.source
        points = TrainingPoints(data, input: input, output: output, config: config)
        generator = SeededGenerator(seed: config.effectiveSeed).derived(1)
        optimizer = Self.makeOptimizer(config, network)
        if config.output == .sigmoid && start == nil { initializeSigmoidBias() }
    }

    /// The mean and standard deviation (at least 10⁻³) of log(σ/base) over the training points:
    /// the offset and width that make the network's output z O(1) at the start.
    static func standardization(_ data: SelectedData, base: (ScatteringPoint) -> Double) -> (offset: Double, width: Double) {
        let logs = data.split.train.map { log(data.points[$0].crossSection / base(data.points[$0])) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sd = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count)).squareRoot()
        return (mean, max(sd, 1e-3))
    }

    /// The log output transform: z = (log(σ/S) − offset)/width.
    static func logOutputTransform(_ data: SelectedData) -> OutputTransform {
        let (offset, width) = standardization(data) { $0.kinematics.crossSectionScale }
        return .logScale(offset: offset, width: width)
    }

    /// The response head: the base is σ_Mott (v_L + v_T), so R_L = R_T = e^offset at z = 0; per
    /// nucleon (× A) for an any-target model.
    static func responseOutputTransform(_ data: SelectedData, perNucleon: Bool = false) -> OutputTransform {
        let (offset, width) = standardization(data) { p in
            p.kinematics.mottCrossSection * (p.kinematics.longitudinalFactor + p.kinematics.transverseFactor)
                * (perNucleon ? Double(p.nucleus.A) : 1)
        }
        return .responses(offset: offset, width: width)
    }

    /// The reference priors: the base is the Bosted–Mamyan σ (NaN for a nucleus the fit does not
    /// cover: training on it is refused before, by `TrainingConfig.check(nucleus:)`).
    static func referenceStandardization(_ data: SelectedData) -> (offset: Double, width: Double) {
        standardization(data) { BostedMamyan().crossSection($0.kinematics, nucleus: $0.nucleus) ?? .nan }
    }

    /// Rebuilds the optimizer for the current trainable set (after freezing blocks).
    public func resetOptimizer() { optimizer = Self.makeOptimizer(config, network) }

    /// How many Bosted–Mamyan pseudo-points the run trains with (fewer than asked where the
    /// region has no more far enough from the data).
    public var referencePseudoPointCount: Int { points.pseudoPoints.count }

    /// Holds the network near the function it starts from at the training points of the data
    /// sets not in `excluded` (an update's old data sets): each such point's χ² term gains
    /// ½ ((log f − log f_start)/τ)², τ = `relativeError`, on the same forward pass (no extra cost).
    /// A function-space anchor ("learning without forgetting", Li and Hoiem, arXiv:1606.09282):
    /// continued training without it moves the old data sets' predictions where the new data do
    /// not ask for it (re-delivering a data set the shipped carbon network already had moved
    /// Bagdasaryan's median by 1.0 and Sealock's by 1.1 points, docs/update.md). A bootstrap
    /// member is anchored at the points of its own clone. Call once, before `run`.
    public func anchorToStart(excluding excluded: Set<String>, relativeError: Double, release: AnchorRelease? = nil) {
        precondition(relativeError > 0 && relativeError.isFinite, "the anchor's relative error must be positive")
        precondition(points.anchorLogPrediction.isEmpty, "anchorToStart is called once, before the run")
        // The network as it was saved (its batch-norm statistics too): the model before the update.
        let logF = logPredictions()
        var anchor = [Double](repeating: .nan, count: logF.count)
        var weight = [Double](repeating: 0, count: logF.count)
        for i in data.split.train where !excluded.contains(data.points[i].dataset) {
            anchor[i] = logF[i]
            weight[i] = (release?.heldShare(data.points[i]) ?? 1) / (relativeError * relativeError)
        }
        points.anchorLogPrediction = anchor
        points.anchorWeight = weight
    }

    /// The anchor's weight w/τ² on point `i`'s log prediction (0 where it is not anchored).
    func anchorWeight(ofPoint i: Int) -> Double { points.anchorWeight.isEmpty ? 0 : points.anchorWeight[i] }

    /// The cross section point `i` is trained on (a clone value for a bootstrap replica).
    public func trainingCrossSection(_ i: Int) -> Double { points.sigma[i] }

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
        let ratios = data.split.train.map { points.sigma[$0] / exp(points.logScale[$0]) }.sorted()
        let median = min(max(ratios[ratios.count / 2], 1e-12), 1 - 1e-6)
        if let bias = network.parameters.view(named: "output.dense.bias") {
            network.parameters.setValues(bias, [Float(log(median / (1 - median)))])
        }
    }

    /// Resumes a run from its checkpoint; the data must be the same.
    public convenience init(resuming url: URL, data: ScatteringData) throws {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch { throw ModelFileError.unreadable("\(url.path): \(error.localizedDescription)") }
        try self.init(checkpoint: bytes, path: url.path, data: data)
    }

    /// Resumes a run from a checkpoint's bytes (`path` names it in errors), validated first.
    public init(checkpoint bytes: Data, path: String, data: ScatteringData) throws {
        let (networks, checkpoint, extra) = try ModelFile.decodeWithExtras(CheckpointInfo.self, from: bytes, path: path)
        try checkpoint.validate(networks: networks)
        let selected = try checkpoint.info.selection.apply(to: data)
        let network = networks[0]
        guard selected.split == checkpoint.info.split else {
            throw TrainingError.checkpointMismatch("the data no longer give the checkpoint's split")
        }
        self.data = selected
        self.network = network
        network.dropoutGenerators = checkpoint.dropoutGenerators
        command = checkpoint.command
        info = checkpoint.info
        epoch = checkpoint.epoch
        history = checkpoint.log
        lambdas = checkpoint.lambdas
        generator = checkpoint.generator
        plateau = checkpoint.plateau
        secondsBefore = checkpoint.elapsedSeconds
        points = TrainingPoints(selected, input: checkpoint.info.input, output: checkpoint.info.output, config: checkpoint.info.config)
        optimizer = Self.makeOptimizer(checkpoint.info.config, network)
        guard let state = extra["optimizer"] else { throw TrainingError.checkpointMismatch("the optimizer state is missing") }
        try optimizer.restore(state: state, stepCount: checkpoint.optimizerSteps)
    }

    /// The fields a resumed run may change: how long and how fast it goes on, and on how many
    /// threads. Any other change (the network, the loss, the seed, the data) would make the
    /// checkpoint's weights, moments and clone data belong to another run.
    public static let fieldsChangeableOnResume: Set<String> = ["learningRate", "epochs", "evaluateEvery", "threads"]

    /// Changes the stored configuration of a resumed run to `new` and returns the fields that
    /// changed (JSON names); refuses a change to any field outside `fieldsChangeableOnResume`.
    /// The change is stored with the run: the next checkpoint, the model file and its card
    /// show it, and a later resume continues with it.
    @discardableResult
    public func reconfigure(_ new: TrainingConfig) throws -> [String] {
        let changed = try TrainingConfig.changedFields(from: config, to: new)
        if let refused = changed.first(where: { !Self.fieldsChangeableOnResume.contains($0) }) {
            throw TrainingError.checkpointMismatch(
                "`\(refused)` is fixed for a resumed run (only \(Self.fieldsChangeableOnResume.sorted().joined(separator: ", ")) may change); start a new run to change it"
            )
        }
        guard !changed.isEmpty else { return [] }
        let state = optimizer.state, steps = optimizer.stepCount
        info.config = new
        optimizer = Self.makeOptimizer(new, network)  // its thread count comes from the configuration
        try optimizer.restore(state: state, stepCount: steps)
        return changed
    }

    public func saveCheckpoint(_ url: URL) throws {
        let checkpoint = CheckpointInfo(
            info: info, epoch: epoch, generator: generator, dropoutGenerators: network.dropoutGenerators,
            optimizerSteps: optimizer.stepCount, plateau: plateau, lambdas: lambdas, log: history,
            elapsedSeconds: secondsBefore, command: command)
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
        let logScale = points.logScale
        let c = info.output.outputCount
        func logRatios(_ z: [Float]) -> [Double] {
            logScale.indices.map { i in
                info.output.logRatio(Double(z[i * c]), c == 2 ? Double(z[i * c + 1]) : 0, points.outputFactors[i]).value
            }
        }
        guard config.dropout > 0 else {
            let ratios = logRatios(network.predict(points.features))
            return ratios.indices.map { logScale[$0] + ratios[$0] }
        }
        var sum = [Double](repeating: 0, count: logScale.count)
        for _ in 0..<Self.monteCarloPassesForFit {
            let ratios = logRatios(network.predict(points.features, mode: .monteCarloDropout))
            for i in sum.indices { sum[i] += exp(ratios[i]) }
        }
        return sum.indices.map { logScale[$0] + log(sum[$0] / Double(Self.monteCarloPassesForFit)) }
    }

    /// Σ((σ − λf)/Δσ)² / N over the given points.
    /// nil without points (a split may have no test part; the training part is never empty).
    func chi2PerPoint(_ indices: [Int], _ logF: [Double]) -> Double? {
        guard !indices.isEmpty else { return nil }
        var s = 0.0
        for i in indices {
            let r = (points.sigma[i] - (lambdas[points.datasetOfPoint[i]] ?? 1) * exp(logF[i])) / points.sigmaError[i]
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
        for i in points.trainingPoints where !points.pseudoPoints.contains(i) {
            byDataset[points.datasetOfPoint[i], default: []].append(i)
        }
        var weightedSum = 0.0, weights = 0.0
        let chi2 = self.chi2
        for key in byDataset.keys.sorted() {
            let idx = byDataset[key]!
            let uncertainty = data.normalizationUncertainty[key] ?? NormalizationUncertainties.defaultValue
            let lambda = chi2.bestNormalization(
                sigma: idx.map { points.sigma[$0] }, error: idx.map { points.sigmaError[$0] },
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

    /// The Bosted–Mamyan pseudo-data's λ, refitted at every evaluation from the start with Δλ = τ
    /// (closed form, as a data set's): the prior is the fit's shape, not its normalization, which
    /// the data set. Held at 1, the pseudo-data pull the network's scale towards the fit's and
    /// every data set's λ_k away from 1 to make up for it (measured on the carbon random split:
    /// λ 1.12 for Bagdasaryan, 1.03 for both Arrington sets, 3.43% against the data as published
    /// where the head without pseudo-data has 2.59%).
    func fitPseudoDataNormalization(_ logF: [Double]) {
        let idx = points.pseudoPoints
        guard !idx.isEmpty else { return }
        lambdas[ReferencePseudoData.datasetKey] = chi2.bestNormalization(
            sigma: Array(points.sigma[idx]), error: Array(points.sigmaError[idx]), logPrediction: Array(logF[idx]),
            uncertainty: config.pseudoPointError)
    }

    public enum Outcome: Sendable { case finished, interrupted }

    /// Trains to `config.epochs`, checkpointing every `checkpointEvery` epochs (and when
    /// `shouldStop` turns true, after which it returns `.interrupted`). Each epoch is the four
    /// steps of llm.c's loop (forward, zero the gradients, backward, update) over mini-batches;
    /// every `evaluateEvery` epochs an evaluation refits the λ_k and logs a row.
    public func run(
        checkpoint: URL? = nil, checkpointEvery: Int = 100, progress: (TrainingProgress) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> Outcome {
        BLAS.threads = config.threads
        let batch = max(min(config.batchSize, data.split.train.count), 1)
        network.reserve(batchCapacity: batch)
        let outputGradient = Matrix(rows: 0, columns: info.output.outputCount, capacity: batch)
        let clock = Stopwatch(before: secondsBefore)
        let startEpoch = epoch
        var bestLoss = Double.infinity
        // Where a divergence can resume from: a checkpoint this run wrote or the one it resumed.
        var lastGoodCheckpoint: String? = startEpoch > 0 ? checkpoint?.path : nil
        defer { secondsBefore = clock.elapsed }
        while epoch < config.epochs {
            let rate = learningRate()
            let loss = trainEpoch(learningRate: rate, outputGradient: outputGradient)
            epoch += 1
            // A non-finite loss, or one 10⁴× above the best so far, is divergence. (Adam recovers
            // from spikes of 100× — one bootstrap replica showed one at epoch 779 — so the bound is
            // wide; the floor of 0.1 per point keeps a near-perfect fit of a few points from tripping it.)
            if !loss.isFinite || loss > 10_000 * max(bestLoss, 0.1) {
                throw TrainingError.diverged(epoch: epoch, loss: loss, checkpoint: lastGoodCheckpoint)
            }
            bestLoss = min(bestLoss, loss)
            if epoch % config.evaluateEvery == 0 || epoch == config.epochs {
                let row = try evaluate(loss: loss, learningRate: rate, seconds: clock.elapsed, lastGoodCheckpoint: lastGoodCheckpoint)
                let perEpoch = clock.elapsedHere / Double(epoch - startEpoch)
                progress(TrainingProgress(epoch: epoch, epochs: config.epochs, row: row, secondsLeft: perEpoch * Double(config.epochs - epoch)))
            }
            let stop = shouldStop()
            if let checkpoint, epoch % checkpointEvery == 0 || stop {
                secondsBefore = clock.elapsed
                try saveCheckpoint(checkpoint)
                lastGoodCheckpoint = checkpoint.path
            }
            if stop && epoch < config.epochs { return .interrupted }
        }
        return .finished
    }

    /// The learning rate of the current epoch (the schedule, and the plateau scale if it reduces on plateau).
    func learningRate() -> Double {
        let schedule = config.learningRateSchedule
        let rate = schedule.rate(base: config.learningRate, epoch: epoch)
        if case .reduceOnPlateau = schedule { return rate * plateau.scale }
        return rate
    }

    /// One pass over the shuffled training points in mini-batches; returns the mean χ² term per
    /// point. `dz` holds dχ²/dz of a batch (allocated once per run for the largest batch).
    func trainEpoch(learningRate rate: Double, outputGradient dz: Matrix) -> Double {
        let batch = min(config.batchSize, data.split.train.count)
        let f = config.features.count
        let chi2 = self.chi2
        var order = points.trainingPoints
        generator.shuffle(&order)
        let codeDropout = config.nucleusCodeDropout ?? 0
        let codeColumns = config.features.nucleusColumns
        var lossSum = 0.0
        var start = 0
        while start < order.count {
            let rows = min(batch, order.count - start)
            let x = network.inputMatrix(rows: rows)
            points.features.withUnsafeBufferPointer { src in
                for r in 0..<rows { (x.data + r * f).update(from: src.baseAddress! + order[start + r] * f, count: f) }
            }
            // A share of the rows under the unknown nucleus's code (standardized: zeros).
            if codeDropout > 0 {
                for r in 0..<rows where generator.uniform() < codeDropout {
                    for j in codeColumns { x.data[r * f + j] = 0 }
                }
            }
            // 1. forward
            let z = network.forward(x, mode: .training)
            dz.setRows(rows)
            let inverseRows = 1 / Double(rows)
            let c = dz.columns
            for r in 0..<rows {
                let i = order[start + r]
                let (ratio, d0, d1) = info.output.logRatio(
                    Double(z.data[r * c]), c == 2 ? Double(z.data[r * c + 1]) : 0, points.outputFactors[i])
                let logF = points.logScale[i] + ratio
                let term = chi2.pointTerm(
                    sigma: points.sigma[i], error: points.sigmaError[i], logPrediction: logF,
                    lambda: lambdas[points.datasetOfPoint[i]] ?? 1)
                var dLogF = term.dLogF
                lossSum += term.value
                if !points.anchorWeight.isEmpty, points.anchorWeight[i] > 0 {
                    let shift = logF - points.anchorLogPrediction[i]
                    lossSum += 0.5 * points.anchorWeight[i] * shift * shift
                    dLogF += points.anchorWeight[i] * shift
                }
                dz.data[r * c] = Float(dLogF * d0 * inverseRows)
                if c == 2 { dz.data[r * c + 1] = Float(dLogF * d1 * inverseRows) }
            }
            // 2. zero the gradients, 3. backward, 4. update
            network.parameters.zeroGradients()
            network.backward(dz)
            if config.gradientClip > 0 { clipGradientNorm(network.trainableGroups(weightDecay: 0), maxNorm: Float(config.gradientClip)) }
            optimizer.step(learningRate: Float(rate))
            start += rows
        }
        return lossSum / Double(order.count)
    }

    /// The evaluation after an epoch: the collapse check, the λ_k refit (once released), the
    /// plateau update and the log row, which it appends to the history and returns.
    func evaluate(loss: Double, learningRate rate: Double, seconds: Double, lastGoodCheckpoint: String?) throws -> TrainingLogRow {
        recomputeBatchNormStatistics()
        var logF = logPredictions()
        // Collapse (the failure TRAINING-NOTES saw with the linear χ²): most predictions
        // non-finite or more than e²⁰ away from the data. The network cannot recover from it.
        let collapsed = data.split.train.filter { !logF[$0].isFinite || abs(logF[$0] - log(points.sigma[$0])) > 20 }.count
        if collapsed * 2 > data.split.train.count {
            throw TrainingError.diverged(epoch: epoch, loss: loss, checkpoint: lastGoodCheckpoint)
        }
        if config.normalization == .fit && epoch >= Int(Double(config.epochs) * config.releaseFraction) {
            fitNormalizations(logF)
            logF = logPredictions()
        }
        fitPseudoDataNormalization(logF)
        let row = TrainingLogRow(
            epoch: epoch, seconds: seconds, learningRate: rate, loss: loss,
            trainChi2PerPoint: chi2PerPoint(data.split.train, logF) ?? 0, testChi2PerPoint: chi2PerPoint(data.split.test, logF))
        history.append(row)
        if case let .reduceOnPlateau(patience, factor, minimum) = config.learningRateSchedule {
            _ = plateau.update(metric: loss, patience: patience, factor: factor, minimumFraction: minimum)
        }
        return row
    }

    /// Batch-norm statistics from the training points at the present weights (PreciseBN,
    /// `Network.recomputeBatchNormStatistics`) before every evaluation, so that the logged χ², the
    /// λ_k fitted to evaluation-mode predictions and the saved model all use them. The running
    /// averages of training lag the weights; for the paper preset they put the evaluation-mode
    /// predictions far from the training-mode ones (docs/generalization.md).
    func recomputeBatchNormStatistics() {
        guard network.layers.contains(where: { $0 is BatchNorm }) else { return }
        let f = config.features.count
        var inputs = [Float]()
        inputs.reserveCapacity(points.trainingPoints.count * f)
        points.features.withUnsafeBufferPointer { src in
            for i in points.trainingPoints { inputs.append(contentsOf: src[(i * f)..<(i * f + f)]) }
        }
        network.recomputeBatchNormStatistics(inputs)
    }

    /// The trained model, with its fitted normalizations and provenance.
    public func finishedModel(machine: String, version: String) -> CrossSectionModel {
        var info = self.info
        info.normalizations = lambdas.keys.sorted().filter { $0 != ReferencePseudoData.datasetKey }.map {
            NormalizationFit(dataset: $0, lambda: lambdas[$0]!, uncertainty: data.normalizationUncertainty[$0] ?? 0.05)
        }
        // A network trained with dropout predicts with Monte-Carlo dropout (model B), 100 passes by default.
        if config.dropout > 0 { info.monteCarloSamples = 100 }
        let formatter = ISO8601DateFormatter()
        info.training = TrainingRecord(
            command: command, seed: config.effectiveSeed, epochs: epoch, wallSeconds: secondsBefore, machine: machine,
            dataHash: data.dataHash, xsnetVersion: version, finishedAt: formatter.string(from: Date()))
        return CrossSectionModel(networks: [network], info: info)
    }

    public var logCSV: String { ([TrainingLogRow.csvHeader] + history.map(\.csvLine)).joined(separator: "\n") + "\n" }
}
