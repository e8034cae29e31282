import Testing

@testable import ClaimScrubber

@Suite struct ColumnTests {
    @Test func indexIsThePositionInAllCases() {
        for (i, column) in Column.allCases.enumerated() { #expect(column.index == i) }
    }
}
