import Foundation

/// The bytes of one table file and the reading helpers every loader shares: lines, delimited and
/// CSV fields, packed codes and dates, each failing with a `ScrubError` that names file, line and
/// column.
///
/// Loaders run once per process, so clarity wins over the last nanosecond, but they still walk
/// bytes rather than building a `String` per line, and lines and cells are found with `memchr`:
/// the shipped tables (a few MB) load in under a tenth of a second. The NCCI PTP files, hundreds of
/// MB a quarter, have a loader of their own that reads in parallel (`PTPLoader`).
struct TableText {
    /// File name (never the path: paths can carry user names).
    let name: String
    let bytes: [UInt8]

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    init(path: String) throws {
        self.init(name: TableText.fileName(path), bytes: try TableFile.read(path))
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }

    func error(_ message: String, line: Int? = nil, field: String? = nil) -> ScrubError {
        ScrubError(message, file: name, line: line, field: field)
    }

    // MARK: - Lines

    /// Calls `body` with each line (1-based number, bytes without LF or CRLF); a final empty line
    /// after the last line end is not a line.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        try bytes.withUnsafeBytes { all in
            var number = 1
            try Self.forEachLine(in: all, from: 0, to: all.count) { _, line in
                try body(number, line)
                number += 1
                return true
            }
        }
    }

    /// Calls `body` with each line of `bytes[from..<to]` (`from` at a line's start), in order: the
    /// offset it starts at and its bytes without LF or CRLF, until `body` returns false. A final
    /// empty line after the last line end is not a line.
    @inline(__always)
    static func forEachLine(
        in bytes: UnsafeRawBufferPointer, from: Int, to: Int, _ body: (Int, UnsafeRawBufferPointer) throws -> Bool
    ) rethrows {
        var start = from
        while start < to {
            let end = find(0x0A, in: bytes, from: start, to: to)
            var stop = end
            if stop > start && bytes[stop &- 1] == 0x0D { stop &-= 1 }
            guard try body(start, UnsafeRawBufferPointer(rebasing: bytes[start..<stop])) else { return }
            start = end &+ 1
        }
    }

    /// Splits a line at `separator` into field ranges (reusing `fields`' storage).
    @inline(__always)
    static func split(_ line: UnsafeRawBufferPointer, separator: UInt8, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var start = 0
        while true {
            let end = find(separator, in: line, from: start, to: line.count)
            fields.append(start..<end)
            if end == line.count { return }
            start = end + 1
        }
    }

    /// The index of the first `byte` in `bytes[from..<to]`, or `to`: `memchr`, which looks at many
    /// bytes a step (the shipped ICD-10-CM files are 200k lines of codes and descriptions).
    @inline(__always)
    static func find(_ byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        guard from < to, let base = bytes.baseAddress, let hit = memchr(base + from, Int32(byte), to - from) else {
            return to
        }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// True when the line holds only blanks (spaces, tabs).
    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0
        var e = bytes.count
        while s < e && (bytes[s] == 0x20 || bytes[s] == 0x09) { s += 1 }
        while e > s && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[s..<e])
    }

    static func string(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: - CSV (RFC 4180: quoted cells may hold commas, doubled quotes and line ends)

    /// Calls `body` with each CSV record's cells and the line it starts on.
    func forEachCSVRecord(_ body: (Int, [String]) throws -> Void) throws {
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        let n = bytes.count
        var quoted = false
        var cellStarted = false
        while i < n {
            let c = bytes[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < n && bytes[i + 1] == 0x22 {
                        cell.append(0x22)
                        i += 2
                        continue
                    }
                    quoted = false
                    i += 1
                    // After the closing quote only a comma or the line end may follow.
                    if i < n && bytes[i] != 0x2C && bytes[i] != 0x0A && bytes[i] != 0x0D {
                        throw error("text after a closing quote", line: line, field: "column \(cells.count + 1)")
                    }
                    continue
                }
                if c == 0x0A { line += 1 }
                cell.append(c)
                i += 1
                continue
            }
            switch c {
            case 0x22 where !cellStarted:
                quoted = true
                cellStarted = true
            case 0x22:
                throw error("stray quote inside a cell", line: line, field: "column \(cells.count + 1)")
            case 0x2C:
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
                cellStarted = false
            case 0x0D where i + 1 < n && bytes[i + 1] == 0x0A:
                break
            case 0x0A:
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
                cellStarted = false
                try body(recordLine, cells)
                cells.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                cell.append(c)
                cellStarted = true
            }
            i += 1
        }
        if quoted { throw error("unterminated quoted cell", line: recordLine, field: "column \(cells.count + 1)") }
        if cellStarted || !cells.isEmpty {
            cells.append(String(decoding: cell, as: UTF8.self))
            try body(recordLine, cells)
        }
    }

    // MARK: - Values

    /// A code of letters and digits, packed; fails on anything else (a dot too: the table files
    /// write codes without one) or more than `maxLength` characters.
    func code(_ bytes: UnsafeRawBufferPointer, line: Int, field: String, maxLength: Int = PackedCode.maxLength) throws
        -> UInt64
    {
        let text = Self.trimmed(bytes)
        guard !text.isEmpty else { throw error("empty code", line: line, field: field) }
        guard text.count <= maxLength, let packed = PackedCode.pack(text, skippingDots: false), packed != 0,
            PackedCode.length(packed) <= maxLength
        else {
            throw error(
                "'\(Self.string(text).prefix(20))' is not a code of up to \(maxLength) letters and digits", line: line,
                field: field)
        }
        return packed
    }

    /// An ICD-10-CM code or category, packed: shaped as `DiagnosisCodeRule.hasICDShape` says (a
    /// code of another shape, `1` or `0000`, would stretch a range or sit in a list unmatched).
    func icd10cmCode(_ bytes: UnsafeRawBufferPointer, line: Int, field: String) throws -> UInt64 {
        let packed = try code(bytes, line: line, field: field, maxLength: 7)
        guard DiagnosisCodeRule.hasICDShape(packed) else {
            throw error(DiagnosisCodeRule.shapeProblem, line: line, field: field)
        }
        return packed
    }

    /// `code` when it is shaped like a CPT or HCPCS Level II code (`ProcedureCodeRule.form`): a
    /// table row naming `1104` or `9300O` could never meet a charge, and the real code's edit
    /// would be missing without a word.
    func procedureCode(_ code: UInt64, line: Int, field: String) throws -> UInt64 {
        guard ProcedureCodeRule.form(code) != .malformed else {
            throw error(
                "\(PackedCode.unpack(code)) is not a CPT or HCPCS Level II code (five characters)", line: line,
                field: field)
        }
        return code
    }

    func code(_ text: String, line: Int, field: String, maxLength: Int = PackedCode.maxLength) throws -> UInt64 {
        var text = text
        return try text.withUTF8 {
            try code(UnsafeRawBufferPointer($0), line: line, field: field, maxLength: maxLength)
        }
    }

    /// A date in YYYYMMDD (the CMS files) or YYYY-MM-DD / MM/DD/YYYY; nil when blank and `optional`.
    func date(_ bytes: UnsafeRawBufferPointer, line: Int, field: String, optional: Bool) throws -> Int32? {
        let text = Self.trimmed(bytes)
        if text.isEmpty {
            if optional { return nil }
            throw error("date missing", line: line, field: field)
        }
        let day = DayNumber.parse(text)
        guard DayNumber.isDate(day) else {
            throw error("'\(Self.string(text).prefix(20))' is not a date", line: line, field: field)
        }
        return day
    }

    func date(_ text: String, line: Int, field: String, optional: Bool) throws -> Int32? {
        var text = text
        return try text.withUTF8 { try date(UnsafeRawBufferPointer($0), line: line, field: field, optional: optional) }
    }
}
