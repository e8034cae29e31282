/// C04, C05 and C06 for the diagnoses: each code known to the ICD-10-CM release serving the date of
/// service (C04) and billable in it (C05); no release serving the date gives one C06 for the line
/// naming ICD-10-CM (on its first diagnosis), and no C04/C05 but for a code not shaped like one.
///
/// Each distinct diagnosis code of a batch is searched once (`BatchDiagnoses` numbers them); one
/// search answers every loaded release.
struct DiagnosisCodeRule: LineRule {
    var ids: [RuleID] { [.C04, .C05, .C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let icd = context.tables.icd10cm
        let list = batch.diagnosisList
        guard list.width > 0 else { return }
        // Each distinct code of the batch once, before the records: `malformed` when not shaped
        // like a code, else the releases it exists in and is billable in (0 when absent). A batch
        // repeats a few thousand codes at most over its ~28k diagnoses, so searching them all up
        // front costs little, and a line then costs two loads a diagnosis; the lock-step batched
        // search (`SortedCodes.indices(of:into:)`) paid when every diagnosis was searched.
        var present = [UInt64](repeating: 0, count: list.codes.count)
        var billable = [UInt64](repeating: 0, count: list.codes.count)
        var shaped = [Bool](repeating: false, count: list.codes.count)
        for (n, code) in list.codes.enumerated() where Self.hasICDShape(code) {
            shaped[n] = true
            guard icd.isLoaded else { continue }
            let index = icd.codes.index(of: code)
            guard index >= 0 else { continue }
            (present[n], billable[n]) = icd.releases(index: index)
        }
        // The same text for every C06 of the batch, and ~17k instructions to build; the message
        // once per date of service (every line of a batch dated past the newest release has one).
        var coverage: String?
        var coverageMessages: [Int32: String] = [:]
        for r in 0..<batch.count where batch.isCheckable(r) {
            let entries = list.entries(of: r)
            if entries.isEmpty { continue }
            let day = batch.serviceDay[r]
            let dated = icd.isLoaded && DayNumber.isDate(day)
            let release = dated ? icd.release(on: day) : nil
            if dated && release == nil {
                // The line's one C06, on its first diagnosis, whatever the form of its codes.
                let message: String
                if let known = coverageMessages[day] {
                    message = known
                } else {
                    let loaded = coverage ?? icd.schedule.coverageText
                    coverage = loaded
                    message =
                        "no loaded ICD-10-CM release covers the date of service \(DayNumber.format(day)) (loaded: \(loaded))"
                    coverageMessages[day] = message
                }
                sink.add(
                    .C06, record: r, field: Column.diagnoses[list.column(entries.lowerBound)].rawValue,
                    value: "ICD-10-CM",
                    message: message, payer: batch.payerName(r))
            }
            for e in entries {
                let k = list.column(e)
                let n = list.number(e)
                // Not shaped like a code: C04 on any date, as no release of any year holds it.
                if !shaped[n] {
                    sink.add(
                        .C04, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                        message: Self.shapeProblem,
                        payer: batch.payerName(r))
                    continue
                }
                guard let release else { continue }
                switch ICD10CMTable.status(present: present[n], billable: billable[n], release: release) {
                case .billable:
                    continue
                case .unknown:
                    sink.add(
                        .C04, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                        message: "not an ICD-10-CM code in \(icd.names[release])", payer: batch.payerName(r))
                case .header:
                    sink.add(
                        .C05, record: r, field: Column.diagnoses[k].rawValue, value: batch.text(Column.diagnoses[k], r),
                        message:
                            "ICD-10-CM \(icd.names[release]) header code: not billable, a more specific code is needed",
                        payer: batch.payerName(r))
                }
            }
        }
    }

    /// C04's message, and a table loader's, for a code not shaped like one (`hasICDShape`).
    static let shapeProblem = "not an ICD-10-CM code (a letter, then two to six letters or digits)"

    /// A letter, then two to six letters or digits (3–7 characters); false for `invalid`.
    ///
    /// The second character was a digit in every release up to FY2025; FY2026 brought the first
    /// category with a letter there, QA0 (neurodevelopmental disorders related to pathogenic
    /// variants, QA0.0101 …), so the shape no longer asks for one.
    @inline(__always)
    static func hasICDShape(_ code: UInt64) -> Bool {
        guard code != PackedCode.invalid else { return false }
        let n = PackedCode.count(code)
        // First character a letter (6-bit value 11–36).
        let c0 = (code >> 54) & 63
        return n >= 3 && n <= 7 && c0 >= 11
    }
}
