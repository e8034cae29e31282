/// One bit per record of the run (global record number), e.g. "held".
///
/// 50 million records take 6 MB, so the verdicts of a whole month-end extract stay in memory
/// while pass 2 routes the lines.
public struct RecordSet: Sendable {
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public mutating func insert(_ record: Int) {
        let word = record >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: max(word + 1 - words.count, words.count))) }
        let bit: UInt64 = 1 << UInt64(record & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }

    @inline(__always)
    public func contains(_ record: Int) -> Bool {
        let word = record >> 6
        return word < words.count && words[word] & (1 << UInt64(record & 63)) != 0
    }

    /// True when any record in `range` is in the set.
    public func intersects(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        var r = range.lowerBound
        while r < range.upperBound {
            let word = r >> 6
            if word >= words.count { return false }
            if r & 63 == 0 && r + 64 <= range.upperBound {
                if words[word] != 0 { return true }
                r += 64
            } else {
                if contains(r) { return true }
                r += 1
            }
        }
        return false
    }
}
