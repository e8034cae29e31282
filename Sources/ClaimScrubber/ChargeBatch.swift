/// The records of one chunk in columnar form: typed columns for the rules, spans into the chunk's
/// bytes for the text.
///
/// Columns are plain arrays indexed by record, so a rule runs down one column of integers at a time
/// (day numbers, packed codes, cents) without touching the text.
public struct ChargeBatch: @unchecked Sendable {
    /// Where a field's text lies: in the chunk (`length >= 0`) or, for quoted fields with doubled
    /// quotes, unescaped in `unescaped` (`length < 0`, length is `-length - 1`).
    public struct Span: Sendable, Equatable {
        public var start: Int32
        public var length: Int32
        public static let empty = Span(start: 0, length: 0)
    }

    public let chunk: Chunk
    public let layout: ExtractLayout
    public private(set) var count = 0

    /// Record start and end (line end excluded) offsets in the chunk; `lineEnd` includes the terminator.
    public var recordStart: [Int32] = []
    public var recordEnd: [Int32] = []
    public var recordNext: [Int32] = []
    /// Physical line of the record's first byte, relative to the chunk's first line (0-based).
    public var lineOffset: [Int32] = []
    /// True when the record could not be parsed (S01): no other rule looks at it.
    public var unparsed: [Bool] = []
    /// Text spans, `Column.allCases.count` per record.
    public var spans: [Span] = []
    var unescaped: [UInt8] = []

    public var serviceDay: [Int32] = []
    public var postDay: [Int32] = []
    public var birthDay: [Int32] = []
    /// `M`, `F`, `U` or 0 when missing or malformed.
    public var sex: [UInt8] = []
    /// Packed procedure code (0 when missing, `PackedCode.invalid` when not letters and digits).
    public var procedure: [UInt64] = []
    /// Up to four modifiers, 12 bits each (packed two characters), first modifier highest.
    public var modifiers: [UInt64] = []
    public var units: [Int32] = []
    public var amountCents: [Int64] = []
    /// Twelve packed diagnosis codes per record (0 empty, `PackedCode.invalid` malformed).
    public var diagnoses: [UInt64] = []
    /// NPIs as integers (0 missing, `PackedCode.invalid` malformed).
    public var renderingNPI: [UInt64] = []
    public var billingNPI: [UInt64] = []
    /// Place of service 0–99, 255 missing, 254 malformed.
    public var placeOfService: [UInt8] = []
    /// Payer per record as an index into `payers` (the distinct payer ids of the batch).
    public var payerIndex: [UInt16] = []
    public var payers: [String] = []

    static let columnCount = Column.allCases.count
    static let columnIndex: [Column: Int] = Dictionary(
        uniqueKeysWithValues: Column.allCases.enumerated().map { ($1, $0) })

    init(chunk: Chunk, layout: ExtractLayout, capacity: Int) {
        self.chunk = chunk
        self.layout = layout
        recordStart.reserveCapacity(capacity)
        recordEnd.reserveCapacity(capacity)
        recordNext.reserveCapacity(capacity)
        lineOffset.reserveCapacity(capacity)
        spans.reserveCapacity(capacity * Self.columnCount)
    }

    mutating func appendRecord(start: Int, end: Int, next: Int, line: Int) {
        recordStart.append(Int32(start))
        recordEnd.append(Int32(end))
        recordNext.append(Int32(next))
        lineOffset.append(Int32(line))
        unparsed.append(false)
        spans.append(contentsOf: repeatElement(.empty, count: Self.columnCount))
        count += 1
    }

    mutating func setUnescaped(_ bytes: [UInt8], record: Int, column: Int) {
        let start = unescaped.count
        unescaped.append(contentsOf: bytes)
        spans[record * Self.columnCount + column] = Span(start: Int32(start), length: -Int32(bytes.count) - 1)
    }

    @inline(__always)
    public func span(_ column: Column, _ record: Int) -> Span {
        spans[record * Self.columnCount + Self.columnIndex[column]!]
    }

    /// Calls `body` with the field's bytes (unquoted, unescaped).
    @inline(__always)
    public func withBytes<R>(_ column: Column, _ record: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withBytes(span(column, record), body)
    }

    @inline(__always)
    func withBytes<R>(_ span: Span, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if span.length >= 0 {
            return body(UnsafeRawBufferPointer(rebasing: chunk.bytes[Int(span.start)..<Int(span.start + span.length)]))
        }
        return unescaped.withUnsafeBytes {
            body(UnsafeRawBufferPointer(rebasing: $0[Int(span.start)..<Int(span.start) + Int(-span.length - 1)]))
        }
    }

    /// The field's text (for messages and findings; never call it for patient identity in logs).
    public func text(_ column: Column, _ record: Int) -> String {
        withBytes(column, record) { String(decoding: $0, as: UTF8.self) }
    }

    public func isEmpty(_ column: Column, _ record: Int) -> Bool {
        let s = span(column, record)
        return s.length == 0 || s.length == -1
    }

    /// The record's bytes without its line end.
    public func recordBytes(_ record: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: chunk.bytes[Int(recordStart[record])..<Int(recordEnd[record])])
    }

    /// The `index`-th diagnosis (0-based) of a record.
    @inline(__always)
    public func diagnosis(_ record: Int, _ index: Int) -> UInt64 { diagnoses[record &* 12 &+ index] }

    /// The `index`-th modifier (0-based) as 12 packed bits, 0 when absent.
    @inline(__always)
    public func modifier(_ record: Int, _ index: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: modifiers[record] >> UInt64(36 - 12 * index)) & 0xFFF
    }

    public func payer(_ record: Int) -> String { payers[Int(payerIndex[record])] }
}

extension PackedCode {
    /// Marks a field whose text is not a well-formed code.
    public static let invalid: UInt64 = .max
}
