import Foundation
import Testing
import XSCore

@testable import XSNN

struct TestMetadata: Codable, Equatable { var note: String; var seed: Int }

@Suite struct ModelFileTests {
    func trainedLookingNetwork() -> Network {
        let net = Network(
            spec: NetworkSpec(
                inputFeatures: 5,
                blocks: [
                    BlockSpec(width: 8, batchNorm: true, activation: .relu),
                    BlockSpec(width: 8, batchNorm: true, activation: .silu, dropout: 0.1)
                ]), seed: 9)
        net.reserve(batchCapacity: 16)
        let x = net.inputMatrix(rows: 16)
        for i in 0..<x.count { x.data[i] = Float(i % 7) * 0.3 - 1 }
        _ = net.forward(x, mode: .training)  // moves the running statistics away from (0, 1)
        net.trainOnlyLastBlocks(1)
        return net
    }

    let inputs: [Float] = (0..<50).map { Float($0 % 11) * 0.2 - 1 }

    @Test func roundTripGivesIdenticalPredictions() throws {
        let net = trainedLookingNetwork()
        let data = try ModelFile.encode(networks: [net, net.copy()], metadata: TestMetadata(note: "x", seed: 3))
        let (nets, meta) = try ModelFile.decode(TestMetadata.self, from: data)
        #expect(meta == TestMetadata(note: "x", seed: 3))
        #expect(nets.count == 2)
        #expect(nets[0].predict(inputs) == net.predict(inputs))
        #expect(nets[1].predict(inputs) == net.predict(inputs))
        #expect(nets[0].blockTrainable == net.blockTrainable)
        // Writing is deterministic.
        #expect(try ModelFile.encode(networks: nets, metadata: meta) == data)
    }

    @Test func float16StorageStaysClose() throws {
        let net = trainedLookingNetwork()
        let data = try ModelFile.encode(networks: [net], metadata: TestMetadata(note: "", seed: 0), storage: .float16)
        let restored = try ModelFile.decode(TestMetadata.self, from: data).networks[0]
        for (a, b) in zip(restored.predict(inputs), net.predict(inputs)) { #expect(abs(a - b) <= 2e-3 * max(1, abs(b))) }
    }

    @Test func damagedFilesAreRefusedWithAReason() throws {
        let good = try ModelFile.encode(networks: [trainedLookingNetwork()], metadata: TestMetadata(note: "", seed: 0))
        func error(_ data: Data) -> ModelFileError? {
            do { _ = try ModelFile.decode(TestMetadata.self, from: data); return nil } catch let e as ModelFileError { return e } catch { return nil }
        }
        #expect(error(good) == nil)
        #expect(error(good.prefix(good.count / 2)).map { if case .truncated = $0 { true } else { false } } == true)
        #expect(error(good.prefix(10)).map { if case .truncated = $0 { true } else { false } } == true)
        var flipped = good
        flipped[good.count - 100] ^= 0x40
        #expect(error(flipped) == .checksum)
        var foreign = good
        foreign[0] = UInt8(ascii: "Y")
        #expect(error(foreign) == .foreign("model"))
        #expect(error(Data("hello world, not a model".utf8)) == .foreign("model"))
        var newer = good
        newer[8] = 9
        #expect(error(newer) == .newerVersion(found: 9, supported: 1))
        #expect(ModelFileError.checksum.description.contains("corrupted"))
    }

    @Test func writeIsAtomicAndReadable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-\(UUID().uuidString).xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        let net = trainedLookingNetwork()
        try ModelFile.write(networks: [net], metadata: TestMetadata(note: "a", seed: 1), to: url)
        #expect(try ModelFile.read(TestMetadata.self, from: url).networks[0].predict(inputs) == net.predict(inputs))
        #expect(throws: ModelFileError.self) { try ModelFile.read(TestMetadata.self, from: url.appendingPathExtension("missing")) }
    }
}
