import Foundation
import SwiftProtobuf
import XSCore
import XSNN
import XSONNX

/// A byte-level mutation of a buffer (libFuzzer's `LLVMFuzzerMutate`, or `ByteMutator` in the
/// test suite): changes the bytes in place, keeping at most `maxSize` of them.
public typealias MutateBytes = (inout [UInt8], _ maxSize: Int) -> Void

/// The structure-aware mutations of each input kind: a mutation that keeps the file's framing
/// (lengths, checksum, protobuf encoding, CSV rows) reaches the validation behind it, where a
/// random byte flip would mostly stop at the checksum or the first parse.
public enum Mutations {
    /// Values that break sizes, counts, offsets and probabilities: zero, negatives, the edges
    /// of Int32/Int64 and Double, non-numbers in JSON's place.
    nonisolated(unsafe) static let interestingNumbers: [Any] = [
        0, -1, 1, 2, 3, 255, 65_536, 1 << 31, -(1 << 31), Int.max, Int.min, Int.max - 7, 1 << 40, 0.5, 2.0, -0.0, 1e308, -1e308,
        Double.leastNonzeroMagnitude,
        1e38, 3.4e38
    ]
    nonisolated(unsafe) static let interestingValues: [Any] =
        interestingNumbers + ["", "f16", "f32", "x", String(repeating: "A", count: 5000), NSNull(), [Any](), [String: Any]()]

    // MARK: Model files and checkpoints

    /// The header JSON and the payload of a model file; nil when the framing is broken.
    public static func modelFileParts(_ bytes: [UInt8]) -> (header: [UInt8], payload: [UInt8])? {
        guard bytes.count >= 24 else { return nil }
        let length = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        guard 16 + length + 8 <= bytes.count else { return nil }
        return (Array(bytes[16..<(16 + length)]), Array(bytes[(16 + length)..<(bytes.count - 8)]))
    }

    /// A model file from its parts: magic, version 1, the header's length, header, payload, checksum.
    public static func modelFile(header: [UInt8], payload: [UInt8]) -> [UInt8] {
        var out = ModelFile.magic
        withUnsafeBytes(of: UInt32(1).littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { out += $0 }
        out += header + payload
        return withChecksum(out + [UInt8](repeating: 0, count: 8))
    }

    /// The bytes with their last 8 replaced by the FNV-1a checksum of the rest: every input the
    /// model-file and checkpoint targets see passes the checksum and reaches the validation.
    public static func withChecksum(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 8 else { return bytes }
        var out = bytes
        let sum = out.withUnsafeBytes { ModelFile.fnv1a(UnsafeRawBufferPointer(rebasing: $0.dropLast(8))) }
        withUnsafeBytes(of: sum.littleEndian) { out.replaceSubrange((out.count - 8)..<out.count, with: $0) }
        return out
    }

    /// One mutation of a model file or checkpoint: a JSON field of the header set to an
    /// interesting value, removed or duplicated; header text or payload bytes mutated; a payload
    /// value set to ±inf, NaN or a huge number; or the whole file mutated. Framing and checksum
    /// are then rebuilt.
    public static func mutateModelFile(_ bytes: [UInt8], maxSize: Int, rng: inout SeededGenerator, mutate: MutateBytes) -> [UInt8] {
        guard var (header, payload) = modelFileParts(bytes) else {
            var b = bytes
            mutate(&b, maxSize)
            return withChecksum(b)
        }
        switch rng.next() % 8 {
        case 0, 1, 2:
            if let json = try? JSONSerialization.jsonObject(with: Data(header), options: [.fragmentsAllowed]) {
                let changed = mutateJSON(json, rng: &rng, depth: 0)
                if let data = try? JSONSerialization.data(withJSONObject: changed, options: [.fragmentsAllowed]) { header = Array(data) }
            }
        case 3:
            mutate(&header, max(header.count * 2, 64))
        case 4:
            if payload.count >= 4 {
                let at = Int(rng.next() % UInt64(payload.count / 4)) * 4
                let value: Float = [.infinity, -.infinity, .nan, 3e38, -3e38, .leastNonzeroMagnitude, 0][Int(rng.next() % 7)]
                withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.replaceSubrange(at..<(at + 4), with: $0) }
            }
        case 5:
            mutate(&payload, max(payload.count + 64, 64))
        case 6:
            // Grow or cut the payload by a few values (what a changed dtype or count needs).
            let delta = Int(rng.next() % 17) - 8
            if delta > 0 { payload += [UInt8](repeating: 0, count: delta) } else { payload.removeLast(min(-delta, payload.count)) }
        default:
            var b = bytes
            mutate(&b, maxSize)
            return withChecksum(b)
        }
        let out = modelFile(header: header, payload: payload)
        return out.count <= maxSize ? out : withChecksum(Array(out.prefix(maxSize)))
    }

    /// A random leaf or member of a JSON value replaced, removed or duplicated.
    static func mutateJSON(_ value: Any, rng: inout SeededGenerator, depth: Int) -> Any {
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        if var object = value as? [String: Any], !object.isEmpty {
            let key = pick(object.keys.sorted())
            switch rng.next() % 10 {
            case 0: object.removeValue(forKey: key)
            case 1: object[key] = pick(interestingValues)
            default: object[key] = mutateJSON(object[key]!, rng: &rng, depth: depth + 1)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let i = Int(rng.next() % UInt64(array.count))
            switch rng.next() % 10 {
            case 0: array.remove(at: i)
            case 1: array.insert(array[i], at: i)
            case 2: array[i] = pick(interestingValues)
            default: array[i] = mutateJSON(array[i], rng: &rng, depth: depth + 1)
            }
            return array
        }
        if value is NSNumber && rng.next() % 4 == 0, let n = value as? Double {
            return pick([n + 1, n - 1, -n, n * 2, n / 2, n * 1e6])
        }
        return pick(interestingValues)
    }

    // MARK: CSV

    /// Tokens that break number parsing and row structure.
    static let interestingFields = [
        "nan", "inf", "-inf", "-0", "0", "1e308", "1e-320", "-1", "", "\"", "\"a,b\"", "999999999999999999999", "9223372036854775807", "C12",
        "Xx999", "U238", "H1", String(repeating: "9", count: 400), String(repeating: "x", count: 3000), " ", "1,2", "0x10"
    ]

    /// One mutation of a CSV file: a field replaced by an interesting token, a row duplicated,
    /// removed or cut, a column added or dropped, or bytes mutated.
    public static func mutateCSV(_ bytes: [UInt8], maxSize: Int, rng: inout SeededGenerator, mutate: MutateBytes) -> [UInt8] {
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        guard !lines.isEmpty, rng.next() % 6 != 0 else {
            var b = bytes
            mutate(&b, maxSize)
            return b
        }
        let i = Int(rng.next() % UInt64(lines.count))
        var fields = lines[i].components(separatedBy: ",")
        switch rng.next() % 6 {
        case 0: lines.insert(lines[i], at: i)
        case 1: lines.remove(at: i)
        case 2: fields.append(interestingFields[Int(rng.next() % UInt64(interestingFields.count))]); lines[i] = fields.joined(separator: ",")
        case 3: if !fields.isEmpty { fields.removeLast() }; lines[i] = fields.joined(separator: ",")
        default:
            let j = Int(rng.next() % UInt64(max(fields.count, 1)))
            if j < fields.count { fields[j] = interestingFields[Int(rng.next() % UInt64(interestingFields.count))] }
            lines[i] = fields.joined(separator: ",")
        }
        return Array(lines.joined(separator: "\n").utf8.prefix(maxSize))
    }

    // MARK: ONNX

    /// One mutation of an ONNX model, on its protobuf structure: a tensor's shape, type or data
    /// changed, a node's op, inputs, outputs or attributes changed, a node removed, duplicated or
    /// moved; or bytes mutated.
    public static func mutateONNX(_ bytes: [UInt8], maxSize: Int, rng: inout SeededGenerator, mutate: MutateBytes) -> [UInt8] {
        func raw() -> [UInt8] {
            var b = bytes
            mutate(&b, maxSize)
            return b
        }
        guard rng.next() % 8 != 0, var model = try? Onnx_ModelProto(serializedBytes: bytes), !model.graph.node.isEmpty else { return raw() }
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        let ops = [
            "Gemm", "MatMul", "Add", "Mul", "Relu", "Tanh", "Sigmoid", "Exp", "Softplus", "Reciprocal", "BatchNormalization", "Identity",
            "Dropout", "Flatten", "Cast", "Constant", "Neg", "Div", "Sub", "Log"
        ]
        var graph = model.graph
        let k = pick(graph.node.count)
        switch rng.next() % 12 {
        case 0 where !graph.initializer.isEmpty:
            let t = pick(graph.initializer.count)
            let dims: [Int64] = [0, 1, 2, 3, 5, 16, -1, 1 << 20, 1 << 40]
            if graph.initializer[t].dims.isEmpty || rng.next() % 3 == 0 {
                graph.initializer[t].dims.append(dims[pick(dims.count)])
            } else {
                graph.initializer[t].dims[pick(graph.initializer[t].dims.count)] = dims[pick(dims.count)]
            }
        case 1 where !graph.initializer.isEmpty:
            let t = pick(graph.initializer.count)
            graph.initializer[t].dataType = [0, 1, 7, 10, 11, 16][pick(6)]
        case 2 where !graph.initializer.isEmpty:
            let t = pick(graph.initializer.count)
            var data = [UInt8](graph.initializer[t].rawData)
            if data.count >= 4 && rng.next() % 2 == 0 {
                let at = pick(data.count / 4) * 4
                let v: Float = [.nan, .infinity, 3e38][pick(3)]
                withUnsafeBytes(of: v.bitPattern.littleEndian) { data.replaceSubrange(at..<(at + 4), with: $0) }
            } else {
                data.removeLast(min(data.count, 1 + pick(16)))
            }
            graph.initializer[t].rawData = Data(data)
        case 3: graph.node[k].opType = ops[pick(ops.count)]
        case 4: if !graph.node[k].input.isEmpty { graph.node[k].input.remove(at: pick(graph.node[k].input.count)) }
        case 5: if !graph.node[k].output.isEmpty { graph.node[k].output.removeAll() }
        case 6:
            let names = graph.node.flatMap { $0.input + $0.output } + graph.initializer.map(\.name)
            if !graph.node[k].input.isEmpty { graph.node[k].input[pick(graph.node[k].input.count)] = names[pick(names.count)] }
        case 7: graph.node.remove(at: k)
        case 8: graph.node.insert(graph.node[k], at: k)
        case 9: graph.node.swapAt(k, pick(graph.node.count))
        case 10:
            var a = Onnx_AttributeProto()
            a.name = ["transB", "transA", "alpha", "beta", "epsilon"][pick(5)]
            a.i = [0, 1, -1][pick(3)]
            a.f = [1, 0, 2, .nan][pick(4)]
            graph.node[k].attribute.append(a)
        default: return raw()
        }
        model.graph = graph
        guard let out: [UInt8] = try? model.serializedBytes() else { return raw() }
        return Array(out.prefix(maxSize))
    }
}

/// The test suite's byte mutator (libFuzzer brings its own): flip a bit, set a byte to an
/// interesting value, insert or delete a few bytes, copy a run over another.
public struct ByteMutator {
    public var rng: SeededGenerator
    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    public mutating func mutate(_ b: inout [UInt8], maxSize: Int) {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        switch rng.next() % 5 {
        case 0 where !b.isEmpty: b[pick(b.count)] ^= UInt8(1 << pick(8))
        case 1 where !b.isEmpty: b[pick(b.count)] = [0, 0xFF, 0x7F, 0x80, 0x30, 0x39, 0x2D, 0x22, 0x2C, 0x0A][pick(10)]
        case 2: b.insert(contentsOf: (0..<(1 + pick(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: pick(b.count + 1))
        case 3 where !b.isEmpty: let at = pick(b.count); b.removeSubrange(at..<min(b.count, at + 1 + pick(8)))
        default:
            guard b.count > 2 else { return }
            let from = pick(b.count), to = pick(b.count), n = min(1 + pick(16), b.count - max(from, to))
            if n > 0 { b.replaceSubrange(to..<(to + n), with: b[from..<(from + n)]) }
        }
        if b.count > maxSize { b.removeLast(b.count - maxSize) }
    }
}
