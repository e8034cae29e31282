/// D03: more days between the date of service and the as-of date than the payer allows.
struct TimelyFilingRule: LineRule {
    var ids: [RuleID] { [.D03] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // One limit per distinct payer of the batch, looked up once.
        let limits = batch.payers.map { context.settings.timelyFilingDays(payer: $0) }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let service = batch.serviceDay[r]
            guard DayNumber.isDate(service) else { continue }
            let limit = limits[Int(batch.payerIndex[r])]
            let age = Int(context.asOf) - Int(service)
            if age > limit {
                sink.add(
                    .D03, record: r, field: "service_date", value: DayNumber.format(service),
                    message: "\(age) days since the date of service; the payer allows \(limit)",
                    payer: batch.payerName(r))
            }
        }
    }
}
