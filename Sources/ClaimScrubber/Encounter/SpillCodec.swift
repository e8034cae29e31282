/// The packed form of encounter lines in a spill file.
///
/// A spilled line was its 64 in-memory bytes compressed by zstd at level 1 (about 11.6 bytes a
/// line, and zstd's time grows with the bytes it is given: about 160 ns a line to compress and 70
/// to decompress here). Lines of one shard arrive in input order and repeat their neighbours'
/// patient, date, code and providers, so each line is written against the one before it in its
/// file: about 21 bytes a line. zstd over that took it to about 8 bytes, for more time than the
/// packing itself, so the files now hold this form alone (see `ShardStore`).
///
/// Per line: a byte of change flags, the line's own flags byte, the ordinal as a zigzag varint of
/// its difference from the previous one, then only the fields that changed (patient, code, day,
/// rendering, billing, department and payer), the modifiers when any, and amount and units as
/// zigzag varints. The first line of a file is written against an all-zero line; the state runs
/// on across the spills appended to one file, so a file is read from its start.
struct SpillCodec {
    /// The previous line written (or read) in this file.
    private var previous = EncounterLine.zero

    /// Longest encoding of one line: two flag bytes, three 10-byte varints, two 8-byte fields,
    /// a code of at most 8 bytes, and four 4-byte fields.
    static let maxLineBytes = 2 + 3 * 10 + 8 + 8 + 8 + 4 * 4 + 5

    private static let patientChanged: UInt8 = 1
    private static let codeChanged: UInt8 = 2
    private static let hasModifiers: UInt8 = 4
    private static let dayChanged: UInt8 = 8
    private static let renderingChanged: UInt8 = 16
    private static let billingChanged: UInt8 = 32
    private static let groupsChanged: UInt8 = 64
    /// The code's low 30 bits are zero (every five-character code): its top 34 bits as a varint.
    private static let shortCode: UInt8 = 128

    /// Writes `lines` at `out` (room for `lines.count * maxLineBytes`); returns the bytes written.
    mutating func encode(_ lines: UnsafeBufferPointer<EncounterLine>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var at = 0
        @inline(__always) func byte(_ b: UInt8) {
            out[at] = b
            at &+= 1
        }
        @inline(__always) func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                byte(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            byte(UInt8(truncatingIfNeeded: v))
        }
        @inline(__always) func fixed<T: FixedWidthInteger>(_ value: T) {
            UnsafeMutableRawPointer(out + at).storeBytes(of: value.littleEndian, as: T.self)
            at &+= MemoryLayout<T>.size
        }
        for line in lines {
            let p = previous
            var changes: UInt8 = 0
            if line.patient != p.patient { changes |= Self.patientChanged }
            if line.code != p.code {
                changes |= Self.codeChanged
                if line.code & 0x3FFF_FFFF == 0 { changes |= Self.shortCode }
            }
            if line.modifiers != 0 { changes |= Self.hasModifiers }
            if line.day != p.day { changes |= Self.dayChanged }
            if line.rendering != p.rendering { changes |= Self.renderingChanged }
            if line.billing != p.billing { changes |= Self.billingChanged }
            if line.department != p.department || line.payer != p.payer { changes |= Self.groupsChanged }
            byte(changes)
            byte(line.flags)
            varint(Self.zigzag(Int64(bitPattern: line.ordinal &- p.ordinal)))
            if changes & Self.patientChanged != 0 { fixed(line.patient) }
            if changes & Self.codeChanged != 0 {
                if changes & Self.shortCode != 0 { varint(line.code >> 30) } else { fixed(line.code) }
            }
            if changes & Self.hasModifiers != 0 { fixed(line.modifiers) }
            varint(Self.zigzag(line.amountCents))
            if changes & Self.dayChanged != 0 { fixed(line.day) }
            // Whole units (nearly every line) as units, a fraction as thousandths: the low bit says
            // which, and 1000 more does not cost a byte a line.
            let units = Int64(line.units)
            varint(units % 1000 == 0 ? Self.zigzag(units / 1000) << 1 : Self.zigzag(units) << 1 | 1)
            if changes & Self.renderingChanged != 0 { fixed(line.rendering) }
            if changes & Self.billingChanged != 0 { fixed(line.billing) }
            if changes & Self.groupsChanged != 0 {
                fixed(line.department)
                fixed(line.payer)
            }
            previous = line
        }
        return at
    }

    /// Reads lines from `bytes` into `lines` (room for `lines.count`), stopping when `lines` is
    /// full or fewer than `maxLineBytes` bytes are left and `atEnd` is false (the caller refills
    /// and calls again with the rest). Returns the bytes consumed and the lines read; nil when the
    /// bytes are not a valid encoding (a damaged spill file).
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer, atEnd: Bool, into lines: UnsafeMutableBufferPointer<EncounterLine>
    ) -> (consumed: Int, lines: Int)? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, 0) }
        let count = bytes.count
        var at = 0
        var decoded = 0
        // While a whole longest line is left no read can pass the end, so the lines are read
        // without a bounds test per byte (callgrind: about 150 instructions a line against 260).
        // A varint still stops at ten bytes: a damaged file is reported, never read past.
        while decoded < lines.count && count - at >= Self.maxLineBytes {
            var reader = UncheckedReader(at: base + at)
            let line = Self.line(after: previous, &reader)
            if reader.damaged { return nil }
            at = reader.at - base
            lines[decoded] = line
            decoded &+= 1
            previous = line
        }
        var reader = CheckedReader(base: base, count: count, at: at)
        while decoded < lines.count && reader.at < count && (atEnd || count - reader.at >= Self.maxLineBytes) {
            let line = Self.line(after: previous, &reader)
            if reader.damaged { return nil }
            lines[decoded] = line
            decoded &+= 1
            previous = line
        }
        return (reader.at, decoded)
    }

    /// One line read against `previous`, in the order `encode` writes its fields.
    @inline(__always)
    private static func line<Reader: SpillByteReader>(
        after previous: EncounterLine, _ r: inout Reader
    ) -> EncounterLine {
        var line = previous
        let changes = r.byte()
        line.flags = r.byte()
        line.ordinal = previous.ordinal &+ UInt64(bitPattern: unzigzag(r.varint()))
        if changes & patientChanged != 0 { line.patient = r.fixed(UInt64.self) }
        if changes & codeChanged != 0 {
            line.code = changes & shortCode != 0 ? r.varint() << 30 : r.fixed(UInt64.self)
        }
        line.modifiers = changes & hasModifiers != 0 ? r.fixed(UInt64.self) : 0
        line.amountCents = unzigzag(r.varint())
        if changes & dayChanged != 0 { line.day = r.fixed(Int32.self) }
        let units = r.varint()
        line.units = Int32(truncatingIfNeeded: units & 1 == 0 ? unzigzag(units >> 1) * 1000 : unzigzag(units >> 1))
        if changes & renderingChanged != 0 { line.rendering = r.fixed(UInt32.self) }
        if changes & billingChanged != 0 { line.billing = r.fixed(UInt32.self) }
        if changes & groupsChanged != 0 {
            line.department = r.fixed(UInt16.self)
            line.payer = r.fixed(UInt16.self)
        }
        return line
    }

    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    @inline(__always)
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
}

extension EncounterLine {
    /// The all-zero line a spill file's first line is written against.
    static let zero = EncounterLine(
        ordinal: 0, patient: 0, code: 0, modifiers: 0, amountCents: 0, day: 0, units: 0, rendering: 0, billing: 0,
        department: 0, payer: 0, flags: 0)
}

/// How `SpillCodec.line(after:_:)` reads bytes: checked against the end, or not.
private protocol SpillByteReader {
    /// Set once a read went past the end or a varint ran past ten bytes.
    var damaged: Bool { get set }
    mutating func byte() -> UInt8
    mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T
}

extension SpillByteReader {
    /// A varint of at most ten bytes; a longer one sets `damaged`.
    @inline(__always)
    mutating func varint() -> UInt64 {
        var b = UInt64(byte())
        if b < 0x80 { return b }
        var value = b & 0x7F
        var shift: UInt64 = 7
        repeat {
            b = UInt64(byte())
            value |= (b & 0x7F) << shift
            shift &+= 7
        } while b >= 0x80 && shift < 70
        if b >= 0x80 { damaged = true }
        return value
    }
}

/// Reads with no bounds test: only where `SpillCodec.maxLineBytes` bytes are left.
private struct UncheckedReader: SpillByteReader {
    var at: UnsafePointer<UInt8>
    var damaged = false

    init(at: UnsafePointer<UInt8>) { self.at = at }

    @inline(__always)
    mutating func byte() -> UInt8 {
        let b = at.pointee
        at += 1
        return b
    }

    @inline(__always)
    mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T {
        let value = UnsafeRawPointer(at).loadUnaligned(as: T.self)
        at += MemoryLayout<T>.size
        return T(littleEndian: value)
    }
}

/// Reads with a bounds test per read: a read past the end gives 0 and sets `damaged`.
private struct CheckedReader: SpillByteReader {
    let base: UnsafePointer<UInt8>
    let count: Int
    var at: Int
    var damaged = false

    init(base: UnsafePointer<UInt8>, count: Int, at: Int) {
        self.base = base
        self.count = count
        self.at = at
    }

    @inline(__always)
    mutating func byte() -> UInt8 {
        guard at < count else {
            damaged = true
            return 0
        }
        let b = base[at]
        at &+= 1
        return b
    }

    @inline(__always)
    mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T {
        let size = MemoryLayout<T>.size
        guard at + size <= count else {
            damaged = true
            return 0
        }
        let value = UnsafeRawPointer(base + at).loadUnaligned(as: T.self)
        at &+= size
        return T(littleEndian: value)
    }
}
