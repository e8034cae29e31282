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
        checkPairwise(lines, context, practitioner: practitioner, hospital: hospital, &out)
    }

    /// The finding on a column-2 line: the column-1 code it pairs with and the edit's indicator.
    fileprivate func report(
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
                guard let release = second.ncciRelease(practitioner: practitioner, hospital: hospital),
                    ptp.mayBeColumn2(second.code, release: release)
                else { continue }
                let secondBypass = second.hasModifier(in: EncounterRules.ptpBypass)
                for i in lines.indices where i != j {
                    let first = lines[i]
                    guard first.code != second.code, !first.isInpatient, first.isSameProvider(as: second)
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

    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck {
        let ptp = context.tables.ptp
        return Large(
            rule: self, context: context, day: day, practitioner: ptp.release(on: day, setting: .practitioner),
            hospital: ptp.release(on: day, setting: .outpatientHospital))
    }

    /// The same findings for a large group without comparing every pair of lines. Lines pair only
    /// within one setting and provider; there, for each column-1 code only its first standing
    /// charge can be the one found first, or its first line without a bypass modifier when the
    /// edit's indicator is 1. So the first pass keeps those two lines of each code present, and
    /// each column-2 code looks up its edits against the codes present once; each of its lines
    /// takes the earliest qualifying line among them.
    struct Large: LargeGroupCheck {
        let rule: PTPRule
        let context: EncounterContext
        let day: Int32
        let practitioner: Int?
        let hospital: Int?

        /// First standing charge of a code, and first such line without a bypass modifier (record numbers).
        struct FirstLines {
            var any = UInt64.max
            var unmodified = UInt64.max
        }

        /// Setting and provider of a line, the lines that can pair.
        struct Place: Hashable {
            var provider: UInt32
            var institutional: Bool
            init(_ line: EncounterLine) {
                provider = line.provider
                institutional = line.isInstitutional
            }
        }

        struct CodeAt: Hashable {
            var place: Place
            var code: UInt64
        }

        var first: [Place: [UInt64: FirstLines]] = [:]
        /// Per place, the column-1 codes present with their rows, in code order (made when first asked).
        var column1: [Place: [(code: UInt64, rows: Range<Int>)]] = [:]
        /// The edits of a column-2 code against the column-1 codes present at its place.
        var edits: [CodeAt: [(code: UInt64, indicator: UInt8)]] = [:]

        mutating func gather(_ line: EncounterLine) {
            guard line.isStandingCharge, !line.isInpatient, practitioner != nil || hospital != nil else { return }
            func note(_ entry: inout FirstLines) {
                if entry.any == .max { entry.any = line.ordinal }
                if entry.unmodified == .max && !line.hasModifier(in: EncounterRules.ptpBypass) {
                    entry.unmodified = line.ordinal
                }
            }
            // In place: one look-up of the place and the code.
            note(&first[Place(line), default: [:]][line.code, default: FirstLines()])
        }

        mutating func report(_ second: EncounterLine, _ out: inout [EncounterFinding]) {
            guard second.isStandingCharge,
                let release = second.ncciRelease(practitioner: practitioner, hospital: hospital)
            else {
                return
            }
            let ptp = context.tables.ptp
            guard ptp.mayBeColumn2(second.code, release: release) else { return }
            let place = Place(second)
            guard let present = first[place] else { return }
            let key = CodeAt(place: place, code: second.code)
            let found: [(code: UInt64, indicator: UInt8)]
            if let known = edits[key] {
                found = known
            } else {
                let candidates: [(code: UInt64, rows: Range<Int>)]
                if let known = column1[place] {
                    candidates = known
                } else {
                    candidates = present.keys.filter { ptp.mayBeColumn1($0, release: release) }.sorted()
                        .map { (code: $0, rows: ptp.rows(column1: $0, release: release)) }.filter { !$0.rows.isEmpty }
                    column1[place] = candidates
                }
                found = candidates.compactMap { (code, rows) -> (code: UInt64, indicator: UInt8)? in
                    guard code != second.code,
                        let edit = ptp.edit(column1: code, column2: second.code, on: day, release: release, rows: rows),
                        edit.modifierIndicator != 9
                    else { return nil }
                    return (code, edit.modifierIndicator)
                }
                edits[key] = found
            }
            guard !found.isEmpty else { return }
            let secondBypass = second.hasModifier(in: EncounterRules.ptpBypass)
            var earliest = UInt64.max
            var pick: (code: UInt64, indicator: UInt8)?
            for edit in found {
                let lines = present[edit.code]!
                let at = edit.indicator == 1 ? (secondBypass ? .max : lines.unmodified) : lines.any
                if at < earliest {
                    earliest = at
                    pick = edit
                }
            }
            if let pick { rule.report(second, column1: pick.code, indicator: pick.indicator, context, &out) }
        }
    }
}
