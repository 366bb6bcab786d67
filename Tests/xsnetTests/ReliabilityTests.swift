import Foundation
import Testing
import XSCore
import XSFuzz
import XSTestSupport

/// Issue 18's reproducers: files whose checksum is right and whose content is wrong, extreme
/// flags, outputs that are not regular files, the C API misused. Each gets a one-line refusal
/// naming what is wrong, and nothing non-finite is printed with success.
@Suite struct ReliabilityTests {
    /// Models/C12.xsnet with its header JSON edited (and the checksum recomputed).
    static func edited(_ path: String, header edit: (inout [String: Any]) -> Void = { _ in }, payload: (inout [UInt8]) -> Void = { _ in }) throws
        -> [UInt8]
    {
        let bytes = [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent(path)))
        var (header, data) = Mutations.modelFileParts(bytes)!
        var json = try JSONSerialization.jsonObject(with: Data(header)) as! [String: Any]
        edit(&json)
        header = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
        payload(&data)
        return Mutations.modelFile(header: header, payload: data)
    }

    /// Edits a value at a path of dictionary keys and array indices.
    static func set(_ json: inout [String: Any], _ path: [Any], _ value: Any?) {
        func apply(_ node: Any, _ rest: ArraySlice<Any>) -> Any? {
            guard let key = rest.first else { return value }
            if var object = node as? [String: Any], let k = key as? String {
                object[k] = apply(object[k] as Any, rest.dropFirst())
                return object
            }
            if var array = node as? [Any], let i = key as? Int {
                if let v = apply(array[i], rest.dropFirst()) { array[i] = v } else { array.remove(at: i) }
                return array
            }
            return node
        }
        json = apply(json, path[...]) as! [String: Any]
    }

    static func get(_ json: [String: Any], _ path: [Any]) -> Any {
        path.reduce(json as Any) { node, key in
            if let k = key as? String { return (node as! [String: Any])[k]! }
            return (node as! [Any])[key as! Int]
        }
    }

    @Test func modelFilesWithARecomputedChecksumAreRefusedNamingTheField() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let weight: [Any] = ["members", 0, "tensors", 0]
        let block: [Any] = ["members", 0, "architecture", "blocks", 0]
        // (what is edited, the text the refusal must name)
        var cases: [(String, [UInt8])] = []
        func header(_ name: String, _ path: [Any], _ value: Any?, _ expected: String) throws {
            cases.append((expected, try Self.edited("Models/C12.xsnet", header: { Self.set(&$0, path, value) })))
            _ = name
        }
        try header("offset near Int.max", weight + ["offset"], Int.max - 3, "m0/block0.dense.weight")
        try header("negative count", weight + ["count"], -1, "m0/block0.dense.weight")
        try header("huge width", block + ["width"], 1 << 62, "blocks[0].width")
        try header("negative width", block + ["width"], -5, "blocks[0].width")
        try header("huge inputFeatures", ["members", 0, "architecture", "inputFeatures"], 1 << 40, "inputFeatures")
        try header("negative outputFeatures", ["members", 0, "architecture", "outputFeatures"], -1, "outputFeatures")
        try header("dropout 2", block + ["dropout"], 2.0, "blocks[0].dropout")
        try header("f16 dtype", weight + ["dtype"], "f16", "belong to no tensor")
        try header("input.scale empty", ["metadata", "input", "scale"], [Double](), "input.scale")
        try header("input.scale zero", ["metadata", "input", "scale", 0], 0.0, "input.scale[0]")
        try header("MC samples 0", ["metadata", "monteCarloSamples"], 0, "monteCarloSamples")
        try header("MC samples -5", ["metadata", "monteCarloSamples"], -5, "monteCarloSamples")
        try header("MC samples 1e9", ["metadata", "monteCarloSamples"], 1_000_000_000, "monteCarloSamples")
        try header("λ negative", ["metadata", "normalizations", 0, "lambda"], -1.0, "lambda")
        try header("batch size 0", ["metadata", "config", "batchSize"], 0, "config.batchSize")
        // input.mean one value short (the over-read of the issue).
        cases.append(
            (
                "input.mean",
                try Self.edited(
                    "Models/C12.xsnet",
                    header: { json in
                        let mean = Self.get(json, ["metadata", "input", "mean"]) as! [Any]
                        Self.set(&json, ["metadata", "input", "mean"], Array(mean.dropLast()))
                    })
            ))
        // A nucleus's box under a name that is no nucleus.
        cases.append(
            (
                "nucleusDomains",
                try Self.edited(
                    "Models/C12.xsnet",
                    header: { json in Self.set(&json, ["metadata", "nucleusDomains"], ["Xx99": Self.get(json, ["metadata", "domain"])]) })
            ))
        // Two tensors at one offset.
        cases.append(
            (
                "inside the tensor before it",
                try Self.edited(
                    "Models/C12.xsnet",
                    header: { json in
                        let first = Self.get(json, weight + ["offset"])
                        Self.set(&json, ["members", 0, "tensors", 1, "offset"], first)
                    })
            ))
        // +inf weight, trailing bytes.
        cases.append(("holds inf", try Self.edited("Models/C12.xsnet", payload: { $0.replaceSubrange(8..<12, with: [0, 0, 0x80, 0x7F]) })))
        cases.append(("bytes after the last tensor", try Self.edited("Models/C12.xsnet", payload: { $0 += [0, 0, 0, 0] })))
        for (i, (expected, bytes)) in cases.enumerated() {
            let file = folder.appendingPathComponent("edited-\(i).xsnet")
            try Data(bytes).write(to: file)
            let r = try xsnet(["predict", "--model", file.path, "--energy", "0.56", "--angle", "36", "--omega", "0.2"])
            let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(r.status == 1 && !message.contains("\n") && message.contains(expected), "case \(i) (\(expected)): \(r.status) \(message)")
            #expect(!r.stdout.lowercased().contains("nan") && !r.stdout.contains("inf"))
        }
    }

    @Test func checkpointsWithARecomputedChecksumAreRefusedNamingTheField() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let seed = "Tests/Fuzz/Corpus/checkpoint/stopped.checkpoint"
        let cases: [(String, [Any], Any)] = [
            ("optimizer", ["extra", 0, "count"], -1), ("optimizer", ["extra", 0, "offset"], Int.max),
            ("config.evaluateEvery", ["metadata", "info", "config", "evaluateEvery"], 0),
            ("config.batchSize", ["metadata", "info", "config", "batchSize"], 0), ("epoch", ["metadata", "epoch"], -3)
        ]
        for (i, (expected, path, value)) in cases.enumerated() {
            let file = folder.appendingPathComponent("run-\(i).xsnet.checkpoint")
            try Data(try Self.edited(seed, header: { Self.set(&$0, path, value) })).write(to: file)
            let r = try xsnet(["train", "--resume", "--out", folder.appendingPathComponent("run-\(i).xsnet").path, "--quiet"])
            let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(r.status == 1 && !message.contains("\n") && message.contains(expected), "case \(i) (\(expected)): \(r.status) \(message)")
        }
        // The unedited seed resumes (the refusals above are the edits').
        let file = folder.appendingPathComponent("good.xsnet.checkpoint")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(seed), to: file)
        let r = try xsnet(["train", "--resume", "--epochs", "1", "--out", folder.appendingPathComponent("good.xsnet").path, "--quiet"])
        #expect(r.status == 0 || r.stderr.contains("epochs"), "\(r.stderr)")
    }

    /// Every shipped model tabulates a generator's grid (E to 14.6 GeV, θ 5–165°, ω to 14 GeV) for
    /// its nucleus, and a model of every nucleus for argon and lead, without refusing a point: far
    /// from the data a prediction is flagged, never infinite. The shipped model of every nucleus,
    /// its correction to the fit unbounded, gave 5 × 10¹⁶⁰ nb/sr/GeV for argon at 4.6 GeV, 145°,
    /// ω = 0.01 GeV and refused 73 of 343 points of a coarse grid (`xsnet tabulate --model
    /// Models/any-target.xsnet --nucleus Ar40 --energy 0.1:14.6:0.5 --angle 5:175:10 --omega 0.01:14:0.1`).
    @Test func everyShippedModelTabulatesAGeneratorsGridWithoutRefusingAPoint() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Models").path)
            .filter { $0.hasSuffix(".xsnet") }.sorted()
        #expect(models.count >= 11, "\(models)")
        for file in models {
            let nuclei = file.hasPrefix("any-target") ? ["Ar40", "Pb208"] : [String(file.prefix { $0 != "-" && $0 != "." })]
            for nucleus in nuclei {
                let out = folder.appendingPathComponent("\(file)-\(nucleus).csv").path
                let run = try xsnet([
                    "tabulate", "--model", repositoryRoot.appendingPathComponent("Models/\(file)").path, "--nucleus", nucleus, "--energy",
                    "0.2:14.6:1.6", "--angle", "5:165:20", "--omega", "0.01:14:0.35", "--out", out
                ])
                #expect(
                    run.status == 0 && run.stdout.contains("wrote"),
                    "\(file) \(nucleus): \(run.stderr.split(separator: "\n").filter { $0.hasPrefix("Error") })")
            }
        }
    }

    @Test func extremeFlagsAreRefusedAndNothingNonFiniteIsPrinted() throws {
        let model = repositoryRoot.appendingPathComponent("Models/C12.xsnet").path
        let mc = repositoryRoot.appendingPathComponent("Models/C12-mcdropout.xsnet").path
        let base = ["predict", "--model", model]
        for (arguments, status) in [
            (base + ["--energy", "1e308", "--angle", "30", "--omega", "0.1"], Int32(1)),
            (base + ["--energy", "1", "--angle=1e-320", "--omega", "0.1"], 1),
            (base + ["--energy", "0.5,", "--angle", "30", "--omega", "0.1"], 64),
            (base + ["--energy", "nan", "--angle", "30", "--omega", "0.1"], 1),
            (base + ["--energy", "0.5:4:0.0001", "--angle", "1:179:0.01", "--omega", "0.1:0.2:0.01"], 64),
            (["predict", "--model", mc, "--mc-samples", "1000000000", "--energy", "1", "--angle", "30", "--omega", "0.1"], 64)
        ] {
            let r = try xsnet(arguments)
            #expect(r.status == status, "\(arguments): \(r.stderr)")
            #expect(!r.stdout.lowercased().contains("nan"), "\(arguments)")
        }
        // The grid's refusal gives the count.
        let grid = try xsnet(base + ["--energy", "0.5:4:0.0001", "--angle", "1:179:0.01", "--omega", "0.1:0.2:0.01"])
        #expect(grid.stderr.contains("points; at most 2000000"), "\(grid.stderr)")
        // A 100,000-character field is quoted in a short line (one argument may not exceed 128 KiB).
        let long = try xsnet(["train", "--nucleus", String(repeating: "X", count: 100_000), "--out", "/tmp/xsnet-never-written.xsnet"])
        #expect(long.status != 0 && long.stderr.count < 2000, "\(long.stderr.count) characters")
    }

    @Test func outputsAreRegularFilesWrittenThroughLinksOnceAtATime() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A device is refused, not replaced.
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: URL(fileURLWithPath: "/dev/null")) }
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        // A folder is refused.
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: folder) }
        // A symbolic link (to a file that does not exist yet) is written through; the link stays.
        let target = folder.appendingPathComponent("real/model.txt"), link = folder.appendingPathComponent("link.txt")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/model.txt")
        try AtomicFile.write("through", to: link)
        #expect(try String(contentsOf: target, encoding: .utf8) == "through")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real/model.txt")
        // A killed writer's temporary file (its PID no longer runs) is removed at the next write;
        // a running writer's is kept.
        let stale = folder.appendingPathComponent(".out.txt.999999999.42.tmp"), live = folder.appendingPathComponent(".out.txt.\(getpid()).43.tmp")
        try Data().write(to: stale)
        try Data().write(to: live)
        try AtomicFile.write("new", to: folder.appendingPathComponent("out.txt"))
        #expect(!FileManager.default.fileExists(atPath: stale.path) && FileManager.default.fileExists(atPath: live.path))
        // `train --out /dev/full` (as root it replaced the device node) is refused before training.
        let full = try xsnet(["train", "--nucleus", "C12", "--datasets", "Whitney:1974hr", "--depth", "1", "--width", "4", "--out", "/dev/full"])
        #expect(full.status == 1 && full.stderr.contains("not a regular file") && !full.stderr.contains("epoch"), "\(full.stderr)")
        #expect(lstat("/dev/full", &info) != 0 || (info.st_mode & S_IFMT) == S_IFCHR)
        // Two runs cannot hold one output.
        let out = folder.appendingPathComponent("run.xsnet")
        let first = try OutputLock(for: out)
        #expect(throws: FileWriteError.self) { _ = try OutputLock(for: out) }
        withExtendedLifetime(first) {}
    }

    /// The C API through ctypes: the last error stays readable, a closed handle and n = SIZE_MAX
    /// are errors, an extreme point is refused, not returned as NaN with XSNET_OK.
    @Test(.enabled(if: toolExists("python3"), "skipped: python3 is needed to call the C library through ctypes"))
    func cAPIRefusesMisuse() throws {
        #expect(
            FileManager.default.fileExists(atPath: CAPITests.library.path), "build the C library first: swift build --product XSNetC (make test does)"
        )
        let script = """
            import ctypes, sys
            lib = ctypes.CDLL(sys.argv[1]); lib.xsnet_last_error.restype = ctypes.c_void_p
            h = ctypes.c_void_p(); D = ctypes.c_double
            print("open", lib.xsnet_open(sys.argv[2].encode(), ctypes.byref(h)))
            m, s = D(), D()
            print("extreme", lib.xsnet_predict(h, D(1e308), D(30), D(0.1), ctypes.byref(m), ctypes.byref(s)))
            p1 = lib.xsnet_last_error(); p2 = lib.xsnet_last_error()
            print("stable", p1 == p2, ctypes.string_at(p1).decode()[:40])
            a = (D * 1)(1.0)
            lib.xsnet_predict_batch.argtypes = [ctypes.c_void_p, ctypes.c_size_t] + [ctypes.c_void_p] * 5
            print("sizemax", lib.xsnet_predict_batch(h, ctypes.c_size_t(2**64 - 1), a, a, a, a, None))
            print("message", ctypes.string_at(lib.xsnet_last_error()).decode())
            lib.xsnet_close(h); lib.xsnet_close(h)
            print("closed", lib.xsnet_predict(h, D(1), D(30), D(0.1), ctypes.byref(m), None), lib.xsnet_members(h))
            print("message", ctypes.string_at(lib.xsnet_last_error()).decode())
            """
        let r = try runTool("python3", ["-c", script, CAPITests.library.path, repositoryRoot.appendingPathComponent("Models/C12.xsnet").path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "\(r.stdout)")
        guard lines.count == 7 else { return }
        #expect(lines[0] == "open 0")
        #expect(lines[1] == "extreme 2")
        #expect(lines[2].hasPrefix("stable True xsnet_predict: unphysical"))
        #expect(lines[3] == "sizemax 3")
        #expect(lines[4].contains("18446744073709551615"))
        #expect(lines[5] == "closed 3 0")
        #expect(lines[6].contains("not an open model"))
    }
}
