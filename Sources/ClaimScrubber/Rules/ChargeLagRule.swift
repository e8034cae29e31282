/// D04: the charge was posted more days after the service than the threshold (a warning).
struct ChargeLagRule: LineRule {
    var ids: [RuleID] { [.D04] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // One threshold per distinct payer of the batch, looked up once.
        let thresholds = batch.payers.map { Int32(context.settings.chargeLagDays(payer: $0)) }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let service = batch.serviceDay[r]
            let post = batch.postDay[r]
            let threshold = thresholds[Int(batch.payerIndex[r])]
            if DayNumber.isDate(service) && DayNumber.isDate(post) && post - service > threshold {
                sink.add(
                    .D04, record: r, field: "post_date", value: DayNumber.format(post),
                    message: "charge lag of \(post - service) days is over the \(threshold)-day threshold",
                    payer: batch.payerName(r))
            }
        }
    }
}
