/// Reads the CMS HCPCS Level II file, fixed width or CSV.
///
/// Fixed width (`HCPC2019_CONTR_ANWEB.txt`): 320-byte records, 1-based positions: 1–5 code, 4–5
/// modifier (on modifier records), 11 record id (3 procedure, 4 its continuation, 7 modifier,
/// 8 its continuation), 230 coverage code, 269–276 added date, 277–284 action effective date,
/// 285–292 termination date (YYYYMMDD), 293 action code. The real file's quirks are accepted: a
/// preamble of Latin-1 disclaimer lines before the first record (every line before the first line
/// whose position 11 is a record id and whose code is well formed), tab padding, CRLF, and short
/// records (one 2019 record has 316 bytes): only continuation records may end before position 293.
///
/// CSV (recent years): a header naming `HCPC`, `RECID`, `COV`, `ADD DT`, `ACT EFF DT`, `TERM DT`,
/// `ACTION CD`; columns are found by name.
enum HCPCSLoader {
    static func load(_ text: TableText, name: String) throws -> HCPCSTable.Release {
        let firstLine = text.bytes.prefix { $0 != 0x0A && $0 != 0x0D }
        if firstLine.starts(with: Array("HCPC,".utf8)) || firstLine.starts(with: Array("\"HCPC\",".utf8)) {
            return try readCSV(text, name: name)
        }
        return try readFixedWidth(text, name: name)
    }

    struct Row {
        var code: UInt64
        var added: Int32
        var actionEffective: Int32
        var termination: Int32
        var action: UInt8
        var coverage: UInt8
        /// The file line, for naming both lines of a code given twice.
        var line: Int32
    }

    static func finish(_ rows: [Row], modifiers: [HCPCSTable.ModifierRecord], text: TableText, name: String) throws
        -> HCPCSTable.Release
    {
        guard !rows.isEmpty else { throw text.error("no HCPCS procedure records") }
        let sorted = rows.sorted { ($0.code, $0.line) < ($1.code, $1.line) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.code == b.code {
            throw text.error(
                "procedure code \(PackedCode.unpack(a.code)) appears twice (also line \(a.line))", line: Int(b.line),
                field: "HCPC")
        }
        var release = HCPCSTable.Release(name: name)
        release.codes = SortedCodes(sorted: sorted.map(\.code))
        release.added = sorted.map(\.added)
        release.actionEffective = sorted.map(\.actionEffective)
        release.termination = sorted.map(\.termination)
        release.action = sorted.map(\.action)
        release.coverage = sorted.map(\.coverage)
        release.modifiers = modifiers
        return release
    }

    // MARK: - Fixed width

    static func readFixedWidth(_ text: TableText, name: String) throws -> HCPCSTable.Release {
        var rows: [Row] = []
        rows.reserveCapacity(8_192)
        var modifiers: [HCPCSTable.ModifierRecord] = []
        var inRecords = false
        // The last procedure or modifier record: its id, code (positions 1–5), sequence (6–10).
        var lastRecord: (UInt8, [UInt8], [UInt8])?
        try text.forEachLine { number, line in
            if !inRecords {
                // The preamble ends at the first line that looks like a record.
                let coded =
                    line.count >= 11
                    && PackedCode.pack(TableText.trimmed(UnsafeRawBufferPointer(rebasing: line[0..<5]))) ?? 0 != 0
                guard coded, [0x33, 0x37].contains(line[10]), line[0..<11].allSatisfy({ $0 != 0x09 }) else {
                    // A line of a record's length with a code in front is no preamble: the first
                    // record with a damaged id (it was skipped as preamble, its code missing).
                    if coded && line.count >= 293 {
                        throw text.error(
                            "record id (position 11) must be 3, 4, 7 or 8", line: number, field: "record id")
                    }
                    return
                }
                inRecords = true
            }
            if TableText.isBlank(line) { return }
            guard line.count >= 11 else {
                throw text.error("record of \(line.count) bytes; a record has 320", line: number, field: "record id")
            }
            let recordID = line[10]
            switch recordID {
            case 0x34, 0x38:
                // Continuation records carry only more description, of the record just above: the
                // same code, a later sequence number. Anything else is a damaged record id, and the
                // record it hides would be missing from the table.
                guard let (id, code, sequence) = lastRecord, id == recordID - 1, line[0..<5].elementsEqual(code),
                    line.count >= 10, sequence.lexicographicallyPrecedes(line[5..<10])
                else {
                    throw text.error(
                        "a continuation record (id \(recordID - 0x30)) that does not continue the \(recordID == 0x34 ? "procedure" : "modifier") record above it (same code, later sequence number)",
                        line: number, field: "record id")
                }
                return
            case 0x33, 0x37:
                lastRecord = (recordID, Array(line[0..<5]), Array(line[5..<10]))
            default:
                throw text.error("record id (position 11) must be 3, 4, 7 or 8", line: number, field: "record id")
            }
            guard line.count >= 293 else {
                throw text.error(
                    "record of \(line.count) bytes ends before position 293", line: number, field: "action code")
            }
            // Text past position 320 is another record run on (a lost line end): it was dropped.
            if line.count > 320, !line[(line.startIndex + 320)...].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                throw text.error(
                    "record of \(line.count) bytes; a record has 320 (two records on one line?)", line: number,
                    field: "record id")
            }
            func field(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: line[(from - 1)..<to])
            }
            let added =
                try text.date(field(269, 276), line: number, field: "added date", optional: true) ?? DayNumber.missing
            let actionEffective =
                try text.date(field(277, 284), line: number, field: "action effective date", optional: true)
                ?? DayNumber.missing
            let termination =
                try text.date(field(285, 292), line: number, field: "termination date", optional: true)
                ?? DayNumber.missing
            let action = line[292]
            guard action == 0x20 || (action >= 0x41 && action <= 0x5A) else {
                throw text.error("action code (position 293) must be a letter", line: number, field: "action code")
            }
            if added != DayNumber.missing, termination != DayNumber.missing, added > termination {
                throw text.error(
                    "added \(DayNumber.format(added)), after its termination \(DayNumber.format(termination))",
                    line: number,
                    field: "added date")
            }
            if recordID == 0x37 {
                let code = TableText.trimmed(field(4, 5))
                guard field(1, 3).allSatisfy({ $0 == 0x20 }), code.count == 2, let a = PackedCode.value(code[0]),
                    let b = PackedCode.value(code[1])
                else {
                    throw text.error(
                        "modifier (positions 4–5, after three blanks) is not two letters or digits", line: number,
                        field: "modifier")
                }
                modifiers.append(
                    .init(
                        code: UInt16(a << 6 | b), added: added, actionEffective: actionEffective,
                        termination: termination,
                        action: action))
                return
            }
            let code = try text.code(field(1, 5), line: number, field: "HCPCS code", maxLength: 5)
            guard PackedCode.length(code) == 5 else {
                throw text.error(
                    "HCPCS code (positions 1–5) must have five characters", line: number, field: "HCPCS code")
            }
            let coverage = line[229]
            guard coverage == 0x20 || (coverage >= 0x41 && coverage <= 0x5A) else {
                throw text.error("coverage code (position 230) must be a letter", line: number, field: "coverage code")
            }
            rows.append(
                Row(
                    code: code, added: added, actionEffective: actionEffective, termination: termination,
                    action: action,
                    coverage: coverage, line: Int32(truncatingIfNeeded: number)))
        }
        return try finish(rows, modifiers: modifiers, text: text, name: name)
    }

    // MARK: - CSV

    static func readCSV(_ text: TableText, name: String) throws -> HCPCSTable.Release {
        var rows: [Row] = []
        var modifiers: [HCPCSTable.ModifierRecord] = []
        var header: [String] = []
        var column: [String: Int] = [:]
        var lastRecord: (String, String)?
        try text.forEachCSVRecord { number, cells in
            if header.isEmpty {
                header = cells.map { $0.trimmingSpaces.uppercased() }
                for (i, h) in header.enumerated() where column[h] == nil { column[h] = i }
                for required in ["HCPC", "RECID", "COV", "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD"]
                where column[required] == nil {
                    throw text.error("header has no '\(required)' column", line: number, field: required)
                }
                return
            }
            if cells.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return }
            guard cells.count == header.count else {
                throw text.error(
                    "\(cells.count) cells where the header has \(header.count)", line: number,
                    field: cells.count < header.count ? header[cells.count] : "(extra cell)")
            }
            func cell(_ name: String) -> String { cells[column[name]!].trimmingSpaces }
            let recordID = cell("RECID")
            if recordID == "4" || recordID == "8" {
                // More description of the record above (same HCPC); else a damaged RECID hides a record.
                guard let (id, code) = lastRecord, id == (recordID == "4" ? "3" : "7"), code == cell("HCPC") else {
                    throw text.error(
                        "a continuation row (RECID \(recordID)) that does not continue the row above it (same HCPC)",
                        line: number, field: "RECID")
                }
                return
            }
            guard recordID == "3" || recordID == "7" else {
                throw text.error("RECID must be 3, 4, 7 or 8", line: number, field: "RECID")
            }
            lastRecord = (recordID, cell("HCPC"))
            let added =
                try text.date(cell("ADD DT"), line: number, field: "ADD DT", optional: true) ?? DayNumber.missing
            let actionEffective =
                try text.date(cell("ACT EFF DT"), line: number, field: "ACT EFF DT", optional: true)
                ?? DayNumber.missing
            let termination =
                try text.date(cell("TERM DT"), line: number, field: "TERM DT", optional: true) ?? DayNumber.missing
            let actionText = Array(cell("ACTION CD").utf8)
            guard actionText.count <= 1, actionText.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw text.error("ACTION CD must be one letter", line: number, field: "ACTION CD")
            }
            let action = actionText.first ?? 0x20
            if added != DayNumber.missing, termination != DayNumber.missing, added > termination {
                throw text.error(
                    "added \(DayNumber.format(added)), after its termination \(DayNumber.format(termination))",
                    line: number,
                    field: "ADD DT")
            }
            let hcpc = Array(cell("HCPC").utf8)
            if recordID == "7" {
                // Modifier records carry the modifier in the code's last two positions, after three
                // blanks (as in the fixed layout): a procedure code under a damaged RECID 7 was
                // read as a modifier, and the procedure went missing.
                let code =
                    hcpc.count == 2
                    ? hcpc : hcpc.count == 5 && hcpc[0..<3].allSatisfy({ $0 == 0x20 }) ? Array(hcpc[3...]) : []
                guard code.count == 2, let a = PackedCode.value(code[0]), let b = PackedCode.value(code[1]) else {
                    throw text.error("modifier is not two letters or digits", line: number, field: "HCPC")
                }
                modifiers.append(
                    .init(
                        code: UInt16(a << 6 | b), added: added, actionEffective: actionEffective,
                        termination: termination,
                        action: action))
                return
            }
            let code = try text.code(cell("HCPC"), line: number, field: "HCPC", maxLength: 5)
            guard PackedCode.length(code) == 5 else {
                throw text.error("HCPC must have five characters", line: number, field: "HCPC")
            }
            let coverageText = Array(cell("COV").utf8)
            guard coverageText.count <= 1, coverageText.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw text.error("COV must be one letter", line: number, field: "COV")
            }
            rows.append(
                Row(
                    code: code, added: added, actionEffective: actionEffective, termination: termination,
                    action: action,
                    coverage: coverageText.first ?? 0x20, line: Int32(truncatingIfNeeded: number)))
        }
        return try finish(rows, modifiers: modifiers, text: text, name: name)
    }
}
