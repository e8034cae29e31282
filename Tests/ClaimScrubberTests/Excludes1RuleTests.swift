import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct Excludes1RuleTests {
    @Test(
        arguments: [
            (["A09", "K52.9"], "2026-03-02", ["M04 dx2"]), (["K52.9", "A09"], "2026-03-02", ["M04 dx2"]),
            // Both notes name each other: one finding for the pair.
            (["E11.9", "E10.9"], "2026-03-02", ["M04 dx2"]),
            (["I10", "E11.9", "A09", "E10.9"], "2026-03-02", ["M04 dx4"]),
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

    /// An Excludes1 note on a section or a chapter of the tabular applies to every code in it: the
    /// section I10-I1A's note names I27.0, the section J00-J06's J44.0, chapter 4's P70-P74.
    /// Such notes were left out, and these pairs passed. The other codes of a section stay apart.
    @Test(
        arguments: [
            (["I10", "I27.0"], true), (["I13.0", "P29.2"], true), (["J00", "J44.0"], true),
            (["E03.9", "P72.0"], true), (["E16.2", "P70.4"], true), (["I10", "I27.1"], false),
            (["I10", "E11.9"], false), (["J00", "J01.90"], false),
        ] as [([String], Bool)])
    func notesOnSectionsAndChaptersApplyToTheirCodes(_ dx: [String], _ excluded: Bool) throws {
        var line = ["service_date": "2026-03-02", "post_date": "2026-03-02"]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        let results = try RuleHarness.run([line], tables: RuleHarness.shipped, rules: [Excludes1Rule()])
        #expect(results.map(\.rule) == (excluded ? [.M04] : []), "\(results)")
    }

    /// A diagnosis that is not shaped like an ICD-10-CM code (C04 on its form) is no side of a
    /// pair: `E1199999` packs, and fell inside E08's note naming E11, holding the valid E08.00.
    @Test(arguments: [["E1199999", "E08.00"], ["E11.99999", "E08.00"], ["R40.2364", "E1"], ["E08.00", "E11999999"]])
    func aMalformedDiagnosisMakesNoPair(_ dx: [String]) throws {
        var line = ["service_date": "2026-03-02", "post_date": "2026-03-02"]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        #expect(try RuleHarness.run([line], tables: RuleHarness.shipped, rules: [Excludes1Rule()]).isEmpty)
        // The control: E11.9 is the code the note names.
        line["dx1"] = "E11.9"
        line["dx2"] = "E08.00"
        #expect(
            try RuleHarness.run([line], tables: RuleHarness.shipped, rules: [Excludes1Rule()]).map(\.rule) == [.M04])
    }

    /// A line with two diagnoses or more dated where no Excludes1 list serves (FY2025 with the
    /// shipped tables) goes unchecked and is counted, so the summary can say M04 passed it unseen.
    /// Not counted: a line with one diagnosis, one M04 could check, one no ICD-10-CM release serves
    /// (C06 says so), and one whose payer has M04 off.
    @Test func linesNoExcludes1ListServesAreCounted() throws {
        let settings = try ProcedureCodeRuleTests.settings(
            """
            [payers.NOM04]
            rules = { M04 = "off" }
            """)
        func line(_ date: String, _ dx: [String], payer: String = "PAY") -> [String: String] {
            var line = ["service_date": date, "post_date": date, "payer_id": payer]
            for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
            return line
        }
        func count(_ lines: [[String: String]], tables: CodeTables = RuleHarness.shipped) throws -> Int {
            let batch = try RuleHarness.batch(lines, settings: settings)
            var sink = FindingSink(configuration: settings)
            Excludes1Rule().check(
                batch, RuleContext(asOf: day("2026-12-31"), settings: settings, tables: tables), &sink)
            return sink.notChecked[.M04] ?? 0
        }
        #expect(try count([line("2025-03-02", ["A09", "K52.9"]), line("2024-10-01", ["I10", "E11.9"])]) == 2)
        #expect(try count([line("2025-03-02", ["A09"])]) == 0)
        #expect(try count([line("2025-10-01", ["A09", "K52.9"])]) == 0)
        #expect(try count([line("2026-10-01", ["A09", "K52.9"])]) == 0)
        #expect(try count([line("2025-03-02", ["A09", "K52.9"], payer: "NOM04")]) == 0)
        // Without any Excludes1 list every such line is counted.
        var without = RuleHarness.shipped
        without.excludes1 = Excludes1Table()
        #expect(try count([line("2025-10-01", ["A09", "K52.9"])], tables: without) == 1)
    }
}
