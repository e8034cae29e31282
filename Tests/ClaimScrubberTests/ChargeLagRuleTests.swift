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

    /// DOMAIN.md: every rule can be parameterised per payer. A payer's `charge_lag_days` is its
    /// lines' threshold; other payers keep the run's (here 5 days).
    @Test func aPayerHasItsOwnThreshold() throws {
        let settings = try ProcedureCodeRuleTests.settings(
            "charge_lag_days = 5\n[payers.SLOW]\ncharge_lag_days = 10\n[payers.FAST]\ncharge_lag_days = 0\n")
        #expect(settings.chargeLagDays(payer: "SLOW") == 10 && settings.chargeLagDays(payer: "OTHER") == 5)
        let lines = ["SLOW", "FAST", "OTHER"].flatMap { payer in
            [5, 10, 11].map { lag in
                [
                    "service_date": "2026-03-01", "post_date": "2026-03-\(lag < 9 ? "0" : "")\(lag + 1)",
                    "payer_id": payer, "line_id": "\(payer)-\(lag)",
                ]
            }
        }
        let results = try RuleHarness.run(lines, tables: CodeTables(), rules: [ChargeLagRule()], settings: settings)
        #expect(results.map(\.line) == ["SLOW-11", "FAST-5", "FAST-10", "FAST-11", "OTHER-10", "OTHER-11"])
        #expect(results.first?.message == "charge lag of 11 days is over the 10-day threshold")
    }
}
