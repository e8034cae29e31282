import Testing

@testable import ClaimScrubber

/// `RecordSet` (one bit per record, in pages) against a plain `Set<Int>`, across page ends.
@Suite struct RecordSetTests {
    static let pageRecords = RecordSet.pageWords * 64

    @Test func membershipCountAndRangesMatchAPlainSet() {
        var rng = SplitMix64(seed: 7)
        var set = RecordSet()
        var reference = Set<Int>()
        // Records around page ends, a gap of several empty pages, and repeats.
        var records = [
            0, 63, 64, Self.pageRecords - 1, Self.pageRecords, Self.pageRecords + 1, 5 * Self.pageRecords + 3,
        ]
        for _ in 0..<2_000 { records.append(rng.int(0...(6 * Self.pageRecords))) }
        records += records.prefix(50)
        for r in records {
            set.insert(r)
            reference.insert(r)
        }
        #expect(set.count == reference.count)
        for probe in [
            0, 1, 62, 63, 64, 65, Self.pageRecords - 1, Self.pageRecords, 3 * Self.pageRecords, 9 * Self.pageRecords,
        ] {
            #expect(set.contains(probe) == reference.contains(probe), "record \(probe)")
        }
        for _ in 0..<5_000 {
            let r = rng.int(0...(7 * Self.pageRecords))
            #expect(set.contains(r) == reference.contains(r), "record \(r)")
        }
        for _ in 0..<500 {
            let lower = rng.int(0...(6 * Self.pageRecords))
            let range = lower..<(lower + rng.int(0...300))
            #expect(set.intersects(range) == range.contains { reference.contains($0) }, "range \(range)")
        }
    }

    @Test func emptySetHoldsNothing() {
        let set = RecordSet()
        #expect(set.count == 0)
        #expect(!set.contains(0))
        #expect(!set.intersects(0..<1_000))
    }
}
