import Foundation

/// The curated data set shipped with xsnet, written by `xsnet data import` into this folder and
/// bundled as package resources so the built binary finds it from any working directory.
public enum BundledData {
    public static var pointsURL: URL? { Bundle.module.url(forResource: "points", withExtension: "csv") }
    public static var datasetsURL: URL? { Bundle.module.url(forResource: "datasets", withExtension: "csv") }
    /// A bundled file by name (e.g. the MiniBooNE tables, written by `xsnet neutrino import`).
    public static func url(_ file: String) -> URL? { Bundle.module.url(forResource: file, withExtension: nil) }
}
