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
        if lines.count > EncounterRules.directScanLimit {
            checkIndexed(lines, context, practitioner: practitioner, hospital: hospital, &out)
        } else {
            checkPairwise(lines, context, practitioner: practitioner, hospital: hospital, &out)
        }
    }

    /// The finding on a column-2 line: the column-1 code it pairs with and the edit's indicator.
    private func report(
        _ line: EncounterLine, column1: UInt64, indicator: UInt8, _ context: EncounterContext,
        _ out: inout [EncounterFinding]
    ) {
        guard let severity = context.severity(.E03, line) else { return }
        out.append(
            EncounterFinding(line: line, rule: .E03, severity: severity, other: column1, number: Int64(indicator)))
    }

    /// Every column-2 line against every other line of the group, in input order.
    func checkPairwise(
        _ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, practitioner: Int?, hospital: Int?,
        _ out: inout [EncounterFinding]
    ) {
        let ptp = context.tables.ptp
        let day = lines[lines.startIndex].day
        let base = lines.startIndex
        withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: lines.count) { column1Rows in
            // Each line's rows as a column-1 code, looked up when first needed and then kept,
            // instead of once per pair (empty: column 1 of nothing, or a credit or reversed charge; -1: not yet).
            for i in lines.indices { column1Rows[i &- base] = -1 ..< -1 }
            for j in lines.indices where lines[j].isStandingCharge {
                let second = lines[j]
                guard let release = second.isInstitutional ? hospital : practitioner,
                    ptp.mayBeColumn2(second.code, release: release)
                else { continue }
                let secondBypass = second.hasModifier(in: EncounterRules.ptpBypass)
                for i in lines.indices where i != j {
                    let first = lines[i]
                    guard first.code != second.code, first.isInstitutional == second.isInstitutional,
                        first.provider == second.provider
                    else { continue }
                    var rows = column1Rows[i &- base]
                    if rows.lowerBound < 0 {
                        rows =
                            first.isStandingCharge && ptp.mayBeColumn1(first.code, release: release)
                            ? ptp.rows(column1: first.code, release: release) : 0..<0
                        column1Rows[i &- base] = rows
                    }
                    guard !rows.isEmpty,
                        let edit = ptp.edit(
                            column1: first.code, column2: second.code, on: day, release: release, rows: rows),
                        edit.modifierIndicator != 9
                    else { continue }
                    if edit.modifierIndicator == 1 && (secondBypass || first.hasModifier(in: EncounterRules.ptpBypass))
                    {
                        continue
                    }
                    report(second, column1: first.code, indicator: edit.modifierIndicator, context, &out)
                    break
                }
            }
        }
    }

    /// The same findings for a large group without comparing every pair of lines. Lines pair only
    /// within one setting and provider; there, for each column-1 code only its first standing
    /// charge can be the one found first, or its first line without a bypass modifier when the
    /// edit's indicator is 1. So each column-2 code looks up its edits against the codes present
    /// once, and each of its lines takes the earliest qualifying line among them.
    func checkIndexed(
        _ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, practitioner: Int?, hospital: Int?,
        _ out: inout [EncounterFinding]
    ) {
        let ptp = context.tables.ptp
        let day = lines[lines.startIndex].day
        // Lines by setting and provider, each list in input order; keys taken in sorted order.
        var members: [UInt64: [Int]] = [:]
        for i in lines.indices {
            let line = lines[i]
            members[UInt64(line.provider) | (line.isInstitutional ? 1 << 32 : 0), default: []].append(i)
        }
        struct FirstLines {
            /// First standing charge of the code, and first such line without a bypass modifier.
            var any = Int.max
            var unmodified = Int.max
        }
        for key in members.keys.sorted() {
            let indices = members[key]!
            guard let release = key >> 32 != 0 ? hospital : practitioner else { continue }
            var first: [UInt64: FirstLines] = [:]
            for i in indices where lines[i].isStandingCharge {
                let line = lines[i]
                var entry = first[line.code] ?? FirstLines()
                entry.any = min(entry.any, i)
                if !line.hasModifier(in: EncounterRules.ptpBypass) { entry.unmodified = min(entry.unmodified, i) }
                first[line.code] = entry
            }
            let column1 = first.keys.filter { ptp.mayBeColumn1($0, release: release) }.sorted()
                .map { (code: $0, rows: ptp.rows(column1: $0, release: release)) }.filter { !$0.rows.isEmpty }
            var editsOf: [UInt64: [(code: UInt64, indicator: UInt8)]] = [:]
            for j in indices where lines[j].isStandingCharge {
                let second = lines[j]
                guard ptp.mayBeColumn2(second.code, release: release) else { continue }
                let edits =
                    editsOf[second.code]
                    ?? column1.compactMap { (code, rows) -> (code: UInt64, indicator: UInt8)? in
                        guard code != second.code,
                            let edit = ptp.edit(
                                column1: code, column2: second.code, on: day, release: release, rows: rows),
                            edit.modifierIndicator != 9
                        else { return nil }
                        return (code, edit.modifierIndicator)
                    }
                editsOf[second.code] = edits
                guard !edits.isEmpty else { continue }
                let secondBypass = second.hasModifier(in: EncounterRules.ptpBypass)
                var earliest = Int.max
                var found: (code: UInt64, indicator: UInt8)?
                for edit in edits {
                    let lines = first[edit.code]!
                    let i = edit.indicator == 1 ? (secondBypass ? Int.max : lines.unmodified) : lines.any
                    if i < earliest {
                        earliest = i
                        found = edit
                    }
                }
                if let found { report(second, column1: found.code, indicator: found.indicator, context, &out) }
            }
        }
    }
}
