/// M02 (a warning by default): a diagnosis on the MCE female-only list for a male patient, or on
/// the male-only list for a female patient. Sex `U` or missing is not edited.
///
/// Current MCE versions have deactivated this edit; payers may still apply it, hence a warning.
/// The finding's value is the diagnosis, never the patient's sex.
struct DiagnosisSexRule: LineRule {
    var ids: [RuleID] { [.M02] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let mce = context.tables.mce
        guard mce.isLoaded else { return }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let sex = batch.sex[r]
            guard sex == 0x4D || sex == 0x46 else { continue }
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day), let release = mce.release(on: day) else { continue }
            let conflicting: MCETable.Lists = sex == 0x4D ? .female : .male
            for k in 0..<12 {
                let d = batch.diagnosis(r, k)
                if d == 0 || d == PackedCode.invalid { continue }
                guard mce.lists(d, release: release).contains(conflicting) else { continue }
                sink.add(
                    .M02, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                    message: "diagnosis is on the MCE \(conflicting == .female ? "female" : "male")-only list (\(mce.releases[release].name)) and conflicts with the patient's sex",
                    payer: batch.payerName(r))
            }
        }
    }
}
