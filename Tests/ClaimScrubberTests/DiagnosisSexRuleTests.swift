import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct DiagnosisSexRuleTests {
    @Test(arguments: [
        ("N94.6", "M", true), ("N94.6", "F", false), ("N94.6", "U", false), ("N94.6", "", false), ("C61", "F", true),
        ("C61", "M", false), ("I10", "M", false),
    ])
    func sexListsAgainstThePatientsSex(_ code: String, _ sex: String, _ expected: Bool) throws {
        let results = try RuleHarness.run(
            [["dx1": "I10", "dx2": code, "patient_sex": sex]], tables: RuleFixtures.tables, rules: [DiagnosisSexRule()])
        #expect(results.map(\.rule) == (expected ? [.M02] : []))
        #expect(results.allSatisfy { $0.severity == .warning && $0.value == code && $0.field == "dx2" })
    }
}
