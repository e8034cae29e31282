/// What is wrong with one record: the rule, the field and the offending value.
///
/// `value` is never a patient identifier, name, birth date or sex: rules on those fields leave it
/// empty and name the field in the message instead (invariant 6).
public struct Finding: Sendable, Equatable {
    /// Index of the record within its batch.
    public var record: Int32
    public var rule: RuleID
    public var severity: Severity
    public var field: String
    public var value: String
    public var message: String

    public init(record: Int32, rule: RuleID, severity: Severity, field: String, value: String = "", message: String) {
        self.record = record
        self.rule = rule
        self.severity = severity
        self.field = field
        self.value = value
        self.message = message
    }
}

/// Collects the findings of one batch; rules add to it, the configuration decides their severity.
public struct FindingSink {
    public private(set) var findings: [Finding] = []
    /// Lines a rule could not check for want of a table release serving their date of service,
    /// by rule (M04 on a date no Excludes1 list serves): summary.json's `lines_not_checked`.
    public private(set) var notChecked: [RuleID: Int] = [:]
    let configuration: RuleSettings

    init(configuration: RuleSettings) {
        self.configuration = configuration
    }

    /// Records a finding unless the rule is switched off (for this payer).
    @inline(__always)
    public mutating func add(
        _ rule: RuleID, record: Int, field: String, value: String = "", message: String, payer: String? = nil
    ) {
        guard let severity = configuration.severity(of: rule, payer: payer) else { return }
        findings.append(
            Finding(record: Int32(record), rule: rule, severity: severity, field: field, value: value, message: message)
        )
    }

    /// Counts a line `rule` could not check (unless the rule is switched off for its payer).
    mutating func countNotChecked(_ rule: RuleID, payer: String? = nil) {
        guard configuration.severity(of: rule, payer: payer) != nil else { return }
        notChecked[rule, default: 0] += 1
    }

    public var isEmpty: Bool { findings.isEmpty }

    /// Drops the findings `shouldDrop` picks (a claim-file line whose code the reader knows is of
    /// a code set no rule checks).
    mutating func removeAll(where shouldDrop: (Finding) -> Bool) {
        findings.removeAll(where: shouldDrop)
    }

    /// Findings in record order, then catalog order (stable whatever order rules ran in).
    mutating func sort() {
        // Integers first: the texts are compared (and retained) only for one rule's findings on
        // one record.
        findings.sort { a, b in
            if a.record != b.record { return a.record < b.record }
            if a.rule != b.rule { return a.rule.ordinal < b.rule.ordinal }
            return (a.field, a.value, a.message) < (b.field, b.value, b.message)
        }
    }
}
