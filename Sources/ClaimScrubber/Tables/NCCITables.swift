/// Which NCCI or MUE table applies to a line: practitioner (professional lines), outpatient
/// hospital (institutional lines) or DME supplier (MUE only).
public enum ServiceSetting: String, Sendable, CaseIterable, Codable {
    case practitioner
    case outpatientHospital = "outpatient-hospital"
    case dme

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
        public var pairs = SortedCodes()
        var effective: [Int32] = []
        var deletion: [Int32] = []
        var indicator: [UInt8] = []
    }

    public private(set) var releases: [Release] = []
    private var schedules: [ServiceSetting: ReleaseSchedule] = [:]
    /// Release index within `releases` per setting's schedule index.
    private var members: [ServiceSetting: [Int]] = [:]

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        for setting in ServiceSetting.allCases {
            let indices = releases.indices.filter { releases[$0].setting == setting }
            guard !indices.isEmpty else { continue }
            members[setting] = indices
            schedules[setting] = ReleaseSchedule(declared: indices.map { periods[$0] })
        }
    }

    public func isLoaded(_ setting: ServiceSetting) -> Bool { members[setting] != nil }

    /// The release serving `day` in `setting`, or nil.
    public func release(on day: Int32, setting: ServiceSetting) -> Int? {
        guard let schedule = schedules[setting], let k = schedule.release(on: day) else { return nil }
        return members[setting]![k]
    }

    public func schedule(_ setting: ServiceSetting) -> ReleaseSchedule? { schedules[setting] }

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
        let r = releases[index]
        let key = Self.key(column1, column2)
        var i = r.pairs.lowerBound(key)
        while i < r.pairs.count && r.pairs.keys[i] == key {
            if r.effective[i] <= day && day <= r.deletion[i] {
                return Edit(modifierIndicator: r.indicator[i], effective: r.effective[i], deletion: r.deletion[i])
            }
            i += 1
        }
        return nil
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
    private var schedules: [ServiceSetting: ReleaseSchedule] = [:]
    private var members: [ServiceSetting: [Int]] = [:]

    public init() {}

    init(releases: [Release], periods: [ServicePeriod]) {
        self.releases = releases
        for setting in ServiceSetting.allCases {
            let indices = releases.indices.filter { releases[$0].setting == setting }
            guard !indices.isEmpty else { continue }
            members[setting] = indices
            schedules[setting] = ReleaseSchedule(declared: indices.map { periods[$0] })
        }
    }

    public func isLoaded(_ setting: ServiceSetting) -> Bool { members[setting] != nil }

    public func release(on day: Int32, setting: ServiceSetting) -> Int? {
        guard let schedule = schedules[setting], let k = schedule.release(on: day) else { return nil }
        return members[setting]![k]
    }

    public func schedule(_ setting: ServiceSetting) -> ReleaseSchedule? { schedules[setting] }

    /// The MUE of `code` on `day` in `setting`, or nil (no MUE, or no release serves the day).
    public func limit(code: UInt64, on day: Int32, setting: ServiceSetting) -> Limit? {
        guard let index = release(on: day, setting: setting) else { return nil }
        return limit(code: code, release: index)
    }

    @inline(__always)
    public func limit(code: UInt64, release index: Int) -> Limit? {
        let r = releases[index]
        let i = r.codes.index(of: code)
        return i >= 0 ? Limit(value: r.values[i], mai: r.mai[i]) : nil
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

    init(rows: [Row]) {
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
