/// Reads one part of an NCCI PTP file (`ccipra-v321r0-f1.txt`): tab-separated rows after a
/// preamble (the copyright line, a title line and the column header wrapped over several lines).
///
/// The preamble is every line before the first row; a row is a line whose first cell is a code.
/// The preamble must hold the header (a line starting `Column 1`), so a file cut in the middle or
/// another table is not taken for a PTP file. Row cells: column 1, column 2, `*` or empty (in
/// existence before 1996), effective date YYYYMMDD, deletion date YYYYMMDD or `*` (none), modifier
/// indicator 0/1/9, rationale (optional).
enum PTPLoader {
    static let columns = ["column 1", "column 2", "prior to 1996", "effective date", "deletion date", "modifier indicator"]

    struct Row {
        var key: UInt64
        var effective: Int32
        var deletion: Int32
        var indicator: UInt8
    }

    static func load(_ text: TableText) throws -> [Row] {
        var rows: [Row] = []
        var fields: [Range<Int>] = []
        var sawHeader = false
        var inRows = false
        try text.forEachLine { number, line in
            if !inRows {
                let firstCell = TableText.trimmed(UnsafeRawBufferPointer(rebasing: line[0..<(line.firstIndex(of: 0x09) ?? line.count)]))
                if firstCell.count == 5, PackedCode.pack(firstCell) != nil {
                    guard sawHeader else {
                        throw text.error("no PTP column header ('Column 1 …') before the first row", line: number, field: "column 1")
                    }
                    inRows = true
                } else {
                    if TableText.string(firstCell).lowercased().hasPrefix("column 1") { sawHeader = true }
                    return
                }
            }
            if TableText.isBlank(line) { return }
            TableText.split(line, separator: 0x09, into: &fields)
            guard fields.count >= 6 else {
                throw text.error("\(fields.count) cells; a PTP row has at least 6", line: number, field: columns[fields.count])
            }
            func cell(_ k: Int) -> UnsafeRawBufferPointer { TableText.trimmed(UnsafeRawBufferPointer(rebasing: line[fields[k]])) }
            let c1 = try text.code(cell(0), line: number, field: columns[0], maxLength: 5)
            let c2 = try text.code(cell(1), line: number, field: columns[1], maxLength: 5)
            guard PackedCode.length(c1) == 5 else { throw text.error("not a five-character code", line: number, field: columns[0]) }
            guard PackedCode.length(c2) == 5 else { throw text.error("not a five-character code", line: number, field: columns[1]) }
            let prior = cell(2)
            guard prior.isEmpty || (prior.count == 1 && prior[0] == 0x2A) else {
                throw text.error("must be '*' or empty", line: number, field: columns[2])
            }
            let effective = try eightDigitDate(cell(3), text, number, columns[3])
            let deletionCell = cell(4)
            let deletion =
                deletionCell.count == 1 && deletionCell[0] == 0x2A ? Int32.max : try eightDigitDate(deletionCell, text, number, columns[4])
            guard deletion >= effective else { throw text.error("deletion date before effective date", line: number, field: columns[4]) }
            let indicator = cell(5)
            guard indicator.count == 1, [0x30, 0x31, 0x39].contains(indicator[0]) else {
                throw text.error("modifier indicator must be 0, 1 or 9", line: number, field: columns[5])
            }
            rows.append(Row(key: PTPTable.key(c1, c2), effective: effective, deletion: deletion, indicator: indicator[0] - 0x30))
        }
        guard !rows.isEmpty else { throw text.error("no PTP rows") }
        return rows
    }

    static func eightDigitDate(_ cell: UnsafeRawBufferPointer, _ text: TableText, _ line: Int, _ field: String) throws -> Int32 {
        guard cell.count == 8, let day = try text.date(cell, line: line, field: field, optional: false) else {
            throw text.error("'\(TableText.string(cell).prefix(20))' is not a date YYYYMMDD", line: line, field: field)
        }
        return day
    }

    static func release(name: String, setting: ServiceSetting, parts: [[Row]]) -> PTPTable.Release {
        let rows = parts.joined().sorted { ($0.key, $0.effective) < ($1.key, $1.effective) }
        var release = PTPTable.Release(name: name, setting: setting)
        release.pairs = SortedCodes(sorted: rows.map(\.key))
        release.effective = rows.map(\.effective)
        release.deletion = rows.map(\.deletion)
        release.indicator = rows.map(\.indicator)
        return release
    }
}
