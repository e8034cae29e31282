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

    init() { bytes.reserveCapacity(1 << 20) }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Appends one field (quoted when it holds a comma, a quote or a line break).
    mutating func field(_ value: UnsafeRawBufferPointer) {
        if fieldsInRecord > 0 { bytes.append(0x2C) }
        fieldsInRecord += 1
        CSVText.append(value, to: &bytes)
    }

    mutating func field(_ value: [UInt8]) { value.withUnsafeBytes { field($0) } }

    mutating func field(_ value: ArraySlice<UInt8>) { value.withUnsafeBytes { field($0) } }

    mutating func emptyField() { field(UnsafeRawBufferPointer(start: nil, count: 0)) }

    mutating func endRecord() {
        bytes.append(0x0A)
        fieldsInRecord = 0
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
