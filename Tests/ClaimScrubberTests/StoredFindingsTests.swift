import Testing

@testable import ClaimScrubber

@Suite struct StoredFindingsTests {
    static func finding(_ i: Int) -> StoredFinding {
        StoredFinding(
            record: i * 3, rule: RuleID.allCases[i % RuleID.allCases.count], severity: i % 2 == 0 ? .error : .warning,
            field: i % 5 == 0 ? "" : "dx\(i % 13)", value: i % 7 == 0 ? "" : "é,\"\(i)\"",
            message: String(repeating: "message \(i) ", count: i % 4), position: i % 3 == 0 ? 0 : i + 17,
            claimLevel: i % 11 == 0)
    }

    @Test func findingsReadBackAsAppendedAcrossSegments() {
        var stored = StoredFindings()
        #expect(stored.isEmpty)
        let n = 70_000  // three segments
        for i in 0..<n { stored.append(Self.finding(i)) }
        #expect(stored.count == n)
        for i in [0, 1, 2, 32_767, 32_768, 32_769, 65_535, 65_536, n - 1] + (0..<500).map({ $0 * 137 }) {
            let (a, b) = (stored[i], Self.finding(i))
            #expect(stored.record(i) == b.record)
            #expect(
                [a.field, a.value, a.message, a.rule.rawValue, a.severity.rawValue]
                    == [b.field, b.value, b.message, b.rule.rawValue, b.severity.rawValue])
            #expect(a.record == b.record && a.position == b.position && a.claimLevel == b.claimLevel)
        }
    }
}
