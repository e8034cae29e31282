import Testing

@testable import ClaimScrubber

/// Dates of service and birth in the forms DOMAIN.md names: YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, and
/// M/D/YYYY with one- or two-digit month and day.
@Suite struct DayNumberTests {
    static let may1 = DayNumber.from(year: 2026, month: 5, day: 1)

    @Test(arguments: ["2026-05-01", "20260501", "05/01/2026", "5/01/2026", "05/1/2026", "5/1/2026"])
    func everyAcceptedFormReadsTheSameDay(text: String) {
        #expect(DayNumber.parse(text) == Self.may1)
    }

    @Test(arguments: [
        "2026-5-1", "2026/05/01", "05-01-2026", "5/1/26", "/5/12026", "5//12026", "5/1/202", "12345678", "2026-02-29",
        "2/29/2026", "13/1/2026", "0/1/2026", "20260230", "2026O501", "20261301", "17991231", "2026050 ",
    ])
    func otherTextIsMalformed(text: String) {
        #expect(DayNumber.parse(text) == DayNumber.malformed)
    }

    @Test func emptyIsMissing() {
        #expect(DayNumber.parse("") == DayNumber.missing)
    }

    /// Years outside 1800–2200 are refused, and told apart from text that is no date at all, so
    /// S03 can say which.
    @Test(arguments: [
        ("17991231", true), ("1799-12-31", true), ("12/31/2201", true), ("0001-01-01", true), ("2026-02-30", false),
        ("17990230", false), ("x", false), ("2026-05-01", false),
    ])
    func aRealDateOutsideTheYearsIsToldApart(text: String, outside: Bool) {
        var text = text
        #expect(text.withUTF8 { DayNumber.isDateOutsideYears(UnsafeRawBufferPointer($0)) } == outside)
    }
}
