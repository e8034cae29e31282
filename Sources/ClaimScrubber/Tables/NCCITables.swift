/// Which NCCI or MUE table applies to a line: practitioner (professional lines), outpatient
/// hospital (institutional lines) or DME supplier (MUE only).
public enum ServiceSetting: String, Sendable, CaseIterable, Codable {
    case practitioner
    case outpatientHospital = "outpatient-hospital"
    case dme

    /// Position in `allCases`, for tables indexed by setting.
    var ordinal: Int {
        switch self {
        case .practitioner: 0
        case .outpatientHospital: 1
        case .dme: 2
        }
    }

    /// The setting a manifest's `setting` names: its raw value or a CMS file name's word.
    static func named(_ word: String) -> ServiceSetting? { ServiceSetting(rawValue: word) ?? fromName(word) }

    /// The setting a CMS file name spells (`ccipra`/`ccioph`, `PractitionerServices`, …).
    static func fromName(_ word: String) -> ServiceSetting? {
        switch word.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "practitioner", "pra", "practitionerservices": return .practitioner
        case "outpatienthospital", "oph", "facility", "outpatienthospitalservices": return .outpatientHospital
        case "dme", "dmesupplier", "dmesupplierservices": return .dme
        default: return nil
        }
    }
}

/// Which release of a per-setting table (PTP, MUE) serves a date of service.
///
/// Looked up for every line the shard stage checks, so settings index plain arrays (a dictionary
/// keyed by the setting hashed its string raw value on every look-up).
struct SettingReleases: Sendable {
    /// By `ServiceSetting.ordinal`: the setting's schedule, and the table's release index for each
    /// of the schedule's releases.
    private var schedules: [ReleaseSchedule] = Array(repeating: ReleaseSchedule(), count: ServiceSetting.allCases.count)
    private var members: [[Int]] = Array(repeating: [], count: ServiceSetting.allCases.count)

    init() {}

    /// - Parameters: `settings[i]` and `periods[i]` describe the table's release `i`.
    init(settings: [ServiceSetting], periods: [ServicePeriod]) {
        for setting in ServiceSetting.allCases {
            let indices = settings.indices.filter { settings[$0] == setting }
            guard !indices.isEmpty else { continue }
            members[setting.ordinal] = indices
            schedules[setting.ordinal] = ReleaseSchedule(declared: indices.map { periods[$0] })
        }
    }

    /// A loaded setting has at least one release; an unloaded one an empty schedule.
    func isLoaded(_ setting: ServiceSetting) -> Bool { !schedules[setting.ordinal].isEmpty }

    @inline(__always)
    func release(on day: Int32, setting: ServiceSetting) -> Int? {
        // In place: binding the schedule to a local would retain its arrays on every look-up.
        let o = setting.ordinal
        guard let k = schedules[o].release(on: day) else { return nil }
        return members[o][k]
    }

    func schedule(_ setting: ServiceSetting) -> ReleaseSchedule? {
        isLoaded(setting) ? schedules[setting.ordinal] : nil
    }
}

/// NCCI procedure-to-procedure edits, per setting and release (the -f1..-f4 parts of one version
/// form one release).
///
/// A pair is one `UInt64` key: column 1 code in the high 30 bits, column 2 code in the low 30
/// (five 6-bit characters each). Rows for the same pair with other date ranges sit next to each
/// other in the sorted keys.
public struct PTPTable: Sendable {
    /// One edit row in force on a date of service.
    public struct Edit: Sendable, Equatable {
        /// 0 never payable together, 1 payable with a PTP-associated modifier, 9 edit does not apply.
        public var modifierIndicator: UInt8
        public var effective: Int32
        /// Last day in force (`Int32.max` when the file says `*`).
        public var deletion: Int32
    }

    public struct Release: Sendable {
        public var name: String
        public var setting: ServiceSetting
        /// The distinct column-1 codes (five characters, packed), and where each one's rows start
        /// (one more entry: the end). A look-up searches these few thousand codes, which stay in
        /// cache, then the column-2 codes of that code's rows only: with a quarter's CMS files
        /// (millions of rows) one search over all the pairs missed the cache at nearly every step.
        var column1Codes = SortedCodes()
        var column1Starts: [Int32] = []
        /// Per row, sorted by column 1, column 2 and effective date: the column-2 code (five
        /// characters, packed: 4 bytes, the column-1 code being the row's range), the dates and
        /// the modifier indicator. 13 bytes a row.
        var column2Codes: [UInt32] = []
        var effective: [Int32] = []
        var deletion: [Int32] = []
        var indicator: [UInt8] = []
        /// Which codes can be column 1 or column 2 of some pair: a quick "no" before the search.
        var column1 = CodeFilter()
        var column2 = CodeFilter()

        /// Number of rows.
        public var count: Int { column2Codes.count }

        /// The first of `rows` whose column-2 code is not below `code` (`rows.upperBound` when
        /// none).
        @inline(__always)
        func lowerBound(_ code: UInt32, in rows: Range<Int>) -> Int {
            column2Codes.withUnsafeBufferPointer { SortedCodes.lowerBound(code, in: $0, rows) }
        }

        public init(name: String, setting: ServiceSetting) {
            self.name = name
            self.setting = setting
        }

        /// A release of rows given as pair keys (`PTPTable.key`) sorted by key, then effective
        /// date, with their dates and indicators in the same order.
        init(
            name: String, setting: ServiceSetting, sortedKeys keys: [UInt64], effective: [Int32], deletion: [Int32],
            indicator: [UInt8]
        ) {
            precondition(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "keys must be sorted")
            self.init(name: name, setting: setting)
            var codes: [UInt64] = []
            var starts: [Int32] = []
            column2Codes.reserveCapacity(keys.count)
            for (i, key) in keys.enumerated() {
                if codes.last != key >> 30 {
                    codes.append(key >> 30)
                    starts.append(Int32(i))
                    column1.insert(key >> 30)
                }
                let code2 = key & (1 << 30 - 1)
                column2Codes.append(UInt32(code2))
                column2.insert(code2)
            }
            starts.append(Int32(keys.count))
            column1Codes = SortedCodes(sorted: codes)
            column1Starts = starts
            self.effective = effective
            self.deletion = deletion
            self.indicator = indicator
        }
    }

    public private(set) var releases: [Release] = []
    private var bySetting = SettingReleases()

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        bySetting = SettingReleases(settings: releases.map(\.setting), periods: periods)
    }

    /// False when `code` is column 1 of no pair of the release (true: it may be).
    @inline(__always)
    public func mayBeColumn1(_ code: UInt64, release index: Int) -> Bool {
        releases[index].column1.mayContain(PackedCode.five(code))
    }

    /// False when `code` is column 2 of no pair of the release (true: it may be).
    @inline(__always)
    public func mayBeColumn2(_ code: UInt64, release index: Int) -> Bool {
        releases[index].column2.mayContain(PackedCode.five(code))
    }

    public func isLoaded(_ setting: ServiceSetting) -> Bool { bySetting.isLoaded(setting) }

    /// Bytes of the releases' columns and filters.
    public var residentBytes: Int {
        releases.reduce(0) { total, release in
            total + release.count * (MemoryLayout<UInt32>.size + 2 * MemoryLayout<Int32>.size + 1) + 2 * (8 << 10)
                + release.column1Codes.count * (MemoryLayout<UInt64>.size + MemoryLayout<Int32>.size)
        }
    }

    /// The release serving `day` in `setting`, or nil.
    public func release(on day: Int32, setting: ServiceSetting) -> Int? { bySetting.release(on: day, setting: setting) }

    public func schedule(_ setting: ServiceSetting) -> ReleaseSchedule? { bySetting.schedule(setting) }

    @inline(__always)
    static func key(_ column1: UInt64, _ column2: UInt64) -> UInt64 {
        PackedCode.five(column1) << 30 | PackedCode.five(column2)
    }

    /// The edit for the pair in force on `day` in `setting`, or nil (no edit, or no release serves the day).
    public func edit(column1: UInt64, column2: UInt64, on day: Int32, setting: ServiceSetting) -> Edit? {
        guard let index = release(on: day, setting: setting) else { return nil }
        return edit(column1: column1, column2: column2, on: day, release: index)
    }

    @inline(__always)
    public func edit(column1: UInt64, column2: UInt64, on day: Int32, release index: Int) -> Edit? {
        edit(column1: column1, column2: column2, on: day, release: index, rows: rows(column1: column1, release: index))
    }

    /// The rows of the release whose column 1 is `code` (empty when there are none).
    @inline(__always)
    public func rows(column1 code: UInt64, release index: Int) -> Range<Int> {
        let k = releases[index].column1Codes.index(of: PackedCode.five(code))
        guard k >= 0 else { return 0..<0 }
        return Int(releases[index].column1Starts[k])..<Int(releases[index].column1Starts[k &+ 1])
    }

    /// The edit of the pair in force on `day`, searched among `rows`, the rows of its column-1
    /// code (`rows(column1:release:)`, looked up once for all the column-2 codes it meets).
    @inline(__always)
    public func edit(column1: UInt64, column2: UInt64, on day: Int32, release index: Int, rows: Range<Int>) -> Edit? {
        // Through `releases[index]` in place: binding the release to a local would retain and
        // release its four arrays on every look-up.
        let code = UInt32(truncatingIfNeeded: PackedCode.five(column2))
        var i = releases[index].lowerBound(code, in: rows)
        while i < rows.upperBound && releases[index].column2Codes[i] == code {
            let effective = releases[index].effective[i]
            let deletion = releases[index].deletion[i]
            if effective <= day && day <= deletion {
                return Edit(modifierIndicator: releases[index].indicator[i], effective: effective, deletion: deletion)
            }
            i += 1
        }
        return nil
    }
}

/// A set of five-character codes as 65,536 bits (8 KB) by hash: no false "absent", a few false
/// "present" once a table holds thousands of codes.
struct CodeFilter: Sendable {
    private var bits = [UInt64](repeating: 0, count: 1024)

    @inline(__always)
    private static func slot(_ five: UInt64) -> Int {
        Int(truncatingIfNeeded: (five &* 0x9E37_79B9_7F4A_7C15) >> 48)
    }

    mutating func insert(_ five: UInt64) {
        let k = Self.slot(five)
        bits[k >> 6] |= 1 << UInt64(k & 63)
    }

    @inline(__always)
    func mayContain(_ five: UInt64) -> Bool {
        let k = Self.slot(five)
        return bits[k >> 6] & (1 << UInt64(k & 63)) != 0
    }
}

/// Medically Unlikely Edits per setting and release.
public struct MUETable: Sendable {
    public struct Limit: Sendable, Equatable {
        /// Most units of service payable.
        public var value: Int32
        /// Adjudication indicator: 1 line edit, 2 date-of-service edit (policy), 3 date-of-service edit (clinical).
        public var mai: UInt8
    }

    public struct Release: Sendable {
        public var name: String
        public var setting: ServiceSetting
        public var codes = SortedCodes()
        var values: [Int32] = []
        var mai: [UInt8] = []
    }

    public private(set) var releases: [Release] = []
    private var bySetting = SettingReleases()

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        bySetting = SettingReleases(settings: releases.map(\.setting), periods: periods)
    }

    public func isLoaded(_ setting: ServiceSetting) -> Bool { bySetting.isLoaded(setting) }

    public func release(on day: Int32, setting: ServiceSetting) -> Int? { bySetting.release(on: day, setting: setting) }

    public func schedule(_ setting: ServiceSetting) -> ReleaseSchedule? { bySetting.schedule(setting) }

    /// The MUE of `code` on `day` in `setting`, or nil (no MUE, or no release serves the day).
    public func limit(code: UInt64, on day: Int32, setting: ServiceSetting) -> Limit? {
        guard let index = release(on: day, setting: setting) else { return nil }
        return limit(code: code, release: index)
    }

    @inline(__always)
    public func limit(code: UInt64, release index: Int) -> Limit? {
        let i = releases[index].codes.index(of: code)
        return i >= 0 ? Limit(value: releases[index].values[i], mai: releases[index].mai[i]) : nil
    }
}

/// Type 1 add-on codes and their primary codes, each row with its dates.
public struct AddOnTable: Sendable {
    /// Add-on codes, sorted (several rows per code allowed, with different dates).
    public private(set) var addOns = SortedCodes()
    private var periods: [ServicePeriod] = []
    /// `primaries[start[i]..<start[i + 1]]` are row `i`'s primary codes, sorted.
    private var start: [Int32] = [0]
    private var primaryCodes: [UInt64] = []

    public init() {}

    struct Row {
        var addOn: UInt64
        var primaries: [UInt64]
        var period: ServicePeriod
    }

    /// The service dates each loaded add-on file serves (its manifest's `effective`/`through`).
    private var releases: [ServicePeriod] = []

    init(rows: [Row], releases: [ServicePeriod] = []) {
        self.releases = releases
        let sorted = rows.sorted { ($0.addOn, $0.period.first) < ($1.addOn, $1.period.first) }
        addOns = SortedCodes(sorted: sorted.map(\.addOn))
        periods = sorted.map(\.period)
        start = [0]
        for row in sorted {
            primaryCodes.append(contentsOf: row.primaries.sorted())
            start.append(Int32(primaryCodes.count))
        }
    }

    public var isLoaded: Bool { addOns.count > 0 }
    public var count: Int { addOns.count }

    /// Whether a loaded add-on file serves `day` (C06 on an add-on code when none does).
    public func covers(_ day: Int32) -> Bool { releases.isEmpty || releases.contains { $0.contains(day) } }

    /// Whether `code` is an add-on code of some row, whatever its dates.
    public func isAddOn(_ code: UInt64) -> Bool { addOns.contains(code) }

    /// The primary codes of `addOn` on `day` (sorted), or nil when it is not a type 1 add-on code then.
    public func primaries(of addOn: UInt64, on day: Int32) -> ArraySlice<UInt64>? {
        var i = addOns.lowerBound(addOn)
        while i < addOns.count && addOns.keys[i] == addOn {
            if periods[i].contains(day) { return primaryCodes[Int(start[i])..<Int(start[i + 1])] }
            i += 1
        }
        return nil
    }
}
