import Foundation

/// Counts gathered per chunk and merged in order; never a second pass over the data.
///
/// Every field is a sum (or a histogram of sums), so merging chunk results in any grouping gives
/// the same totals: the summary is identical for any worker count and chunk size. Nothing here
/// holds patient data: groups are departments, provider NPIs, payer ids and weeks of service.
public struct ScrubMetrics: Sendable, Equatable {
    public var records = 0
    /// Records held (at least one error finding).
    public var held = 0
    public var findingsByRule = [Int](repeating: 0, count: RuleID.allCases.count)
    public var errors = 0
    public var warnings = 0

    /// Records with at least one finding (held, or passed with warnings).
    public var flagged = 0
    /// Net charges of all records (credits subtract), in cents.
    public var chargesCents: Int64 = 0
    /// Charges of held records.
    public var heldCents: Int64 = 0
    /// Charges of records that pass with warnings only: they go out, but may be denied.
    public var atRiskCents: Int64 = 0
    /// Per rule (catalog order): error findings, records flagged, their charges.
    public var rules = [RuleTally](repeating: RuleTally(), count: RuleID.allCases.count)
    /// Per department ("" when the field is empty).
    public var departments: [String: GroupTally] = [:]
    /// Per rendering provider NPI (`0` missing, `PackedCode.invalid` malformed).
    public var providers: [UInt64: GroupTally] = [:]
    /// Per payer id ("" when the field is empty).
    public var payers: [String: GroupTally] = [:]
    /// Per week of service: `ISOWeek.index` of the date of service, `ISOWeek.none` without one.
    public var weeks: [Int32: GroupTally] = [:]
    /// Charge lag (post date − service date, days) → records, per department; only records with
    /// both dates. Exact: percentiles are read off these counts, no sketch.
    public var chargeLag: [String: [Int32: Int]] = [:]
    /// Findings per (rule, code behind the finding): `TopCode.key`.
    public var topCodes: [UInt64: Int] = [:]
    /// Lines a rule could not check for want of a release serving their date (`FindingSink.notChecked`).
    public var notChecked: [RuleID: Int] = [:]

    public init() {}

    public mutating func merge(_ other: ScrubMetrics) {
        records += other.records
        held += other.held
        for i in findingsByRule.indices { findingsByRule[i] += other.findingsByRule[i] }
        errors += other.errors
        warnings += other.warnings
        flagged += other.flagged
        chargesCents.addSaturating(other.chargesCents)
        heldCents.addSaturating(other.heldCents)
        atRiskCents.addSaturating(other.atRiskCents)
        for i in rules.indices { rules[i].add(other.rules[i]) }
        for (k, v) in other.departments { departments[k, default: GroupTally()].add(v) }
        for (k, v) in other.providers { providers[k, default: GroupTally()].add(v) }
        for (k, v) in other.payers { payers[k, default: GroupTally()].add(v) }
        for (k, v) in other.weeks { weeks[k, default: GroupTally()].add(v) }
        for (department, histogram) in other.chargeLag {
            chargeLag[department, default: [:]].merge(histogram, uniquingKeysWith: +)
        }
        topCodes.merge(other.topCodes, uniquingKeysWith: +)
        notChecked.merge(other.notChecked, uniquingKeysWith: +)
    }

    mutating func count(_ finding: Finding) {
        findingsByRule[finding.rule.ordinal] += 1
        if finding.severity == .error { errors += 1 } else { warnings += 1 }
    }

    /// The charge lag histogram of all departments together.
    public var chargeLagAll: [Int32: Int] {
        var all: [Int32: Int] = [:]
        for histogram in chargeLag.values { all.merge(histogram, uniquingKeysWith: +) }
        return all
    }

    // MARK: - Late findings

    /// Counts a finding made after pass 1 (the encounter rules of the shard stage) for a record
    /// already counted, keeping every metric consistent.
    ///
    /// Call it once per finding. `wasFlagged`: the record had a finding before this one.
    /// `wasHeld`: the record was held before it (by an error of its own, or with its claim or
    /// message); an error on a record not held moves its charges to held (and out of at-risk when
    /// it had warnings), and a warning on a record neither flagged nor held puts them at risk. A
    /// record held with its claim is never at risk, whatever comes late. The rule's `lines`
    /// count takes each call as one record: the encounter rules give a record at most one finding
    /// per rule. `department` and `payer` are the record's trimmed field text ("" when empty);
    /// `procedure` the packed code (`ChargeBatch.procedure`), `serviceDay` a day number.
    public mutating func addLateFinding(
        rule: RuleID, severity: Severity, department: String, renderingNPI: UInt64, payer: String,
        procedure: UInt64, amountCents: Int64, serviceDay: Int32, wasHeld: Bool, wasFlagged: Bool
    ) {
        let error = severity == .error
        findingsByRule[rule.ordinal] += 1
        if error { errors += 1 } else { warnings += 1 }
        var change = GroupTally()
        change.findings = 1
        change.errors = error ? 1 : 0
        if !wasFlagged { change.flagged = 1 }
        if error && !wasHeld {
            change.held = 1
            change.heldCents = amountCents
            // A record that had warnings only was at risk; now it is held.
            if wasFlagged { change.atRiskCents = -amountCents }
        } else if !error && !wasFlagged && !wasHeld {
            change.atRiskCents = amountCents
        }
        held += change.held
        flagged += change.flagged
        heldCents.addSaturating(change.heldCents)
        atRiskCents.addSaturating(change.atRiskCents)
        rules[rule.ordinal].add(RuleTally(errors: change.errors, lines: 1, chargesCents: amountCents))
        add(
            change, department: department, provider: NPI.groupKey(renderingNPI), payer: payer,
            week: ISOWeek.index(serviceDay))
        topCodes[TopCode.key(procedure, rule: rule), default: 0] += 1
    }

    /// Counts a finding on no line (a claim file's structure outside any claim) in the empty
    /// group of each table: no department, provider, payer or week of service. The run-wide
    /// counts have it already.
    mutating func countOutsideLines(error: Bool) {
        var change = GroupTally()
        change.findings = 1
        change.errors = error ? 1 : 0
        add(change, department: "", provider: 0, payer: "", week: ISOWeek.none)
    }

    /// Adds `change` to the line's group in each table.
    private mutating func add(_ change: GroupTally, department: String, provider: UInt64, payer: String, week: Int32) {
        departments[department, default: GroupTally()].add(change)
        providers[provider, default: GroupTally()].add(change)
        payers[payer, default: GroupTally()].add(change)
        weeks[week, default: GroupTally()].add(change)
    }

    /// Counts a claim-file line pass 2 read again: `holds` when its claim is held and pass 1
    /// did not count it held (`heldBefore` when it did), `flags` when an envelope finding is its
    /// first (at risk when the line is not held), and `envelope`, the envelope findings of its
    /// claim, counted on its first line. The run-wide finding and error counts have them already
    /// (`applyLate`), and the totals `held` and `heldCents` are left to the caller, which counts
    /// them per claim.
    mutating func countWithClaim(
        department: String, renderingNPI: UInt64, payer: String, serviceDay: Int32, amountCents: Int64,
        procedure: UInt64, holds: Bool, heldBefore: Bool, wasFlagged: Bool, flags: Bool,
        envelope: [ClaimFilePipeline.EnvelopeCover.EnvelopeFinding]
    ) {
        var change = GroupTally()
        if holds {
            change.held = 1
            change.heldCents = amountCents
            // A line flagged before with warnings alone was at risk; now it is held.
            if wasFlagged { change.atRiskCents = -amountCents }
        } else if flags && !heldBefore {
            change.atRiskCents = amountCents
        }
        if flags {
            change.flagged = 1
            flagged += 1
        }
        for finding in envelope {
            change.findings += 1
            if finding.error { change.errors += 1 }
            topCodes[TopCode.key(procedure, rule: finding.rule), default: 0] += 1
        }
        atRiskCents.addSaturating(change.atRiskCents)
        add(
            change, department: department, provider: NPI.groupKey(renderingNPI), payer: payer,
            week: ISOWeek.index(serviceDay))
    }
}

/// Counts for one group of records (a department, a provider, a payer, a week).
public struct GroupTally: Sendable, Equatable {
    public var lines = 0
    /// Records with at least one finding.
    public var flagged = 0
    /// Records held.
    public var held = 0
    public var findings = 0
    /// Findings of severity error (the rest are warnings).
    public var errors = 0
    public var chargesCents: Int64 = 0
    public var heldCents: Int64 = 0
    public var atRiskCents: Int64 = 0

    public init() {}

    public var warnings: Int { findings - errors }

    @inline(__always)
    public mutating func add(_ other: GroupTally) {
        lines += other.lines
        flagged += other.flagged
        held += other.held
        findings += other.findings
        errors += other.errors
        chargesCents.addSaturating(other.chargesCents)
        heldCents.addSaturating(other.heldCents)
        atRiskCents.addSaturating(other.atRiskCents)
    }
}

/// Per rule: error findings, records the rule flagged, and their charges.
public struct RuleTally: Sendable, Equatable {
    public var errors = 0
    public var lines = 0
    public var chargesCents: Int64 = 0

    public init(errors: Int = 0, lines: Int = 0, chargesCents: Int64 = 0) {
        self.errors = errors
        self.lines = lines
        self.chargesCents = chargesCents
    }

    mutating func add(_ other: RuleTally) {
        errors += other.errors
        lines += other.lines
        chargesCents.addSaturating(other.chargesCents)
    }
}

/// The code behind a finding, packed with its rule into one integer key.
///
/// Codes of up to 8 characters (ICD-10-CM 7, CPT/HCPCS 5, modifiers and places of service 2,
/// revenue codes 4) leave the low 12 bits of a `PackedCode` zero; the rule's ordinal goes there.
/// Anything longer or not a code counts as "(malformed)", an empty field as "(none)".
public enum TopCode {
    /// A first character no real code has (6-bit value 63).
    static let malformed: UInt64 = 63 << 54
    static let ruleMask: UInt64 = 0xFFF

    /// A value not shaped like a code of the rule's kind counts as `(malformed)`: the summary, the
    /// report and the end-of-run table carry codes, never a field's text (a surname typed into the
    /// CPT column was listed among C01's top codes).
    @inline(__always)
    public static func key(_ packed: UInt64, rule: RuleID) -> UInt64 {
        (isCodeShaped(packed, rule: rule) ? code(packed) : malformed) | UInt64(rule.ordinal)
    }

    /// Whether a packed value has the shape of the code a rule's top codes list (empty counts):
    /// a diagnosis is a letter, a digit and one to five letters or digits, or three to five digits
    /// (an ICD-9 code where ICD-10-CM belongs, `4019`: worth seeing by the hundred); a modifier or
    /// place of service one or two characters; a revenue code two to five, two of them digits at
    /// least (`04500`); a procedure code four or five, three of them digits at least (CPT `99213`,
    /// `0001U`, HCPCS `J1100`, and a digit too few; six digits may be a birth date or an MRN).
    static func isCodeShaped(_ packed: UInt64, rule: RuleID) -> Bool {
        if packed == 0 || packed == PackedCode.invalid || packed & ruleMask != 0 { return true }
        let n = PackedCode.length(packed)
        func isDigit(_ i: Int) -> Bool { (0x30...0x39).contains(PackedCode.character(packed, at: i)) }
        let digits = (0..<n).reduce(0) { $0 + (isDigit($1) ? 1 : 0) }
        if findingNamesDiagnosis(rule) {
            return (3...7).contains(n) && !isDigit(0) && isDigit(1) || (3...5).contains(n) && digits == n
        }
        switch rule {
        case .C07, .C08: return n <= 2
        case .C10: return (2...5).contains(n) && digits >= 2
        default: return (4...5).contains(n) && digits >= 3
        }
    }

    /// A packed code as the code part of a key.
    @inline(__always)
    static func code(_ packed: UInt64) -> UInt64 {
        if packed == PackedCode.invalid || packed & ruleMask != 0 { return malformed }
        return packed
    }

    public static func rule(of key: UInt64) -> RuleID? {
        let ordinal = Int(key & ruleMask)
        return ordinal < RuleID.allCases.count ? RuleID.allCases[ordinal] : nil
    }

    /// The code as text: diagnosis codes with their dot after the category (`E11.9`).
    public static func text(of key: UInt64) -> String {
        let code = key & ~ruleMask
        if code == 0 { return "(none)" }
        if code == malformed { return "(malformed)" }
        let text = PackedCode.unpack(code)
        if let rule = rule(of: key), isDiagnosisRule(rule), text.count > 3 {
            return String(text.prefix(3)) + "." + String(text.dropFirst(3))
        }
        return text
    }

    /// The key for a code's text as `text(of:)` writes it; nil when it is not one.
    public static func key(text: String, rule: RuleID) -> UInt64? {
        switch text {
        case "(none)": return UInt64(rule.ordinal)
        case "(malformed)": return malformed | UInt64(rule.ordinal)
        default:
            guard let packed = PackedCode.pack(text), packed != 0, packed & ruleMask == 0 else { return nil }
            // A summary of an earlier version may list a field's text (a name in the CPT column).
            return key(packed, rule: rule)
        }
    }

    /// Rules whose finding's `value` is a diagnosis code (written with its dot or without).
    static func findingNamesDiagnosis(_ rule: RuleID) -> Bool {
        switch rule {
        case .C04, .C05, .M01, .M02, .M03, .M04: return true
        default: return false
        }
    }

    /// Rules whose finding names the offending code in its `value`; the others are counted under
    /// the record's procedure code.
    @inline(__always)
    static func findingNamesCode(_ rule: RuleID) -> Bool {
        switch rule {
        case .C01, .C02, .C03, .C04, .C05, .C07, .C08, .C10, .M01, .M02, .M03, .M04: return true
        default: return false
        }
    }

    static func isDiagnosisRule(_ rule: RuleID) -> Bool {
        switch rule {
        case .C04, .C05, .M01, .M02, .M03, .M04: return true
        default: return false
        }
    }
}

/// Weeks of service as ISO 8601 weeks (Monday to Sunday, week 1 holds the year's first Thursday).
public enum ISOWeek {
    /// The bucket of records without a usable date of service.
    public static let none: Int32 = .min

    /// Weeks since the week of 1970-01-01 (a Thursday): day 0 is in week 0, whose Monday is day −3.
    @inline(__always)
    public static func index(_ day: Int32) -> Int32 {
        guard DayNumber.isDate(day) else { return none }
        let shifted = Int64(day) + 3
        return Int32(shifted >= 0 ? shifted / 7 : (shifted - 6) / 7)
    }

    /// The Monday that starts a week.
    public static func monday(_ week: Int32) -> Int32 { week &* 7 &- 3 }

    /// `2026-W14`; "(none)" for the bucket without a date.
    public static func label(_ week: Int32) -> String {
        guard week != none else { return "(none)" }
        let thursday = monday(week) + 3
        let year = DayNumber.civil(thursday).year
        let number = (thursday - DayNumber.from(year: year, month: 1, day: 1)) / 7 + 1
        return "\(year)-W" + (number < 10 ? "0" : "") + String(number)
    }
}

/// `summary.json`: counts, tables and run parameters; no patient data.
public struct ScrubSummary: Sendable {
    public var metrics = ScrubMetrics()
    public var tables: [TableRelease] = []
    /// Code sets the run checks against that were not loaded (`TableListing.missingCodeSets`):
    /// their codes got a form check only, or their rules did not run.
    public var codeSetsNotLoaded: [String] = []
    /// False for a summary read back without `code_sets_not_loaded` (an earlier version's): what
    /// it loaded is not known, so a comparison says nothing of it.
    public var codeSetsKnown = true
    /// Rules switched off for every payer (`--config`), by id: a comparison must not read their
    /// fall to none as an improvement. Nil for a summary read back without `rules_off`.
    public var rulesOff: [String]? = []
    public var inputs: [InputSummary] = []
    public var run = RunInfo()
    /// D04's threshold: "over threshold" in the charge lag figures means a lag above this.
    public var chargeLagThresholdDays = RuleSettings().chargeLagDays

    public init() {}

    public struct InputSummary: Sendable, Codable, Equatable {
        public var file: String
        public var format: String
        public var compressed: Bool
        public var lines: Int
    }

    public struct RunInfo: Sendable {
        public var version = ClaimScrubberVersion.current
        public var asOf = ""
        public var workers = 0
        public var failOn = ""
        public var outputLevel: String = "none"
        /// How a delimited extract's text was read (`--encoding`: `utf-8` or `windows-1252`); nil for
        /// claim files, which ignore the option.
        public var encoding: String?
        public var chunkSize = 0
        public var memoryLimit = 0
        public var host = ""
        public var startedAt = ""
        public var seconds: [String: Double] = [:]
        /// CPU seconds (user + system, all threads) per phase, beside `seconds`: their ratio shows how
        /// busy the cores were in each phase.
        public var cpuSeconds: [String: Double] = [:]
    }

    public var linesIn: Int { metrics.records }
    public var linesHeld: Int { metrics.held }
    public var linesClean: Int { metrics.records - metrics.held }

    public func findings(_ rule: RuleID) -> Int { metrics.findingsByRule[rule.ordinal] }
}

public enum ClaimScrubberVersion {
    public static let current = "0.1.0"
}
