/// A finding of the shard stage, kept compact until pass 2 writes it: the message is composed
/// then, from the rule and the codes.
struct EncounterFinding: Sendable, Equatable {
    /// The line found at fault (its record number, code and the facts the report needs).
    var line: EncounterLine
    var rule: RuleID
    var severity: Severity
    /// The other code involved (PTP column 1, add-on primary), or 0.
    var other: UInt64 = 0
    /// A number the message needs (MUE value, units summed, the first line's record number).
    var number: Int64 = 0
    var number2: Int64 = 0

    var ordinal: UInt64 { line.ordinal }
    /// The line's own procedure code (packed).
    var code: UInt64 { line.code }

    var field: String { rule == .E04 || rule == .E05 ? "units" : "procedure_code" }

    var value: String { PackedCode.unpack(code) }

    var message: String {
        let code = PackedCode.unpack(self.code)
        switch rule {
        case .E01: return "exact duplicate of an earlier charge for the same patient and date"
        case .E02: return "probable duplicate: \(code) already billed for this patient, date and provider without a repeat modifier"
        case .E03:
            return "NCCI PTP: \(code) is column 2 of \(PackedCode.unpack(other)) on the same date (modifier indicator \(number))"
        case .E04: return "\(number2) units exceed the MUE of \(number) per line"
        case .E05: return "\(number2) units of \(code) on this date exceed the MUE of \(number) (MAI \(other))"
        case .E06: return "add-on code \(code) billed without one of its primary codes"
        default: return rule.title
        }
    }

    static func < (a: EncounterFinding, b: EncounterFinding) -> Bool {
        (a.ordinal, a.rule.ordinal, a.other) < (b.ordinal, b.rule.ordinal, b.other)
    }
}
