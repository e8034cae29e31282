import Testing

@testable import ClaimScrubber

/// Dates of service and birth in the forms DOMAIN.md names: YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, and
/// M/D/YYYY with one- or two-digit month and day, each optionally with a time of day.
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

    /// Database and spreadsheet exports write date columns with a time of day: the date is read,
    /// the time checked to be one (else the text is no date).
    @Test(arguments: [
        "2026-05-01 00:00:00", "2026-05-01 00:00:00.000", "2026-05-01T08:30:00", "2026-05-01T08:30:00Z",
        "2026-05-01 23:59", "5/1/2026 0:00", "05/01/2026 12:00:00 AM", "5/1/2026 1:05 pm", "20260501 07:00",
    ])
    func aDateWithATimeOfDayReadsAsItsDate(text: String) {
        #expect(DayNumber.parse(text) == Self.may1)
    }

    @Test(arguments: [
        "2026-05-01 24:00", "2026-05-01 00:60", "2026-05-01 0:0", "2026-05-01 13:00 PM", "2026-05-01 00:00 XM",
        "2026-05-01 noon", "2026-05-01  00:00", "2026-05-01T", "2026-05-01 00:00:00.", "2026-02-30 00:00:00",
        "2026-05-01 00:00:00 AM",
    ])
    func aDateWithSomethingElseAfterItIsMalformed(text: String) {
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
