import Testing

@testable import ClaimScrubber

@Suite struct ScrubErrorTests {
    @Test func namesFileLineAndFieldBeforeTheMessage() {
        #expect(ScrubError("bad", file: "a.csv", line: 3, field: "units").description == "a.csv:3 field 'units': bad")
        #expect(ScrubError("bad", line: 3).description == "line 3: bad")
        #expect(ScrubError("bad").description == "bad")
    }

    /// A message quoting a broken file's bytes shows control characters as escapes: an escape
    /// sequence would act on the terminal, a CR or LF split the one-line message.
    @Test func controlCharactersAreShownAsEscapes() {
        let error = ScrubError("'\u{1B}[2J0' is not a code\r\n", file: "ptp\u{0}.txt", line: 8, field: "column 1")
        #expect(error.description == "ptp\\x00.txt:8 field 'column 1': '\\x1B[2J0' is not a code\\x0D\\x0A")
        #expect(ScrubError("x\u{85}y\u{2028}").description == "x\\x85y\\u{2028}")
        // Text without them, accents and the replacement character included, is left as it is.
        #expect(ScrubError("café \u{FFFD} 'Ω'").description == "café \u{FFFD} 'Ω'")
    }

    /// A table loader's message quoting raw bytes of a cell reaches the user escaped.
    @Test func aTableCellsRawBytesReachTheMessageEscaped() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["\u{1B}[2J0\t11000\t\t20250101\t*\t1\tx"]))
        let error = expectTableError(file: "ccipra-v321r0-f1.txt", line: 7, field: "column 1") { _ = try folder.load() }
        let text = try #require(error).description
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 }, "\(text)")
        #expect(text.contains("\\x1B[2J0"))
    }
}
