import Foundation
import XSCore

/// d²σ/dT_μ dcosθ_μ of a charged-current model on a grid of E_ν × cos θ_μ × T_μ for event
/// generators, with the spread over the electron model's members: the electron tables' layout
/// (`CrossSectionTable`: C-order arrays, NaN where a muon of that T_μ cannot be made, counted).
/// Named systematic variations of the model (M_A, the quasielastic window) may be tabulated
/// beside it, each as the members' mean, so that a generator can reweight by them.
public struct NeutrinoTable: Sendable {
    /// A variation of the model: its name (an array `sigma_<name>`) and what it changes.
    public struct Variation: Sendable {
        public var name: String
        public var description: String
        public var model: ChargedCurrentModel
    }

    public var energies: [Double]
    public var cosThetas: [Double]
    public var muonEnergies: [Double]
    /// cm²/GeV per nucleus, [E][cos θ][T] (C order); NaN where T_μ + m_μ ≥ E_ν.
    public var mean: [Double]
    public var standardDeviation: [Double]
    /// Each variation's members' mean, in the layout of `mean`, with its name and description.
    public var variations: [(name: String, description: String, mean: [Double])] = []
    public var skippedUnphysical = 0
    public let probe: LeptonProbe

    public var shape: [Int] { [energies.count, cosThetas.count, muonEnergies.count] }

    public init(model: ChargedCurrentModel, energies: [Double], cosThetas: [Double], muonEnergies: [Double], variations: [Variation] = []) {
        self.energies = energies
        self.cosThetas = cosThetas
        self.muonEnergies = muonEnergies
        probe = model.probe
        let nc = cosThetas.count, nt = muonEnergies.count, nv = variations.count
        // Per point: the mean, the spread, then each variation's mean.
        let rows = parallelMap(energies.count) { i -> [Double] in
            var row = [Double](repeating: .nan, count: nc * nt * (2 + nv))
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let members = model.muonDistribution(energy: energies[i], muonKineticEnergy: T, cosTheta: c)
                    guard !members.isEmpty else { continue }
                    let at = (j * nt + k) * (2 + nv)
                    row[at] = members.reduce(0, +) / Double(members.count)
                    row[at + 1] = sampleStandardDeviation(members)
                    for (v, variation) in variations.enumerated() {
                        let values = variation.model.muonDistribution(energy: energies[i], muonKineticEnergy: T, cosTheta: c)
                        row[at + 2 + v] = values.reduce(0, +) / Double(values.count)
                    }
                }
            }
            return row
        }
        func column(_ offset: Int) -> [Double] { rows.flatMap { row in stride(from: offset, to: row.count, by: 2 + nv).map { row[$0] } } }
        mean = column(0)
        standardDeviation = column(1)
        self.variations = variations.enumerated().map { v, variation in (variation.name, variation.description, column(2 + v)) }
        skippedUnphysical = mean.filter(\.isNaN).count
    }

    /// One row per physical point: E_nu_GeV, cos_theta_mu, T_mu_GeV, the mean and spread (cm²/GeV per
    /// nucleus), then a column d2sigma_dTdcos_<name> per variation.
    public func csv() -> String {
        var out = "E_nu_GeV,cos_theta_mu,T_mu_GeV,d2sigma_dTdcos_cm2_per_GeV,d2sigma_dTdcos_std"
        out += variations.map { ",d2sigma_dTdcos_\($0.name)" }.joined() + "\n"
        for (i, E) in energies.enumerated() {
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let index = (i * cosThetas.count + j) * muonEnergies.count + k
                    guard !mean[index].isNaN else { continue }
                    out += "\(E),\(c),\(T),\(mean[index]),\(standardDeviation[index])"
                    out += variations.map { ",\($0.mean[index])" }.joined() + "\n"
                }
            }
        }
        return out
    }

    /// The grid as NumPy arrays with the units and provenance as strings.
    public func npz(nucleus: String, model: String, axialMass: Double, quasielasticWindow: Double?) -> Data {
        var archive = NPZArchive()
        archive.add("E_nu_GeV", float64: energies, shape: [energies.count])
        archive.add("cos_theta_mu", float64: cosThetas, shape: [cosThetas.count])
        archive.add("T_mu_GeV", float64: muonEnergies, shape: [muonEnergies.count])
        archive.add("sigma", float64: mean, shape: shape)
        archive.add("sigma_std", float64: standardDeviation, shape: shape)
        for v in variations { archive.add("sigma_\(v.name)", float64: v.mean, shape: shape) }
        if !variations.isEmpty {
            archive.add("variations", string: variations.map { "sigma_\($0.name): \($0.description)" }.joined(separator: "; "))
        }
        archive.add("quasielastic_window_psi_prime", string: quasielasticWindow.map { "\($0)" } ?? "none (the Fermi gas)")
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
