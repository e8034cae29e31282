import Foundation

/// Every code table of a run, loaded once, immutable afterwards and shared by all workers.
public struct CodeTables: Sendable {
    /// Valid place-of-service codes (0–99).
    public var placeOfService = TwoDigitCodeSet()
    /// Every release loaded, for `tables list` and the summary.
    public var releases: [TableRelease] = []

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
}
