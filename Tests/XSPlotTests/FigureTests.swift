import Foundation
import Testing

@testable import XSPlot

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Counts elements of the SVG by class, and collects tick labels, with a real XML parser.
final class SVGInspector: NSObject, XMLParserDelegate {
    var classes: [String: Int] = [:]
    var tickLabels: [String] = []
    private var inTick = false
    private var text = ""

    static func inspect(_ svg: String) throws -> SVGInspector {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = inspector
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return inspector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:])
    {
        if let c = attributes["class"] { classes[c, default: 0] += 1 }
        inTick = attributes["class"] == "xtick" || attributes["class"] == "ytick"
        text = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inTick { text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if inTick { tickLabels.append(text); inTick = false }
    }
}

@Suite struct FigureTests {
    @Test func niceTicks() {
        #expect(Ticks.niceStep(span: 1, count: 5) == 0.2)
        #expect(Ticks.niceStep(span: 7000, count: 5) == 1000)
        let (range, ticks) = Ticks.linear(0.013, 0.547)
        #expect(range.lowerBound == 0 && abs(range.upperBound - 0.6) < 1e-12 && ticks.count == 7)
        #expect(Ticks.logarithmic(3e-2, 4e3).ticks == [1e-2, 1e-1, 1, 10, 100, 1000, 1e4])
        #expect(Ticks.label(0.30000000000000004) == "0.3" && Ticks.label(60000) == "6e4" && Ticks.label(1e-5) == "1e-5")
    }

    /// The legend goes where it covers no data point, and each axis keeps one notation (plain
    /// numbers with the power of ten on the title, not "1e4" beside "8000").
    @Test func legendCoversNoDataAndEachAxisHasOneNotation() throws {
        // Points rising to the top right: the default corner is taken.
        let x = (0..<30).map { 0.02 + Double($0) * 0.016 }
        let y = x.map { 800 + 90_000 * $0 * $0 }
        let panel = Panel(
            title: "¹²C", xLabel: "ω (GeV)", yLabel: "σ",
            series: [
                .points(label: "data set with a long name", x: x, y: y, error: y.map { 0.02 * $0 }, color: .black, hollow: false),
                .line(label: "model", x: x, y: y, color: .blue, dashed: false)
            ])
        let svg = try Figure(panels: [panel]).svg()
        func numbers(_ attribute: String, in element: Substring) -> Double {
            Double(element.components(separatedBy: "\(attribute)=\"")[1].prefix { $0 != "\"" })!
        }
        let box = svg.split(separator: "\n").first { $0.contains("class=\"legend-box\"") }!
        let (bx, by, bw, bh) = (numbers("x", in: box), numbers("y", in: box), numbers("width", in: box), numbers("height", in: box))
        let circles = svg.components(separatedBy: "<circle class=\"data\"").dropFirst().map { Substring($0) }
        #expect(circles.count == 30)
        for c in circles {
            let (cx, cy) = (numbers("cx", in: c), numbers("cy", in: c))
            #expect(!(cx >= bx && cx <= bx + bw && cy >= by && cy <= by + bh), "a data point at (\(cx), \(cy)) is under the legend")
        }
        let ticks = try SVGInspector.inspect(svg).tickLabels
        #expect(!ticks.contains { $0.contains("e") }, "\(ticks)")
        #expect(svg.contains("σ (×10⁴)"))
        #expect(Ticks.axisLabels([0, 20000, 40000, 60000], logarithmic: false) == (["0", "2", "4", "6"], " (×10⁴)"))
        #expect(Ticks.axisLabels([1e-2, 1, 1e4], logarithmic: true).labels == ["10⁻²", "10⁰", "10⁴"])
    }

    func sample(logY: Bool = false) -> Figure {
        let x = (1...20).map { Double($0) * 0.02 }
        let panel = Panel(
            title: "12C, E = 0.56 GeV, θ = 36°", xLabel: "ω (GeV)", yLabel: "σ", logY: logY,
            series: [
                .points(label: "data", x: x, y: x.map { 100 * $0 + 1 }, error: x.map { _ in 2 }, color: .black, hollow: false),
                .band(label: "band", x: x, lower: x.map { 95 * $0 + 1 }, upper: x.map { 105 * $0 + 1 }, color: .blue),
                .line(label: "model", x: x, y: x.map { 100 * $0 + 1 }, color: .blue, dashed: false)
            ])
        return Figure(panels: [panel, panel, panel], columns: 2)
    }

    @Test(arguments: [false, true])
    func svgParsesAndHoldsWhatWasDrawn(logY: Bool) throws {
        let svg = try sample(logY: logY).svg()
        let inspector = try SVGInspector.inspect(svg)
        #expect(inspector.classes["panel"] == 3)
        #expect(inspector.classes["data"] == 60)
        #expect(inspector.classes["band"] == 3 && inspector.classes["line"] == 3)
        #expect(inspector.classes["legend"] == 9)
        #expect(!inspector.tickLabels.isEmpty)
        for label in inspector.tickLabels {
            #expect(Double(label)?.isFinite == true, "tick label `\(label)` is not a finite number")
        }
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func emptyInputIsAClearError() {
        #expect(throws: PlotError.self) { try Figure(panels: []).svg() }
        let empty = Panel(title: "t", xLabel: "x", yLabel: "y", series: [.line(label: "l", x: [], y: [], color: .black, dashed: false)])
        #expect(throws: PlotError.self) { try Figure(panels: [empty]).svg() }
    }

    @Test func textIsEscaped() throws {
        let p = Panel(
            title: "a < b & c", xLabel: "x", yLabel: "y",
            series: [.line(label: "O'Connell <1987>", x: [0, 1], y: [1, 2], color: .black, dashed: false)])
        _ = try SVGInspector.inspect(try Figure(panels: [p]).svg())
    }
}
