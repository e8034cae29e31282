import Testing

@testable import ClaimScrubber

/// Pass 2 takes the line id and encounter id of a line with encounter findings straight from its
/// bytes: the field as the parser reads it (unquoted, `""` unescaped) with spaces trimmed.
@Suite struct RecordFieldsTests {
    func field(_ index: Int, _ record: String, delimiter: UInt8 = 0x2C) -> String {
        let bytes = Array(record.utf8)
        let value = bytes.withUnsafeBytes { RecordFields.field(index, of: $0, delimiter: delimiter) }
        return String(decoding: value, as: UTF8.self)
    }

    @Test func plainQuotedAndEscapedFields() {
        let record = "L1,\"E, 2\",\"say \"\"hi\"\"\", spaced ,,last\r\n"
        #expect(field(0, record) == "L1")
        #expect(field(1, record) == "E, 2")
        #expect(field(2, record) == "say \"hi\"")
        #expect(field(3, record) == "spaced")
        #expect(field(4, record) == "")
        #expect(field(5, record) == "last")
    }

    @Test func aFieldPastTheRecordIsEmpty() {
        #expect(field(3, "a,b,c\n") == "")
        #expect(field(0, "") == "")
    }

    @Test func quotedNewlinesAndOtherDelimiters() {
        #expect(field(1, "x|\"two\nlines\"|z", delimiter: 0x7C) == "two\nlines")
        #expect(field(2, "x\t\"a\tb\"\tz\n", delimiter: 0x09) == "z")
        // A quote inside an unquoted field is text, as the parser reads it.
        #expect(field(0, "ab\"c,d") == "ab\"c")
    }

    /// An unquoted field is copied whole and a quoted one byte by byte: both must find the field
    /// where the parser does, past quoted fields holding delimiters and doubled quotes.
    @Test func fieldsAfterQuotedOnesAndQuotesThatOpenNothing() {
        let record = "\"a\"\"b,c\",  d e  ,\"q\"tail, \"x\" ,\"\"\n"
        #expect(field(0, record) == "a\"b,c")
        #expect(field(1, record) == "d e")
        // Text after a closing quote stays part of the field (the parser holds such a record).
        #expect(field(2, record) == "qtail")
        // After a space a quote opens nothing: it is text, kept with the field's other bytes.
        #expect(field(3, record) == "\"x\"")
        #expect(field(4, record) == "")
        #expect(field(5, record) == "")
    }
}
