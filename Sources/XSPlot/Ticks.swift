import Foundation

/// Axis ticks at "nice" numbers (1, 2, 5 × 10ᵏ; Heckbert, Graphics Gems I, 1990) on a linear
/// axis, and at decades (with 2 and 5 between when there are few) on a logarithmic one.
public enum Ticks {
    public static func niceStep(span: Double, count: Int) -> Double {
        precondition(span > 0 && span.isFinite, "tick span must be positive and finite")
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * magnitude
    }

    /// Ticks covering [lower, upper], and the rounded range they span.
    public static func linear(_ lower: Double, _ upper: Double, count: Int = 5) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var lo = lower, hi = upper
        if hi <= lo { let pad = max(abs(lo) * 0.1, 1e-12); lo -= pad; hi += pad }
        let step = niceStep(span: hi - lo, count: count)
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        let n = Int(((end - start) / step).rounded())
        let ticks = (0...n).map { start + Double($0) * step }.map { abs($0) < step * 1e-9 ? 0 : $0 }
        return (start...end, ticks)
    }

    /// Decade ticks covering [lower, upper] (both > 0).
    public static func logarithmic(_ lower: Double, _ upper: Double) -> (range: ClosedRange<Double>, ticks: [Double]) {
        precondition(lower > 0 && upper > 0, "a log axis needs positive values")
        let lo = floor(log10(lower)), hi = max(ceil(log10(upper)), lo + 1)
        var ticks = stride(from: lo, through: hi, by: 1).map { pow(10, $0) }
        if hi - lo <= 2 { ticks = ticks.flatMap { [$0, 2 * $0, 5 * $0] }.filter { $0 <= pow(10, hi) } }
        return (pow(10, lo)...pow(10, hi), ticks)
    }

    /// The labels of one axis in one notation: plain numbers, or, when a tick would need an
    /// exponent, every tick as a multiple of one power of ten that the axis title states
    /// ("×10⁴"; `suffix`). On a logarithmic axis each tick is written m×10ⁿ (or 10ⁿ).
    public static func axisLabels(_ ticks: [Double], logarithmic: Bool) -> (labels: [String], suffix: String) {
        let largest = ticks.map(abs).max() ?? 0
        let needsExponent = ticks.contains { $0 != 0 && (abs($0) >= 1e4 || abs($0) < 1e-3) }
        if logarithmic {
            guard needsExponent else { return (ticks.map(plain), "") }
            return (
                ticks.map { t in
                    let e = Int(floor(log10(t) + 1e-9)), m = t / pow(10, Double(e))
                    return (abs(m - 1) < 1e-9 ? "" : plain(m) + "×") + "10" + superscript(e)
                }, ""
            )
        }
        guard needsExponent, largest > 0 else { return (ticks.map(plain), "") }
        let e = Int(floor(log10(largest) + 1e-9))
        let scale = pow(10, Double(e))
        return (ticks.map { plain($0 / scale) }, " (×10" + superscript(e) + ")")
    }

    static func plain(_ v: Double) -> String { v == 0 ? "0" : String(format: "%g", (v * 1e6).rounded() / 1e6) }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }

    /// A short label: no trailing zeros, exponent form for very small or large values.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 {
            let e = Int(floor(log10(a)))
            let m = v / pow(10, Double(e))
            return abs(m - 1) < 1e-9 ? "1e\(e)" : String(format: "%ge%d", (m * 100).rounded() / 100, e)
        }
        return String(format: "%g", (v * 1e6).rounded() / 1e6)
    }
}
