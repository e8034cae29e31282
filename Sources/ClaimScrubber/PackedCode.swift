/// Alphanumeric codes (ICD-10-CM, HCPCS, CPT, modifiers) packed into one integer.
///
/// Each character takes 6 bits (digits 1–10, letters 11–36, 0 = no character), most significant
/// first, so packed codes sort like the strings they stand for and a look-up is integer work.
/// Up to 10 characters fit in a `UInt64`.
public enum PackedCode {
    public static let maxLength = 10

    /// The 6-bit value of one byte, or nil if it is not a digit or letter (lower case folds to upper).
    @inline(__always)
    static func value(_ c: UInt8) -> UInt64? {
        switch c {
        case 0x30...0x39: return UInt64(c - 0x30 + 1)
        case 0x41...0x5A: return UInt64(c - 0x41 + 11)
        case 0x61...0x7A: return UInt64(c - 0x61 + 11)
        default: return nil
        }
    }

    /// Packs the bytes, skipping dots (ICD-10-CM codes come with or without them); 0 when the
    /// field is empty, nil when it holds anything else than letters, digits and dots, or is too long.
    @inline(__always)
    public static func pack(_ bytes: UnsafeRawBufferPointer, skippingDots: Bool = true) -> UInt64? {
        var packed: UInt64 = 0
        var count = 0
        for c in bytes {
            if c == 0x2E && skippingDots { continue }
            guard let v = value(c), count < maxLength else { return nil }
            packed |= v << UInt64(6 * (maxLength - 1 - count))
            count += 1
        }
        return packed
    }

    public static func pack(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { pack(UnsafeRawBufferPointer($0)) }
    }

    /// The code as text (upper case, no dots).
    ///
    /// Written straight into the string's own storage: at most ten ASCII bytes, which Swift keeps
    /// inside the string value, so no allocation (through an array first it cost about 800
    /// instructions, called twice per finding row of the shard stage).
    public static func unpack(_ packed: UInt64) -> String {
        String(unsafeUninitializedCapacity: maxLength) { unpack(packed, into: $0.baseAddress!) }
    }

    /// Writes the code's text (at most `maxLength` bytes) at `out`; returns how many bytes.
    @inline(__always)
    static func unpack(_ packed: UInt64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        while n < maxLength {
            let v = UInt8(truncatingIfNeeded: (packed >> UInt64(6 * (maxLength - 1 - n))) & 63)
            if v == 0 { break }
            out[n] = v <= 10 ? v &- 1 &+ 0x30 : v &- 11 &+ 0x41
            n += 1
        }
        return n
    }

    /// Number of characters in a packed code.
    @inline(__always)
    public static func length(_ packed: UInt64) -> Int {
        var n = 0
        while n < maxLength && (packed >> UInt64(6 * (maxLength - 1 - n))) & 63 != 0 { n += 1 }
        return n
    }

    /// The first `n` characters of a packed code (a prefix keeps the sort order).
    @inline(__always)
    public static func prefix(_ packed: UInt64, _ n: Int) -> UInt64 {
        if n >= maxLength { return packed }
        let keep = 6 * n
        let mask: UInt64 = keep == 0 ? 0 : ~UInt64(0) << UInt64(6 * maxLength - keep)
        return packed & mask & ((1 << 60) - 1)
    }

    /// The character at position `i` as its ASCII byte, or 0 past the end.
    @inline(__always)
    public static func character(_ packed: UInt64, at i: Int) -> UInt8 {
        let v = UInt8((packed >> UInt64(6 * (maxLength - 1 - i))) & 63)
        if v == 0 { return 0 }
        return v <= 10 ? v - 1 + 0x30 : v - 11 + 0x41
    }
}
