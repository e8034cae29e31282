/// A user-supplied code list (CPT codes, revenue codes) per loaded release, each code with the
/// dates it is in effect.
public struct CodeListTable: Sendable {
    public struct Release: Sendable {
        public var name: String
        /// Sorted; a code may appear more than once with different date ranges.
        public var codes = SortedCodes()
        var periods: [ServicePeriod] = []
    }

    public private(set) var schedule = ReleaseSchedule()
    public private(set) var releases: [Release] = []

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        schedule = ReleaseSchedule(declared: periods)
    }

    public var isLoaded: Bool { !releases.isEmpty }

    @inline(__always)
    public func release(on day: Int32) -> Int? { schedule.release(on: day) }

    /// Whether `code` is in the list and in effect on `day` (release `release`).
    public func effect(_ code: UInt64, on day: Int32, release: Int) -> CodeEffect {
        let r = releases[release]
        var i = r.codes.lowerBound(code)
        guard i < r.codes.count && r.codes.keys[i] == code else { return .unknown }
        var result = CodeEffect.unknown
        while i < r.codes.count && r.codes.keys[i] == code {
            let p = r.periods[i]
            if p.contains(day) { return .inEffect(coverage: 0x20) }
            result = day < p.first ? .notYetAdded(p.first) : .terminated(p.last)
            i += 1
        }
        return result
    }
}
