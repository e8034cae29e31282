/// Which rules run, at what severity, with which parameters, and how payers change that.
///
/// Loaded from `--config` (TOML or YAML):
/// ```toml
/// [rules.D04]
/// threshold_days = 5          # parameters sit beside `enabled` and `severity`
/// [rules.M02]
/// severity = "error"
/// [rules.C03]
/// payer_classes = ["medicare"]   # default ["medicare", "unclassified"]: payers without a class too
/// [payers.MEDICARE01]
/// class = "medicare"          # medicare, medicaid, commercial, self-pay
/// timely_filing_days = 365
/// charge_lag_days = 5
/// rules = { D04 = "off", C03 = "error" }   # off, on, warning, error
/// ```
public struct RuleSettings: Sendable {
    /// Severity per rule (catalog order); nil = switched off.
    var severities: [Severity?]
    public var payers: [String: PayerSettings] = [:]
    /// D03: days from service to submission allowed by default.
    public var timelyFilingDays = 365
    /// D04: charge lag in days beyond which a warning is raised.
    public var chargeLagDays = 3
    /// Rule parameters read by the rules themselves (C03's `payer_classes`).
    public var parameters: [RuleID: [String: StructuredValue]] = [:]
    /// The severity the configuration gives a rule it switches off (`severity = "error"` beside
    /// `enabled = false`): a payer's "on" runs the rule at it.
    private var severitiesWhenOff: [RuleID: Severity] = [:]
    /// Read from a configuration without a key (an empty file, or comments only): the defaults
    /// apply, which `scrub` warns of, as a file emptied by mistake would pass unseen.
    public private(set) var setsNothing = false

    public init() {
        severities = RuleID.allCases.map { $0.defaultSeverity }
    }

    /// The severity of a rule for a payer, or nil when it is switched off.
    @inline(__always)
    public func severity(of rule: RuleID, payer: String? = nil) -> Severity? {
        if let payer, let settings = payers[payer], let override = settings.rules[rule] { return override }
        return severities[rule.ordinal]
    }

    public func isEnabled(_ rule: RuleID) -> Bool {
        if severities[rule.ordinal] != nil { return true }
        return payers.values.contains { $0.rules[rule] != nil && $0.rules[rule]! != nil }
    }

    public mutating func set(_ rule: RuleID, _ severity: Severity?) {
        severities[rule.ordinal] = severity
    }

    public func timelyFilingDays(payer: String) -> Int {
        payers[payer]?.timelyFilingDays ?? timelyFilingDays
    }

    /// D03's limit for a payer: its own `timely_filing_days` when set; for a payer of class
    /// medicare without one, Medicare's own rule, one calendar year from the date of service
    /// (DOMAIN.md: "12 months"; 365 days fell a day short after a February 29); else the run's days.
    public func timelyFilingLimit(payer: String) -> TimelyFilingLimit {
        if let days = payers[payer]?.timelyFilingDays { return .days(days) }
        if payerClass(payer) == .medicare { return .oneYear }
        return .days(timelyFilingDays)
    }

    /// D04's threshold for a payer: its own `charge_lag_days`, else the run's.
    public func chargeLagDays(payer: String) -> Int {
        payers[payer]?.chargeLagDays ?? chargeLagDays
    }

    public func payerClass(_ payer: String) -> PayerClass? { payers[payer]?.payerClass }

    /// The payers the configuration has a section for that none of `seen` is, sorted: payer ids
    /// match exactly (`[payers.aetna01]` is not AETNA01), and such a section changes nothing.
    public func configuredPayers(notIn seen: some Sequence<String>) -> [String] {
        Set(payers.keys).subtracting(seen).sorted()
    }
}

/// How long a payer takes claims after the date of service.
public enum TimelyFilingLimit: Sendable, Equatable {
    case days(Int)
    /// Until the same date a year later (February 29 to February 28).
    case oneYear
}

public enum PayerClass: String, Sendable, CaseIterable {
    case medicare, medicaid, commercial
    case selfPay = "self-pay"
}

/// Per-payer overrides.
public struct PayerSettings: Sendable {
    public var payerClass: PayerClass?
    public var timelyFilingDays: Int?
    /// D04's threshold for this payer's lines (the report's charge-lag figures keep the run's).
    public var chargeLagDays: Int?
    /// Rule severity overrides; a nil value switches the rule off for this payer.
    public var rules: [RuleID: Severity?] = [:]
    /// Rules the configuration switches on for this payer (`D04 = "on"`), at the severity the
    /// run gives them: `RuleSettings(document:name:)` moves them into `rules` once it has read
    /// every key, since the run's `[rules.X]` table may come after the payer's.
    var switchedOn: Set<RuleID> = []
    public init() {}
}

extension RuleSettings {
    /// Reads a configuration file; unknown rule ids, severities or payer classes are errors naming the key.
    public static func load(path: String) throws -> RuleSettings {
        try StructuredDocument.load(path: path) { try RuleSettings(document: $0, name: path) }
    }

    public init(document: StructuredValue, name: String) throws {
        self.init()
        // A YAML document of `---` alone is null: as empty as an empty file.
        guard let root = document == .null ? [:] : document.table else {
            throw ScrubError("configuration must be a table of keys", file: name)
        }
        setsNothing = document.holdsNoValue
        // Keys in sorted order, and a value set in two places refused: a dictionary's order
        // changes from process to process, and the key read last used to win.
        var setBy: [String: String] = [:]
        let file = name
        func setting(_ what: String, by field: String) throws {
            if let other = setBy[what] {
                throw ScrubError("sets \(what) again (also set by '\(other)'): keep one", file: file, field: field)
            }
            setBy[what] = field
        }
        for (key, value) in root.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "rules":
                guard let rules = value.table else {
                    throw ScrubError("'rules' must be a table", file: name, field: key)
                }
                for (id, body) in rules.sorted(by: { $0.key < $1.key }) {
                    guard let rule = RuleID(rawValue: id.uppercased()) else {
                        throw ScrubError("unknown rule id '\(id)'", file: name, field: "rules.\(id)")
                    }
                    try setting("rules.\(rule.rawValue)", by: "rules.\(id)")
                    try apply(rule: rule, body: body, name: name, field: "rules.\(id)", claim: setting)
                }
            case "payers":
                guard let payers = value.table else {
                    throw ScrubError("'payers' must be a table", file: name, field: key)
                }
                for (payer, body) in payers.sorted(by: { $0.key < $1.key }) {
                    self.payers[payer] = try Self.payer(body, field: "payers.\(payer)", name: name)
                }
            case "timely_filing_days":
                try setting("timely_filing_days", by: key)
                timelyFilingDays = try Self.days(value, from: 1, file: name, field: key)
            case "charge_lag_days":
                try setting("charge_lag_days", by: key)
                chargeLagDays = try Self.days(value, from: 0, file: name, field: key)
            default:
                throw ScrubError("unknown key", file: name, field: key)
            }
        }
        // A payer's "on" keeps the severity the run gives the rule (the rule's own when the run
        // switches it off); it used to reset a regraded rule to its default for that payer.
        for (payer, var settings) in payers where !settings.switchedOn.isEmpty {
            for rule in settings.switchedOn {
                settings.rules[rule] = .some(
                    severities[rule.ordinal] ?? severitiesWhenOff[rule] ?? rule.defaultSeverity)
            }
            settings.switchedOn = []
            payers[payer] = settings
        }
    }

    /// Applies a rule's table; `claim(setting, field)` is told of each run-wide setting it sets,
    /// so that one set twice is refused.
    private mutating func apply(
        rule: RuleID, body: StructuredValue, name: String, field: String, claim: (String, String) throws -> Void
    ) throws {
        if let word = body.string {
            let severity = try Self.severityWord(word, current: rule.defaultSeverity, field: field, name: name)
            try Self.refuseLettingThrough(rule, severity, file: name, field: field)
            set(rule, severity)
            return
        }
        guard let table = body.table else { throw ScrubError("must be a table or a word", file: name, field: field) }
        var severity = severities[rule.ordinal] ?? rule.defaultSeverity
        var enabled = severities[rule.ordinal] != nil
        for (key, value) in table.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "enabled":
                guard let b = value.bool else {
                    throw ScrubError("must be true or false", file: name, field: "\(field).\(key)")
                }
                enabled = b
            case "severity":
                guard let word = value.string, let s = Severity(rawValue: word.lowercased()) else {
                    throw ScrubError("must be 'error' or 'warning'", file: name, field: "\(field).\(key)")
                }
                severity = s
            case "threshold_days" where rule == .D04:
                try claim("charge_lag_days", "\(field).\(key)")
                chargeLagDays = try Self.days(value, from: 0, file: name, field: "\(field).\(key)")
            case "days" where rule == .D03, "timely_filing_days" where rule == .D03:
                try claim("timely_filing_days", "\(field).\(key)")
                timelyFilingDays = try Self.days(value, from: 1, file: name, field: "\(field).\(key)")
            case "payer_classes" where rule == .C03:
                let known = PayerClass.allCases.map(\.rawValue) + ["unclassified"]
                guard let list = value.list,
                    list.allSatisfy({ $0.string.map { known.contains($0.lowercased()) } ?? false })
                else {
                    throw ScrubError(
                        "must be a list of \(known.joined(separator: ", "))", file: name, field: "\(field).\(key)")
                }
                parameters[rule, default: [:]][key] = value
            default:
                // A misspelt key (`enable = false`) would leave the rule as it was without a word.
                throw ScrubError(
                    "unknown key (a rule takes \(Self.ruleKeys(rule).joined(separator: ", ")))", file: name,
                    field: "\(field).\(key)")
            }
        }
        try Self.refuseLettingThrough(rule, enabled ? severity : nil, file: name, field: field)
        set(rule, enabled ? severity : nil)
        severitiesWhenOff[rule] = enabled ? nil : severity
    }

    /// S01 holds a record that cannot be read into fields (a wrong field count, an unterminated
    /// quote, bytes that are not text): switched off or made a warning, such a record would go to
    /// the clean output as if it were a charge, against the first invariant (a malformed record
    /// is held). Every other rule may be.
    static func refuseLettingThrough(_ rule: RuleID, _ severity: Severity?, file: String, field: String) throws {
        guard rule == .S01, severity != .error else { return }
        throw ScrubError(
            "S01 cannot be switched off or made a warning: a record that cannot be read is always held",
            file: file, field: field)
    }

    /// The longest day count a setting takes: a century. Day counts meet day numbers (`Int32`) in
    /// the rules, and a larger one (a user's way to switch a rule off) would not fit there; the
    /// message names `enabled = false` instead.
    static let maximumDays = 36_500

    /// A day-count setting: a whole number from `lowest` to `maximumDays`.
    private static func days(_ value: StructuredValue, from lowest: Int, file: String, field: String) throws -> Int {
        guard let d = value.int, d >= lowest, d <= maximumDays else {
            throw ScrubError(
                "must be a whole number of days from \(lowest) to \(maximumDays) (to switch a rule off: enabled = false)",
                file: file, field: field)
        }
        return d
    }

    /// The keys a rule's table takes.
    static func ruleKeys(_ rule: RuleID) -> [String] {
        var keys = ["enabled", "severity"]
        switch rule {
        case .D03: keys += ["days", "timely_filing_days"]
        case .D04: keys += ["threshold_days"]
        case .C03: keys += ["payer_classes"]
        default: break
        }
        return keys
    }

    private static let switchOnWords: Set<String> = ["on", "true", "enabled"]

    private static func severityWord(
        _ word: String, current: Severity, field: String, name: String
    ) throws -> Severity? {
        switch word.lowercased() {
        case "off", "false", "disabled": return nil
        case _ where switchOnWords.contains(word.lowercased()): return current
        case "error": return .error
        case "warning": return .warning
        default: throw ScrubError("expected off, on, warning or error, not '\(word)'", file: name, field: field)
        }
    }

    private static func payer(_ body: StructuredValue, field: String, name: String) throws -> PayerSettings {
        guard let table = body.table else { throw ScrubError("must be a table", file: name, field: field) }
        var settings = PayerSettings()
        for (key, value) in table.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "class":
                guard let word = value.string, let c = PayerClass(rawValue: word.lowercased()) else {
                    throw ScrubError(
                        "expected medicare, medicaid, commercial or self-pay", file: name, field: "\(field).class")
                }
                settings.payerClass = c
            case "timely_filing_days":
                settings.timelyFilingDays = try days(value, from: 1, file: name, field: "\(field).\(key)")
            case "charge_lag_days":
                settings.chargeLagDays = try days(value, from: 0, file: name, field: "\(field).\(key)")
            case "rules":
                guard let rules = value.table else {
                    throw ScrubError("must be a table", file: name, field: "\(field).rules")
                }
                var seen: [RuleID: String] = [:]
                for (id, word) in rules.sorted(by: { $0.key < $1.key }) {
                    guard let rule = RuleID(rawValue: id.uppercased()) else {
                        throw ScrubError("unknown rule id '\(id)'", file: name, field: "\(field).rules.\(id)")
                    }
                    if let other = seen[rule] {
                        throw ScrubError(
                            "sets \(rule.rawValue) again (also set by '\(field).rules.\(other)'): keep one", file: name,
                            field: "\(field).rules.\(id)")
                    }
                    seen[rule] = id
                    guard let w = word.string else {
                        throw ScrubError("expected a word", file: name, field: "\(field).rules.\(id)")
                    }
                    let severity = try severityWord(
                        w, current: rule.defaultSeverity, field: "\(field).rules.\(id)", name: name)
                    try refuseLettingThrough(rule, severity, file: name, field: "\(field).rules.\(id)")
                    if severity != nil && Self.switchOnWords.contains(w.lowercased()) {
                        // Its severity is the run's, known once the whole file is read.
                        settings.switchedOn.insert(rule)
                    } else {
                        settings.rules[rule] = .some(severity)
                    }
                }
            default:
                throw ScrubError(
                    "unknown key (a payer takes class, timely_filing_days, charge_lag_days, rules)", file: name,
                    field: "\(field).\(key)")
            }
        }
        return settings
    }
}
