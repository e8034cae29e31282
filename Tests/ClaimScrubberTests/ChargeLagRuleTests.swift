import Testing

@testable import ClaimScrubber

/// D04: charge lag (post date minus date of service) over the threshold, a warning.
@Suite struct ChargeLagRuleTests {
    /// Three days is the default threshold: a lag of 3 passes, 4 does not. The finding points at the
    /// post date and gives it as its value; the lag in days is in the message.
    @Test func theLagPastTheThresholdNamesThePostDate() throws {
        let results = try RuleHarness.run(
            [
                ["service_date": "2026-03-02", "post_date": "2026-03-05"],
                ["service_date": "2026-03-02", "post_date": "2026-03-06"],
                ["service_date": "2026-03-02", "post_date": ""],
            ], tables: CodeTables(), rules: [ChargeLagRule()])
        #expect(results.map(\.line) == ["L2"])
        let finding = try #require(results.first)
        #expect(finding.severity == .warning && finding.field == "post_date" && finding.value == "2026-03-06")
        #expect(finding.message == "charge lag of 4 days is over the 3-day threshold")
    }

    @Test func theThresholdIsASetting() throws {
        var settings = RuleSettings()
        settings.chargeLagDays = 5
        let lines = [
            ["service_date": "2026-03-02", "post_date": "2026-03-07"],
            ["service_date": "2026-03-02", "post_date": "2026-03-08"],
        ]
        let results = try RuleHarness.run(lines, tables: CodeTables(), rules: [ChargeLagRule()], settings: settings)
        #expect(results.map(\.line) == ["L2"])
    }
}
