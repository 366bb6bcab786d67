/// Error messages quote what a user or a file gave; these keep them readable.
extension String {
    /// The text on one line (line breaks and tabs as spaces), cut to `limit` characters with the
    /// full length said: an error that quotes a megabyte-long field stays one short line.
    public func oneLine(limit: Int = 400) -> String {
        let flat = String(map { $0.isNewline || $0 == "\t" ? " " : $0 })
        guard flat.count > limit else { return flat }
        return flat.prefix(limit) + "… (\(flat.count) characters)"
    }
}
