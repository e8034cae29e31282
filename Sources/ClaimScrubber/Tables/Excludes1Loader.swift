/// Reads the project's Excludes1 table (kind `icd10cm-excludes1`): header `code first last`,
/// tab-separated, codes without dots (see data/README.md for how it is extracted from the tabular
/// XML and how a row matches).
enum Excludes1Loader {
    static func load(_ text: TableText, name: String) throws -> Excludes1Table.Release {
        struct Row {
            var code: UInt64
            var first: UInt64
            var last: UInt64
            var firstLength: UInt8
            var lastLength: UInt8
        }
        var rows: [Row] = []
        var fields: [Range<Int>] = []
        let header = ["code", "first", "last"]
        try text.forEachLine { number, line in
            if number == 1 {
                guard
                    TableText.string(line).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                        == header
                else {
                    throw text.error("expected the header 'code<TAB>first<TAB>last'", line: 1)
                }
                return
            }
            if line.isEmpty || line.first == 0x23 { return }
            TableText.split(line, separator: 0x09, into: &fields)
            guard fields.count == 3 else {
                throw text.error(
                    "\(fields.count) columns where the header has 3", line: number,
                    field: fields.count < 3 ? header[fields.count] : "(extra column)")
            }
            func cell(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[fields[k]]) }
            // Each an ICD-10-CM code or category: a bound such as `1` would stretch a range over
            // codes the note never named.
            let code = try text.icd10cmCode(cell(0), line: number, field: "code")
            let first = try text.icd10cmCode(cell(1), line: number, field: "first")
            let last = try text.icd10cmCode(cell(2), line: number, field: "last")
            guard first <= last else { throw text.error("'first' sorts after 'last'", line: number, field: "last") }
            rows.append(
                Row(
                    code: code, first: first, last: last, firstLength: UInt8(PackedCode.length(first)),
                    lastLength: UInt8(PackedCode.length(last))))
        }
        guard !rows.isEmpty else { throw text.error("no Excludes1 rows") }
        rows.sort { ($0.code, $0.first, $0.last) < ($1.code, $1.first, $1.last) }
        var release = Excludes1Table.Release(name: name)
        release.codes = SortedCodes(sorted: rows.map(\.code))
        release.first = rows.map(\.first)
        release.last = rows.map(\.last)
        release.firstLength = rows.map(\.firstLength)
        release.lastLength = rows.map(\.lastLength)
        let lengths = rows.map { PackedCode.length($0.code) }
        release.minLength = lengths.min()!
        release.maxLength = lengths.max()!
        release.indexPrefixes()
        return release
    }
}
