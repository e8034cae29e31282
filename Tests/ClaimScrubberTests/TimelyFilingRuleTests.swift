import Testing

@testable import ClaimScrubber

/// D03: days from the date of service to the as-of date against the payer's limit.
@Suite struct TimelyFilingRuleTests {
    /// A Medicare payer (class medicare, no days of its own) takes claims for 12 months: until the
    /// same date a year later, so a year with a February 29 in it gives 366 days (365 held the
    /// last day's charges). Other payers keep the days; a Medicare payer given days of its own
    /// keeps those.
    @Test func medicareAllowsOneCalendarYear() throws {
        let settings = try ProcedureCodeRuleTests.settings(
            "timely_filing_days = 365\n[payers.MCR]\nclass = \"medicare\"\n[payers.MCRB]\nclass = \"medicare\"\n"
                + "timely_filing_days = 300\n")
        #expect(settings.timelyFilingLimit(payer: "MCR") == .oneYear)
        #expect(settings.timelyFilingLimit(payer: "MCRB") == .days(300))
        #expect(settings.timelyFilingLimit(payer: "AETNA") == .days(365))
        let asOf = day("2024-06-30")
        let lines: [[String: String]] = [
            ("MCR", "2023-06-30", "a"), ("MCR", "2023-06-29", "b"), ("AETNA", "2023-06-30", "c"),
            ("MCRB", "2023-09-03", "d"), ("MCRB", "2023-09-04", "e"),
        ].map { payer, date, id in ["payer_id": payer, "service_date": date, "line_id": id] }
        let results = try RuleHarness.run(
            lines, tables: CodeTables(), rules: [TimelyFilingRule()], settings: settings, asOf: asOf)
        #expect(results.map(\.line) == ["b", "c", "d"], "\(results)")
        let medicare = try #require(results.first)
        #expect(medicare.message == "367 days since the date of service; Medicare allows 12 months, to 2024-06-29")
        #expect(results[1].message == "366 days since the date of service; the payer allows 365")
        // February 29 runs to February 28.
        #expect(TimelyFilingRule.sameDateAYearLater(day("2024-02-29")) == day("2025-02-28"))
        #expect(TimelyFilingRule.sameDateAYearLater(day("2025-12-31")) == day("2026-12-31"))
    }
}
