/// A check over every line of one patient on one date of service, across encounters and files.
///
/// Each rule lives in its own file under `Encounter/` and is listed once in `EncounterRules.all`.
protocol EncounterRule: Sendable {
    var ids: [RuleID] { get }
    /// `lines` are one patient's lines on one date, in input order.
    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding])
}

struct EncounterContext: Sendable {
    var tables: CodeTables
    var settings: RuleSettings
    /// Payer names by run-wide number (index 0: none).
    var payers: [String]

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

    /// The modifiers that bypass an indicator-1 PTP edit (DOMAIN.md).
    static let ptpBypass: Set<UInt16> = Set(
        ["59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91", "E1", "E2", "E3", "E4", "FA",
            "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8",
            "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI"].map(ModifierCode.pack))

    /// Repeat-procedure modifiers that make a second identical code on one day expected, not a duplicate.
    static let repeatModifiers: Set<UInt16> = Set(["76", "77", "91"].map(ModifierCode.pack))
}
