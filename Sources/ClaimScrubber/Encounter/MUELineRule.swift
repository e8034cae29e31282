/// E04: a line's units over its code's Medically Unlikely Edit when the MUE is a line edit (MAI 1).
struct MUELineRule: EncounterRule {
    var ids: [RuleID] { [.E04] }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        let releases = context.mueReleases(on: lines[lines.startIndex].day)
        guard releases.practitioner != nil || releases.hospital != nil else { return }
        for line in lines { Self.check(line, context, releases, &out) }
    }

    @inline(__always)
    static func check(
        _ line: EncounterLine, _ context: EncounterContext, _ releases: (practitioner: Int?, hospital: Int?),
        _ out: inout [EncounterFinding]
    ) {
        guard line.isStandingCharge && line.units > 0,
            let release = line.ncciRelease(practitioner: releases.practitioner, hospital: releases.hospital),
            let limit = context.mueLimit(code: line.code, release: release), limit.mai == 1,
            Int64(line.units) > Int64(limit.value) * 1000, let severity = context.severity(.E04, line)
        else { return }
        out.append(
            EncounterFinding(
                line: line, rule: .E04, severity: severity, number: Int64(limit.value), number2: Int64(line.units)))
    }

    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck {
        Large(context: context, releases: context.mueReleases(on: day))
    }

    /// A line edit: nothing to gather.
    struct Large: LargeGroupCheck {
        let context: EncounterContext
        let releases: (practitioner: Int?, hospital: Int?)

        func gather(_ line: EncounterLine) {}

        func report(_ line: EncounterLine, _ out: inout [EncounterFinding]) {
            MUELineRule.check(line, context, releases, &out)
        }
    }
}
