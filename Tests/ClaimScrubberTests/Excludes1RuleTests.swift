import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct Excludes1RuleTests {
    @Test(arguments: [
        (["A09", "K52.9"], "2026-03-02", ["M04 dx2"]), (["K52.9", "A09"], "2026-03-02", ["M04 dx2"]),
        // Both notes name each other: one finding for the pair.
        (["E11.9", "E10.9"], "2026-03-02", ["M04 dx2"]), (["I10", "E11.9", "A09", "E10.9"], "2026-03-02", ["M04 dx4"]),
        (["A09", "I10"], "2026-03-02", []), (["A09"], "2026-03-02", []), (["A09", "A09"], "2026-03-02", []),
        // Outside the Excludes1 release's dates nothing is edited.
        (["A09", "K52.9"], "2025-09-30", []),
    ] as [([String], String, [String])])
    func pairsOnOneLine(_ dx: [String], _ date: String, _ expected: [String]) throws {
        var line = ["service_date": date, "post_date": date]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        let results = try RuleHarness.run([line], tables: RuleFixtures.tables, rules: [Excludes1Rule()])
        #expect(results.map { "\($0.rule) \($0.field)" } == expected)
    }
}
