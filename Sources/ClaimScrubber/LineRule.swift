/// A check that looks at one record at a time (plus the code tables).
///
/// Each rule lives in its own file under `Rules/` and is listed once in `LineRules.all`; the
/// pipeline knows nothing about individual rules. A rule runs over a whole batch, column by column,
/// and reports through the sink, which applies the configuration (on/off, severity, payer).
public protocol LineRule: Sendable {
    /// The catalog ids this rule can report.
    var ids: [RuleID] { get }
    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink)
}

/// What every rule may consult: the run's date, the configuration and the code tables.
public struct RuleContext: Sendable {
    /// The run's "today" (`--as-of`) as a day number.
    public var asOf: Int32
    public var settings: RuleSettings
    public var tables: CodeTables

    public init(asOf: Int32, settings: RuleSettings, tables: CodeTables) {
        self.asOf = asOf
        self.settings = settings
        self.tables = tables
    }
}

/// The registry of line rules, in the order they run (findings are sorted afterwards anyway).
public enum LineRules {
    public static let all: [any LineRule] = [
        FutureServiceDateRule(),
        PostBeforeServiceRule(),
        TimelyFilingRule(),
        ChargeLagRule(),
        BirthDateRule(),
        PlaceOfServiceRule(),
        NPIRule(),
        ProcedureCodeRule(),
        DiagnosisCodeRule(),
        ModifierRule(),
        RevenueCodeRule(),
        NCCICoverageRule(),
        MedicareCodeEditorRule(),
        Excludes1Rule(),
    ]
}

extension ChargeBatch {
    /// True when the line rules should look at this record: parsed, with a real service date.
    @inline(__always)
    func isCheckable(_ r: Int) -> Bool { !unparsed[r] }

    /// The payer of a record as the configuration knows it (nil when the field is empty).
    @inline(__always)
    func payerName(_ r: Int) -> String? {
        let i = Int(payerIndex[r])
        return i == 0 ? nil : payers[i]
    }
}
