/// D03: more days between the date of service and the as-of date than the payer allows.
struct TimelyFilingRule: LineRule {
    var ids: [RuleID] { [.D03] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // One limit per distinct payer of the batch, looked up once.
        let limits = batch.payers.map { context.settings.timelyFilingLimit(payer: $0) }
        for r in 0..<batch.count where batch.isCheckable(r) {
            let service = batch.serviceDay[r]
            guard DayNumber.isDate(service) else { continue }
            let age = Int(context.asOf) - Int(service)
            let message: String
            switch limits[Int(batch.payerIndex[r])] {
            case .days(let limit):
                guard age > limit else { continue }
                message = "\(age) days since the date of service; the payer allows \(limit)"
            case .oneYear:
                let last = Self.sameDateAYearLater(service)
                guard context.asOf > last else { continue }
                message =
                    "\(age) days since the date of service; Medicare allows 12 months, to \(DayNumber.format(last))"
            }
            sink.add(
                .D03, record: r, field: "service_date", value: DayNumber.format(service), message: message,
                payer: batch.payerName(r))
        }
    }

    /// The same month and day a year after `day`; February 29 gives February 28.
    static func sameDateAYearLater(_ day: Int32) -> Int32 {
        let (year, month, date) = DayNumber.civil(day)
        return DayNumber.from(year: year + 1, month: month, day: min(date, DayNumber.daysInMonth(year + 1, month)))
    }
}
