/// Splits one line of RFC 4180 CSV into fields (quoted fields may hold commas and doubled quotes).
/// Returns nil for an unterminated quote.
public func splitCSVLine(_ line: Substring) -> [String]? {
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var iterator = line.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? iterator.next() {
        pending = nil
        if inQuotes {
            if c == "\"" {
                if let next = iterator.next() {
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    inQuotes = false
                }
            } else {
                field.append(c)
            }
        } else if c == "," {
            fields.append(field)
            field = ""
        } else if c == "\"" && field.isEmpty {
            inQuotes = true
        } else {
            field.append(c)
        }
    }
    if inQuotes { return nil }
    fields.append(field)
    return fields
}

/// Splits text into lines ended by LF, CRLF or a lone CR (old Mac files, as in one block of the
/// archive's 4He file), keeping 1-based line numbers as an editor counts them.
public func numberedLines(_ text: String) -> [(number: Int, text: Substring)] {
    var result: [(Int, Substring)] = []
    var number = 0
    // Swift treats "\r\n" as one Character, so each of the three endings is one separator.
    for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
        number += 1
        result.append((number, line))
    }
    // A final line ending leaves one empty trailing piece: not a line.
    if let last = result.last, last.1.isEmpty { result.removeLast() }
    return result
}
