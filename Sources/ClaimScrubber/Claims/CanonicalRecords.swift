/// Charge lines of claim files in `ChargeBatch`'s own layout: each field's bytes, unquoted, end to
/// end in one buffer, with a span per canonical column, so the parser's decoder and every existing
/// rule read them unchanged.
///
/// Readers write a line's fields in `columns` order (`field`, `diagnosisFields`, `endRecord`);
/// `take()` hands the lines so far to a worker, which decodes them (`ChargeParser.decode`).
///
/// The lines used to be written as CSV text and parsed again by `ChargeParser.parse`: quoting
/// fields, re-scanning the text for separators and copying it into a chunk took about a third of
/// the X12 path's CPU, and the text, its chunk copy and the batch's spans were all in memory at
/// once. Filling the typed columns directly was rejected (the decoding of dates, codes, NPIs and
/// S02/S03 would be duplicated, and two decoders drift apart): only the spans are built here, and
/// `decodeColumns` does the rest for extracts and claim files alike.
final class CanonicalRecords {
    static let columns: [Column] = [
        .lineId, .encounterId, .patientId, .patientDob, .patientSex, .serviceDate, .postDate, .department,
        .renderingNpi,
        .billingNpi, .placeOfService, .procedureCode, .modifier1, .modifier2, .modifier3, .modifier4, .units,
        .chargeAmount, .dx1, .dx2, .dx3, .dx4, .dx5, .dx6, .dx7, .dx8, .dx9, .dx10, .dx11, .dx12, .revenueCode,
        .ndc, .payerId, .billType,
        // Modifiers past the fourth (HL7 FT1-26 repeats without limit): the parser flags a fifth (C07).
        .modifiers,
    ]

    static let header: [UInt8] = Array((columns.map(\.rawValue).joined(separator: ",") + "\n").utf8)

    /// The layout the decoder reads the lines by (which columns there are, their names).
    static let layout: ExtractLayout = {
        // The header is built from canonical names, so it always parses.
        try! ExtractLayout(header: header, file: "<claims>")
    }()

    /// `Column.index` of each field, in `columns` order.
    static let columnIndex: [Int] = columns.map(\.index)
    /// The field of `dx1`; the twelve diagnosis fields follow it.
    static let firstDiagnosisField = columns.firstIndex(of: .dx1)!

    // Every `var` here is only touched by the reader that owns the records (one thread); the
    // dynamic exclusivity checks were a tenth of the X12 path's pass 1.
    /// Field bytes of the lines since the last `take()`; `used` of them written.
    @exclusivity(unchecked) private var storage: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var used = 0
    /// `ChargeBatch.columnCount` spans per ended line.
    @exclusivity(unchecked) private var spans: [ChargeBatch.Span] = []
    /// The open line's spans (empty again when it ends).
    private let row: UnsafeMutablePointer<ChargeBatch.Span>
    /// `columnIndex`, read per field without the static's lazy-initialization check.
    private let fieldColumn = CanonicalRecords.columnIndex
    /// Where each line's bytes end (they start where the line before ends).
    @exclusivity(unchecked) private var ends: [Int32] = []
    /// Fields of the open line written so far.
    @exclusivity(unchecked) private var fieldsInRecord = 0
    /// The open line's diagnoses when it has more than twelve (rare: kept as arrays).
    @exclusivity(unchecked) private var overflow: [[UInt8]] = []
    /// Diagnosis records (see `DiagnosisRecords`) of the lines so far: their own lines, made on
    /// the first line with more than twelve diagnoses.
    @exclusivity(unchecked) private var diagnosisLines: CanonicalRecords?
    @exclusivity(unchecked) private var diagnosisOwners: [Int32] = []
    @exclusivity(unchecked) private var diagnosisSlots: [Int16] = []
    /// The open line's claim diagnoses checked for validity only (`validityDiagnoses`).
    @exclusivity(unchecked) private var validityOnly: [(kind: Int16, code: [UInt8])] = []

    init(capacity: Int = 1 << 20) {
        storage = .allocate(byteCount: max(capacity, 64), alignment: 64)
        row = .allocate(capacity: ChargeBatch.columnCount)
        row.initialize(repeating: .empty, count: ChargeBatch.columnCount)
    }

    deinit {
        storage.deallocate()
        row.deallocate()
    }

    /// Lines ended since the last `take()`.
    var recordCount: Int { ends.count }

    /// The lines and diagnosis records so far; both start empty again.
    func take() -> (records: ChargeLines, diagnoses: DiagnosisRecords) {
        // The buffer goes to the lines as it is (no copy); the next one starts at the size this
        // one reached, so a reader of many batches grows it once.
        let bytes = Chunk(
            storage: storage, count: used, file: 0, sequence: 0, firstLine: 2, newlineCount: ends.count, byteOffset: 0,
            isLastOfFile: false)
        let records = ChargeLines(bytes: bytes, spans: spans, ends: ends)
        storage = .allocate(byteCount: max(used + used / 8, 1 << 16), alignment: 64)
        used = 0
        spans = []
        spans.reserveCapacity(records.spans.count)
        ends = []
        ends.reserveCapacity(records.count)
        var diagnoses = DiagnosisRecords()
        if let diagnosisLines, diagnosisLines.recordCount > 0 {
            diagnoses = DiagnosisRecords(
                records: diagnosisLines.take().records, owners: diagnosisOwners, slots: diagnosisSlots)
            diagnosisOwners = []
            diagnosisSlots = []
        }
        return (records, diagnoses)
    }

    /// Sets the open line's next field, in `columns` order (readers that have every field of a
    /// line at hand when it ends).
    func field(_ value: UnsafeRawBufferPointer) {
        let k = fieldsInRecord
        precondition(k < Self.columns.count, "a charge line has \(Self.columns.count) fields")
        fieldsInRecord = k + 1
        write(value, at: fieldColumn[k])
    }

    func field(_ value: [UInt8]) { value.withUnsafeBytes { field($0) } }

    func field(_ value: ArraySlice<UInt8>) { value.withUnsafeBytes { field($0) } }

    func emptyField() { field(UnsafeRawBufferPointer(start: nil, count: 0)) }

    /// Sets the open line's `column` (readers that meet a line's fields segment by segment: the
    /// value goes from the segment to the line with no copy in between). A later value of the
    /// same column replaces it; a column never set is empty.
    func set(_ column: Column, _ value: UnsafeRawBufferPointer) { write(value, at: column.index) }

    func set(_ column: Column, _ value: [UInt8]) { value.withUnsafeBytes { write($0, at: column.index) } }

    /// Sets `column` to `head`, `separator` and `tail` run together (a line id CLM01:LX01).
    func set(_ column: Column, _ head: [UInt8], _ separator: UInt8, _ tail: [UInt8]) {
        head.withUnsafeBytes { head in tail.withUnsafeBytes { tail in set(column, head, separator, tail) } }
    }

    func set(_ column: Column, _ head: UnsafeRawBufferPointer, _ separator: UInt8, _ tail: UnsafeRawBufferPointer) {
        let start = used
        let n = head.count + 1 + tail.count
        if used + n > storage.count { grow(to: used + n) }
        if !head.isEmpty { (storage.baseAddress! + used).copyMemory(from: head.baseAddress!, byteCount: head.count) }
        storage[used + head.count] = separator
        if !tail.isEmpty {
            (storage.baseAddress! + used + head.count + 1).copyMemory(from: tail.baseAddress!, byteCount: tail.count)
        }
        used += n
        row[column.index] = ChargeBatch.Span(
            start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: n))
    }

    /// Empties the open line's `column`.
    func clear(_ column: Column) { row[column.index] = .empty }

    /// The open line's `column`, valid until the next write.
    func value(_ column: Column) -> UnsafeRawBufferPointer {
        let span = row[column.index]
        return UnsafeRawBufferPointer(start: storage.baseAddress! + Int(span.start), count: Int(span.length))
    }

    func isEmpty(_ column: Column) -> Bool { row[column.index].length == 0 }

    /// Appends `value` and points span `index` of the open line at it.
    ///
    /// The line's bytes are all those written since the line before ended, a value replaced by a
    /// later one included: the decoder's UTF-8 check looks at the whole line first, and at each
    /// field's span only when the line is not all ASCII.
    @inline(__always)
    private func write(_ value: UnsafeRawBufferPointer, at index: Int) {
        let n = value.count
        if used + n > storage.count { grow(to: used + n) }
        if n > 0 { (storage.baseAddress! + used).copyMemory(from: value.baseAddress!, byteCount: n) }
        row[index] = ChargeBatch.Span(start: Int32(truncatingIfNeeded: used), length: Int32(truncatingIfNeeded: n))
        used += n
    }

    private func grow(to needed: Int) {
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: max(needed, storage.count * 2), alignment: 64)
        if used > 0 { grown.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: used) }
        storage.deallocate()
        storage = grown
    }

    /// Writes the twelve `dx` fields of the line from `count` diagnoses (`code(i)`, in claim order,
    /// the primary first).
    ///
    /// The charge line carries twelve diagnosis slots (DOMAIN.md's `dx1`…`dx12`, what every line
    /// rule reads). An 837I claim may carry more, and all of them apply to each line: the first
    /// twelve go in the line, and the line also gets diagnosis records (written when it ends)
    /// so that every diagnosis reaches C04/C05/M01/M02 and every pair reaches M04. Widening the
    /// line model to 25 slots was rejected: it would grow every batch of every extract for a case
    /// only 837I claims have.
    func diagnosisFields(count: Int, code: (Int) -> [UInt8]) {
        precondition(fieldsInRecord == Self.firstDiagnosisField, "the diagnosis fields come after charge_amount")
        diagnoses(count: count, code: code)
        fieldsInRecord += 12
    }

    /// Sets the open line's twelve `dx` columns as `diagnosisFields` writes them.
    func diagnoses(count: Int, code: (Int) -> [UInt8]) {
        let first = Column.dx1.index
        for k in 0..<12 {
            if k < count { code(k).withUnsafeBytes { write($0, at: first + k) } } else { row[first + k] = .empty }
        }
        if !overflow.isEmpty { overflow.removeAll(keepingCapacity: true) }
        if count > 12 { for k in 0..<count { overflow.append(code(k)) } }
    }

    /// Sets the open line's twelve `dx` columns from codes the caller holds (valid during the call).
    func diagnoses(count: Int, code: (Int) -> UnsafeRawBufferPointer) {
        let first = Column.dx1.index
        for k in 0..<12 {
            if k < count { write(code(k), at: first + k) } else { row[first + k] = .empty }
        }
        if !overflow.isEmpty { overflow.removeAll(keepingCapacity: true) }
        if count > 12 { for k in 0..<count { overflow.append(Array(code(k))) } }
    }

    /// Sets the open line's diagnoses that only their validity concerns (an 837I's admitting
    /// diagnosis, reasons for visit, external causes: `DiagnosisRecords.Kind`); set before
    /// `endRecord`, which writes them into diagnosis records of their own.
    func validityDiagnoses(_ codes: [(kind: Int16, code: [UInt8])]) {
        validityOnly = codes
    }

    func endRecord() {
        precondition(
            fieldsInRecord == 0 || fieldsInRecord == Self.columns.count,
            "a charge line has \(Self.columns.count) fields")
        if !overflow.isEmpty {
            addDiagnosisRecords()
            overflow.removeAll(keepingCapacity: true)
        }
        if !validityOnly.isEmpty {
            addValidityRecords()
            validityOnly.removeAll(keepingCapacity: true)
        }
        spans.append(contentsOf: UnsafeBufferPointer(start: row, count: ChargeBatch.columnCount))
        ends.append(Int32(truncatingIfNeeded: used))
        fieldsInRecord = 0
        row.update(repeating: .empty, count: ChargeBatch.columnCount)
    }

    /// Field `k` (in `columns` order) of the open line, valid until the next write.
    private func openField(_ k: Int) -> UnsafeRawBufferPointer {
        let span = row[fieldColumn[k]]
        return UnsafeRawBufferPointer(start: storage.baseAddress! + Int(span.start), count: Int(span.length))
    }

    /// Writes the open line's diagnosis records (see `DiagnosisRecords`): the line's own fields
    /// with other diagnoses in the twelve `dx` fields.
    private func addDiagnosisRecords() {
        let lines = diagnosisLines ?? CanonicalRecords(capacity: 1 << 16)
        diagnosisLines = lines
        let block = DiagnosisRecords.block
        let blocks = (overflow.count + block - 1) / block
        // Blocks 0 and 1 are the line's own twelve slots.
        for b in 2..<max(2, blocks) {
            for a in 0..<b {
                var indices: [Int] = []
                for i in a * block..<min((a + 1) * block, overflow.count) { indices.append(i) }
                for i in b * block..<min((b + 1) * block, overflow.count) { indices.append(i) }
                for k in 0..<Self.columns.count {
                    let slot = k - Self.firstDiagnosisField
                    if slot >= 0 && slot < 12 {
                        if slot < indices.count { lines.field(overflow[indices[slot]]) } else { lines.emptyField() }
                        diagnosisSlots.append(slot < indices.count ? Int16(indices[slot]) : -1)
                    } else {
                        lines.field(openField(k))
                    }
                }
                lines.endRecord()
                diagnosisOwners.append(Int32(ends.count))
            }
        }
    }

    /// Writes the open line's validity-only diagnoses as diagnosis records: the line's own fields
    /// with up to twelve of them in the `dx` fields, their slots marked with their kind.
    private func addValidityRecords() {
        let lines = diagnosisLines ?? CanonicalRecords(capacity: 1 << 16)
        diagnosisLines = lines
        for from in stride(from: 0, to: validityOnly.count, by: 12) {
            let part = validityOnly[from..<min(from + 12, validityOnly.count)]
            for k in 0..<Self.columns.count {
                let slot = k - Self.firstDiagnosisField
                if slot >= 0 && slot < 12 {
                    if slot < part.count {
                        lines.field(part[from + slot].code)
                        diagnosisSlots.append(part[from + slot].kind)
                    } else {
                        lines.emptyField()
                        diagnosisSlots.append(-1)
                    }
                } else {
                    lines.field(openField(k))
                }
            }
            lines.endRecord()
            diagnosisOwners.append(Int32(ends.count))
        }
    }

    /// The lines written since the last `take()` as canonical CSV records (no header), quoted where
    /// a field needs it: how claim-file lines looked before they were written as spans, kept for
    /// tests and for looking at what a reader made of a file.
    var csvText: [UInt8] {
        var text: [UInt8] = []
        for r in 0..<ends.count {
            for k in 0..<Self.columns.count {
                if k > 0 { text.append(0x2C) }
                let span = spans[r * ChargeBatch.columnCount + Self.columnIndex[k]]
                CSVText.append(
                    UnsafeRawBufferPointer(start: storage.baseAddress! + Int(span.start), count: Int(span.length)),
                    to: &text)
            }
            text.append(0x0A)
        }
        return text
    }
}

/// Charge lines ready for a worker: the field bytes (a chunk the batch keeps), spans by canonical
/// column, `ChargeBatch.columnCount` per line, and where each line's bytes end.
struct ChargeLines: Sendable {
    var bytes: Chunk
    var spans: [ChargeBatch.Span]
    var ends: [Int32]

    var count: Int { ends.count }

    /// No lines.
    init() {
        bytes = Chunk(
            storage: .allocate(byteCount: 1, alignment: 64), count: 0, file: 0, sequence: 0, firstLine: 1,
            newlineCount: 0,
            byteOffset: 0, isLastOfFile: false)
        spans = []
        ends = []
    }

    init(bytes: Chunk, spans: [ChargeBatch.Span], ends: [Int32]) {
        self.bytes = bytes
        self.spans = spans
        self.ends = ends
    }
}

/// Extra records that carry a line's diagnoses beyond the twelve slots of a charge line, so the
/// diagnosis rules see all of them; only their diagnosis findings count, on the line they belong to.
///
/// The line's diagnoses are cut into blocks of six; each diagnosis record holds two blocks (twelve
/// slots, in claim order), one record for every pair of blocks not both among the first twelve.
/// So every diagnosis past the twelfth is in some record, and every pair of diagnoses with one past
/// the twelfth is in some record together (M04). 25 diagnoses (one principal and 24 others, the
/// 837I maximum) take nine records per line.
struct DiagnosisRecords: Sendable {
    static let block = 6

    /// The records: the line's own fields with other diagnoses in the dx fields.
    var records = ChargeLines()
    /// Per diagnosis record: the line (index since the last `take()`) it stands for.
    var owners: [Int32] = []
    /// Per diagnosis record, twelve entries: the 0-based diagnosis index of each dx slot, -1 empty,
    /// or a `Kind` (below -1) for a diagnosis checked for validity only.
    var slots: [Int16] = []

    /// Claim diagnoses outside the lines' list (837I HI qualifiers other than ABK/ABF), checked
    /// for validity only (C04, C05): they are no diagnosis of a line's service, so the age, sex
    /// and Excludes1 edits do not pair them with the others.
    enum Kind: Int16 {
        case admitting = -2
        case reasonForVisit = -3
        case externalCause = -4

        /// The HI qualifier (ICD-10-CM).
        var qualifier: String {
            switch self {
            case .admitting: "ABJ"
            case .reasonForVisit: "APR"
            case .externalCause: "ABN"
            }
        }

        /// The field a finding on it names: the HI element by its qualifier.
        var field: String { "HI \(qualifier)" }
    }

    var isEmpty: Bool { owners.isEmpty }
}

/// A patient identity that is not a plain id: member id, name and birth date hashed (FNV-1a), so
/// family members on one policy are not one patient, and the text never leaves the process.
enum PatientKey {
    /// Writes the key of `parts` (FNV-1a of the parts joined by 0x1F, as 16 hex digits after an
    /// `H`) into `key`, without an array per part.
    static func hash(_ parts: [UnsafeRawBufferPointer], into key: inout FieldBytes) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for (i, part) in parts.enumerated() {
            if i > 0 {
                h ^= 0x1F
                h = h &* 0x0000_0100_0000_01B3
            }
            for c in part {
                h ^= UInt64(c)
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        key.removeAll()
        key.append(0x48)  // "H"
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: (h >> UInt64(shift)) & 0xF)
            key.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
        }
    }
}
