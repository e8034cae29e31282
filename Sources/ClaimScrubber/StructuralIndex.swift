import CScan

/// Where a chunk's structural bytes are: one bit per byte, set for the delimiter, a double quote
/// or a newline, computed 64 bytes at a time with SIMD compares and byte masks (`cscan_structural`).
///
/// The parser then jumps from one structural byte to the next with a trailing-zero count instead of
/// testing every byte: fields average under ten bytes, so this is several times fewer steps than a
/// byte loop. (Rejected: a per-field `memchr`, which cannot look for three bytes at once.)
struct StructuralIndex {
    // A raw buffer, not an array: `next` runs for every field and must be a few instructions.
    private let masks: UnsafeMutablePointer<UInt64>
    private let words: Int
    private let count: Int

    init(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8) {
        self.count = count
        words = (count + 63) / 64
        masks = .allocate(capacity: max(words, 1))
        masks.initialize(repeating: 0, count: max(words, 1))
        cscan_structural(base, count, delimiter, masks)
    }

    /// Frees the index; call once, when the chunk is parsed.
    func deallocate() { masks.deallocate() }

    /// The first structural position at or after `position`, or `count` when there is none.
    @inline(__always)
    func next(_ position: Int) -> Int {
        var word = position >> 6
        guard word < words else { return count }
        var m = masks[word] & (~UInt64(0) << UInt64(position & 63))
        while m == 0 {
            word += 1
            if word >= words { return count }
            m = masks[word]
        }
        return min(word << 6 | m.trailingZeroBitCount, count)
    }
}
