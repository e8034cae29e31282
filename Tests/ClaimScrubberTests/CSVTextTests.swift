import Testing

@testable import ClaimScrubber

@Suite struct CSVTextTests {
    static let fields = [
        "", "plain", "a,b", "say \"hi\"", "\"", "line\nbreak", "cr\r", "π ≠ 3", String(repeating: "x", count: 15),
        String(repeating: "y", count: 16) + ",", String(repeating: "z", count: 31) + "\"",
        String(repeating: "w", count: 200), "\"\"", "a\"b\"c,", "\"start,", "end,\"", ",\"\"\",",
        "no loaded release covers 2026-10-05 (loaded: FY2025, FY2026)" + String(repeating: " \"q\"", count: 9),
    ]

    /// RFC 4180 as the tests read it: quoted, quotes doubled, when the text holds a comma, quote,
    /// CR or LF.
    static func quoted(_ text: String) -> [UInt8] {
        guard text.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else {
            return Array(text.utf8)
        }
        return Array(("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
    }

    /// The writer's fields and numbers, and `CSVText.append`'s, are the RFC 4180 bytes, within the
    /// writer's bounds.
    @Test func writerWritesWhatAppendWrites() {
        for text in Self.fields {
            let expected = Self.quoted(text)
            var appended: [UInt8] = []
            CSVText.append(text, to: &appended)
            #expect(appended == expected, "\(text)")
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { raw in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: CSVText.Writer.bound(field: raw.count)) { s in
                    var w = CSVText.Writer(s.baseAddress!)
                    w.field(raw)
                    return Array(UnsafeBufferPointer(start: s.baseAddress, count: w.count))
                }
            }
            #expect(written == expected, "\(text)")
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
}
