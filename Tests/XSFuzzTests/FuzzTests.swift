import Foundation
import Testing
import XSCore
import XSFuzz

/// The fuzz targets, bounded: every seed and regression file replayed, then seeded structure-aware
/// mutations of them (`make fuzz` runs the same targets under libFuzzer for as long as asked).
/// A violated property stops the test process, so a finding fails the suite.
@Suite struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The seed corpus and the regression files of a target (each crash found becomes one).
    static func files(_ target: FuzzTarget) throws -> [[UInt8]] {
        try ["Corpus", "Regressions"].flatMap { kind -> [[UInt8]] in
            let folder = root.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
            return try names.sorted().map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
        }
    }

    /// Replays the files, then runs `count` mutants, each a mutation of a seed or of an earlier
    /// mutant that was accepted (so that mutations go on past the validation, as coverage
    /// guidance would take them).
    static func fuzz(_ target: FuzzTarget, count: Int, maxSize: Int) throws -> FuzzTarget.Tally {
        let seeds = try files(target)
        #expect(!seeds.isEmpty, "no seed corpus for \(target.rawValue): run scripts/fuzz-corpus.sh")
        var tally = FuzzTarget.Tally()
        for s in seeds { target.run(s, tally: &tally) }
        var rng = SeededGenerator(seed: 2026)
        var bytes = ByteMutator(seed: 7)
        var pool = seeds
        for _ in 0..<count {
            let parent = pool[Int(rng.next() % UInt64(pool.count))]
            let child = target.mutate(parent, maxSize: maxSize, rng: &rng) { bytes.mutate(&$0, maxSize: $1) }
            let accepted = tally.accepted
            target.run(child, tally: &tally)
            guard tally.accepted > accepted else { continue }
            if pool.count < 64 { pool.append(child) } else { pool[Int(rng.next() % 64)] = child }
        }
        return tally
    }

    @Test(arguments: [(FuzzTarget.modelFile, 5000), (.checkpoint, 1000), (.csv, 5000), (.onnx, 5000)])
    func mutantsAreRefusedOrPredictFinitely(target: FuzzTarget, count: Int) throws {
        let tally = try Self.fuzz(target, count: count, maxSize: 1 << 16)
        print("\(target.rawValue): \(tally)")
        // The mutations reach both sides of the validation: some inputs are refused, and the seeds
        // (at least) are accepted and predicted.
        #expect(tally.refused > 0 && tally.accepted > 0, "\(tally)")
    }
}
