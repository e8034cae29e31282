/// ICD-10-CM Excludes1 pairs: a diagnosis `d1` excludes `d2` when `d1` starts with a row's `code`
/// and `d2`'s prefix of the row's `first` length lies between `first` and `last` (string order,
/// which packed codes keep). Rows are sorted by `code`, so the rows for `d1` are found by searching
/// each of its prefixes.
public struct Excludes1Table: Sendable {
    public struct Release: Sendable {
        public var name: String
        public var codes = SortedCodes()
        var first: [UInt64] = []
        var last: [UInt64] = []
        var firstLength: [UInt8] = []
        /// Shortest and longest `code` (bounds the prefixes worth searching).
        var minLength = 1
        var maxLength = 0
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

    /// True when `d1`'s Excludes1 notes exclude `d2` in release `release`.
    @inline(__always)
    public func excludes(_ d1: UInt64, _ d2: UInt64, release: Int) -> Bool {
        let r = releases[release]
        let length = PackedCode.length(d1)
        guard length >= r.minLength else { return false }
        return r.codes.keys.withUnsafeBufferPointer { keys in
            for n in r.minLength...min(length, r.maxLength) {
                let key = PackedCode.prefix(d1, n)
                var i = r.codes.lowerBound(key)
                while i < keys.count && keys[i] == key {
                    let p = PackedCode.prefix(d2, Int(r.firstLength[i]))
                    if p >= r.first[i] && p <= r.last[i] { return true }
                    i += 1
                }
            }
            return false
        }
    }
}
