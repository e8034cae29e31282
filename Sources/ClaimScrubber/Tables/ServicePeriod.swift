/// The dates of service a release serves, as day numbers; open at either end.
public struct ServicePeriod: Sendable, Equatable, Codable {
    /// First day served (`Int32.min`: no start).
    public var first: Int32
    /// Last day served (`Int32.max`: open-ended).
    public var last: Int32

    public init(first: Int32?, last: Int32?) {
        self.first = first ?? .min
        self.last = last ?? .max
    }

    public static let always = ServicePeriod(first: nil, last: nil)

    @inline(__always)
    public func contains(_ day: Int32) -> Bool { day >= first && day <= last }

    public var isEmpty: Bool { first > last }

    /// The days both periods serve (empty when none).
    func clipped(to other: ServicePeriod) -> ServicePeriod {
        var both = self
        both.first = max(first, other.first)
        both.last = min(last, other.last)
        return both
    }

    var firstText: String? { first == .min ? nil : DayNumber.format(first) }
    var lastText: String? { last == .max ? nil : DayNumber.format(last) }

    /// "2025-10-01..2026-09-30", "2019-01-01..open", "any".
    public var description: String {
        if first == .min && last == .max { return "any date" }
        return "\(firstText ?? "any")..\(lastText ?? "open")"
    }
}

/// The releases of one code set (or one NCCI/MUE setting) and which serves a date of service.
///
/// Each release serves from its effective date until the day before the next release's effective
/// date (DOMAIN.md, "Release coverage"), and never past its own last day when it has one (an
/// ICD-10-CM fiscal year ends on September 30 whether or not FY+1 is loaded). The newest release
/// without a last day is open-ended. Of two releases with the same effective date, the one loaded
/// later serves (a user folder named after `default` replaces a shipped release).
public struct ReleaseSchedule: Sendable, Equatable {
    /// Served period per release, in the order the releases were added.
    public private(set) var periods: [ServicePeriod] = []
    /// Release indices by effective date, for the look-up.
    private var order: [Int] = []
    /// The release serving each day from `dayFirst` on (-1: none); empty when the dates span too
    /// many days, and `release(on:)` scans instead.
    private var dayFirst: Int32 = 0
    private var byDay: [Int16] = []

    public init() {}

    /// Builds the schedule from each release's declared effective and last dates.
    init(declared: [ServicePeriod]) {
        order = declared.indices.sorted { (declared[$0].first, $0) < (declared[$1].first, $1) }
        periods = declared
        for (k, i) in order.enumerated() where k + 1 < order.count {
            let next = declared[order[k + 1]].first
            if next != .min { periods[i].last = min(periods[i].last, next &- 1) }
        }
        // The answer only changes at a finite first or last day, so one entry per day between the
        // outermost of those (and one beyond each) answers every day, those outside by the nearest
        // end. Shard tasks look a release up per patient-day on every core, and a table read
        // neither branches per release nor retains the schedule's arrays.
        let bounds = periods.flatMap { [$0.first, $0.last] }.filter { $0 != .min && $0 != .max }
        if let low = bounds.min(), let high = bounds.max(), Int(high) - Int(low) < 1 << 16 {
            dayFirst = low &- 1
            byDay = (Int(low) - 1...Int(high) + 1).map { Int16(scan(Int32($0)) ?? -1) }
        }
    }

    public var isEmpty: Bool { periods.isEmpty }
    public var count: Int { periods.count }

    /// The release serving `day`, or nil when no loaded release does.
    @inline(__always)
    public func release(on day: Int32) -> Int? {
        if !byDay.isEmpty {
            let i = min(max(Int(day) - Int(dayFirst), 0), byDay.count - 1)
            let release = byDay[i]
            return release < 0 ? nil : Int(release)
        }
        return scan(day)
    }

    private func scan(_ day: Int32) -> Int? {
        // Few releases per code set: a backwards scan from the newest is cheaper than a search.
        var k = order.count - 1
        while k >= 0 {
            let i = order[k]
            if periods[i].contains(day) { return i }
            k -= 1
        }
        return nil
    }

    /// "2024-10-01..2026-09-30"-style summary of all periods, for messages.
    public var coverageText: String {
        order.map { periods[$0] }.filter { !$0.isEmpty }.map(\.description).joined(separator: ", ")
    }
}
