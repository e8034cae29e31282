/// Reads a modifier list (kind `modifiers`): the CPT Level I list and the Level II supplement in
/// data/tables. Header `code effective termination [description]`, tab-separated; dates
/// YYYY-MM-DD, empty = open.
enum ModifierListLoader {
    static func load(_ text: TableText) throws -> [(code: UInt16, period: ServicePeriod)] {
        var entries: [(code: UInt16, period: ServicePeriod)] = []
        var fields: [Range<Int>] = []
        var columns: [String] = []
        try text.forEachLine { number, line in
            if number == 1 {
                columns = TableText.string(line).split(separator: "\t", omittingEmptySubsequences: false).map(
                    String.init)
                guard columns.count >= 3, columns[0] == "code", columns[1] == "effective", columns[2] == "termination"
                else {
                    throw text.error(
                        "expected the header 'code<TAB>effective<TAB>termination[<TAB>description]'", line: 1)
                }
                return
            }
            if line.isEmpty || line.first == 0x23 { return }
            TableText.split(line, separator: 0x09, into: &fields)
            guard fields.count == columns.count else {
                throw text.error(
                    "\(fields.count) columns where the header has \(columns.count)", line: number,
                    field: fields.count < columns.count ? columns[fields.count] : "(extra column)")
            }
            func cell(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[fields[k]]) }
            guard let code = ModifierTable.pack(TableText.string(TableText.trimmed(cell(0)))) else {
                throw text.error("a modifier is two letters or digits", line: number, field: "code")
            }
            let period = ServicePeriod(
                first: try text.date(cell(1), line: number, field: "effective", optional: true),
                last: try text.date(cell(2), line: number, field: "termination", optional: true))
            guard !period.isEmpty else {
                throw text.error("termination before effective", line: number, field: "termination")
            }
            entries.append((code, period))
        }
        guard !entries.isEmpty else { throw text.error("no modifiers") }
        return entries
    }
}
