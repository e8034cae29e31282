import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ManifestationRuleTests {
    @Test(arguments: [(["D63.1"], true), (["N18.4", "D63.1"], false), (["I10"], false)] as [([String], Bool)])
    func aManifestationMayNotBePrimary(_ dx: [String], _ expected: Bool) throws {
        var line: [String: String] = [:]
        for (k, code) in dx.enumerated() { line["dx\(k + 1)"] = code }
        let results = try RuleHarness.run([line], tables: RuleFixtures.tables, rules: [ManifestationRule()])
        #expect(results.map { "\($0.rule) \($0.field) \($0.value)" } == (expected ? ["M03 dx1 D63.1"] : []))
    }
}
