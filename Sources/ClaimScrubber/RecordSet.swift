/// One bit per record of the run (global record number), e.g. "held".
///
/// Bits sit in fixed pages of 64 KiB (524,288 records each), added as records arrive. 50 million
/// records take 6 MB, so the verdicts of a whole month-end extract stay in memory while pass 2
/// routes the lines. One growing array (the first design) doubled its size: at 50M records each
/// set held 8 MB and briefly 12 MB while it copied, so the run's memory grew with the input.
public struct RecordSet: Sendable {
    /// Words per page (a power of two).
    static let pageWords = 8192
    private static let pageShift = 6 + 13
    private var pages: [[UInt64]] = []
    public private(set) var count = 0

    public init() {}

    public mutating func insert(_ record: Int) {
        let page = record >> Self.pageShift
        while page >= pages.count { pages.append([UInt64](repeating: 0, count: Self.pageWords)) }
        let word = (record >> 6) & (Self.pageWords - 1)
        let bit: UInt64 = 1 << UInt64(record & 63)
        if pages[page][word] & bit == 0 {
            pages[page][word] |= bit
            count += 1
        }
    }

    @inline(__always)
    public func contains(_ record: Int) -> Bool {
        let page = record >> Self.pageShift
        return page < pages.count && pages[page][(record >> 6) & (Self.pageWords - 1)] & (1 << UInt64(record & 63)) != 0
    }

    /// True when any record in `range` is in the set.
    public func intersects(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        var r = range.lowerBound
        while r < range.upperBound {
            let page = r >> Self.pageShift
            if page >= pages.count { return false }
            if r & 63 == 0 && r + 64 <= range.upperBound {
                if pages[page][(r >> 6) & (Self.pageWords - 1)] != 0 { return true }
                r += 64
            } else {
                if contains(r) { return true }
                r += 1
            }
        }
        return false
    }
}
