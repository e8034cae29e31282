/// C04, C05 and C06 for the diagnoses: each code known to the ICD-10-CM release serving the date of
/// service (C04) and billable in it (C05); no release serving the date gives one C06 for the line
/// naming ICD-10-CM, and no C04/C05.
///
/// The batch's diagnosis codes are gathered into one array and searched together
/// (`SortedCodes.indices(of:into:)`); one search answers every loaded release.
struct DiagnosisCodeRule: LineRule {
    var ids: [RuleID] { [.C04, .C05, .C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        let icd = context.tables.icd10cm
        var keys: [UInt64] = []
        keys.reserveCapacity(batch.count * 2)
        for r in 0..<batch.count where batch.isCheckable(r) {
            for k in 0..<12 {
                let d = batch.diagnosis(r, k)
                if d == 0 { continue }
                if d == PackedCode.invalid || !Self.hasICDShape(d) {
                    sink.add(
                        .C04, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                        message: "not an ICD-10-CM code (a letter, a digit, then up to five letters or digits)",
                        payer: batch.payerName(r))
                    continue
                }
                keys.append(d)
            }
        }
        guard icd.isLoaded, !keys.isEmpty else { return }
        var found = [Int32](repeating: -1, count: keys.count)
        keys.withUnsafeBufferPointer { k in found.withUnsafeMutableBufferPointer { icd.codes.indices(of: k, into: $0) } }
        var next = 0
        for r in 0..<batch.count where batch.isCheckable(r) {
            let day = batch.serviceDay[r]
            let release = DayNumber.isDate(day) ? icd.release(on: day) : nil
            var reportedCoverage = false
            for k in 0..<12 {
                let d = batch.diagnosis(r, k)
                if d == 0 || d == PackedCode.invalid || !Self.hasICDShape(d) { continue }
                let index = Int(found[next])
                next += 1
                guard DayNumber.isDate(day) else { continue }
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
                switch icd.status(index: index, release: release) {
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
    }

    /// A letter, a digit, then up to five letters or digits (3–7 characters).
    @inline(__always)
    static func hasICDShape(_ code: UInt64) -> Bool {
        let n = PackedCode.length(code)
        let c0 = PackedCode.character(code, at: 0)
        let c1 = PackedCode.character(code, at: 1)
        return n >= 3 && n <= 7 && c0 >= 0x41 && c0 <= 0x5A && c1 >= 0x30 && c1 <= 0x39
    }
}
