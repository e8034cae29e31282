/// The records of one chunk in columnar form: typed columns for the rules, spans into the chunk's
/// bytes for the text.
///
/// Columns are plain arrays indexed by record, so a rule runs down one column of integers at a time
/// (day numbers, packed codes, cents) without touching the text.
public struct ChargeBatch: @unchecked Sendable {
    /// Where a field's text lies in the chunk (quotes removed and doubled quotes already unescaped
    /// in place by the parser).
    public struct Span: Sendable, Equatable {
        public var start: Int32
        public var length: Int32
        public static let empty = Span(start: 0, length: 0)
    }

    public let chunk: Chunk
    public let layout: ExtractLayout
    public private(set) var count = 0
    let base: UnsafePointer<UInt8>

    /// Record start and end (line end excluded) offsets in the chunk.
    public var recordStart: [Int32] = []
    public var recordEnd: [Int32] = []
    /// Physical line of the record's first byte, relative to the chunk's first line (0-based).
    public var lineOffset: [Int32] = []
    /// True when the record could not be parsed (S01): no other rule looks at it.
    public var unparsed: [Bool] = []
    /// Text spans, `Column.allCases.count` per record.
    public var spans: [Span] = []

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
    /// Payer per record as an index into `payers` (the distinct payer ids of the batch; 0 = none).
    public var payerIndex: [UInt16] = []
    public var payers: [String] = []
    /// Department number per record within the batch (0: empty, or an unparsed record) and the
    /// names by number: interned once here for the tallies and the encounter lines alike.
    public var departmentIndex: [UInt32] = []
    public var departments: [String] = [""]

    static let columnCount = Column.allCases.count

    init(chunk: Chunk, layout: ExtractLayout, capacity: Int) {
        self.chunk = chunk
        self.layout = layout
        base = chunk.bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: 1)!
        recordStart.reserveCapacity(capacity)
        recordEnd.reserveCapacity(capacity)
        lineOffset.reserveCapacity(capacity)
        unparsed.reserveCapacity(capacity)
        spans.reserveCapacity(capacity * Self.columnCount)
    }

    mutating func appendRecord(start: Int, end: Int, line: Int, spans row: UnsafePointer<Span>) {
        recordStart.append(Int32(start))
        recordEnd.append(Int32(end))
        lineOffset.append(Int32(line))
        unparsed.append(false)
        spans.append(contentsOf: UnsafeBufferPointer(start: row, count: Self.columnCount))
        count += 1
    }

    /// Takes a parsed chunk's records whole (the parser gathers them in its own buffers).
    mutating func adoptRecords(start: [Int32], end: [Int32], line: [Int32], unparsed: [Bool], spans: [Span]) {
        recordStart = start
        recordEnd = end
        lineOffset = line
        self.unparsed = unparsed
        self.spans = spans
        count = start.count
    }

    @inline(__always)
    public func span(_ column: Column, _ record: Int) -> Span {
        spans[record &* Self.columnCount &+ column.index]
    }

    /// The field's bytes (unquoted, unescaped); empty when the column is absent.
    @inline(__always)
    public func bytes(_ column: Column, _ record: Int) -> UnsafeRawBufferPointer {
        let s = span(column, record)
        return UnsafeRawBufferPointer(start: base + Int(s.start), count: Int(s.length))
    }

    /// Calls `body` with the field's bytes (unquoted, unescaped).
    @inline(__always)
    public func withBytes<R>(_ column: Column, _ record: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(bytes(column, record))
    }

    /// The field's text (for messages and findings; never for patient identity in logs).
    public func text(_ column: Column, _ record: Int) -> String {
        String(decoding: bytes(column, record), as: UTF8.self)
    }

    @inline(__always)
    public func isEmpty(_ column: Column, _ record: Int) -> Bool { span(column, record).length == 0 }

    /// The record's bytes without its line end (as parsed: quoted fields are unescaped in place).
    public func recordBytes(_ record: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + Int(recordStart[record]), count: Int(recordEnd[record] - recordStart[record]))
    }

    /// The `index`-th diagnosis (0-based) of a record.
    @inline(__always)
    public func diagnosis(_ record: Int, _ index: Int) -> UInt64 { diagnoses[record &* 12 &+ index] }

    /// The `index`-th modifier (0-based) as 12 packed bits, 0 when absent.
    @inline(__always)
    /// Set in `modifiers` above the four 12-bit slots when a line names a fifth modifier.
    static let moreThanFourModifiers: UInt64 = 1 << 48

    public func modifier(_ record: Int, _ index: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: modifiers[record] >> UInt64(36 - 12 * index)) & 0xFFF
    }

    public func payer(_ record: Int) -> String { payers[Int(payerIndex[record])] }
}

extension PackedCode {
    /// Marks a field whose text is not a well-formed code.
    public static let invalid: UInt64 = .max
}
