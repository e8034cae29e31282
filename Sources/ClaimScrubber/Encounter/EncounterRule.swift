/// A check over every line of one patient on one date of service, across encounters and files.
///
/// Each rule lives in its own file under `Encounter/` and is listed once in `EncounterRules.all`.
protocol EncounterRule: Sendable {
    var ids: [RuleID] { get }
    /// `lines` are one patient's lines on one date, in input order: a few, compared line by line.
    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding])
    /// The same rule over a group of more than `EncounterRules.directScanLimit` lines, in two
    /// passes that keep what the rule needs by key rather than the lines (`LargeGroup`): it gives
    /// the findings `check` would.
    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck
}

struct EncounterContext: Sendable {
    var tables: CodeTables
    var settings: RuleSettings
    /// Payer names by run-wide number (index 0: none).
    var payers: [String]
    /// MUE limits already looked up in this shard job (the shard stage sets one per job; nil:
    /// look up every time).
    var mueMemo: MUELimitMemo? = nil

    /// The MUE of `code` in MUE release `release` (E04 and E05 both ask, for every line).
    @inline(__always)
    func mueLimit(code: UInt64, release: Int) -> MUETable.Limit? {
        guard let mueMemo else { return tables.mue.limit(code: code, release: release) }
        return mueMemo.limit(code: code, release: release) { tables.mue.limit(code: code, release: release) }
    }

    /// The MUE release serving a patient-day per setting (practitioner, outpatient hospital):
    /// looked up once per group rather than once per line.
    func mueReleases(on day: Int32) -> (practitioner: Int?, hospital: Int?) {
        (tables.mue.release(on: day, setting: .practitioner), tables.mue.release(on: day, setting: .outpatientHospital))
    }

    /// The configured severity of `rule` for the line's payer, nil when switched off.
    @inline(__always)
    func severity(_ rule: RuleID, _ line: EncounterLine) -> Severity? {
        let payer: String? = Int(line.payer) < payers.count && line.payer != 0 ? payers[Int(line.payer)] : nil
        return settings.severity(of: rule, payer: payer)
    }
}

enum EncounterRules {
    static let all: [any EncounterRule] = [
        DuplicateRule(),
        PTPRule(),
        MUELineRule(),
        MUEDateOfServiceRule(),
        AddOnRule(),
    ]

    /// Largest patient-day group whose rules compare lines pairwise. A patient-day holds a handful
    /// of lines; a larger group (a placeholder patient id with thousands of lines a day) goes
    /// through each rule's `largeGroup` instead, which gives the same findings: pairwise, 4M lines
    /// of one placeholder patient took 89 s in PTP and MUE alone.
    static let directScanLimit = 32

    /// The modifiers that bypass an indicator-1 PTP edit (DOMAIN.md).
    static let ptpBypass: Set<UInt16> = Set(
        [
            "59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91", "E1", "E2", "E3", "E4", "FA",
            "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8",
            "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI",
        ].map(ModifierCode.pack))

    /// Repeat-procedure modifiers that make a second identical code on one day expected, not a duplicate.
    static let repeatModifiers: Set<UInt16> = Set(["76", "77", "91"].map(ModifierCode.pack))

    /// Modifiers that say a line is a distinct service (NCCI's distinct-procedural ones): like a
    /// repeat modifier, they make a second line of a code expected, no probable duplicate.
    static let distinctModifiers: Set<UInt16> = Set(["59", "XE", "XS", "XP", "XU"].map(ModifierCode.pack))

    /// Modifiers that say where a service was done (NCCI's anatomic modifiers, and 50 bilateral):
    /// two lines of one code that differ in them are services at two sites (`20610-RT`,
    /// `20610-LT`), no probable duplicate.
    static let siteModifiers: Set<UInt16> = Set(
        [
            "50", "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2",
            "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI",
        ].map(ModifierCode.pack))
}

/// MUE limits by code and release for one shard job: E04 and E05 each look up every line's code,
/// and a shard's codes repeat, so most look-ups are a multiply and a compare instead of a binary
/// search of the MUE table. Direct-mapped, 1024 entries; a collision looks up again. One instance
/// per job, used by that job's thread only.
final class MUELimitMemo: @unchecked Sendable {
    private static let bits = 10
    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt64>

    init() {
        keys = .allocate(capacity: 1 << Self.bits)
        keys.initialize(repeating: .max, count: 1 << Self.bits)
        values = .allocate(capacity: 1 << Self.bits)
        values.initialize(repeating: 0, count: 1 << Self.bits)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always)
    func limit(code: UInt64, release: Int, lookUp: () -> MUETable.Limit?) -> MUETable.Limit? {
        // A packed code leaves its top four bits free for the release number.
        guard release >= 0 && release < 16, code >> 60 == 0 else { return lookUp() }
        let key = code | UInt64(release) << 60
        let slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - Self.bits))
        if keys[slot] == key {
            let v = values[slot]
            guard v >> 63 == 1 else { return nil }
            return MUETable.Limit(
                value: Int32(bitPattern: UInt32(truncatingIfNeeded: v)), mai: UInt8(truncatingIfNeeded: v >> 32))
        }
        let limit = lookUp()
        keys[slot] = key
        values[slot] = limit.map { 1 << 63 | UInt64($0.mai) << 32 | UInt64(UInt32(bitPattern: $0.value)) } ?? 0
        return limit
    }
}
