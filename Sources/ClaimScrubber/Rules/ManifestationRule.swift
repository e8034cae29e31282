/// M03: the primary diagnosis (dx1) is a manifestation code (MCE Principal_Manifestation list),
/// which may only follow the code of its underlying condition.
struct ManifestationRule: LineRule {
    var ids: [RuleID] { [.M03] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let mce = context.tables.mce
        guard mce.isLoaded else { return }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let d = batch.diagnosis(r, 0)
            let day = batch.serviceDay[r]
            guard d != 0, d != PackedCode.invalid, DayNumber.isDate(day), let release = mce.release(on: day) else { continue }
            guard mce.lists(d, release: release).contains(.manifestation) else { continue }
            sink.add(
                .M03, record: r, field: "dx1", value: batch.text(.dx1, r),
                message: "manifestation code as the primary diagnosis (MCE \(mce.releases[release].name)); code the underlying condition first",
                payer: batch.payerName(r))
        }
    }
}
