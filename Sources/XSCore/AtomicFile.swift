import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be written, naming it.
public struct FileWriteError: Error, CustomStringConvertible, LocalizedError {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
    public var errorDescription: String? { description }
}

/// Writes files atomically and durably: the bytes go to a temporary file in the same folder,
/// which is flushed to disk (fsync), renamed over the target, and the folder flushed too, so a
/// reader never sees half a file, a crash or power loss leaves the old file or the new one, and
/// a failure changes nothing. The target must be a regular file or absent (a device, a folder or
/// a pipe is refused, never replaced); a symbolic link is written through to the file it names.
/// Temporary files of killed writers (`.NAME.PID.RANDOM.tmp`, PID no longer running) are
/// removed at the next write to the same target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let target = try destination(url)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        removeStaleTemporaries(of: target)
        let temporary = folder.appendingPathComponent(
            ".\(target.lastPathComponent).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp")
        do {
            try writeAndSync(data, to: temporary.path)
            guard rename(temporary.path, target.path) == 0 else { throw FileWriteError(path: target.path, reason: String(cString: strerror(errno))) }
            syncFolder(folder.path)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// The file to replace: `url`, or the file a symbolic link at `url` names; refused when it
    /// exists and is not a regular file.
    public static func destination(_ url: URL, links: Int = 0) throws -> URL {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return url }  // absent: created
        if (info.st_mode & S_IFMT) == S_IFLNK {
            // The link's target, relative to the link's folder unless absolute (it may not exist yet).
            guard links < 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else {
                throw FileWriteError(path: url.path, reason: "a symbolic link that cannot be resolved")
            }
            let resolved = target.hasPrefix("/") ? URL(fileURLWithPath: target) : url.deletingLastPathComponent().appendingPathComponent(target)
            return try destination(resolved.standardizedFileURL, links: links + 1)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileWriteError(path: url.path, reason: "not a regular file (a device, folder, pipe or socket is never replaced)")
        }
        return url
    }

    static func writeAndSync(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw FileWriteError(path: path, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// Flushes the folder entry of a rename (best effort: some file systems refuse fsync on folders).
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Removes `.NAME.PID.RANDOM.tmp` files beside `target` whose writer (PID) no longer runs.
    static func removeStaleTemporaries(of target: URL) {
        let folder = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt64(parts[1]) != nil else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder.appendingPathComponent(name).path) }
        }
    }
}

/// An exclusive lock on an output path for the life of a run (`flock` on `.NAME.lock` beside
/// it), so that two runs cannot write one model or checkpoint. The lock goes with the process:
/// a killed run leaves no lock held. The lock file is removed on release; a run that opened it
/// just before that removal could lock the removed file while a later run creates a new one (a
/// narrow race of flock on a file that is deleted; a kept lock file would close it, at the cost of
/// a stray file beside every model).
public final class OutputLock {
    let path: String
    let fd: Int32

    /// Takes the lock or throws, naming the path and the process that holds it.
    public init(for url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent(".\(url.lastPathComponent).lock").path
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buffer, 31)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw FileWriteError(path: url.path, reason: "another xsnet run (pid \(holder)) is writing it; wait for it or choose another --out")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
    }

    deinit {
        unlink(path)
        close(fd)
    }
}
