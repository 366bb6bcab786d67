// swift-tools-version:6.0
// xsnet: learning lepton–nucleus cross sections from data with deep networks.
import PackageDescription

/// Release builds of the numeric modules drop bounds checks in the hot loops; debug builds keep them.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "xsnet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xsnet", targets: ["xsnet"]),
        
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // OpenBLAS through pkg-config (Debian: libopenblas-dev).
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // Shared foundations: seeded randomness, atomic files, text tables.
        .target(name: "XSCore"),
        // The curated data set, bundled as resources (written by `xsnet data import`).
        .target(
            name: "XSDataResources", path: "Data", exclude: ["import-report.txt"],
            sources: ["BundledData.swift"],
            resources: [.copy("points.csv"), .copy("datasets.csv")]),
        // Archive import, curated data, kinematics, splits.
        .target(name: "XSData", dependencies: ["XSCore", "XSDataResources"]),
        // The neural-network engine: matrices, BLAS, layers, optimizers, model files.
        .target(name: "XSNN", dependencies: ["XSCore", "COpenBLAS"], swiftSettings: fastMath),
        // The cross-section model: χ² with λ_k, training, evaluation, prediction.
        .target(name: "XSModel", dependencies: ["XSCore", "XSData", "XSNN"], swiftSettings: fastMath),
        // Figures as standalone SVG: axes, ticks, bands, error bars, legends; no dependencies.
        .target(name: "XSPlot"),
        // The command line.
        .executableTarget(
            name: "xsnet",
            dependencies: ["XSModel", "XSPlot", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "XSCoreTests", dependencies: ["XSCore"]),
        .testTarget(name: "XSDataTests", dependencies: ["XSData"]),
        .testTarget(name: "XSNNTests", dependencies: ["XSNN"]),
        .testTarget(name: "XSModelTests", dependencies: ["XSModel"]),
        .testTarget(name: "XSPlotTests", dependencies: ["XSPlot"]),
        // Runs the built binary and checks its output and exit codes.
        .testTarget(name: "xsnetTests", dependencies: ["xsnet", "XSModel"]),
    ]
)
