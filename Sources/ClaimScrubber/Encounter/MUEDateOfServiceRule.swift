/// E05: units of a code summed over one patient, date and provider over its MUE when the MUE is a
/// date-of-service edit (MAI 2 or 3); credits subtract, and a repeat E01 holds adds nothing
/// (`DuplicateRule.isHeldRepeat`). Over the limit, every line of that code in the group is held:
/// the MUE denies all those units.
struct MUEDateOfServiceRule: EncounterRule {
    var ids: [RuleID] { [.E05] }

    @inline(__always)
    static func sameGroup(_ a: EncounterLine, _ b: EncounterLine) -> Bool {
        a.code == b.code && a.isInpatient == b.isInpatient && a.isSameProvider(as: b)
    }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        let releases = context.mueReleases(on: lines[lines.startIndex].day)
        guard releases.practitioner != nil || releases.hospital != nil else { return }
        checkPairwise(lines, context, practitioner: releases.practitioner, hospital: releases.hospital, &out)
    }

    /// Each group summed at its first line, by scanning the lines.
    func checkPairwise(
        _ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, practitioner: Int?, hospital: Int?,
        _ out: inout [EncounterFinding]
    ) {
        let start = lines.startIndex
        for i in lines.indices {
            let first = lines[i]
            // Each group is summed once, at its first line.
            var seen = false
            for j in start..<i where Self.sameGroup(lines[j], first) {
                seen = true
                break
            }
            if seen { continue }
            guard let limit = Self.limit(first, context, practitioner: practitioner, hospital: hospital) else {
                continue
            }
            var units = Self.unitsAdded(by: first)
            for j in (i + 1)..<lines.endIndex where Self.sameGroup(lines[j], first) {
                units += Self.unitsAdded(by: lines[j])
            }
            guard units > Int64(limit.value) * 1000 else { continue }
            // Over: summed again without the repeats E01 holds (a repeat adds units, never takes
            // them off, so a group within its limit is within it without them too).
            units = DuplicateRule.isHeldRepeat(i, in: lines, context) ? 0 : Self.unitsAdded(by: first)
            for j in (i + 1)..<lines.endIndex where Self.sameGroup(lines[j], first) {
                if DuplicateRule.isHeldRepeat(j, in: lines, context) { continue }
                units += Self.unitsAdded(by: lines[j])
            }
            guard units > Int64(limit.value) * 1000 else { continue }
            Self.report(
                (i..<lines.endIndex).lazy.filter { Self.sameGroup(lines[$0], first) }, of: lines, limit: limit,
                units: units, context, &out)
        }
    }

    struct GroupKey: Hashable {
        var code: UInt64
        var provider: UInt32
        var institutional: Bool
        var inpatient: Bool
        init(_ line: EncounterLine) {
            code = line.code
            provider = line.provider
            institutional = line.isInstitutional
            inpatient = line.isInpatient
        }
    }

    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck {
        let releases = context.mueReleases(on: day)
        return Large(context: context, practitioner: releases.practitioner, hospital: releases.hospital)
    }

    /// The same findings for a large group: the units of each code and provider summed in the
    /// first pass; in the second, each line of a group over its limit is reported.
    struct Large: LargeGroupCheck {
        let context: EncounterContext
        let practitioner: Int?
        let hospital: Int?
        var units: [GroupKey: Int64] = [:]
        /// The standing charges seen so far, by their exact-duplicate key.
        var charges: Set<DuplicateRule.ExactKey> = []

        mutating func gather(_ line: EncounterLine) {
            guard practitioner != nil || hospital != nil else { return }
            if line.isStandingCharge {
                // Lines come in input order: a key seen before makes this line a repeat.
                let (inserted, _) = charges.insert(DuplicateRule.ExactKey(line))
                if !inserted && context.severity(.E01, line) == .error { return }
            }
            units[GroupKey(line), default: 0] += MUEDateOfServiceRule.unitsAdded(by: line)
        }

        func report(_ line: EncounterLine, _ out: inout [EncounterFinding]) {
            guard let sum = units[GroupKey(line)],
                let limit = MUEDateOfServiceRule.limit(line, context, practitioner: practitioner, hospital: hospital),
                sum > Int64(limit.value) * 1000
            else { return }
            MUEDateOfServiceRule.report(line, limit: limit, units: sum, context, &out)
        }
    }

    /// What a line adds to its group's units: a credit takes its units off, whichever sign they are
    /// written with (an HL7 `CD` transaction, or a reversal with a negative amount, often carries
    /// positive units).
    @inline(__always)
    static func unitsAdded(by line: EncounterLine) -> Int64 {
        let units = Int64(line.units)
        return line.isCredit ? -abs(units) : units
    }

    /// The MUE of a group's code when it is a date-of-service edit (MAI 2 or 3), from the release
    /// of the group's setting.
    @inline(__always)
    static func limit(
        _ first: EncounterLine, _ context: EncounterContext, practitioner: Int?, hospital: Int?
    ) -> MUETable.Limit? {
        guard let release = first.ncciRelease(practitioner: practitioner, hospital: hospital),
            let limit = context.mueLimit(code: first.code, release: release), limit.mai == 2 || limit.mai == 3
        else { return nil }
        return limit
    }

    /// Every line of a group over its limit (`members`: indices into `lines`), one finding each.
    static func report(
        _ members: some Sequence<Int>, of lines: ArraySlice<EncounterLine>, limit: MUETable.Limit, units: Int64,
        _ context: EncounterContext, _ out: inout [EncounterFinding]
    ) {
        for i in members { report(lines[i], limit: limit, units: units, context, &out) }
    }

    /// One line of a group over its limit.
    @inline(__always)
    static func report(
        _ line: EncounterLine, limit: MUETable.Limit, units: Int64, _ context: EncounterContext,
        _ out: inout [EncounterFinding]
    ) {
        guard let severity = context.severity(.E05, line) else { return }
        out.append(
            EncounterFinding(
                line: line, rule: .E05, severity: severity,
                other: EncounterFinding.mueGroup(mai: Int(limit.mai), lineUnits: line.units),
                number: Int64(limit.value), number2: units))
    }
}
