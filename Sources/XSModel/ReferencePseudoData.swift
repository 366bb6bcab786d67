import Foundation
import XSCore
import XSData

/// Pseudo-data drawn from the Bosted–Mamyan fit: a prior on the cross section where nothing was
/// measured.
///
/// A network trained on the data alone is free wherever there are none, and on held-out
/// experiments it errs by more than the fit (docs/generalization.md). Points of the fit spread
/// over the kinematic region a user asks about, with a relative error τ much larger than the
/// data's, pull the network towards the fit only where no measurement says otherwise: near data the
/// data outweigh them (a measured point's log-space weight is 1/(Δσ/σ)², a pseudo-point's 1/τ²).
/// This is the Bayesian reading of an empirical fit as prior knowledge in data space, as a
/// Gaussian process regresses about a mean function.
///
/// The points are drawn, with the run's seed, uniformly in log E, θ and ω inside
/// `region`, and kept where the fit is defined and positive and (in training) no training point
/// lies within a distance in the network's standardized inputs
/// (`TrainingConfig.referencePseudoMinimumDistance`): among the data, the data alone speak. Each
/// bootstrap replica draws its own.
/// They are Born kinematics: a model trained with Coulomb distortion learns the Born cross
/// section, and the fit is one.
public struct ReferencePseudoData: Sendable {
    /// The kinematic region of the pseudo-points: the beam energies and angles of the archive's
    /// carbon data with some margin (0.16–5.8 GeV, 12–145°), and ω from the quasielastic tail
    /// (Bjorken x ≤ `maximumBjorkenX`) to the end of the resonance region (W² ≤ `maximumW2`).
    public struct Region: Sendable, Hashable {
        public var energy: ClosedRange<Double> = 0.1...6.0
        public var angleDegrees: ClosedRange<Double> = 10.0...150.0
        public var maximumW2 = 4.0
        public var maximumBjorkenX = 4.0

        public init() {}

        /// Whether a point lies where pseudo-data are drawn.
        public func contains(_ k: Kinematics) -> Bool {
            energy.contains(k.beamEnergy) && angleDegrees.contains(k.angleDegrees) && k.energyTransfer > 0
                && k.W2 <= maximumW2 && k.bjorkenX <= maximumBjorkenX
        }
    }

    /// The key of the pseudo-data's "data set": never scored as data; its λ is fitted at every
    /// evaluation (`Trainer.fitPseudoDataNormalization`) and not stored in the model.
    public static let datasetKey = "Bosted–Mamyan pseudo-data"

    public let points: [Kinematics]
    /// The fit's d²σ/dΩdω at each point (nb/sr/GeV).
    public let crossSections: [Double]

    /// `count` points for `nucleus`, drawn with `seed` in `region` where `accept` says yes
    /// (rejection sampling: at most 1,000 tries per point; where the fit is not defined no point is kept).
    public init(count: Int, nucleus: Nucleus, seed: UInt64, region: Region = Region(), accept: (Kinematics) -> Bool = { _ in true }) {
        var rng = SeededGenerator(seed: seed).derived(3)
        let fit = BostedMamyan()
        var points: [Kinematics] = [], values: [Double] = []
        let logLow = log(region.energy.lowerBound), logHigh = log(region.energy.upperBound)
        var tries = 0
        while points.count < count && tries < 1_000 * count {
            tries += 1
            let E = exp(logLow + (logHigh - logLow) * rng.uniform())
            let θ = region.angleDegrees.lowerBound + (region.angleDegrees.upperBound - region.angleDegrees.lowerBound) * rng.uniform()
            let ω = E * rng.uniform()
            guard Kinematics.unphysicalReason(beamEnergy: E, angleDegrees: θ, energyTransfer: ω) == nil else { continue }
            let k = Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω)
            guard region.contains(k), let σ = fit.crossSection(k, nucleus: nucleus), σ > 0, σ.isFinite, accept(k) else { continue }
            points.append(k)
            values.append(σ)
        }
        self.points = points
        self.crossSections = values
    }

    /// How many random Fourier features a smooth random shift sums.
    public static let randomFeatureCount = 64

    /// A smooth random function δ(x) at each row of `rows` (n inputs per row): a sample of a
    /// Gaussian process with variance `amplitude`² and a squared-exponential correlation of length
    /// `correlationLength`, by random Fourier features (Rahimi and Recht, NIPS 2007):
    /// δ(x) = amplitude √(2/m) Σ_j cos(w_j · x + b_j), w_j ~ N(0, 1/ℓ²), b_j ~ U(0, 2π).
    /// A bootstrap replica multiplies its pseudo-data by exp δ: the fit's own error, correlated
    /// over the kinematics, so that where only the fit speaks the members differ by about the
    /// amplitude and the band keeps the prior's width.
    public static func smoothRandomShift(rows: [Float], inputs n: Int, amplitude: Double, correlationLength: Double, seed: UInt64) -> [Double] {
        var rng = SeededGenerator(seed: seed).derived(4)
        let m = randomFeatureCount
        let w = (0..<(m * n)).map { _ in rng.normal() / correlationLength }
        let b = (0..<m).map { _ in 2 * Double.pi * rng.uniform() }
        let norm = amplitude * (2 / Double(m)).squareRoot()
        return (0..<(rows.count / max(n, 1))).map { i in
            var sum = 0.0
            for j in 0..<m {
                var phase = b[j]
                for k in 0..<n { phase += w[j * n + k] * Double(rows[i * n + k]) }
                sum += cos(phase)
            }
            return norm * sum
        }
    }
}
