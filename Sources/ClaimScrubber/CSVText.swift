/// Writing CSV fields (RFC 4180 quoting) into byte buffers.
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
        if repairingUTF8 && !ChargeParser.isASCII(p, n) && !ChargeParser.isValidUTF8(bytes) {
            appendRepaired(bytes, to: &out)
            return
        }
        var needsQuotes = false
        for i in 0..<n where p[i] == 0x2C || p[i] == 0x22 || p[i] == 0x0A || p[i] == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        for i in 0..<n {
            if p[i] == 0x22 { out.append(0x22) }
            out.append(p[i])
        }
        out.append(0x22)
    }

    @inline(never)
    private static func appendRepaired(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        append(String(decoding: bytes, as: UTF8.self), to: &out)
    }

    /// Appends `value` in decimal, as `String(value)` writes it, without making that String.
    static func append(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = digits.count
            repeat {
                i -= 1
                digits[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }
}
