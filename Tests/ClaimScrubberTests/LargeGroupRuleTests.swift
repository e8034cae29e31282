import Testing

@testable import ClaimScrubber

/// Large patient-day groups (a placeholder patient id) go through `LargeGroup`: reversals marked
/// from the end, then each rule's two passes by key. That must give exactly the findings of
/// comparing every pair of lines.
@Suite struct LargeGroupRuleTests {
    /// Codes of the demo PTP pairs (indicators 0, 1 and 9), MUE date-of-service edits and add-ons.
    static let codes = [
        "11042", "11000", "20610", "20611", "93000", "93005", "97140", "97530", "99214", "36415", "99213", "99211",
        "11045", "11102", "11103", "99204", "99212",
    ].map { PackedCode.pack($0)! }
    static let modifiers: [UInt64] =
        [0, 0, 0] + ["59", "25", "76", "LT"].map { UInt64(ModifierCode.pack($0)) << 36 } + [0xFFF << 36]

    /// A patient-day of `size` lines; `few` keeps to two codes, one unit and one amount, so that
    /// credits find charges of their key.
    static func group(
        size: Int, rng: inout SplitMix64, day: Int32 = DayNumber.parse("2026-05-15"), few: Bool = false
    ) -> [EncounterLine] {
        (0..<size).map { i in
            let credit = rng.int(0...9) == 0
            let modifiers = few ? [0, 0xFFF << 36][rng.int(0...1)] : modifiers[rng.int(0...(modifiers.count - 1))]
            var flags = rng.int(0...3) == 0 ? EncounterLine.institutional : 0
            if EncounterLine.modifiersUnreadable(modifiers) { flags |= EncounterLine.unreadableModifiers }
            return EncounterLine(
                ordinal: UInt64(i), patient: 1, code: codes[rng.int(0...(few ? 1 : codes.count - 1))],
                modifiers: modifiers, amountCents: (credit ? -1 : 1) * Int64(few ? 1 : rng.int(1...2)) * 1_000,
                day: day,
                units: Int32(credit ? -1 : few ? 1 : rng.int(1...4)) * 1000,
                rendering: UInt32(rng.int(1...(few ? 2 : 3))),
                billing: UInt32(rng.int(1...2)), department: 0, payer: 0,
                flags: flags)
        }
    }

    /// The findings of comparing lines pairwise: credits scanned back to their charge, then each
    /// rule's `check`.
    static func pairwise(_ group: [EncounterLine], _ context: EncounterContext) -> [EncounterFinding] {
        var lines = group
        var out: [EncounterFinding] = []
        Reversals.mark(&lines, lines.indices)
        for rule in EncounterRules.all { rule.check(lines[...], context, &out) }
        return out.sorted(by: <)
    }

    @Test func largeGroupsFindWhatThePairwiseScansFind() {
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        var rng = SplitMix64(seed: 21)
        var totals: [RuleID: Int] = [:]
        for size in [2, 5, 12, 33, 60, 150, 400] {
            for _ in 0..<20 {
                var lines = Self.group(size: size, rng: &rng)
                let expected = Self.pairwise(lines, context)
                var found: [EncounterFinding] = []
                LargeGroup.check(&lines, lines.indices, rules: EncounterRules.all, context: context, &found)
                #expect(found.sorted(by: <) == expected, "\(size) lines")
                for finding in expected { totals[finding.rule, default: 0] += 1 }
            }
        }
        // The groups do exercise each rule.
        for rule in [RuleID.E01, .E02, .E03, .E04, .E05, .E06] {
            #expect(totals[rule, default: 0] > 20, "\(rule): \(totals)")
        }
    }

    @Test func creditsReverseTheSameChargesReadFromEitherEnd() {
        var rng = SplitMix64(seed: 4)
        var reversed = 0
        for size in [3, 10, 40, 200] {
            for _ in 0..<30 {
                let group = Self.group(size: size, rng: &rng, few: true)
                var scanned = group
                Reversals.mark(&scanned, scanned.indices)
                var backward = group
                var pass = Reversals.Backward()
                for i in backward.indices.reversed() { pass.visit(&backward[i]) }
                #expect(backward == scanned, "\(size) lines")
                reversed += scanned.filter { $0.flags & EncounterLine.reversed != 0 }.count
            }
        }
        #expect(reversed > 100)
    }
}
