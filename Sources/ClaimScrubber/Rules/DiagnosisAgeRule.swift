/// M01: a diagnosis on an MCE age list (newborn, pediatric, maternity, adult) for a patient whose
/// age on the date of service, in whole years from the birth date, is outside that list's band.
///
/// The finding's value is the diagnosis and the message names the band, never the patient's age
/// or birth date. Lines with no birth date, or one after the date of service (D05), are skipped.
struct DiagnosisAgeRule: LineRule {
    var ids: [RuleID] { [.M01] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let mce = context.tables.mce
        guard mce.isLoaded else { return }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let day = batch.serviceDay[r]
            let born = batch.birthDay[r]
            guard DayNumber.isDate(day), DayNumber.isDate(born), born <= day, let release = mce.release(on: day) else { continue }
            var age = -1
            for k in 0..<12 {
                let d = batch.diagnosis(r, k)
                if d == 0 || d == PackedCode.invalid { continue }
                let lists = mce.lists(d, release: release).intersection(.ageLists)
                if lists.isEmpty { continue }
                if age < 0 { age = DayNumber.age(born: born, on: day) }
                for band in MCETable.ageBands where lists.contains(band.list) && !band.range.contains(age) {
                    sink.add(
                        .M01, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                        message: "diagnosis is for \(band.name) (MCE \(mce.releases[release].name)); the patient's age at the date of service is outside it",
                        payer: batch.payerName(r))
                    break
                }
            }
        }
    }
}
