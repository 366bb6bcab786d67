import Foundation

/// A colour of the figure palette (Okabe–Ito, readable by colour-blind readers).
public enum PlotColor: String, CaseIterable, Sendable {
    case black = "#000000"
    case blue = "#0072B2"
    case orange = "#E69F00"
    case green = "#009E73"
    case vermillion = "#D55E00"
    case purple = "#CC79A7"
    case sky = "#56B4E9"
    case grey = "#999999"
}

/// What a panel draws.
public enum Series: Sendable {
    /// Points with symmetric error bars; `hollow` draws open circles (test points, say).
    case points(label: String, x: [Double], y: [Double], error: [Double], color: PlotColor, hollow: Bool)
    case line(label: String, x: [Double], y: [Double], color: PlotColor, dashed: Bool)
    /// A shaded band between lower and upper (a 1σ band).
    case band(label: String, x: [Double], lower: [Double], upper: [Double], color: PlotColor)

    var label: String {
        switch self {
        case .points(let l, _, _, _, _, _), .line(let l, _, _, _, _), .band(let l, _, _, _, _): l
        }
    }

    /// All x and y values it spans (error bars and bands included).
    var extent: (x: [Double], y: [Double]) {
        switch self {
        case let .points(_, x, y, e, _, _): (x, zip(y, e).flatMap { [$0 - $1, $0 + $1] })
        case let .line(_, x, y, _, _): (x, y)
        case let .band(_, x, lo, hi, _): (x, lo + hi)
        }
    }
}

/// One plot: axes with labels and ticks, series, a legend and a title.
public struct Panel: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }
}

extension Panel {
    /// The panel's series as rows of numbers (what the SVG draws, for a reader's own plot):
    /// series, kind, x, y, and the error, or the band's lower and upper edge.
    func csvRows(panel index: Int) -> [String] {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return series.flatMap { s -> [String] in
            switch s {
            case let .points(label, x, y, e, _, hollow):
                return x.indices.map {
                    "\(index),\(field(title)),\(field(label)),\(hollow ? "points (hollow)" : "points"),\(x[$0]),\(y[$0]),\(e[$0]),,"
                }
            case let .line(label, x, y, _, dashed):
                return x.indices.map { "\(index),\(field(title)),\(field(label)),\(dashed ? "dashed line" : "line"),\(x[$0]),\(y[$0]),,," }
            case let .band(label, x, lower, upper, _):
                return x.indices.map { "\(index),\(field(title)),\(field(label)),band,\(x[$0]),,,\(lower[$0]),\(upper[$0])" }
            }
        }
    }
}

public enum PlotError: Error, CustomStringConvertible, LocalizedError {
    case empty(String)
    public var description: String {
        switch self {
        case .empty(let what): "nothing to plot: \(what)"
        }
    }
    public var errorDescription: String? { description }
}

/// A grid of panels rendered as standalone SVG (no fonts or scripts to fetch).
public struct Figure: Sendable {
    public var panels: [Panel]
    public var columns: Int
    public var panelWidth: Double
    public var panelHeight: Double

    public init(panels: [Panel], columns: Int = 1, panelWidth: Double = 640, panelHeight: Double = 420) {
        self.panels = panels
        self.columns = max(1, columns)
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
    }

    /// Every curve and point of the figure as CSV, written beside each SVG: panel, title, series,
    /// kind, x, y, error, lower, upper (empty where a kind has none).
    public func csv() -> String {
        (["panel,title,series,kind,x,y,error,lower,upper"] + panels.enumerated().flatMap { $1.csvRows(panel: $0) }).joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    public func svg() throws -> String {
        guard !panels.isEmpty else { throw PlotError.empty("no panels") }
        let rows = (panels.count + columns - 1) / columns
        let width = panelWidth * Double(columns), height = panelHeight * Double(rows)
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, panel) in panels.enumerated() {
            let ox = Double(i % columns) * panelWidth, oy = Double(i / columns) * panelHeight
            out += try render(panel, originX: ox, originY: oy)
        }
        return out + "</svg>\n"
    }

    func render(_ panel: Panel, originX: Double, originY: Double) throws -> String {
        let xs = panel.series.flatMap { $0.extent.x }.filter(\.isFinite)
        var ys = panel.series.flatMap { $0.extent.y }.filter(\.isFinite)
        if panel.logY { ys = ys.filter { $0 > 0 } }
        guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
            throw PlotError.empty("panel `\(panel.title)` has no finite values")
        }
        let (xRange, xTicks) = Ticks.linear(xMin, xMax)
        let (yRange, yTicks): (ClosedRange<Double>, [Double]) = panel.logY ? Ticks.logarithmic(yMin, yMax) : Ticks.linear(min(yMin, 0), yMax)
        let left = originX + 78, right = originX + panelWidth - 16, top = originY + 34, bottom = originY + panelHeight - 52
        func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (right - left) }
        func py(_ y: Double) -> Double {
            if panel.logY {
                let l = log10(max(y, yRange.lowerBound * 1e-3))
                return bottom - (l - log10(yRange.lowerBound)) / (log10(yRange.upperBound) - log10(yRange.lowerBound)) * (bottom - top)
            }
            return bottom - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (bottom - top)
        }
        let f = Self.f
        var out = "<g class=\"panel\">\n"
        out +=
            "<text x=\"\(f((left + right) / 2))\" y=\"\(f(originY + 20))\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(panel.title))</text>\n"
        out +=
            "<clipPath id=\"clip\(Int(originX))_\(Int(originY))\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\"/></clipPath>\n"
        // Axes and ticks
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"black\"/>\n"
        // Each axis in one notation: plain numbers, or multiples of one power of ten on its title.
        let xLabels = Ticks.axisLabels(xTicks, logarithmic: false)
        let shownY = yTicks.filter { yRange.contains($0) }
        let yLabels = Ticks.axisLabels(shownY, logarithmic: panel.logY)
        for (t, label) in zip(xTicks, xLabels.labels) {
            let x = px(t)
            out += "<line class=\"tick\" x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom - 5))\" stroke=\"black\"/>"
            out += "<text class=\"xtick\" x=\"\(f(x))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(label)</text>\n"
        }
        for (t, label) in zip(shownY, yLabels.labels) {
            let y = py(t)
            out += "<line class=\"tick\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + 5))\" y2=\"\(f(y))\" stroke=\"black\"/>"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>"
            out += "<text class=\"ytick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(label)</text>\n"
        }
        out +=
            "<text x=\"\(f((left + right) / 2))\" y=\"\(f(originY + panelHeight - 14))\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(panel.xLabel + xLabels.suffix))</text>\n"
        out +=
            "<text transform=\"translate(\(f(originX + 18)),\(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(Self.escape(panel.yLabel + yLabels.suffix))</text>\n"
        out += "<g clip-path=\"url(#clip\(Int(originX))_\(Int(originY)))\">\n"
        // Bands first, then lines, then points on top.
        let ordered =
            panel.series.filter { if case .band = $0 { true } else { false } }
            + panel.series.filter { if case .line = $0 { true } else { false } }
            + panel.series.filter { if case .points = $0 { true } else { false } }
        for s in ordered {
            switch s {
            case let .band(_, x, lo, hi, color):
                let upper = zip(x, hi).map { "\(f(px($0))),\(f(py($1)))" }
                let lower = zip(x, lo).reversed().map { "\(f(px($0))),\(f(py($1)))" }
                out +=
                    "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color.rawValue)\" fill-opacity=\"0.3\" stroke=\"none\"/>\n"
            case let .line(_, x, y, color, dashed):
                let pts = zip(x, y).filter { $0.1.isFinite }.map { "\(f(px($0))),\(f(py($1)))" }
                out +=
                    "<polyline class=\"line\" points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(color.rawValue)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6,4\"" : "")/>\n"
            case let .points(_, x, y, e, color, hollow):
                for i in x.indices {
                    let cx = px(x[i]), cy = py(y[i])
                    out +=
                        "<line x1=\"\(f(cx))\" y1=\"\(f(py(y[i] - e[i])))\" x2=\"\(f(cx))\" y2=\"\(f(py(y[i] + e[i])))\" stroke=\"\(color.rawValue)\"/>"
                    out +=
                        "<circle class=\"data\" cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"3\" fill=\"\(hollow ? "white" : color.rawValue)\" stroke=\"\(color.rawValue)\"/>\n"
                }
            }
        }
        out += "</g>\n"
        // Legend: in the corner of the plot whose box covers the fewest data points and curve
        // vertices (none, where a corner is free).
        let entries = panel.series.filter { !$0.label.isEmpty }
        let boxWidth = 34 + 6.4 * Double(entries.map(\.label.count).max() ?? 0), boxHeight = 16 * Double(entries.count) + 6
        let marks: [(Double, Double)] = panel.series.flatMap { s -> [(Double, Double)] in
            switch s {
            case let .points(_, x, y, _, _, _): zip(x, y).map { (px($0), py($1)) }
            case let .line(_, x, y, _, _): zip(x, y).filter { $0.1.isFinite }.map { (px($0), py($1)) }
            case .band: []
            }
        }
        let corners = [
            (right - boxWidth - 4, top + 4), (left + 4, top + 4), (right - boxWidth - 4, bottom - boxHeight - 4), (left + 4, bottom - boxHeight - 4)
        ]
        func covered(_ c: (Double, Double)) -> Int {
            marks.filter { $0.0 >= c.0 - 4 && $0.0 <= c.0 + boxWidth + 4 && $0.1 >= c.1 - 4 && $0.1 <= c.1 + boxHeight + 4 }.count
        }
        let corner = corners.min { covered($0) < covered($1) }!
        out +=
            "<rect class=\"legend-box\" x=\"\(f(corner.0))\" y=\"\(f(corner.1))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
        var ly = corner.1 + 15
        for s in entries {
            let lx = corner.0 + 6
            switch s {
            case let .band(_, _, _, _, color):
                out += "<rect x=\"\(f(lx))\" y=\"\(f(ly - 8))\" width=\"20\" height=\"10\" fill=\"\(color.rawValue)\" fill-opacity=\"0.3\"/>"
            case let .line(_, _, _, color, dashed):
                out +=
                    "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 3))\" x2=\"\(f(lx + 20))\" y2=\"\(f(ly - 3))\" stroke=\"\(color.rawValue)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6,4\"" : "")/>"
            case let .points(_, _, _, _, color, hollow):
                out +=
                    "<circle cx=\"\(f(lx + 10))\" cy=\"\(f(ly - 3))\" r=\"3\" fill=\"\(hollow ? "white" : color.rawValue)\" stroke=\"\(color.rawValue)\"/>"
            }
            out += "<text class=\"legend\" x=\"\(f(lx + 26))\" y=\"\(f(ly + 1))\" font-size=\"11\">\(Self.escape(s.label))</text>\n"
            ly += 16
        }
        return out + "</g>\n"
    }
}
