/// The short findings table printed on stderr at the end of a run: counts, dollars and rule ids
/// only (never a field value, so no patient data can reach the terminal).
public enum EndOfRunTable {
    /// Codes shown per rule.
    static let codesPerRule = 3

    public static func render(_ summary: ScrubSummary) -> String {
        let m = summary.metrics
        var lines: [String] = []
        let rate = summary.linesIn > 0 ? Double(summary.linesHeld) / Double(summary.linesIn) : 0
        lines.append(
            "lines in \(ReportFormat.count(summary.linesIn)), clean \(ReportFormat.count(summary.linesClean)), "
                + "held \(ReportFormat.count(summary.linesHeld)) (\(ReportFormat.percent(rate)))")
        if m.chargesCents != 0 || m.heldCents != 0 {
            lines.append(
                "charges \(ReportFormat.dollars(m.chargesCents)), held \(ReportFormat.dollars(m.heldCents)), "
                    + "at risk \(ReportFormat.dollars(m.atRiskCents))")
        }
        let rows = RuleID.allCases.filter { summary.findings($0) > 0 }
        if !rows.isEmpty {
            let top = summary.topCodes()
            var table: [[String]] = [["rule", "severity", "findings", "lines", "top codes", "description"]]
            for rule in rows {
                let errors = m.rules[rule.ordinal].errors
                let severity =
                    errors == summary.findings(rule) ? "error" : errors == 0 ? "warning" : "mixed"
                let codes = (top[rule] ?? []).prefix(codesPerRule).map(\.code).joined(separator: " ")
                table.append([
                    rule.rawValue, severity, ReportFormat.count(summary.findings(rule)),
                    ReportFormat.count(m.rules[rule.ordinal].lines), codes, rule.title,
                ])
            }
            table.append([
                "total", "", ReportFormat.count(m.errors + m.warnings), ReportFormat.count(m.flagged), "", "",
            ])
            // Text columns left-aligned, counts right-aligned; the last column is not padded.
            let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max() ?? 0 }
            let numeric: Set<Int> = [2, 3]
            for row in table {
                var cells: [String] = []
                for (c, cell) in row.enumerated() {
                    let pad = String(repeating: " ", count: widths[c] - cell.count)
                    if c == row.count - 1 {
                        cells.append(cell)
                    } else {
                        cells.append(numeric.contains(c) ? pad + cell : cell + pad)
                    }
                }
                var line = cells.joined(separator: "  ")
                while line.hasSuffix(" ") { line.removeLast() }
                lines.append(line)
            }
        }
        lines += notCheckedLines(m)
        return lines.joined(separator: "\n") + "\n"
    }

    /// What a rule could not check for want of a release serving the date (M04 without an
    /// Excludes1 list): the gate passed those lines unchecked, so the run says so.
    static func notCheckedLines(_ m: ScrubMetrics) -> [String] {
        guard let m04 = m.notChecked[.M04], m04 > 0 else { return [] }
        return [
            "M04 not checked on \(ReportFormat.count(m04)) line\(m04 == 1 ? "" : "s") with two diagnoses or more: "
                + "no Excludes1 list serves their dates of service (claim-scrub tables list shows the lists loaded)"
        ]
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
