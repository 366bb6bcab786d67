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
