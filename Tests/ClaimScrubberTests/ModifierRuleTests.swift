import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ModifierRuleTests {
    @Test(arguments: [
        ("25", "", "2026-03-02", [String]()), ("RT", "59", "2026-03-02", []), ("FS", "", "2022-01-01", []),
        ("FS", "", "2021-12-31", ["C07 modifier1 FS"]), ("", "YZ", "2026-03-02", ["C07 modifier2 YZ"]),
        ("R-", "GP", "2026-03-02", ["C07 modifier1 R-"]), ("RTX", "", "2026-03-02", ["C07 modifier1 RTX"]),
        ("22", "", "2026-03-02", ["C07 modifier1 22"]),  // not in this fixture's Level I list
    ] as [(String, String, String, [String])])
    func checksEachModifierOnItsDate(_ m1: String, _ m2: String, _ date: String, _ expected: [String]) throws {
        let results = try RuleHarness.run(
            [["modifier1": m1, "modifier2": m2, "service_date": date, "post_date": date]], tables: RuleFixtures.tables,
            rules: [ModifierRule()])
        #expect(results.map { "\($0.rule) \($0.field) \($0.value)" } == expected)
    }

    @Test func theShippedListsAcceptTheGeneratorsModifiers() throws {
        let lines = ["25", "RT", "LT", "GP", "59", "XU", "JZ"].map { ["modifier1": $0] }
        #expect(try RuleHarness.run(lines, tables: RuleHarness.shipped, rules: [ModifierRule()]).isEmpty)
    }
}
