/// Medicare Code Editor diagnosis lists per loaded release: one sorted code array per release with a
/// bit set of the lists each code is on, so one search answers every M-rule for a code.
public struct MCETable: Sendable {
    /// The MCE lists the M-rules use, as bits.
    public struct Lists: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let newborn = Lists(rawValue: 1 << 0)
        public static let pediatric = Lists(rawValue: 1 << 1)
        public static let maternity = Lists(rawValue: 1 << 2)
        public static let adult = Lists(rawValue: 1 << 3)
        public static let female = Lists(rawValue: 1 << 4)
        public static let male = Lists(rawValue: 1 << 5)
        public static let manifestation = Lists(rawValue: 1 << 6)
        public static let unacceptablePrincipal = Lists(rawValue: 1 << 7)

        public static let ageLists: Lists = [.newborn, .pediatric, .maternity, .adult]
        public static let sexLists: Lists = [.female, .male]

        /// The MCE edit type names of the tab lists.
        static let byEditType: [String: Lists] = [
            "Newborn_Only": .newborn, "Pediatric_Only": .pediatric, "Maternity_Only": .maternity, "Adult_Only": .adult,
            "Female_Only": .female, "Male_Only": .male, "Principal_Manifestation": .manifestation,
            "Principal_Unacceptable": .unacceptablePrincipal,
        ]
    }

    /// Age bands of the age lists in whole years at the date of service: the current MCE versions'
    /// (DOMAIN.md; older versions used 12–55 for maternity). The shipped lists, MCE v37, are read
    /// with these bands too: charges are checked as payers edit them today.
    public static let ageBands: [(list: Lists, range: ClosedRange<Int>, name: String)] = [
        (.newborn, 0...0, "newborn (age 0)"),
        (.pediatric, 0...17, "pediatric ages 0–17"),
        (.maternity, 9...64, "maternity ages 9–64"),
        (.adult, 15...124, "adult ages 15–124"),
    ]

    public struct Release: Sendable {
        public var name: String
        /// The name as messages give it: `MCE v37 (FY2020)`, a manifest's own name with `MCE`
        /// before it unless it starts so.
        var label: String { name.uppercased().hasPrefix("MCE") ? name : "MCE \(name)" }
        public private(set) var codes = SortedCodes()
        var lists: [Lists] = []
        /// One bit per three-character category (18 bits) with a code on some list. The lists hold
        /// whole chapters (maternity, perinatal) and scattered codes; the diagnoses most lines carry
        /// are in categories with none, and this answers them without a search.
        var categories: [UInt64] = []

        /// Sets `codes` and their lists (same order) and indexes their categories.
        mutating func set(codes sorted: [UInt64], lists: [Lists]) {
            codes = SortedCodes(sorted: sorted)
            self.lists = lists
            categories = Array(repeating: 0, count: (1 << 18) / 64)
            for code in sorted {
                let c = Int(code >> 42)
                categories[c >> 6] |= 1 << UInt64(c & 63)
            }
        }

        /// The lists `code` is on (empty when none: the code is not edited).
        @inline(__always)
        public func lists(_ code: UInt64) -> Lists {
            if !categories.isEmpty {
                let c = Int(code >> 42)
                if categories[c >> 6] & (1 << UInt64(c & 63)) == 0 { return [] }
            }
            let i = codes.index(of: code)
            return i >= 0 ? lists[i] : []
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

    /// The MCE release applying on `day` (a list applies from its release until a newer one).
    @inline(__always)
    public func release(on day: Int32) -> Int? { schedule.release(on: day) }

    /// The lists `code` is on in release `release` (empty when none: the code is not edited).
    @inline(__always)
    public func lists(_ code: UInt64, release: Int) -> Lists { releases[release].lists(code) }

    /// The lists of `code` on a date of service (empty when no MCE release applies).
    public func lists(_ code: UInt64, on day: Int32) -> Lists {
        guard let release = release(on: day) else { return [] }
        return lists(code, release: release)
    }
}
