/// Every loaded ICD-10-CM release in one look-up: the union of their codes, sorted, with one bit per
/// release saying "exists" and one saying "billable".
///
/// One search answers a code for whichever release serves the date of service, so loading more
/// releases does not add searches. Up to 64 releases fit the bit masks.
public struct ICD10CMTable: Sendable {
    /// What a code is in one release.
    public enum Status: Sendable, Equatable {
        case unknown
        /// A category or subcategory: not valid on a claim (C05).
        case header
        case billable
    }

    public private(set) var schedule = ReleaseSchedule()
    /// Release names (`FY2026`), by release index.
    public private(set) var names: [String] = []
    public private(set) var codes = SortedCodes()
    /// Bit `i`: the code exists in release `i`.
    private var present: [UInt64] = []
    /// Bit `i`: the code is billable in release `i`.
    private var billable: [UInt64] = []

    public init() {}

    public var isLoaded: Bool { !schedule.isEmpty }

    /// One release as a loader reads it: codes (any order) with their billable flag.
    struct Release {
        var name: String
        var period: ServicePeriod
        var codes: [UInt64]
        var billable: [Bool]
    }

    /// Releases one table holds: a code's are one bit each of a 64-bit word.
    static let maxReleases = 64

    init(releases: [Release]) throws {
        guard releases.count <= Self.maxReleases else {
            throw ScrubError("more than \(Self.maxReleases) ICD-10-CM releases loaded")
        }
        schedule = ReleaseSchedule(declared: releases.map(\.period))
        names = releases.map(\.name)
        // Every release's rows in one array sorted by code (each order file is nearly in code
        // order, and the stable sort finds those runs), then one pass folds a code's rows into its
        // two masks. A `Dictionary` keyed by code was the first version: ~138M instructions a run
        // for two releases, mostly hashing.
        var rows: [(code: UInt64, bit: UInt64, billable: Bool)] = []
        rows.reserveCapacity(releases.reduce(0) { $0 + $1.codes.count })
        for (i, release) in releases.enumerated() {
            let bit: UInt64 = 1 << UInt64(i)
            for (code, isBillable) in zip(release.codes, release.billable) { rows.append((code, bit, isBillable)) }
        }
        rows.sort { $0.code < $1.code }
        var sorted: [UInt64] = []
        sorted.reserveCapacity(releases.first.map { $0.codes.count + $0.codes.count / 8 } ?? 0)
        present.reserveCapacity(sorted.capacity)
        billable.reserveCapacity(sorted.capacity)
        for row in rows {
            if sorted.last != row.code {
                sorted.append(row.code)
                present.append(0)
                billable.append(0)
            }
            // One row per code and release (the loader refuses a code listed twice).
            present[present.count - 1] |= row.bit
            if row.billable { billable[billable.count - 1] |= row.bit }
        }
        codes = SortedCodes(sorted: sorted)
    }

    /// The release serving a date of service, or nil (C06).
    @inline(__always)
    public func release(on day: Int32) -> Int? { schedule.release(on: day) }

    /// What `code` is in release `release`, given its index in `codes` (-1 when absent from all).
    @inline(__always)
    public func status(index: Int, release: Int) -> Status {
        guard index >= 0 else { return .unknown }
        return Self.status(present: present[index], billable: billable[index], release: release)
    }

    /// What a code is in `release`, from its masks (`releases(index:)`).
    @inline(__always)
    public static func status(present: UInt64, billable: UInt64, release: Int) -> Status {
        let bit: UInt64 = 1 << UInt64(release)
        if present & bit == 0 { return .unknown }
        return billable & bit != 0 ? .billable : .header
    }

    /// The releases the code at `index` in `codes` exists in and is billable in, one bit each (as
    /// `status(index:release:)` reads them), for a caller that answers many dates from one search.
    @inline(__always)
    public func releases(index: Int) -> (present: UInt64, billable: UInt64) { (present[index], billable[index]) }

    /// What `code` is on a date of service; nil when no loaded release serves the date.
    public func status(_ code: UInt64, on day: Int32) -> Status? {
        guard let release = release(on: day) else { return nil }
        return status(index: codes.index(of: code), release: release)
    }
}
