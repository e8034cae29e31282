import Foundation

/// Every code table of a run, loaded once, immutable afterwards and shared by all workers.
///
/// Each code set keeps its releases with the dates of service each serves; a look-up first picks
/// the release for the line's date, then searches packed codes in sorted arrays.
public struct CodeTables: Sendable {
    /// Valid place-of-service codes (0–99).
    public var placeOfService = TwoDigitCodeSet()
    /// ICD-10-CM releases (C04, C05, C06).
    public var icd10cm = ICD10CMTable()
    /// HCPCS Level II releases (C01, C02, C03, C06; their modifier records feed `modifiers`).
    public var hcpcs = HCPCSTable()
    /// User-supplied CPT lists (C01, C02, C06 for CPT-shaped codes); empty: format check only.
    public var cpt = CodeListTable()
    /// User-supplied CDT (ADA dental code) lists (C01, C02, C06 for D codes); empty: format check only.
    public var cdt = CodeListTable()
    /// User-supplied revenue-code lists (C10 membership); empty: form check only.
    public var revenueCodes = CodeListTable()
    /// Level I and Level II modifiers with their dates (C07).
    public var modifiers = ModifierTable()
    /// Medicare Code Editor lists (M01, M02, M03).
    public var mce = MCETable()
    /// ICD-10-CM Excludes1 pairs (M04).
    public var excludes1 = Excludes1Table()
    /// NCCI procedure-to-procedure edits (E03).
    public var ptp = PTPTable()
    /// Medically Unlikely Edits (E04, E05).
    public var mue = MUETable()
    /// Type 1 add-on codes (E06).
    public var addOns = AddOnTable()
    /// Every release loaded, for `tables list` and the summary.
    public var releases: [TableRelease] = []
    /// Files in the table folders that are neither listed in `tables.toml` nor officially named.
    public var ignoredFiles: [String] = []

    /// Bytes of the tables whose size follows the user's files, kept for the whole run: the NCCI
    /// PTP edits (a quarter's CMS files hold millions of rows). The shipped code sets and the
    /// small MUE and add-on tables are part of a run's fixed footprint.
    public var residentBytes: Int { ptp.residentBytes }

    /// True when a CPT list is loaded (otherwise CPT-shaped codes get a format check only).
    public var cptLoaded: Bool { cpt.isLoaded }

    public init() {}
}

/// A set of two-digit codes as a 100-entry bitmap.
public struct TwoDigitCodeSet: Sendable, Equatable {
    private var bits: (UInt64, UInt64) = (0, 0)
    public init() {}
    public init(_ codes: some Sequence<UInt8>) {
        for c in codes { insert(c) }
    }
    public mutating func insert(_ code: UInt8) {
        guard code < 100 else { return }
        if code < 64 { bits.0 |= 1 << UInt64(code) } else { bits.1 |= 1 << UInt64(code - 64) }
    }
    @inline(__always)
    public func contains(_ code: UInt8) -> Bool {
        guard code < 100 else { return false }
        return code < 64 ? bits.0 & (1 << UInt64(code)) != 0 : bits.1 & (1 << UInt64(code - 64)) != 0
    }
    public var count: Int { bits.0.nonzeroBitCount + bits.1.nonzeroBitCount }
    public var isLoaded: Bool { bits != (0, 0) }
    public static func == (a: TwoDigitCodeSet, b: TwoDigitCodeSet) -> Bool { a.bits == b.bits }
}

/// One loaded table file: what it is, where it came from, which service dates it serves.
public struct TableRelease: Sendable, Equatable, Codable {
    /// Kind of table (`icd10cm`, `hcpcs`, `place-of-service`, …).
    public var kind: String
    /// Release name (`FY2026`, `2019`, …).
    public var release: String
    /// The file it was read from (file name only: paths can carry user names).
    public var file: String
    /// First service date served (YYYY-MM-DD), nil when unbounded.
    public var effective: String?
    /// Last service date served, nil when open-ended.
    public var through: String?
    /// Number of entries read.
    public var entries: Int
    /// A short description of the content (billable and header counts, setting, …).
    public var detail: String? = nil
}
