import Testing

@testable import ClaimScrubber

@Suite struct PlaceOfServiceRuleTests {
    @Test func aCodeOutsideTheListOrNotTwoDigitsIsC08() throws {
        let lines = [
            ["place_of_service": "11"], ["place_of_service": "98"], ["place_of_service": "1A"],
            ["place_of_service": ""],
        ]
        let results = try RuleHarness.run(lines, tables: RuleHarness.shipped, rules: [PlaceOfServiceRule()])
        #expect(results.map(\.line) == ["L2", "L3"])
    }

    /// A table folder without a place-of-service list (`--tables` naming the demo tables alone)
    /// checks the form only, as for any code set not loaded: every line was C08 before.
    @Test func withoutAListTheFormOnly() throws {
        let lines = [["place_of_service": "11"], ["place_of_service": "98"], ["place_of_service": "1A"]]
        let results = try RuleHarness.run(lines, tables: CodeTables(), rules: [PlaceOfServiceRule()])
        #expect(results.map(\.line) == ["L3"])
        #expect(TableListing.notes(CodeTables()).contains { $0.contains("place-of-service") })
        #expect(
            !TableListing.notes(RuleHarness.shipped).contains {
                $0.contains("place-of-service") || $0.contains("modifier")
            })
    }
}
