import XSData

/// Small helpers to build test points.
enum XSDataNucleus { static let carbon = Nucleus(Z: 6, A: 12) }

enum XSDataPoint {
    static func make(nucleus: Nucleus, sigma: Double, error: Double, dataset: String, E: Double = 1, theta: Double = 30, omega: Double = 0.2)
        -> ScatteringPoint
    {
        ScatteringPoint(
            nucleus: nucleus, beamEnergy: E, angleDegrees: theta, energyTransfer: omega, crossSection: sigma, crossSectionError: error,
            dataset: dataset)
    }
}
