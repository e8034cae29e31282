/// Writing CSV fields (RFC 4180 quoting) into byte buffers.
enum CSVText {
    /// Appends `text`, quoted when it holds a comma, quote, CR or LF.
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0), to: &out) }
    }

    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // A field copied from an input (a line or encounter id) may not be UTF-8; findings.csv
        // stays UTF-8 throughout, with U+FFFD for the bytes that are not (the held output keeps
        // them as they came).
        if let base = bytes.baseAddress, !ChargeParser.isASCII(base.assumingMemoryBound(to: UInt8.self), bytes.count),
            !ChargeParser.isValidUTF8(bytes)
        {
            append(String(decoding: bytes, as: UTF8.self), to: &out)
            return
        }
        var needsQuotes = false
        for c in bytes where c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        for c in bytes {
            if c == 0x22 { out.append(0x22) }
            out.append(c)
        }
        out.append(0x22)
    }

    static func append(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
