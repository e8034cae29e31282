/// Reads the project's add-on code table (kind `addon`): `#` comment lines, then the header
/// `addon primaries effective termination` (tab-separated), one add-on code a row with its primary
/// codes comma-separated and its dates YYYY-MM-DD (empty termination = open-ended).
enum AddOnLoader {
    static let columns = ["addon", "primaries", "effective", "termination"]

    static func load(_ text: TableText) throws -> [AddOnTable.Row] {
        var rows: [AddOnTable.Row] = []
        var lines: [Int] = []
        var fields: [Range<Int>] = []
        var sawHeader = false
        try text.forEachLine { number, line in
            if line.isEmpty || line.first == 0x23 { return }
            TableText.split(line, separator: 0x09, into: &fields)
            if !sawHeader {
                guard fields.map({ TableText.string(UnsafeRawBufferPointer(rebasing: line[$0])) }) == columns else {
                    throw text.error(
                        "expected the header 'addon<TAB>primaries<TAB>effective<TAB>termination'", line: number)
                }
                sawHeader = true
                return
            }
            guard fields.count == 4 else {
                throw text.error(
                    "\(fields.count) columns where the header has 4", line: number,
                    field: fields.count < 4 ? columns[fields.count] : "(extra column)")
            }
            func cell(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[fields[k]]) }
            let addOn = try text.procedureCode(
                text.code(cell(0), line: number, field: "addon", maxLength: 5), line: number, field: "addon")
            let list = TableText.string(cell(1)).split(separator: ",", omittingEmptySubsequences: false)
            let primaries = try list.map {
                try text.procedureCode(
                    text.code(String($0), line: number, field: "primaries", maxLength: 5), line: number,
                    field: "primaries")
            }
            let period = ServicePeriod(
                first: try text.date(cell(2), line: number, field: "effective", optional: true),
                last: try text.date(cell(3), line: number, field: "termination", optional: true))
            guard !period.isEmpty else {
                throw text.error("termination before effective", line: number, field: "termination")
            }
            rows.append(AddOnTable.Row(addOn: addOn, primaries: primaries, period: period))
            lines.append(number)
        }
        guard sawHeader else { throw text.error("no header 'addon<TAB>primaries<TAB>effective<TAB>termination'") }
        // As every other table: a file of its header alone switched E06 off without a word.
        guard !rows.isEmpty else { throw text.error("no add-on rows") }
        // Two rows of one add-on code serving the same day: which primaries hold would depend on
        // the rows' order (a second row for 11045 with other primaries gave E06 on 66 more lines).
        let order = rows.indices.sorted {
            (rows[$0].addOn, rows[$0].period.first) < (rows[$1].addOn, rows[$1].period.first)
        }
        for (a, b) in zip(order, order.dropFirst())
        where rows[a].addOn == rows[b].addOn && rows[b].period.first <= rows[a].period.last {
            let (earlier, later) = lines[a] < lines[b] ? (a, b) : (b, a)
            throw text.error(
                "add-on code \(PackedCode.unpack(rows[later].addOn)) has another row serving the same dates (line "
                    + "\(lines[earlier])): give its primaries in one row, or dates that do not overlap",
                line: lines[later], field: "effective")
        }
        return rows
    }
}
