import Foundation
import Testing
import XSCore
import XSData
import XSModel
import XSNN
import XSTestSupport

@testable import XSONNX

let onnxHelper = repositoryRoot.appendingPathComponent("Tests/Support/onnx_eval.py").path
let onnxRuntimeAvailable: Bool = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import onnxruntime, onnx, numpy"]
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}()

@Suite struct ONNXTests {
    /// The shipped carbon model (physics inputs, exponential output), a small paper-like model
    /// (reference inputs, batch norm, sigmoid output) whose output bias is lowered by 22 so that its
    /// logits lie around −20, where a float32 Sigmoid node would return 0, and a small response-head
    /// model (ψ′ and the other (q, ω) features and σ_Mott (v_L R_L + v_T R_T) computed in the graph).
    static func models() throws -> [CrossSectionModel] {
        let shipped = try CrossSectionModel.load(repositoryRoot.appendingPathComponent("Models/C12.xsnet"))
        let data = try DataSelection(nucleus: "C12", datasets: ["Barreau:1983ht", "Sealock:1989nx"], splitSeed: 1).apply(
            to: try ScatteringData.bundled())
        var paper = TrainingConfig.paper
        paper.depth = 3; paper.width = 16; paper.epochs = 20; paper.evaluateEvery = 10; paper.threads = 1; paper.batchSize = 64
        let t = Trainer(data: data, config: paper, command: "test")
        _ = try t.run()
        let deep = t.finishedModel(machine: "test", version: "0")
        let bias = deep.networks[0].parameters.view(named: "output.dense.bias")!
        deep.networks[0].parameters.setValues(bias, [deep.networks[0].parameters.valueArray(bias)[0] - 22])
        var responses = TrainingConfig.responses
        responses.depth = 2; responses.width = 16; responses.epochs = 20; responses.evaluateEvery = 10; responses.threads = 1
        let r = Trainer(data: data, config: responses, command: "test")
        _ = try r.run()
        // A model of every nucleus bound to carbon: its descriptors are constant columns of the graph.
        let nuclei = try DataSelection(
            nucleus: DataSelection.anyTarget, datasets: ["C12/Barreau:1983ht", "Fe56/Sealock:1989nx", "He4/Sealock:1989nx"], splitSeed: 1
        ).apply(to: try ScatteringData.bundled())
        var anyTarget = TrainingConfig.anyTarget
        anyTarget.depth = 2; anyTarget.width = 16; anyTarget.epochs = 20; anyTarget.evaluateEvery = 10; anyTarget.threads = 1
        let a = Trainer(data: nuclei, config: anyTarget, command: "test")
        _ = try a.run()
        let bound = try a.finishedModel(machine: "test", version: "0").bound(to: Nucleus(Z: 6, A: 12))
        // The kinematic features with a nucleus code, bound to carbon: with carbon's own code (a
        // model trained on it) and with the unknown nucleus's code (one trained without it).
        var coded = anyTarget
        coded.features = .kinematicCoded
        coded.nucleusCodeDropout = 0.25
        let withCarbon = Trainer(data: nuclei, config: coded, command: "test")
        _ = try withCarbon.run()
        let noCarbon = try DataSelection(
            nucleus: DataSelection.anyTarget, datasets: ["Fe56/Sealock:1989nx", "He4/Sealock:1989nx"], splitSeed: 1
        ).apply(to: try ScatteringData.bundled())
        let withoutCarbon = Trainer(data: noCarbon, config: coded, command: "test")
        _ = try withoutCarbon.run()
        let ownCode = try withCarbon.finishedModel(machine: "test", version: "0").bound(to: Nucleus(Z: 6, A: 12))
        let unknownCode = try withoutCarbon.finishedModel(machine: "test", version: "0").bound(to: Nucleus(Z: 6, A: 12))
        #expect(ownCode.info.input.hasOwnCode && unknownCode.info.input.unseenNucleusCode != nil)
        return [shipped, deep, r.finishedModel(machine: "test", version: "0"), bound, ownCode, unknownCode]
    }

    /// 1,000 random valid points on the carbon data's spectra (E and θ of a random data point, each
    /// jittered by up to ±2%; ω uniform over that spectrum's measured range), and up to 100 points in
    /// the tails of those spectra (σ below 1e-4 of the spectrum's peak, ω within half to 1.2 times the
    /// measured range): where a generator asks for electron–carbon cross sections. Far outside the
    /// data the shipped model extrapolates to values like 1e-60 that float32 cannot hold.
    static func points(_ model: CrossSectionModel) throws -> (all: [Kinematics], tails: Int) {
        let carbon = try ScatteringData.bundled().filtered(nucleus: Nucleus(Z: 6, A: 12)).points
        let spectra = Dictionary(grouping: carbon, by: { [$0.beamEnergy, $0.angleDegrees] })
        var rng = SeededGeneratorProxy(seed: 5)
        var points: [Kinematics] = (0..<1000).map { _ in
            let p = carbon[rng.index(below: carbon.count)]
            let ω = spectra[[p.beamEnergy, p.angleDegrees]]!.map(\.energyTransfer)
            let E = p.beamEnergy * (0.98 + 0.04 * rng.uniform()), θ = p.angleDegrees * (0.98 + 0.04 * rng.uniform())
            return Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: min(ω.min()! + (ω.max()! - ω.min()!) * rng.uniform(), 0.999 * E))
        }
        var tails = 0
        for key in spectra.keys.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            let (E, θ) = (key[0], key[1])
            let ω = spectra[key]!.map(\.energyTransfer)
            let lo = 0.5 * ω.min()!, hi = min(1.2 * ω.max()!, 0.999 * E)
            let grid = (0...200).map { Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: lo + (hi - lo) * Double($0) / 200) }
            let σ = model.predict(grid).map(\.mean)
            let peak = σ.max()!
            // Below 1.2e-38 (float32's smallest normal number) a float32 output keeps no relative
            // precision; the shipped model reaches such values only far outside the data.
            let deep = zip(grid, σ).filter { $0.1 < 1e-4 * peak && $0.1 / $0.0.crossSectionScale > 1e-30 }.map(\.0).prefix(5)
            tails += deep.count
            points += deep
        }
        return (points, tails)
    }

    static func referenceInputs(_ k: Kinematics) -> [Float] {
        [Float(k.beamEnergy / 20), Float(k.energyTransfer / 20), Float(k.angleDegrees / 180), Float(k.cosTheta), Float(k.Q2 / 100)]
    }

    /// onnxruntime's outputs for `inputs` (rows of the 5 reference inputs); with `nuwro`, each row
    /// run as NuWro's loader runs a file: a [1, 5] float32 tensor `input`, output `Identity:0`.
    static func runHelper(_ inputs: [[Float]], models: [URL], nuwro: Bool = false) throws -> [(shape: String, values: [Double])] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("inputs.csv")
        try inputs.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let run = try runTool("python3", [onnxHelper] + (nuwro ? ["--nuwro"] : []) + [csv.path] + models.map(\.path))
        #expect(run.status == 0, "onnx_eval.py failed: \(run.stderr)")
        let text = run.stdout
        var result: [(String, [Double])] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("SHAPE") { result.append((String(line), [])) } else { result[result.count - 1].1.append(Double(line)!) }
        }
        return result
    }

    @Test(
        .enabled(
            if: onnxRuntimeAvailable,
            "skipped: python3 with onnxruntime, onnx and numpy is not installed (pip install onnxruntime onnx); .ci/run installs them"))
    func exportAgreesWithOnnxRuntimeAndImportsBack() throws {
        for (index, model) in try Self.models().enumerated() {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-onnx-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let nuwro = try ONNXExport.write(model, to: folder, nuwroLayout: true, baseName: "m")
            let plain = try ONNXExport.write(model, to: folder.appendingPathComponent("plain"), nuwroLayout: false, baseName: "m")
            #expect(nuwro[0].path.hasSuffix("C12/model_electron_A_12_0.onnx"))
            let (points, tails) = try Self.points(model)
            if index == 0 { #expect(tails >= 20, "tail points of the shipped model: \(tails)") }
            let expected = model.predict(points).enumerated().map { $0.element.mean / points[$0.offset].crossSectionScale }
            var results = try Self.runHelper(points.map(Self.referenceInputs), models: [nuwro[0], plain[0]])
            #expect(results.count == 2)
            #expect(results[0].shape == "SHAPE|[1, 5]|tensor(float)|[1, 1]|tensor(float)")
            #expect(results[1].shape == "SHAPE|['N', 5]|tensor(float)|['N', 1]|tensor(float)")
            // NuWro's call, names and all: σ = S × output to 1e-5 like the others.
            results += try Self.runHelper(points.map(Self.referenceInputs), models: [nuwro[0]], nuwro: true)
            #expect(results.count == 3)
            for r in results {
                var worst = 0.0
                for (i, (a, b)) in zip(r.values, expected).enumerated() {
                    if abs(a / b - 1) > 1e-5 { print("ONNX mismatch at \(points[i]): onnx \(a), xsnet \(b)") }
                    worst = max(worst, abs(a / b - 1))
                }
                #expect(r.values.count == points.count)
                #expect(worst < 1e-5, "largest relative difference from xsnet: \(worst) (\(model.info.output.name))")
                if index == 1 { #expect(r.values.allSatisfy { $0 > 0 }, "the sigmoid tail must not round to 0") }
                print("ONNX agreement \(model.info.output.name): worst relative difference \(worst) over \(points.count) points, \(tails) in tails")
            }
            // Import: only reference-input graphs can be read back.
            if model.info.input.features == .reference {
                let imported = try ONNXImport.model(files: plain, nucleus: Nucleus(Z: 6, A: 12))
                let again = imported.predict(points).map(\.mean)
                for (a, b) in zip(again, model.predict(points).map(\.mean)) { #expect(abs(a / b - 1) < 1e-5) }
                // Its card says that how it was trained is not known, instead of a recipe's loss and optimizer.
                let card = ModelCard.markdown(imported, path: "imported.xsnet", selected: try imported.selectedData(from: ScatteringData.bundled()))
                #expect(card.contains("| | |\n|---|---|\n| training | not recorded") && !card.contains("| optimizer |"), "\(card.prefix(600))")
            } else {
                #expect(throws: ONNXError.self) { try ONNXImport.model(files: plain, nucleus: Nucleus(Z: 6, A: 12)) }
            }
        }
    }

    /// Two of the seed authors' published networks, as NuWro ships them (batch norm folded into
    /// Mul + Add by their converter): kept in ../shared, never in the repository.
    static let nuwroNetworks = ["model_electron_A_12_0.onnx", "model_electron_A_12_1.onnx"].map {
        repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/peers/nuwro-model-c/\($0)")
    }

    @Test(
        .enabled(
            if: onnxRuntimeAvailable && FileManager.default.fileExists(atPath: nuwroNetworks[0].path),
            "skipped: needs onnxruntime and ../shared/peers/nuwro-model-c (the seed authors' NuWro networks)"))
    func nuwroNetworksImportExactly() throws {
        let carbon = try ScatteringData.bundled().filtered(nucleus: Nucleus(Z: 6, A: 12)).points
        let points = stride(from: 0, to: carbon.count, by: 97).map { carbon[$0].kinematics }
        let results = try Self.runHelper(points.map(Self.referenceInputs), models: Self.nuwroNetworks)
        for (url, result) in zip(Self.nuwroNetworks, results) {
            let imported = try ONNXImport.model(files: [url], nucleus: Nucleus(Z: 6, A: 12))
            #expect(imported.networks[0].spec.blocks.count == 10 && imported.networks[0].spec.blocks[0].width == 300)
            let ours = imported.predict(points).map(\.mean)
            // onnxruntime's float32 Sigmoid resolves σ/S to about 1e-7 absolute (deep in the tail,
            // σ/S ~ 1e-7, it is off by half its value from the exact function); xsnet computes in
            // float64. So: 1e-5 relative, or 1e-7 absolute in σ/S where onnxruntime cannot do better.
            var worst = 0.0
            for (i, (a, b)) in zip(ours, result.values).enumerated() {
                worst = max(worst, abs(a / points[i].crossSectionScale - b) / (1e-5 * b + 1e-7))
            }
            #expect(
                result.values.count == points.count && worst <= 1,
                "\(url.lastPathComponent): difference from onnxruntime \(worst) × (1e-5 relative + 1e-7)")
            print(
                "NuWro network \(url.lastPathComponent): imported; largest difference from onnxruntime \(worst) × (1e-5·σ/S + 1e-7) over \(points.count) points"
            )
        }
        // An imported model has no fitted λ_k: its evaluation in JSON leaves their uncertainty out
        // (it failed encoding a NaN).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-seed-\(UUID().uuidString).xsnet")
        defer { try? FileManager.default.removeItem(at: file) }
        try ONNXImport.model(files: Self.nuwroNetworks, nucleus: Nucleus(Z: 6, A: 12)).save(file)
        let evaluation = try xsnet(["evaluate", "--model", file.path, "--split", "test", "--format", "json"])
        #expect(evaluation.status == 0 && evaluation.stdout.contains("median_abs_rel_dev"), "\(evaluation.stderr)")
    }

    /// The graph computes σ/S at its five inputs as given; a model with Coulomb distortion would
    /// need them at E + V_eff and a focusing factor a reader does not know to apply: refused.
    @Test func aModelWithCoulombDistortionIsNotExported() throws {
        let shipped = try CrossSectionModel.load(repositoryRoot.appendingPathComponent("Models/C12.xsnet"))
        var info = shipped.info
        info.config.coulombDistortion = true
        let distorted = CrossSectionModel(networks: shipped.networks, info: info)
        _ = try ONNXExport.model(shipped, member: 0, batch: nil)
        #expect {
            _ = try ONNXExport.model(distorted, member: 0, batch: nil)
        } throws: { error in
            "\(error)".contains("trained with Coulomb distortion (--coulomb-distortion true)")
        }
    }

    /// `xsnet export onnx` from the command line (it crashed reading options it never parsed):
    /// the shipped carbon model is written in NuWro's layout; a model of every nucleus needs
    /// --nucleus; the shipped one (built on the Bosted–Mamyan fit, with Coulomb distortion) is refused in one line.
    @Test func theExportCommandWritesOrRefusesInOneLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try xsnet(["export", "onnx", "--model", "Models/C12.xsnet", "--out", folder.path])
        #expect(written.status == 0 && written.stdout.contains("wrote 1 ONNX file(s)"), "\(written.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("C12/model_electron_A_12_0.onnx").path))
        let unnamed = try xsnet(["export", "onnx", "--model", "Models/any-target.xsnet", "--out", folder.path])
        #expect(unnamed.status != 0 && unnamed.stderr.contains("name the one to predict with --nucleus"), "\(unnamed.stderr)")
        let prior = try xsnet(["export", "onnx", "--model", "Models/any-target.xsnet", "--nucleus", "Ar40", "--out", folder.path])
        #expect(
            prior.status != 0 && prior.stderr.contains("cannot export to ONNX: the model was trained with Coulomb distortion")
                && prior.stderr.split(separator: "\n").count == 1, "\(prior.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Ar40").path))
    }

    @Test func malformedFilesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.onnx")
        try Data([0xFF, 0xFF, 0xFF, 0x01, 0x02]).write(to: garbage)
        #expect(throws: ONNXError.self) { try ONNXImport.model(files: [garbage], nucleus: Nucleus(Z: 6, A: 12)) }
        let model = try Self.models()[1]
        let good = try ONNXExport.model(model, member: 0, batch: nil).serializedData()
        let truncated = folder.appendingPathComponent("truncated.onnx")
        try good.prefix(good.count / 2).write(to: truncated)
        #expect(throws: ONNXError.self) { try ONNXImport.model(files: [truncated], nucleus: Nucleus(Z: 6, A: 12)) }
        // An operator xsnet does not read.
        var proto = try ONNXExport.model(model, member: 0, batch: nil)
        proto.graph.node[0].opType = "Conv"
        let unsupported = folder.appendingPathComponent("conv.onnx")
        try proto.serializedData().write(to: unsupported)
        #expect {
            try ONNXImport.model(files: [unsupported], nucleus: Nucleus(Z: 6, A: 12))
        } throws: { "\($0)".contains("Conv") }
        // A graph read exactly or refused in one line naming what is wrong: a weight shorter than
        // its shape, a weight that is not finite, a node that no layer pattern consumes.
        func refusal(_ change: (inout Onnx_ModelProto) -> Void) throws -> String {
            var proto = try ONNXExport.model(model, member: 0, batch: nil)
            change(&proto)
            do { _ = try ONNXImport.network(from: try proto.serializedData(), file: "m.onnx") } catch { return "\(error)" }
            return "accepted"
        }
        let gemm = try ONNXExport.model(model, member: 0, batch: nil).graph.node.first { $0.opType == "Gemm" }!
        let weight = gemm.input[1]
        #expect(
            try refusal { p in p.graph.initializer[p.graph.initializer.firstIndex { $0.name == weight }!].doubleData.removeLast(6) }.contains(
                "`\(weight)` holds"))
        #expect(
            try refusal { p in p.graph.initializer[p.graph.initializer.firstIndex { $0.name == weight }!].doubleData[0] = .infinity }.contains(
                "not finite"))
        let relu = try refusal { p in p.graph.node[p.graph.node.firstIndex { $0.opType == "Relu" }!].opType = "LeakyRelu" }
        #expect(relu.contains("LeakyRelu") && relu.contains("Relu_"), "\(relu)")
        // A per-column Mul after a dense layer with no Add after it is no known pattern.
        let scale = try refusal { p in
            let i = p.graph.node.firstIndex { $0.opType == "Relu" }!
            p.graph.node[i].opType = "Mul"
            p.graph.node[i].input.append(p.graph.initializer.first { $0.name == gemm.input[2] }!.name)
        }
        #expect(scale.contains("Mul"), "\(scale)")
        // Issue 18's traps (exit 132 before), each now a one-line refusal naming what is wrong.
        let gemmIndex = { (p: Onnx_ModelProto) in p.graph.node.firstIndex { $0.opType == "Gemm" }! }
        let traps: [(String, (inout Onnx_ModelProto) -> Void)] = [
            ("has no output", { p in p.graph.node[0].output.removeAll() }),
            (
                "Gemm",
                { p in
                    let i = gemmIndex(p); p.graph.node[i].input = [p.graph.node[i].input[0]]
                }
            ),
            (
                "BatchNormalization",
                { p in
                    let i = gemmIndex(p)
                    var bn = Onnx_NodeProto()
                    bn.opType = "BatchNormalization"; bn.name = "bn"; bn.input = [p.graph.node[i].output[0], weight, weight]; bn.output = ["bn_out"]
                    p.graph.node[i + 1].input[0] = "bn_out"
                    p.graph.node.insert(bn, at: i + 1)
                }
            ),
            (
                "holds",
                { p in
                    let i = gemmIndex(p)
                    var a = Onnx_AttributeProto()
                    a.name = "transB"; a.i = 1; a.type = .int
                    p.graph.node[i].attribute.append(a)
                    p.graph.initializer[p.graph.initializer.firstIndex { $0.name == weight }!].doubleData.removeLast(3)
                }
            ),
            (
                "does not follow a dense layer",
                { p in
                    var sigmoid = Onnx_NodeProto(), mul = Onnx_NodeProto()
                    let input = p.graph.input[0].name
                    sigmoid.opType = "Sigmoid"; sigmoid.name = "silu_sigmoid"; sigmoid.input = [input]; sigmoid.output = ["s"]
                    mul.opType = "Mul"; mul.name = "silu_mul"; mul.input = [input, "s"]; mul.output = ["silu"]
                    for j in p.graph.node.indices { p.graph.node[j].input = p.graph.node[j].input.map { $0 == input ? "silu" : $0 } }
                    p.graph.node.insert(contentsOf: [sigmoid, mul], at: 0)
                }
            ),
            (
                "columns",
                { p in
                    let k = p.graph.initializer.firstIndex { $0.name == weight }!
                    p.graph.initializer[k].dims = [p.graph.initializer[k].dims[1], p.graph.initializer[k].dims[0]]
                }
            ),
            ("more than 2²⁶", { p in p.graph.initializer[p.graph.initializer.firstIndex { $0.name == weight }!].dims = [1 << 40, 1 << 40] })
        ]
        for (expected, change) in traps {
            let message = try refusal(change)
            #expect(message.contains(expected) && !message.contains("\n"), "\(expected): \(message)")
        }
    }

    @Test func membersCarryTheirIndexAndTheSpreadCalibration() throws {
        let model = try Self.models()[1]
        let plain = try ONNXExport.model(model, member: 0, batch: nil)
        let keys = Dictionary(uniqueKeysWithValues: plain.metadataProps.map { ($0.key, $0.value) })
        #expect(keys["xsnet.member"] == "0" && keys["xsnet.members"] == "\(model.networks.count)")
        #expect(keys["xsnet.uncertainty_scale"] == nil)
        let factor = { (c: Double) in
            SpreadFactor(scale: c, validationPoints: 30, before: Coverage(oneSigma: 0.9, twoSigma: 1), after: Coverage(oneSigma: 0.7, twoSigma: 0.95))
        }
        model.info.calibration = UncertaintyCalibration(
            atMeasuredSettings: factor(0.5), elsewhere: factor(0.75), measuredSettings: MeasuredSettings(points: []),
            validationSplit: .random, rule: .atLeastNominal)
        defer { model.info.calibration = nil }
        let calibrated = try Onnx_ModelProto(serializedBytes: try ONNXExport.model(model, member: 0, batch: 1).serializedData())
        #expect(calibrated.metadataProps.contains { $0.key == "xsnet.uncertainty_scale" && $0.value == "0.75" })
        #expect(calibrated.metadataProps.contains { $0.key == "xsnet.uncertainty_scale_at_measured_settings" && $0.value == "0.5" })
    }
}

typealias SeededGeneratorProxy = SeededGenerator
