/// ICD-10-CM Excludes1 pairs: a diagnosis `d1` excludes `d2` when `d1` starts with a row's `code`
/// and `d2` lies in the row's range: its prefix of `first`'s length is not before `first`, and its
/// prefix of `last`'s length not after `last` (string order, which packed codes keep). Each bound
/// at its own length: `T80-T88.6` leaves out T88.7 and T88.9, and `C15.3-C16` takes in C16.9. Rows are sorted by `code`, so the rows for `d1` are found by searching
/// each of its prefixes.
public struct Excludes1Table: Sendable {
    public struct Release: Sendable {
        public var name: String
        public var codes = SortedCodes()
        var first: [UInt64] = []
        var last: [UInt64] = []
        var firstLength: [UInt8] = []
        var lastLength: [UInt8] = []
        /// Shortest and longest `code` (bounds the prefixes worth searching).
        var minLength = 1
        var maxLength = 0
        /// One bit per three-character prefix (18 bits) that starts some `code`: most diagnoses
        /// have no Excludes1 note, and this answers them without a search. Empty when a `code`
        /// is shorter than three characters.
        var prefixBits: [UInt64] = []

        mutating func indexPrefixes() {
            guard minLength >= 3 else { return }
            prefixBits = Array(repeating: 0, count: (1 << 18) / 64)
            for code in codes.keys {
                let p = Int(code >> 42)
                prefixBits[p >> 6] |= 1 << UInt64(p & 63)
            }
        }

        /// True when `d1` has an Excludes1 note: some row's `code` is a prefix of it. Most
        /// diagnoses have none, and `excludes(d1, _)` is false for every other code.
        public func hasNote(_ d1: UInt64) -> Bool {
            let length = PackedCode.count(d1)
            guard length >= minLength else { return false }
            for n in minLength...min(length, maxLength) where codes.contains(PackedCode.prefix(d1, n)) { return true }
            return false
        }

        /// Whether `d2` lies in row `i`'s range, each bound compared at its own length.
        @inline(__always)
        func inRange(_ d2: UInt64, _ i: Int) -> Bool {
            PackedCode.prefix(d2, Int(firstLength[i])) >= first[i]
                && PackedCode.prefix(d2, Int(lastLength[i])) <= last[i]
        }

        /// True when `d1`'s Excludes1 notes exclude `d2`.
        @inline(__always)
        public func excludes(_ d1: UInt64, _ d2: UInt64) -> Bool {
            if !prefixBits.isEmpty {
                let p = Int(d1 >> 42)
                if prefixBits[p >> 6] & (1 << UInt64(p & 63)) == 0 { return false }
                // Every code is at least three characters here, so the rows whose code starts `d1`
                // are among its category's rows, which sit together in key order (about five a
                // category): one search for the category and a scan, instead of a search for each
                // prefix length.
                let keys = codes.keys
                let length = PackedCode.count(d1)
                var i = codes.lowerBound(UInt64(p) << 42)
                while i < keys.count && keys[i] >> 42 == UInt64(p) {
                    let key = keys[i]
                    let n = PackedCode.count(key)
                    if n <= length && PackedCode.prefix(d1, n) == key && inRange(d2, i) { return true }
                    i += 1
                }
                return false
            }
            let length = PackedCode.count(d1)
            guard length >= minLength else { return false }
            let keys = codes.keys
            for n in minLength...min(length, maxLength) {
                let key = PackedCode.prefix(d1, n)
                var i = codes.lowerBound(key)
                while i < keys.count && keys[i] == key {
                    if inRange(d2, i) { return true }
                    i += 1
                }
            }
            return false
        }
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

    /// True when either code's Excludes1 notes exclude the other in release `release` (M04).
    public func excludesEither(_ d1: UInt64, _ d2: UInt64, release: Int) -> Bool {
        let notes = releases[release]
        return notes.excludes(d1, d2) || notes.excludes(d2, d1)
    }

    /// True when `d1`'s Excludes1 notes exclude `d2` in release `release`.
    @inline(__always)
    public func excludes(_ d1: UInt64, _ d2: UInt64, release: Int) -> Bool { releases[release].excludes(d1, d2) }
}
