/// E06: a type 1 add-on code billed for a patient and date without one of its primary codes
/// billed by the same provider in the same setting: NCCI pays an add-on code only beside a primary
/// code paid to the same practitioner for that patient and day (the rendering provider of a
/// professional line; for a facility line, the billing provider), as E03 groups them.
struct AddOnRule: EncounterRule {
    var ids: [RuleID] { [.E06] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard context.tables.addOns.isLoaded else { return }
        for line in lines {
            Self.report(line, context, &out) { primaries in
                lines.contains { $0.isStandingCharge && $0.isSameProvider(as: line) && primaries.contains($0.code) }
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

    /// A code billed by a provider in a setting.
    struct Billed: Hashable {
        var code: UInt64
        var provider: UInt32
        var institutional: Bool

        init(_ line: EncounterLine, code: UInt64) {
            self.code = code
            provider = line.provider
            institutional = line.isInstitutional
        }
    }

    /// A large group: the codes of its standing charges gathered in a set once, with their
    /// providers, where scanning the group for every add-on line would be quadratic.
    struct Large: LargeGroupCheck {
        let context: EncounterContext
        var billed: Set<Billed> = []

        mutating func gather(_ line: EncounterLine) {
            if line.isStandingCharge { billed.insert(Billed(line, code: line.code)) }
        }

        func report(_ line: EncounterLine, _ out: inout [EncounterFinding]) {
            guard context.tables.addOns.isLoaded else { return }
            AddOnRule.report(line, context, &out) { primaries in
                primaries.contains { billed.contains(Billed(line, code: $0)) }
            }
        }
    }
}
