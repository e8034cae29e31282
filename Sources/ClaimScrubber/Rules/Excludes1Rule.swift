/// M04: two diagnoses of one line form an ICD-10-CM Excludes1 pair (the conditions cannot occur
/// together). Reported once per pair, on the later diagnosis, whichever code's note names the other.
///
/// The Excludes1 table serves the dates of its release (FY2026 in the shipped set); lines outside
/// them are not edited. Those with two diagnoses or more are counted (`FindingSink.notChecked`,
/// summary.json's `lines_not_checked`), except where no ICD-10-CM release serves the date either:
/// C06 says so on the line.
struct Excludes1Rule: LineRule {
    var ids: [RuleID] { [.M04] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let table = context.tables.excludes1
        let icd = context.tables.icd10cm
        let list = batch.diagnosisList
        guard list.width >= 2 else { return }
        // A batch repeats a few thousand codes and far fewer pairs, so each distinct code (its
        // `BatchDiagnoses` number) gets whether it has a note in a release (most have none, and a
        // pair of those needs no search), and each distinct pair the answer of its two searches.
        let releases = table.releases.count
        var notes = [Int8](repeating: -1, count: list.codes.count * releases)
        var pairs = CodeMemo()
        for r in 0..<batch.count where batch.isCheckable(r) {
            // Only lines with two diagnoses or more can hold a pair.
            let entries = list.entries(of: r)
            guard entries.count >= 2, Self.countUsable(list, entries) >= 2 else { continue }
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day) else { continue }
            guard let index = table.release(on: day) else {
                if !icd.isLoaded || icd.release(on: day) != nil {
                    sink.countNotChecked(.M04, payer: batch.payerName(r))
                }
                continue
            }
            for later in entries.dropFirst() {
                let nb = list.number(later)
                guard nb != BatchDiagnoses.malformed else { continue }
                let b = list.codes[nb]
                let bNote = Self.hasNote(nb, list, table, index, releases, &notes)
                for earlier in entries.lowerBound..<later {
                    let na = list.number(earlier)
                    // Equal numbers are equal codes.
                    guard na != BatchDiagnoses.malformed, na != nb else { continue }
                    let a = list.codes[na]
                    guard bNote || Self.hasNote(na, list, table, index, releases, &notes) else { continue }
                    // The answer is symmetric, so the pair's key is its numbers in order; the
                    // release sits in the top four bits, as in `CodeMemo.key` (none from 15 on).
                    let excluded: Bool
                    if index < 15 {
                        let pair = UInt64(index) << 60 | UInt64(min(na, nb)) << 30 | UInt64(max(na, nb))
                        excluded =
                            pairs.value(for: pair) { _ in table.excludesEither(a, b, release: index) ? 1 : 0 } != 0
                    } else {
                        excluded = table.excludesEither(a, b, release: index)
                    }
                    // A diagnosis not shaped like an ICD-10-CM code (C04 on its form) is no side of a
                    // pair, though a string like `E1199999` packs and falls inside a range such as
                    // E08's E11. Checked here, on the rare pair, not on every diagnosis.
                    guard excluded, DiagnosisCodeRule.hasICDShape(a), DiagnosisCodeRule.hasICDShape(b) else { continue }
                    let i = list.column(earlier)
                    let j = list.column(later)
                    let first = batch.text(Column.diagnoses[i], r)
                    sink.add(
                        .M04, record: r, field: Column.diagnoses[j].rawValue, value: batch.text(Column.diagnoses[j], r),
                        message:
                            "Excludes1 pair with \(Column.diagnoses[i].rawValue) \(first): not coded together (ICD-10-CM \(table.releases[index].name))",
                        payer: batch.payerName(r))
                    break
                }
            }
        }
    }

    /// Whether code number `n` of `list` has a note in release `index`, searched on first sight.
    @inline(__always)
    static func hasNote(
        _ n: Int, _ list: BatchDiagnoses, _ table: Excludes1Table, _ index: Int, _ releases: Int, _ notes: inout [Int8]
    ) -> Bool {
        let slot = n &* releases &+ index
        if notes[slot] < 0 { notes[slot] = table.releases[index].hasNote(list.codes[n]) ? 1 : 0 }
        return notes[slot] != 0
    }

    /// The diagnoses of `entries` that can be a side of a pair (not malformed).
    @inline(__always)
    static func countUsable(_ list: BatchDiagnoses, _ entries: Range<Int>) -> Int {
        var count = 0
        for e in entries where list.number(e) != BatchDiagnoses.malformed { count += 1 }
        return count
    }
}
