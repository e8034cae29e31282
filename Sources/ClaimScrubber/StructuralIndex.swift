/// Where a chunk's structural bytes are: one bit per byte, set for the delimiter, a double quote
/// or a newline, computed 16 bytes at a time with SIMD compares.
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
        let out = masks
        let d = SIMD16<UInt8>(repeating: delimiter)
        let q = SIMD16<UInt8>(repeating: 0x22)
        let l = SIMD16<UInt8>(repeating: 0x0A)
        let weights = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
        let zero = SIMD16<UInt8>(repeating: 0)
        do {
            var i = 0
            while i + 16 <= count {
                let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<UInt8>.self)
                let hit = (v .== d) .| (v .== q) .| (v .== l)
                let bits = zero.replacing(with: weights, where: hit)
                let m = UInt64(bits.lowHalf.wrappedSum()) | UInt64(bits.highHalf.wrappedSum()) << 8
                out[i >> 6] |= m << UInt64(i & 63)
                i += 16
            }
            while i < count {
                let c = base[i]
                if c == delimiter || c == 0x22 || c == 0x0A { out[i >> 6] |= 1 << UInt64(i & 63) }
                i += 1
            }
        }
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
