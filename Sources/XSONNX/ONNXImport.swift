import Foundation
import SwiftProtobuf
import XSCore
import XSData
import XSModel
import XSNN

/// Reads feed-forward ONNX networks on the 5 reference inputs (the form of the published carbon
/// ensemble NuWro loads, and of xsnet's own reference-input exports) into xsnet models.
///
/// The graph is read as a chain from its input to its output by ordered node patterns
/// (`ONNXImport.patterns`), each of which either consumes a known sequence of nodes exactly or
/// does not match; a node that no pattern matches is refused with its name and op. So a graph is
/// read exactly or not at all: never a silent approximation.
public enum ONNXImport {
    /// One network and its output transform from a serialized ONNX model.
    public static func network(from data: Data, file: String) throws -> (network: Network, output: OutputTransform) {
        let model: Onnx_ModelProto
        do { model = try Onnx_ModelProto(serializedBytes: data) } catch {
            throw ONNXError.malformed("\(file): \(error)")
        }
        var chain = try Chain(model.graph, file: file)
        while !chain.atEnd {
            guard let pattern = patterns.first(where: { $0.matches(chain) }) else {
                let n = chain.nodes[chain.position]
                throw ONNXError.unsupported("\(file): node `\(n.name)` (\(n.opType)) is not part of a known layer pattern here")
            }
            // What a matching pattern finds wrong (a shape or a value it checks) is a refusal
            // naming the node, not a reason to try another pattern.
            try pattern.apply(&chain)
        }
        return try chain.finish()
    }

    /// An xsnet model (one network or an ensemble) from ONNX files of one nucleus.
    public static func model(files: [URL], nucleus: Nucleus) throws -> CrossSectionModel {
        guard !files.isEmpty else { throw ONNXError.malformed("no ONNX files given") }
        var networks: [Network] = []
        var output: OutputTransform? = nil
        for url in files {
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw ONNXError.malformed("\(url.path): cannot read (\(error.localizedDescription))") }
            let (net, transform) = try network(from: data, file: url.lastPathComponent)
            if let output, output != transform { throw ONNXError.unsupported("the files have different output transforms") }
            guard networks.allSatisfy({ $0.spec == net.spec }) else {
                throw ONNXError.unsupported("\(url.lastPathComponent): another architecture than the first file")
            }
            output = transform
            networks.append(net)
        }
        let selection = DataSelection(nucleus: nucleus.name)
        let model = Self.model(networks: networks, output: output!, selection: selection, data: try? selection.apply(to: ScatteringData.bundled()))
        model.info.fineTunedFrom = "imported from ONNX: \(files.count) file(s), \(files[0].lastPathComponent)…"
        return try model.checkedAtItsOwnKinematics()
    }

    /// An xsnet model of imported networks (reference inputs, no standardization): the recipe
    /// read from the architecture, the split and the kinematic box of `data` when the nucleus has
    /// data (else empty).
    public static func model(networks: [Network], output: OutputTransform, selection: DataSelection, data: SelectedData?) -> CrossSectionModel {
        var config = TrainingConfig.paper
        let spec = networks[0].spec
        config.depth = spec.blocks.count
        config.width = spec.blocks.first?.width ?? 1
        config.batchNorm = false
        config.activation = spec.blocks.first?.activation ?? .relu
        config.output = output == .sigmoidScale ? .sigmoid : .log
        let info = ModelInfo(
            nucleus: selection.nucleus, input: InputTransform(features: .reference, fittedOn: []), output: output, normalizations: [],
            selection: selection, split: data?.split ?? DataSplit(train: [], test: []),
            domain: KinematicDomain(points: data?.points.map(\.kinematics) ?? []), training: nil, config: config)
        return CrossSectionModel(networks: networks, info: info)
    }
}

// MARK: - The chain being read

extension ONNXImport {
    /// The graph's nodes in order (Constant nodes taken out as constants), the position reached,
    /// the tensor that carries the chain there, and what has been read so far.
    struct Chain {
        let file: String
        let nodes: [Onnx_NodeProto]
        let constants: [String: Constant]
        let graphOutput: String
        var position = 0
        /// The tensor the next node must take as its data input.
        var current: String
        var layers: [InferenceNetwork.Layer] = []
        var output: OutputTransform? = nil

        struct Constant {
            var values: [Double]
            var dims: [Int]
        }

        init(_ graph: Onnx_GraphProto, file: String) throws {
            self.file = file
            var constants: [String: Constant] = [:]
            for t in graph.initializer { constants[t.name] = try Self.constant(t, file: file) }
            // Constant nodes (tf2onnx writes some) count as initializers.
            for n in graph.node where n.opType == "Constant" {
                guard n.output.count == 1, let a = n.attribute.first(where: { $0.name == "value" }), a.hasT else {
                    throw ONNXError.unsupported("\(file): Constant node `\(n.name)` without one tensor value")
                }
                constants[n.output[0]] = try Self.constant(a.t, file: file)
            }
            self.constants = constants
            nodes = graph.node.filter { $0.opType != "Constant" }
            if let n = nodes.first(where: { $0.output.isEmpty || $0.input.isEmpty }) {
                throw ONNXError.malformed("\(file): node `\(n.name)` (\(n.opType)) has no \(n.output.isEmpty ? "output" : "input")")
            }
            guard let input = graph.input.first(where: { constants[$0.name] == nil }), graph.output.count == 1, !nodes.isEmpty else {
                throw ONNXError.malformed("\(file): the graph needs one data input, one output and at least one node")
            }
            current = input.name
            graphOutput = graph.output[0].name
        }

        var atEnd: Bool { position == nodes.count }

        /// The node `offset` places ahead, if there is one.
        func node(_ offset: Int = 0) -> Onnx_NodeProto? { position + offset < nodes.count ? nodes[position + offset] : nil }

        /// The values of a tensor, exactly as many as its shape says, every one finite.
        static func constant(_ t: Onnx_TensorProto, file: String) throws -> Constant {
            let dims = t.dims.map(Int.init)
            // At most 2²⁶ values (a 8192 × 8192 weight), the product checked for overflow.
            let count = dims.reduce(Optional(1)) { n, d in
                guard let n, d >= 0 else { return nil }
                let (p, overflow) = n.multipliedReportingOverflow(by: d)
                return overflow || p > 1 << 26 ? nil : p
            }
            guard let count else { throw ONNXError.malformed("\(file): tensor `\(t.name)` has shape \(dims), more than 2²⁶ values or negative") }
            let values: [Double]
            switch Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) {
            case .double? where !t.doubleData.isEmpty: values = t.doubleData
            case .double?:
                guard t.rawData.count == 8 * count else { throw sizeError(t, bytes: t.rawData.count, needed: 8 * count, file: file) }
                values = t.rawData.withUnsafeBytes { raw in
                    (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
                }
            case .float? where !t.floatData.isEmpty: values = t.floatData.map(Double.init)
            case .float?:
                guard t.rawData.count == 4 * count else { throw sizeError(t, bytes: t.rawData.count, needed: 4 * count, file: file) }
                values = t.rawData.withUnsafeBytes { raw in
                    (0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
                }
            default:
                throw ONNXError.unsupported("\(file): tensor `\(t.name)` is neither float32 nor float64")
            }
            guard values.count == count else {
                throw ONNXError.malformed("\(file): tensor `\(t.name)` holds \(values.count) values, its shape \(dims) needs \(count)")
            }
            guard values.allSatisfy(\.isFinite) else { throw ONNXError.malformed("\(file): tensor `\(t.name)` holds a value that is not finite") }
            return Constant(values: values, dims: dims)
        }

        static func sizeError(_ t: Onnx_TensorProto, bytes: Int, needed: Int, file: String) -> ONNXError {
            .malformed("\(file): tensor `\(t.name)` holds \(bytes) bytes, its shape \(t.dims) needs \(needed)")
        }

        /// The constant input `index` of node `n`, refused by name when it is not a constant.
        func constant(_ n: Onnx_NodeProto, input index: Int) throws -> Constant {
            guard index < n.input.count, let c = constants[n.input[index]] else {
                throw ONNXError.unsupported("\(file): input \(index) of node `\(n.name)` (\(n.opType)) is not a constant")
            }
            return c
        }

        /// Whether `n` takes the chain's tensor as its one data input (and only constants besides).
        func continues(_ n: Onnx_NodeProto?, op: String, inputs: Int) -> Bool {
            guard let n, n.opType == op, n.input.count == inputs, n.output.count >= 1 else { return false }
            return n.input.filter { $0 == current }.count == 1 && n.input.allSatisfy { $0 == current || constants[$0] != nil }
        }

        /// Moves past `count` nodes: the chain continues from the last one's output.
        mutating func consume(_ count: Int) {
            current = nodes[position + count - 1].output[0]
            position += count
        }

        /// Applies `change` to the last dense layer (a batch norm, scale or activation node `n`
        /// that follows it) and moves past `count` nodes.
        mutating func foldIntoLastDense(_ n: Onnx_NodeProto, consuming count: Int, _ change: (inout InferenceNetwork.Layer) throws -> Void) throws {
            var last = try lastDense(for: n)
            try change(&last)
            layers[layers.count - 1] = last
            consume(count)
        }

        /// Ends the network with `transform` after its last dense layer, moving past `count` nodes
        /// from `n`.
        mutating func end(with transform: OutputTransform, at n: Onnx_NodeProto, consuming count: Int) throws {
            _ = try lastDense(for: n)
            output = transform
            consume(count)
        }

        /// The last dense layer, which a following batch norm, scale or activation modifies.
        func lastDense(for n: Onnx_NodeProto) throws -> InferenceNetwork.Layer {
            guard let last = layers.last, last.activation == .identity, output == nil else {
                throw ONNXError.unsupported("\(file): node `\(n.name)` (\(n.opType)) does not follow a dense layer")
            }
            return last
        }

        /// The network read, once the chain has reached the graph's output.
        func finish() throws -> (network: Network, output: OutputTransform) {
            guard current == graphOutput else {
                throw ONNXError.unsupported("\(file): the chain ends at `\(current)`, not at the graph's output `\(graphOutput)`")
            }
            guard let output else { throw ONNXError.unsupported("\(file): the graph does not end in a sigmoid or an exponential") }
            guard let first = layers.first, first.inputs == 5, layers.last?.outputs == 1 else {
                throw ONNXError.unsupported("\(file): the network must take the 5 reference inputs and give one output")
            }
            for (a, b) in zip(layers, layers.dropFirst()) where a.outputs != b.inputs {
                throw ONNXError.unsupported("\(file): a layer of \(a.outputs) outputs feeds one of \(b.inputs) inputs")
            }
            guard layers.last?.activation == .identity else {
                throw ONNXError.unsupported("\(file): the output layer has an activation before its output transform")
            }
            let blocks = layers.dropLast().map { BlockSpec(width: $0.outputs, batchNorm: false, activation: $0.activation) }
            let spec = NetworkSpec(inputFeatures: 5, blocks: Array(blocks))
            do { try spec.validate(field: "graph") } catch { throw ONNXError.unsupported("\(file): \(error)") }
            let net = Network(spec: spec, seed: 0)
            var k = 0
            for (layer, name) in zip(net.layers, net.layerNames) where layer is XSNN.Dense {
                net.parameters.setValues(net.parameters.view(named: name + ".weight")!, layers[k].weight.map(Float.init))
                net.parameters.setValues(net.parameters.view(named: name + ".bias")!, layers[k].bias.map(Float.init))
                k += 1
            }
            return (net, output)
        }
    }
}

// MARK: - Patterns

extension ONNXImport {
    /// A known sequence of nodes: `matches` says whether it starts at the chain's position,
    /// `apply` checks and consumes it.
    struct Pattern: Sendable {
        let matches: @Sendable (Chain) -> Bool
        let apply: @Sendable (inout Chain) throws -> Void
    }

    /// The patterns, tried in this order at each position. The output tails come first: they
    /// must reach the graph's output, which tells an output Mul (a log-scale width) from a
    /// batch norm folded into Mul + Add.
    static let patterns: [Pattern] = [
        passThrough, logOutput, sigmoidOutput, reciprocalSigmoidOutput, softplusSigmoidOutput,
        gemm, matMul, batchNormalization, scaleAndShift, silu, activation
    ]

    /// Nodes that are the identity at prediction: Identity, Dropout, Flatten of a [N, k] tensor, Cast.
    static let passThrough = Pattern(
        matches: { c in c.node().map { ["Identity", "Dropout", "Flatten", "Cast"].contains($0.opType) && $0.input.first == c.current } ?? false },
        apply: { $0.consume(1) })

    /// Gemm(x, W, b): a dense layer (transB allowed; transA, alpha and beta at their defaults).
    static let gemm = Pattern(
        matches: { c in c.node().map { $0.opType == "Gemm" && $0.input.first == c.current && (2...3).contains($0.input.count) } ?? false },
        apply: { c in
            let n = c.node()!
            func attribute(_ name: String) -> Onnx_AttributeProto? { n.attribute.first { $0.name == name } }
            guard (attribute("transA")?.i ?? 0) == 0, (attribute("alpha")?.f ?? 1) == 1, (attribute("beta")?.f ?? 1) == 1 else {
                throw ONNXError.unsupported("\(c.file): Gemm `\(n.name)` with transA, alpha or beta other than the defaults")
            }
            let w = try c.constant(n, input: 1)
            guard w.dims.count == 2 else { throw ONNXError.unsupported("\(c.file): Gemm `\(n.name)` weight of rank \(w.dims.count)") }
            let transposed = (attribute("transB")?.i ?? 0) == 1
            let (rows, columns) = transposed ? (w.dims[1], w.dims[0]) : (w.dims[0], w.dims[1])
            let weight = transposed ? (0..<(rows * columns)).map { k in w.values[(k % columns) * rows + k / columns] } : w.values
            var layer = InferenceNetwork.Layer(
                weight: weight, bias: [Double](repeating: 0, count: columns), inputs: rows, outputs: columns, activation: .identity)
            if n.input.count == 3 { layer.bias = try perColumn(c.constant(n, input: 2), columns: layer.outputs, node: n, file: c.file) }
            c.layers.append(layer)
            c.consume(1)
        })

    /// MatMul(x, W), optionally followed by Add(·, b): a dense layer.
    static let matMul = Pattern(
        matches: { c in c.continues(c.node(), op: "MatMul", inputs: 2) && c.node()!.input[0] == c.current },
        apply: { c in
            let n = c.node()!
            let w = try c.constant(n, input: 1)
            guard w.dims.count == 2 else { throw ONNXError.unsupported("\(c.file): MatMul `\(n.name)` weight of rank \(w.dims.count)") }
            var layer = InferenceNetwork.Layer(
                weight: w.values, bias: [Double](repeating: 0, count: w.dims[1]), inputs: w.dims[0], outputs: w.dims[1], activation: .identity)
            c.consume(1)
            if c.continues(c.node(), op: "Add", inputs: 2) {
                let add = c.node()!
                layer.bias = try perColumn(c.constant(add, input: add.input[0] == c.current ? 1 : 0), columns: layer.outputs, node: add, file: c.file)
                c.consume(1)
            }
            c.layers.append(layer)
        })

    /// BatchNormalization(x, γ, β, μ, v) after a dense layer, folded into it.
    static let batchNormalization = Pattern(
        matches: { c in c.node().map { $0.opType == "BatchNormalization" && $0.input.first == c.current } ?? false },
        apply: { c in
            let n = c.node()!
            guard n.input.count == 5 else {
                throw ONNXError.unsupported(
                    "\(c.file): BatchNormalization `\(n.name)` with \(n.input.count) inputs (γ, β, mean and variance are needed)")
            }
            let chain = c
            try c.foldIntoLastDense(n, consuming: 1) { last in
                let values = try (1...4).map { try perColumn(chain.constant(n, input: $0), columns: last.outputs, node: n, file: chain.file) }
                let epsilon = Double(n.attribute.first { $0.name == "epsilon" }.map { $0.f } ?? 1e-5)
                guard values[3].allSatisfy({ $0 + epsilon > 0 }) else {
                    throw ONNXError.malformed("\(chain.file): BatchNormalization `\(n.name)` with a variance ≤ −ε")
                }
                last.foldBatchNorm(gamma: values[0], beta: values[1], mean: values[2], variance: values[3], epsilon: epsilon)
            }
        })

    /// Mul(x, a) then Add(·, b) with per-column constants after a dense layer: a batch norm
    /// already folded to y = a·x + b (Keras/tf2onnx write this), folded into the dense layer.
    static let scaleAndShift = Pattern(
        matches: { c in c.continues(c.node(), op: "Mul", inputs: 2) && c.node(1)?.opType == "Add" && c.node(1)!.input.contains(c.node()!.output[0]) },
        apply: { c in
            let mul = c.node()!, add = c.node(1)!
            guard add.input.count == 2 else { throw ONNXError.unsupported("\(c.file): Add `\(add.name)` with \(add.input.count) inputs") }
            let chain = c
            try c.foldIntoLastDense(mul, consuming: 2) { last in
                let a = try perColumn(
                    chain.constant(mul, input: mul.input[0] == chain.current ? 1 : 0), columns: last.outputs, node: mul, file: chain.file)
                let b = try perColumn(
                    chain.constant(add, input: add.input[0] == mul.output[0] ? 1 : 0), columns: last.outputs, node: add, file: chain.file)
                for j in 0..<last.outputs {
                    for i in 0..<last.inputs { last.weight[i * last.outputs + j] *= a[j] }
                    last.bias[j] = last.bias[j] * a[j] + b[j]
                }
            }
        })

    /// Relu or Tanh after a dense layer.
    static let activation = Pattern(
        matches: { c in c.node().map { ["Relu", "Tanh"].contains($0.opType) && $0.input == [c.current] } ?? false },
        apply: { c in
            let n = c.node()!
            try c.foldIntoLastDense(n, consuming: 1) { $0.activation = n.opType == "Relu" ? .relu : .tanh }
        })

    /// Sigmoid(x) then Mul(x, ·): x·sigmoid(x) = SiLU after a dense layer.
    static let silu = Pattern(
        matches: { c in
            guard let s = c.node(), s.opType == "Sigmoid", s.input == [c.current], let m = c.node(1) else { return false }
            return m.opType == "Mul" && m.input.count == 2 && Set(m.input) == Set([c.current, s.output[0]])
        },
        apply: { c in try c.foldIntoLastDense(c.node()!, consuming: 2) { $0.activation = .silu } })

    /// Whether the nodes from the position are `ops`, each continuing the chain, and end the
    /// graph (pass-through Identity or Cast nodes after them allowed).
    static func tail(_ c: Chain, _ ops: [String]) -> Bool {
        var probe = c
        for op in ops {
            guard let n = probe.node(), n.opType == op, n.input.contains(probe.current) else { return false }
            probe.consume(1)
        }
        while let n = probe.node(), ["Identity", "Cast"].contains(n.opType), n.input.first == probe.current { probe.consume(1) }
        return probe.atEnd && probe.current == c.graphOutput
    }

    /// Sigmoid at the end: the reference network's σ/S (NuWro's files).
    static let sigmoidOutput = Pattern(
        matches: { tail($0, ["Sigmoid"]) }, apply: { c in try c.end(with: .sigmoidScale, at: c.node()!, consuming: 1) })

    /// 1/(1 + exp(−z)) at the end: the sigmoid as xsnet exports it (Neg, Exp, Add 1, Div 1 by).
    static let reciprocalSigmoidOutput = Pattern(
        matches: { tail($0, ["Neg", "Exp", "Add", "Div"]) },
        apply: { c in
            let add = c.node(2)!, div = c.node(3)!
            guard try scalar(c, add, other: c.node(1)!.output[0]) == 1, div.input.count == 2, div.input[1] == add.output[0],
                try scalar(c, div, other: add.output[0]) == 1
            else {
                throw ONNXError.unsupported("\(c.file): `\(add.name)`, `\(div.name)`: not 1/(1 + exp(−z))")
            }
            try c.end(with: .sigmoidScale, at: c.node()!, consuming: 4)
        })

    /// exp(−softplus(−z)) at the end: the sigmoid in the form of earlier xsnet exports.
    static let softplusSigmoidOutput = Pattern(
        matches: { tail($0, ["Neg", "Softplus", "Neg", "Exp"]) }, apply: { c in try c.end(with: .sigmoidScale, at: c.node()!, consuming: 4) })

    /// exp(a·z + b) at the end: xsnet's log output transform, σ/S = exp(offset + width·z).
    static let logOutput = Pattern(
        matches: { tail($0, ["Mul", "Add", "Exp"]) },
        apply: { c in
            let mul = c.node()!, add = c.node(1)!
            let width = try scalar(c, mul, other: c.current), offset = try scalar(c, add, other: mul.output[0])
            try c.end(with: .logScale(offset: offset, width: width), at: mul, consuming: 3)
        })

    /// The one-value constant that node `n` combines with the tensor `other`.
    static func scalar(_ c: Chain, _ n: Onnx_NodeProto, other: String) throws -> Double {
        guard n.input.count == 2, let name = n.input.first(where: { $0 != other }), let k = c.constants[name], k.values.count == 1 else {
            throw ONNXError.unsupported("\(c.file): node `\(n.name)` (\(n.opType)) does not combine the chain with one constant value")
        }
        return k.values[0]
    }

    /// A constant with one value per column (a [k] or [1, k] tensor), refused otherwise.
    static func perColumn(_ k: Chain.Constant, columns: Int, node n: Onnx_NodeProto, file: String) throws -> [Double] {
        guard k.values.count == columns, k.dims.reduce(1, *) == columns, k.dims.dropLast().allSatisfy({ $0 == 1 }) else {
            throw ONNXError.unsupported(
                "\(file): node `\(n.name)` (\(n.opType)) has a constant of shape \(k.dims), expected one value for each of \(columns) columns")
        }
        return k.values
    }
}
