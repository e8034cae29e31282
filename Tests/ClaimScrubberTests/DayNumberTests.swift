import Testing

@testable import ClaimScrubber

/// Dates of service and birth in the forms DOMAIN.md names: YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, and
/// M/D/YYYY with one- or two-digit month and day, each optionally with a time of day; and the
/// forms database exports write (DD-MON-YYYY, SQL Server's `Mon  D YYYY 12:00AM` and its
/// datetimeoffset's ` -05:00`, PostgreSQL's `+00`).
@Suite struct DayNumberTests {
    static let may1 = DayNumber.from(year: 2026, month: 5, day: 1)

    /// Also YYYY/MM/DD (also with one-digit month and day: `2026/5/1`, eight bytes, was taken for
    /// YYYYMMDD and S03 while `2026/5/01` read) and DD-MON-YYYY (Cerner and Meditech exports), which
    /// were S03 on every line; neither can be read two ways. YYYY-M-D too (`2026-5-1` was S03), but
    /// not M-D-YYYY: dashed, a date is as often day first.
    @Test(arguments: [
        "2026-05-01", "20260501", "05/01/2026", "5/01/2026", "05/1/2026", "5/1/2026", "2026/05/01", "01-MAY-2026",
        "01-May-2026", "01-may-2026", "2026/5/01", "2026/5/1", "2026/5/1 0:00", "2026-5-1", "2026-5-01",
        "2026-05-1", "2026-5-1 00:00", "1-MAY-2026", "1-May-2026", "May  1 2026", "May 1 2026", "MAY 01 2026",
    ])
    func everyAcceptedFormReadsTheSameDay(text: String) {
        #expect(DayNumber.parse(text) == Self.may1)
    }

    @Test(arguments: [
        "2026/5-1", "2026-5/1", "2026-5-", "2026--51", "2026-13-1", "5-1-2026", "2026/5/", "2026/13/1", "2026//51",
        "05-01-2026", "32-MAY-2026", "01-MAI-2026", "29-FEB-2026",
        "01-MAY-26", "1-MAY-26", "May 32 2026", "May 1 26", "Mai 1 2026", "May 1  2026", "May 123 2026",
        "5/1/26", "/5/12026", "5//12026", "5/1/202", "12345678", "2026-02-29",
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
        "01-MAY-2026 00:00:00", "2026/05/01 00:00", "2026-05-01T00:00:00+00:00", "2026-05-01T08:30:00-05:00",
        "2026-05-01T08:30:00.123-0500", "2026-05-01 00:00:00.0000000 -05:00", "2026-05-01 00:00:00+00",
        "2026-05-01 08:30:00-05", "May  1 2026 12:00AM", "May 1 2026 1:05PM", "1-May-2026 00:00",
        "May  1 2026  9:30AM", "05/01/2026  9:30AM",
    ])
    func aDateWithATimeOfDayReadsAsItsDate(text: String) {
        #expect(DayNumber.parse(text) == Self.may1)
    }

    @Test(arguments: [
        "2026-05-01 24:00", "2026-05-01 00:60", "2026-05-01 0:0", "2026-05-01 13:00 PM", "2026-05-01 00:00 XM",
        "2026-05-01 noon", "2026-05-01  00:00", "2026-05-01T", "2026-05-01 00:00:00.", "2026-02-30 00:00:00",
        "2026-05-01 00:00:00 AM", "2026-05-01T00:00:00+15:00", "2026-05-01T00:00:00+0:000", "2026-05-01T00:00:00+15",
        "2026-05-01 00:00:00  -05:00", "2026-05-01 00:00:00 -5", "May 1 2026 13:00PM", "May 1 2026 12:00AMX",
        "May 1 2026   9:30AM", "2026-05-01  10:30",
        "2026-05-01T00:00:00+00:60",
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

    /// The ISO form of every day from 1800 to 2200 (the years the rules read) and of every 37th
    /// day from year 1 to 9999 reads back as that day, with its fields zero-padded; years outside
    /// that keep their full digits.
    @Test func everyDayFormatsAsYYYYMMDDAndReadsBack() {
        let first = DayNumber.from(year: 1, month: 1, day: 1)
        let last = DayNumber.from(year: 9999, month: 12, day: 31)
        var previous = ""
        var day = first
        while day <= last {
            let text = DayNumber.format(day)
            let (y, m, d) = DayNumber.civil(day)
            let bytes = Array(text.utf8)
            guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
                Int(String(text.prefix(4))) == y, Int(text.dropFirst(5).prefix(2)) == m, Int(text.suffix(2)) == d,
                text > previous
            else {
                Issue.record("day \(day): \(text) for \(y)-\(m)-\(d)")
                return
            }
            previous = text
            let inRuleYears = y >= 1800 && y <= 2200
            if inRuleYears && DayNumber.parse(text) != day {
                Issue.record("\(text) reads back as day \(DayNumber.parse(text)), not \(day)")
                return
            }
            day += inRuleYears ? 1 : 37
        }
        #expect(DayNumber.format(DayNumber.parse("2026-06-01")) == "2026-06-01")
        #expect(DayNumber.format(0) == "1970-01-01")
        #expect(DayNumber.format(DayNumber.from(year: 12026, month: 3, day: 9)) == "12026-03-09")
    }
}
