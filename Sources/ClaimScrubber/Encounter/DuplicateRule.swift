/// E01 exact duplicates and E02 probable duplicates, per patient and date, across encounters and files.
///
/// Lines are taken in input order. The first occurrence of a charge passes; a later line with the
/// same code, modifiers (as a set), units, rendering provider and amount is E01. A later line with
/// the same code and rendering provider but other details, and no repeat modifier (76, 77, 91), is
/// E02 (a warning). A credit (negative units or amount) cancels one earlier match of both kinds.
struct DuplicateRule: EncounterRule {
    var ids: [RuleID] { [.E01, .E02] }

    struct ExactKey: Hashable {
        var code: UInt64
        var modifiers: UInt64
        var units: Int32
        var amount: Int64
        var rendering: UInt32
    }

    struct ProbableKey: Hashable {
        var code: UInt64
        var rendering: UInt32
    }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard lines.count > 1 else { return }
        var exact: [ExactKey: Int] = [:]
        var probable: [ProbableKey: Int] = [:]
        for line in lines {
            let e = ExactKey(
                code: line.code, modifiers: line.modifiers, units: abs(line.units), amount: abs(line.amountCents),
                rendering: line.rendering)
            let p = ProbableKey(code: line.code, rendering: line.rendering)
            if line.isCredit {
                if let n = exact[e], n > 0 { exact[e] = n - 1 }
                if let n = probable[p], n > 0 { probable[p] = n - 1 }
                continue
            }
            if exact[e, default: 0] > 0 {
                if let severity = context.severity(.E01, line) {
                    out.append(EncounterFinding(line: line, rule: .E01, severity: severity))
                }
            } else if probable[p, default: 0] > 0 && !line.hasModifier(in: EncounterRules.repeatModifiers) {
                if let severity = context.severity(.E02, line) {
                    out.append(EncounterFinding(line: line, rule: .E02, severity: severity))
                }
            }
            exact[e, default: 0] += 1
            probable[p, default: 0] += 1
        }
    }
}
