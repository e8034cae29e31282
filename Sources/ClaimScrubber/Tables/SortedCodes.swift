/// Packed codes in one sorted contiguous array, searched without branches.
///
/// This is the look-up structure behind every code table: a code set of 100k codes is 800 kB of
/// `UInt64`, and a search is ~17 compare-and-select steps that compile to conditional moves, so a
/// batch of look-ups never stalls on a mispredicted branch. `lowerBounds(of:into:)` runs a batch of
/// searches in lock step (they all take the same number of steps), so the loads of eight searches
/// are in flight together. An open-addressing hash was the alternative: one probe instead of 17,
/// but a cache miss on every probe of a 2 MB table and no ordered ranges (the Excludes1 and NCCI
/// tables need those); measured, the sorted array is fast enough (see `tables list` timing in the
/// README) and serves every table with one type.
///
/// Duplicate keys are allowed (an NCCI pair with several date ranges): `lowerBound` finds the first.
public struct SortedCodes: Sendable, Equatable {
    public private(set) var keys: [UInt64]

    public init() { keys = [] }

    /// `keys` must be sorted ascending.
    init(sorted keys: [UInt64]) {
        precondition(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "keys must be sorted")
        self.keys = keys
    }

    public var count: Int { keys.count }

    /// Index of the first key not less than `key` (`count` when every key is less).
    @inline(__always)
    public func lowerBound(_ key: UInt64) -> Int {
        keys.withUnsafeBufferPointer { Self.lowerBound(key, in: $0, 0..<$0.count) }
    }

    /// Index of the first of `sorted[range]` not less than `key` (`range.upperBound` when every one
    /// is less), in compare-and-select steps without branches: the search behind every table.
    @inline(__always)
    static func lowerBound<T: FixedWidthInteger>(_ key: T, in sorted: UnsafeBufferPointer<T>, _ range: Range<Int>)
        -> Int
    {
        var n = range.count
        if n == 0 { return range.lowerBound }
        var base = range.lowerBound
        while n > 1 {
            let half = n &>> 1
            base = sorted[base &+ half] < key ? base &+ half : base
            n &-= half
        }
        return base &+ (sorted[base] < key ? 1 : 0)
    }

    /// Index of `key`, or -1 when absent.
    @inline(__always)
    public func index(of key: UInt64) -> Int {
        let i = lowerBound(key)
        return i < keys.count && keys[i] == key ? i : -1
    }

    @inline(__always)
    public func contains(_ key: UInt64) -> Bool { index(of: key) >= 0 }

    /// Exact-match indices of a batch of keys (-1 when absent), searched eight at a time in lock step.
    public func indices(of batch: UnsafeBufferPointer<UInt64>, into result: UnsafeMutableBufferPointer<Int32>) {
        precondition(result.count >= batch.count)
        keys.withUnsafeBufferPointer { p in
            let total = p.count
            if total == 0 {
                for i in 0..<batch.count { result[i] = -1 }
                return
            }
            var bases = (0, 0, 0, 0, 0, 0, 0, 0)
            var start = 0
            while start < batch.count {
                let lanes = min(8, batch.count - start)
                withUnsafeMutableBytes(of: &bases) { raw in
                    let base = raw.bindMemory(to: Int.self)
                    for l in 0..<8 { base[l] = 0 }
                    var n = total
                    while n > 1 {
                        let half = n &>> 1
                        for l in 0..<lanes {
                            let b = base[l]
                            base[l] = p[b &+ half] < batch[start &+ l] ? b &+ half : b
                        }
                        n &-= half
                    }
                    for l in 0..<lanes {
                        let key = batch[start &+ l]
                        let i = base[l] &+ (p[base[l]] < key ? 1 : 0)
                        result[start &+ l] = i < total && p[i] == key ? Int32(truncatingIfNeeded: i) : -1
                    }
                }
                start &+= lanes
            }
        }
    }
}

extension PackedCode {
    /// Number of characters, without a loop: characters are left-aligned in the low 60 bits and
    /// every character's 6-bit value is non-zero, so the trailing zero bits count the empty slots.
    @inline(__always)
    static func count(_ packed: UInt64) -> Int {
        packed == 0 ? 0 : maxLength &- min(maxLength, packed.trailingZeroBitCount / 6)
    }

    /// A five-character code (HCPCS, CPT) in 30 bits, for keys that pair two codes in one `UInt64`.
    @inline(__always)
    static func five(_ packed: UInt64) -> UInt64 { packed >> 30 }

    /// Dotted ICD-10-CM form of a packed code (a dot after the third character), for messages.
    public static func dotted(_ packed: UInt64) -> String {
        let text = unpack(packed)
        guard text.count > 3 else { return text }
        return String(text.prefix(3)) + "." + String(text.dropFirst(3))
    }
}
