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

    /// DOMAIN.md: a HCPCS file serves its calendar year or quarter, open-ended for the newest
    /// loaded. CY2019 beside CY2026 served 2019–2025, so 2023's new codes were C01; those years
    /// are now served by no release (C06).
    @Test func aHCPCSReleaseServesItsYearOrQuarterUnlessNewest() {
        let table = HCPCSTable(
            releases: [],
            periods: [
                ServicePeriod(first: day("2026-01-01"), last: nil), ServicePeriod(first: day("2019-01-01"), last: nil),
                ServicePeriod(first: day("2025-04-01"), last: nil), ServicePeriod(first: day("2025-10-01"), last: nil),
                ServicePeriod(first: day("2018-01-01"), last: day("2018-06-30")),
                ServicePeriod(first: day("2017-01-01"), last: day("2017-12-31")),
                ServicePeriod(first: day("2016-02-15"), last: nil),
            ])
        let schedule = table.schedule
        #expect(schedule.release(on: day("2016-03-31")) == 6)
        #expect(schedule.release(on: day("2016-04-01")) == nil)
        // A last day from tables.toml stands.
        #expect(schedule.release(on: day("2017-12-31")) == 5)
        #expect(schedule.release(on: day("2018-06-30")) == 4)
        #expect(schedule.release(on: day("2018-07-01")) == nil)
        #expect(schedule.release(on: day("2019-12-31")) == 1)
        #expect(schedule.release(on: day("2020-01-01")) == nil)
        #expect(schedule.release(on: day("2023-07-01")) == nil)
        // April's update serves its quarter; October's runs to the year's end, where CY2026 starts.
        #expect(schedule.release(on: day("2025-04-01")) == 2)
        #expect(schedule.release(on: day("2025-06-30")) == 2)
        #expect(schedule.release(on: day("2025-07-01")) == nil)
        #expect(schedule.release(on: day("2025-12-31")) == 3)
        #expect(schedule.release(on: day("2026-01-01")) == 0)
        #expect(schedule.release(on: day("2099-01-01")) == 0)
        // The newest alone is open-ended, as a single release is.
        #expect(HCPCSTable.served([ServicePeriod(first: day("2019-01-01"), last: nil)]).first?.last == .max)
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
