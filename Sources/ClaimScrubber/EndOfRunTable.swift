/// The short findings table printed on stderr at the end of a run: counts and rule ids only.
public enum EndOfRunTable {
    public static func render(_ summary: ScrubSummary) -> String {
        var lines: [String] = []
        lines.append("lines in \(summary.linesIn), clean \(summary.linesClean), held \(summary.linesHeld)")
        let rows = RuleID.allCases.filter { summary.findings($0) > 0 }
        if !rows.isEmpty {
            lines.append("rule  severity  findings  description")
            for rule in rows {
                let count = String(summary.findings(rule))
                let severity = rule.defaultSeverity.rawValue
                lines.append(
                    "\(rule.rawValue)   \(severity.padding(8))  \(String(repeating: " ", count: max(0, 8 - count.count)))\(count)  \(rule.title)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
