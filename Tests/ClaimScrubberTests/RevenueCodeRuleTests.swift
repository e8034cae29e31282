import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct RevenueCodeRuleTests {
    @Test(
        arguments: [
            ("0450", false, [String]()), ("", false, []), ("450", false, ["C10"]), ("1450", false, ["C10"]),
            ("04A0", false, ["C10"]),
            ("04500", false, ["C10"]), ("0451", false, []), ("0451", true, ["C10"]), ("0450", true, []),
            ("450", true, ["C10"]),
            // NUBC's ranges past 0999: 100X behavioral health accommodations, 210X alternative
            // therapy, 310X adult care (each was C10); no other code starts with a digit past 0.
            ("1001", false, []), ("2101", false, []), ("3109", false, []), ("1010", false, ["C10"]),
            ("2110", false, ["C10"]), ("4100", false, ["C10"]), ("9999", false, ["C10"]),
        ] as [(String, Bool, [String])])
    func checksFormAndMembership(_ code: String, _ withList: Bool, _ expected: [String]) throws {
        let tables = withList ? RuleFixtures.withLists : RuleFixtures.tables
        let results = try RuleHarness.run([["revenue_code": code]], tables: tables, rules: [RevenueCodeRule()])
        #expect(results.map { "\($0.rule)" } == expected)
        #expect(results.allSatisfy { $0.value == code && $0.field == "revenue_code" })
        // Three digits: the message names the spreadsheet's dropped zero.
        #expect(results.allSatisfy { $0.message.hasSuffix("drops the zero of 0450") == (code == "450") })
    }
}
