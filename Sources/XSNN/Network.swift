import XSCore

/// One hidden block: Dense(width) → [BatchNorm] → activation → [Dropout].
public struct BlockSpec: Codable, Hashable, Sendable {
    public var width: Int
    public var batchNorm: Bool
    public var activation: ActivationKind
    public var dropout: Double

    public init(width: Int, batchNorm: Bool, activation: ActivationKind, dropout: Double = 0) {
        self.width = width
        self.batchNorm = batchNorm
        self.activation = activation
        self.dropout = dropout
    }
}

/// The architecture of a feed-forward network: what a model file stores to rebuild it.
public struct NetworkSpec: Codable, Hashable, Sendable {
    public var inputFeatures: Int
    public var blocks: [BlockSpec]
    public var outputFeatures: Int
    public var outputActivation: ActivationKind

    public init(inputFeatures: Int, blocks: [BlockSpec], outputFeatures: Int = 1, outputActivation: ActivationKind = .identity) {
        self.inputFeatures = inputFeatures
        self.blocks = blocks
        self.outputFeatures = outputFeatures
        self.outputActivation = outputActivation
    }

    /// Kowal et al. (2024): 5 → 10 × [Dense 300, BatchNorm, ReLU] → Dense 1 (820,801 parameters).
    public static func reference(dropout: Double = 0, outputActivation: ActivationKind = .identity) -> NetworkSpec {
        NetworkSpec(
            inputFeatures: 5, blocks: Array(repeating: BlockSpec(width: 300, batchNorm: true, activation: .relu, dropout: dropout), count: 10),
            outputActivation: outputActivation)
    }

    /// Trainable parameter count (running statistics are not parameters).
    public var parameterCount: Int {
        var n = 0, width = inputFeatures
        for b in blocks {
            n += width * b.width + b.width + (b.batchNorm ? 2 * b.width : 0)
            width = b.width
        }
        return n + width * outputFeatures + outputFeatures
    }

    /// Values a model file stores for this network: the parameters and the batch-norm running
    /// means and variances.
    public var storedValueCount: Int {
        parameterCount + blocks.reduce(0) { $0 + ($1.batchNorm ? 2 * $1.width : 0) }
    }

    /// The sizes xsnet builds: a file or a configuration outside them is refused before anything
    /// is allocated (the largest network within them has 256 · 65,536² ≈ 1.1 · 10¹² weights, still
    /// an Int; a file must also hold every value, `ModelFile.validateLayout`).
    public static let featureLimit = 1...4096, widthLimit = 1...65_536, depthLimit = 0...256

    /// Throws naming the field (under `field`) when a size, count or probability is out of range.
    public func validate(field: String) throws {
        func refuse(_ name: String, _ why: String) -> ModelFileError { .invalid(field: "\(field).\(name)", why: why) }
        guard Self.featureLimit.contains(inputFeatures) else { throw refuse("inputFeatures", "is \(inputFeatures), outside 1…4096") }
        guard Self.featureLimit.contains(outputFeatures) else { throw refuse("outputFeatures", "is \(outputFeatures), outside 1…4096") }
        guard Self.depthLimit.contains(blocks.count) else { throw refuse("blocks", "lists \(blocks.count) blocks, more than 256") }
        for (i, b) in blocks.enumerated() {
            guard Self.widthLimit.contains(b.width) else { throw refuse("blocks[\(i)].width", "is \(b.width), outside 1…65536") }
            guard b.dropout >= 0 && b.dropout < 1 else { throw refuse("blocks[\(i)].dropout", "is \(b.dropout), not a probability in [0, 1)") }
        }
    }

    /// Multiply–adds of one forward pass per point (dense layers only), ×2 for FLOPs.
    public var forwardFLOPsPerPoint: Double {
        var n = 0, width = inputFeatures
        for b in blocks { n += width * b.width; width = b.width }
        return 2 * Double(n + width * outputFeatures)
    }
}

/// A feed-forward network built from a `NetworkSpec`: layers in order, all parameters in one
/// `ParameterStore`, and a trainable flag per block (the output head counts as the last block).
public final class Network {
    public let spec: NetworkSpec
    public let layers: [Layer]
    /// The block each layer belongs to (`spec.blocks.count` for the output head).
    public let blockOfLayer: [Int]
    /// Parameter-name prefix of each layer, e.g. `block3.dense`.
    public let layerNames: [String]
    public let parameters: ParameterStore
    public private(set) var batchCapacity = 0
    /// Trainable flag per block, output head last.
    public private(set) var blockTrainable: [Bool]
    private var inputBuffer: Matrix

    /// The key of block i's Monte-Carlo prediction masks: the same for every network of an
    /// architecture, whatever its seed, so a network read back from its file (built with seed 0)
    /// predicts as the one that was saved. It equals the dropout seed of a network built with seed 0.
    static func monteCarloPassKey(block i: Int) -> UInt64 {
        var stream = SeededGenerator(seed: 0).derived(UInt64(i))
        return stream.next()
    }

    /// Builds the network; weights are drawn from `seed` (training's dropout masks from streams derived from it).
    public init(spec: NetworkSpec, seed: UInt64) {
        self.spec = spec
        var layers: [Layer] = [], blocks: [Int] = [], names: [String] = []
        var width = spec.inputFeatures
        var rng = SeededGenerator(seed: seed)
        for (i, b) in spec.blocks.enumerated() {
            let initialization: Dense.Initialization = (b.activation == .relu || b.activation == .silu) ? .he : .glorot
            layers.append(Dense(inputFeatures: width, outputFeatures: b.width, initialization: initialization)); names.append("block\(i).dense")
            if b.batchNorm { layers.append(BatchNorm(features: b.width)); names.append("block\(i).batchnorm") }
            if b.activation != .identity {
                layers.append(Activation(b.activation, features: b.width)); names.append("block\(i).\(b.activation.rawValue)")
            }
            if b.dropout > 0 {
                var stream = rng.derived(UInt64(i))
                layers.append(
                    Dropout(probability: Float(b.dropout), features: b.width, seed: stream.next(), passKey: Self.monteCarloPassKey(block: i)))
                names.append("block\(i).dropout")
            }
            blocks += Array(repeating: i, count: layers.count - blocks.count)
            width = b.width
        }
        layers.append(Dense(inputFeatures: width, outputFeatures: spec.outputFeatures, initialization: .glorot)); names.append("output.dense")
        if spec.outputActivation != .identity {
            layers.append(Activation(spec.outputActivation, features: spec.outputFeatures)); names.append("output.\(spec.outputActivation.rawValue)")
        }
        blocks += Array(repeating: spec.blocks.count, count: layers.count - blocks.count)
        self.layers = layers
        blockOfLayer = blocks
        layerNames = names
        var layout: [(name: String, count: Int, decays: Bool)] = []
        for (layer, name) in zip(layers, names) {
            layout += layer.parameterLayout.map { ("\(name).\($0.name)", $0.count, $0.decays) }
        }
        parameters = ParameterStore(layout)
        var offset = 0
        for layer in layers {
            layer.bind(values: parameters.values + offset, gradients: parameters.gradients + offset)
            offset += layer.parameterLayout.reduce(0) { $0 + $1.count }
        }
        blockTrainable = Array(repeating: true, count: spec.blocks.count + 1)
        inputBuffer = Matrix(rows: 0, columns: spec.inputFeatures)
        for layer in layers { layer.initialize(using: &rng) }
    }

    /// Allocates every activation buffer for batches of up to `capacity` rows (once per shape).
    public func reserve(batchCapacity capacity: Int) {
        guard capacity != batchCapacity else { return }
        batchCapacity = capacity
        for layer in layers { layer.reserve(batchCapacity: capacity) }
        inputBuffer = Matrix(rows: 0, columns: spec.inputFeatures, capacity: capacity)
    }

    /// The network's own input buffer, to be filled by the caller before `forward(mode:)`.
    public func inputMatrix(rows: Int) -> Matrix {
        precondition(rows <= batchCapacity, "batch of \(rows) exceeds the reserved capacity \(batchCapacity): call reserve(batchCapacity:) first")
        inputBuffer.setRows(rows)
        return inputBuffer
    }

    /// Forward pass of `input` (B, inputFeatures) → (B, outputFeatures).
    public func forward(_ input: Matrix, mode: LayerMode) -> Matrix {
        precondition(input.rows <= batchCapacity, "batch of \(input.rows) exceeds the reserved capacity \(batchCapacity)")
        var x = input
        for layer in layers { x = layer.forward(x, mode: mode) }
        return x
    }

    /// Backward pass: accumulates the gradients of trainable parameters. It stops at the first
    /// trainable layer, since frozen blocks before it need no input gradient.
    public func backward(_ dOutput: Matrix) {
        guard let first = blockTrainable.firstIndex(of: true) else { return }
        let firstLayer = blockOfLayer.firstIndex(of: first) ?? 0
        var g = dOutput
        for i in stride(from: layers.count - 1, through: firstLayer, by: -1) {
            g = layers[i].backward(g)
        }
    }

    /// Freezes every block but the last `count` hidden blocks and the output head (fine-tuning
    /// scenario 2 of Graczyk et al. 2024). Frozen batch-norm layers keep their running statistics.
    public func trainOnlyLastBlocks(_ count: Int) {
        let hidden = spec.blocks.count
        setTrainable((0...hidden).map { $0 >= hidden - count })
    }

    public func setTrainable(_ flags: [Bool]) {
        precondition(flags.count == spec.blocks.count + 1, "one trainable flag per block plus the output head")
        blockTrainable = flags
        for (layer, block) in zip(layers, blockOfLayer) { layer.frozen = !flags[block] }
    }

    /// The parameter tensors that training updates: a visible query, as in MLX.
    public var trainableViews: [ParameterView] {
        // The store's views are laid out layer by layer, in order.
        var result: [ParameterView] = []
        var viewIndex = 0
        for (layer, block) in zip(layers, blockOfLayer) {
            for _ in layer.parameterLayout {
                if blockTrainable[block] { result.append(parameters.views[viewIndex]) }
                viewIndex += 1
            }
        }
        return result
    }

    public var trainableParameterCount: Int { trainableViews.reduce(0) { $0 + $1.count } }

    /// Optimizer groups for the trainable tensors; `weightDecay` goes to weight matrices only.
    public func trainableGroups(weightDecay: Float) -> [ParameterGroup] {
        trainableViews.map { v in
            ParameterGroup(
                values: parameters.values + v.offset, gradients: parameters.gradients + v.offset, count: v.count,
                weightDecay: v.decays ? weightDecay : 0)
        }
    }

    /// Running statistics of every batch-norm layer, by name (`block0.batchnorm.running_mean`).
    public var stateBuffers: [(name: String, values: [Float])] {
        zip(layers, layerNames).flatMap { layer, name in layer.stateBuffers.map { ("\(name).\($0.name)", $0.values) } }
    }

    public func setStateBuffer(named fullName: String, values: [Float]) throws {
        for (layer, name) in zip(layers, layerNames) where fullName.hasPrefix(name + ".") {
            try layer.setStateBuffer(named: String(fullName.dropFirst(name.count + 1)), values: values)
            return
        }
        throw ModelFileError.mismatch("no layer holds state `\(fullName)`")
    }

    /// The generators of the dropout layers, in order (saved in checkpoints so that a resumed
    /// run draws the same masks).
    public var dropoutGenerators: [SeededGenerator] {
        get { layers.compactMap { ($0 as? Dropout)?.generator } }
        set {
            var k = 0
            for case let d as Dropout in layers where k < newValue.count {
                d.generator = newValue[k]
                k += 1
            }
        }
    }

    /// Deep copy (weights, statistics, trainable flags) with fresh buffers.
    public func copy() -> Network {
        let other = Network(spec: spec, seed: 0)
        other.parameters.values.update(from: parameters.values, count: parameters.count)
        for (name, values) in stateBuffers { try! other.setStateBuffer(named: name, values: values) }
        other.setTrainable(blockTrainable)
        return other
    }

    /// Sets each trainable batch-norm layer's running statistics to the mean and unbiased variance
    /// of its input over all of `inputs` (PreciseBN: Wu and Johnson, "Rethinking 'Batch' in
    /// BatchNorm", arXiv:2105.07576). The exponential averages kept in training mix statistics of
    /// weights that have since moved; in a deep network at a large learning rate they are far from
    /// what the present weights produce (measured on the paper preset, 10 blocks at a learning rate
    /// of 3e-3: χ²/N of 10⁶ in evaluation mode at a training loss of 21 per point). One pass, layer
    /// by layer over the activations of every point: a batch norm's statistics come from the
    /// evaluation-mode output of the layers before it, whose statistics are already recomputed.
    /// Frozen layers keep theirs (fine-tuning trains the later blocks on them). Returns the number
    /// of layers recomputed.
    @discardableResult
    public func recomputeBatchNormStatistics(_ inputs: [Float]) -> Int {
        let n = inputs.count / spec.inputFeatures
        guard n > 1 else { return 0 }
        if batchCapacity == 0 { reserve(batchCapacity: min(n, 4096)) }
        // The layers after the last trainable batch norm need not run.
        guard let last = layers.lastIndex(where: { ($0 as? BatchNorm).map { !$0.frozen } ?? false }) else { return 0 }
        var activations = inputs, width = spec.inputFeatures
        var recomputed = 0
        for (j, layer) in layers.enumerated() {
            if let norm = layer as? BatchNorm, !norm.frozen {
                var sum = [Double](repeating: 0, count: width), sumSquares = [Double](repeating: 0, count: width)
                for r in 0..<n {
                    for c in 0..<width {
                        let v = Double(activations[r * width + c])
                        sum[c] += v
                        sumSquares[c] += v * v
                    }
                }
                let count = Double(n)
                let mean = sum.map { $0 / count }
                // Unbiased, as the running variance is kept in training (PyTorch's convention).
                let variance = (0..<width).map { c in max(0, (sumSquares[c] - count * mean[c] * mean[c]) / (count - 1)) }
                norm.setRunningStatistics(mean: mean.map(Float.init), variance: variance.map(Float.init))
                recomputed += 1
            }
            if j == last { break }
            // The layer in evaluation mode over every point, a reserved batch at a time.
            let chunk = Matrix(rows: 0, columns: width, capacity: batchCapacity)
            var next = [Float](repeating: 0, count: n * layer.outputFeatures)
            var start = 0
            while start < n {
                let rows = min(batchCapacity, n - start)
                chunk.setRows(rows)
                activations.withUnsafeBufferPointer { chunk.data.update(from: $0.baseAddress! + start * width, count: rows * width) }
                let y = layer.forward(chunk, mode: .evaluation)
                next.withUnsafeMutableBufferPointer { ($0.baseAddress! + start * y.columns).update(from: y.data, count: rows * y.columns) }
                start += rows
            }
            activations = next
            width = layer.outputFeatures
        }
        return recomputed
    }

    /// Evaluation-mode prediction of many rows, in chunks of the reserved capacity (or 4096).
    public func predict(_ inputs: [Float], mode: LayerMode = .evaluation) -> [Float] {
        let n = inputs.count / spec.inputFeatures
        if batchCapacity == 0 { reserve(batchCapacity: min(max(n, 1), 4096)) }
        var out = [Float](repeating: 0, count: n * spec.outputFeatures)
        var start = 0
        while start < n {
            let rows = min(batchCapacity, n - start)
            let x = inputMatrix(rows: rows)
            inputs.withUnsafeBufferPointer { x.data.update(from: $0.baseAddress! + start * spec.inputFeatures, count: rows * spec.inputFeatures) }
            let y = forward(x, mode: mode)
            for i in 0..<(rows * spec.outputFeatures) { out[start * spec.outputFeatures + i] = y.data[i] }
            start += rows
        }
        return out
    }
}
