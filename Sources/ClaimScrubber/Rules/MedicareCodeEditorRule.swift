/// M01, M02 and M03, the Medicare Code Editor edits of the diagnoses; one search per diagnosis
/// answers all three (the MCE table keeps every list a code is on as one bit set).
///
/// - M01: a diagnosis on an age list (newborn 0, pediatric 0–17, maternity 9–64, adult 15–124;
///   `MCETable.ageBands`) for a patient whose age on the date of service, in whole years from the
///   birth date, is outside the band. Lines without a birth date, or with one after the date of
///   service (D05), are not age-edited.
/// - M02 (a warning by default): a female-only diagnosis for a male patient, or male-only for a
///   female one; sex `U` or missing is not edited. Current MCE versions have deactivated this
///   edit, but payers may still apply it.
/// - M03: the primary diagnosis (dx1) is a manifestation code, which may only follow the code of
///   its underlying condition.
///
/// Values are the diagnosis; messages name the list or band, never the patient's age, birth date
/// or sex. A date of service no MCE release applies to is not edited (MCE lists are edit lists,
/// not a code set: no C06).
struct MedicareCodeEditorRule: LineRule {
    var ids: [RuleID] { [.M01, .M02, .M03] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let mce = context.tables.mce
        let list = batch.diagnosisList
        guard mce.isLoaded, list.width > 0 else { return }
        // Each distinct code of the batch is searched once per release it is seen with (a batch
        // repeats a few thousand codes): its lists' bits at `number * releases + release`, -1 until
        // searched. Filled on first sight, not up front, since most batches see one release.
        let releases = mce.releases.count
        var known = [Int32](repeating: -1, count: list.codes.count * releases)
        for r in 0..<batch.count where batch.isCheckable(r) {
            let entries = list.entries(of: r)
            if entries.isEmpty { continue }
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day), let index = mce.release(on: day) else { continue }
            // The patient's side is read only for a line with a listed code (few are).
            var patientRead = false
            var born: Int32 = 0
            var hasAge = false
            var age = -1
            var conflictingSex: MCETable.Lists = []
            for e in entries {
                let n = list.number(e)
                if n == BatchDiagnoses.malformed { continue }
                let slot = n &* releases &+ index
                var bits = known[slot]
                if bits < 0 {
                    bits = Int32(mce.lists(list.codes[n], release: index).rawValue)
                    known[slot] = bits
                }
                let lists = MCETable.Lists(rawValue: UInt16(truncatingIfNeeded: bits))
                if lists.isEmpty { continue }
                let k = list.column(e)
                if !patientRead {
                    patientRead = true
                    born = batch.birthDay[r]
                    hasAge = DayNumber.isDate(born) && born <= day
                    let sex = batch.sex[r]
                    conflictingSex = sex == 0x4D ? .female : sex == 0x46 ? .male : []
                }
                let column = Column.diagnoses[k]
                if hasAge && !lists.isDisjoint(with: .ageLists) {
                    if age < 0 { age = DayNumber.age(born: born, on: day) }
                    for band in MCETable.ageBands where lists.contains(band.list) && !band.range.contains(age) {
                        sink.add(
                            .M01, record: r, field: column.rawValue, value: batch.text(column, r),
                            message:
                                "diagnosis is for \(band.name) (on the \(mce.releases[index].label) list; today's MCE age band); the patient's age at the date of service is outside it",
                            payer: batch.payerName(r))
                        break
                    }
                }
                if !conflictingSex.isEmpty && lists.contains(conflictingSex) {
                    sink.add(
                        .M02, record: r, field: column.rawValue, value: batch.text(column, r),
                        message:
                            "diagnosis is on the \(conflictingSex == .female ? "female" : "male")-only list (\(mce.releases[index].label)) and conflicts with the patient's sex",
                        payer: batch.payerName(r))
                }
                if k == 0 && lists.contains(.manifestation) {
                    sink.add(
                        .M03, record: r, field: "dx1", value: batch.text(.dx1, r),
                        message:
                            "manifestation code as the primary diagnosis (\(mce.releases[index].label)); code the underlying condition first",
                        payer: batch.payerName(r))
                }
            }
        }
    }
}
