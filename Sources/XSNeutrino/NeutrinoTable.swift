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
    /// 1 where the electron responses are read at a (|q|, ω) outside the electron model's training
    /// data (`flagExtrapolation`), else 0 (also where no muon can be made); nil for the Fermi gas.
    public var extrapolation: [UInt8]? = nil
    public let probe: LeptonProbe
    /// The factor the electron model's members were widened by (`ReducedFunctionGrid.spreadFactor`).
    public let bandFactor: Double

    public var shape: [Int] { [energies.count, cosThetas.count, muonEnergies.count] }

    public init(model: ChargedCurrentModel, energies: [Double], cosThetas: [Double], muonEnergies: [Double], variations: [Variation] = []) {
        self.energies = energies
        self.cosThetas = cosThetas
        self.muonEnergies = muonEnergies
        probe = model.probe
        bandFactor = model.reduced.spreadFactor
        // Point (i · cos θ count + j) · T count + k is (E_i, T_k, cos θ_j): C order.
        let nc = cosThetas.count, nt = muonEnergies.count
        let point: @Sendable (Int) -> (energy: Double, muonKineticEnergy: Double, cosTheta: Double) = { [energies, cosThetas, muonEnergies] n in
            (energies[n / (nc * nt)], muonEnergies[n % nt], cosThetas[n / nt % nc])
        }
        let count = energies.count * nc * nt
        (mean, standardDeviation) = model.muonDistributions(count: count, at: point)
        self.variations = variations.map { ($0.name, $0.description, $0.model.muonDistributions(count: count, at: point).mean) }
        skippedUnphysical = mean.filter(\.isNaN).count
    }

    /// Flags each physical point whose (|q|, ω) `isOutside` says the electron data do not reach
    /// (`ModelInfo.isResponseExtrapolation` of the electron model); returns how many.
    @discardableResult
    public mutating func flagExtrapolation(
        model: ChargedCurrentModel, _ isOutside: (_ momentumTransfer: Double, _ energyTransfer: Double) -> Bool
    ) -> Int {
        var flags = [UInt8](repeating: 0, count: mean.count)
        for (i, E) in energies.enumerated() {
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let index = (i * cosThetas.count + j) * muonEnergies.count + k
                    guard !mean[index].isNaN, let point = model.kinematics(energy: E, kineticEnergy: T, cosTheta: c) else { continue }
                    flags[index] = isOutside(point.momentumTransfer, point.energyTransfer) ? 1 : 0
                }
            }
        }
        extrapolation = flags
        return flags.reduce(0) { $0 + Int($1) }
    }

    /// One row per physical point: E_nu_GeV, cos_theta_mu, T_mu_GeV, the mean and spread (cm²/GeV per
    /// nucleus), then a column d2sigma_dTdcos_<name> per variation, and `extrapolation` when flagged.
    public func csv() -> String {
        var out = "E_nu_GeV,cos_theta_mu,T_mu_GeV,d2sigma_dTdcos_cm2_per_GeV,d2sigma_dTdcos_std"
        out += variations.map { ",d2sigma_dTdcos_\($0.name)" }.joined() + (extrapolation == nil ? "" : ",extrapolation") + "\n"
        for (i, E) in energies.enumerated() {
            for (j, c) in cosThetas.enumerated() {
                for (k, T) in muonEnergies.enumerated() {
                    let index = (i * cosThetas.count + j) * muonEnergies.count + k
                    guard !mean[index].isNaN else { continue }
                    out += "\(E),\(c),\(T),\(mean[index]),\(standardDeviation[index])"
                    out += variations.map { ",\($0.mean[index])" }.joined() + (extrapolation.map { ",\($0[index] == 1)" } ?? "") + "\n"
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
        archive.add(
            "sigma_std_band_factor",
            string:
                "\(bandFactor) (the electron model's members moved away from their mean by its calibration factor away from the measured settings; 1: their own spread)"
        )
        for v in variations { archive.add("sigma_\(v.name)", float64: v.mean, shape: shape) }
        if let extrapolation { archive.add("extrapolation", uint8: extrapolation, shape: shape) }
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
