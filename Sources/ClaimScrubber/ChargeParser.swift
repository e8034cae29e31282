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
    private let lineIdField: Int
    private let encounterField: Int

    init(layout: ExtractLayout, settings: RuleSettings) {
        self.layout = layout
        self.settings = settings
        columnOfField = layout.columns.map { $0?.index ?? -1 }
        fieldCount = layout.columns.count
        splitModifiers = layout.has(.modifiers)
        lineIdField = layout.index(of: .lineId) ?? -1
        encounterField = layout.index(of: .encounterId) ?? -1
    }

    private struct FieldSpan {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    private enum RecordProblem {
        case strayQuote(field: Int)
        case textAfterQuote(field: Int)
        case unterminatedQuote(field: Int)
    }

    func parse(_ chunk: Chunk, sink: inout FindingSink) -> ChargeBatch {
        let bytes = chunk.bytes
        let n = bytes.count
        var batch = ChargeBatch(chunk: chunk, layout: layout, capacity: n / 120 + 16)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return batch }
        let delimiter = layout.delimiter
        var fields: [FieldSpan] = []
        fields.reserveCapacity(fieldCount + 8)
        var position = 0
        var line = 0
        while position < n {
            fields.removeAll(keepingCapacity: true)
            let recordStart = position
            var i = position
            var problem: RecordProblem?
            var newlinesInRecord = 0
            var recordEnd = n
            var next = n
            // Scan fields until the end of the record.
            scan: while true {
                let fieldIndex = fields.count
                if i < n && base[i] == 0x22 {
                    var j = i + 1
                    var escaped = false
                    while true {
                        if j >= n {
                            problem = .unterminatedQuote(field: fieldIndex)
                            recordEnd = n
                            next = n
                            break scan
                        }
                        let c = base[j]
                        if c == 0x22 {
                            if j + 1 < n && base[j + 1] == 0x22 {
                                escaped = true
                                j += 2
                                continue
                            }
                            break
                        }
                        if c == 0x0A { newlinesInRecord += 1 }
                        j += 1
                    }
                    fields.append(FieldSpan(start: i + 1, end: j, escaped: escaped))
                    i = j + 1
                    if i >= n {
                        recordEnd = n
                        next = n
                        break scan
                    }
                    let c = base[i]
                    if c == delimiter {
                        i += 1
                        continue scan
                    }
                    if c == 0x0A || (c == 0x0D && i + 1 < n && base[i + 1] == 0x0A) || (c == 0x0D && i + 1 == n) {
                        recordEnd = i
                        next = c == 0x0A ? i + 1 : min(i + 2, n)
                        break scan
                    }
                    problem = .textAfterQuote(field: fieldIndex)
                    break scan
                } else {
                    var j = i
                    while j < n {
                        let c = base[j]
                        if c == delimiter || c == 0x0A || c == 0x22 { break }
                        j += 1
                    }
                    if j < n && base[j] == 0x22 {
                        problem = .strayQuote(field: fieldIndex)
                        break scan
                    }
                    var end = j
                    if j < n && base[j] == 0x0A {
                        if end > i && base[end - 1] == 0x0D { end -= 1 }
                        fields.append(FieldSpan(start: i, end: end, escaped: false))
                        recordEnd = end
                        next = j + 1
                        break scan
                    }
                    if j == n {
                        if end > i && base[end - 1] == 0x0D { end -= 1 }
                        fields.append(FieldSpan(start: i, end: end, escaped: false))
                        recordEnd = end
                        next = n
                        break scan
                    }
                    fields.append(FieldSpan(start: i, end: j, escaped: false))
                    i = j + 1
                }
            }
            if case .strayQuote = problem { (recordEnd, next, newlinesInRecord) = Self.parityEnd(base, from: recordStart, count: n) }
            if case .textAfterQuote = problem { (recordEnd, next, newlinesInRecord) = Self.parityEnd(base, from: recordStart, count: n) }
            if next == n && recordEnd == n && n > recordStart {
                // Last record of the file without a line end: drop a trailing CR from its content.
                if base[n - 1] == 0x0D, problem == nil { recordEnd = n - 1 }
            }
            let record = batch.count
            batch.appendRecord(start: recordStart, end: recordEnd, line: line)
            line += newlinesInRecord + (next > recordEnd && next <= n && base[next - 1] == 0x0A ? 1 : 0)
            position = next

            // An unparseable record still names its line and encounter in findings when those fields were read.
            for (k, f) in fields.enumerated() where k < fieldCount && (k == lineIdField || k == encounterField) && !f.escaped {
                batch.spans[record * ChargeBatch.columnCount + columnOfField[k]] = ChargeBatch.Span(
                    start: Int32(f.start), length: Int32(f.end - f.start))
            }
            if let problem {
                batch.unparsed[record] = true
                let message: String
                let field: Int
                switch problem {
                case .strayQuote(let f):
                    field = f
                    message = "quote inside an unquoted field"
                case .textAfterQuote(let f):
                    field = f
                    message = "text after the closing quote of a field"
                case .unterminatedQuote(let f):
                    field = f
                    message = "unterminated quote (the record runs to the end of the file)"
                }
                sink.add(.S01, record: record, field: fieldName(field), message: message)
                continue
            }
            if fields.count != fieldCount {
                batch.unparsed[record] = true
                sink.add(
                    .S01, record: record, field: "",
                    message: "expected \(fieldCount) fields, found \(fields.count)")
                continue
            }
            // Invalid UTF-8 anywhere in the record: find the field to name it.
            if !Self.isASCII(base + recordStart, recordEnd - recordStart) {
                var bad = -1
                for (k, f) in fields.enumerated()
                where !Self.isValidUTF8(UnsafeRawBufferPointer(start: base + f.start, count: f.end - f.start)) {
                    bad = k
                    break
                }
                if bad >= 0 {
                    batch.unparsed[record] = true
                    sink.add(.S01, record: record, field: fieldName(bad), message: "invalid UTF-8 bytes in field")
                    continue
                }
            }
            for (k, f) in fields.enumerated() {
                let column = columnOfField[k]
                if column < 0 { continue }
                var length = f.end - f.start
                if f.escaped {
                    // Unescape in place: the text only shrinks, and pass 2 copies records from a fresh
                    // read of the input, never from this chunk.
                    let storage = UnsafeMutablePointer(mutating: base)
                    var from = f.start
                    var to = f.start
                    while from < f.end {
                        storage[to] = base[from]
                        from += base[from] == 0x22 ? 2 : 1
                        to += 1
                    }
                    length = to - f.start
                }
                batch.spans[record &* ChargeBatch.columnCount &+ column] = ChargeBatch.Span(
                    start: Int32(f.start), length: Int32(length))
            }
        }
        decodeColumns(&batch, sink: &sink)
        return batch
    }

    private func fieldName(_ index: Int) -> String {
        index < layout.headerNames.count ? (layout.columns[index]?.rawValue ?? layout.headerNames[index]) : "field \(index + 1)"
    }

    /// End of a record found by quote parity from its start, as the chunk reader cuts.
    private static func parityEnd(_ base: UnsafePointer<UInt8>, from start: Int, count n: Int) -> (Int, Int, Int) {
        var inQuotes = false
        var newlines = 0
        var i = start
        while i < n {
            let c = base[i]
            if c == 0x22 {
                inQuotes.toggle()
            } else if c == 0x0A {
                if !inQuotes {
                    let end = i > start && base[i - 1] == 0x0D ? i - 1 : i
                    return (end, i + 1, newlines)
                }
                newlines += 1
            }
            i += 1
        }
        return (n, n, newlines)
    }

    @inline(__always)
    static func isASCII(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var acc: UInt8 = 0
        for i in 0..<count { acc |= p[i] }
        return acc < 0x80
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
