/// Every known procedure modifier with the dates it is valid: the CPT Level I list the project
/// carries, the HCPCS Level II modifier records of the newest loaded HCPCS release that has the
/// modifier, and the supplement of Level II modifiers created or ended after that file (a
/// modifier on a list takes the list's dates, not a release's).
///
/// A modifier packs into 12 bits (two 6-bit characters), so the table is indexed directly by it:
/// `slots[m]..<slots[m + 1]` are the periods modifier `m` is valid in. No search at all.
public struct ModifierTable: Sendable {
    /// Offsets into `periods`, 4097 entries.
    private var slots: [Int32]
    private var periods: [ServicePeriod]

    public init() {
        slots = Array(repeating: 0, count: 4097)
        periods = []
    }

    /// Modifiers of the project's own lists (the Level I list, the Level II supplement), one bit
    /// each: their dates hold on any day. The others are known from a HCPCS release's modifier
    /// records, which say nothing of a day before the releases loaded.
    private var listed = [UInt64](repeating: 0, count: 64)

    /// Builds the table from (modifier, period) pairs: `entries` from the project's lists,
    /// `fromRelease` from the HCPCS releases' modifier records.
    init(
        _ entries: [(code: UInt16, period: ServicePeriod)], fromRelease: [(code: UInt16, period: ServicePeriod)] = []
    ) {
        var listedBits = [UInt64](repeating: 0, count: 64)
        for entry in entries where entry.code < 4096 {
            listedBits[Int(entry.code) >> 6] |= 1 << (UInt64(entry.code) & 63)
        }
        listed = listedBits
        // A listed modifier's dates are the list's: the supplement ends QQ, which the CY2019
        // HCPCS file still has open-ended, as it ends MA–MH.
        let released = fromRelease.filter {
            !($0.code < 4096 && listedBits[Int($0.code) >> 6] & (1 << (UInt64($0.code) & 63)) != 0)
        }
        let sorted = (entries + released).filter { $0.code < 4096 && !$0.period.isEmpty }.sorted {
            ($0.code, $0.period.first) < ($1.code, $1.period.first)
        }
        periods = sorted.map(\.period)
        slots = Array(repeating: 0, count: 4097)
        var k = 0
        for m in 0..<4096 {
            slots[m] = Int32(k)
            while k < sorted.count && Int(sorted[k].code) == m { k += 1 }
        }
        slots[4096] = Int32(k)
        hasLevelOne = sorted.contains { Self.isLevelOne($0.code) }
        hasLevelTwo = sorted.contains { !Self.isLevelOne($0.code) }
    }

    public var isLoaded: Bool { !periods.isEmpty }

    /// Whether the table holds Level I (CPT, a digit first) and Level II (HCPCS, a letter first)
    /// modifiers. A table folder without the Level I list (a HCPCS file alone) knows nothing of
    /// `25` or `59`: those get the form check only, as codes of a set not loaded do.
    public private(set) var hasLevelOne = false
    public private(set) var hasLevelTwo = false

    /// A digit first: a CPT Level I modifier, two digits or a Category II performance measurement
    /// modifier (`1P`, `8P`); every HCPCS Level II modifier starts with a letter.
    @inline(__always)
    public static func isLevelOne(_ modifier: UInt16) -> Bool { (1...10).contains(modifier >> 6 & 63) }

    /// Whether the modifier is on one of the project's lists, whose dates hold on any day.
    @inline(__always)
    public func isListed(_ modifier: UInt16) -> Bool {
        let m = Int(modifier & 0xFFF)
        return listed[m >> 6] & (1 << UInt64(m & 63)) != 0
    }

    /// Whether the modifier's level is loaded, so that "unknown" means unknown.
    @inline(__always)
    public func covers(_ modifier: UInt16) -> Bool { Self.isLevelOne(modifier) ? hasLevelOne : hasLevelTwo }
    public var count: Int { Set((0..<4096).filter { slots[$0] < slots[$0 + 1] }).count }

    /// What a modifier is on a date of service.
    public enum State: Sendable, Equatable {
        case valid
        case unknown
        /// Known, but not valid on that date (the nearest period's bounds).
        case notInEffect(ServicePeriod)
    }

    @inline(__always)
    public func state(_ modifier: UInt16, on day: Int32) -> State {
        let m = Int(modifier & 0xFFF)
        let start = Int(slots[m])
        let end = Int(slots[m + 1])
        if start == end { return .unknown }
        for i in start..<end where periods[i].contains(day) { return .valid }
        // The period just after the day, else the last one before it.
        for i in start..<end where periods[i].first > day { return .notInEffect(periods[i]) }
        return .notInEffect(periods[end - 1])
    }

    /// Packs a two-character modifier (nil when not two letters or digits).
    public static func pack(_ text: String) -> UInt16? {
        let bytes = Array(text.utf8)
        guard bytes.count == 2, let a = PackedCode.value(bytes[0]), let b = PackedCode.value(bytes[1]) else {
            return nil
        }
        return UInt16(a << 6 | b)
    }

    /// The two characters of a packed modifier.
    public static func unpack(_ modifier: UInt16) -> String {
        func char(_ v: UInt16) -> Character {
            v == 0
                ? "?"
                : v <= 10
                    ? Character(Unicode.Scalar(UInt8(v - 1 + 0x30))) : Character(Unicode.Scalar(UInt8(v - 11 + 0x41)))
        }
        return String([char(modifier >> 6 & 63), char(modifier & 63)])
    }
}
