/// A plain-text listing of loaded table releases: kind, release, service dates, entries, file.
public enum TableListing {
    public static func render(_ releases: [TableRelease]) -> String {
        var rows = [["kind", "release", "serves", "entries", "file"]]
        for r in releases {
            let serves = "\(r.effective ?? "any")..\(r.through ?? "open")"
            rows.append([r.kind, r.release, serves, String(r.entries), r.file])
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == 4 ? cell : cell.padding(widths[c]) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
