/// HCPCS Level II procedure codes per loaded release, with the dates and codes that say whether a
/// code is in effect on a date of service and whether Medicare pays for it.
public struct HCPCSTable: Sendable {
    /// One release (one CMS file).
    public struct Release: Sendable {
        public var name: String
        public var codes = SortedCodes()
        /// Per code: added date, action effective date, termination date (`DayNumber.missing` when blank).
        var added: [Int32] = []
        var actionEffective: [Int32] = []
        var termination: [Int32] = []
        /// Per code: action code (`A`, `D`, `N`, …) and coverage code (`C`, `D`, `I`, `M`, `S`) as ASCII.
        var action: [UInt8] = []
        var coverage: [UInt8] = []
        /// Level II modifier records: 12-bit packed modifier and its dates.
        var modifiers: [ModifierRecord] = []

        /// The state of `code` on `day` in this release.
        @inline(__always)
        public func effect(_ code: UInt64, on day: Int32) -> CodeEffect {
            let i = codes.index(of: code)
            guard i >= 0 else { return .unknown }
            return HCPCSTable.effect(
                on: day, added: added[i], actionEffective: actionEffective[i], termination: termination[i],
                action: action[i],
                coverage: coverage[i])
        }
    }

    struct ModifierRecord: Sendable {
        var code: UInt16
        var added: Int32
        var actionEffective: Int32
        var termination: Int32
        var action: UInt8
    }

    public private(set) var schedule = ReleaseSchedule()
    public private(set) var releases: [Release] = []

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        schedule = ReleaseSchedule(declared: Self.served(periods))
    }

    /// The dates each release may serve before the next one cuts it short (DOMAIN.md, "Release
    /// coverage"): a release effective in January serves its calendar year and a quarterly update
    /// (April, July, October) its calendar quarter, while the newest loaded is open-ended. A last
    /// day from tables.toml stands. CY2019 beside CY2026 served 2019 to 2025, calling codes added
    /// since 2019 C01 where no loaded release knew those years: C06 now says so.
    static func served(_ declared: [ServicePeriod]) -> [ServicePeriod] {
        guard
            let newest = declared.indices.max(by: {
                (declared[$0].first, $0) < (declared[$1].first, $1)
            })
        else { return declared }
        return declared.indices.map { i in
            var period = declared[i]
            guard i != newest, period.last == .max, period.first != .min else { return period }
            let start = DayNumber.civil(period.first)
            let lastMonth = start.month == 1 ? 12 : (start.month + 2) / 3 * 3
            period.last = DayNumber.from(
                year: start.year, month: lastMonth, day: DayNumber.daysInMonth(start.year, lastMonth))
            return period
        }
    }

    public var isLoaded: Bool { !releases.isEmpty }

    @inline(__always)
    public func release(on day: Int32) -> Int? { schedule.release(on: day) }

    /// The state of `code` on `day` in release `release`.
    public func effect(_ code: UInt64, on day: Int32, release: Int) -> CodeEffect {
        releases[release].effect(code, on: day)
    }

    @inline(__always)
    static func effect(
        on day: Int32, added: Int32, actionEffective: Int32, termination: Int32, action: UInt8, coverage: UInt8
    ) -> CodeEffect {
        if DayNumber.isDate(added) && day < added { return .notYetAdded(added) }
        if DayNumber.isDate(termination) && day > termination { return .terminated(termination) }
        if action == 0x44 && DayNumber.isDate(actionEffective) && day >= actionEffective
            && !DayNumber.isDate(termination)
        {
            return .discontinued(actionEffective)
        }
        return .inEffect(coverage: coverage)
    }

    /// Coverage codes that say Medicare does not pay (C03): I not payable, M and S non-covered.
    @inline(__always)
    public static func isNotPayableByMedicare(_ coverage: UInt8) -> Bool {
        coverage == 0x49 || coverage == 0x4D || coverage == 0x53
    }
}

/// Whether a procedure code is in effect on a date of service.
public enum CodeEffect: Sendable, Equatable {
    case unknown
    /// In effect; `coverage` is the HCPCS coverage code (a space for code lists without one).
    case inEffect(coverage: UInt8)
    /// Added after the date of service (the day it was added).
    case notYetAdded(Int32)
    /// Terminated before the date of service (its last day).
    case terminated(Int32)
    /// Action code D, effective on or before the date of service (the action's effective day).
    case discontinued(Int32)
}
