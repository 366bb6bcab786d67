import Foundation
import XSCore

/// d²σ/dT_μ dcosθ_μ of a charged-current model on a grid of E_ν × cos θ_μ × T_μ for event
/// generators, with the spread over the electron model's members: the electron tables' layout
/// (`CrossSectionTable`: C-order arrays, NaN where a muon of that T_μ cannot be made, counted).
public struct NeutrinoTable: Sendable {
    public var energies: [Double]
    public var cosThetas: [Double]
    public var muonEnergies: [Double]
    /// cm²/GeV per nucleus, [E][cos θ][T] (C order); NaN where T_μ + m_μ ≥ E_ν.
    public var mean: [Double]
    public var standardDeviation: [Double]
    public var skippedUnphysical = 0
    public let probe: LeptonProbe

    public var shape: [Int] { [energies.count, cosThetas.count, muonEnergies.count] }

    public init(model: ChargedCurrentModel, energies: [Double], cosThetas: [Double], muonEnergies: [Double]) {
        self.energies = energies
        self.cosThetas = cosThetas
        self.muonEnergies = muonEnergies
        probe = model.probe
        let nc = cosThetas.count, nt = muonEnergies.count
        let rows = parallelMap(energies.count) { i -> [(Double, Double)] in
            var row = [(Double, Double)](repeating: (.nan, .nan), count: nc * nt)
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let members = model.muonDistribution(energy: energies[i], muonKineticEnergy: T, cosTheta: c)
                    guard !members.isEmpty else { continue }
                    row[j * nt + k] = (members.reduce(0, +) / Double(members.count), sampleStandardDeviation(members))
                }
            }
            return row
        }
        mean = rows.flatMap { $0.map(\.0) }
        standardDeviation = rows.flatMap { $0.map(\.1) }
        skippedUnphysical = mean.filter(\.isNaN).count
    }

    /// One row per physical point: E_nu_GeV, cos_theta_mu, T_mu_GeV, the mean and spread (cm²/GeV per nucleus).
    public func csv() -> String {
        var out = "E_nu_GeV,cos_theta_mu,T_mu_GeV,d2sigma_dTdcos_cm2_per_GeV,d2sigma_dTdcos_std\n"
        for (i, E) in energies.enumerated() {
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let index = (i * cosThetas.count + j) * muonEnergies.count + k
                    guard !mean[index].isNaN else { continue }
                    out += "\(E),\(c),\(T),\(mean[index]),\(standardDeviation[index])\n"
                }
            }
        }
        return out
    }

    /// The grid as NumPy arrays with the units and provenance as strings.
    public func npz(nucleus: String, model: String, axialMass: Double) -> Data {
        var archive = NPZArchive()
        archive.add("E_nu_GeV", float64: energies, shape: [energies.count])
        archive.add("cos_theta_mu", float64: cosThetas, shape: [cosThetas.count])
        archive.add("T_mu_GeV", float64: muonEnergies, shape: [muonEnergies.count])
        archive.add("sigma", float64: mean, shape: shape)
        archive.add("sigma_std", float64: standardDeviation, shape: shape)
        archive.add(
            "sigma_unit",
            string: "cm2/GeV (d2sigma/dT_mu dcos_theta_mu per nucleus, \(probe.rawValue) charged current; NaN where T_mu + m_mu >= E_nu)")
        archive.add("nucleus", string: nucleus)
        archive.add("model", string: model)
        archive.add("axial_mass_GeV", string: "\(axialMass)")
        archive.add("axes", string: "sigma[E_nu_GeV, cos_theta_mu, T_mu_GeV]")
        return archive.data()
    }
}
