/// C10: a revenue code that is not four digits with a leading zero or in 100X, 210X or 310X
/// (UB-04 form), or, when a
/// revenue-code list is loaded, not on it on the date of service.
struct RevenueCodeRule: LineRule {
    var ids: [RuleID] { [.C10, .C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        guard batch.layout.has(.revenueCode) else { return }
        let list = context.tables.revenueCodes
        for r in 0..<batch.count where batch.isCheckable(r) && !batch.isEmpty(.revenueCode, r) {
            // 0: empty; UInt64.max: malformed; 1: well formed (no list to look it up in); else the
            // packed code. Packed only when a list is loaded: most runs have none.
            let code: UInt64 = batch.withBytes(.revenueCode, r) { raw in
                let bytes = ChargeParser.trimmed(raw)
                if bytes.isEmpty { return 0 }
                guard ChargeParser.isRevenueCode(bytes) else { return .max }
                return list.isLoaded ? PackedCode.pack(bytes) ?? .max : 1
            }
            if code == 0 || code == 1 { continue }
            let message: String
            if code == .max {
                // Three digits: a spreadsheet dropped the leading zero (`450` for `0450`).
                let text = ChargeParser.trimmed(batch.bytes(.revenueCode, r))
                message =
                    text.count == 3 && text.allSatisfy({ $0 &- 0x30 < 10 })
                    ? "revenue code is not four digits with a leading zero (UB-04): a spreadsheet drops the zero of 0450"
                    : "revenue code is not four digits with a leading zero (UB-04; or 100X, 210X, 310X)"
            } else {
                let day = batch.serviceDay[r]
                guard DayNumber.isDate(day) else { continue }
                guard let release = list.release(on: day) else {
                    sink.add(
                        .C06, record: r, field: "revenue_code", value: "revenue codes",
                        message: "no loaded revenue-code list covers the date of service \(DayNumber.format(day))",
                        payer: batch.payerName(r))
                    continue
                }
                switch list.effect(code, on: day, release: release) {
                case .inEffect: continue
                case .unknown: message = "revenue code is not in the list \(list.releases[release].name)"
                default:
                    message =
                        "revenue code is not in effect on \(DayNumber.format(day)) (\(list.releases[release].name))"
                }
            }
            sink.add(
                .C10, record: r, field: "revenue_code", value: batch.text(.revenueCode, r), message: message,
                payer: batch.payerName(r))
        }
    }
}
