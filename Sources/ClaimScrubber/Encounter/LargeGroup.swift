/// One encounter rule over a patient-day too large to compare line by line (a placeholder
/// patient id such as `UNKNOWN` carrying thousands or millions of lines on one date).
///
/// The rule sees the group twice, in input order, with its reversed charges already marked: a
/// first pass gathers what it needs (first lines by key, units summed by code and provider, the
/// codes present), a second reports each line. What it keeps grows with the group's distinct keys,
/// never with its lines, so the lines themselves can stream past from a file (`GroupFile`).
protocol LargeGroupCheck {
    mutating func gather(_ line: EncounterLine)
    /// Appends the line's findings of this rule.
    mutating func report(_ line: EncounterLine, _ out: inout [EncounterFinding])
}

/// The lines of one large patient-day, in input order, as many times as asked.
protocol LargeGroupLines {
    func forEach(_ body: (EncounterLine) throws -> Void) throws
}

extension ArraySlice<EncounterLine>: LargeGroupLines {}

enum LargeGroup {
    /// Every rule over one large patient-day on `day` (its reversed charges marked), its lines
    /// read twice. Findings are appended to `out`; after any line that leaves `out` holding
    /// `flushAt` findings or more, `flush` takes them, so a line's findings always go together.
    static func check(
        day: Int32, rules: [any EncounterRule], context: EncounterContext, lines: some LargeGroupLines,
        out: inout [EncounterFinding], flushAt: Int = .max,
        flush: (inout [EncounterFinding]) throws -> Void = { _ in }
    ) throws {
        var checks = rules.map { $0.largeGroup(on: day, context) }
        try lines.forEach { line in
            for k in checks.indices { checks[k].gather(line) }
        }
        try lines.forEach { line in
            for k in checks.indices { checks[k].report(line, &out) }
            if out.count >= flushAt { try flush(&out) }
        }
    }

    /// The same over `lines[range]`, one patient-day in input order held in memory: reversals
    /// marked, then every rule.
    static func check(
        _ lines: inout [EncounterLine], _ range: Range<Int>, rules: [any EncounterRule], context: EncounterContext,
        _ out: inout [EncounterFinding]
    ) {
        var reversals = Reversals.Backward()
        for i in range.reversed() { reversals.visit(&lines[i]) }
        // Reading an array slice throws nothing.
        try? check(day: lines[range.lowerBound].day, rules: rules, context: context, lines: lines[range], out: &out)
    }
}
