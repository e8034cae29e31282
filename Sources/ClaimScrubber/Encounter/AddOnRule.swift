/// E06: a type 1 add-on code billed for a patient and date without one of its primary codes.
struct AddOnRule: EncounterRule {
    var ids: [RuleID] { [.E06] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        check(lines, context, indexed: lines.count > EncounterRules.directScanLimit, &out)
    }

    /// `indexed`: the group's codes are gathered in a set once, for a large group (a placeholder
    /// patient), where scanning the group for every add-on line is quadratic.
    func check(
        _ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, indexed: Bool, _ out: inout [EncounterFinding]
    ) {
        let addOns = context.tables.addOns
        guard addOns.isLoaded else { return }
        let present: Set<UInt64>? = indexed ? Set(lines.lazy.filter(\.isStandingCharge).map(\.code)) : nil
        for line in lines where line.isStandingCharge {
            guard let primaries = addOns.primaries(of: line.code, on: line.day) else { continue }
            let found =
                if let present { primaries.contains { present.contains($0) } } else {
                    lines.contains { $0.isStandingCharge && primaries.contains($0.code) }
                }
            if !found, let severity = context.severity(.E06, line) {
                out.append(
                    EncounterFinding(
                        line: line, rule: .E06, severity: severity,
                        other: primaries.first ?? 0))
            }
        }
    }
}
