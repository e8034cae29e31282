import Synchronization

/// The records of one chunk in columnar form: typed columns for the rules, spans into the chunk's
/// bytes for the text.
///
/// Columns are indexed by record, so a rule runs down one column of integers at a time (day numbers,
/// packed codes, cents) without touching the text.
public struct ChargeBatch: @unchecked Sendable {
    /// Where a field's text lies in the chunk (quotes removed and doubled quotes already unescaped
    /// in place by the parser).
    public struct Span: Sendable, Equatable, BitwiseCopyable {
        public var start: Int32
        public var length: Int32
        public static let empty = Span(start: 0, length: 0)
    }

    public let chunk: Chunk
    public let layout: ExtractLayout
    public private(set) var count = 0
    let base: UnsafePointer<UInt8>
    /// The memory behind the columns below, shared by every copy of the batch.
    let storage = BatchStorage()

    /// Record start and end (line end excluded) offsets in the chunk.
    public private(set) var recordStart = BatchColumn<Int32>()
    public private(set) var recordEnd = BatchColumn<Int32>()
    /// Physical line of the record's first byte, relative to the chunk's first line (0-based).
    public private(set) var lineOffset = BatchColumn<Int32>()
    /// True when the record could not be parsed (S01): no other rule looks at it.
    public private(set) var unparsed = BatchColumn<Bool>()
    /// The blank records (an empty line, delimiters only, Ctrl-Z), ascending: unparsed with no
    /// finding, passed to clean and counted in `lines_in`, but no department's, payer's or week's
    /// line. Usually none.
    public internal(set) var blankRecords: [Int32] = []
    /// Text spans, `Column.allCases.count` per record.
    public private(set) var spans = BatchColumn<Span>()

    public internal(set) var serviceDay = BatchColumn<Int32>()
    public internal(set) var postDay = BatchColumn<Int32>()
    public internal(set) var birthDay = BatchColumn<Int32>()
    /// `M`, `F`, `U` or 0 when missing or malformed.
    public internal(set) var sex = BatchColumn<UInt8>()
    /// Packed procedure code (0 when missing, `PackedCode.invalid` when not letters and digits).
    public internal(set) var procedure = BatchColumn<UInt64>()
    /// Up to four modifiers, 12 bits each (packed two characters), first modifier highest.
    public internal(set) var modifiers = BatchColumn<UInt64>()
    public internal(set) var units = BatchColumn<Int32>()
    public internal(set) var amountCents = BatchColumn<Int64>()
    /// Twelve packed diagnosis codes per record (0 empty, `PackedCode.invalid` malformed).
    public internal(set) var diagnoses = BatchColumn<UInt64>()
    /// NPIs as integers (0 missing, `PackedCode.invalid` malformed).
    public internal(set) var renderingNPI = BatchColumn<UInt64>()
    public internal(set) var billingNPI = BatchColumn<UInt64>()
    /// Place of service 0–99, 255 missing, 254 malformed.
    public internal(set) var placeOfService = BatchColumn<UInt8>()
    /// Payer per record as an index into `payers` (the distinct payer ids of the batch; 0 = none).
    public internal(set) var payerIndex = BatchColumn<UInt16>()
    public var payers: [String] = []
    /// Department number per record within the batch (0: empty, or an unparsed record) and the
    /// names by number: interned once here for the tallies and the encounter lines alike.
    public internal(set) var departmentIndex = BatchColumn<UInt32>()
    public var departments: [String] = [""]

    static let columnCount = Column.allCases.count

    init(chunk: Chunk, layout: ExtractLayout) {
        self.chunk = chunk
        self.layout = layout
        base =
            chunk.bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: 1)!
    }

    /// Takes a parsed chunk's records whole: the buffers (allocated by the caller, `count` records
    /// each and `columnCount` spans per record) become the batch's, and are freed with it.
    mutating func adoptRecords(
        count: Int, start: UnsafeMutablePointer<Int32>, end: UnsafeMutablePointer<Int32>,
        line: UnsafeMutablePointer<Int32>, unparsed: UnsafeMutablePointer<Bool>, spans: UnsafeMutablePointer<Span>
    ) {
        recordStart = storage.adopt(start, count: count)
        recordEnd = storage.adopt(end, count: count)
        lineOffset = storage.adopt(line, count: count)
        self.unparsed = storage.adopt(unparsed, count: count)
        self.spans = storage.adopt(spans, count: count * Self.columnCount)
        self.count = count
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

    /// Whether the field is empty once trimmed as the parser trims (spaces only): a fixed-width
    /// export's `CHAR(4)` writes an absent revenue code as four spaces, which is no revenue code.
    public func isBlank(_ column: Column, _ record: Int) -> Bool {
        isEmpty(column, record) || ChargeParser.trimmed(bytes(column, record)).isEmpty
    }

    /// The record's bytes without its line end (as parsed: quoted fields are unescaped in place).
    public func recordBytes(_ record: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: base + Int(recordStart[record]), count: Int(recordEnd[record] - recordStart[record]))
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

/// One column of a `ChargeBatch`, indexed by record: a read-only view of memory the batch owns.
///
/// Not an array: the parser fills each column in place, and an array could only be made from such
/// memory by copying it (every column of every chunk, a few hundred bytes a record).
public struct BatchColumn<Element: BitwiseCopyable>: RandomAccessCollection {
    private let buffer: UnsafeBufferPointer<Element>

    init() { buffer = UnsafeBufferPointer(start: nil, count: 0) }

    fileprivate init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }

    @inline(__always)
    public subscript(_ i: Int) -> Element { buffer[i] }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(buffer)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(buffer))
    }
}

extension BatchColumn: Equatable where Element: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.elementsEqual(b) }
}

/// Owns the memory behind a batch's columns and frees it with the last copy of the batch.
///
/// Columns are written once, while the batch is built on one thread, and only read after that.
final class BatchStorage {
    private var allocations: [UnsafeMutableRawPointer] = []
    /// The batch's `diagnosisList`, built by the first rule that asks. Behind a lock because a batch
    /// is `Sendable` and the build happens after the columns are written; three rules ask per batch,
    /// so the lock costs nothing worth a cleverer scheme.
    private let diagnosisList = Mutex<BatchDiagnoses?>(nil)

    /// A column of the `count` values at `values`, which the storage now owns (allocated with
    /// `UnsafeMutablePointer.allocate`).
    func adopt<T: BitwiseCopyable>(_ values: UnsafeMutablePointer<T>, count: Int) -> BatchColumn<T> {
        allocations.append(UnsafeMutableRawPointer(values))
        return BatchColumn(UnsafeBufferPointer(start: values, count: count))
    }

    /// The diagnosis list of `batch` (whose columns this storage holds), built on the first call.
    func diagnoses(of batch: ChargeBatch) -> BatchDiagnoses {
        diagnosisList.withLock { list in
            if let list { return list }
            let built = BatchDiagnoses(batch)
            list = built
            return built
        }
    }

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }
}

extension PackedCode {
    /// Marks a field whose text is not a well-formed code.
    public static let invalid: UInt64 = .max
}
