import Foundation
import Testing

@testable import ClaimScrubber

/// An E01 or E02 row names the line the charge repeats (the first it matches) by the line number
/// the findings give that line, and its file when that is another input: the billing specialist
/// who voids one of the two needs both.
@Suite struct EarlierLineTests {
    static let header =
        "line_id,encounter_id,patient_id,service_date,procedure_code,modifier_1,units,charge_amount,rendering_npi,"
        + "department\n"

    static func row(_ id: String, _ encounter: String, units: Int = 1, amount: String = "90.00", note: String = "FM")
        -> String
    {
        "\(id),\(encounter),P1,2026-05-01,99213,,\(units),\(amount),1234567893,\(note)"
    }

    /// Line numbers, not record numbers: a quoted line break before the first occurrence moves
    /// every later line down by one. The first of three alike is named by both repeats.
    @Test func anExactDuplicateNamesTheFirstLineItRepeats() throws {
        let rows = try Fixtures.findings(
            header: Self.header,
            rows: [
                "L0,E0,P9,2026-05-01,99214,,1,120.00,1234567893,\"FAMILY\nMED\"",
                Self.row("L1", "E1"), Self.row("L2", "E2", units: 2, amount: "180.00"), Self.row("L3", "E3"),
                Self.row("L4", "E4"),
            ])
        let e01 = rows.filter { $0["rule"] == "E01" }
        #expect(e01.map { $0["line_id"]! } == ["L3", "L4"], "\(rows)")
        // L1 is on line 4 of the file: header, then L0 over two lines.
        for row in e01 {
            #expect(
                row["message"]
                    == "exact duplicate of line 4 (same patient, date, code, modifiers, units, provider and amount)")
        }
        // L2 differs from L1 in units and amount: a probable duplicate of it.
        let e02 = try #require(rows.first { $0["rule"] == "E02" })
        #expect(e02["line_id"] == "L2")
        #expect(
            e02["message"]
                == "probable duplicate: 99213 already billed on line 4 for this patient, date and provider without a "
                + "repeat modifier")
    }

    /// A repeat in a later input names the earlier input's file; one in the same input does not.
    @Test func aDuplicateInAnotherInputNamesItsFile() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let a = try dir.write("january.csv", Self.header + Self.row("A1", "E1") + "\n")
        let b = try dir.write("february.csv", Self.header + Self.row("B1", "E7") + "\n" + Self.row("B2", "E8") + "\n")
        _ = try Fixtures.scrub([a, b], out: dir.file("o"))
        let e01 = try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "E01" }
        #expect(e01.map { $0["line_id"]! } == ["B1", "B2"])
        #expect(e01.allSatisfy { $0["file"] == "february.csv" })
        #expect(e01.allSatisfy { $0["message"]!.hasPrefix("exact duplicate of line 2 of january.csv (") }, "\(e01)")
    }

    /// A patient-day past the direct scan's size (a placeholder patient) goes through the rule's
    /// dictionaries: the repeats still name the first line.
    @Test func aLargeGroupNamesTheFirstLineToo() throws {
        let count = EncounterRules.directScanLimit + 8
        let rows = try Fixtures.findings(
            header: Self.header, rows: (0..<count).map { Self.row("L\($0)", "E\($0)") })
        let e01 = rows.filter { $0["rule"] == "E01" }
        #expect(e01.count == count - 1)
        #expect(e01.allSatisfy { $0["message"]!.hasPrefix("exact duplicate of line 2 (") }, "\(e01.prefix(2))")
    }

    /// In an 837 the line is the first claim's SV1 segment, counted from the file's start, wherever
    /// the chunks cut the file: three interchanges, read as three units with the smallest chunks,
    /// give the same rows as one read.
    @Test func aDuplicateClaimLineNamesTheSegmentOfTheFirst() throws {
        let line = X12Fixture.Line(ref: "R1")
        func interchange(_ n: Int, _ claims: [X12Fixture.Claim]) -> [String] {
            X12Fixture.interchange(
                control: "00000000\(n)",
                [X12Fixture.group(control: "\(n)", [X12Fixture.transaction(control: "000\(n)", claims: claims)])])
        }
        // The first interchange alone is over the smallest chunk (1 KiB).
        let others = (1...4).map {
            X12Fixture.Claim(
                id: "OTHER\($0)", lines: [X12Fixture.Line(code: "85025", charge: "31")], memberId: "OTHER\($0)")
        }
        let segments =
            interchange(1, others) + interchange(2, [X12Fixture.Claim(id: "FIRST", lines: [line])])
            + interchange(3, [X12Fixture.Claim(id: "AGAIN", lines: [line])])
        #expect(X12Fixture.render(interchange(1, others)).utf8.count > 1 << 10)
        let sv1 = segments.indices.filter { segments[$0].hasPrefix("SV1*HC:99213") }
        #expect(sv1.count == 2)
        var messages: [[String]] = []
        for chunk in [1 << 20, 64] {
            let dir = try TemporaryFolder()
            defer { dir.remove() }
            let input = try dir.write("claims.x12", X12Fixture.render(segments))
            _ = try Fixtures.scrub([input], out: dir.file("o")) { $0.chunkSize = chunk }
            let e01 = try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "E01" }
            #expect(e01.map { $0["encounter_id"]! } == ["AGAIN"])
            let ownText = try #require(e01.first?["line_number"])
            let own = try #require(Int(ownText))
            // The first claim's SV1 lies as many segments before as the two SV1s are apart.
            let first = own - (sv1[1] - sv1[0])
            #expect(e01.first?["message"]?.hasPrefix("exact duplicate of line \(first) (") == true, "\(e01)")
            messages.append(e01.map { $0["message"]! })
        }
        #expect(messages[0] == messages[1])
    }

    /// In HL7 the line is the first message's FT1 segment; in another file it names that file.
    @Test func aDuplicateChargeMessageNamesTheFT1OfTheFirst() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        func message(_ n: Int) -> String {
            HL7Fixture.message(control: "M\(n)", visit: "V\(n)", charges: [HL7Fixture.charge(set: 1, id: "T\(n)")])
                .joined(separator: "\r") + "\r"
        }
        let a = try dir.write("a.hl7", message(1) + message(2))
        let b = try dir.write("b.hl7", message(3))
        _ = try Fixtures.scrub([a, b], out: dir.file("o"))
        let e01 = try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "E01" }
        #expect(e01.map { $0["encounter_id"]! } == ["V2", "V3"], "\(e01)")
        // The FT1 of the first message is its fifth segment (MSH, EVN, PID, PV1, FT1); the
        // second message's FT1 is five segments later.
        #expect(e01.first?["line_number"] == "10")
        #expect(e01.first?["message"]?.hasPrefix("exact duplicate of line 5 (") == true, "\(e01)")
        #expect(e01.last?["message"]?.hasPrefix("exact duplicate of line 5 of a.hl7 (") == true, "\(e01)")
    }

    /// Pass 2's record of where named lines lie, on its own: records numbered over three inputs
    /// (the middle one empty), named ones passed at line numbers that quoted line breaks pushed
    /// down, each looked up from a later finding; a record not yet passed, or never named, gives
    /// no line rather than a guessed one.
    @Test func namedRecordsAreFoundAtTheLinesPassTwoMetThem() throws {
        func finding(_ ordinal: UInt64, repeating earlier: UInt64) -> EncounterFinding {
            EncounterFinding(
                line: EncounterLine(
                    ordinal: ordinal, patient: 1, code: PackedCode.pack("99213")!, modifiers: 0, amountCents: 100,
                    day: 20_600, units: 1, rendering: 0, billing: 0, department: 0, payer: 0, flags: 0),
                rule: .E01, severity: .error, earlier: earlier)
        }
        // Inputs of 70, 0 and 130 records: records 0–69, then 70–199. Named: 3, 64 (a word's
        // first bit), 69 (the first input's last), 70 (the third input's first) and 190, some twice.
        var all = EncounterFindings()
        let later = [
            finding(10, repeating: 3), finding(11, repeating: 3), finding(100, repeating: 64),
            finding(150, repeating: 69), finding(160, repeating: 70), finding(195, repeating: 190),
        ]
        try all.add(sorted: later)
        var lines = try EarlierLines(all, recordsPerFile: [70, 0, 130])
        let names = ["a.csv", "empty.csv", "c.csv"]
        // Each input has a one-line header; the first input's record 50 spans three lines, the
        // third input's record 80 (run-wide 150) two.
        func lineOf(_ ordinal: UInt64) -> (line: Int, file: Int) {
            if ordinal < 70 { return (Int(ordinal) + 2 + (ordinal > 50 ? 2 : 0), 0) }
            let within = Int(ordinal) - 70
            return (within + 2 + (within > 80 ? 1 : 0), 2)
        }
        var met: [UInt64] = []
        #expect(lines.earlier(of: later[0], file: 0, fileNames: names) == nil, "not passed yet")
        for ordinal in UInt64(0)..<200 where lines.nextOrdinal == ordinal {
            met.append(ordinal)
            lines.pass(line: lineOf(ordinal).line)
        }
        #expect(met == [3, 64, 69, 70, 190])
        #expect(lines.nextOrdinal == .max)
        #expect(lines.earlier(of: later[0], file: 0, fileNames: names) == .init(line: 5, file: nil))
        #expect(lines.earlier(of: later[1], file: 0, fileNames: names) == .init(line: 5, file: nil))
        #expect(lines.earlier(of: later[2], file: 2, fileNames: names) == .init(line: 68, file: "a.csv"))
        #expect(lines.earlier(of: later[3], file: 2, fileNames: names) == .init(line: 73, file: "a.csv"))
        #expect(lines.earlier(of: later[4], file: 2, fileNames: names) == .init(line: 2, file: nil))
        #expect(lines.earlier(of: later[5], file: 2, fileNames: names) == .init(line: 123, file: nil))
        // A finding naming a record no finding of the set named, and one past the run's records.
        #expect(lines.earlier(of: finding(199, repeating: 5), file: 2, fileNames: names) == nil)
        #expect(lines.earlier(of: finding(199, repeating: 900), file: 2, fileNames: names) == nil)
        // No named record at all: nothing to meet.
        let none = try EarlierLines(EncounterFindings(), recordsPerFile: [70, 0, 130])
        #expect(none.nextOrdinal == .max)
    }
}
