#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of one field a reader keeps past its segment (CLM01, a member id, a birth date), in
/// memory of its own that is reused for the next value.
///
/// The X12 reader keeps some twenty such fields per claim and copies most of them into every
/// service line. Held as `[UInt8]`, each copy in or out cost reference counting, a uniqueness
/// check and a generic `replaceSubrange` (about a tenth of reading a claim). A `FieldBytes` is
/// noncopyable, so it has one owner and frees its memory itself: setting it is a `memcpy`, reading
/// it a pointer and a count. Pointing into the segment instead of copying was rejected: a reader
/// that streams a file moves its buffer on a refill, and the fields outlive the segment.
struct FieldBytes: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes of the value.
    private(set) var count = 0

    init(capacity: Int = 32) {
        self.capacity = max(capacity, 8)
        base = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// The value, valid until the field is next set.
    var bytes: UnsafeRawBufferPointer {
        @inline(__always) get { UnsafeRawBufferPointer(start: base, count: count) }
    }

    var isEmpty: Bool {
        @inline(__always) get { count == 0 }
    }

    /// Makes `value` the field's value.
    @inline(__always)
    mutating func set(_ value: UnsafeRawBufferPointer) {
        let n = value.count
        if n > capacity { grow(to: n, keeping: 0) }
        if n > 0 { base.copyMemory(from: value.baseAddress!, byteCount: n) }
        count = n
    }

    /// Appends `value` to the field's value.
    mutating func append(_ value: UnsafeRawBufferPointer) {
        let n = value.count
        if count + n > capacity { grow(to: count + n, keeping: count) }
        if n > 0 { (base + count).copyMemory(from: value.baseAddress!, byteCount: n) }
        count += n
    }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1, keeping: count) }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// True when the value is `other`'s bytes.
    func equals(_ other: UnsafeRawBufferPointer) -> Bool {
        other.count == count && (count == 0 || memcmp(base, other.baseAddress!, count) == 0)
    }

    /// The value as an array (for the rare uses that keep it: a claim's CLM01 in a findings row).
    var array: [UInt8] { Array(bytes) }

    private mutating func grow(to needed: Int, keeping kept: Int) {
        let grown = UnsafeMutableRawPointer.allocate(byteCount: max(needed, capacity * 2), alignment: 8)
        if kept > 0 { grown.copyMemory(from: base, byteCount: kept) }
        base.deallocate()
        base = grown
        capacity = max(needed, capacity * 2)
    }
}

/// A list of fields end to end in one `FieldBytes` (a claim's diagnoses, in HI order), reused from
/// claim to claim: one buffer instead of an array per entry.
struct FieldList: ~Copyable {
    private var text = FieldBytes(capacity: 256)
    /// Where each entry ends in `text`.
    private var ends: [Int] = []

    var count: Int { ends.count }

    subscript(index: Int) -> UnsafeRawBufferPointer {
        let all = text.bytes
        let from = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(rebasing: all[from..<ends[index]])
    }

    mutating func append(_ value: UnsafeRawBufferPointer) {
        text.append(value)
        ends.append(text.count)
    }

    mutating func removeAll() {
        text.removeAll()
        if !ends.isEmpty { ends.removeAll(keepingCapacity: true) }
    }
}
