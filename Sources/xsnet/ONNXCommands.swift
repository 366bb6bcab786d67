import ArgumentParser
import Foundation
import XSData
import XSModel
import XSONNX

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export models for other programs.",
        subcommands: [ONNX.self])

    struct ONNX: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "onnx",
            abstract: "Write ONNX files (opset 17): NuWro's layout, or a plain one with a dynamic batch.",
            discussion: helpText(
                """
                --layout nuwro writes DIR/<nucleus>/model_electron_A_<A>_<i>.onnx, one file per ensemble member,
                input float32 [1, 5] = (E/20, ω/20, θ/180, cos θ, Q²/100), output float32 [1, 1] that NuWro multiplies
                by S(E, θ). --layout plain writes DIR/<name>_<i>.onnx with input [N, 5] for onnxruntime or PyTorch.
                A model of every nucleus is exported for one nucleus (--nucleus): its descriptors are constants of the
                graph. Models built on the Bosted–Mamyan fit (the prior presets, the shipped Models/any-target.xsnet)
                or trained with Coulomb distortion are not ONNX graphs, and are refused; so is a committee with the
                fit (xsnet committee), whose networks --without-committee exports alone.
                  xsnet export onnx --model Models/C12-ensemble.xsnet --out nuwro-models --layout nuwro --without-committee
                  xsnet train --nucleus any --preset any-target --out any.xsnet
                  xsnet export onnx --model any.xsnet --nucleus Ar40 --out nuwro-models
                """))
        enum Layout: String, ExpressibleByArgument, CaseIterable { case nuwro, plain }
        @Option(help: "The model file.") var model: String
        @Option(help: "The output folder.") var out: String
        @Option(help: "nuwro or plain.") var layout: Layout = .nuwro
        @Option(help: "The nucleus to export an any-target model for (Ar40, …); a model of one nucleus exports its own.")
        var nucleus: Nucleus?
        @Flag(
            help:
                "Export the networks of a model with a committee with the fit (xsnet committee) without it: they predict as the model did before the committee."
        )
        var withoutCommittee = false

        func run() throws {
            let m = try loadModel(model, nucleus: nucleus)
            let name = URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent
            let urls = try ONNXExport.write(
                m, to: URL(fileURLWithPath: out), nuwroLayout: layout == .nuwro, baseName: name, withoutCommittee: withoutCommittee)
            print("wrote \(urls.count) ONNX file(s): \(urls.first!.path)\(urls.count > 1 ? " …" : "")")
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import models made elsewhere.",
        subcommands: [ONNX.self])

    struct ONNX: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "onnx",
            abstract: "Read ONNX networks on the 5 reference inputs (NuWro's ensembles) into one xsnet model.",
            discussion: helpText(
                """
                Every file becomes one ensemble member. The graphs must be chains of dense layers (Gemm or
                MatMul+Add), batch norm (folded in), Relu/Tanh/SiLU, ending in a sigmoid or an exponential.
                  xsnet import onnx --nucleus C12 --out published.xsnet C12/model_electron_A_12_*.onnx
                """))
        @Option(help: "The nucleus the networks describe.") var nucleus: Nucleus
        @Option(help: "The model file to write.") var out: String
        @Argument(help: "ONNX files (one per ensemble member).") var files: [String]

        func run() throws {
            let model = try ONNXImport.model(files: files.sorted().map { URL(fileURLWithPath: $0) }, nucleus: nucleus)
            try model.save(URL(fileURLWithPath: out))
            print("wrote \(out): \(model.networks.count) network(s) of \(model.networks[0].parameters.count) parameters")
        }
    }
}
