import Testing

@testable import ClaimScrubber

@Suite struct FieldBytesTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func setReplacesAndGrowsPastItsCapacity() {
        var field = FieldBytes(capacity: 8)
        var empty = field.isEmpty
        #expect(empty)
        bytes("E10000001").withUnsafeBytes { field.set($0) }
        var value = Array(field.bytes)
        #expect(value == bytes("E10000001"))
        bytes("AB").withUnsafeBytes { field.set($0) }
        value = Array(field.bytes)
        #expect(value == bytes("AB"))
        let long = String(repeating: "x", count: 100)
        bytes(long).withUnsafeBytes { field.append($0) }
        field.append(0x21)
        value = Array(field.bytes)
        #expect(value == bytes("AB" + long + "!"))
        let same = bytes("AB" + long + "!").withUnsafeBytes { field.equals($0) }
        #expect(same)
        field.removeAll()
        empty = field.isEmpty && Array(field.bytes).isEmpty
        #expect(empty)
        field.set(UnsafeRawBufferPointer(start: nil, count: 0))
        empty = field.isEmpty
        #expect(empty)
    }

    @Test func aListKeepsItsEntriesEmptyOnesIncluded() {
        var list = FieldList()
        for code in ["R079", "", "J0699", String(repeating: "Z", count: 300)] {
            bytes(code).withUnsafeBytes { list.append($0) }
        }
        let entries = (0..<list.count).map { Array(list[$0]) }
        #expect(entries == [bytes("R079"), [], bytes("J0699"), bytes(String(repeating: "Z", count: 300))])
        list.removeAll()
        let count = list.count
        #expect(count == 0)
        bytes("K219").withUnsafeBytes { list.append($0) }
        let first = Array(list[0])
        #expect(first == bytes("K219"))
    }

    /// The key is the patient's identity in the shard stage and in `patient_id`: written into a
    /// field it must stay the text `hashed` always gave (FNV-1a of the parts joined by 0x1F).
    @Test func patientKeysAreTheHashedTextOfBefore() {
        let parts = [bytes("P1"), bytes("DOE"), bytes("JIMMY"), bytes("20100505")]
        #expect(Self.hashed(parts) == bytes("H6c1e668b92c41a6e"))
        #expect(Self.hashed([[], [], [], []]) == bytes("H8f3e7418d31fe7b4"))
        var key = FieldBytes()
        parts[0].withUnsafeBytes { a in
            parts[1].withUnsafeBytes { b in
                parts[2].withUnsafeBytes { c in
                    parts[3].withUnsafeBytes { d in PatientKey.hash([a, b, c, d], into: &key) }
                }
            }
        }
        let text = Array(key.bytes)
        #expect(text == bytes("H6c1e668b92c41a6e"))
    }

    /// The key as the reader made it before fields were `FieldBytes`: the parts joined by 0x1F,
    /// hashed as one text.
    static func hashed(_ parts: [[UInt8]]) -> [UInt8] {
        let joined = Array(parts.joined(separator: [0x1F]))
        var key = FieldBytes()
        joined.withUnsafeBytes { PatientKey.hash([$0], into: &key) }
        return Array(key.bytes)
    }
}
