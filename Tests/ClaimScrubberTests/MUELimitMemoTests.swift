import Testing

@testable import ClaimScrubber

/// The shard stage answers E04's and E05's MUE look-ups from a per-job memo: it must give what the
/// table gives, for codes with and without an MUE, in every release, and look each key up once.
@Suite struct MUELimitMemoTests {
    @Test func answersAsTheTableDoesAndLooksEachKeyUpOnce() throws {
        let mue = Fixtures.demoTablesCache.mue
        try #require(!mue.releases.isEmpty)
        let memo = MUELimitMemo()
        var lookUps = 0
        for round in 0..<2 {
            for (release, r) in mue.releases.enumerated() {
                // The release's own codes, and codes without an MUE (packed, never in the table).
                let absent = (0..<50).map { PackedCode.pack("Z\(String(format: "%04d", $0))")! }
                for code in r.codes.keys.prefix(2000) + absent {
                    let expected = mue.limit(code: code, release: release)
                    let got = memo.limit(code: code, release: release) {
                        lookUps += 1
                        return mue.limit(code: code, release: release)
                    }
                    #expect(got == expected, "release \(release), code \(PackedCode.unpack(code)), round \(round)")
                }
            }
        }
        // The second round asked nothing new; with 1024 slots a few first-round keys may share one.
        let keys = mue.releases.reduce(0) { $0 + min($1.codes.keys.count, 2000) + 50 }
        #expect(lookUps >= keys && lookUps < keys + keys / 2)
    }

    @Test func keysOutsideItsRangeAreLookedUpEveryTime() {
        let memo = MUELimitMemo()
        var lookUps = 0
        let limit = MUETable.Limit(value: 3, mai: 2)
        for _ in 0..<3 {
            _ = memo.limit(code: 42, release: 16) {
                lookUps += 1; return limit
            }
            _ = memo.limit(code: .max, release: 0) {
                lookUps += 1; return nil
            }
        }
        #expect(lookUps == 6)
        // One code in two releases: two entries, each with its own answer.
        #expect(memo.limit(code: 42, release: 1) { limit } == limit)
        #expect(memo.limit(code: 42, release: 2) { nil } == nil)
        #expect(memo.limit(code: 42, release: 1) { nil } == limit)
    }
}
