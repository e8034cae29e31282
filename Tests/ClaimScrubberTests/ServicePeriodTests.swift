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
        let schedule = ReleaseSchedule(declared: [
            ServicePeriod(first: day("2025-01-01"), last: nil), ServicePeriod(first: day("2025-01-01"), last: nil),
        ])
        #expect(schedule.release(on: day("2025-06-01")) == 1)
        #expect(schedule.periods[0].isEmpty)
    }

    /// The schedule answers from a table of days; every day must get what the definition gives: the
    /// newest-starting release whose (trimmed) period holds the day, or none.
    @Test func everyDayGetsTheReleaseItsPeriodsGive() {
        let base = day("2025-01-01")
        let configurations: [[ServicePeriod]] = [
            [ServicePeriod(first: base, last: nil)],
            [ServicePeriod(first: nil, last: base + 40)],
            [ServicePeriod(first: nil, last: nil)],
            [ServicePeriod(first: base, last: base + 30), ServicePeriod(first: base + 60, last: base + 90)],
            [
                ServicePeriod(first: base + 10, last: nil), ServicePeriod(first: base, last: nil),
                ServicePeriod(first: base + 20, last: base + 25),
            ],
            [ServicePeriod(first: nil, last: base + 5), ServicePeriod(first: base + 3, last: nil)],
            [ServicePeriod(first: base, last: base - 1)],
        ]
        for periods in configurations {
            let schedule = ReleaseSchedule(declared: periods)
            for d in (base - 50)...(base + 150) {
                let serving = schedule.periods.indices.filter { schedule.periods[$0].contains(d) }
                let expected = serving.max { (periods[$0].first, $0) < (periods[$1].first, $1) }
                #expect(schedule.release(on: d) == expected, "\(periods) on day \(d)")
            }
            for d in [Int32.min, DayNumber.malformed, Int32.max] {
                let serving = schedule.periods.indices.filter { schedule.periods[$0].contains(d) }
                #expect(schedule.release(on: d) == serving.max { (periods[$0].first, $0) < (periods[$1].first, $1) })
            }
        }
    }
}
