import Foundation

/// NumPy's `.npz` format, written without NumPy: a ZIP archive (stored, not compressed) of `.npy`
/// arrays, which `numpy.load` reads, and ROOT through uproot or Python. `.npy` format 1.0: the
/// magic `\x93NUMPY`, version 1.0, a little-endian 16-bit header length, a Python-literal header
/// `{'descr': …, 'fortran_order': False, 'shape': (…), }` padded with spaces to a multiple of 64
/// bytes with its closing newline, then the data in C order
/// (numpy.org/doc/stable/reference/generated/numpy.lib.format.html). ZIP: PKWARE APPNOTE 6.3,
/// local headers, central directory and end record, CRC-32 of each member.
public struct NPZArchive {
    /// One array: its `.npy` bytes.
    private var members: [(name: String, bytes: Data)] = []

    public init() {}

    /// A float64 array of `shape` (C order: the last index runs fastest).
    public mutating func add(_ name: String, float64 values: [Double], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        var data = Data(capacity: values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        members.append((name + ".npy", Self.npy(descr: "<f8", shape: shape, data: data)))
    }

    /// A uint8 array of `shape` (flags).
    public mutating func add(_ name: String, uint8 values: [UInt8], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        members.append((name + ".npy", Self.npy(descr: "|u1", shape: shape, data: Data(values))))
    }

    /// A 0-d Unicode string array (`str(npz[name])` gives it back): units, names, provenance.
    public mutating func add(_ name: String, string: String) {
        let scalars = Array(string.unicodeScalars)
        var data = Data(capacity: 4 * scalars.count)
        for s in scalars { withUnsafeBytes(of: s.value.littleEndian) { data.append(contentsOf: $0) } }
        members.append((name + ".npy", Self.npy(descr: "<U\(max(scalars.count, 1))", shape: [], data: scalars.isEmpty ? Data(count: 4) : data)))
    }

    static func npy(descr: String, shape: [Int], data: Data) -> Data {
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1  // magic, version, length; header; newline
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        out.append(contentsOf: Array(header.utf8))
        out.append(data)
        return out
    }

    /// The archive's bytes.
    public func data() -> Data {
        var out = Data(), central = Data()
        func u16(_ v: Int, _ d: inout Data) { d.append(contentsOf: [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)]) }
        func u32(_ v: UInt32, _ d: inout Data) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        for (name, bytes) in members {
            precondition(bytes.count < Int(UInt32.max), "\(name) is too large for a ZIP without ZIP64")
            let offset = UInt32(out.count), crc = Self.crc32(bytes), nameBytes = Array(name.utf8)
            // Local file header: version 2.0, no flags, stored, time and date 0 (1980-00-00).
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0x21, &out)
            u32(crc, &out); u32(UInt32(bytes.count), &out); u32(UInt32(bytes.count), &out); u16(nameBytes.count, &out); u16(0, &out)
            out.append(contentsOf: nameBytes)
            out.append(bytes)
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u16(0x21, &central); u32(crc, &central); u32(UInt32(bytes.count), &central); u32(UInt32(bytes.count), &central)
            u16(nameBytes.count, &central); u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central); u32(0, &central)
            u32(offset, &central)
            central.append(contentsOf: nameBytes)
        }
        let centralOffset = UInt32(out.count)
        out.append(central)
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(members.count, &out); u16(members.count, &out)
        u32(UInt32(central.count), &out); u32(centralOffset, &out); u16(0, &out)
        return out
    }

    /// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as ZIP stores it.
    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
