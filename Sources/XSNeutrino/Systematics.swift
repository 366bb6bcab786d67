import Foundation

/// The named variations xsnet reports beside a neutrino prediction, each an assumption the
/// electron data do not fix: the axial mass moved by ± `axialMassStep` and the quasielastic window
/// of the learned reduced functions by ± `windowStep` (`xsnet neutrino compare` reports what they
/// change, `xsnet neutrino tabulate --systematics` tabulates them for reweighting).
public enum NeutrinoSystematics {
    public static let axialMassStep = 0.1
    public static let windowStep = 0.5

    /// The windows either side of `window`, within `ReducedFunctionGrid.allowedQuasielasticWindows`.
    public static func windows(around window: Double) -> (narrow: Double, wide: Double) {
        let allowed = ReducedFunctionGrid.allowedQuasielasticWindows
        return (max(window - windowStep, allowed.lowerBound), min(window + windowStep, allowed.upperBound))
    }

    /// The variations of a model, each the members' mean (σ is linear in the reduced functions):
    /// M_A ∓ `axialMassStep`, and for learned reduced functions the window ∓ `windowStep`. `central`
    /// holds the reduced functions the prediction uses, with its window `window` (nil for the Fermi
    /// gas); `wide` the same tabulated to at least `windows(around: window).wide` (the narrower grids
    /// are it masked).
    public static func variations(
        probe: LeptonProbe, scaling: Superscaling, central: ReducedFunctionGrid, wide: ReducedFunctionGrid, window: Double?, axialMass: Double
    ) -> [NeutrinoTable.Variation] {
        let mean = central.memberMean()
        var out = [
            NeutrinoTable.Variation(
                name: "axial_mass_down", description: String(format: "M_A = %g GeV", axialMass - axialMassStep),
                model: ChargedCurrentModel(probe: probe, scaling: scaling, reduced: mean, axialMass: axialMass - axialMassStep)),
            NeutrinoTable.Variation(
                name: "axial_mass_up", description: String(format: "M_A = %g GeV", axialMass + axialMassStep),
                model: ChargedCurrentModel(probe: probe, scaling: scaling, reduced: mean, axialMass: axialMass + axialMassStep))
        ]
        if let window {
            let (narrow, wideWindow) = windows(around: window)
            out += [("window_narrow", narrow), ("window_wide", wideWindow)].map { name, w in
                NeutrinoTable.Variation(
                    name: name, description: String(format: "quasielastic window psi' <= %g", w),
                    model: ChargedCurrentModel(
                        probe: probe, scaling: scaling, reduced: wide.restricted(toWindow: w, scaling: scaling).memberMean(), axialMass: axialMass))
            }
        }
        return out
    }
}
