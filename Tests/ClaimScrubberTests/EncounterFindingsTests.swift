import Testing

@testable import ClaimScrubber

/// The shard stage's findings, kept as sorted runs: read back in order they must equal one sort of
/// them all.
@Suite struct EncounterFindingsTests {
    static func finding(_ ordinal: UInt64, _ rule: RuleID, other: UInt64 = 0) -> EncounterFinding {
        EncounterFinding(
            line: EncounterLine(
                ordinal: ordinal, patient: ordinal % 97, code: PackedCode.pack("99213")!, modifiers: 0, amountCents: 100,
                day: 20_600, units: 1, rendering: 0, billing: 0, department: 0, payer: 0, flags: 0),
            rule: rule, severity: .error, other: other)
    }

    @Test func runsMergeIntoTheOrderOfOneSort() {
        var rng = SplitMix64(seed: 11)
        var findings = EncounterFindings()
        var all: [EncounterFinding] = []
        let rules: [RuleID] = [.E01, .E02, .E03, .E05, .E06]
        // Runs of every size, as the shards give them: a line (ordinal) belongs to one run only,
        // and may carry several findings.
        for run in 0..<300 {
            var mine: [EncounterFinding] = []
            for _ in 0..<rng.int(0...40) {
                let ordinal = UInt64(rng.int(0...20_000) * 300 + run)
                for _ in 0..<rng.int(1...3) {
                    mine.append(Self.finding(ordinal, rules[rng.int(0...4)], other: UInt64(rng.int(0...2))))
                }
            }
            mine.sort(by: <)
            findings.add(sorted: mine)
            all += mine
        }
        all.sort(by: <)
        #expect(findings.count == all.count)
        #expect(findings.sorted() == all)
        var cursor = EncounterFindings.Cursor(findings)
        var read: [EncounterFinding] = []
        while cursor.nextOrdinal != .max {
            let ordinal = cursor.nextOrdinal
            let next = cursor.next()
            #expect(next?.ordinal == ordinal)
            read.append(next!)
        }
        #expect(cursor.next() == nil)
        #expect(read == all)
        var unordered: [EncounterFinding] = []
        findings.forEach { unordered.append($0) }
        #expect(unordered.sorted(by: <) == all)
    }

    @Test func noFindingsReadAsNone() {
        var findings = EncounterFindings()
        findings.add(sorted: [])
        var cursor = EncounterFindings.Cursor(findings)
        #expect(findings.count == 0)
        #expect(cursor.nextOrdinal == .max)
        #expect(cursor.next() == nil)
        #expect(findings.sorted().isEmpty)
    }
}
