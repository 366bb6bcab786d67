/// The one seeded random-number generator of xsnet: initialization, shuffling, dropout,
/// splits and resampling all draw from it, so a given seed gives the same result.
///
/// Algorithm: xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47 (2021)), seeded through SplitMix64 so that nearby seeds give
/// unrelated streams. Our own shuffle and normal draws are written out here, so results do
/// not depend on how the standard library happens to implement `shuffle(using:)`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// A second normal deviate from the last Box–Muller pair, if any.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
        spareNormal = nil
    }

    /// A generator for a derived stream (replica `index` of a seed, say), independent of `self`.
    public func derived(_ index: UInt64) -> SeededGenerator {
        var copy = self
        return SeededGenerator(seed: copy.next() ^ (index &* 0xD1B5_4A32_D192_ED03))
    }

    /// The full state, for checkpoints (a resumed run continues the same stream).
    public var snapshot: (state: (UInt64, UInt64, UInt64, UInt64), spare: Double?) { (state, spareNormal) }

    mutating func restore(state: (UInt64, UInt64, UInt64, UInt64), spare: Double?) {
        self.state = state
        spareNormal = spare
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) as Float (24 random bits).
    @inline(__always)
    public mutating func uniformFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Uniform integer in 0..<bound (Lemire's nearly-divisionless method without the rejection
    /// step's bias: rejection keeps it exact).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound")
        let b = UInt64(bound)
        let threshold = (0 &- b) % b
        while true {
            let r = next()
            let product = r.multipliedFullWidth(by: b)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A standard normal deviate (Box–Muller; the second deviate of each pair is kept).
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        let radius = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * _sin(angle)
        return radius * _cos(angle)
    }

    /// Fisher–Yates shuffle, written out so that it is stable across toolchains.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// A random permutation of 0..<count.
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        shuffle(&order)
        return order
    }
}

#if canImport(Glibc)
    import Glibc
    @inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
    import Darwin
    @inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
    @inline(__always) func _sin(_ x: Double) -> Double { Darwin.sin(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif

extension SeededGenerator: Codable {
    enum CodingKeys: String, CodingKey { case state, spare }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let s = try c.decode([UInt64].self, forKey: .state)
        guard s.count == 4 else { throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "xoshiro256** state has 4 words") }
        self.init(seed: 0)
        restore(state: (s[0], s[1], s[2], s[3]), spare: try c.decodeIfPresent(Double.self, forKey: .spare))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let s = snapshot
        try c.encode([s.state.0, s.state.1, s.state.2, s.state.3], forKey: .state)
        try c.encodeIfPresent(s.spare, forKey: .spare)
    }
}
