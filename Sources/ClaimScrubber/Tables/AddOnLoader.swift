/// Reads the project's add-on code table (kind `addon`): `#` comment lines, then the header
/// `addon primaries effective termination` (tab-separated), one add-on code a row with its primary
/// codes comma-separated and its dates YYYY-MM-DD (empty termination = open-ended).
enum AddOnLoader {
    static let columns = ["addon", "primaries", "effective", "termination"]

    static func load(_ text: TableText) throws -> [AddOnTable.Row] {
        var rows: [AddOnTable.Row] = []
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
        }
        guard sawHeader else { throw text.error("no header 'addon<TAB>primaries<TAB>effective<TAB>termination'") }
        // As every other table: a file of its header alone switched E06 off without a word.
        guard !rows.isEmpty else { throw text.error("no add-on rows") }
        return rows
    }
}
