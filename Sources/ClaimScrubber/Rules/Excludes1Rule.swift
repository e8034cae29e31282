/// M04: two diagnoses of one line form an ICD-10-CM Excludes1 pair (the conditions cannot occur
/// together). Reported once per pair, on the later diagnosis, whichever code's note names the other.
///
/// The Excludes1 table serves the dates of its release (FY2026 in the shipped set); lines outside
/// them are not edited (C06 already reports when no ICD-10-CM release serves the date).
struct Excludes1Rule: LineRule {
    var ids: [RuleID] { [.M04] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let table = context.tables.excludes1
        let width = batch.diagnosisWidth
        guard table.isLoaded, width >= 2 else { return }
        // A batch repeats a few thousand codes and far fewer pairs, so each distinct code gets an
        // id and whether it has a note (most have none, and a pair of those needs no search), and
        // each distinct pair of ids the answer of its two searches.
        var codes = CodeMemo()
        var pairs = CodeMemo()
        var nextID: Int32 = 0
        for r in 0..<batch.count where batch.isCheckable(r) {
            // Only lines with two diagnoses or more can hold a pair.
            guard Self.countUsable(batch, r, width: width) >= 2 else { continue }
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day), let index = table.release(on: day) else { continue }
            for j in 1..<width {
                let b = batch.diagnosis(r, j)
                guard Self.usable(b) else { continue }
                let bKey = Self.codeKey(b, table, index, &codes, &nextID)
                for i in 0..<j {
                    let a = batch.diagnosis(r, i)
                    guard Self.usable(a), a != b else { continue }
                    let aKey = Self.codeKey(a, table, index, &codes, &nextID)
                    let excluded: Bool
                    if let aKey, let bKey {
                        // Bit 0: the code has a note.
                        guard (aKey | bKey) & 1 != 0 else { continue }
                        let pair = UInt64(min(aKey, bKey)) << 32 | UInt64(max(aKey, bKey))
                        excluded =
                            pairs.value(for: pair) { _ in table.excludesEither(a, b, release: index) ? 1 : 0 } != 0
                    } else {
                        excluded = table.excludesEither(a, b, release: index)
                    }
                    // A diagnosis not shaped like an ICD-10-CM code (C04 on its form) is no side of a
                    // pair, though a string like `E1199999` packs and falls inside a range such as
                    // E08's E11. Checked here, on the rare pair, not on every diagnosis.
                    guard excluded, DiagnosisCodeRule.hasICDShape(a), DiagnosisCodeRule.hasICDShape(b) else { continue }
                    let first = batch.text(Column.diagnoses[i], r)
                    sink.add(
                        .M04, record: r, field: Column.diagnoses[j].rawValue, value: batch.text(Column.diagnoses[j], r),
                        message: "Excludes1 pair with \(Column.diagnoses[i].rawValue) \(first): not coded together (ICD-10-CM \(table.releases[index].name))",
                        payer: batch.payerName(r))
                    break
                }
            }
        }
    }

    /// The batch's id of `code` in release `index`, times two, plus one when the code has a note;
    /// nil when the code cannot be memoised (`CodeMemo.key`).
    @inline(__always)
    static func codeKey(
        _ code: UInt64, _ table: Excludes1Table, _ index: Int, _ codes: inout CodeMemo, _ nextID: inout Int32
    ) -> Int32? {
        guard let key = CodeMemo.key(code, release: index) else { return nil }
        return codes.value(for: key) { _ in
            defer { nextID &+= 1 }
            return nextID << 1 | (table.releases[index].hasNote(code) ? 1 : 0)
        }
    }

    @inline(__always)
    static func usable(_ d: UInt64) -> Bool { d != 0 && d != PackedCode.invalid }

    @inline(__always)
    static func countUsable(_ batch: ChargeBatch, _ r: Int, width: Int) -> Int {
        var count = 0
        for k in 0..<width where usable(batch.diagnosis(r, k)) { count += 1 }
        return count
    }
}
