import Testing

@testable import ClaimScrubber

/// Claim-file readers write charge lines as field spans (`CanonicalRecords`) that the decoder reads
/// directly. These tests hold them to what the lines gave when they were written as CSV text and
/// parsed by `ChargeParser.parse`: the same fields, typed columns and findings.
@Suite struct CanonicalRecordsTests {
    static let settings = RuleSettings()
    static let parser = ChargeParser(layout: CanonicalRecords.layout, settings: settings)

    /// A line of canonical fields (in `CanonicalRecords.columns` order), plausible by default.
    static func line(_ changes: [Column: [UInt8]] = [:], diagnoses: [String] = ["I10", "E785"]) -> [Column: [UInt8]] {
        var fields: [Column: [UInt8]] = [
            .lineId: Array("C1:1".utf8), .encounterId: Array("C1".utf8), .patientId: Array("P1".utf8),
            .patientDob: Array("19620114".utf8), .patientSex: Array("M".utf8), .serviceDate: Array("20260601".utf8),
            .renderingNpi: Array("1234567893".utf8), .billingNpi: Array("1956798882".utf8),
            .placeOfService: Array("11".utf8), .procedureCode: Array("99213".utf8), .modifier1: Array("25".utf8),
            .units: Array("1".utf8), .chargeAmount: Array("125.00".utf8), .payerId: Array("AETNA01".utf8),
        ]
        for (k, code) in diagnoses.prefix(12).enumerated() { fields[Column.diagnoses[k]] = Array(code.utf8) }
        for (column, value) in changes { fields[column] = value }
        return fields
    }

    static func write(_ lines: [[Column: [UInt8]]], diagnoses: [[String]] = [], to records: CanonicalRecords) {
        for (i, line) in lines.enumerated() {
            let all = i < diagnoses.count ? diagnoses[i].map { Array($0.utf8) } : nil
            for column in CanonicalRecords.columns where !Column.diagnoses.contains(column) {
                if column == .revenueCode {
                    // The diagnosis fields come just before the revenue code.
                    if let all {
                        records.diagnosisFields(count: all.count) { all[$0] }
                    } else {
                        let dx = Column.diagnoses.map { line[$0] ?? [] }
                        let count = dx.lastIndex(where: { !$0.isEmpty }).map { $0 + 1 } ?? 0
                        records.diagnosisFields(count: count) { dx[$0] }
                    }
                }
                records.field(line[column] ?? [])
            }
            records.endRecord()
        }
    }

    /// The old way: the lines' CSV text parsed as a chunk.
    static func parsedAsCSV(_ text: [UInt8]) -> (ChargeBatch, [Finding]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, text.count), alignment: 64)
        text.withUnsafeBytes { storage.copyMemory(from: $0) }
        let chunk = Chunk(
            storage: storage, count: text.count, file: 0, sequence: 0, firstLine: 2,
            newlineCount: text.filter { $0 == 0x0A }.count, byteOffset: 0, isLastOfFile: false)
        var sink = FindingSink(configuration: settings)
        let batch = parser.parse(chunk, sink: &sink)
        return (batch, sink.findings)
    }

    static func decoded(_ lines: ChargeLines) -> (ChargeBatch, [Finding]) {
        var sink = FindingSink(configuration: settings)
        let batch = parser.decode(lines, sink: &sink)
        return (batch, sink.findings)
    }

    static func expectSame(_ a: (ChargeBatch, [Finding]), _ b: (ChargeBatch, [Finding])) {
        let (x, y) = (a.0, b.0)
        #expect(x.count == y.count)
        #expect(x.unparsed == y.unparsed)
        for r in 0..<min(x.count, y.count) {
            for column in Column.allCases {
                #expect(Array(x.bytes(column, r)) == Array(y.bytes(column, r)), "record \(r) \(column)")
            }
        }
        #expect(x.serviceDay == y.serviceDay)
        #expect(x.postDay == y.postDay)
        #expect(x.birthDay == y.birthDay)
        #expect(x.sex == y.sex)
        #expect(x.procedure == y.procedure)
        #expect(x.modifiers == y.modifiers)
        #expect(x.units == y.units)
        #expect(x.amountCents == y.amountCents)
        #expect(x.diagnoses == y.diagnoses)
        #expect(x.renderingNPI == y.renderingNPI)
        #expect(x.billingNPI == y.billingNPI)
        #expect(x.placeOfService == y.placeOfService)
        #expect(x.payerIndex == y.payerIndex)
        #expect(x.payers == y.payers)
        #expect(a.1 == b.1)
    }

    /// Lines whose fields need CSV quoting, are not valid UTF-8, are empty or malformed.
    static let awkwardLines: [[Column: [UInt8]]] = [
        line(),
        line([.lineId: Array("C1,2".utf8), .encounterId: Array(#"C"1""#.utf8)]),
        line([.patientId: Array("P\n1".utf8), .payerId: Array("PAYER\r".utf8)]),
        line([.lineId: Array(#""quoted""#.utf8), .chargeAmount: Array("12,5".utf8)]),
        line([.department: Array(" Cardiologie é ".utf8), .modifier2: Array("59".utf8)]),
        line([.procedureCode: [0x39, 0xFF, 0x32], .dx1: [0xC3]]),
        line([.payerId: [0x41, 0xE2, 0x82]]),
        line([.serviceDate: Array("2026-13-45".utf8), .units: Array("x".utf8), .patientSex: Array("Q".utf8)]),
        line([.procedureCode: [], .patientId: [], .chargeAmount: []]),
        line([:], diagnoses: []),
    ]

    @Test func decodedLinesMatchTheirParsedCSVText() {
        let records = CanonicalRecords()
        Self.write(Self.awkwardLines, to: records)
        let text = records.csvText
        let (lines, diagnoses) = records.take()
        #expect(lines.count == Self.awkwardLines.count)
        #expect(diagnoses.isEmpty)
        let decoded = Self.decoded(lines)
        Self.expectSame(decoded, Self.parsedAsCSV(text))
        // The awkward lines were awkward: invalid UTF-8 (S01) and malformed values (S02/S03) seen.
        #expect(Set(decoded.1.map(\.rule)).isSuperset(of: [.S01, .S02, .S03]), "\(decoded.1)")
        #expect(decoded.1.filter { $0.rule == .S01 }.map(\.field) == ["procedure_code", "payer_id"])
    }

    @Test func eachTakeStartsAFreshBatch() {
        let records = CanonicalRecords(capacity: 64)
        Self.write(Array(Self.awkwardLines.prefix(4)), to: records)
        let first = records.take().records
        // Lines longer than the buffer make it grow.
        let long = Self.line([.department: Array(repeating: 0x41, count: 300)])
        Self.write([long] + Array(Self.awkwardLines.suffix(3)), to: records)
        let text = records.csvText
        let second = records.take().records
        #expect(first.count == 4)
        #expect(second.count == 4)
        Self.expectSame(Self.decoded(second), Self.parsedAsCSV(text))
        #expect(records.take().records.count == 0)
    }

    @Test func linesPastTwelveDiagnosesGetDiagnosisRecordsWithTheLinesOwnFields() {
        let codes = (0..<25).map { "Z\(String(format: "%02d", $0))" }
        let records = CanonicalRecords()
        let lines = [Self.line(), Self.line([.lineId: Array("C1,2".utf8)]), Self.line([.lineId: Array("C1:3".utf8)])]
        Self.write(lines, diagnoses: [["I10"], codes, Array(codes.prefix(13))], to: records)
        let (taken, diagnoses) = records.take()
        let (batch, _) = Self.decoded(taken)
        let (extra, findings) = Self.decoded(diagnoses.records)
        #expect(findings.isEmpty, "\(findings)")
        // 25 diagnoses: blocks 0…4, a record per pair with one of blocks 2…4 (9); 13 diagnoses:
        // block 2 with block 0, and with block 1 (2).
        #expect(diagnoses.owners == Array(repeating: 1, count: 9) + [2, 2])
        #expect(extra.count == 11)
        for d in 0..<extra.count {
            let owner = Int(diagnoses.owners[d])
            let all = owner == 1 ? codes : Array(codes.prefix(13))
            for column in Column.allCases {
                if let slot = Column.diagnoses.firstIndex(of: column) {
                    let index = Int(diagnoses.slots[d * 12 + slot])
                    #expect(extra.text(column, d) == (index < 0 ? "" : all[index]))
                } else {
                    #expect(Array(extra.bytes(column, d)) == Array(batch.bytes(column, owner)), "\(column)")
                }
            }
        }
        // Every diagnosis past the twelfth, and every pair with one of them, is in some record.
        let pairs = Set(
            (0..<9).flatMap { d in
                let slots = (0..<12).map { Int(diagnoses.slots[d * 12 + $0]) }.filter { $0 >= 0 }
                return slots.flatMap { a in slots.map { b in a * 100 + b } }
            })
        for a in 0..<25 { for b in 12..<25 where a != b { #expect(pairs.contains(a * 100 + b)) } }
    }

    @Test func columnsSetInAnyOrderGiveTheLineWrittenInOrder() {
        let inOrder = CanonicalRecords()
        Self.write([Self.line([.department: Array("A,B".utf8)])], to: inOrder)
        let bySegment = CanonicalRecords()
        let line = Self.line([.department: Array("A,B".utf8)])
        // Set as an X12 reader meets them: line fields first, a value replaced, a column cleared.
        bySegment.set(.chargeAmount, Array("999.99".utf8))
        bySegment.set(.placeOfService, Array("99".utf8))
        for column in CanonicalRecords.columns.reversed() where !Column.diagnoses.contains(column) {
            bySegment.set(column, line[column] ?? [])
        }
        bySegment.set(.lineId, Array("C1".utf8), 0x3A, Array("1".utf8))
        bySegment.set(.postDate, Array("20260101".utf8))
        bySegment.clear(.postDate)
        let dx = Column.diagnoses.map { line[$0] ?? [] }
        bySegment.diagnoses(count: 2) { dx[$0] }
        bySegment.endRecord()
        #expect(bySegment.csvText == inOrder.csvText)
        Self.expectSame(Self.decoded(bySegment.take().records), Self.decoded(inOrder.take().records))
        // The next line starts empty.
        bySegment.set(.procedureCode, Array("99213".utf8))
        bySegment.endRecord()
        #expect(
            bySegment.csvText
                == Array(
                    (String(repeating: ",", count: 11) + "99213"
                        + String(repeating: ",", count: CanonicalRecords.columns.count - 12) + "\n").utf8))
    }
}
