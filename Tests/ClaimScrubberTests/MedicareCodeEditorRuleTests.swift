import Foundation
import Testing

@testable import ClaimScrubber

/// M01 (age bands at their edges), M02 (sex lists) and M03 (manifestation as primary).
@Suite struct MedicareCodeEditorRuleTests {
    // MARK: - M01

    /// (diagnosis, birth date, expected M01) with the date of service 2026-03-02: the band edges.
    @Test(
        arguments: [
            ("Z38.00", "2025-03-03", false), ("Z38.00", "2025-03-02", true),  // newborn: age 0 only
            ("E30.1", "2008-03-03", false), ("E30.1", "2008-03-02", true),  // pediatric 0–17
            ("O09.00", "2017-03-02", false), ("O09.00", "2017-03-03", true),  // maternity 9–64
            ("O09.00", "1961-03-03", false), ("O09.00", "1961-03-02", true),
            ("F69", "2011-03-02", false), ("F69", "2011-03-03", true),  // adult 15–124
            ("F69", "1902-03-03", false), ("I10", "2026-01-01", false),
            ("Z38.00", "2026-03-03", false),  // born after the date of service: D05's business
        ] as [(String, String, Bool)])
    func ageBandsAtTheirEdges(_ code: String, _ born: String, _ expected: Bool) throws {
        let results = try RuleHarness.run(
            [["dx1": code, "patient_dob": born, "patient_sex": "F"]], tables: RuleFixtures.tables,
            rules: [MedicareCodeEditorRule()])
        #expect(results.map(\.rule) == (expected ? [.M01] : []))
    }

    @Test func theFindingNamesTheBandNotThePatient() throws {
        let results = try RuleHarness.run(
            [["dx1": "I10", "dx2": "O09.00", "patient_dob": "1950-01-01", "patient_sex": "F"]],
            tables: RuleFixtures.tables,
            rules: [MedicareCodeEditorRule()])
        #expect(results.count == 1)
        #expect(results[0].field == "dx2")
        #expect(results[0].value == "O09.00")
        #expect(results[0].message.contains("maternity ages 9–64"))
        // The release once, by its name: it used to read "(MCE MCE v37 (FY2020))".
        let release = try #require(RuleFixtures.tables.mce.releases.first?.name)
        #expect(release.hasPrefix("MCE v") && results[0].message.contains("(on the \(release) list;"))
        // The band is today's MCE band, not the v37 list's own (12–55 for maternity then).
        #expect(results[0].message.contains("today's MCE age band"))
        #expect(!results[0].message.contains("MCE MCE"))
        #expect(!results[0].message.contains("1950"))
        #expect(!results[0].message.contains("76"))
    }

    // MARK: - M02
    @Test(arguments: [
        ("N94.6", "M", true), ("N94.6", "F", false), ("N94.6", "U", false), ("N94.6", "", false), ("C61", "F", true),
        ("C61", "M", false), ("I10", "M", false),
    ])
    func sexListsAgainstThePatientsSex(_ code: String, _ sex: String, _ expected: Bool) throws {
        let results = try RuleHarness.run(
            [["dx1": "I10", "dx2": code, "patient_sex": sex]], tables: RuleFixtures.tables,
            rules: [MedicareCodeEditorRule()])
        #expect(results.map(\.rule) == (expected ? [.M02] : []))
        #expect(results.allSatisfy { $0.severity == .warning && $0.value == code && $0.field == "dx2" })
    }

    // MARK: - M03
    @Test(arguments: [(["D63.1"], true), (["N18.4", "D63.1"], false), (["I10"], false)] as [([String], Bool)])
    func aManifestationMayNotBePrimary(_ dx: [String], _ expected: Bool) throws {
        var line: [String: String] = [:]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        let results = try RuleHarness.run([line], tables: RuleFixtures.tables, rules: [MedicareCodeEditorRule()])
        #expect(results.map { "\($0.rule) \($0.field) \($0.value)" } == (expected ? ["M03 dx1 D63.1"] : []))
    }
}
