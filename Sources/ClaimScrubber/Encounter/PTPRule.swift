/// E03: an NCCI procedure-to-procedure pair on one patient, date and provider without an allowed
/// bypass; the column-2 line is the one held.
///
/// Professional lines use the practitioner table grouped by rendering provider, institutional lines
/// the outpatient-hospital table grouped by billing provider. Indicator 0 never allows the pair,
/// indicator 1 allows it when either line carries a PTP-associated modifier, 9 never applies.
/// Each line is held at most once, for the first column-1 code found.
struct PTPRule: EncounterRule {
    var ids: [RuleID] { [.E03] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard lines.count > 1 else { return }
        let ptp = context.tables.ptp
        let day = lines[lines.startIndex].day
        let practitioner = ptp.release(on: day, setting: .practitioner)
        let hospital = ptp.release(on: day, setting: .outpatientHospital)
        guard practitioner != nil || hospital != nil else { return }
        for j in lines.indices where !lines[j].isCredit {
            let second = lines[j]
            guard let release = second.isInstitutional ? hospital : practitioner,
                ptp.mayBeColumn2(second.code, release: release)
            else { continue }
            let secondBypass = second.hasModifier(in: EncounterRules.ptpBypass)
            for i in lines.indices where i != j {
                let first = lines[i]
                guard !first.isCredit, first.code != second.code, first.isInstitutional == second.isInstitutional,
                    ptp.mayBeColumn1(first.code, release: release),
                    first.provider == second.provider,
                    let edit = ptp.edit(column1: first.code, column2: second.code, on: day, release: release),
                    edit.modifierIndicator != 9
                else { continue }
                if edit.modifierIndicator == 1 && (secondBypass || first.hasModifier(in: EncounterRules.ptpBypass)) {
                    continue
                }
                if let severity = context.severity(.E03, second) {
                    out.append(
                        EncounterFinding(
                            line: second, rule: .E03, severity: severity, other: first.code,
                            number: Int64(edit.modifierIndicator)))
                }
                break
            }
        }
    }
}
