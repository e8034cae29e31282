import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct DiagnosisAgeRuleTests {
    /// (diagnosis, birth date, expected M01) with the date of service 2026-03-02: the band edges.
    @Test(arguments: [
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
            [["dx1": code, "patient_dob": born, "patient_sex": "F"]], tables: RuleFixtures.tables, rules: [DiagnosisAgeRule()])
        #expect(results.map(\.rule) == (expected ? [.M01] : []))
    }

    @Test func theFindingNamesTheBandNotThePatient() throws {
        let results = try RuleHarness.run(
            [["dx1": "I10", "dx2": "O09.00", "patient_dob": "1950-01-01", "patient_sex": "F"]], tables: RuleFixtures.tables,
            rules: [DiagnosisAgeRule()])
        #expect(results.count == 1)
        #expect(results[0].field == "dx2")
        #expect(results[0].value == "O09.00")
        #expect(results[0].message.contains("maternity ages 9–64"))
        #expect(!results[0].message.contains("1950"))
        #expect(!results[0].message.contains("76"))
    }
}
