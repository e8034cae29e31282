import Testing

@testable import ClaimScrubber

/// The parser finds fields from a block-wise separator index (64 bytes at a time, quote parity
/// carried across blocks). These tests compare it with a byte-at-a-time RFC 4180 reading of the
/// same text, on records whose quotes, delimiters, newlines and CRs fall at every offset of a block.
@Suite struct ChargeParserTests {
    static let header = [
        "line_id", "encounter_id", "patient_id", "service_date", "procedure_code", "units", "charge_amount", "dx1",
        "department",
    ]

    struct Parsed {
        var batch: ChargeBatch
        var findings: [Finding]
    }

    static func parse(_ body: [UInt8], delimiter: UInt8 = 0x2C, header: [String] = header) throws -> Parsed {
        let headerText = header.joined(separator: String(UnicodeScalar(delimiter))) + "\n"
        let layout = try ExtractLayout(header: Array(headerText.utf8), file: "test.csv")
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, body.count), alignment: 8)
        body.withUnsafeBytes { storage.copyMemory(from: $0) }
        let chunk = Chunk(
            storage: storage, count: body.count, file: 0, sequence: 0, firstLine: 2,
            newlineCount: body.filter { $0 == 0x0A }.count, byteOffset: 0, isLastOfFile: true)
        var sink = FindingSink(configuration: RuleSettings())
        let batch = ChargeParser(layout: layout, settings: RuleSettings()).parse(chunk, sink: &sink)
        return Parsed(batch: batch, findings: sink.findings)
    }

    /// A field as an extract writes it: quoted when it holds a delimiter, quote, CR or newline.
    static func encode(_ value: [UInt8], delimiter: UInt8) -> [UInt8] {
        guard value.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return value }
        var out: [UInt8] = [0x22]
        for c in value {
            out.append(c)
            if c == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return out
    }

    static func randomValue(_ rng: inout SplitMix64, delimiter: UInt8) -> [UInt8] {
        let alphabet: [UInt8] = Array("AZaz09 .-".utf8) + [delimiter, 0x22, 0x0A, 0x0D]
        let length = Int(rng.next() % 40)
        var value: [UInt8] = []
        for _ in 0..<length {
            // Mostly plain text, now and then a byte that forces quoting.
            let r = rng.next() % 100
            value.append(r < 85 ? alphabet[Int(rng.next() % 9)] : alphabet[9 + Int(rng.next() % 4)])
        }
        return value
    }

    @Test(arguments: [UInt8(0x2C), 0x7C, 0x09])
    func wellFormedRecordsGiveTheReferenceFields(delimiter: UInt8) throws {
        var rng = SplitMix64(seed: UInt64(delimiter))
        var body: [UInt8] = []
        var expected: [[[UInt8]]] = []
        var lineOfRecord: [Int] = []
        var line = 0
        for r in 0..<600 {
            var fields: [[UInt8]] = []
            var record: [UInt8] = []
            for f in 0..<Self.header.count {
                let value = f == 0 ? Array("L\(r)".utf8) : Self.randomValue(&rng, delimiter: delimiter)
                fields.append(value)
                if f > 0 { record.append(delimiter) }
                record += Self.encode(value, delimiter: delimiter)
            }
            // Some records end in CRLF, the last one in nothing at all.
            if r == 599 {
            } else if rng.next() % 4 == 0 {
                record += [0x0D, 0x0A]
            } else {
                record.append(0x0A)
            }
            lineOfRecord.append(line)
            line += record.filter { $0 == 0x0A }.count
            body += record
            // Values keep spaces at their ends: the batch keeps the text as written.
            expected.append(fields)
        }
        let parsed = try Self.parse(body, delimiter: delimiter)
        #expect(parsed.findings.filter { $0.rule == .S01 }.isEmpty)
        #expect(parsed.batch.count == expected.count)
        for r in 0..<min(parsed.batch.count, expected.count) {
            for (f, name) in Self.header.enumerated() {
                let column = Column(rawValue: name)!
                #expect(Array(parsed.batch.bytes(column, r)) == expected[r][f], "record \(r) field \(name)")
            }
            #expect(Int(parsed.batch.lineOffset[r]) == lineOfRecord[r], "record \(r) line")
        }
    }

    @Test func malformedQuotesAreS01OnTheirRecordOnly() throws {
        // Each bad record keeps an even number of quotes, so the records after it stand.
        let bad: [(text: String, field: String, message: String)] = [
            ("L1,\"E1\"x,P,2026-01-02,99213,1,1.00,I10,D", "encounter_id", "text after the closing quote of a field"),
            (
                "L2,\"E1\"x\"y\",P,2026-01-02,99213,1,1.00,I10,D", "encounter_id",
                "text after the closing quote of a field"
            ),
            ("L3,E1,P,2026-01-02,99213,1,1.00,I10,\"D\"\"\"x", "department", "text after the closing quote of a field"),
            // A doubled quote inside: the record is cut by the quotes the file has (its unescaped
            // text has one quote fewer, and cut by that it swallowed the next record).
            (
                "L4,E1,P,2026-01-02,99213,1,1.00,I10,\"a\"\"b\"x", "department",
                "text after the closing quote of a field"
            ),
        ]
        let good = "G,E9,P9,2026-01-02,99213,1,1.00,I10,\"a,b\n\"\"c\"\"\""
        // Pad so that the bad records start at different offsets of a 64-byte block.
        for pad in 0..<64 {
            var text = "P,E,P,2026-01-02,99213,1,1.00,I10," + String(repeating: "x", count: pad) + "\n"
            for b in bad { text += b.text + "\n" + good + "\n" }
            let parsed = try Self.parse(Array(text.utf8))
            #expect(parsed.batch.count == 1 + 2 * bad.count, "pad \(pad)")
            let s01 = parsed.findings.filter { $0.rule == .S01 }
            #expect(s01.map { Int($0.record) } == Array(stride(from: 1, to: 2 * bad.count, by: 2)), "pad \(pad)")
            for (k, finding) in s01.enumerated() where k < bad.count {
                #expect(finding.field == bad[k].field && finding.message == bad[k].message, "pad \(pad)")
                // The record is held whole; it is read on to its end, its later fields in their places.
                let r = Int(finding.record)
                #expect(parsed.batch.unparsed[r], "pad \(pad)")
                #expect(parsed.batch.text(.lineId, r) == "L\(k + 1)", "pad \(pad)")
                if bad[k].field == "encounter_id" {
                    #expect(parsed.batch.text(.department, r) == "D", "pad \(pad)")
                    #expect(parsed.batch.text(.encounterId, r) == "E1", "pad \(pad)")
                }
            }
            for r in stride(from: 2, through: 2 * bad.count, by: 2) where r < parsed.batch.count {
                #expect(Array(parsed.batch.bytes(.department, r)) == Array("a,b\n\"c\"".utf8), "pad \(pad)")
                #expect(!parsed.batch.unparsed[r])
            }
        }
    }

    /// A quote after a field's first byte is text (an inch mark, `99"213`), as spreadsheet and
    /// database CSV readers take it: the field keeps it, no finding for the quote, and the records
    /// after it are their own.
    @Test func aQuoteInsideAnUnquotedFieldIsText() throws {
        for pad in 0..<64 {
            let text =
                "P,E,P,2026-01-02,99213,1,1.00,I10," + String(repeating: "x", count: pad) + "\n"
                + "L1,E\"x\"1,P,2026-01-02,99213,1,1.00,I10,GAUZE 4\" X 4\"\n"
                + "L2,E2,P,2026-01-02,99213,1,1.00,I10,LAB\n"
                + "L3,E3,P,2026-01-02,99213,1,1.00,I10,\"4\"\" WIDE, STERILE\"\n"
            let parsed = try Self.parse(Array(text.utf8))
            #expect(parsed.batch.count == 4, "pad \(pad)")
            #expect(parsed.findings.filter { $0.rule == .S01 }.isEmpty, "pad \(pad)")
            #expect(parsed.batch.text(.encounterId, 1) == "E\"x\"1")
            #expect(parsed.batch.text(.department, 1) == "GAUZE 4\" X 4\"")
            #expect(parsed.batch.text(.lineId, 2) == "L2" && parsed.batch.text(.department, 2) == "LAB")
            #expect(parsed.batch.text(.department, 3) == "4\" WIDE, STERILE")
        }
    }

    @Test func unterminatedQuoteRunsToTheEndOfTheChunk() throws {
        for pad in [0, 1, 30, 63, 64, 65, 200] {
            let text =
                "L1,E1,P1,2026-01-02,99213,1,1.00,I10,D\n" + "L2,\"E" + String(repeating: "y", count: pad)
                + ",x\nmore,text\n"
            let parsed = try Self.parse(Array(text.utf8))
            #expect(parsed.batch.count == 2)
            let s01 = parsed.findings.filter { $0.rule == .S01 }
            #expect(s01.count == 1 && s01.first?.record == 1 && s01.first?.field == "encounter_id")
            #expect(s01.first?.message.hasPrefix("unterminated quote") == true)
            #expect(Int(parsed.batch.recordEnd[1]) == text.utf8.count)
        }
    }

    @Test func fieldCountAndNonASCIIBytesAreCheckedPerRecord() throws {
        var text = "L1,E1,P1,2026-01-02,99213,1,1.00,I10\n"  // one field short
        text += "L2,E1,P1,2026-01-02,99213,1,1.00,I10,D,extra\n"  // one too many
        text += "L3,E1,Pé,2026-01-02,99213,1,1.00,I10,D\n"  // valid UTF-8
        var bytes = Array(text.utf8)
        bytes += Array("L4,E1,P1,2026-01-02,99213,1,1.00,I10,".utf8) + [0xC3, 0x28] + [0x0A]  // invalid UTF-8
        let parsed = try Self.parse(bytes)
        let s01 = parsed.findings.filter { $0.rule == .S01 }
        #expect(s01.map(\.record) == [0, 1, 3])
        #expect(s01.first?.message == "expected 9 fields, found 8")
        #expect(s01.count == 3 && s01[1].message == "expected 9 fields, found 10")
        #expect(s01.count == 3 && s01[2].field == "department" && s01[2].message == "invalid UTF-8 bytes in field")
        #expect(parsed.batch.text(.patientId, 2) == "Pé")
    }

    /// A doubled quote shortens its field as it is unescaped; the bytes past the field's new end
    /// were left as they were and then read by the UTF-8 check, so `"4"" café"` (one pair before
    /// the two bytes of é) was held as not UTF-8. Any count of pairs is read; a field that is not
    /// UTF-8 is still held.
    @Test(arguments: [1, 2, 3])
    func doubledQuotesBeforeNonASCIITextAreNoInvalidUTF8(pairs: Int) throws {
        // The field as written: `"4"" 4"" café"` for two pairs.
        let field = "\"" + String(repeating: "4\"\" ", count: pairs) + "café\""
        var bytes = Array("L1,E1,P1,2026-01-02,99213,1,1.00,I10,\(field)\n".utf8)
        bytes += Array("L2,E1,P1,2026-01-02,99213,1,1.00,I10,\"4\"\" caf".utf8) + [0xE9, 0x22, 0x0A]
        let parsed = try Self.parse(bytes)
        let s01 = parsed.findings.filter { $0.rule == .S01 }
        #expect(s01.map(\.record) == [1], "\(s01)")
        #expect(parsed.batch.text(.department, 0) == String(repeating: "4\" ", count: pairs) + "café")
    }

    /// Dates repeated from the line before are answered from a memo of the last date text; every
    /// line must still get its own date's day, and a malformed date its S03.
    @Test func eachLineGetsItsOwnServiceDateWhenLinesRepeatOrChangeDates() throws {
        let dates = [
            "2026-01-05", "2026-01-05", "2026-01-06", "2026-01-05", "2026-02-05", "2026-02-31", "2026-02-31",
            "2025-01-05", "2026-01-05", "2026-01-0 ", "20260105", "2026-01-05",
        ]
        let text = dates.enumerated().map { "L\($0.offset),E1,P1,\($0.element),99213,1,1.00,I10,D\n" }.joined()
        let parsed = try Self.parse(Array(text.utf8))
        for (r, date) in dates.enumerated() {
            var copy = date
            let expected = copy.withUTF8 { DayNumber.parse(ChargeParser.trimmed(UnsafeRawBufferPointer($0))) }
            #expect(parsed.batch.serviceDay[r] == expected, "line \(r): \(date)")
        }
        let s03 = parsed.findings.filter { $0.rule == .S03 && $0.field == "service_date" }.map(\.record)
        #expect(s03 == [5, 6, 9])
    }

    /// Procedure and diagnosis codes are packed through a memo of recent code texts (read eight
    /// bytes at a time); every line must still get its own code's packing, whatever came before it,
    /// including codes of eight bytes and more, codes near the chunk's end and colliding texts.
    @Test func eachLineGetsItsOwnCodesWhenCodesRepeatOrCollide() throws {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("ABCJMZ0123456789az.".utf8)
        var codes = [
            "99213", "99213", "I10", "i10", "I10 ", " E11.9", "E119", "S72.001A", "S72001A", "A", "AB", "ABCDEFGH",
        ]
        codes += ["A0000000", "A00000000", "1234567890", "99-13", "J18.9", "99213", "I10", "992.13", "99213"]
        for _ in 0..<1500 {
            let length = 1 + Int(rng.next() % 8)
            codes.append(
                String(
                    decoding: (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] },
                    as: UTF8.self))
        }
        codes += ["99213", "I10", "M17.11"]
        var text = codes.enumerated().map { "L\($0.offset),E1,P1,2026-01-05,\($0.element),1,1.00,\($0.element),D\n" }
            .joined()
        // The last line's diagnosis starts within eight bytes of the chunk's end (no department,
        // no line end): it takes the plain path.
        codes.append("K21.9")
        text += "L\(codes.count),E1,P1,2026-01-05,K21.9,1,1.00,K21.9,"
        let parsed = try Self.parse(Array(text.utf8))
        #expect(parsed.batch.count == codes.count)
        for (r, code) in codes.enumerated() {
            let trimmed = String(code.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            // One dot, after the third character and before another, is an ICD-10-CM code's.
            let dots = trimmed.indices.filter { trimmed[$0] == "." }.map {
                trimmed.distance(from: trimmed.startIndex, to: $0)
            }
            let dotsRead = dots.isEmpty || (dots == [3] && trimmed.count > 4)
            let expected = dotsRead ? PackedCode.pack(trimmed) ?? PackedCode.invalid : PackedCode.invalid
            // A procedure code has no dot at all (`992.13` passed as 99213).
            let procedure = dots.isEmpty ? expected : PackedCode.invalid
            #expect(parsed.batch.procedure[r] == procedure, "line \(r): \(code)")
            #expect(parsed.batch.diagnosis(r, 0) == expected, "line \(r): \(code)")
        }
    }

    /// NPIs and dates are ten-byte texts answered from one memo per kind: each line must still get
    /// its own values, a malformed date its S03 every time, and an invalid NPI the invalid mark.
    @Test func eachLineGetsItsOwnNPIsAndDatesThroughTheMemo() throws {
        let header = Self.header + ["rendering_npi", "billing_npi", "post_date"]
        var rng = SplitMix64(seed: 11)
        var rows: [(npi: String, billing: String, post: String)] = [
            ("1234567893", "1234567893", "2026-01-05"), ("1234567893", "123456789X", "2026-01-05"),
            ("123456789X", "1234567893", "2026-13-05"), ("123456789", "12345678930", "2026-13-05"),
            ("1234567893", "", "2026-01-06"),
        ]
        for _ in 0..<1200 {
            let npi = String(1_000_000_000 + rng.next() % 40_000)
            let day = String(1 + rng.next() % 28)
            rows.append((npi, npi, "2026-02-" + (day.count == 1 ? "0" + day : day)))
        }
        rows.append(("1234567893", "123456789X", "2026-13-05"))
        let text = rows.enumerated().map {
            "L\($0.offset),E1,P1,2026-01-05,99213,1,1.00,I10,D,\($0.element.npi),\($0.element.billing),\($0.element.post)\n"
        }.joined()
        let parsed = try Self.parse(Array(text.utf8), header: header)
        func npi(_ text: String) -> UInt64 {
            text.isEmpty ? 0 : (text.count == 10 && text.allSatisfy(\.isNumber) ? UInt64(text)! : PackedCode.invalid)
        }
        for (r, row) in rows.enumerated() {
            #expect(parsed.batch.renderingNPI[r] == npi(row.npi), "line \(r)")
            #expect(parsed.batch.billingNPI[r] == npi(row.billing), "line \(r)")
            var post = row.post
            let day = post.withUTF8 { DayNumber.parse(UnsafeRawBufferPointer($0)) }
            #expect(parsed.batch.postDay[r] == day, "line \(r)")
        }
        let s03 = parsed.findings.filter { $0.rule == .S03 && $0.field == "post_date" }.map(\.record)
        #expect(s03 == [2, 3, Int32(rows.count - 1)])
    }

    /// Charge amounts are answered from a memo of amount texts and one-digit units read directly:
    /// each line must still get its own cents and units, and a malformed amount its S03 every time.
    @Test func eachLineGetsItsOwnAmountAndUnitsThroughTheMemo() throws {
        var rng = SplitMix64(seed: 5)
        var amounts = [
            "390.00", "390.00", "39.00", "390.0", "390", "abc", "abc", " 12.5", "(12.00)", "$1,234.56", "1.005",
            "10.00", "10.00", "10.00", "10.00", "10.00", "10.00", "10.00",
        ]
        var units = [
            "1", "1", "2", "0", "x", "10", "-1", "3.0", " 4", "1", "9", "12.5", "-0.25", "2.50", "1.", "3.5.1",
            ".5", ".",
        ]
        for _ in 0..<1500 {
            amounts.append(String(rng.next() % 2000) + "." + String(10 + rng.next() % 90))
            units.append(String(1 + rng.next() % 11))
        }
        amounts.append("abc")
        units.append("7")
        let text = zip(amounts, units).enumerated().map {
            let amount = $0.element.0.contains(",") ? "\"\($0.element.0)\"" : $0.element.0
            return "L\($0.offset),E1,P1,2026-01-05,99213,\($0.element.1),\(amount),I10,D\n"
        }.joined()
        let parsed = try Self.parse(Array(text.utf8))
        for (r, amount) in amounts.enumerated() {
            var copy = amount
            let expected = copy.withUTF8 { Money.cents(UnsafeRawBufferPointer($0)) }
            #expect(parsed.batch.amountCents[r] == expected ?? 0, "line \(r): \(amount)")
            var unitText = units[r]
            let unitValue = unitText.withUTF8 { ChargeParser.units(UnsafeRawBufferPointer($0)) }
            #expect(parsed.batch.units[r] == unitValue ?? 1000, "line \(r): \(units[r])")
        }
        let badAmounts = parsed.findings.filter { $0.rule == .S03 && $0.field == "charge_amount" }.map(\.record)
        #expect(badAmounts == [5, 6, 10, Int32(amounts.count - 1)])
        let badUnits = parsed.findings.filter { $0.rule == .S03 && $0.field == "units" }.map(\.record)
        // Line 3's units of 0 beside an amount are S03 too.
        #expect(badUnits == [3, 4, 15, 17])
        // X12 writes a half unit `.5`: a number (it was S03).
        #expect(parsed.batch.units[16] == 500)
        // Units in thousandths, the fraction kept: 12.5 miles, a credit of 0.25 units.
        #expect(Array(parsed.batch.units[11...14]) == [12_500, -250, 2_500, 1_000])
        func thousandths(_ text: String) -> Int32? { Array(text.utf8).withUnsafeBytes { ChargeParser.units($0) } }
        #expect(thousandths("1.0005") == 1_001 && thousandths("0.0001") == 1 && thousandths("1.5000") == 1_500)
        #expect(thousandths("2147483") == 2_147_483_000 && thousandths("2147484") == nil)
        #expect(thousandths("-2147483.647") == -2_147_483_647)
        #expect(ChargeParser.unitsText(1_500) == "1.5" && ChargeParser.unitsText(-250) == "-0.25")
        #expect(ChargeParser.unitsText(2_000) == "2" && ChargeParser.unitsText(1) == "0.001")
        // A number too large for the thousandths says so; a text that is no number says that.
        let large = try Self.parse(
            Array(
                "L1,E1,P1,2026-01-05,99213,5000000,1.00,I10,D\nL2,E1,P1,2026-01-05,99213,2147483.648,1.00,I10,D\nL3,E1,P1,2026-01-05,99213,--5,1.00,I10,D\n"
                    .utf8))
        #expect(
            large.findings.filter { $0.field == "units" }.map(\.message) == [
                "units is over 2,147,483 (a shifted field?)", "units is over 2,147,483 (a shifted field?)",
                "units is not a number",
            ])
        // Zero units with a charge is S03: no service to bill, and payers reject it. With no
        // amount it is a line of no charge, and with a credit a dollar adjustment: both pass.
        let zero = try Self.parse(
            Array(
                "L1,E1,P1,2026-01-05,99213,0,80.00,I10,D\nL2,E1,P1,2026-01-05,99213,0.000,-80.00,I10,D\nL3,E1,P1,2026-01-05,99213,0,0.00,I10,D\n"
                    .utf8))
        #expect(
            zero.findings.filter { $0.field == "units" }.map { [String($0.record), $0.message] } == [
                ["0", "units is 0 on a line with a charge (a charge bills at least one unit)"]
            ])
    }

    /// A charge line is at most $99,999,999.99: a larger amount (an NPI shifted into the field)
    /// is held with S03 saying so, as 93 lines of 15-digit amounts made the run's totals wrap
    /// around. Leading zeros do not count.
    @Test func anAmountOverTheMaximumIsHeldSayingSo() throws {
        func cents(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { Money.cents($0) } }
        #expect(cents("99999999.99") == 9_999_999_999)
        #expect(cents("-$99,999,999.99") == -9_999_999_999)
        #expect(cents("0000000000012.50") == 1250)
        #expect(cents("0") == 0 && cents("0.5") == 50 && cents("000") == 0)
        #expect(cents("100000000.00") == nil && cents("999999999999999.99") == nil)
        // Past sixteen digits too (a field shifted by an account number said "not a decimal
        // amount"); a fraction of a cent says that (`12.345` said "not a decimal amount").
        let text =
            "L1,E1,P1,2026-01-05,99213,1,1234567890,I10,D\nL2,E1,P1,2026-01-05,99213,1,abc,I10,D\n"
            + "L3,E1,P1,2026-01-05,99213,1,123456789012345678901,I10,D\n"
            + "L4,E1,P1,2026-01-05,99213,1,12.345,I10,D\nL5,E1,P1,2026-01-05,99213,1,12.340,I10,D\n"
            + "L6,E1,P1,2026-01-05,99213,1,$12345678901234567,I10,D\nL7,E1,P1,2026-01-05,99213,1,123456789.123,I10,D\n"
            + "L8,E1,P1,2026-01-05,99213,1,1-2-3-4-5-6-7-8-9,I10,D\n"
        let parsed = try Self.parse(Array(text.utf8))
        let messages = parsed.findings.filter { $0.rule == .S03 && $0.field == "charge_amount" }.map(\.message)
        #expect(
            messages == [
                "charge amount is over $99,999,999.99 (a shifted field?)", "charge amount is not a decimal amount",
                "charge amount is over $99,999,999.99 (a shifted field?)",
                "charge amount has more than two decimals: a charge is whole cents",
                "charge amount is over $99,999,999.99 (a shifted field?)",
                "charge amount is over $99,999,999.99 (a shifted field?)", "charge amount is not a decimal amount",
            ])
        // Accounting formats set the dollar sign apart.
        #expect(cents("$ 85.00") == 8500 && cents("$   1,085.00-") == -108_500 && cents("-$ 85") == -8500)
        #expect(cents("$ ") == nil && cents("8 5.00") == nil)
    }
    /// A comma in an amount is a thousands separator only in groups of three: a decimal comma
    /// (`12,34`, a European export) or a stray one (`1,2`, `1,,2`) read as a separator made the
    /// amount a hundred or ten times too large with no finding. They are S03 saying why. A sign
    /// after the dollar sign or a trailing minus (mainframe exports) reads as a credit; it was S03.
    @Test func aCommaInAnAmountOnlyGroupsThousands() throws {
        func cents(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { Money.cents($0) } }
        #expect(cents("1,234.56") == 123_456 && cents("12,345,678") == 1_234_567_800)
        #expect(cents("$1,000") == 100_000 && cents("(1,234.50)") == -123_450 && cents("999,999.9") == 99_999_990)
        // Signs as exports write them: before or after the dollar sign, or a trailing minus.
        #expect(cents("$-54.00") == -5400 && cents("54.00-") == -5400 && cents("$1,054.00-") == -105_400)
        #expect(cents("-54.00-") == nil && cents("-$-54") == nil && cents("-") == nil && cents("$-") == nil)
        // Parentheses are the sign: another inside them read `(54.00-)` as a charge of 54.00.
        #expect(cents("(54.00-)") == nil && cents("(-54.00)") == nil && cents("($54.00)") == -5400)
        for bad in [
            "0,125", "00,125", "12,34", "1,2", "1,,234", "1234,567", "1,23.45", "1,2345.00", "1,234,56", "12,34.5",
            "1,234,",
        ] {
            #expect(cents(bad) == nil, "\(bad)")
        }
        let text = "L1,E1,P1,2026-01-05,99213,1,\"12,34\",I10,D\nL2,E1,P1,2026-01-05,99213,1,\"1,234\",I10,D\n"
        let parsed = try Self.parse(Array(text.utf8))
        let s03 = parsed.findings.filter { $0.rule == .S03 && $0.field == "charge_amount" }
        #expect(s03.map(\.record) == [0])
        #expect(s03.first?.message == "charge amount is not a decimal amount (a comma only groups thousands: 1,234.56)")
    }

    /// S02 names each empty required field; `charge_amount`, not among the four required columns,
    /// is required on every line of an extract that has the column (a blank or spaces-only amount),
    /// and an extract without it is read with no S02.
    @Test func emptyRequiredFieldsAndAnEmptyAmountAreS02() throws {
        let body = Array(
            ("L1,E1,P1,2026-05-01,99213,1,90.00,I10,Clinic\n" + "L2,,P1,2026-05-01,,1,90.00,I10,Clinic\n"
                + "L3,E1,P1,2026-05-01,99213,1,,I10,Clinic\n" + "L4,E1,P1,2026-05-01,99213,1,  ,I10,Clinic\n").utf8)
        let parsed = try Self.parse(body)
        let s02 = parsed.findings.filter { $0.rule == .S02 }.map { "\($0.record) \($0.field)" }
        #expect(s02 == ["1 encounter_id", "1 procedure_code", "2 charge_amount", "3 charge_amount"])
        #expect(
            parsed.findings.first { $0.field == "charge_amount" }?.message.hasPrefix("required field charge_amount")
                == true)
        let withoutAmount = Self.header.filter { $0 != "charge_amount" }
        let plain = try Self.parse(Array("L1,E1,P1,2026-05-01,99213,1,I10,Clinic\n".utf8), header: withoutAmount)
        #expect(!plain.findings.contains { $0.rule == .S02 })
    }
}
