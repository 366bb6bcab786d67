import Foundation
import SwiftProtobuf
import XSCore
import XSData
import XSModel
import XSNN

/// Errors of ONNX export and import: what is wrong and what xsnet can read instead.
public enum ONNXError: Error, CustomStringConvertible, LocalizedError {
    case malformed(String)
    case unsupported(String)
    /// A model whose prediction is not an ONNX graph of the five inputs (export).
    case notExportable(String)

    public var description: String {
        switch self {
        case .malformed(let why): "not a readable ONNX model: \(why.oneLine(limit: 300))"
        case .unsupported(let why):
            "unsupported ONNX graph: \(why.oneLine(limit: 300)) (xsnet imports feed-forward graphs of Gemm/MatMul+Add, BatchNormalization, Relu/Tanh/Sigmoid layers on the 5 reference inputs)"
        case .notExportable(let why): "cannot export to ONNX: \(why.oneLine(limit: 300))"
        }
    }
    public var errorDescription: String? { description }
}

/// Builds an ONNX graph node by node (opset 17).
struct GraphBuilder {
    var graph = Onnx_GraphProto()
    private var counter = 0

    mutating func name(_ base: String) -> String {
        counter += 1
        return "\(base)_\(counter)"
    }

    /// A float64 initializer: the graph computes in float64 between its float32 input and output.
    mutating func constant(_ base: String, _ values: [Double], shape: [Int]) -> String {
        var t = Onnx_TensorProto()
        t.name = name(base)
        t.dataType = Int32(Onnx_TensorProto.DataType.double.rawValue)
        t.dims = shape.map(Int64.init)
        t.doubleData = values
        graph.initializer.append(t)
        return t.name
    }

    mutating func scalar(_ base: String, _ value: Double) -> String { constant(base, [value], shape: []) }

    mutating func cast(_ input: String, to type: Onnx_TensorProto.DataType, output: String? = nil) -> String {
        node("Cast", [input], output: output, attributes: [Self.intAttribute("to", type.rawValue)])
    }

    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], output: String? = nil, attributes: [Onnx_AttributeProto] = []) -> String {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name(op)
        n.input = inputs
        n.output = [output ?? name(op.lowercased())]
        n.attribute = attributes
        graph.node.append(n)
        return n.output[0]
    }

    static func intAttribute(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        intAttribute(name, Int64(value))
    }

    static func intAttribute(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = value
        return a
    }

    static func valueInfo(_ name: String, batch: Int?, features: Int) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shape = Onnx_TensorShapeProto()
        var d0 = Onnx_TensorShapeProto.Dimension()
        if let batch { d0.dimValue = Int64(batch) } else { d0.dimParam = "N" }
        var d1 = Onnx_TensorShapeProto.Dimension()
        d1.dimValue = Int64(features)
        shape.dim = [d0, d1]
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        v.type = type
        return v
    }
}

/// ONNX export of xsnet models in the form NuWro's DNN mode reads.
///
/// Input: float32 [1, 5] (NuWro) or [N, 5] (plain), holding (E/20, ω/20, θ/180, cos θ, Q²/100).
/// Output: float32 [·, 1], the factor that S(E, θ) multiplies to give d²σ/dΩdω in nb/sr/GeV,
/// named `Identity:0` in NuWro's layout (what NuWro's loader asks for) and `output` in the plain one.
/// Inside: the input cast to float64 once, the model's own features computed from the five
/// inputs, batch norm folded into the dense layers (exact in evaluation), and the output
/// transform, all in float64 (as xsnet predicts), cast to float32 once at the end. So the
/// output keeps its relative precision deep in the tails: a float32 Sigmoid node rounds to 0
/// below z ≈ −17.5, and float32 rounding of exp's argument alone moves σ by 1e-5 where it is −50.
public enum ONNXExport {
    public static let opset = 17
    /// The output NuWro's loader asks onnxruntime for (its networks were converted from Keras by
    /// tf2onnx, which names the output so); its input is `input`.
    public static let nuwroOutputName = "Identity:0"

    /// The ONNX model of one network of `model`: the model's features from the five inputs, the
    /// dense layers, the output transform, and the metadata a reader needs for the band.
    public static func model(_ model: CrossSectionModel, member: Int, batch: Int?, outputName: String = "output") throws -> Onnx_ModelProto {
        // The graph's σ/S is a function of the five inputs as given; a model with Coulomb
        // distortion needs them at E + V_eff and a focusing factor, which a reader would not know
        // to apply.
        if model.info.config.usesCoulombDistortion {
            throw ONNXError.notExportable(
                "the model was trained with Coulomb distortion (--coulomb-distortion true): its networks describe the Born cross section at E + V_eff, not σ/S at the five inputs; export a model trained without it"
            )
        }
        var g = GraphBuilder()
        g.graph.name = "xsnet_\(model.info.nucleus)_\(member)"
        g.graph.input = [GraphBuilder.valueInfo("input", batch: batch, features: 5)]
        g.graph.output = [GraphBuilder.valueInfo(outputName, batch: batch, features: 1)]
        let input = g.cast("input", to: .double)
        let features = standardizedFeatures(&g, model.info.input, input: input)
        let z = denseLayers(&g, model.inferenceNetworks[member], input: features)
        _ = g.cast(try outputTransform(&g, model.info.output, z, input: input), to: .float, output: outputName)
        var m = Onnx_ModelProto()
        m.irVersion = 8
        m.producerName = "xsnet"
        m.producerVersion = "0.1.0"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(Self.opset)
        m.opsetImport = [opset]
        m.graph = g.graph
        m.metadataProps = metadata(model, member: member)
        return m
    }

    /// Column j of a [N, columns] tensor scaled by `factor`, as a MatMul with a columns × 1 selection.
    static func column(_ g: inout GraphBuilder, _ input: String, _ j: Int, _ factor: Double, columns: Int = 5) -> String {
        var sel = [Double](repeating: 0, count: columns)
        sel[j] = factor
        return g.node("MatMul", [input, g.constant("select", sel, shape: [columns, 1])])
    }

    /// The kinematics a graph computes from the five reference inputs (E/20, ω/20, θ/180, cos θ,
    /// Q²/100): E, ω, cos θ, Q² and q² = Q² + ω², each [N, 1] float64.
    struct GraphKinematics {
        var energy, energyTransfer, cosTheta, Q2, q2: String

        init(_ g: inout GraphBuilder, input: String) {
            energy = ONNXExport.column(&g, input, 0, 20)
            energyTransfer = ONNXExport.column(&g, input, 1, 20)
            cosTheta = ONNXExport.column(&g, input, 3, 1)
            Q2 = ONNXExport.column(&g, input, 4, 100)
            q2 = g.node("Add", [Q2, g.node("Mul", [energyTransfer, energyTransfer])])
        }
    }

    /// The model's input features computed from the five reference inputs (float64), standardized.
    static func standardizedFeatures(_ g: inout GraphBuilder, _ transform: InputTransform, input: String) -> String {
        func column(_ j: Int, _ factor: Double) -> String { Self.column(&g, input, j, factor) }
        var features: String
        switch transform.features {
        case .reference:
            features = input
        case .physics:
            let M = PhysicalConstants.nucleonMass
            let E = column(0, 20), omega = column(1, 20), Q2 = column(4, 100)
            let logE = g.node("Log", [E])
            let omegaOverE = g.node("Div", [omega, E])
            let theta = column(2, 1), cosTheta = column(3, 1)
            let logQ2 = g.node("Log", [Q2])
            let q2 = g.node("Add", [Q2, g.node("Mul", [omega, omega])])
            let logQ = g.node("Mul", [g.node("Log", [q2]), g.scalar("half", 0.5)])
            let logX = g.node("Sub", [g.node("Sub", [logQ2, g.node("Log", [omega])]), g.scalar("log2M", log(2 * M))])
            let W2 = g.node("Sub", [g.node("Add", [g.node("Mul", [omega, g.scalar("twoM", 2 * M)]), g.scalar("M2", M * M)]), Q2])
            features = g.node(
                "Concat", [logE, omegaOverE, theta, cosTheta, logQ2, logQ, logX, W2], attributes: [GraphBuilder.intAttribute("axis", 1)])
        case .responses, .anyTarget, .kinematic, .kinematicCoded:
            // log q, ω/q, ψ′, log Q², W² (`FeatureSet.responses`; ψ′ as `Kinematics.psiPrime`), and
            // for an any-target model bound to a nucleus its descriptors (or, `kinematic-coded` for a
            // nucleus without a code of its own, the training mean), constant columns.
            let M = PhysicalConstants.nucleonMass
            let gas = transform.psiFermiGas ?? FermiGasParameters(massNumber: 12)
            let k = GraphKinematics(&g, input: input)
            let q = g.node("Sqrt", [k.q2])
            let logQ = g.node("Log", [q])
            let omegaOverQ = g.node("Div", [k.energyTransfer, q])
            let lambda = g.node("Mul", [g.node("Sub", [k.energyTransfer, g.scalar("Es", gas.energyShift)]), g.scalar("inv2M", 1 / (2 * M))])
            let kappa = g.node("Mul", [q, g.scalar("inv2M", 1 / (2 * M))])
            let tau = g.node(
                "Max", [g.node("Sub", [g.node("Mul", [kappa, kappa]), g.node("Mul", [lambda, lambda])]), g.scalar("tauFloor", 1e-12)])
            let one = g.scalar("one", 1)
            let inner = g.node(
                "Add",
                [
                    g.node("Mul", [g.node("Add", [one, lambda]), tau]),
                    g.node("Mul", [kappa, g.node("Sqrt", [g.node("Mul", [tau, g.node("Add", [one, tau])])])])
                ])
            let eta = gas.fermiMomentum / M
            let xi = (1 + eta * eta).squareRoot() - 1
            let psi = g.node("Div", [g.node("Sub", [lambda, tau]), g.node("Sqrt", [g.node("Mul", [inner, g.scalar("xiF", xi)])])])
            let W2 = g.node("Sub", [g.node("Add", [g.node("Mul", [k.energyTransfer, g.scalar("twoM", 2 * M)]), g.scalar("M2", M * M)]), k.Q2])
            var columns = [logQ, omegaOverQ, psi, g.node("Log", [k.Q2]), W2]
            if let target = transform.target {
                // A column of ones (N × 1) times the descriptors (1 × 5): the nucleus on every row.
                let ones = g.node("Add", [g.node("Mul", [logQ, g.scalar("zero", 0)]), one])
                let d = transform.unseenNucleusCode ?? target.features
                columns.append(g.node("Mul", [ones, g.constant("nucleus_descriptors", d, shape: [1, d.count])]))
            }
            features = g.node("Concat", columns, attributes: [GraphBuilder.intAttribute("axis", 1)])
        }
        let n = transform.features.count
        if transform.mean.contains(where: { $0 != 0 }) || transform.scale.contains(where: { $0 != 1 }) {
            features = g.node(
                "Mul",
                [
                    g.node("Sub", [features, g.constant("feature_mean", transform.mean, shape: [1, n])]),
                    g.constant("feature_inverse_scale", transform.scale.map { 1 / $0 }, shape: [1, n])
                ])
        }
        return features
    }

    /// Gemm and activation nodes of the network's layers (batch norm already folded, in float64).
    static func denseLayers(_ g: inout GraphBuilder, _ net: InferenceNetwork, input: String) -> String {
        var h = input
        for (k, layer) in net.layers.enumerated() {
            h = g.node(
                "Gemm",
                [h, g.constant("W\(k)", layer.weight, shape: [layer.inputs, layer.outputs]), g.constant("b\(k)", layer.bias, shape: [layer.outputs])])
            switch layer.activation {
            case .identity: break
            case .relu: h = g.node("Relu", [h])
            case .tanh: h = g.node("Tanh", [h])
            case .sigmoid: h = g.node("Sigmoid", [h])
            case .silu: h = g.node("Mul", [h, g.node("Sigmoid", [h])])
            }
        }
        return h
    }

    /// σ/S from the last layer's output z, in float64 (the response head also reads the kinematics
    /// from the five inputs).
    static func outputTransform(_ g: inout GraphBuilder, _ transform: OutputTransform, _ z: String, input: String) throws -> String {
        switch transform {
        case .referenceScale, .referenceResponses:
            throw ONNXError.notExportable(
                "the model corrects the Bosted–Mamyan fit (log σ = log σ_BM + NN), which is not an ONNX graph: export a model trained without a Bosted–Mamyan prior (--preset prior, responses-prior, any-target-prior, …)"
            )
        case .sigmoidScale:
            // sigmoid(z) = 1/(1 + e^{−z}) in float64: full relative precision far below z = −17.5.
            let one = g.scalar("one", 1)
            return g.node("Div", [one, g.node("Add", [one, g.node("Exp", [g.node("Neg", [z])])])])
        case let .logScale(offset, width):
            return g.node("Exp", [g.node("Add", [g.node("Mul", [z, g.scalar("width", width)]), g.scalar("offset", offset)])])
        case let .responses(offset, width):
            // σ/S = (σ_Mott/S)(v_L R_L + v_T R_T), σ_Mott/S = (ħc)² α² / (10⁹ α_ref²) · E cos(θ/2),
            // v_L = (Q²/q²)², v_T = Q²/(2q²) + tan²(θ/2), tan²(θ/2) = (1 − cos θ)/(1 + cos θ).
            let k = GraphKinematics(&g, input: input)
            func response(_ j: Int) -> String {
                g.node("Exp", [g.node("Add", [Self.column(&g, z, j, width, columns: 2), g.scalar("offset", offset)])])
            }
            let one = g.scalar("one", 1)
            let ratio = g.node("Div", [k.Q2, k.q2])
            let vL = g.node("Mul", [ratio, ratio])
            let tan2 = g.node("Div", [g.node("Sub", [one, k.cosTheta]), g.node("Add", [one, k.cosTheta])])
            let vT = g.node("Add", [g.node("Mul", [ratio, g.scalar("half", 0.5)]), tan2])
            let cosHalf = g.node("Sqrt", [g.node("Mul", [g.node("Add", [one, k.cosTheta]), g.scalar("half", 0.5)])])
            let a = PhysicalConstants.alpha, aRef = PhysicalConstants.alphaReference
            let mottOverS = g.node(
                "Mul", [g.node("Mul", [k.energy, cosHalf]), g.scalar("mottOverS", PhysicalConstants.hbarC2 * a * a / (1e9 * aRef * aRef))])
            let sum = g.node("Add", [g.node("Mul", [vL, response(0)]), g.node("Mul", [vT, response(1)])])
            return g.node("Mul", [mottOverS, sum])
        }
    }

    /// Each file is one member; a reader that forms the ensemble's spread itself (NuWro does) finds
    /// the member count and the spread's calibration factors (σ_model → c·σ_model) here. The factor
    /// away from measured settings is the one for arbitrary kinematics (a generator's case); the
    /// one at measured settings needs the settings list, which only the .xsnet file has.
    static func metadata(_ model: CrossSectionModel, member: Int) -> [Onnx_StringStringEntryProto] {
        func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
            var e = Onnx_StringStringEntryProto()
            e.key = key
            e.value = value
            return e
        }
        var entries = [
            entry("xsnet.nucleus", model.info.nucleus), entry("xsnet.member", "\(member)"), entry("xsnet.members", "\(model.networks.count)")
        ]
        if let c = model.info.calibration {
            if let far = c.elsewhere ?? c.atMeasuredSettings { entries.append(entry("xsnet.uncertainty_scale", "\(far.scale)")) }
            if let near = c.atMeasuredSettings { entries.append(entry("xsnet.uncertainty_scale_at_measured_settings", "\(near.scale)")) }
        }
        return entries
    }

    /// NuWro's layout: `DIR/<nucleus>/model_electron_A_<A>_<i>.onnx`, batch 1, input `input`, output
    /// `Identity:0`. Plain: `DIR/<name>_<i>.onnx`, batch N, input `input`, output `output`.
    /// A model with a committee with a reference fit (`ReferenceCommittee`) is refused unless
    /// `withoutCommittee`: its members are graphs, its committee (the fit, weighed by the members'
    /// spread away from the measured settings) is not, and a reader would silently predict
    /// otherwise than xsnet away from the data.
    public static func write(
        _ model: CrossSectionModel, to folder: URL, nuwroLayout: Bool, baseName: String, withoutCommittee: Bool = false
    ) throws -> [URL] {
        guard let nucleus = Nucleus(name: model.info.nucleus) else { throw ONNXError.notExportable("unknown nucleus \(model.info.nucleus)") }
        if model.info.referenceCommittee != nil && !withoutCommittee {
            throw ONNXError.notExportable(
                "the model predicts away from its data as a committee with the \(model.info.referenceCommittee!.reference) fit (xsnet committee), which is not an ONNX graph: export its networks alone with --without-committee (they then predict as the model without the committee)"
            )
        }
        let dir = nuwroLayout ? folder.appendingPathComponent(nucleus.name) : folder
        // Every graph first: a model that cannot be exported leaves nothing behind, not even the folder.
        let files = try model.networks.indices.map { i in
            let proto = try Self.model(model, member: i, batch: nuwroLayout ? 1 : nil, outputName: nuwroLayout ? nuwroOutputName : "output")
            return (
                dir.appendingPathComponent(nuwroLayout ? "model_electron_A_\(nucleus.A)_\(i).onnx" : "\(baseName)_\(i).onnx"),
                try proto.serializedData()
            )
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (url, data) in files { try AtomicFile.write(data, to: url) }
        return files.map(\.0)
    }
}
