/// D01: a date of service after the run's as-of date.
struct FutureServiceDateRule: LineRule {
    var ids: [RuleID] { [.D01] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        for r in 0..<batch.count where batch.isCheckable(r) {
            let day = batch.serviceDay[r]
            if DayNumber.isDate(day) && day > context.asOf {
                sink.add(
                    .D01, record: r, field: "service_date", value: DayNumber.format(day),
                    message: "date of service is after the as-of date \(DayNumber.format(context.asOf))",
                    payer: batch.payerName(r))
            }
        }
    }
}
