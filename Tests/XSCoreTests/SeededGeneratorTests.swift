import Foundation
import Testing

@testable import XSCore

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<16).map { _ in a.next() }, sb = (0..<16).map { _ in b.next() }, sc = (0..<16).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func uniformAndNormalMoments() {
        var g = SeededGenerator(seed: 1)
        let n = 200_000
        var s = 0.0, s2 = 0.0, u = 0.0
        for _ in 0..<n {
            let x = g.normal()
            s += x; s2 += x * x
            u += g.uniform()
        }
        // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032, uniform mean 0.00065: 5σ bounds.
        #expect(abs(s / Double(n)) < 0.011)
        #expect(abs(s2 / Double(n) - 1) < 0.016)
        #expect(abs(u / Double(n) - 0.5) < 0.0033)
    }

    @Test func shuffleIsAPermutationAndIndexIsInRange() {
        var g = SeededGenerator(seed: 9)
        let p = g.permutation(1000)
        #expect(Set(p) == Set(0..<1000))
        #expect(p != Array(0..<1000))
        for _ in 0..<1000 { #expect((0..<7).contains(g.index(below: 7))) }
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-atomic-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(url.lastPathComponent)") }
        #expect(leftovers.isEmpty)
    }

    @Test func csvFieldsWithCommasAndQuotes() {
        #expect(splitCSVLine("a,\"b, c\",\"d \"\"e\"\"\",") == ["a", "b, c", "d \"e\"", ""])
        #expect(splitCSVLine("\"open") == nil)
        #expect(TextTable.csvField("x,y") == "\"x,y\"")
    }
}

@Suite struct NPZTests {
    @Test func crcAndHeadersFollowTheirSpecifications() {
        // The CRC-32 check value of "123456789" (ISO 3309 / ITU-T V.42).
        #expect(NPZArchive.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        // .npy 1.0: magic, version, header padded so that the data start at a multiple of 64.
        let npy = NPZArchive.npy(descr: "<f8", shape: [2, 3], data: Data(count: 48))
        #expect(Array(npy.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(npy[8]) | Int(npy[9]) << 8
        #expect((10 + headerLength) % 64 == 0 && npy.count == 10 + headerLength + 48)
        let header = String(decoding: npy[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") && header.hasSuffix("\n"))
        // The archive: two members, the end record naming them.
        var archive = NPZArchive()
        archive.add("a", float64: [1, 2], shape: [2])
        archive.add("unit", string: "nb/sr/GeV")
        let zip = archive.data()
        #expect(Array(zip.prefix(4)) == [0x50, 0x4B, 0x03, 0x04] && Array(zip.suffix(22).prefix(4)) == [0x50, 0x4B, 0x05, 0x06])
        #expect(zip.suffix(22)[zip.count - 22 + 10] == 2)
    }
}
