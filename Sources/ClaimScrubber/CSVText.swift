import CScan
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writing CSV fields (RFC 4180 quoting) into byte buffers.
///
/// Two kinds of field: a plain field (`append`, `Writer.field`) is the text as it is, quoted where
/// RFC 4180 needs it, for files programs read (a generated extract). A spreadsheet cell
/// (`append(_:to:cell:)`, `Writer.cell`) is for findings.csv, which billing staff open in Excel or
/// LibreOffice: text from an input that a spreadsheet would run as a formula (`=HYPERLINK(...)`,
/// `@SUM(...)`, `+1+cmd|...`) gets an apostrophe before it, as OWASP's advice on CSV injection
/// has it, so the cell shows the text and runs nothing. Signed numbers (`-85.00`) stay as they are.
enum CSVText {
    /// Appends `text`, quoted when it holds a comma, quote, CR or LF.
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Appends `bytes`, quoted when they hold a comma, quote, CR or LF. `repairingUTF8`: bytes that
    /// are not UTF-8 become U+FFFD (for a field copied from an input into findings.csv, which
    /// stays UTF-8; the held output keeps them as they came).
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8], repairingUTF8: Bool = false) {
        guard let raw = bytes.baseAddress else { return }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        if repairingUTF8 && needsRepair(bytes) {
            appendRepaired(bytes, to: &out)
            return
        }
        if !needsQuotes(p, n) {
            out.append(contentsOf: bytes)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Writer.bound(field: n)) { scratch in
            var w = Writer(scratch.baseAddress!)
            w.field(bytes)
            out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: w.count))
        }
    }

    /// Appends `text` as a spreadsheet cell: as `append(_:to:)`, with an apostrophe before text a
    /// spreadsheet would take for a formula (`startsFormula`).
    static func append(cell text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(cell: UnsafeRawBufferPointer($0), to: &out) }
    }

    /// `append(_:to:repairingUTF8:)` for a spreadsheet cell (`startsFormula`).
    static func append(cell bytes: UnsafeRawBufferPointer, to out: inout [UInt8], repairingUTF8: Bool = false) {
        if repairingUTF8 && needsRepair(bytes) {
            append(cell: String(decoding: bytes, as: UTF8.self), to: &out)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Writer.bound(cell: bytes.count)) { scratch in
            var w = Writer(scratch.baseAddress!)
            w.cell(bytes)
            out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: w.count))
        }
    }

    /// True when a spreadsheet opening the CSV would take `n` bytes at `p` for a formula, or for
    /// the start of one: a first byte `=`, `@`, tab or CR, or `+`/`-` followed by anything but a
    /// number (`-85.00`, `+3`, `-1,200.50`, `-$40` are numbers; a lone `-` is text).
    @inline(__always)
    static func startsFormula(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        switch p[0] {
        case 0x3D, 0x40, 0x09, 0x0D: return true
        case 0x2B, 0x2D: return n > 1 && !isSignedNumberTail(p + 1, n - 1)
        default: return false
        }
    }

    /// True when the `n` bytes after a sign read as a number: an optional `$`, digits (commas
    /// allowed between them), an optional `.` and digits.
    private static func isSignedNumberTail(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        if p[0] == 0x24 { i = 1 }
        var digits = 0
        var point = false
        while i < n {
            let c = p[i]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
            } else if c == 0x2C && !point && digits > 0 {
            } else if c == 0x2E && !point {
                point = true
            } else {
                return false
            }
            i += 1
        }
        return digits > 0
    }

    /// True when `n` bytes at `p` hold a comma, quote, CR or LF. A byte loop was the first version:
    /// four compares a byte made it most of a findings row's cost (messages run 60–130 bytes).
    @inline(__always)
    static func needsQuotes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool { cscan_needs_quotes(p, n) != 0 }

    /// True when `bytes` are neither ASCII nor valid UTF-8, so `append(_:to:repairingUTF8:)` would
    /// write them repaired.
    static func needsRepair(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let raw = bytes.baseAddress else { return false }
        return !ChargeParser.isASCII(raw.assumingMemoryBound(to: UInt8.self), bytes.count)
            && !ChargeParser.isValidUTF8(bytes)
    }

    /// Writes CSV fields through a pointer into memory the caller sized, for a row built whole and
    /// appended once: an `Array.append(contentsOf:)` per field cost about 140 instructions, more
    /// than most fields' bytes.
    struct Writer {
        private let start: UnsafeMutablePointer<UInt8>
        private var p: UnsafeMutablePointer<UInt8>

        init(_ start: UnsafeMutablePointer<UInt8>) {
            self.start = start
            p = start
        }

        /// The bytes written so far.
        var count: Int { p - start }

        /// The most bytes `field(_:)` writes for a field of `n` bytes (every byte a doubled quote,
        /// and the two quotes around them).
        static func bound(field n: Int) -> Int { 2 * n + 2 }

        /// The most bytes `cell(_:)` writes for a cell of `n` bytes (the field and an apostrophe).
        static func bound(cell n: Int) -> Int { 2 * n + 3 }

        /// The most bytes `number(_:)` writes.
        static let numberBound = 20

        @inline(__always)
        mutating func byte(_ b: UInt8) {
            p.pointee = b
            p += 1
        }

        /// Copies `bytes` as they are.
        @inline(__always)
        mutating func raw(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: bytes.count)
            p += bytes.count
        }

        /// `bytes` as `CSVText.append(_:to:)` writes them: quoted (quotes doubled) when they hold a
        /// comma, quote, CR or LF.
        mutating func field(_ bytes: UnsafeRawBufferPointer) {
            guard let raw = bytes.baseAddress else { return }
            let q = raw.assumingMemoryBound(to: UInt8.self)
            let n = bytes.count
            if !CSVText.needsQuotes(q, n) {
                self.raw(bytes)
                return
            }
            byte(0x22)
            quotedBody(q, n)
            byte(0x22)
        }

        /// The `n` bytes at `q` with each quote doubled, for inside a field's quotes. Runs between
        /// quotes are copied whole: a message with a comma in it (C06's list of loaded releases)
        /// is quoted on every row of a run that flags every line.
        private mutating func quotedBody(_ q: UnsafePointer<UInt8>, _ n: Int) {
            var s = 0
            while s < n {
                guard let found = memchr(q + s, 0x22, n - s) else {
                    self.raw(UnsafeRawBufferPointer(start: q + s, count: n - s))
                    break
                }
                let k = UnsafeRawPointer(found) - UnsafeRawPointer(q)
                self.raw(UnsafeRawBufferPointer(start: q + s, count: k + 1 - s))
                byte(0x22)
                s = k + 1
            }
        }

        /// `bytes` as a spreadsheet cell: as `field(_:)`, with an apostrophe first when a
        /// spreadsheet would run them as a formula (`CSVText.startsFormula`). The apostrophe goes
        /// inside the quotes of a quoted field, where a spreadsheet reads it as the cell's first
        /// character.
        mutating func cell(_ bytes: UnsafeRawBufferPointer) {
            guard let raw = bytes.baseAddress else { return }
            let q = raw.assumingMemoryBound(to: UInt8.self)
            let n = bytes.count
            guard CSVText.startsFormula(q, n) else {
                field(bytes)
                return
            }
            if !CSVText.needsQuotes(q, n) {
                byte(0x27)
                self.raw(bytes)
                return
            }
            byte(0x22)
            byte(0x27)
            quotedBody(q, n)
            byte(0x22)
        }

        /// `value` in decimal, as `CSVText.append(_:to:)` writes an `Int`.
        mutating func number(_ value: Int) {
            if value < 0 { byte(0x2D) }
            number(UInt64(value.magnitude))
        }

        /// `value` in decimal, as `String(value)` writes it.
        mutating func number(_ value: UInt64) {
            var magnitude = value
            var digits = 1
            var scale: UInt64 = 10
            while digits < 20 && magnitude >= scale {
                digits += 1
                let (next, overflow) = scale.multipliedReportingOverflow(by: 10)
                if overflow { break }
                scale = next
            }
            var i = digits
            repeat {
                i -= 1
                p[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            } while i > 0
            p += digits
        }
    }

    @inline(never)
    private static func appendRepaired(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        append(String(decoding: bytes, as: UTF8.self), to: &out)
    }

    /// Appends `value` in decimal, as `String(value)` writes it, without making that String.
    static func append(_ value: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Writer.numberBound) { scratch in
            var w = Writer(scratch.baseAddress!)
            w.number(value)
            out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: w.count))
        }
    }
}
