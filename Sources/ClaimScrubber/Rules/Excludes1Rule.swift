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
        guard table.isLoaded else { return }
        var releaseIndex = -1
        var release = table.releases[0]
        for r in 0..<batch.count where batch.isCheckable(r) {
            // Only lines with two diagnoses or more can hold a pair.
            guard Self.countUsable(batch, r) >= 2 else { continue }
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day), let index = table.release(on: day) else { continue }
            if index != releaseIndex {
                releaseIndex = index
                release = table.releases[index]
            }
            for j in 1..<12 {
                let b = batch.diagnosis(r, j)
                guard Self.usable(b) else { continue }
                for i in 0..<j {
                    let a = batch.diagnosis(r, i)
                    guard Self.usable(a), a != b, release.excludes(a, b) || release.excludes(b, a) else { continue }
                    let first = batch.text(Column.diagnoses[i], r)
                    sink.add(
                        .M04, record: r, field: Column.diagnoses[j].rawValue, value: batch.text(Column.diagnoses[j], r),
                        message: "Excludes1 pair with \(Column.diagnoses[i].rawValue) \(first): not coded together (ICD-10-CM \(release.name))",
                        payer: batch.payerName(r))
                    break
                }
            }
        }
    }

    @inline(__always)
    static func usable(_ d: UInt64) -> Bool { d != 0 && d != PackedCode.invalid }

    @inline(__always)
    static func countUsable(_ batch: ChargeBatch, _ r: Int) -> Int {
        var count = 0
        for k in 0..<12 where usable(batch.diagnosis(r, k)) { count += 1 }
        return count
    }
}
