import Testing

@testable import ClaimScrubber

/// Claim-file record positions for E01/E02 rows, about a byte each.
@Suite struct RecordPositionsTests {
    /// Positions read back as appended, across blocks and pages, a large one and a fall back to
    /// the start of another file among them; a negative one is not kept (no line named rather
    /// than a wrong one); records never appended are nil.
    @Test func positionsReadBackAsAppended() {
        var positions = RecordPositions()
        let count = 200_000
        func position(_ r: Int) -> Int {
            r == 70_000 ? 1 << 33 : r == 70_001 ? -1 : r >= 150_000 ? r - 150_000 : 3 * r + 7
        }
        for r in 0..<count { positions.append(position(r)) }
        #expect(positions.count == count)
        for r in [0, 1, 63, 64, 65, 65_535, 65_536, 65_537, 131_072, 149_999, 150_000, 150_001, 199_999] {
            #expect(positions[r] == position(r), "\(r)")
        }
        #expect(positions[70_000] == 1 << 33)
        #expect(positions[70_001] == nil)
        #expect(positions[70_002] == position(70_002))
        #expect(positions[count] == nil)
        #expect(positions[-1] == nil)
    }
}
