import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct DiagnosisCodeRuleTests {
    static func rules(_ dx: [String], on date: String, tables: CodeTables = RuleFixtures.tables) throws -> [String] {
        var line = ["service_date": date, "post_date": date]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        return try RuleHarness.run([line], tables: tables, rules: [DiagnosisCodeRule()]).map {
            "\($0.rule) \($0.field)"
        }
    }

    @Test(
        arguments: [
            // Added in FY2026: C04 on 2025-09-30, valid from 2025-10-01.
            (["E11.A"], "2025-09-30", ["C04 dx1"]), (["E11A"], "2025-10-01", []),
            // Deleted in FY2026: valid on 2025-09-30, C04 from 2025-10-01.
            (["S30.1XXA"], "2025-09-30", []), (["S30.1XXA"], "2025-10-01", ["C04 dx1"]),
            // Billable in FY2025, a header in FY2026.
            (["G35"], "2025-09-30", []), (["G35"], "2025-10-01", ["C05 dx1"]),
            (["A00"], "2026-03-02", ["C05 dx1"]), (["I10", "A00.1", "A00"], "2026-03-02", ["C04 dx2", "C05 dx3"]),
            (["A0-0"], "2026-03-02", ["C04 dx1"]), (["123"], "2026-03-02", ["C04 dx1"]),
            (["I1"], "2026-03-02", ["C04 dx1"]),
            // One dot, after the category: a dot elsewhere is no code's form (it passed as E11.A).
            (["E11.A"], "2026-03-02", []), (["E.11A"], "2026-03-02", ["C04 dx1"]),
            (["E1.1A"], "2026-03-02", ["C04 dx1"]), (["E11..A"], "2026-03-02", ["C04 dx1"]),
            (["E11A."], "2026-03-02", ["C04 dx1"]), (["E11.A."], "2026-03-02", ["C04 dx1"]),
            // No release serves the date: one C06 for the line, no C04/C05.
            (["I10", "Q99.9", "A00"], "2026-10-01", ["C06 dx1"]), (["A000"], "2024-09-30", ["C06 dx1"]),
            // A code not shaped like one is C04 on any date, and the line still gets its C06 (it
            // had none when its only or first shaped diagnosis was the misshapen one).
            (["1XY"], "2024-09-30", ["C04 dx1", "C06 dx1"]), (["J.069"], "2026-10-05", ["C04 dx1", "C06 dx1"]),
            (["1234", "I10"], "2026-10-05", ["C04 dx1", "C06 dx1"]),
            // FY2026's QA0 category has a letter second: billable codes pass, its header is C05, and
            // before FY2026 they are unknown (C04), not misshapen.
            (["QA0.0101", "QA0.8"], "2026-03-02", []), (["QA0"], "2026-03-02", ["C05 dx1"]),
            (["QA0.0101"], "2025-09-30", ["C04 dx1"]),
        ] as [([String], String, [String])])
    func checksEachDiagnosisAgainstTheReleaseOfItsDate(_ dx: [String], _ date: String, _ expected: [String]) throws {
        #expect(try Self.rules(dx, on: date) == expected)
    }

    /// The C04 of a code not shaped like one says why, before or without a release for its date.
    @Test func aMisshapenCodeIsC04SayingItsShape() throws {
        let results = try RuleHarness.run(
            [["dx1": "1XY", "service_date": "2026-03-02", "post_date": "2026-03-02"]], tables: RuleFixtures.tables,
            rules: [DiagnosisCodeRule()])
        #expect(results.map(\.message) == ["not an ICD-10-CM code (a letter, then two to six letters or digits)"])
    }

    @Test func c06NamesTheCodeSetAndTheLoadedCoverage() throws {
        let results = try RuleHarness.run(
            [["dx1": "I10", "service_date": "2026-10-05", "post_date": "2026-10-05"]], tables: RuleFixtures.tables,
            rules: [DiagnosisCodeRule()])
        #expect(results.map(\.value) == ["ICD-10-CM"])
        #expect(results[0].severity == .warning)
        #expect(
            results[0].message
                == "no loaded ICD-10-CM release covers the date of service 2026-10-05 (loaded: 2024-10-01..2025-09-30, 2025-10-01..2026-09-30)"
        )
    }

    @Test(
        arguments: [
            ("E11.A", "2025-09-30", ["C04 dx1"]), ("E11.A", "2025-10-01", []), ("S30.1XXA", "2025-09-30", []),
            ("S30.1XXA", "2025-10-01", ["C04 dx1"]), ("G35", "2025-10-01", ["C05 dx1"]),
            ("E11", "2026-01-01", ["C05 dx1"]),
            ("Z23", "2026-09-30", []), ("Z23", "2026-10-01", ["C06 dx1"]),
        ] as [(String, String, [String])])
    func theShippedFiscalYearsMeetOnOctoberFirst(_ code: String, _ date: String, _ expected: [String]) throws {
        #expect(try Self.rules([code], on: date, tables: RuleHarness.shipped) == expected)
    }
}
