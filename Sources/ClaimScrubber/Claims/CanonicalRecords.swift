/// Charge lines of claim files written as canonical CSV records, so the CSV parser and every
/// existing rule read them unchanged.
///
/// The alternative, filling a `ChargeBatch` directly, was rejected: the parser's decoding (dates,
/// codes, NPIs, S02/S03) would have to be duplicated, and two decoders drift apart.
struct CanonicalRecords {
    static let columns: [Column] = [
        .lineId, .encounterId, .patientId, .patientDob, .patientSex, .serviceDate, .postDate, .department, .renderingNpi,
        .billingNpi, .placeOfService, .procedureCode, .modifier1, .modifier2, .modifier3, .modifier4, .units,
        .chargeAmount, .dx1, .dx2, .dx3, .dx4, .dx5, .dx6, .dx7, .dx8, .dx9, .dx10, .dx11, .dx12, .revenueCode,
        .ndc, .payerId,
    ]

    static let header: [UInt8] = Array((columns.map(\.rawValue).joined(separator: ",") + "\n").utf8)

    static let layout: ExtractLayout = {
        // The header is built from canonical names, so it always parses.
        try! ExtractLayout(header: header, file: "<claims>")
    }()

    /// The CSV text of the records (no header).
    var bytes: [UInt8] = []
    private var fieldsInRecord = 0
    /// Records ended since the last `take()`.
    private(set) var recordCount = 0
    /// Where the current record starts in `bytes`, and where its twelve dx fields start and end.
    private var recordStart = 0
    private var diagnosisStart = 0
    private var diagnosisEnd = 0
    /// The current record's diagnoses when it has more than twelve (rare: kept as arrays).
    private var overflow: [[UInt8]] = []
    /// Diagnosis records (see `DiagnosisRecords`) of the records so far.
    var diagnosisRecords = DiagnosisRecords()

    init() { bytes.reserveCapacity(1 << 20) }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The records and diagnosis records so far; both start empty again.
    mutating func take() -> (records: [UInt8], diagnoses: DiagnosisRecords) {
        let taken = (bytes, diagnosisRecords)
        bytes.removeAll(keepingCapacity: true)
        diagnosisRecords = DiagnosisRecords()
        recordCount = 0
        recordStart = 0
        return taken
    }

    /// Appends one field (quoted when it holds a comma, a quote or a line break).
    mutating func field(_ value: UnsafeRawBufferPointer) {
        if fieldsInRecord > 0 { bytes.append(0x2C) }
        fieldsInRecord += 1
        for c in value where c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D {
            CSVText.append(value, to: &bytes)
            return
        }
        // As typed bytes the append is one copy; a raw buffer is appended byte by byte.
        bytes.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
    }

    mutating func field(_ value: [UInt8]) { value.withUnsafeBytes { field($0) } }

    mutating func field(_ value: ArraySlice<UInt8>) { value.withUnsafeBytes { field($0) } }

    mutating func emptyField() { field(UnsafeRawBufferPointer(start: nil, count: 0)) }

    /// Writes the twelve `dx` fields of the record from `count` diagnoses (`code(i)`, in claim order,
    /// the primary first).
    ///
    /// The charge line carries twelve diagnosis slots (DOMAIN.md's `dx1`…`dx12`, what every line
    /// rule reads). An 837I claim may carry more, and all of them apply to each line: the first
    /// twelve go in the record, and the record also gets diagnosis records (written when it ends)
    /// so that every diagnosis reaches C04/C05/M01/M02 and every pair reaches M04. Widening the
    /// line model to 25 slots was rejected: it would grow every batch of every extract for a case
    /// only 837I claims have.
    mutating func diagnosisFields(count: Int, code: (Int) -> [UInt8]) {
        diagnosisStart = bytes.count
        for k in 0..<12 {
            if k < count { field(code(k)) } else { emptyField() }
        }
        diagnosisEnd = bytes.count
        overflow.removeAll(keepingCapacity: true)
        if count > 12 { for k in 0..<count { overflow.append(code(k)) } }
    }

    mutating func endRecord() {
        if !overflow.isEmpty {
            diagnosisRecords.add(
                owner: recordCount, diagnoses: overflow, prefix: bytes[recordStart..<diagnosisStart],
                suffix: bytes[diagnosisEnd..<bytes.count])
            overflow.removeAll(keepingCapacity: true)
        }
        bytes.append(0x0A)
        fieldsInRecord = 0
        recordCount += 1
        recordStart = bytes.count
    }

    /// The records as a chunk the parser can read.
    func chunk(file: Int, sequence: Int) -> Chunk {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        var newlines = 0
        for c in bytes where c == 0x0A { newlines += 1 }
        return Chunk(
            storage: storage, count: bytes.count, file: file, sequence: sequence, firstLine: 2, newlineCount: newlines,
            byteOffset: 0, isLastOfFile: false)
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

    /// CSV records: the line's own fields with other diagnoses in the dx fields.
    var bytes: [UInt8] = []
    /// Per diagnosis record: the record (index since the last `take()`) it stands for.
    var owners: [Int32] = []
    /// Per diagnosis record, twelve entries: the 0-based diagnosis index of each dx slot, -1 empty.
    var slots: [Int16] = []

    var isEmpty: Bool { owners.isEmpty }

    mutating func add(owner: Int, diagnoses: [[UInt8]], prefix: ArraySlice<UInt8>, suffix: ArraySlice<UInt8>) {
        let blocks = (diagnoses.count + Self.block - 1) / Self.block
        // Blocks 0 and 1 are the record's own twelve slots.
        for b in 2..<max(2, blocks) {
            for a in 0..<b {
                var indices: [Int] = []
                for i in a * Self.block..<min((a + 1) * Self.block, diagnoses.count) { indices.append(i) }
                for i in b * Self.block..<min((b + 1) * Self.block, diagnoses.count) { indices.append(i) }
                bytes.append(contentsOf: prefix)
                for k in 0..<12 {
                    bytes.append(0x2C)
                    if k < indices.count { diagnoses[indices[k]].withUnsafeBytes { CSVText.append($0, to: &bytes) } }
                    slots.append(k < indices.count ? Int16(indices[k]) : -1)
                }
                bytes.append(contentsOf: suffix)
                bytes.append(0x0A)
                owners.append(Int32(owner))
            }
        }
    }
}

/// A patient identity that is not a plain id: member id, name and birth date hashed (FNV-1a), so
/// family members on one policy are not one patient, and the text never leaves the process.
enum PatientKey {
    static func hashed(_ parts: [[UInt8]]) -> [UInt8] {
        var joined: [UInt8] = []
        for (i, part) in parts.enumerated() {
            if i > 0 { joined.append(0x1F) }
            joined.append(contentsOf: part)
        }
        let h = joined.withUnsafeBufferPointer { FNV1a.hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
        var out: [UInt8] = [0x48]  // "H"
        let digits = Array("0123456789abcdef".utf8)
        for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((h >> UInt64(shift)) & 0xF)]) }
        return out
    }
}
