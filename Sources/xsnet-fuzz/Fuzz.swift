// xsnet-fuzz: the fuzz targets of `XSFuzz` as one program.
//
// Built by `make fuzz` with libFuzzer (-sanitize=fuzzer, -parse-as-library, -D XSNET_LIBFUZZER):
// libFuzzer's main runs the target named by XSNET_FUZZ_TARGET on its corpus, with the
// structure-aware mutator as its custom mutator. Built plainly (swift build), it replays files
// through a target: `xsnet-fuzz model-file crash-1234…` reproduces a finding.
import Foundation
import XSCore
import XSFuzz

#if XSNET_LIBFUZZER
    nonisolated(unsafe) var target = FuzzTarget.modelFile
    nonisolated(unsafe) var tally = FuzzTarget.Tally()

    /// libFuzzer's own byte mutator (declared here: libFuzzer exports it with C linkage).
    @_silgen_name("LLVMFuzzerMutate")
    func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

    /// libFuzzer's driver, for programs whose main is their own.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point under this name: here it hands over to libFuzzer.
    @_cdecl("xsnet_fuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return withUnsafeMutablePointer(to: &arguments) { pointer in
            LLVMFuzzerRunDriver(
                &count, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self)
            ) {
                fuzzerTestOneInput($0, $1)
            }
        }
    }

    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzerInitialize(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    )
        -> CInt
    {
        let name = ProcessInfo.processInfo.environment["XSNET_FUZZ_TARGET"] ?? ""
        guard let chosen = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("set XSNET_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        target = chosen
        target.prepare()
        atexit { FileHandle.standardError.write(Data("xsnet-fuzz \(target.rawValue): \(tally)\n".utf8)) }
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        target.run(Array(UnsafeBufferPointer(start: data, count: size)), tally: &tally)
        return 0
    }

    @_cdecl("LLVMFuzzerCustomMutator")
    public func fuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt) -> Int {
        var rng = SeededGenerator(seed: UInt64(seed))
        let out = target.mutate(Array(UnsafeBufferPointer(start: data, count: size)), maxSize: maxSize, rng: &rng) { bytes, limit in
            let used = bytes.count
            bytes += [UInt8](repeating: 0, count: max(limit - used, 0))
            let n = bytes.withUnsafeMutableBufferPointer { LLVMFuzzerMutate($0.baseAddress!, used, $0.count) }
            bytes.removeLast(bytes.count - n)
        }
        let n = min(out.count, maxSize)
        out.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: n) }
        return n
    }
#else
    /// Without libFuzzer: replays files through a target (regression files, a finding to debug).
    @main struct Replay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
                print(
                    "usage: xsnet-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...  (replays files through a fuzz target)")
                exit(2)
            }
            var tally = FuzzTarget.Tally()
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot read")
                    exit(1)
                }
                target.run([UInt8](data), tally: &tally)
            }
            print("\(target.rawValue): \(tally)")
        }
    }
#endif
