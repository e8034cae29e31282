import Dispatch

/// Reads one part of an NCCI PTP file (`ccipra-v321r0-f1.txt`): tab-separated rows after a
/// preamble (the copyright line, a title line and the column header wrapped over several lines).
///
/// The preamble is every line before the first row; a row is a line whose first cell is a code.
/// The preamble must hold the header (a line starting `Column 1`), so a file cut in the middle or
/// another table is not taken for a PTP file. Row cells: column 1, column 2, `*` or empty (in
/// existence before 1996), effective date YYYYMMDD, deletion date YYYYMMDD or `*` (none), modifier
/// indicator 0/1/9, rationale (optional).
///
/// A quarter's CMS files hold millions of rows per setting, and every run loads them, so the rows
/// are read in slices of the file on all cores, each row first by a fast path for the exact layout
/// of the CMS files (any other spelling goes through the general path, which also names what is
/// wrong), into columns rather than an array of row structs.
enum PTPLoader {
    static let columns = [
        "column 1", "column 2", "prior to 1996", "effective date", "deletion date", "modifier indicator",
    ]

    /// Rows column by column, in file order.
    struct Rows {
        var keys: [UInt64] = []
        var effective: [Int32] = []
        var deletion: [Int32] = []
        var indicator: [UInt8] = []

        var count: Int { keys.count }

        mutating func reserveCapacity(_ n: Int) {
            keys.reserveCapacity(n)
            effective.reserveCapacity(n)
            deletion.reserveCapacity(n)
            indicator.reserveCapacity(n)
        }

        @inline(__always)
        mutating func append(key: UInt64, effective e: Int32, deletion d: Int32, indicator i: UInt8) {
            keys.append(key)
            effective.append(e)
            deletion.append(d)
            indicator.append(i)
        }

        mutating func append(contentsOf other: Rows) {
            keys.append(contentsOf: other.keys)
            effective.append(contentsOf: other.effective)
            deletion.append(contentsOf: other.deletion)
            indicator.append(contentsOf: other.indicator)
        }
    }

    /// Bytes of rows read by one task; a file under two slices is read on the calling thread.
    static let sliceBytes = 2 << 20

    static func load(_ text: TableText, sliceBytes: Int = sliceBytes) throws -> Rows {
        let (rowsStart, firstRowLine) = try preamble(text)
        let n = text.bytes.count
        // Slices cut after a line end, so each starts on a line of its own.
        var cuts = [rowsStart]
        text.bytes.withUnsafeBufferPointer { bytes in
            var at = rowsStart + max(1, sliceBytes)
            while at < n {
                while at < n && bytes[at - 1] != 0x0A { at += 1 }
                if at < n { cuts.append(at) }
                at += max(1, sliceBytes)
            }
        }
        cuts.append(n)
        let slices = cuts.count - 1
        // Each slice's rows, lines read and first error (with its line counted within the slice).
        var results = [(rows: Rows, lines: Int, error: ScrubError?)](repeating: (Rows(), 0, nil), count: slices)
        if slices == 1 {
            results[0] = readRows(text, from: rowsStart, to: n)
        } else {
            let cuts = cuts
            results.withUnsafeMutableBufferPointer { out in
                let out = SendableBuffer(out)
                DispatchQueue.concurrentPerform(iterations: slices) { k in
                    out.base[k] = readRows(text, from: cuts[k], to: cuts[k + 1])
                }
            }
        }
        var line = firstRowLine
        var rows = Rows()
        rows.reserveCapacity(results.reduce(0) { $0 + $1.rows.count })
        for k in 0..<slices {
            if var error = results[k].error {
                // Slices before this one read to their end without an error: this is the file's first.
                error.line = error.line.map { $0 + line }
                throw error
            }
            line += results[k].lines
            rows.append(contentsOf: results[k].rows)
            results[k].rows = Rows()
        }
        guard rows.count > 0 else { throw text.error("no PTP rows") }
        return rows
    }

    /// The byte offset and line number of the first row; throws when no header comes before it.
    private static func preamble(_ text: TableText) throws -> (start: Int, line: Int) {
        try text.bytes.withUnsafeBytes { all in
            var sawHeader = false
            var number = 1
            var found: (start: Int, line: Int)?
            try TableText.forEachLine(in: all, from: 0, to: all.count) { start, line in
                let firstCell = TableText.trimmed(
                    UnsafeRawBufferPointer(rebasing: line[0..<(line.firstIndex(of: 0x09) ?? line.count)]))
                // A row; or, once the header began, any line with a first cell (the header's
                // wrapped lines leave it empty): a broken row, which the row reader names.
                if (firstCell.count == 5 && PackedCode.pack(firstCell) != nil) || (sawHeader && !firstCell.isEmpty)
                    || (sawHeader && looksLikeRow(line))
                {
                    guard sawHeader else {
                        throw text.error(
                            "no PTP column header ('Column 1 …') before the first row", line: number, field: "column 1")
                    }
                    found = (start, number)
                    return false
                }
                if TableText.string(firstCell).lowercased().hasPrefix("column 1") { sawHeader = true }
                number += 1
                return true
            }
            guard let found else { throw text.error("no PTP rows") }
            return found
        }
    }

    /// A line with a code in its second cell and an eight-digit date among its cells: a row that
    /// lost its column-1 code, not a wrapped header line (those hold words). The first row so
    /// damaged was taken for header and dropped; the row reader now names it.
    private static func looksLikeRow(_ line: UnsafeRawBufferPointer) -> Bool {
        let cells = line.split(separator: 0x09, omittingEmptySubsequences: false).map {
            TableText.trimmed(UnsafeRawBufferPointer(rebasing: $0))
        }
        guard cells.count >= 4, cells[1].count == 5, PackedCode.pack(cells[1]) != nil else { return false }
        return cells.contains { $0.count == 8 && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// Reads the rows in `bytes[from..<to]` (whole lines); line numbers in the error count from 0
    /// at `from`.
    private static func readRows(_ text: TableText, from: Int, to: Int) -> (rows: Rows, lines: Int, error: ScrubError?)
    {
        var rows = Rows()
        // About 33 bytes a row in the CMS files.
        rows.reserveCapacity((to - from) / 30 + 16)
        var fields: [Range<Int>] = []
        var lines = 0
        var error: ScrubError?
        text.bytes.withUnsafeBytes { all in
            TableText.forEachLine(in: all, from: from, to: to) { _, line in
                if !fastRow(line, into: &rows) {
                    do {
                        try row(line, number: lines, text: text, fields: &fields, into: &rows)
                    } catch let thrown {
                        error = thrown as? ScrubError ?? ScrubError("\(thrown)", file: text.name, line: lines)
                        return false
                    }
                }
                lines &+= 1
                return true
            }
        }
        return (rows, lines, error)
    }

    /// A row in the exact CMS spelling (`AAAAA<tab>BBBBB<tab>[*]<tab>YYYYMMDD<tab>YYYYMMDD|*<tab>I`
    /// and an optional rationale), appended; false for anything else, left to `row`.
    @inline(__always)
    private static func fastRow(_ line: UnsafeRawBufferPointer, into rows: inout Rows) -> Bool {
        let n = line.count
        guard n >= 25, line[5] == 0x09, line[11] == 0x09 else { return false }
        var c1: UInt64 = 0
        var c2: UInt64 = 0
        for k in 0..<5 {
            guard let a = PackedCode.value(line[k]), let b = PackedCode.value(line[6 &+ k]) else { return false }
            c1 = c1 << 6 | a
            c2 = c2 << 6 | b
        }
        var i = 12
        if line[i] == 0x2A { i = 13 }
        guard line[i] == 0x09, i &+ 13 <= n, line[i &+ 9] == 0x09 else { return false }
        let effective = DayNumber.parse(UnsafeRawBufferPointer(rebasing: line[(i &+ 1)..<(i &+ 9)]))
        guard DayNumber.isDate(effective) else { return false }
        i &+= 10
        let deletion: Int32
        if line[i] == 0x2A {
            guard line[i &+ 1] == 0x09 else { return false }
            deletion = .max
            i &+= 2
        } else {
            guard i &+ 10 <= n, line[i &+ 8] == 0x09 else { return false }
            deletion = DayNumber.parse(UnsafeRawBufferPointer(rebasing: line[i..<(i &+ 8)]))
            guard DayNumber.isDate(deletion), deletion >= effective else { return false }
            i &+= 9
        }
        guard i < n else { return false }
        let indicator = line[i] &- 0x30
        guard indicator == 0 || indicator == 1 || indicator == 9, i &+ 1 == n || line[i &+ 1] == 0x09 else {
            return false
        }
        // The rationale, if any, is the last cell: a tab after it is a row too many cells long.
        if i &+ 1 < n, TableText.find(0x09, in: line, from: i &+ 2, to: n) < n { return false }
        // Packed as `PackedCode.pack` does: five characters, then five empty ones.
        guard ProcedureCodeRule.form(c1 << 30) != .malformed, ProcedureCodeRule.form(c2 << 30) != .malformed else {
            return false
        }
        rows.append(
            key: PTPTable.key(c1 << 30, c2 << 30), effective: effective, deletion: deletion, indicator: indicator)
        return true
    }

    /// Any row: cells trimmed, each checked, the first problem thrown naming its column.
    private static func row(
        _ line: UnsafeRawBufferPointer, number: Int, text: TableText, fields: inout [Range<Int>], into rows: inout Rows
    ) throws {
        if TableText.isBlank(line) { return }
        TableText.split(line, separator: 0x09, into: &fields)
        guard fields.count >= 6 else {
            throw text.error(
                "\(fields.count) cells; a PTP row has at least 6", line: number, field: columns[fields.count])
        }
        // Six cells and the edit's rationale; text in a cell past them is two rows run together (a
        // lost line end).
        if fields.count > 7,
            fields[7...].contains(where: { !TableText.isBlank(UnsafeRawBufferPointer(rebasing: line[$0])) })
        {
            throw text.error(
                "\(fields.count) cells; a PTP row has 6, and its rationale", line: number, field: "(extra column)")
        }
        let cells = fields
        func cell(_ k: Int) -> UnsafeRawBufferPointer {
            TableText.trimmed(UnsafeRawBufferPointer(rebasing: line[cells[k]]))
        }
        let c1 = try text.procedureCode(
            text.code(cell(0), line: number, field: columns[0], maxLength: 5), line: number, field: columns[0])
        let c2 = try text.procedureCode(
            text.code(cell(1), line: number, field: columns[1], maxLength: 5), line: number, field: columns[1])
        let prior = cell(2)
        guard prior.isEmpty || (prior.count == 1 && prior[0] == 0x2A) else {
            throw text.error("must be '*' or empty", line: number, field: columns[2])
        }
        let effective = try eightDigitDate(cell(3), text, number, columns[3])
        let deletionCell = cell(4)
        let deletion =
            deletionCell.count == 1 && deletionCell[0] == 0x2A
            ? Int32.max : try eightDigitDate(deletionCell, text, number, columns[4])
        guard deletion >= effective else {
            throw text.error("deletion date before effective date", line: number, field: columns[4])
        }
        let indicator = cell(5)
        guard indicator.count == 1, [0x30, 0x31, 0x39].contains(indicator[0]) else {
            throw text.error("modifier indicator must be 0, 1 or 9", line: number, field: columns[5])
        }
        rows.append(key: PTPTable.key(c1, c2), effective: effective, deletion: deletion, indicator: indicator[0] - 0x30)
    }

    static func eightDigitDate(_ cell: UnsafeRawBufferPointer, _ text: TableText, _ line: Int, _ field: String) throws
        -> Int32
    {
        guard cell.count == 8, let day = try text.date(cell, line: line, field: field, optional: false) else {
            throw text.error("'\(TableText.string(cell).prefix(20))' is not a date YYYYMMDD", line: line, field: field)
        }
        return day
    }

    /// One release from its parts (in the order given): rows sorted by pair, then effective date,
    /// rows alike in both keeping their order. The CMS files come sorted, and are then taken as
    /// they are. The columns are sized exactly: they stay for the whole run.
    static func release(name: String, setting: ServiceSetting, parts: consuming [Rows]) -> PTPTable.Release {
        var rows = Rows()
        if parts.count == 1 {
            rows = parts[0]
        } else {
            rows.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            // Each part freed once joined: the join holds one copy of the rows, not two.
            for k in parts.indices {
                rows.append(contentsOf: parts[k])
                parts[k] = Rows()
            }
        }
        var sorted = true
        for i in rows.keys.indices.dropFirst()
        where (rows.keys[i - 1], rows.effective[i - 1]) > (rows.keys[i], rows.effective[i]) {
            sorted = false
            break
        }
        if !sorted {
            // Sorting the row numbers by (key, effective, row) is a stable sort of the rows.
            let order = rows.keys.indices.sorted {
                (rows.keys[$0], rows.effective[$0], $0) < (rows.keys[$1], rows.effective[$1], $1)
            }
            rows = Rows(
                keys: order.map { rows.keys[$0] }, effective: order.map { rows.effective[$0] },
                deletion: order.map { rows.deletion[$0] }, indicator: order.map { rows.indicator[$0] })
        }
        return PTPTable.Release(
            name: name, setting: setting, sortedKeys: rows.keys, effective: rows.effective, deletion: rows.deletion,
            indicator: rows.indicator)
    }
}

/// A buffer that tasks of `concurrentPerform` each write one distinct element of.
private struct SendableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Element>
    init(_ base: UnsafeMutableBufferPointer<Element>) { self.base = base }
}
