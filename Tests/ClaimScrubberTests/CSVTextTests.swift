import Testing

@testable import ClaimScrubber

@Suite struct CSVTextTests {
    static let fields = [
        "", "plain", "a,b", "say \"hi\"", "\"", "line\nbreak", "cr\r", "π ≠ 3", String(repeating: "x", count: 15),
        String(repeating: "y", count: 16) + ",", String(repeating: "z", count: 31) + "\"",
        String(repeating: "w", count: 200), "\"\"", "a\"b\"c,", "\"start,", "end,\"", ",\"\"\",",
        "no loaded release covers 2026-10-05 (loaded: FY2025, FY2026)" + String(repeating: " \"q\"", count: 9),
        "=1+2", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "-85.00", "\tx", "-",
    ]

    /// RFC 4180 as the tests read it: quoted, quotes doubled, when the text holds a comma, quote,
    /// CR or LF.
    static func quoted(_ text: String) -> [UInt8] {
        guard text.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else {
            return Array(text.utf8)
        }
        return Array(("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
    }

    /// `text` as `CSVText.Writer` writes it, a cell or a plain field, into memory of the writer's bound.
    static func written(_ text: String, cell: Bool) -> [UInt8] {
        Array(text.utf8).withUnsafeBytes { raw in
            let bound = cell ? CSVText.Writer.bound(cell: raw.count) : CSVText.Writer.bound(field: raw.count)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { s in
                var w = CSVText.Writer(s.baseAddress!)
                if cell { w.cell(raw) } else { w.field(raw) }
                return Array(UnsafeBufferPointer(start: s.baseAddress, count: w.count))
            }
        }
    }

    /// The writer's fields and numbers, and `CSVText.append`'s, are the RFC 4180 bytes, within the
    /// writer's bounds.
    @Test func writerWritesWhatAppendWrites() {
        for text in Self.fields {
            let expected = Self.quoted(text)
            var appended: [UInt8] = []
            CSVText.append(text, to: &appended)
            #expect(appended == expected, "\(text)")
            #expect(Self.written(text, cell: false) == expected, "\(text)")
        }
        for value in [0, 7, 9, 10, 99, 100, 123_456_789, -1, -10, Int.max, Int.min] {
            let expected = Array(String(value).utf8)
            var appended: [UInt8] = []
            CSVText.append(value, to: &appended)
            #expect(appended == expected, "\(value)")
            let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: CSVText.Writer.numberBound) { s in
                var w = CSVText.Writer(s.baseAddress!)
                w.number(value)
                return Array(UnsafeBufferPointer(start: s.baseAddress, count: w.count))
            }
            #expect(written == expected, "\(value)")
        }
    }

    /// A findings row written whole is the row written field by field, with and without a line id,
    /// with ids that need repair (not UTF-8) and blank ids (the line number stands in).
    @Test func findingsRowIsTheFieldByFieldRow() {
        let ids: [[UInt8]?] = [nil, Array("L1".utf8), Array("L,\"2".utf8), [0x4C, 0xFF, 0x2C], [], [0x20, 0x09]]
        for lineId in ids {
            for encounter in [Array("E1".utf8), [0x45, 0xC3], Array("E \"x\"".utf8)] {
                for (k, text) in Self.fields.enumerated() {
                    let other = Self.fields[(k * 5 + 3) % Self.fields.count]
                    func row(_ whole: Bool) -> [UInt8] {
                        var rows: [UInt8] = [9]
                        encounter.withUnsafeBytes { e in
                            (lineId ?? []).withUnsafeBytes { l in
                                let id = lineId == nil ? nil : l
                                if whole {
                                    FindingsRow.append(
                                        line: 1000 + k, lineId: id, encounterId: e, rule: .M04, severity: .warning,
                                        field: text, value: other, message: text + other, file: other, to: &rows)
                                } else {
                                    FindingsRow.appendRepairing(
                                        line: 1000 + k, lineId: id, encounterId: e, rule: .M04, severity: .warning,
                                        field: text, value: other, message: text + other, file: other, to: &rows)
                                }
                            }
                        }
                        return rows
                    }
                    #expect(row(true) == row(false))
                }
            }
        }
    }

    /// A cell a spreadsheet would run as a formula gets an apostrophe first, inside the quotes
    /// when it is quoted; numbers with a sign and everything else are written as plain fields.
    @Test func formulaCellsAreDefused() {
        let defused: [(String, String)] = [
            ("=1+2", "'=1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
            ("\tx", "'\tx"), ("-A1", "'-A1"), ("+$", "'+$"), ("-1.2.3", "'-1.2.3"),
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("=A1,B1", "\"'=A1,B1\""), ("\rx", "\"'\rx\""),
        ]
        let plain = ["", "-", "+", "-85.00", "+3", "-1,200.50", "-$40", "99213", "a=b", " =1", "I10", "L-1"]
        for (text, expected) in defused + plain.map({ ($0, String(decoding: Self.quoted($0), as: UTF8.self)) }) {
            var appended: [UInt8] = []
            CSVText.append(cell: text, to: &appended)
            #expect(String(decoding: appended, as: UTF8.self) == expected, "\(text)")
            #expect(Self.written(text, cell: true) == appended, "\(text)")
            // A plain field (a generated extract) keeps the text as it is.
            var field: [UInt8] = []
            CSVText.append(text, to: &field)
            #expect(field == Self.quoted(text), "\(text)")
        }
    }

    /// findings.csv, opened in a spreadsheet, runs nothing an extract planted: a formula in the
    /// line id, encounter id or a code field reaches findings.csv with an apostrophe first, while
    /// the held output keeps the record byte for byte.
    @Test func findingsCSVRunsNoPlantedFormula() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,dx1\n"
        let record = "\"=HYPERLINK(\"\"http://x\"\",\"\"open\"\")\",@E1,P1,2026-06-01,=1+2,1,50.00,+I10\n"
        let (_, folder, rows) = try Fixtures.scrubInFolder(header + record, name: "formula.csv")
        defer { folder.remove() }
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(row["line_id"] == "'=HYPERLINK(\"http://x\",\"open\")", "\(row)")
            #expect(row["encounter_id"] == "'@E1", "\(row)")
            for column in ["value", "message", "field", "file"] {
                let cell = row[column] ?? ""
                #expect(!["=", "@", "+"].contains(cell.first.map(String.init) ?? ""), "\(column): \(cell)")
            }
        }
        #expect(rows.contains { $0["field"] == "procedure_code" && $0["value"] == "'=1+2" }, "\(rows)")
        #expect(rows.contains { $0["field"] == "dx1" && $0["value"] == "'+I10" }, "\(rows)")
        let held = try Fixtures.read(folder.file("out/held.csv"))
        #expect(held == Array((header + record).utf8))
    }
}
