import Foundation
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

    /// In memory, and past a budget of 1 MB, when the finished segments go to a file (three of the
    /// four here) and a reader loads them back one at a time.
    @Test(arguments: [Int.max, 1 << 20])
    func findingsReadBackAsAppendedAcrossSegments(budget: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        do {
            var stored = StoredFindings(memoryBudget: budget, directory: dir.path)
            #expect(stored.isEmpty)
            let n = 100_000  // four segments
            for i in 0..<n { try stored.append(Self.finding(i)) }
            #expect(stored.count == n)
            #expect(stored.spilledCount == (budget == .max ? 0 : 3 << 15))
            var reader = stored.reader()
            for i in [0, 1, 2, 32_767, 32_768, 32_769, 65_535, 65_536, 98_303, 98_304, n - 1]
                + (0..<500).map({ $0 * 137 })
            {
                let (a, b) = (try reader.finding(i), Self.finding(i))
                #expect(try reader.record(i) == b.record)
                #expect(try reader.rule(i) == b.rule)
                #expect(
                    [a.field, a.value, a.message, a.rule.rawValue, a.severity.rawValue]
                        == [b.field, b.value, b.message, b.rule.rawValue, b.severity.rawValue])
                #expect(a.record == b.record && a.position == b.position && a.claimLevel == b.claimLevel)
            }
            // Records are 3i: the first finding at or past a record, from any segment.
            for record in [0, 1, 3, 98_303 * 3, 98_303 * 3 + 1, 32_768 * 3 - 1, 65_536 * 3, (n - 1) * 3, n * 3] {
                #expect(try reader.firstIndex(ofRecordAtLeast: record) == min((record + 2) / 3, n), "\(record)")
            }
        }
        // The spilled segments' file goes with the findings.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
