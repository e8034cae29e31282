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

    /// Modifiers the 2019 HCPCS file predates, and the CPT Category II performance measurement
    /// modifiers: each was C07 on good lines. AB (audiology without an order) is valid from
    /// 2023; the AUC modifiers MA–MH from 2020 through 2024; 1P, 2P, 3P and 8P always. QQ, the
    /// AUC modifier the 2019 file has open-ended, ended with them: the supplement's dates are its.
    @Test(
        arguments: [
            ("QQ", "2024-12-31", false), ("QQ", "2025-01-01", true), ("QQ", "2019-06-03", false),
            ("AB", "2023-01-01", false), ("AB", "2022-12-31", true), ("ME", "2024-06-03", false),
            ("MH", "2020-01-01", false), ("MA", "2025-01-02", true), ("1P", "2026-03-02", false),
            ("2P", "2026-03-02", false), ("3P", "2026-03-02", false), ("8P", "2026-03-02", false),
            ("4P", "2026-03-02", true), ("9Z", "2026-03-02", true),
        ] as [(String, String, Bool)])
    func theShippedListsKnowNewerAndCategoryTwoModifiers(_ modifier: String, _ date: String, _ flagged: Bool) throws {
        let results = try RuleHarness.run(
            [["procedure_code": "3074F", "modifier1": modifier, "service_date": date, "post_date": date]],
            tables: RuleHarness.shipped, rules: [ModifierRule()])
        #expect(results.map(\.rule) == (flagged ? [.C07] : []), "\(results)")
    }

    /// A Level II modifier's list is the HCPCS release's: on a date no loaded HCPCS release serves
    /// (before 2019 with the shipped CY2019 file) it is not checked, and the line gets one C06
    /// naming HCPCS instead of C07 ("CO is valid 2019-01-01..open"), as a procedure code does;
    /// none beside a Level II procedure code's own C06. Level I modifiers are still checked, and so
    /// are the supplement's (their dates hold on any day: FS from 2022 is C07 in 2018).
    @Test func aLevelTwoModifierOnADateNoHCPCSReleaseServesIsC06() throws {
        func run(_ code: String, _ m1: String, _ m2: String, _ date: String) throws -> [String] {
            try RuleHarness.run(
                [["procedure_code": code, "modifier1": m1, "modifier2": m2, "service_date": date, "post_date": date]],
                tables: RuleHarness.shipped, rules: [ModifierRule()]
            ).map { "\($0.rule) \($0.field) \($0.value)" }
        }
        #expect(try run("99213", "CO", "ZZ", "2018-12-31") == ["C06 modifier1 HCPCS"])
        #expect(try run("99213", "25", "RT", "2018-12-31") == ["C06 modifier2 HCPCS"])
        #expect(try run("99213", "22", "", "2018-12-31") == [])
        #expect(try run("99213", "4P", "", "2018-12-31") == ["C07 modifier1 4P"])
        #expect(try run("J1100", "RT", "ZZ", "2018-12-31") == [])
        #expect(try run("99213", "FS", "", "2018-12-31") == ["C07 modifier1 FS"])
        #expect(try run("99213", "FS", "RT", "2018-12-31") == ["C06 modifier2 HCPCS", "C07 modifier1 FS"])
        #expect(try run("99213", "CO", "ZZ", "2019-01-01") == ["C07 modifier2 ZZ"])
        let message = try RuleHarness.run(
            [["modifier1": "RT", "service_date": "2018-06-01", "post_date": "2018-06-01"]],
            tables: RuleHarness.shipped, rules: [ModifierRule()]
        ).first?.message
        #expect(message?.hasPrefix("no loaded HCPCS release covers the date of service 2018-06-01") == true)
        #expect(message?.hasSuffix("modifier RT not checked") == true)
    }

    /// A digit first is Level I, two digits or a Category II modifier: with only the Level I list
    /// loaded, `8P` is checked against it and a Level II modifier gets the form check only.
    @Test func aDigitFirstIsLevelOne() {
        #expect(ModifierTable.isLevelOne(ModifierTable.pack("8P")!))
        #expect(ModifierTable.isLevelOne(ModifierTable.pack("59")!))
        #expect(!ModifierTable.isLevelOne(ModifierTable.pack("P8")!))
        let levelOne = ModifierTable([(ModifierTable.pack("8P")!, ServicePeriod(first: nil, last: nil))])
        #expect(levelOne.hasLevelOne && !levelOne.hasLevelTwo)
        #expect(!levelOne.covers(ModifierTable.pack("RT")!))
    }

    @Test func theShippedListsAcceptTheGeneratorsModifiers() throws {
        let lines = ["25", "RT", "LT", "GP", "59", "XU", "JZ"].map { ["modifier1": $0] }
        #expect(try RuleHarness.run(lines, tables: RuleHarness.shipped, rules: [ModifierRule()]).isEmpty)
    }
}
