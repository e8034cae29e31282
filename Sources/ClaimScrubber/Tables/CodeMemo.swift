/// A memo from packed codes to small integers for one batch, so a code that repeats on thousands of
/// the batch's lines is looked up in a code table once.
///
/// A batch's diagnoses are a few thousand distinct codes at most (63 in the synthetic extracts), so
/// the memo stays small and cache-resident, and one probe (a multiply, a shift, a compare) replaces a
/// 17-step search of a 74k-code table. Open addressing with linear probing over a power-of-two array,
/// kept at most half full; the slot comes from a fixed multiplier (Fibonacci hashing), so the memo
/// behaves the same in every process. `Dictionary` was the alternative: its `Hasher` is seeded per
/// process (the determinism rule keeps it out of the pipeline) and costs about a hundred
/// instructions a look-up, more than the search it would save.
///
/// Any key but `empty` (`PackedCode.invalid`) is stored; that one is answered by `compute` each time.
///
/// Noncopyable over its own allocation: a probe is then a multiply, a shift and loads, with no
/// bounds or uniqueness checks (arrays cost about a third more instructions a probe), and no copy
/// can share the storage.
struct CodeMemo: ~Copyable {
    /// Marks a free slot; never stored (it is `PackedCode.invalid`).
    static let empty = UInt64.max

    private var keys: UnsafeMutablePointer<UInt64>
    private var values: UnsafeMutablePointer<Int32>
    /// Slots - 1 (a power of two less one).
    private var mask: Int
    /// `64 - log2(slots)`: the product's top bits are the slot.
    private var shift: UInt64
    /// Number of keys stored.
    private(set) var count = 0

    /// A memo that holds `capacity` keys before it first grows.
    init(capacity: Int = 512) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        (keys, values) = Self.allocate(size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    private static func allocate(_ size: Int) -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Int32>) {
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        keys.initialize(repeating: empty, count: size)
        let values = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        values.initialize(repeating: 0, count: size)
        return (keys, values)
    }

    /// The key for `code` as release `release` sees it: packed codes use the low 60 bits, so the
    /// top four carry the release index. Nil from release 15 on (one a year: never seen) and for
    /// `PackedCode.invalid`; the caller then looks the code up without the memo.
    @inline(__always)
    static func key(_ code: UInt64, release: Int) -> UInt64? {
        guard release >= 0, release < 15, code >> 60 == 0 else { return nil }
        return code | UInt64(release) << 60
    }

    /// The slot a probe for `key` starts at.
    @inline(__always)
    func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> shift) }

    /// The value stored for `key`, or nil.
    @inline(__always)
    func value(for key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key && key != Self.empty { return values[i] }
            if k == Self.empty { return nil }
            i = (i &+ 1) & mask
        }
    }

    /// The value stored for `key`; on first sight `compute(key)`, stored.
    @inline(__always)
    mutating func value(for key: UInt64, compute: (UInt64) -> Int32) -> Int32 {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key && key != Self.empty { return values[i] }
            if k == Self.empty { break }
            i = (i &+ 1) & mask
        }
        let value = compute(key)
        if key != Self.empty { store(key, value, at: i) }
        return value
    }

    /// Stores a key found absent at free slot `i`, and doubles the table once it is half full.
    @inline(never)
    private mutating func store(_ key: UInt64, _ value: Int32, at i: Int) {
        keys[i] = key
        values[i] = value
        count += 1
        guard 2 * count > mask + 1 else { return }
        let (oldKeys, oldValues, oldSize) = (keys, values, mask + 1)
        (keys, values) = Self.allocate(2 * oldSize)
        mask = 2 * oldSize - 1
        shift -= 1
        for j in 0..<oldSize where oldKeys[j] != Self.empty {
            var slot = home(oldKeys[j])
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[j]
            values[slot] = oldValues[j]
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
