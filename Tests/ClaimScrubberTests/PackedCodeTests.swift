import Testing

@testable import ClaimScrubber

/// Codes are packed six bits a character; `unpack` gives the text back (upper case, no dots), which
/// the findings and the report show.
@Suite struct PackedCodeTests {
    @Test func unpackGivesBackWhatWasPacked() {
        for code in ["A", "99213", "G0008", "E11.9", "z23", "J45.909", "S72.001A", "0123456789", "ZZZZZZZZZZ"] {
            let packed = PackedCode.pack(code)!
            let text = code.uppercased().replacingOccurrences(of: ".", with: "")
            #expect(PackedCode.unpack(packed) == text, "\(code)")
            #expect(PackedCode.unpack(packed).utf8.count == PackedCode.length(packed))
        }
    }

    @Test func nothingPackedIsEmptyText() {
        #expect(PackedCode.unpack(0) == "")
        #expect(PackedCode.pack("") == 0)
    }

    @Test func unpackedCodesSortAsTheirPackedValues() {
        let codes = ["99213", "9921", "A0001", "Z99", "0", "J1885", "J18"].map { PackedCode.pack($0)! }
        #expect(codes.sorted() == codes.sorted { PackedCode.unpack($0) < PackedCode.unpack($1) })
    }
}
