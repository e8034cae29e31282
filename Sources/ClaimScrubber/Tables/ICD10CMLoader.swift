/// Reads one ICD-10-CM release: the CMS order file or the project's TSV form.
///
/// Order file (`icd10cm_order_2026.txt`), fixed width, 1-based positions: 1–5 order number,
/// 7–13 code without dot (space padded), 15 flag (0 header, 1 billable), 17–76 short title,
/// 78– long title. TSV (`icd10cm-fy2026.tsv`): header `code code_dotted billable description`,
/// tab-separated. The form is told by the first line, not by the name.
enum ICD10CMLoader {
    static func load(_ text: TableText, name: String, period: ServicePeriod) throws -> ICD10CMTable.Release {
        var release = ICD10CMTable.Release(name: name, period: period, codes: [], billable: [])
        release.codes.reserveCapacity(text.bytes.count / 40)
        release.billable.reserveCapacity(text.bytes.count / 40)
        var lines: [Int32] = []
        if text.bytes.starts(with: Array("code\t".utf8)) {
            try readTSV(text, into: &release, lines: &lines)
        } else {
            try readOrderFile(text, into: &release, lines: &lines)
        }
        guard !release.codes.isEmpty else { throw text.error("no ICD-10-CM codes") }
        try requireEachCodeOnce(release.codes, lines: lines, text: text)
        return release
    }

    /// A code on two lines of one release (billable on one, a header on the other?) is refused
    /// naming both lines: either flag could be the wrong one.
    static func requireEachCodeOnce(_ codes: [UInt64], lines: [Int32], text: TableText) throws {
        // An order file in packed-code order takes one pass; the rest (the project's TSVs among
        // them) a sort of the indices, about 10M instructions for a release of 98k codes.
        if zip(codes, codes.dropFirst()).allSatisfy({ $0 < $1 }) { return }
        let order = codes.indices.sorted { (codes[$0], $0) < (codes[$1], $1) }
        for (a, b) in zip(order, order.dropFirst()) where codes[a] == codes[b] {
            throw text.error(
                "code \(PackedCode.unpack(codes[a])) appears twice (also line \(lines[a]))", line: Int(lines[b]),
                field: "code")
        }
    }

    static func readTSV(_ text: TableText, into release: inout ICD10CMTable.Release, lines: inout [Int32]) throws {
        var fields: [Range<Int>] = []
        var columns: [String] = []
        try text.forEachLine { number, line in
            if number == 1 {
                columns = TableText.string(line).split(separator: "\t", omittingEmptySubsequences: false).map(
                    String.init)
                guard columns.count >= 3, columns[0] == "code", columns[1] == "code_dotted", columns[2] == "billable"
                else {
                    throw text.error("expected the header 'code<TAB>code_dotted<TAB>billable<TAB>description'", line: 1)
                }
                return
            }
            if line.isEmpty { return }
            TableText.split(line, separator: 0x09, into: &fields)
            guard fields.count == columns.count else {
                throw text.error(
                    "\(fields.count) columns where the header has \(columns.count)", line: number,
                    field: fields.count < columns.count ? columns[fields.count] : "(extra column)")
            }
            let code = try text.icd10cmCode(
                UnsafeRawBufferPointer(rebasing: line[fields[0]]), line: number, field: "code")
            let dotted = UnsafeRawBufferPointer(rebasing: line[fields[1]])
            guard PackedCode.pack(dotted) == code else {
                throw text.error("code_dotted does not match code", line: number, field: "code_dotted")
            }
            let flag = UnsafeRawBufferPointer(rebasing: line[fields[2]])
            guard flag.count == 1, flag[0] == 0x30 || flag[0] == 0x31 else {
                throw text.error("billable must be 0 or 1", line: number, field: "billable")
            }
            release.codes.append(code)
            release.billable.append(flag[0] == 0x31)
            lines.append(Int32(truncatingIfNeeded: number))
        }
    }

    static func readOrderFile(_ text: TableText, into release: inout ICD10CMTable.Release, lines: inout [Int32]) throws
    {
        try text.forEachLine { number, line in
            if TableText.isBlank(line) { return }
            // A title holds no control character: a CR there is a file whose lines end in CR only,
            // read as one line (one code, the rest lost in its title).
            if line.contains(0x0D) {
                throw text.error(
                    "a carriage return inside the line (do the file's lines end in CR only?)", line: number,
                    field: "title")
            }
            // Order number (1–5), blank (6), code (7–13), blank (14), flag (15), blank (16), title (17–).
            guard line.count >= 16 else {
                throw text.error(
                    "line of \(line.count) characters; an order-file record has at least 16", line: number,
                    field: "code")
            }
            let order = TableText.trimmed(UnsafeRawBufferPointer(rebasing: line[0..<5]))
            guard !order.isEmpty, order.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw text.error("order number (positions 1–5) is not a number", line: number, field: "order number")
            }
            guard line[5] == 0x20, line[13] == 0x20, line[15] == 0x20 else {
                throw text.error(
                    "not the fixed-width order-file layout (blanks expected at 6, 14 and 16)", line: number,
                    field: "code")
            }
            // The code is left-aligned in 7–13, without a dot.
            let field = UnsafeRawBufferPointer(rebasing: line[6..<13])
            guard field[0] != 0x20, !field.contains(0x2E) else {
                throw text.error(
                    "code (positions 7–13) must be left-aligned and without a dot", line: number, field: "code")
            }
            let code = try text.icd10cmCode(field, line: number, field: "code")
            let flag = line[14]
            guard flag == 0x30 || flag == 0x31 else {
                throw text.error("flag (position 15) must be 0 or 1", line: number, field: "billable flag")
            }
            // Two records run together (a line end lost) read as one, the second lost in the
            // first's title: no title holds an order number, a code and a flag in the layout.
            if let position = embeddedRecord(in: line) {
                throw text.error(
                    "another record starts inside the title at position \(position) (a line end lost?)", line: number,
                    field: "title")
            }
            release.codes.append(code)
            release.billable.append(flag == 0x31)
            lines.append(Int32(truncatingIfNeeded: number))
        }
    }

    /// The 1-based position in an order-file line's titles (17 on) where a second record begins:
    /// five digits (a title's last word may be a number: digits may come before them), a blank, a code of three to seven letters or
    /// digits (a letter first) left-aligned in seven places, a blank, a flag 0 or 1, then a blank or
    /// the line's end. Nil when none does.
    static func embeddedRecord(in line: UnsafeRawBufferPointer) -> Int? {
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        @inline(__always) func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
        var s = 16
        while s &+ 15 <= line.count {
            defer { s &+= 1 }
            guard (0..<5).allSatisfy({ isDigit(line[s &+ $0]) }), line[s &+ 5] == 0x20, isLetter(line[s &+ 6]) else {
                continue
            }
            var k = s &+ 7
            while k < s &+ 13 && (isDigit(line[k]) || isLetter(line[k])) { k &+= 1 }
            guard k &- (s &+ 6) >= 3 else { continue }
            while k < s &+ 13 && line[k] == 0x20 { k &+= 1 }
            guard k == s &+ 13, line[k] == 0x20, line[k &+ 1] == 0x30 || line[k &+ 1] == 0x31,
                k &+ 2 == line.count || line[k &+ 2] == 0x20
            else { continue }
            return s &+ 1
        }
        return nil
    }
}
