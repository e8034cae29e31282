/// D02: a charge posted before the service it bills.
struct PostBeforeServiceRule: LineRule {
    var ids: [RuleID] { [.D02] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        for r in 0..<batch.count where batch.isCheckable(r) {
            let service = batch.serviceDay[r]
            let post = batch.postDay[r]
            if DayNumber.isDate(service) && DayNumber.isDate(post) && post < service {
                sink.add(
                    .D02, record: r, field: "post_date", value: DayNumber.format(post),
                    message: "post date is \(service - post) day(s) before the date of service",
                    payer: batch.payerName(r))
            }
        }
    }
}
