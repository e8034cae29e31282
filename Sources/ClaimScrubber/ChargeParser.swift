#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses a chunk of delimited records into a `ChargeBatch`, raising S01–S03 on the way.
///
/// Records end at a newline outside quotes (the same rule the chunk reader cuts by). Fields follow
/// RFC 4180: a field that starts with a quote runs to the matching quote, `""` inside stands for
/// one quote, and delimiters and newlines inside are data. A quote anywhere else, or text after a
/// closing quote, makes the record unparseable (S01); its end is then found by quote parity, as the
/// chunk reader found it, so both agree on where every record ends.
struct ChargeParser {
    let layout: ExtractLayout
    let settings: RuleSettings
    /// Canonical column index per header position (-1: not mapped).
    private let columnOfField: [Int]
    private let fieldCount: Int
    let splitModifiers: Bool
    /// A line with a revenue code needs no procedure code (no S02 for its absence): an 837I's
    /// SV202 is situational, and accommodation lines (room and board, revenue codes 01xx) have
    /// none. Claim files only; an extract's `procedure_code` is required on every line (DOMAIN).
    let revenueCodeStandsForProcedure: Bool

    init(layout: ExtractLayout, settings: RuleSettings, revenueCodeStandsForProcedure: Bool = false) {
        self.layout = layout
        self.settings = settings
        self.revenueCodeStandsForProcedure = revenueCodeStandsForProcedure
        columnOfField = layout.columns.map { $0?.index ?? -1 }
        fieldCount = layout.columns.count
        splitModifiers = layout.has(.modifiers)
        var header = layout.headerBytes[...]
        if header.starts(with: [0xEF, 0xBB, 0xBF]) { header = header.dropFirst(3) }
        while let last = header.last, last == 0x0A || last == 0x0D { header = header.dropLast() }
        headerLine = Array(header)
    }

    /// The header line's text without its byte order mark and line end: a record equal to it is
    /// the header again (S01), not a charge.
    private let headerLine: [UInt8]

    private enum RecordProblem {
        case textAfterQuote(field: Int)
        case unterminatedQuote(field: Int)
    }

    func parse(_ chunk: Chunk, sink: inout FindingSink) -> ChargeBatch {
        let n = chunk.bytes.count
        var batch = ChargeBatch(chunk: chunk, layout: layout)
        guard n > 0, let raw = chunk.bytes.baseAddress else { return batch }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let storage = UnsafeMutablePointer(mutating: base)
        let delimiter = layout.delimiter
        let structure = StructuralIndex(base, count: n, delimiter: delimiter)
        defer { structure.deallocate() }
        let columnCount = ChargeBatch.columnCount
        let headerLength = headerLine.count
        // The record being parsed: its spans by canonical column, appended to the batch whole. One
        // slot past the columns takes the fields no column is mapped to, so every field is a store.
        let row = UnsafeMutablePointer<ChargeBatch.Span>.allocate(capacity: columnCount + 1)
        defer { row.deallocate() }
        let fieldCount = self.fieldCount
        // Slot per header position, and one more for every field past the header's count.
        let target = UnsafeMutablePointer<Int>.allocate(capacity: fieldCount + 1)
        defer { target.deallocate() }
        for k in 0..<fieldCount { target[k] = columnOfField[k] >= 0 ? columnOfField[k] : columnCount }
        target[fieldCount] = columnCount
        @inline(__always) func slot(_ field: Int) -> Int { target[min(field, fieldCount)] }

        // Spans are set field by field: a column the layout lacks stays empty from here on, and a
        // record that stops short empties the columns it did not reach (below), so the row needs
        // no clearing per record.
        row.update(repeating: .empty, count: columnCount + 1)
        // The batch's per-record columns, appended here without the arrays' uniqueness and capacity
        // checks on every record, and handed to the batch once at the end.
        let estimate = n / 120 + 16
        var starts = RecordBuffer<Int32>(capacity: estimate)
        var ends = RecordBuffer<Int32>(capacity: estimate)
        var lines = RecordBuffer<Int32>(capacity: estimate)
        var unparsed = RecordBuffer<Bool>(capacity: estimate)
        var spans = RecordBuffer<ChargeBatch.Span>(capacity: estimate * columnCount)
        var cursor = structure.cursor()
        // Quoted fields of the record with doubled quotes, unescaped once the record is whole.
        var pendingUnescapes: [(open: Int, close: Int)] = []
        var blanks: [Int32] = []
        var position = 0
        var line = 0
        while position < n {
            let recordStart = position
            var fieldStart = position
            var field = 0
            var problem: RecordProblem?
            var newlinesInRecord = 0
            var recordEnd = n
            var next = n
            // Each structural byte in turn: a delimiter ends a field, a newline the record, and a
            // quote at a field's first byte opens it (then the field runs to its closing quote). The
            // rule of `ChunkReader` and `cscan_records`, which cut chunks and records for pass 2.
            scan: while true {
                let p = cursor.next()
                if p >= n || base[p] == 0x0A {
                    // End of the record: a newline (after an optional CR), or the end of the chunk.
                    var end = p
                    if end > fieldStart && base[end &- 1] == 0x0D { end &-= 1 }
                    row[slot(field)] = ChargeBatch.Span(
                        start: Int32(truncatingIfNeeded: fieldStart),
                        length: Self.unquotedLength(base, fieldStart, end &- fieldStart))
                    field &+= 1
                    recordEnd = end
                    next = p < n ? p &+ 1 : n
                    break scan
                }
                let c = base[p]
                if c == delimiter {
                    row[slot(field)] = ChargeBatch.Span(
                        start: Int32(truncatingIfNeeded: fieldStart),
                        length: Self.unquotedLength(base, fieldStart, p &- fieldStart))
                    field &+= 1
                    fieldStart = p &+ 1
                    continue scan
                }
                // A quote after a field's first byte is a byte of the field (`GAUZE 4" X 4"`), as
                // spreadsheet and database CSV readers take it.
                guard p == fieldStart else { continue scan }
                // Quoted field: to the closing quote; "" stands for one quote.
                var j = p
                var pairs = 0
                while true {
                    j = cursor.next()
                    if j >= n {
                        problem = .unterminatedQuote(field: field)
                        break scan
                    }
                    let q = base[j]
                    if q == 0x22 {
                        if j &+ 1 < n && base[j &+ 1] == 0x22 {
                            pairs &+= 1
                            _ = cursor.next()  // the second quote of the pair
                            continue
                        }
                        break
                    }
                    if q == 0x0A { newlinesInRecord &+= 1 }
                }
                var length = j &- p &- 1
                if pairs > 0 {
                    // Unescaped in place when the record is done and well formed (the text only
                    // shrinks, and pass 2 copies records from a fresh read of the input); a record
                    // held as malformed keeps the file's text.
                    length &-= pairs
                    pendingUnescapes.append((p, j))
                }
                row[slot(field)] = ChargeBatch.Span(
                    start: Int32(truncatingIfNeeded: p &+ 1), length: Int32(truncatingIfNeeded: length))
                field &+= 1
                let after = j &+ 1
                if after >= n {
                    recordEnd = n
                    break scan
                }
                let c2 = base[after]
                if c2 == delimiter {
                    _ = cursor.next()  // that delimiter
                    fieldStart = after &+ 1
                    continue scan
                }
                if c2 == 0x0A || (c2 == 0x0D && (after &+ 1 == n || base[after &+ 1] == 0x0A)) {
                    recordEnd = after
                    next = min(c2 == 0x0A ? after &+ 1 : after &+ 2, n)
                    cursor.seek(next)
                    break scan
                }
                // Text after the closing quote: the record is held (S01), and read on to its end by
                // the same rule, the rest of the field passed over (a quote in it is text).
                if problem == nil { problem = .textAfterQuote(field: field &- 1) }
                while true {
                    let q = cursor.next()
                    if q >= n || base[q] == 0x0A {
                        var end = q
                        if end > recordStart && base[end &- 1] == 0x0D { end &-= 1 }
                        recordEnd = end
                        next = q < n ? q &+ 1 : n
                        break scan
                    }
                    if base[q] == delimiter {
                        fieldStart = q &+ 1
                        continue scan
                    }
                }
            }
            var reached = field
            if case .unterminatedQuote(let f) = problem {
                (recordEnd, next) = (n, n)
                reached = f
                cursor.seek(next)
            }
            // Checked before the unescaping below, which leaves the bytes past a shortened field's
            // new end as they were: after `"4"" café"` one byte of the é's two stayed there, and the
            // line was held as not UTF-8.
            var notUTF8Field: Int?
            if problem == nil && field == fieldCount && recordEnd > structure.asciiPrefix
                && !Self.isASCII(base + recordStart, recordEnd - recordStart)
            {
                notUTF8Field = Self.fieldWithInvalidUTF8(
                    base + recordStart, recordEnd - recordStart, delimiter: delimiter)
            }
            if !pendingUnescapes.isEmpty {
                if problem == nil {
                    for (open, close) in pendingUnescapes {
                        var from = open &+ 1
                        var to = open &+ 1
                        while from < close {
                            storage[to] = base[from]
                            from &+= base[from] == 0x22 ? 2 : 1
                            to &+= 1
                        }
                    }
                }
                pendingUnescapes.removeAll(keepingCapacity: true)
            }
            if reached < fieldCount {
                for f in reached..<fieldCount { row[target[f]] = .empty }
            }
            let record = starts.count
            starts.append(Int32(truncatingIfNeeded: recordStart))
            ends.append(Int32(truncatingIfNeeded: recordEnd))
            lines.append(Int32(truncatingIfNeeded: line))
            unparsed.append(problem != nil)
            spans.append(row, count: columnCount)
            line += newlinesInRecord + (next > recordEnd && base[next - 1] == 0x0A ? 1 : 0)
            position = next

            // A blank line, a row of delimiters only (a spreadsheet's formatted empty rows) or a
            // DOS end-of-file mark (Ctrl-Z): no charge and nothing wrong, so no rule reads it and it
            // passes as it came. A trailing blank line held as S01 failed the gate on a clean extract.
            let length = recordEnd &- recordStart
            if problem == nil
                && (length == 0 || (field == fieldCount && length == fieldCount &- 1)
                    || (length == 1 && base[recordStart] == 0x1A))
            {
                unparsed[record] = true
                blanks.append(Int32(truncatingIfNeeded: record))
                continue
            }
            // The header line again: two exports joined with `cat`, or a report's page header.
            // Read as a charge it was eight findings and a department named "department".
            // (With its byte order mark too: each of two Excel "CSV UTF-8" exports starts with one.)
            if (length == headerLength || length == headerLength + 3) && problem == nil && field == fieldCount
                && isHeaderLine(base + recordStart, length)
            {
                unparsed[record] = true
                sink.add(
                    .S01, record: record, field: "",
                    message: "the header line again, not a charge (files joined with their headers?)")
                continue
            }
            if let problem {
                switch problem {
                case .textAfterQuote(let f):
                    sink.add(
                        .S01, record: record, field: fieldName(f),
                        message: "text after the closing quote of a field" + Self.spanNote(newlinesInRecord))
                case .unterminatedQuote(let f):
                    // Run to the end of the file, its lines end with the file's last line end.
                    let lines = newlinesInRecord + (base[n - 1] == 0x0A ? 0 : 1)
                    sink.add(
                        .S01, record: record, field: fieldName(f),
                        message: "unterminated quote (the record runs to the end of the file"
                            + (lines > 1 ? ", \(lines) lines\(Self.openQuoteNote))" : ")"))
                }
                continue
            }
            if field != fieldCount {
                unparsed[record] = true
                sink.add(
                    .S01, record: record, field: "",
                    message: "expected \(fieldCount) fields, found \(field)" + Self.spanNote(newlinesInRecord))
                continue
            }
            if let bad = notUTF8Field {
                unparsed[record] = true
                sink.add(.S01, record: record, field: fieldName(bad), message: Self.notUTF8Message)
            }
        }
        batch.adoptRecords(
            count: starts.count, start: starts.take(), end: ends.take(), line: lines.take(), unparsed: unparsed.take(),
            spans: spans.take())
        batch.blankRecords = blanks
        decodeColumns(&batch, sink: &sink)
        return batch
    }

    static let notUTF8Message = "invalid UTF-8 bytes in field"

    /// The end of an S01 message on a held record that runs over several lines; the run counts
    /// them and warns once.
    static let openQuoteNote = ": a quote left open?"

    /// What an S01 message on a held record adds when the record runs over several lines: a quote
    /// left open takes the lines after it into its record (to the next quote, or the end of the
    /// file), and the summary counts them as one line.
    @inline(never)
    static func spanNote(_ newlinesInRecord: Int) -> String {
        newlinesInRecord > 0 ? " (\(newlinesInRecord + 1) lines\(openQuoteNote))" : ""
    }

    /// Whether the record's `length` bytes at `p` are the header line's, after a byte order mark
    /// when they are three longer.
    @inline(never)
    private func isHeaderLine(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var p = p
        if length == headerLine.count + 3 {
            guard p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF else { return false }
            p += 3
        }
        return headerLine.withUnsafeBytes { memcmp(p, $0.baseAddress!, $0.count) == 0 }
    }

    /// The length of an unquoted field, 0 for SQL's `NULL` (SQL Server Management Studio writes a
    /// NULL column so when saving results as CSV): a missing modifier or diagnosis written `NULL`
    /// was C07 or C04 on every line. Quoted, `"NULL"` is text.
    @inline(__always)
    static func unquotedLength(_ base: UnsafePointer<UInt8>, _ start: Int, _ length: Int) -> Int32 {
        // `NULL` as a little-endian word: N 0x4E, U 0x55, L 0x4C, L 0x4C.
        if length == 4 && UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self) == 0x4C4C_554E { return 0 }
        return Int32(truncatingIfNeeded: length)
    }

    /// Slow path for a record with non-ASCII bytes: the index of the first field that is not
    /// valid UTF-8, or nil.
    private static func fieldWithInvalidUTF8(_ p: UnsafePointer<UInt8>, _ count: Int, delimiter: UInt8) -> Int? {
        var field = 0
        var start = 0
        var inQuotes = false
        for i in 0...count {
            if i < count && p[i] == 0x22 { inQuotes.toggle() }
            if i == count || (p[i] == delimiter && !inQuotes) {
                if !isValidUTF8(UnsafeRawBufferPointer(start: p + start, count: i - start)) { return field }
                field += 1
                start = i + 1
            }
        }
        return nil
    }

    private func fieldName(_ index: Int) -> String {
        index < layout.headerNames.count
            ? (layout.columns[index]?.rawValue ?? layout.headerNames[index]) : "field \(index + 1)"
    }

    @inline(__always)
    static func isASCII(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var acc: UInt64 = 0
        var i = 0
        while i + 8 <= count {
            acc |= UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < count {
            acc |= UInt64(p[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var minimum: UInt32
            var value: UInt32
            switch c {
            case 0xC2...0xDF: need = 1; value = UInt32(c & 0x1F); minimum = 0x80
            case 0xE0...0xEF: need = 2; value = UInt32(c & 0x0F); minimum = 0x800
            case 0xF0...0xF4: need = 3; value = UInt32(c & 0x07); minimum = 0x10000
            default: return false
            }
            guard i + need < n else { return false }
            for k in 1...need {
                let d = bytes[i + k]
                guard d & 0xC0 == 0x80 else { return false }
                value = value << 6 | UInt32(d & 0x3F)
            }
            if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return false }
            i += need + 1
        }
        return true
    }
}

/// An append-only column of one chunk's records: appends check capacity only, and the buffer goes
/// to the batch at the end, as it is. Plain values only (no references): the buffer is freed
/// without deinitializing.
struct RecordBuffer<T> {
    private var base: UnsafeMutablePointer<T>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: T) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: value)
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ values: UnsafePointer<T>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(from: values, count: n)
        count &+= n
    }

    subscript(_ i: Int) -> T {
        get { base[i] }
        set { base[i] = newValue }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<T>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    /// The buffer, `count` values, to be owned by the caller (`ChargeBatch.adoptRecords`); call it
    /// once, last.
    func take() -> UnsafeMutablePointer<T> { base }
}
