/// The character encoding of a delimited extract's text (`--encoding`).
///
/// Extracts are UTF-8 by default, and a field that is not is held with S01. Many billing systems
/// export Windows-1252 instead (SQL Server's and Excel's default on US Windows), where every byte
/// is a character: `Pediatría` is `Pediatr\xEDa`, one byte that UTF-8 cannot start a character
/// with. With `windows-1252` such a field is read, not held: the rules and the findings see it
/// converted to UTF-8, while the clean and held outputs keep every line's bytes as they came.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// The encoding a command-line or configuration name stands for (`utf8`, `cp1252`, `latin1`
    /// alike, case aside), or nil.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "windows-1252", "cp1252", "win-1252", "windows1252": self = .windows1252
        // ISO 8859-1 text reads the same but for 0x80–0x9F, controls that no extract carries.
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .windows1252
        default: return nil
        }
    }
}

/// Windows-1252 to UTF-8.
enum Windows1252 {
    /// The code points of bytes 0x80–0x9F (the WHATWG table: the five bytes the code page leaves
    /// unassigned map to the C1 controls of their own value). From 0xA0 a byte is its code point.
    private static let high: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The UTF-8 form of one byte's character, appended to `out`.
    @inline(__always)
    static func append(_ byte: UInt8, to out: inout [UInt8]) {
        if byte < 0x80 {
            out.append(byte)
            return
        }
        let scalar = byte < 0xA0 ? UInt32(high[Int(byte - 0x80)]) : UInt32(byte)
        if scalar < 0x800 {
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        } else {
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// `bytes` as UTF-8.
    static func utf8<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes { append(b, to: &out) }
        return out
    }

    /// The chunk's text as UTF-8, in a chunk of its own with the same place in the run, or nil when
    /// it is all ASCII (the same bytes either way). Quotes, delimiters and line ends are ASCII and
    /// keep their order, so the copy holds the same records and fields.
    static func utf8(_ chunk: Chunk) -> Chunk? {
        let bytes = chunk.bytes
        guard let base = bytes.baseAddress, !ChargeParser.isASCII(base.assumingMemoryBound(to: UInt8.self), bytes.count)
        else { return nil }
        let text = utf8(bytes)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(text.count, 1), alignment: 64)
        text.withUnsafeBytes { storage.copyMemory(from: $0) }
        return Chunk(
            storage: storage, count: text.count, file: chunk.file, sequence: chunk.sequence,
            firstLine: chunk.firstLine, newlineCount: chunk.newlineCount, byteOffset: chunk.byteOffset,
            isLastOfFile: chunk.isLastOfFile)
    }
}
