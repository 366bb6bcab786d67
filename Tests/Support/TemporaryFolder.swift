import Foundation

/// A new empty folder under the system's temporary folder; the caller removes it.
public func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A path under the system's temporary folder that does not exist yet; the caller removes it.
public func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-\(UUID().uuidString)-\(name)")
}

/// The repository's root folder (the tests read the shipped models and curated data from it).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A folder for fixtures that several tests of one process share (a tiny model trained once),
/// removed when the process exits: a suite has no teardown for what its static members create.
public func sharedFixtureFolder() -> URL { SharedFixtures.folder }

private enum SharedFixtures {
    /// One per process, so that parallel test runs do not share it.
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xsnet-fixtures-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: SharedFixtures.folder) }
        return url
    }()
}
