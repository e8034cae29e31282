import Testing

@testable import ClaimScrubber

/// Large patient-day groups (a placeholder patient id) go through each encounter rule's indexed
/// path; it must give exactly the findings of comparing every pair of lines.
@Suite struct LargeGroupRuleTests {
    /// Codes of the demo PTP pairs (indicators 0, 1 and 9), MUE date-of-service edits and add-ons.
    static let codes = [
        "11042", "11000", "20610", "20611", "93000", "93005", "97140", "97530", "99214", "36415", "99213", "99211",
        "11045", "11102", "11103", "99204", "99212",
    ].map { PackedCode.pack($0)! }
    static let modifiers: [UInt64] = [0, 0, 0] + ["59", "25", "76", "LT"].map { UInt64(ModifierCode.pack($0)) << 36 }

    static func group(size: Int, rng: inout SplitMix64) -> [EncounterLine] {
        let day = DayNumber.parse("2026-05-15")
        return (0..<size).map { i in
            let credit = rng.int(0...9) == 0
            return EncounterLine(
                ordinal: UInt64(i), patient: 1, code: codes[rng.int(0...(codes.count - 1))],
                modifiers: modifiers[rng.int(0...(modifiers.count - 1))], amountCents: credit ? -1_000 : 1_000,
                day: day,
                units: Int32(credit ? -1 : rng.int(1...4)), rendering: UInt32(rng.int(1...3)),
                billing: UInt32(rng.int(1...2)), department: 0, payer: 0,
                flags: rng.int(0...3) == 0 ? EncounterLine.institutional : 0)
        }
    }

    @Test func indexedPathsFindWhatThePairwiseScansFind() {
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        let day = DayNumber.parse("2026-05-15")
        let ptp = context.tables.ptp
        let ptpReleases = (
            ptp.release(on: day, setting: .practitioner), ptp.release(on: day, setting: .outpatientHospital)
        )
        let mue = context.mueReleases(on: day)
        var rng = SplitMix64(seed: 21)
        var totals = (ptp: 0, mue: 0, addOn: 0)
        for size in [2, 5, 12, 33, 60, 150, 400] {
            for _ in 0..<20 {
                let lines = ArraySlice(Self.group(size: size, rng: &rng))
                var pairwise: [EncounterFinding] = []
                var indexed: [EncounterFinding] = []
                PTPRule().checkPairwise(lines, context, practitioner: ptpReleases.0, hospital: ptpReleases.1, &pairwise)
                PTPRule().checkIndexed(lines, context, practitioner: ptpReleases.0, hospital: ptpReleases.1, &indexed)
                #expect(indexed.sorted(by: <) == pairwise.sorted(by: <), "PTP, \(size) lines")
                totals.ptp += pairwise.count
                pairwise = []
                indexed = []
                MUEDateOfServiceRule().checkPairwise(
                    lines, context, practitioner: mue.practitioner, hospital: mue.hospital, &pairwise)
                MUEDateOfServiceRule().checkIndexed(
                    lines, context, practitioner: mue.practitioner, hospital: mue.hospital, &indexed)
                #expect(indexed.sorted(by: <) == pairwise.sorted(by: <), "MUE, \(size) lines")
                totals.mue += pairwise.count
                pairwise = []
                indexed = []
                AddOnRule().check(lines, context, indexed: false, &pairwise)
                AddOnRule().check(lines, context, indexed: true, &indexed)
                #expect(indexed.sorted(by: <) == pairwise.sorted(by: <), "add-on, \(size) lines")
                totals.addOn += pairwise.count
            }
        }
        // The groups do exercise each rule.
        #expect(totals.ptp > 100 && totals.mue > 100 && totals.addOn > 20, "\(totals)")
    }
}
