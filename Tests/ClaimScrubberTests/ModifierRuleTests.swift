import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ModifierRuleTests {
    @Test(
        arguments: [
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

    /// A table folder without the Level I list (a HCPCS file alone) knows nothing of `25`: it gets
    /// the form check only, as codes of a set not loaded do, instead of C07 on every E/M line.
    /// Without Level II modifiers, the same for those with a letter.
    @Test func aModifierOfALevelNotLoadedGetsTheFormCheckOnly() throws {
        var levelTwo = CodeTables()
        levelTwo.modifiers = ModifierTable([(ModifierTable.pack("LT")!, ServicePeriod(first: nil, last: nil))])
        let lines = [["modifier1": "25"], ["modifier1": "LT"], ["modifier1": "ZZ"], ["modifier1": "2-"]]
        #expect(try RuleHarness.run(lines, tables: levelTwo, rules: [ModifierRule()]).map(\.line) == ["L3", "L4"])
        var levelOne = CodeTables()
        levelOne.modifiers = ModifierTable([(ModifierTable.pack("25")!, ServicePeriod(first: nil, last: nil))])
        let others = [["modifier1": "25"], ["modifier1": "59"], ["modifier1": "ZZ"]]
        #expect(try RuleHarness.run(others, tables: levelOne, rules: [ModifierRule()]).map(\.line) == ["L2"])
    }

    /// The value of a C07 is the text as checked: a tab before `LT` made it malformed, and the
    /// finding showed `LT` beside "not a modifier".
    @Test func aMalformedModifierIsShownAsWritten() throws {
        let results = try RuleHarness.run([["modifier1": "\tLT"]], tables: RuleFixtures.tables, rules: [ModifierRule()])
        #expect(results.map(\.value) == ["\tLT"])
    }

    /// A fifth modifier has no place on a claim line (837 SV101-3..6 and the CMS-1500 hold four):
    /// C07 on the `modifiers` list, where it used to be dropped without a word.
    @Test func aFifthModifierIsC07() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,modifiers\n"
        let rows = [
            "L1,E1,P1,2026-03-02,99213,25:59:RT:LT", "L2,E1,P1,2026-03-02,99213,25:59:RT:LT:GP",
            "L3,E1,P1,2026-03-02,99213,25 59 RT LT GP XU",
        ]
        let findings = try Fixtures.findings(header: header, rows: rows, tables: RuleHarness.shipped)
            .filter { $0["rule"] == "C07" }
        #expect(findings.map { $0["line_id"]! } == ["L2", "L3"])
        #expect(findings.allSatisfy { $0["field"] == "modifiers" && $0["message"]!.contains("more than four") })
    }

    @Test func theShippedListsAcceptTheGeneratorsModifiers() throws {
        let lines = ["25", "RT", "LT", "GP", "59", "XU", "JZ"].map { ["modifier1": $0] }
        #expect(try RuleHarness.run(lines, tables: RuleHarness.shipped, rules: [ModifierRule()]).isEmpty)
    }
}
