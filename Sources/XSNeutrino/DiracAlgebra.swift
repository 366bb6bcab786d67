import Foundation

/// A complex number: the Dirac algebra of the lepton and nucleon currents needs no more.
public struct Complex: Equatable, Sendable {
    public var re: Double
    public var im: Double

    public init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    public static let zero = Complex(0)
    public static let i = Complex(0, 1)

    public var conjugate: Complex { Complex(re, -im) }

    public static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    public static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    public static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    public static func * (s: Double, a: Complex) -> Complex { Complex(s * a.re, s * a.im) }
}

/// A four-vector with upper indices (a⁰; a¹, a², a³) in GeV, metric g = diag(1, −1, −1, −1).
public struct FourVector: Equatable, Sendable {
    public var t: Double
    public var x: Double
    public var y: Double
    public var z: Double

    public init(_ t: Double, _ x: Double, _ y: Double, _ z: Double) {
        self.t = t
        self.x = x
        self.y = y
        self.z = z
    }

    public subscript(mu: Int) -> Double {
        switch mu {
        case 0: t
        case 1: x
        case 2: y
        case 3: z
        default: preconditionFailure("a four-vector index is 0…3, not \(mu)")
        }
    }

    /// a·b = a⁰b⁰ − a⃗·b⃗.
    public static func * (a: FourVector, b: FourVector) -> Double { a.t * b.t - a.x * b.x - a.y * b.y - a.z * b.z }
    public static func + (a: FourVector, b: FourVector) -> FourVector { FourVector(a.t + b.t, a.x + b.x, a.y + b.y, a.z + b.z) }
    public static func - (a: FourVector, b: FourVector) -> FourVector { FourVector(a.t - b.t, a.x - b.x, a.y - b.y, a.z - b.z) }
}

/// The diagonal of the metric: g_μμ = (1, −1, −1, −1).
let metricSign: [Double] = [1, -1, -1, -1]

/// A 4×4 complex matrix in spinor space (row-major), with the Dirac-representation γ matrices.
/// The currents' tensors are computed as traces of products of these (Bjorken–Drell
/// conventions: γ⁰ = diag(1, 1, −1, −1), γⁱ = [[0, σⁱ], [−σⁱ, 0]], γ⁵ = iγ⁰γ¹γ²γ³), so that the
/// lepton and nucleon tensors share one convention for γ⁵ and the Levi-Civita symbol by
/// construction.
public struct DiracMatrix: Sendable {
    var re: SIMD16<Double>
    var im: SIMD16<Double>

    init(re: SIMD16<Double> = .zero, im: SIMD16<Double> = .zero) {
        self.re = re
        self.im = im
    }

    subscript(row: Int, column: Int) -> Complex {
        get { Complex(re[4 * row + column], im[4 * row + column]) }
        set {
            re[4 * row + column] = newValue.re
            im[4 * row + column] = newValue.im
        }
    }

    static let identity: DiracMatrix = {
        var m = DiracMatrix()
        for k in 0..<4 { m[k, k] = Complex(1) }
        return m
    }()

    /// γ⁰, γ¹, γ², γ³.
    public static let gamma: [DiracMatrix] = {
        var g0 = DiracMatrix()
        g0[0, 0] = Complex(1)
        g0[1, 1] = Complex(1)
        g0[2, 2] = Complex(-1)
        g0[3, 3] = Complex(-1)
        // Pauli matrices σ¹, σ², σ³ as 2×2 blocks.
        let pauli: [[[Complex]]] = [
            [[.zero, Complex(1)], [Complex(1), .zero]],
            [[.zero, Complex(0, -1)], [Complex(0, 1), .zero]],
            [[Complex(1), .zero], [.zero, Complex(-1)]]
        ]
        var result = [g0]
        for s in pauli {
            var g = DiracMatrix()
            for r in 0..<2 {
                for c in 0..<2 {
                    g[r, c + 2] = s[r][c]
                    g[r + 2, c] = -1 * s[r][c]
                }
            }
            result.append(g)
        }
        return result
    }()

    /// γ⁵ = iγ⁰γ¹γ²γ³.
    public static let gamma5: DiracMatrix = Complex.i * (gamma[0] * gamma[1] * gamma[2] * gamma[3])

    /// p̸ = γ^μ p_μ = γ⁰p⁰ − γ⃗·p⃗.
    static func slash(_ p: FourVector) -> DiracMatrix {
        p.t * gamma[0] + (-p.x) * gamma[1] + (-p.y) * gamma[2] + (-p.z) * gamma[3]
    }

    /// The Dirac adjoint Γ̄ = γ⁰ Γ† γ⁰ (the vertex of the complex-conjugate amplitude).
    var bar: DiracMatrix {
        var adjoint = DiracMatrix()
        for r in 0..<4 {
            for c in 0..<4 { adjoint[r, c] = self[c, r].conjugate }
        }
        return Self.gamma[0] * adjoint * Self.gamma[0]
    }

    /// Tr(A B) = Σᵢⱼ A_ij B_ji, without forming the product.
    static func traceOfProduct(_ a: DiracMatrix, _ b: DiracMatrix) -> Complex {
        var re = 0.0, im = 0.0
        for i in 0..<4 {
            for j in 0..<4 {
                let ar = a.re[4 * i + j], ai = a.im[4 * i + j], br = b.re[4 * j + i], bi = b.im[4 * j + i]
                re += ar * br - ai * bi
                im += ar * bi + ai * br
            }
        }
        return Complex(re, im)
    }

    static func * (a: DiracMatrix, b: DiracMatrix) -> DiracMatrix {
        var out = DiracMatrix()
        for i in 0..<4 {
            for j in 0..<4 {
                var re = 0.0, im = 0.0
                for k in 0..<4 {
                    let ar = a.re[4 * i + k], ai = a.im[4 * i + k], br = b.re[4 * k + j], bi = b.im[4 * k + j]
                    re += ar * br - ai * bi
                    im += ar * bi + ai * br
                }
                out.re[4 * i + j] = re
                out.im[4 * i + j] = im
            }
        }
        return out
    }

    static func + (a: DiracMatrix, b: DiracMatrix) -> DiracMatrix { DiracMatrix(re: a.re + b.re, im: a.im + b.im) }
    static func * (s: Double, a: DiracMatrix) -> DiracMatrix { DiracMatrix(re: s * a.re, im: s * a.im) }
    static func * (c: Complex, a: DiracMatrix) -> DiracMatrix {
        DiracMatrix(re: c.re * a.re - c.im * a.im, im: c.re * a.im + c.im * a.re)
    }
}

/// A rank-2 tensor T^{μν} (upper indices) with complex components.
public struct Tensor2: Sendable {
    public var components: [Complex] = Array(repeating: .zero, count: 16)

    public init() {}

    public subscript(mu: Int, nu: Int) -> Complex {
        get { components[4 * mu + nu] }
        set { components[4 * mu + nu] = newValue }
    }

    /// L_{μν} W^{μν} = Σ g_μμ g_νν L^{μν} W^{μν}; real for the hermitian tensors of a cross section.
    public static func contract(_ l: Tensor2, _ w: Tensor2) -> Double {
        var sum = 0.0
        for mu in 0..<4 {
            for nu in 0..<4 { sum += metricSign[mu] * metricSign[nu] * (l[mu, nu] * w[mu, nu]).re }
        }
        return sum
    }
}
