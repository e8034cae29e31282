/// E06: a type 1 add-on code billed for a patient and date without one of its primary codes.
struct AddOnRule: EncounterRule {
    var ids: [RuleID] { [.E06] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        let addOns = context.tables.addOns
        guard addOns.isLoaded else { return }
        for line in lines where !line.isCredit {
            guard let primaries = addOns.primaries(of: line.code, on: line.day) else { continue }
            let found = lines.contains { !$0.isCredit && primaries.contains($0.code) }
            if !found, let severity = context.severity(.E06, line) {
                out.append(
                    EncounterFinding(
                        line: line, rule: .E06, severity: severity, 
                        other: primaries.first ?? 0))
            }
        }
    }
}
