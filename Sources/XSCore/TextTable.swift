import Foundation

/// Output formats shared by every command that prints results.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json
}

/// A plain-text table with right-aligned columns, for terminals.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public func rendered() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                String(repeating: " ", count: max(0, widths[i] - cell.count)) + cell
            }.joined(separator: "  ")
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV (fields with commas, quotes or newlines are quoted).
    public func csv() -> String {
        ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public static func csvField(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}

/// Formats a Double with a fixed number of significant digits (for tables; CSV data files use
/// the shortest round-trip representation instead).
public func formatSignificant(_ value: Double, _ digits: Int = 4) -> String {
    if !value.isFinite { return "\(value)" }
    return String(format: "%.\(digits)g", value)
}
