/// E06: a type 1 add-on code billed for a patient and date without one of its primary codes.
struct AddOnRule: EncounterRule {
    var ids: [RuleID] { [.E06] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard context.tables.addOns.isLoaded else { return }
        for line in lines {
            Self.report(line, context, &out) { primaries in
                lines.contains { $0.isStandingCharge && primaries.contains($0.code) }
            }
        }
    }

    /// The finding on `line` when it is a standing add-on charge and `present` says none of its
    /// primary codes is billed.
    @inline(__always)
    static func report(
        _ line: EncounterLine, _ context: EncounterContext, _ out: inout [EncounterFinding],
        present: (ArraySlice<UInt64>) -> Bool
    ) {
        guard line.isStandingCharge, let primaries = context.tables.addOns.primaries(of: line.code, on: line.day),
            !present(primaries), let severity = context.severity(.E06, line)
        else { return }
        out.append(EncounterFinding(line: line, rule: .E06, severity: severity, other: primaries.first ?? 0))
    }

    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck {
        Large(context: context)
    }

    /// A large group: the codes of its standing charges gathered in a set once, where scanning the
    /// group for every add-on line would be quadratic.
    struct Large: LargeGroupCheck {
        let context: EncounterContext
        var codes: Set<UInt64> = []

        mutating func gather(_ line: EncounterLine) {
            if line.isStandingCharge { codes.insert(line.code) }
        }

        func report(_ line: EncounterLine, _ out: inout [EncounterFinding]) {
            guard context.tables.addOns.isLoaded else { return }
            AddOnRule.report(line, context, &out) { primaries in primaries.contains { codes.contains($0) } }
        }
    }
}
