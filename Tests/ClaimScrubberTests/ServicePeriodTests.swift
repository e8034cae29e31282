import Testing

@testable import ClaimScrubber

@Suite struct ServicePeriodTests {
    @Test func eachReleaseServesUntilTheNextOneStarts() {
        let schedule = ReleaseSchedule(declared: [
            ServicePeriod(first: day("2025-01-01"), last: nil), ServicePeriod(first: day("2024-01-01"), last: nil),
            ServicePeriod(first: day("2025-04-01"), last: nil),
        ])
        #expect(schedule.release(on: day("2023-12-31")) == nil)
        #expect(schedule.release(on: day("2024-12-31")) == 1)
        #expect(schedule.release(on: day("2025-01-01")) == 0)
        #expect(schedule.release(on: day("2025-03-31")) == 0)
        #expect(schedule.release(on: day("2099-01-01")) == 2)
        #expect(schedule.periods[1] == ServicePeriod(first: day("2024-01-01"), last: day("2024-12-31")))
    }

    @Test func aDeclaredLastDayIsKeptAndLeavesAGap() {
        // FY2025 ends 2025-09-30 even when the next loaded release is FY2027.
        let schedule = ReleaseSchedule(declared: [
            ServicePeriod(first: day("2024-10-01"), last: day("2025-09-30")),
            ServicePeriod(first: day("2026-10-01"), last: day("2027-09-30")),
        ])
        #expect(schedule.release(on: day("2025-09-30")) == 0)
        #expect(schedule.release(on: day("2026-01-01")) == nil)
        #expect(schedule.release(on: day("2027-09-30")) == 1)
        #expect(schedule.release(on: day("2027-10-01")) == nil)
        #expect(schedule.coverageText == "2024-10-01..2025-09-30, 2026-10-01..2027-09-30")
    }

    @Test func ofTwoReleasesWithOneStartTheLaterLoadedServes() {
        let schedule = ReleaseSchedule(declared: [ServicePeriod(first: day("2025-01-01"), last: nil), ServicePeriod(first: day("2025-01-01"), last: nil)])
        #expect(schedule.release(on: day("2025-06-01")) == 1)
        #expect(schedule.periods[0].isEmpty)
    }
}
