import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct EndOfRunTableTests {
    @Test func tableOfTheHandMadeExtract() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (result, _) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let text = EndOfRunTable.render(result.summary)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "lines in 9, clean 6, held 3 (33.3%)")
        #expect(lines[1] == "charges $790.75, held $140.75, at risk $50.00")
        #expect(lines[2].hasPrefix("rule ") && lines[2].contains("findings") && lines[2].hasSuffix("description"))
        // Catalog order, one row per rule with findings, then the total.
        #expect(lines.dropFirst(3).map { String($0.prefix(3)) } == ["S03", "D02", "D04", "C09", "tot"])
        let d04 = try #require(lines.first { $0.hasPrefix("D04") })
        #expect(d04.contains("warning") && d04.contains("99213 99214") && d04.hasSuffix("charge lag over threshold"))
        // Counts right-aligned in their columns: every row's findings count ends at the same column.
        let findingsEnd = lines[2].range(of: "findings")!.upperBound.utf16Offset(in: lines[2])
        for row in lines.dropFirst(3) {
            let prefix = String(row.prefix(findingsEnd))
            #expect(prefix.last?.isNumber == true, "'\(row)'")
        }
        #expect(lines.last!.contains(" 5 ") && lines.last!.hasSuffix("4"))
    }

    @Test func mixedSeverityIsShownAsSuch() {
        var summary = ScrubSummary()
        summary.metrics.records = 2
        summary.metrics.findingsByRule[RuleID.M02.ordinal] = 2
        summary.metrics.rules[RuleID.M02.ordinal] = RuleTally(errors: 1, lines: 2, chargesCents: 0)
        let row = EndOfRunTable.render(summary).split(separator: "\n").first { $0.hasPrefix("M02") }
        #expect(row?.split(separator: " ").dropFirst().first == "mixed")
    }

    @Test func noFindingsNoTable() {
        var summary = ScrubSummary()
        summary.metrics.records = 4
        #expect(EndOfRunTable.render(summary) == "lines in 4, clean 4, held 0 (0.0%)\n")
    }
}
