/// C04, C05 and C06 for the diagnoses: each code known to the ICD-10-CM release serving the date of
/// service (C04) and billable in it (C05); no release serving the date gives one C06 for the line
/// naming ICD-10-CM, and no C04/C05.
///
/// The batch's diagnosis codes are gathered into one array and searched together
/// (`SortedCodes.indices(of:into:)`); one search answers every loaded release.
struct DiagnosisCodeRule: LineRule {
    var ids: [RuleID] { [.C04, .C05, .C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let icd = context.tables.icd10cm
        // Pass 1: the well-formed codes (and where they sit), malformed ones reported at once.
        var keys: [UInt64] = []
        var slots: [Int32] = []
        keys.reserveCapacity(batch.count * 2)
        slots.reserveCapacity(batch.count * 2)
        for r in 0..<batch.count where batch.isCheckable(r) {
            for k in 0..<12 {
                let d = batch.diagnosis(r, k)
                if d == 0 { continue }
                if Self.hasICDShape(d) {
                    keys.append(d)
                    slots.append(Int32(truncatingIfNeeded: r &* 12 &+ k))
                    continue
                }
                sink.add(
                    .C04, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                    message: "not an ICD-10-CM code (a letter, a digit, then up to five letters or digits)",
                    payer: batch.payerName(r))
            }
        }
        guard icd.isLoaded, !keys.isEmpty else { return }
        // Pass 2: one batched search, then each code against the release of its line's date.
        var found = [Int32](repeating: -1, count: keys.count)
        keys.withUnsafeBufferPointer { k in found.withUnsafeMutableBufferPointer { icd.codes.indices(of: k, into: $0) } }
        var lastRecord = -1
        var release: Int?
        var reportedCoverage = false
        for i in 0..<keys.count {
            let r = Int(slots[i]) / 12
            let k = Int(slots[i]) % 12
            let day = batch.serviceDay[r]
            guard DayNumber.isDate(day) else { continue }
            if r != lastRecord {
                lastRecord = r
                release = icd.release(on: day)
                reportedCoverage = false
            }
            guard let release else {
                if !reportedCoverage {
                    reportedCoverage = true
                    sink.add(
                        .C06, record: r, field: Column.diagnoses[k].rawValue, value: "ICD-10-CM",
                        message: "no loaded ICD-10-CM release covers the date of service \(DayNumber.format(day)) (loaded: \(icd.schedule.coverageText))",
                        payer: batch.payerName(r))
                }
                continue
            }
            switch icd.status(index: Int(found[i]), release: release) {
            case .billable:
                continue
            case .unknown:
                sink.add(
                    .C04, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                    message: "not an ICD-10-CM code in \(icd.names[release])", payer: batch.payerName(r))
            case .header:
                sink.add(
                    .C05, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                    message: "ICD-10-CM \(icd.names[release]) header code: not billable, a more specific code is needed",
                    payer: batch.payerName(r))
            }
        }
    }

    /// A letter, a digit, then up to five letters or digits (3–7 characters); false for `invalid`.
    @inline(__always)
    static func hasICDShape(_ code: UInt64) -> Bool {
        guard code != PackedCode.invalid else { return false }
        let n = PackedCode.count(code)
        // First character a letter (6-bit value 11–36), second a digit (1–10).
        let c0 = (code >> 54) & 63
        let c1 = (code >> 48) & 63
        return n >= 3 && n <= 7 && c0 >= 11 && c1 >= 1 && c1 <= 10
    }
}
