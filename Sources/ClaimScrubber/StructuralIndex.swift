import CScan

/// Where a chunk's structural bytes are: one bit per byte, set for the delimiter, a double quote
/// or a newline, computed 64 bytes at a time with SIMD compares and byte masks (`cscan_structural`).
///
/// The parser walks the set bits in order with a `Cursor` (a trailing-zero count and a clear of the
/// lowest bit per structural byte) instead of testing every byte: fields average under ten bytes,
/// so this is several times fewer steps than a byte loop. (Rejected: a per-field `memchr`, which
/// cannot look for three bytes at once.)
struct StructuralIndex {
    // A raw buffer, not an array: the cursor runs for every field and must be a few instructions.
    private let masks: UnsafeMutablePointer<UInt64>
    private let words: Int
    let count: Int
    /// Every byte before this offset is ASCII (the scan found no byte 0x80 or above there).
    let asciiPrefix: Int

    // Never inlined: once a chunk, and inlined into `ChargeParser.parse` it cost the record loop
    // there registers (spills on every field, about 40M instructions in 200k lines).
    @inline(never)
    init(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8) {
        self.count = count
        words = (count + 63) / 64
        // Not cleared first: `cscan_structural` sets every word.
        masks = .allocate(capacity: max(words, 1))
        asciiPrefix = count > 0 ? cscan_structural(base, count, delimiter, masks) : 0
    }

    /// Frees the index; call once, when the chunk is parsed.
    func deallocate() { masks.deallocate() }

    /// A cursor at the start of the chunk.
    func cursor() -> Cursor { Cursor(masks: masks, words: words, count: count) }

    /// The structural positions in ascending order: `next()` gives each once.
    struct Cursor {
        private let masks: UnsafeMutablePointer<UInt64>
        private let words: Int
        private let count: Int
        private var word = 0
        /// The current word's structural bits not yet given.
        private var bits: UInt64

        fileprivate init(masks: UnsafeMutablePointer<UInt64>, words: Int, count: Int) {
            self.masks = masks
            self.words = words
            self.count = count
            bits = words > 0 ? masks[0] : 0
        }

        /// The next structural position, or `count` when none is left.
        @inline(__always)
        mutating func next() -> Int {
            while bits == 0 {
                word &+= 1
                if word >= words {
                    word = words
                    return count
                }
                bits = masks[word]
            }
            let position = word &<< 6 | bits.trailingZeroBitCount
            bits &= bits &- 1
            return position
        }

        /// Moves so that `next()` gives the first structural position at or after `position`.
        @inline(__always)
        mutating func seek(_ position: Int) {
            word = position >> 6
            bits = word < words ? masks[word] & (~UInt64(0) << UInt64(position & 63)) : 0
        }
    }
}
