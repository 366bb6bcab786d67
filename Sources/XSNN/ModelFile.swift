import Foundation
import XSCore

/// Errors reading a model file: what is wrong and what to do about it.
public enum ModelFileError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case foreign(String)
    case newerVersion(found: Int, supported: Int)
    case truncated(String)
    case checksum
    case corruptHeader(String)
    case mismatch(String)
    case unreadable(String)
    /// A field whose value is outside what xsnet writes or can use: which field, and why.
    case invalid(field: String, why: String)

    /// The message on one line and at most a few hundred characters, whatever the file held
    /// (a field may be megabytes long).
    public var description: String { message.oneLine(limit: 400) }
    public var errorDescription: String? { description }

    private var message: String {
        switch self {
        case .unreadable(let why): "cannot read the model file: \(why)"
        case .foreign(let path): "\(path) is not an xsnet model file (wrong magic bytes); model files are written by `xsnet train`"
        case let .newerVersion(found, supported): "model file format version \(found) is newer than this xsnet reads (\(supported)); update xsnet"
        case .truncated(let why): "model file is truncated (\(why)); copy it again or retrain"
        case .checksum: "model file checksum does not match: the file is corrupted; copy it again or retrain"
        case .corruptHeader(let why): "model file header is unreadable (\(why))"
        case .mismatch(let why): "model file does not fit its architecture (\(why))"
        case let .invalid(field, why):
            "model file field `\(field)` \(why): the file was not written by this xsnet or was edited; retrain or copy it again"
        }
    }
}

/// The xsnet model file: a small self-describing header, raw little-endian floats, a checksum.
///
///     bytes 0–7   magic "XSNETMDL"
///     bytes 8–11  format version (UInt32 LE)
///     bytes 12–15 header length H (UInt32 LE)
///     H bytes     JSON header: every member network's architecture and tensor table, and
///                 the caller's metadata (input/output transforms, provenance, metrics)
///     payload     the tensors: Float32 LE (or Float16 LE where the table says "f16")
///     8 bytes     FNV-1a 64 checksum of everything before it (UInt64 LE)
///
/// A file holds one network or several (an ensemble): each member's tensors are named
/// `m<i>/<tensor>`. Writing is atomic (temporary file and rename).
public enum ModelFile {
    public static let magic = Array("XSNETMDL".utf8)
    public static let version = 1

    /// How tensors are stored.
    public enum Storage: String, Codable, CaseIterable, Sendable {
        case float32 = "f32"
        case float16 = "f16"
        var bytesPerValue: Int { self == .float32 ? 4 : 2 }
    }

    struct TensorEntry: Codable {
        var name: String
        var count: Int
        var offset: Int
        var dtype: Storage
    }

    struct Member: Codable {
        var architecture: NetworkSpec
        var trainable: [Bool]
        var tensors: [TensorEntry]
    }

    struct Header<Metadata: Codable>: Codable {
        var format: String
        var members: [Member]
        /// Tensors that belong to no network (optimizer moments in a checkpoint, say).
        var extra: [TensorEntry]?
        var metadata: Metadata
    }

    /// FNV-1a 64-bit hash (Fowler–Noll–Vo): detects any flipped byte.
    public static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    public static func encode<Metadata: Codable>(
        networks: [Network], metadata: Metadata, storage: Storage = .float32,
        extraTensors: [(name: String, values: [Float])] = []
    ) throws -> Data {
        var payload = Data()
        var members: [Member] = []
        func appendPayload(_ values: UnsafeBufferPointer<Float>) {
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        }
        for (i, net) in networks.enumerated() {
            var entries: [TensorEntry] = []
            func append(_ name: String, _ values: UnsafeBufferPointer<Float>, dtype: Storage) {
                entries.append(TensorEntry(name: "m\(i)/\(name)", count: values.count, offset: payload.count, dtype: dtype))
                switch dtype {
                case .float32:
                    appendPayload(values)
                case .float16:
                    #if arch(arm64) || arch(x86_64)
                        for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
                    #endif
                }
            }
            for v in net.parameters.views {
                append(v.name, UnsafeBufferPointer(start: net.parameters.values + v.offset, count: v.count), dtype: storage)
            }
            // Running statistics stay Float32: they set the scale of every activation.
            for (name, values) in net.stateBuffers {
                values.withUnsafeBufferPointer { append(name, $0, dtype: .float32) }
            }
            members.append(Member(architecture: net.spec, trainable: net.blockTrainable, tensors: entries))
        }
        var extra: [TensorEntry] = []
        for t in extraTensors {
            extra.append(TensorEntry(name: t.name, count: t.values.count, offset: payload.count, dtype: .float32))
            t.values.withUnsafeBufferPointer(appendPayload)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(Header(format: "xsnet-model", members: members, extra: extra.isEmpty ? nil : extra, metadata: metadata))
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(version).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        data.append(payload)
        let checksum = data.withUnsafeBytes { fnv1a($0) }
        withUnsafeBytes(of: checksum.littleEndian) { data.append(contentsOf: $0) }
        return data
    }

    public static func write<Metadata: Codable>(
        networks: [Network], metadata: Metadata, to url: URL, storage: Storage = .float32,
        extraTensors: [(name: String, values: [Float])] = []
    ) throws {
        try AtomicFile.write(try encode(networks: networks, metadata: metadata, storage: storage, extraTensors: extraTensors), to: url)
    }

    static func parseHeader<Metadata: Codable>(_ type: Metadata.Type, _ data: Data, path: String) throws -> (
        header: Header<Metadata>, payloadStart: Int
    ) {
        guard data.count >= 16 else {
            if data.count >= 8 && Array(data.prefix(8)) != magic { throw ModelFileError.foreign(path) }
            throw ModelFileError.truncated("\(data.count) bytes, shorter than the 16-byte preamble")
        }
        guard Array(data.prefix(8)) == magic else { throw ModelFileError.foreign(path) }
        func u32(_ at: Int) -> Int {
            Int(
                UInt32(data[data.startIndex + at]) | UInt32(data[data.startIndex + at + 1]) << 8
                    | UInt32(data[data.startIndex + at + 2]) << 16 | UInt32(data[data.startIndex + at + 3]) << 24)
        }
        let found = u32(8)
        guard found >= 1 && found < 65_536 else {
            throw ModelFileError.corruptHeader("version field \(found) is not a format version: the file is damaged")
        }
        guard found <= version else { throw ModelFileError.newerVersion(found: found, supported: version) }
        let headerLength = u32(12)
        guard data.count >= 16 + headerLength + 8 else {
            throw ModelFileError.truncated("header of \(headerLength) bytes does not fit in \(data.count) bytes")
        }
        let stored = data.suffix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let computed = data.prefix(data.count - 8).withUnsafeBytes { fnv1a($0) }
        guard stored == computed else {
            // A checksum failure on a short file is most likely truncation: say so.
            let header = try? JSONDecoder().decode(
                Header<Metadata>.self, from: data.subdata(in: (data.startIndex + 16)..<(data.startIndex + 16 + headerLength)))
            if let header {
                let needed = header.members.flatMap(\.tensors).compactMap(endByte).max() ?? 0
                if data.count - 16 - headerLength - 8 < needed {
                    throw ModelFileError.truncated("\(data.count) bytes, the header describes \(16 + headerLength + needed + 8)")
                }
            }
            throw ModelFileError.checksum
        }
        do {
            let header = try JSONDecoder().decode(
                Header<Metadata>.self, from: data.subdata(in: (data.startIndex + 16)..<(data.startIndex + 16 + headerLength)))
            return (header, 16 + headerLength)
        } catch {
            throw ModelFileError.corruptHeader(describe(error))
        }
    }

    /// A decoding error as the field path and what is wrong with it, on one line.
    static func describe(_ error: Error) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : "at `\(path.hasPrefix(".") ? String(path.dropFirst()) : path)`: "
        }
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return at(c) + c.debugDescription
        case DecodingError.keyNotFound(let key, let c):
            return at(c) + "the field `\(key.stringValue)` is missing"
        default:
            return "\(error)"
        }
    }

    /// Decodes every member network and the metadata.
    public static func decode<Metadata: Codable>(_ type: Metadata.Type, from data: Data, path: String = "model") throws -> (
        networks: [Network], metadata: Metadata
    ) {
        let full = try decodeWithExtras(type, from: data, path: path)
        return (full.networks, full.metadata)
    }

    /// Decodes networks, metadata and the extra tensors (checkpoints). Everything after the
    /// checksum is validated before anything is allocated (`validateLayout`); each value read is
    /// finite; a refusal names the field.
    public static func decodeWithExtras<Metadata: Codable>(_ type: Metadata.Type, from data: Data, path: String = "model") throws
        -> (networks: [Network], metadata: Metadata, extra: [String: [Float]])
    {
        let (header, payloadStart) = try parseHeader(type, data, path: path)
        guard header.format == "xsnet-model" else {
            throw ModelFileError.invalid(field: "format", why: "is `\(header.format)`, not `xsnet-model`")
        }
        let payloadBytes = data.count - 8 - payloadStart
        try validateLayout(header, payloadBytes: payloadBytes)
        func read(_ t: TensorEntry) throws -> [Float] {
            let start = payloadStart + t.offset
            let v = data.withUnsafeBytes { raw -> [Float] in
                switch t.dtype {
                case .float32:
                    return (0..<t.count).map {
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)))
                    }
                case .float16:
                    #if arch(arm64) || arch(x86_64)
                        return (0..<t.count).map {
                            Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self))))
                        }
                    #else
                        return []
                    #endif
                }
            }
            if let j = v.firstIndex(where: { !$0.isFinite }) {
                throw ModelFileError.invalid(field: t.name, why: "holds \(v[j]) at index \(j); every weight and statistic must be finite")
            }
            return v
        }
        var networks: [Network] = []
        for (i, member) in header.members.enumerated() {
            let net = Network(spec: member.architecture, seed: 0)
            net.setTrainable(member.trainable)
            var tensors: [String: TensorEntry] = [:]
            for t in member.tensors { tensors[t.name] = t }
            func values(_ name: String, count: Int) throws -> [Float] {
                guard let t = tensors.removeValue(forKey: "m\(i)/\(name)") else {
                    throw ModelFileError.mismatch("tensor m\(i)/\(name) is missing")
                }
                guard t.count == count else {
                    throw ModelFileError.mismatch("tensor \(t.name) holds \(t.count) values, the architecture needs \(count)")
                }
                return try read(t)
            }
            for v in net.parameters.views { net.parameters.setValues(v, try values(v.name, count: v.count)) }
            for (name, current) in net.stateBuffers { try net.setStateBuffer(named: name, values: try values(name, count: current.count)) }
            if let unused = tensors.keys.sorted().first {
                throw ModelFileError.invalid(field: unused, why: "is not a tensor of member \(i)'s architecture")
            }
            networks.append(net)
        }
        var extra: [String: [Float]] = [:]
        for t in header.extra ?? [] {
            guard t.dtype == .float32 else {
                throw ModelFileError.invalid(field: t.name, why: "is stored as \(t.dtype.rawValue); extra tensors are f32")
            }
            extra[t.name] = try read(t)
        }
        return (networks, header.metadata, extra)
    }

    /// The most members a file may hold (the authors' ensembles have 50).
    static let maximumMembers = 1024

    /// What the header describes, checked before any network is built: the member count; each
    /// architecture within `NetworkSpec.validate`'s limits; trainable flags one per block and
    /// head; the tensor table tiling the payload exactly (`validateTable`); and the payload
    /// large enough for the values the architectures need, so that no allocation can exceed
    /// what the file itself holds.
    static func validateLayout<Metadata>(_ header: Header<Metadata>, payloadBytes: Int) throws {
        guard header.members.count <= maximumMembers else {
            throw ModelFileError.invalid(field: "members", why: "lists \(header.members.count) networks, more than \(maximumMembers)")
        }
        try validateTable(header.members.flatMap(\.tensors) + (header.extra ?? []), payloadBytes: payloadBytes)
        var valuesNeeded = 0
        for (i, member) in header.members.enumerated() {
            try member.architecture.validate(field: "members[\(i)].architecture")
            guard member.trainable.count == member.architecture.blocks.count + 1 else {
                throw ModelFileError.invalid(
                    field: "members[\(i)].trainable",
                    why: "has \(member.trainable.count) flags; the architecture has \(member.architecture.blocks.count) blocks and a head")
            }
            // Within the limits one member needs at most 2⁴⁰ values: the sum cannot overflow.
            valuesNeeded += member.architecture.storedValueCount
        }
        guard valuesNeeded <= payloadBytes / Storage.float16.bytesPerValue else {
            throw ModelFileError.invalid(
                field: "members", why: "describe networks of \(valuesNeeded) values; the payload has only \(payloadBytes) bytes")
        }
    }

    /// The byte after a tensor's last (offset + count × bytes per value), nil when negative or
    /// beyond Int: a header's numbers are checked before they are used as sizes.
    static func endByte(_ t: TensorEntry) -> Int? {
        guard t.count >= 0, t.offset >= 0 else { return nil }
        let (size, o1) = t.count.multipliedReportingOverflow(by: t.dtype.bytesPerValue)
        let (end, o2) = t.offset.addingReportingOverflow(size)
        return o1 || o2 ? nil : end
    }

    /// The tensors tile the payload: names unique, none out of range, none overlapping another,
    /// no byte between or after them (a changed dtype or a stray byte leaves a gap).
    static func validateTable(_ entries: [TensorEntry], payloadBytes: Int) throws {
        var names = Set<String>()
        var ranges: [(range: Range<Int>, name: String)] = []
        for t in entries {
            guard names.insert(t.name).inserted else { throw ModelFileError.invalid(field: t.name, why: "appears twice in the tensor table") }
            guard let end = endByte(t), end <= payloadBytes else {
                throw ModelFileError.invalid(
                    field: t.name, why: "claims \(t.count) values at byte \(t.offset), outside the payload of \(payloadBytes) bytes")
            }
            ranges.append((t.offset..<end, t.name))
        }
        ranges.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var covered = 0
        for (range, name) in ranges {
            guard range.lowerBound <= covered else {
                throw ModelFileError.invalid(
                    field: name, why: "starts at byte \(range.lowerBound); bytes \(covered)..<\(range.lowerBound) belong to no tensor")
            }
            guard range.lowerBound == covered else {
                throw ModelFileError.invalid(
                    field: name, why: "starts at byte \(range.lowerBound), inside the tensor before it (which ends at \(covered))")
            }
            covered = range.upperBound
        }
        guard covered == payloadBytes else {
            throw ModelFileError.invalid(field: "payload", why: "has \(payloadBytes - covered) bytes after the last tensor")
        }
    }

    public static func read<Metadata: Codable>(_ type: Metadata.Type, from url: URL) throws -> (networks: [Network], metadata: Metadata) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelFileError.unreadable("\(url.path): \(error.localizedDescription)")
        }
        return try decode(type, from: data, path: url.path)
    }
}
