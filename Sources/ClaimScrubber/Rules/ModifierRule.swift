/// C07: a modifier that is not two letters or digits, not a known modifier (CPT Level I list,
/// HCPCS Level II modifier records, Level II supplement), or not valid on the date of service.
///
/// Modifiers carry their own dates in those lists, so there is no release to pick. A Level II
/// modifier the project's supplement does not list is known from the HCPCS release's records,
/// though: on a date no loaded HCPCS release serves, it is not checked, and the line gets C06
/// naming HCPCS (once, and not beside the procedure code's own C06 for a Level II code), as
/// DOMAIN.md's release coverage asks. Where no list of a modifier's level is loaded (Level I: two
/// digits; Level II: with a letter), only its form is checked.
struct ModifierRule: LineRule {
    var ids: [RuleID] { [.C07, .C06] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Switched off for every payer: skip the look-ups, not just the findings.
        guard ids.contains(where: context.settings.isEnabled) else { return }
        let table = context.tables.modifiers
        let hcpcs = context.tables.hcpcs
        for r in 0..<batch.count where batch.isCheckable(r) {
            let packed = batch.modifiers[r]
            if packed == 0 { continue }
            // Only the `modifiers` list can name a fifth (modifier1–4 are four).
            if packed & ChargeBatch.moreThanFourModifiers != 0 {
                sink.add(
                    .C07, record: r, field: "modifiers", value: batch.text(.modifiers, r),
                    message: "more than four modifiers: a claim line carries four, the rest would be lost",
                    payer: batch.payerName(r))
            }
            let day = batch.serviceDay[r]
            // Whether the line's date is one no loaded HCPCS release serves (its Level II
            // modifiers unchecked), and whether its C06 is given yet; found on the first Level II
            // modifier the project's lists do not hold (most lines have none).
            var unserved: Bool?
            var coverageGiven = false
            for k in 0..<4 {
                let m = batch.modifier(r, k)
                if m == 0 { continue }
                let message: String
                // Known from the HCPCS release's records only (a Level II modifier not listed).
                let fromRelease = m != 0xFFF && !ModifierTable.isLevelOne(m) && !table.isListed(m)
                if fromRelease && unserved == nil {
                    unserved = hcpcs.isLoaded && DayNumber.isDate(day) && hcpcs.release(on: day) == nil
                    coverageGiven = unserved == true && ProcedureCodeRule.form(batch.procedure[r]) == .levelII
                }
                if m == 0xFFF {
                    message = "not a modifier (two letters or digits)"
                } else if fromRelease && unserved == true {
                    guard !coverageGiven else { continue }
                    coverageGiven = true
                    let (field, _) = Self.source(batch, r, slot: k)
                    sink.add(
                        .C06, record: r, field: field, value: "HCPCS",
                        message:
                            "no loaded HCPCS release covers the date of service \(DayNumber.format(day)) (loaded: \(hcpcs.schedule.coverageText)): modifier \(ModifierTable.unpack(m)) not checked",
                        payer: batch.payerName(r))
                    continue
                } else {
                    guard table.covers(m), DayNumber.isDate(day) else { continue }
                    switch table.state(m, on: day) {
                    case .valid:
                        continue
                    case .unknown:
                        message = "modifier \(ModifierTable.unpack(m)) is not a CPT Level I or HCPCS Level II modifier"
                    case .notInEffect(let period):
                        message =
                            "modifier \(ModifierTable.unpack(m)) is valid \(period.description), not on \(DayNumber.format(day))"
                    }
                }
                let (field, value) = Self.source(batch, r, slot: k)
                sink.add(.C07, record: r, field: field, value: value, message: message, payer: batch.payerName(r))
            }
        }
    }

    /// The column and text of the `slot`-th modifier, in the order the parser fills the slots
    /// (non-empty `modifier1`…`modifier4`, then the parts of `modifiers`).
    static func source(_ batch: ChargeBatch, _ r: Int, slot: Int) -> (String, String) {
        var k = 0
        for column in Column.modifierColumns where batch.layout.has(column) {
            // Trimmed as the parser trims it (spaces only): a tab stays in the value it made malformed.
            let text = String(decoding: ChargeParser.trimmed(batch.bytes(column, r)), as: UTF8.self)
            if text.isEmpty { continue }
            if k == slot { return (column.rawValue, text) }
            k += 1
        }
        if batch.layout.has(.modifiers) {
            let parts = batch.text(.modifiers, r).split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " })
            if slot - k >= 0 && slot - k < parts.count { return ("modifiers", String(parts[slot - k])) }
        }
        return ("modifier\(slot + 1)", "")
    }
}
