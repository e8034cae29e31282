/// C06 for the NCCI edits: a line whose date of service no loaded PTP or MUE release of its
/// setting covers gets C06 naming the table (DOMAIN.md, "Release coverage": an NCCI or MUE file
/// serves from its effective date until the next, so only dates before the earliest loaded one
/// are uncovered). Such a line used to pass E03–E05 without a word: a March charge scrubbed with
/// April's files, say.
///
/// A setting with no release loaded at all is not reported: without NCCI files the edits do not
/// run, and the summary's table list says which were loaded (C06 on every line would only say
/// that again). The setting follows the encounter rules: outpatient hospital for a line with a
/// revenue code, practitioner otherwise.
struct NCCICoverageRule: LineRule {
    var ids: [RuleID] { [.C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let ptp = context.tables.ptp
        let mue = context.tables.mue
        let settings: [ServiceSetting] = [.practitioner, .outpatientHospital]
        let ptpLoaded = settings.map { ptp.isLoaded($0) }
        let mueLoaded = settings.map { mue.isLoaded($0) }
        checkAddOnCoverage(batch, context, &sink)
        guard ptpLoaded.contains(true) || mueLoaded.contains(true) else { return }
        // Per setting and day: bit 0 PTP uncovered, bit 1 MUE uncovered.
        func uncovered(_ s: Int, _ day: Int32) -> UInt8 {
            (ptpLoaded[s] && ptp.release(on: day, setting: settings[s]) == nil ? 1 : 0)
                | (mueLoaded[s] && mue.release(on: day, setting: settings[s]) == nil ? 2 : 0)
        }
        // Looked up once a day and setting over the batch's dates rather than once a line (a
        // look-up per line cost about 1% of a run's instructions), and only for the days that
        // occur: one mistyped year widens the span to thousands of days that no line has; per line
        // only for a batch whose dates span more than 65,536 days.
        let days = batch.serviceDay
        var low = Int32.max
        var high = Int32.min
        for r in 0..<batch.count where !batch.unparsed[r] && DayNumber.isDate(days[r]) {
            low = min(low, days[r])
            high = max(high, days[r])
        }
        guard low <= high else { return }
        let span = Int(high) - Int(low) + 1
        var byDay: [UInt8]?
        if span <= 1 << 16 {
            var occurs = [Bool](repeating: false, count: span)
            for r in 0..<batch.count where !batch.unparsed[r] && DayNumber.isDate(days[r]) {
                occurs[Int(days[r] - low)] = true
            }
            var table = [UInt8](repeating: 0, count: 2 * span)
            var anyUncovered = false
            for d in 0..<span where occurs[d] {
                for s in 0..<2 {
                    let bits = uncovered(s, low + Int32(d))
                    table[s * span + d] = bits
                    anyUncovered = anyUncovered || bits != 0
                }
            }
            guard anyUncovered else { return }
            byDay = table
        }
        let codes = batch.procedure
        for r in 0..<batch.count where !batch.unparsed[r] {
            let day = days[r]
            let code = codes[r]
            guard DayNumber.isDate(day), code != 0, code != PackedCode.invalid else { continue }
            let s = batch.isBlank(.revenueCode, r) ? 0 : 1
            let bits = byDay.map { $0[s * span + Int(day - low)] } ?? uncovered(s, day)
            if bits & 1 != 0 { report(r, batch, "NCCI PTP", settings[s], day, &sink) }
            if bits & 2 != 0 { report(r, batch, "MUE", settings[s], day, &sink) }
        }
    }

    /// C06 on an add-on code whose date of service no loaded add-on file serves (one dated
    /// before an April file's first day): E06 did not check it, and nothing said so, where PTP
    /// and MUE say it. Only lines of add-on codes: E06 looks at no other.
    private func checkAddOnCoverage(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let addOns = context.tables.addOns
        guard addOns.isLoaded, context.settings.isEnabled(.E06) else { return }
        let days = batch.serviceDay
        let codes = batch.procedure
        // A batch's lines share a few dates: the last one's answer is kept.
        var lastDay = DayNumber.missing
        var lastCovered = true
        for r in 0..<batch.count where !batch.unparsed[r] {
            let day = days[r]
            guard DayNumber.isDate(day), codes[r] != 0, codes[r] != PackedCode.invalid else { continue }
            if day != lastDay {
                lastDay = day
                lastCovered = addOns.covers(day)
            }
            guard !lastCovered, addOns.isAddOn(codes[r]) else { continue }
            sink.add(
                .C06, record: r, field: "procedure_code", value: "NCCI add-on",
                message: "no loaded add-on code table covers the date of service \(DayNumber.format(day)): "
                    + "the add-on edit (E06) was not checked",
                payer: batch.payerName(r))
        }
    }

    private func report(
        _ r: Int, _ batch: ChargeBatch, _ table: String, _ setting: ServiceSetting, _ day: Int32,
        _ sink: inout FindingSink
    ) {
        sink.add(
            .C06, record: r, field: "procedure_code", value: table,
            message:
                "no loaded \(table) release (\(setting.rawValue)) covers the date of service \(DayNumber.format(day)): "
                + "its edits were not checked",
            payer: batch.payerName(r))
    }
}
