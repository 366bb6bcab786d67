import Foundation
import SwiftProtobuf
import XSCore
import XSData
import XSModel
import XSNN

/// Reads feed-forward ONNX networks on the 5 reference inputs (the form of the published
/// carbon ensemble NuWro loads, and of xsnet's own reference-input exports) into xsnet models.
///
/// Accepted nodes, in order: Gemm (or MatMul followed by Add), an optional BatchNormalization
/// (folded into the dense layer), an activation (Relu, Tanh, Sigmoid, or x·Sigmoid(x) = SiLU),
/// repeated; the last dense layer is followed by Sigmoid, 1/(1 + exp(−z)), exp(−softplus(−z)),
/// or exp(a·z + b): the output transforms of xsnet's export. Identity, Dropout, Flatten and Cast
/// pass through (xsnet's export computes in float64 between a float32 input and output).
public enum ONNXImport {
    struct DenseLayer {
        var weight: [Float]
        var bias: [Float]
        var rows: Int
        var columns: Int
        var activation: ActivationKind = .identity
    }

    static func floats(_ t: Onnx_TensorProto) throws -> [Float] {
        if t.dataType == Int32(Onnx_TensorProto.DataType.double.rawValue) && !t.doubleData.isEmpty { return t.doubleData.map(Float.init) }
        guard t.dataType == Int32(Onnx_TensorProto.DataType.float.rawValue) else { throw ONNXError.unsupported("tensor \(t.name) is not float32") }
        let count = t.dims.reduce(1) { $0 * Int($1) }
        if !t.floatData.isEmpty {
            guard t.floatData.count == count else { throw ONNXError.malformed("tensor \(t.name) holds \(t.floatData.count) values, its shape \(t.dims) needs \(count)") }
            return t.floatData
        }
        guard t.rawData.count == 4 * count else { throw ONNXError.malformed("tensor \(t.name) holds \(t.rawData.count) bytes, its shape \(t.dims) needs \(4 * count)") }
        return t.rawData.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
    }

    /// One network and its output transform from a serialized ONNX model.
    public static func network(from data: Data, file: String) throws -> (network: Network, output: OutputTransform) {
        let model: Onnx_ModelProto
        do { model = try Onnx_ModelProto(serializedBytes: data) } catch {
            throw ONNXError.malformed("\(file): \(error)")
        }
        let graph = model.graph
        guard graph.input.count >= 1, !graph.node.isEmpty else { throw ONNXError.malformed("\(file): the graph has no input or no nodes") }
        var constants: [String: (values: [Float], dims: [Int])] = [:]
        for t in graph.initializer { constants[t.name] = (try floats(t), t.dims.map(Int.init)) }
        // Constant nodes (tf2onnx writes some) count as initializers.
        for n in graph.node where n.opType == "Constant" {
            if let a = n.attribute.first(where: { $0.name == "value" }), a.hasT { constants[n.output[0]] = (try floats(a.t), a.t.dims.map(Int.init)) }
        }
        let inputName = graph.input.first { constants[$0.name] == nil }?.name ?? graph.input[0].name
        var layers: [DenseLayer] = []
        var current = inputName
        var output: OutputTransform? = nil
        var pendingScale: Float? = nil, pendingOffset: Float? = nil
        var sigmoidOf: String? = nil
        // Progress through the two sigmoid tails xsnet writes after the last dense layer:
        // Neg(1) → Softplus(2) → Neg(3) → Exp, or Neg(1) → Exp(10) → Add(11) → Div.
        var sigmoidTailStage = 0
        func constant(_ name: String) throws -> (values: [Float], dims: [Int]) {
            guard let c = constants[name] else { throw ONNXError.unsupported("`\(name)` is not a constant") }
            return c
        }
        func other(_ n: Onnx_NodeProto) -> String? { n.input.first { $0 != current } }
        for n in graph.node where n.opType != "Constant" {
            guard n.input.contains(current) else {
                throw ONNXError.unsupported("\(file): node \(n.name) (\(n.opType)) does not continue the chain from the input")
            }
            switch n.opType {
            case "Identity", "Dropout", "Flatten", "Cast":
                break
            case "Gemm":
                let w = try constant(n.input[1])
                let transB = n.attribute.first { $0.name == "transB" }?.i ?? 0
                let transA = n.attribute.first { $0.name == "transA" }?.i ?? 0
                let alpha = n.attribute.first { $0.name == "alpha" }.map { $0.f } ?? 1
                let beta = n.attribute.first { $0.name == "beta" }.map { $0.f } ?? 1
                guard transA == 0, alpha == 1, beta == 1, w.dims.count == 2 else { throw ONNXError.unsupported("Gemm with transA, alpha or beta ≠ defaults") }
                var rows = w.dims[0], cols = w.dims[1], weight = w.values
                if transB == 1 {
                    (rows, cols) = (cols, rows)
                    weight = (0..<(rows * cols)).map { k in w.values[(k % cols) * rows + k / cols] }
                }
                let bias = n.input.count > 2 ? try constant(n.input[2]).values : [Float](repeating: 0, count: cols)
                guard bias.count == cols else { throw ONNXError.unsupported("Gemm bias of \(bias.count), expected \(cols)") }
                layers.append(DenseLayer(weight: weight, bias: bias, rows: rows, columns: cols))
            case "MatMul":
                guard let name = other(n) else { throw ONNXError.unsupported("MatMul of two variables") }
                let w = try constant(name)
                guard w.dims.count == 2 else { throw ONNXError.unsupported("MatMul weight of rank \(w.dims.count)") }
                layers.append(DenseLayer(weight: w.values, bias: [Float](repeating: 0, count: w.dims[1]), rows: w.dims[0], columns: w.dims[1]))
            case "Add" where sigmoidTailStage == 10:
                sigmoidTailStage = 11
            case "Div" where sigmoidTailStage == 11:
                output = .sigmoidScale
            case "Add" where pendingScale != nil:
                pendingOffset = try constant(other(n) ?? "").values.first
            case "Add":
                guard let name = other(n), var last = layers.popLast(), last.activation == .identity else { throw ONNXError.unsupported("Add that is not a dense layer's bias") }
                let b = try constant(name).values
                guard b.count == last.columns else { throw ONNXError.unsupported("bias of \(b.count), expected \(last.columns)") }
                for j in 0..<last.columns { last.bias[j] += b[j] }
                layers.append(last)
            case "BatchNormalization":
                guard var last = layers.popLast() else { throw ONNXError.unsupported("BatchNormalization before any dense layer") }
                let gamma = try constant(n.input[1]).values, beta = try constant(n.input[2]).values
                let mean = try constant(n.input[3]).values, variance = try constant(n.input[4]).values
                let eps = Double(n.attribute.first { $0.name == "epsilon" }.map { $0.f } ?? 1e-5)
                guard [gamma, beta, mean, variance].allSatisfy({ $0.count == last.columns }) else { throw ONNXError.unsupported("BatchNormalization of another width") }
                for j in 0..<last.columns {
                    let scale = Double(gamma[j]) / (Double(variance[j]) + eps).squareRoot()
                    for i in 0..<last.rows { last.weight[i * last.columns + j] = Float(Double(last.weight[i * last.columns + j]) * scale) }
                    last.bias[j] = Float((Double(last.bias[j]) - Double(mean[j])) * scale + Double(beta[j]))
                }
                layers.append(last)
            case "Relu", "Tanh":
                guard !layers.isEmpty else { throw ONNXError.unsupported("activation before any dense layer") }
                layers[layers.count - 1].activation = n.opType == "Relu" ? .relu : .tanh
            case "Sigmoid":
                // Either SiLU's gate (consumed by the Mul that follows) or the output sigmoid.
                sigmoidOf = current
                output = .sigmoidScale
            case "Mul" where sigmoidOf != nil && n.input.contains(sigmoidOf!):
                layers[layers.count - 1].activation = .silu
                output = nil
                sigmoidOf = nil
                current = n.output[0]
                continue
            case "Mul":
                pendingScale = try constant(other(n) ?? "").values.first
            case "Neg" where sigmoidTailStage == 0 || sigmoidTailStage == 2:
                sigmoidTailStage += 1
            case "Softplus" where sigmoidTailStage == 1:
                sigmoidTailStage = 2
            case "Exp" where sigmoidTailStage == 1:
                sigmoidTailStage = 10  // 1/(1 + exp(−z)): Neg, Exp, Add, Div
            case "Exp" where sigmoidTailStage == 3:
                output = .sigmoidScale
            case "Exp" where pendingScale != nil && pendingOffset != nil:
                output = .logScale(offset: Double(pendingOffset!), width: Double(pendingScale!))
            default:
                throw ONNXError.unsupported("\(file): node \(n.name) of type \(n.opType)")
            }
            if n.opType != "Sigmoid" { sigmoidOf = nil }
            current = n.output[0]
        }
        guard let outputTransform = output else { throw ONNXError.unsupported("\(file): the graph does not end in a sigmoid or an exponential") }
        guard let first = layers.first, first.rows == 5, layers.last?.columns == 1 else {
            throw ONNXError.unsupported("\(file): the network must take the 5 reference inputs and give one output")
        }
        let blocks = layers.dropLast().map { BlockSpec(width: $0.columns, batchNorm: false, activation: $0.activation) }
        let net = Network(spec: NetworkSpec(inputFeatures: 5, blocks: Array(blocks)), seed: 0)
        var k = 0
        for layer in net.layers {
            guard layer is XSNN.Dense else { continue }
            let d = layers[k]
            net.parameters.setValues(net.parameters.view(named: net.layerNames[net.layers.firstIndex { $0 === layer }!] + ".weight")!, d.weight)
            net.parameters.setValues(net.parameters.view(named: net.layerNames[net.layers.firstIndex { $0 === layer }!] + ".bias")!, d.bias)
            k += 1
        }
        return (net, outputTransform)
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
            output = transform
            networks.append(net)
        }
        var config = TrainingConfig.paper
        let spec = networks[0].spec
        config.depth = spec.blocks.count
        config.width = spec.blocks.first?.width ?? 1
        config.batchNorm = false
        config.activation = spec.blocks.first?.activation ?? .relu
        config.output = output! == .sigmoidScale ? .sigmoid : .log
        let selection = DataSelection(nucleus: nucleus.name)
        let data = try? selection.apply(to: ScatteringData.bundled())
        let domainPoints = data?.points.map(\.kinematics) ?? []
        let info = ModelInfo(nucleus: nucleus.name, input: InputTransform(features: .reference, fittedOn: []), output: output!, chi2: .linear,
                             relativeErrorFloor: 0.01, normalizations: [], selection: selection, split: data?.split ?? DataSplit(train: [], test: []),
                             domain: KinematicDomain(points: domainPoints), training: nil, config: config)
        let model = CrossSectionModel(networks: networks, info: info)
        model.info.fineTunedFrom = "imported from ONNX: \(files.count) file(s), \(files[0].lastPathComponent)…"
        return model
    }
}
