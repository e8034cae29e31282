/// The stable rule ids of the catalog (DOMAIN.md); every finding names one.
public enum RuleID: String, CaseIterable, Sendable, Codable, Comparable {
    case S01, S02, S03
    case D01, D02, D03, D04, D05
    case C01, C02, C03, C04, C05, C06, C07, C08, C09, C10
    case M01, M02, M03, M04
    case E01, E02, E03, E04, E05, E06
    case X01, X02, X03

    /// The severity a rule has unless the configuration re-grades it.
    public var defaultSeverity: Severity {
        switch self {
        case .C03, .C06, .D04, .E02, .M02: return .warning
        default: return .error
        }
    }

    /// One line saying what the rule checks, for reports and `--help` texts.
    public var title: String {
        switch self {
        case .S01: return "row cannot be parsed"
        case .S02: return "required field missing"
        case .S03: return "malformed value"
        case .D01: return "date of service in the future"
        case .D02: return "post date before date of service"
        case .D03: return "past the payer's timely-filing limit"
        case .D04: return "charge lag over threshold"
        case .D05: return "birth date after service or age over 124"
        case .C01: return "procedure code unknown"
        case .C02: return "procedure code not in effect on the date of service"
        case .C03: return "HCPCS coverage: not payable by Medicare"
        case .C04: return "ICD-10-CM code unknown"
        case .C05: return "ICD-10-CM header (non-billable) code"
        case .C06: return "no loaded release covers the date of service"
        case .C07: return "modifier invalid"
        case .C08: return "place of service invalid"
        case .C09: return "NPI invalid"
        case .C10: return "revenue code invalid"
        case .M01: return "diagnosis conflicts with age"
        case .M02: return "diagnosis conflicts with sex"
        case .M03: return "manifestation code as primary diagnosis"
        case .M04: return "Excludes1 pair on one line"
        case .E01: return "exact duplicate charge"
        case .E02: return "probable duplicate charge"
        case .E03: return "NCCI PTP pair without an allowed bypass"
        case .E04: return "MUE line edit exceeded"
        case .E05: return "MUE date-of-service edit exceeded"
        case .E06: return "add-on code without its primary code"
        case .X01: return "X12 or HL7 envelope or structure error"
        case .X02: return "claim total differs from its line charges"
        case .X03: return "diagnosis pointer or qualifier error"
        }
    }

    public static func < (a: RuleID, b: RuleID) -> Bool { a.ordinal < b.ordinal }

    /// Position in the catalog (`allCases`), for stable ordering and tallies by rule. A switch:
    /// `allCases.firstIndex(of:)` built the array and scanned it on every call, and this is
    /// called per finding.
    public var ordinal: Int {
        switch self {
        case .S01: 0
        case .S02: 1
        case .S03: 2
        case .D01: 3
        case .D02: 4
        case .D03: 5
        case .D04: 6
        case .D05: 7
        case .C01: 8
        case .C02: 9
        case .C03: 10
        case .C04: 11
        case .C05: 12
        case .C06: 13
        case .C07: 14
        case .C08: 15
        case .C09: 16
        case .C10: 17
        case .M01: 18
        case .M02: 19
        case .M03: 20
        case .M04: 21
        case .E01: 22
        case .E02: 23
        case .E03: 24
        case .E04: 25
        case .E05: 26
        case .E06: 27
        case .X01: 28
        case .X02: 29
        case .X03: 30
        }
    }
}

/// Error holds the line; warning passes it with the finding recorded.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case warning
    case error

    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
}
