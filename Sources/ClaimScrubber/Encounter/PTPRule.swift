/// E03: an NCCI procedure-to-procedure pair on one patient, date and provider without an allowed
/// bypass; the column-2 line is the one held.
///
/// Professional lines use the practitioner table grouped by rendering provider, institutional lines
/// the outpatient-hospital table grouped by billing provider. Indicator 0 never allows the pair,
/// indicator 1 allows it when either line carries a PTP-associated modifier, 9 never applies.
/// Pairs are looked up between distinct codes, so a patient-day with many lines of few codes
/// costs little.
struct PTPRule: EncounterRule {
    var ids: [RuleID] { [.E03] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard lines.count > 1, context.settings.severity(of: .E03) != nil || !context.settings.payers.isEmpty else { return }
        let ptp = context.tables.ptp
        // Distinct (setting, provider, code) with their lines.
        struct Group: Hashable {
            var institutional: Bool
            var provider: UInt32
        }
        var groups: [Group: [UInt64: [Int]]] = [:]
        for (i, line) in zip(lines.indices, lines) where !line.isCredit {
            groups[Group(institutional: line.isInstitutional, provider: line.provider), default: [:]][line.code, default: []]
                .append(i)
        }
        for (group, codes) in groups where codes.count > 1 {
            let setting: ServiceSetting = group.institutional ? .outpatientHospital : .practitioner
            let day = lines[codes.first!.value[0]].day
            guard let release = ptp.release(on: day, setting: setting) else { continue }
            for (column1, firstLines) in codes {
                for (column2, secondLines) in codes where column2 != column1 {
                    guard let edit = ptp.edit(column1: column1, column2: column2, on: day, release: release) else {
                        continue
                    }
                    if edit.modifierIndicator == 9 { continue }
                    let firstBypass = firstLines.contains { lines[$0].hasModifier(in: EncounterRules.ptpBypass) }
                    for i in secondLines {
                        let line = lines[i]
                        if edit.modifierIndicator == 1
                            && (firstBypass || line.hasModifier(in: EncounterRules.ptpBypass))
                        {
                            continue
                        }
                        guard let severity = context.severity(.E03, line) else { continue }
                        out.append(
                            EncounterFinding(
                                line: line, rule: .E03, severity: severity, other: column1,
                                number: Int64(edit.modifierIndicator)))
                    }
                }
            }
        }
    }
}
