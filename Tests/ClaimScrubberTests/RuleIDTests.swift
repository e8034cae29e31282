import Testing

@testable import ClaimScrubber

@Suite struct RuleIDTests {
    /// `ordinal` is a hand-written switch for speed; it must stay the catalog position, which
    /// orders findings and indexes the tallies by rule.
    @Test func ordinalIsThePositionInTheCatalog() {
        for (position, rule) in RuleID.allCases.enumerated() {
            #expect(rule.ordinal == position, "\(rule)")
        }
        #expect(RuleID.S03 < RuleID.D01 && RuleID.E06 < RuleID.X01)
    }
}
