/// A target nucleus (Z protons, A nucleons), named as in the data files: element symbol then
/// mass number, `C12`, `Fe56`, `He3`.
public struct Nucleus: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let Z: Int
    public let A: Int

    public init(Z: Int, A: Int) {
        self.Z = Z
        self.A = A
    }

    /// Element symbols by Z (1 … 92), enough for every nucleus an (e, e′) archive can hold.
    static let symbols: [String] = [
        "n", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K",
        "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb",
        "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs",
        "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta",
        "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U"
    ]

    public var symbol: String { Z >= 0 && Z < Self.symbols.count ? Self.symbols[Z] : "Z\(Z)" }

    /// `C12`: the name used in files and on the command line.
    public var name: String { "\(symbol)\(A)" }

    /// `12C`: the name physicists write.
    public var isotopeLabel: String { "\(A)\(symbol)" }
    /// The mass number as a superscript, as physicists write a nucleus: "¹²C".
    public var isotopeSymbol: String {
        let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(String(A).map { superscripts[Int(String($0))!] }) + symbol
    }

    public var description: String { name }

    /// Parses `C12`, `12C`, `c12` or `Fe-56`.
    public init?(name raw: String) {
        let text = raw.replacingOccurrences(of: "-", with: "")
        let letters = text.filter(\.isLetter)
        let digits = text.filter(\.isNumber)
        guard !letters.isEmpty, !digits.isEmpty, letters.count + digits.count == text.count,
            let mass = Int(digits), mass > 0
        else { return nil }
        let symbol = letters.prefix(1).uppercased() + letters.dropFirst().lowercased()
        guard let z = Self.symbols.firstIndex(of: symbol), z > 0 else { return nil }
        self.init(Z: z, A: mass)
    }

    public static func < (lhs: Nucleus, rhs: Nucleus) -> Bool { (lhs.A, lhs.Z) < (rhs.A, rhs.Z) }
}
