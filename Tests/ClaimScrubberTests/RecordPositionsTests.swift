import Testing

@testable import ClaimScrubber

/// Claim-file record positions for E01/E02 rows, kept in fixed pages of 4-byte entries.
@Suite struct RecordPositionsTests {
    /// Positions read back as appended across page boundaries; one past what 4 bytes hold, or
    /// negative, is not kept (no line named rather than a wrong one); records never appended are nil.
    @Test func positionsReadBackAcrossPages() {
        var positions = RecordPositions()
        let count = 200_000
        for r in 0..<count { positions.append(r == 70_000 ? 1 << 33 : r == 70_001 ? -1 : 3 * r + 7) }
        #expect(positions.count == count)
        for r in [0, 1, 65_535, 65_536, 65_537, 131_072, 199_999] { #expect(positions[r] == 3 * r + 7) }
        #expect(positions[70_000] == nil)
        #expect(positions[70_001] == nil)
        #expect(positions[69_999] == 3 * 69_999 + 7)
        #expect(positions[count] == nil)
        #expect(positions[-1] == nil)
    }
}
