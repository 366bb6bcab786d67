/// Normalization uncertainties Δλ_k of the data sets (D'Agostini's normalization term).
///
/// The archive copies carry no normalization uncertainty. The carbon values are those of
/// Kowal et al., PRC 110, 025501 (2024), Table I (quoted in DEVELOPERS.md). An experiment's
/// normalization (luminosity, acceptance) is largely the same for every target it measured, so
/// the same citation on another nucleus takes the carbon value; anything else takes the default.
public enum NormalizationUncertainties {
    /// Δλ for data sets with no published value: 5%, the largest typical quoted normalization
    /// uncertainty of these experiments but Bagdasaryan's.
    public static let defaultValue = 0.05

    /// Kowal et al. 2024 (carbon), keyed by the archive's citation key.
    public static let carbonKowal2024: [String: Double] = [
        "Arrington:1995hs": 0.040,
        "Arrington:1998ps": 0.040,
        "Bagdasaryan:1988hp": 0.10,
        "Baran:1988tw": 0.037,
        "Barreau:1983ht": 0.020,
        "Dai:2018xhi": 0.022,
        "Day:1993md": 0.034,
        "Fomin:2010ei": 0.040,
        "O'Connell:1987ag": 0.050,
        "Sealock:1989nx": 0.025,
        "Whitney:1974hr": 0.030
    ]

    /// The Δλ_k of a data set and where it comes from.
    public static func value(dataset: String, nucleus: Nucleus) -> (value: Double, source: String) {
        if let v = carbonKowal2024[dataset] {
            return nucleus == Nucleus(Z: 6, A: 12)
                ? (v, "Kowal et al. PRC 110 025501 (2024)")
                : (v, "carbon value of the same experiment (Kowal et al. 2024)")
        }
        return (defaultValue, "xsnet default (no published value)")
    }
}
