/// E04: a line's units over its code's Medically Unlikely Edit when the MUE is a line edit (MAI 1).
struct MUELineRule: EncounterRule {
    var ids: [RuleID] { [.E04] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        let releases = context.mueReleases(on: lines[lines.startIndex].day)
        guard releases.practitioner != nil || releases.hospital != nil else { return }
        for line in lines where line.isStandingCharge && line.units > 0 {
            guard let release = line.isInstitutional ? releases.hospital : releases.practitioner,
                let limit = context.mueLimit(code: line.code, release: release), limit.mai == 1,
                line.units > limit.value, let severity = context.severity(.E04, line)
            else { continue }
            out.append(
                EncounterFinding(
                    line: line, rule: .E04, severity: severity, number: Int64(limit.value), number2: Int64(line.units)))
        }
    }
}
