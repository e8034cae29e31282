import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Findings spool")
struct FindingsSpoolTests {
    /// A record number's low bytes can spell a zstd skippable frame's magic (0x184D2A50…5F): the
    /// spool is still read as the plain frames it is.
    @Test(arguments: [UInt64(0), 0x184D_2A50, 0x184D_2A5F, 0xFD2F_B528])
    func framesReadBackWhateverTheFirstRecordNumberSpells(first: UInt64) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let spool = try FindingsSpool(directory: folder.path)
        defer { spool.remove() }
        var rows: [UInt8] = []
        for (record, text) in [(first, "row one\n"), (first + 3, "row two\n")] {
            let lengthAt = FindingsSpool.beginRow(record: record, in: &rows)
            rows += Array(text.utf8)
            FindingsSpool.endRow(lengthAt: lengthAt, in: &rows)
        }
        try spool.append(rows, base: 0)
        try spool.finish()
        let reader = try FindingsSpool.Reader(path: spool.path)
        var read: [(UInt64, String)] = []
        while let frame = try reader.next() { read.append((frame.record, String(decoding: frame.row, as: UTF8.self))) }
        #expect(read.map(\.0) == [first, first + 3])
        #expect(read.map(\.1) == ["row one\n", "row two\n"])
    }
}
