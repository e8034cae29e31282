import Foundation
import Testing

@testable import ClaimScrubber

/// DFT^P03 messages written from the HL7 v2 segment layouts.
enum HL7Fixture {
    static func segment(_ id: String, _ fields: [Int: String]) -> String {
        let last = fields.keys.max() ?? 0
        return ([id] + (1...max(1, last)).map { fields[$0] ?? "" }).joined(separator: "|")
    }

    static func charge(
        set: Int, id: String, code: String = "99213", amount: String = "110.00", quantity: String = "1",
        type: String = "CG",
        department: String = "FAMILY MED", diagnoses: String = "I10", version: String = "2.5", modifiers: String = ""
    ) -> String {
        var f: [Int: String] = [
            1: "\(set)", 2: id, 4: "20260415", 5: "20260416", 6: type, 13: department, 19: diagnoses,
            20: X12Fixture.renderingNPI + "^SMITH^JOHN",
        ]
        if version == "2.1" {
            f[7] = code
            f[10] = amount
            f[11] = quantity
        } else if version == "2.2" {
            f[7] = code
            f[10] = quantity
            f[11] = amount
        } else {
            f[7] = "CDM" + code
            f[10] = quantity
            f[11] = amount
            f[25] = code
            f[26] = modifiers
        }
        return segment("FT1", f)
    }

    static func message(
        control: String, visit: String, patient: String = "MRN001", version: String = "2.5", charges: [String]
    ) -> [String] {
        [
            "MSH|^~\\&|EPIC|HOSP|BILLING|HOSP|20260420120000||DFT^P03|\(control)|P|\(version)",
            "EVN|P03|20260420120000",
            segment("PID", [1: "1", 3: "\(patient)^^^HOSP^MR", 5: "DOE^JANE", 7: "19700101", 8: "F"]),
            segment("PV1", [1: "1", 2: "O", 19: visit]),
        ] + charges
    }
}

@Suite("HL7 DFT^P03 reader")
struct HL7MessageReaderTests {
    func scrub(_ text: String) throws -> (ScrubPipeline.Result, TemporaryFolder, [[String: String]]) {
        try Fixtures.scrubInFolder(text, name: "charges.hl7")
    }

    func records(_ text: String) throws -> String {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reader = HL7MessageReader(source: try InputSource(path: try folder.write("m.hl7", text)), copy: false)
        while try reader.nextClaim() {}
        return String(decoding: reader.records.csvText, as: UTF8.self)
    }

    @Test(arguments: ["\r", "\n", "\r\n"])
    func messagesWithAnyTerminatorAreScrubbed(terminator: String) throws {
        let m1 = HL7Fixture.message(
            control: "M1", visit: "V1",
            charges: [
                HL7Fixture.charge(set: 1, id: "T1"),
                HL7Fixture.charge(set: 2, id: "T2", code: "36415", amount: "18.00"),
            ])
        let m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002",
            charges: [HL7Fixture.charge(set: 1, id: "T3", code: "85025", amount: "31.00")])
        // A byte order mark first (as Windows tools write) is read past.
        let (result, folder, findings) = try scrub("\u{FEFF}" + (m1 + m2).joined(separator: terminator) + terminator)
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
        #expect(result.summary.metrics.records == 3)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
        #expect(clean.components(separatedBy: "MSH|").count == 3)
    }

    /// A message whose control id (MSH-10) repeats an earlier one's from the same sending
    /// application and facility is a resend to a receiver, which drops it: X01 holds the later
    /// message. Another sender's, or another id, is no repeat.
    @Test func aRepeatedMessageControlIdHoldsTheLaterMessage() throws {
        let m1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let m2 = HL7Fixture.message(
            control: "M1", visit: "V2", patient: "MRN002", charges: [HL7Fixture.charge(set: 1, id: "T2", code: "36415")]
        )
        var m3 = HL7Fixture.message(
            control: "M1", visit: "V3", patient: "MRN003", charges: [HL7Fixture.charge(set: 1, id: "T3", code: "85025")]
        )
        m3[0] = m3[0].replacingOccurrences(of: "|EPIC|HOSP|", with: "|CERNER|HOSP|")
        let (result, folder, findings) = try scrub((m1 + m2 + m3).joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(
            findings.map { [$0["encounter_id"]!, $0["rule"]!, $0["field"]!, $0["value"]!] } == [
                ["V2", "X01", "MSH-10", "M1"]
            ], "\(findings)")
        #expect(findings.first?["message"]?.contains("repeats an earlier message's") == true)
        #expect(findings.first?["message"]?.contains("(segment 1)") == true, "\(findings)")
        #expect(result.exitStatus == 1)
        let held = try ClaimFileTestSupport.text(folder.file("out/held.hl7"))
        #expect(held.contains("MRN002") && !held.contains("MRN001") && !held.contains("MRN003"))
    }

    /// A byte order mark is read past on the input's first line only. After a blank line its
    /// bytes are damage in front of the first MSH: the run stops naming it, where the three bytes
    /// were silently left out of the outputs (a fuzzed case: clean and held 5 bytes short).
    @Test func aByteOrderMarkAfterABlankLineIsNotReadPast() throws {
        let messages = (1...2).flatMap { n in
            HL7Fixture.message(control: "M\(n)", visit: "V\(n)", charges: [HL7Fixture.charge(set: 1, id: "T\(n)")])
        }
        let text = messages.joined(separator: "\r") + "\r"
        #expect {
            _ = try scrub("\r\n\u{FEFF}" + text)
        } throws: { error in
            (error as? ScrubError)?.message.contains("outside a message") == true
        }
        let (result, folder, _) = try scrub("\u{FEFF}" + text)
        defer { folder.remove() }
        #expect(result.summary.metrics.records == 2)
    }

    /// FT1-2 and FT1-1 both empty (as some senders leave them): each line's id is its FT1's place
    /// in the message, not the same `MSH-10:` for all.
    @Test func chargesWithoutIdOrSetIdAreNumberedByTheirPlace() throws {
        let m1 = HL7Fixture.message(
            control: "M1", visit: "V1",
            charges: (1...3).map { _ in HL7Fixture.charge(set: 9, id: "", diagnoses: "Q9999") }
        ).map { $0.replacingOccurrences(of: "FT1|9|", with: "FT1||") }
        #expect(m1.filter { $0.hasPrefix("FT1||") }.count == 3)
        let (_, folder, findings) = try scrub(m1.joined(separator: "\r") + "\r")
        defer { folder.remove() }
        // Each line's C04 (the later two are also duplicates of the first).
        #expect(
            findings.filter { $0["rule"] == "C04" }.map { $0["line_id"]! } == ["M1:#1", "M1:#2", "M1:#3"], "\(findings)"
        )
    }

    @Test func aBadChargeHoldsTheWholeMessage() throws {
        let m1 = HL7Fixture.message(
            control: "M1", visit: "V1",
            charges: [
                HL7Fixture.charge(set: 1, id: "T1"),
                HL7Fixture.charge(set: 2, id: "", code: "36415", amount: "18.00", diagnoses: "Q9999"),
            ])
        let m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002",
            charges: [HL7Fixture.charge(set: 1, id: "T3", code: "85025", amount: "31.00")])
        let (result, folder, findings) = try scrub((m1 + m2).joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(findings.map { $0["rule"] } == ["C04"])
        // No FT1-2: the line id is MSH-10:FT1-1; the line number is the FT1's segment position.
        #expect(findings.first?["line_id"] == "M1:2")
        #expect(findings.first?["encounter_id"] == "V1")
        #expect(findings.first?["line_number"] == "6")
        let held = try ClaimFileTestSupport.text(folder.file("out/held.hl7"))
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
        #expect(held.contains("|M1|") && !held.contains("|M2|"))
        #expect(clean.contains("|M2|") && !clean.contains("|M1|"))
        #expect(result.summary.metrics.held == 2)
    }

    /// FT1-26 repeats without limit, a claim line carries four modifiers: a fifth holds the
    /// message with C07 instead of being dropped without a word; four are read as before.
    @Test func aFifthModifierRepetitionIsC07() throws {
        let m1 = HL7Fixture.message(
            control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", modifiers: "25~59~RT~LT")])
        let m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002",
            charges: [HL7Fixture.charge(set: 1, id: "T3", modifiers: "25~59~RT~LT~GP~XU")])
        let (result, folder, findings) = try scrub((m1 + m2).joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(
            findings.map { [$0["rule"]!, $0["line_id"]!, $0["field"]!, $0["value"]!] } == [
                ["C07", "T3", "modifiers", "GP:XU"]
            ])
        #expect(findings.first?["message"]?.contains("more than four") == true)
        #expect(result.summary.metrics.held == 1)
        #expect(try records(m1.joined(separator: "\r")).contains(",25,59,RT,LT,"))
    }

    /// A value broken over two lines starts its second line with a space: that line is read as a
    /// segment of its own, and the message is copied as it was, the space, the LF before it and a
    /// line of nothing but spaces (no segment) included.
    @Test func leadingSpacesOfASegmentAreCopied() throws {
        var m1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        m1.insert("  \t", at: 2)
        m1[4] = m1[4].replacingOccurrences(of: "|O|", with: "|O|FAMILY\n MEDICINE|")
        let text = m1.joined(separator: "\r") + "\r"
        let (result, folder, _) = try scrub(text)
        defer { folder.remove() }
        #expect(result.summary.metrics.records == 1)
        // Held or clean (PV1-19 is on the second line now): either way, whole and unchanged.
        let out =
            try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
            + ClaimFileTestSupport.text(folder.file("out/held.hl7"))
        #expect(out == text)
    }

    @Test func batchAndMLLPFramingAreReadAndRebuilt() throws {
        let m1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002",
            charges: [HL7Fixture.charge(set: 1, id: "T3", diagnoses: "Q9999")])
        func framed(_ m: [String]) -> String { "\u{0B}" + m.joined(separator: "\r") + "\r\u{1C}\r" }
        let text = "FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r" + framed(m1) + framed(m2) + "BTS|2\rFTS|1\r"
        let (result, folder, _) = try scrub(text)
        defer { folder.remove() }
        #expect(result.summary.metrics.records == 2)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
        #expect(clean.hasPrefix("FHS|"))
        #expect(clean.contains("\u{0B}MSH|"))
        #expect(clean.contains("BTS|1\r"))
        #expect(clean.hasSuffix("FTS|1\r"))
    }

    /// A DOS end-of-file mark (Ctrl-Z) after the last message, on a line of its own, is no segment:
    /// it held the message before it with X01.
    @Test(arguments: ["\u{1A}", "\u{1A}\r", "\r\u{1A}"])
    func aControlZAtTheEndIsNoSegment(end: String) throws {
        let m = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let (result, folder, findings) = try scrub(m.joined(separator: "\r") + "\r" + end)
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.summary.metrics.held == 0 && result.summary.metrics.records == 1)
    }

    /// A batch whose BTS-1 or FTS-1 is not its count, or that the file ends before its BTS or FTS
    /// (a file cut or spliced), holds its messages with X01; those passed clean, and a receiver
    /// rejects the batch. A batch with right counts, or no counts, passes.
    @Test(
        arguments: [
            ("BTS|2\rFTS|1\r", []), ("BTS\rFTS\r", []), ("BTS|7\rFTS|1\r", ["BTS-1"]), ("BTS|2\rFTS|3\r", ["FTS-1"]),
            ("", ["BTS", "FTS"]), ("BTS|2\r", ["FTS"]),
        ] as [(String, [String])])
    func batchCountsAndTrailersAreChecked(trailer: String, fields: [String]) throws {
        let m1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002", charges: [HL7Fixture.charge(set: 1, id: "T3")])
        let text =
            "FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r" + m1.joined(separator: "\r") + "\r" + m2.joined(separator: "\r")
            + "\r" + trailer
        let (result, folder, findings) = try scrub(text)
        defer { folder.remove() }
        // Each of the two messages gets each field's X01.
        let x01 = findings.filter { $0["rule"] == "X01" }.map { $0["field"] ?? "" }
        #expect(x01.sorted() == (fields + fields).sorted(), "\(findings)")
        #expect(result.summary.metrics.held == (fields.isEmpty ? 0 : 2))
        if fields.isEmpty { #expect(findings.isEmpty, "\(findings)") }
    }

    /// Batched files scrubbed together: each file's batch stays its own (batch numbers restart in
    /// each file, and the second file's first batch joined the first's), the rebuilt envelope ends
    /// every segment with the terminator of the file that opened it (BTS/FTS took the last
    /// message's, so the output scrubbed again changed), and an FHS without batches keeps its
    /// FHS/FTS (it was dropped).
    @Test func batchedFilesKeepTheirBatchesAndTheEnvelopeOneTerminator() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        func file(_ n: Int, _ t: String, batch: Bool = true) -> String {
            let m = HL7Fixture.message(
                control: "M\(n)", visit: "V\(n)", patient: "MRN\(n)", charges: [HL7Fixture.charge(set: 1, id: "T\(n)")])
            let body = m.joined(separator: t) + t
            return batch
                ? "FHS|^~\\&|F\(n)\(t)BHS|^~\\&|B-\(n)\(t)" + body + "BTS|1\(t)FTS|1\(t)"
                : "FHS|^~\\&|F\(n)\(t)" + body + "FTS|0\(t)"
        }
        let a = try folder.write("a.hl7", file(1, "\n"))
        let b = try folder.write("b.hl7", file(2, "\r\n"))
        _ = try Fixtures.scrub([a, b], out: folder.file("o1"))
        let clean = try ClaimFileTestSupport.text(folder.file("o1/clean.hl7"))
        let envelope = clean.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .filter { ["FHS", "BHS", "BTS", "FTS"].contains(String($0.prefix(3))) }
        #expect(
            envelope == ["FHS|^~\\&|F1", "BHS|^~\\&|B-1", "BTS|1", "BHS|^~\\&|B-2", "BTS|1", "FTS|2"],
            "\(clean.debugDescription)")
        #expect(!clean.contains("BTS|1\r\n") && !clean.contains("FTS|2\r\n"))
        #expect(clean.contains("MSH|^~\\&|EPIC|HOSP|BILLING|HOSP|20260420120000||DFT^P03|M2|P|2.5\r\n"))
        // Scrubbed again, the output comes out the same.
        let again = try folder.write("again.hl7", clean)
        _ = try Fixtures.scrub([again], out: folder.file("o2"))
        #expect(try ClaimFileTestSupport.text(folder.file("o2/clean.hl7")) == clean)
        // A message after a batch trailer is in no batch (it joined the batch before it), and an
        // unbatched LF file before a batched CR one: scrubbed again, each output is the same.
        func message(_ n: Int, _ t: String) -> String {
            HL7Fixture.message(
                control: "M\(n)", visit: "V\(n)", patient: "MRN\(n)", charges: [HL7Fixture.charge(set: 1, id: "T\(n)")]
            )
            .joined(separator: t) + t
        }
        let cases = [
            ["BHS|^~\\&|B\r" + message(4, "\r") + "BTS|1\r" + message(5, "\r")],
            [message(6, "\n"), "BHS|^~\\&|B\r" + message(7, "\r") + "BTS|1\r"],
        ]
        for (k, texts) in cases.enumerated() {
            let paths = try texts.enumerated().map { try folder.write("c\(k)-\($0.offset).hl7", $0.element) }
            _ = try Fixtures.scrub(paths, out: folder.file("c\(k)"))
            let first = try ClaimFileTestSupport.text(folder.file("c\(k)/clean.hl7"))
            _ = try Fixtures.scrub([try folder.write("c\(k)-again.hl7", first)], out: folder.file("c\(k)-again"))
            #expect(
                try ClaimFileTestSupport.text(folder.file("c\(k)-again/clean.hl7")) == first,
                "\(first.debugDescription)")
            if k == 0 { #expect(first.hasSuffix("BTS|1\r" + message(5, "\r")), "\(first.debugDescription)") }
        }
        let fileOnly = try folder.write("f.hl7", file(3, "\r", batch: false))
        _ = try Fixtures.scrub([fileOnly], out: folder.file("o3"))
        let kept = try ClaimFileTestSupport.text(folder.file("o3/clean.hl7"))
        #expect(kept.hasPrefix("FHS|^~\\&|F3\r") && kept.hasSuffix("FTS|0\r"), "\(kept.debugDescription)")
        // A file without an FHS before one with: an FHS is a file's first segment or nowhere (it
        // was written in the middle of the output); the second file's batch is kept, no FTS.
        let plainFirst = try folder.write("p.hl7", message(8, "\r"))
        let batched = try folder.write("q.hl7", file(9, "\r"))
        _ = try Fixtures.scrub([plainFirst, batched], out: folder.file("o4"))
        let mixed = try ClaimFileTestSupport.text(folder.file("o4/clean.hl7"))
        #expect(!mixed.contains("FHS|") && !mixed.contains("FTS|"), "\(mixed.debugDescription)")
        #expect(mixed.hasPrefix("MSH|") && mixed.contains("\rBHS|^~\\&|B-9\r") && mixed.hasSuffix("BTS|1\r"))
    }

    /// Each message is copied with its own bytes: its framing (MLLP or none) and its terminators
    /// (CR, LF or CRLF, a bare LF inside a CR-terminated NTE) as the input had them, whatever the
    /// messages before it had. Before, MLLP framing was a file-wide flag set by the first framed
    /// message, and every segment was rewritten with the file's first terminator.
    @Test(arguments: [1, 2])
    func eachMessageKeepsItsOwnFramingAndTerminators(workers: Int) throws {
        func message(_ n: Int, held: Bool = false, note: String? = nil) -> [String] {
            var m = HL7Fixture.message(
                control: "M\(n)", visit: "V\(n)", patient: "MRN00\(n)",
                charges: [HL7Fixture.charge(set: 1, id: "T\(n)", diagnoses: held ? "Q9999" : "I10")])
            if let note { m.append("NTE|1||" + note) }
            return m
        }
        func plain(_ m: [String], _ terminator: String) -> String { m.joined(separator: terminator) + terminator }
        func framed(_ m: [String], _ terminator: String) -> String { "\u{0B}" + plain(m, terminator) + "\u{1C}\r" }
        let messages = [
            plain(message(1, note: "line one\nline two"), "\r"),
            framed(message(2), "\r"),
            plain(message(3), "\n"),
            plain(message(4, held: true), "\r\n"),
            framed(message(5, held: true), "\r\n"),
            plain(message(6), "\r\n"),
            framed(message(7), "\n"),
        ]
        let isHeld = { (m: String) in m.contains("Q9999") }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("mixed.hl7", messages.joined())
        let out = folder.file("out")
        let result = try Fixtures.scrub([input], out: out) {
            $0.workers = workers
            $0.chunkSize = 64
        }
        #expect(result.summary.metrics.records == 7)
        let clean = try Fixtures.read(out + "/clean.hl7")
        let held = try Fixtures.read(out + "/held.hl7")
        #expect(clean == Array(messages.filter { !isHeld($0) }.joined().utf8))
        #expect(held == Array(messages.filter(isHeld).joined().utf8))
    }

    /// A file whose last segment has no terminator: that message is written with the terminator
    /// read before it, so a message after it in the same output starts a line of its own.
    @Test func aLastSegmentWithoutTerminatorTakesTheOneBeforeIt() throws {
        // Two messages, CRLF-terminated, the file's last segment without one.
        func file(_ n: Int) -> String {
            let messages = [n, n + 1].map {
                HL7Fixture.message(
                    control: "M\($0)", visit: "V\($0)", patient: "MRN00\($0)",
                    charges: [HL7Fixture.charge(set: 1, id: "T\($0)")])
            }
            return messages.map { $0.joined(separator: "\r\n") }.joined(separator: "\r\n")
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try folder.write("a.hl7", file(1))
        let second = try folder.write("b.hl7", file(3))
        _ = try Fixtures.scrub([first, second], out: folder.file("out"))
        let clean = try Fixtures.read(folder.file("out/clean.hl7"))
        #expect(clean == Array((file(1) + "\r\n" + file(3) + "\r\n").utf8))
    }

    /// A line before the first MSH stops the run; the error names the segment only when it is a
    /// standard HL7 segment. A dump cut inside a PID starts with the patient's name, and a line
    /// may hold terminal control bytes: neither reaches stderr (invariant 6), also when the name
    /// has a segment id's shape ("DOE|").
    @Test(
        arguments: [
            ("DOE^JANE^Q||19111111|F|||12 ELM ST", nil), ("\u{1B}[2J|x", nil), ("DOE|JANE", nil),
            ("EVN|P03|20260420", "EVN"),
        ] as [(String, String?)])
    func aStraySegmentIsNamedOnlyWhenItIsAStandardSegment(line: String, named: String?) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let message = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let path = try folder.write("cut.hl7", line + "\r" + message.joined(separator: "\r") + "\r")
        do {
            _ = try Fixtures.scrub([path], out: folder.file("out"))
            Issue.record("a segment before the first MSH was read")
        } catch let error as ScrubError {
            let text = "\(error)"
            #expect(error.line == 1, "\(text)")
            #expect(!text.contains("DOE") && !text.contains("\u{1B}") && !text.contains("[2J"), "\(text)")
            if let named {
                #expect(error.message.contains("segment 1: \(named) outside a message"), "\(text)")
            } else {
                #expect(error.message.contains("segment 1: a line that is not a standard HL7 segment"), "\(text)")
            }
        }
    }

    /// MSH-9 is quoted in X01's message only when it is a message type of HL7 table 0076 (a surname
    /// in a misaligned MSH has the shape of one).
    @Test(arguments: [("ADT^A03", true), ("DOE^JANE", false), ("\u{1B}[2J", false)])
    func aMessageTypeIsQuotedOnlyWhenItIsATable0076Type(type: String, quoted: Bool) throws {
        var message = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        message[0] = message[0].replacingOccurrences(of: "DFT^P03", with: type)
        let (_, folder, findings) = try scrub(message.joined(separator: "\r") + "\r")
        defer { folder.remove() }
        let messages = findings.filter { $0["field"] == "MSH-9" }.map { $0["message"]! }
        let prefix = "segment 1: MSH-9 message type"
        #expect(messages == [prefix + (quoted ? " ADT" : "") + " is not DFT (a charge message)"])
    }

    @Test func version21SwapsQuantityAndAmountAndTakesTheCodeFromFT17() throws {
        let v21 = try records(
            HL7Fixture.message(
                control: "M1", visit: "V1", version: "2.1",
                charges: [HL7Fixture.charge(set: 1, id: "T1", quantity: "2", version: "2.1")]
            ).joined(separator: "\r"))
        let v22 = try records(
            HL7Fixture.message(
                control: "M1", visit: "V1", version: "2.2",
                charges: [HL7Fixture.charge(set: 1, id: "T1", quantity: "2", version: "2.2")]
            ).joined(separator: "\r"))
        let v25 = try records(
            HL7Fixture.message(
                control: "M1", visit: "V1",
                charges: [HL7Fixture.charge(set: 1, id: "T1", quantity: "2", modifiers: "25")]
            ).joined(separator: "\r"))
        #expect(v21.contains(",99213,,,,,2,110.00,I10,"))
        #expect(v22.contains(",99213,,,,,2,110.00,I10,"))
        #expect(v25.contains(",99213,25,,,,2,110.00,I10,"))
    }

    /// FT1-32 (performing facility, the billing NPI) and FT1-41 (revenue code) came with v2.6:
    /// before it, what a sender puts there is its own, and is not read.
    @Test(arguments: [("2.3", false), ("2.5.1", false), ("2.6", true), ("2.8.2", true)])
    func facilityAndRevenueCodeAreReadFromVersion26(version: String, read: Bool) throws {
        var charge = HL7Fixture.charge(set: 1, id: "T1")
        // Fields 27–31 empty, then FT1-32 (XON-3 id) and, nine fields on, FT1-41.
        let last = charge.split(separator: "|", omittingEmptySubsequences: false).count - 1
        charge += String(repeating: "|", count: 32 - last) + "^^1234567893" + String(repeating: "|", count: 9) + "0450"
        let text = HL7Fixture.message(control: "M1", visit: "V1", version: version, charges: [charge]).joined(
            separator: "\r")
        let fields = try records(text).split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false)
        let column = { (c: Column) in String(fields[CanonicalRecords.columns.firstIndex(of: c)!]) }
        #expect(column(.revenueCode) == (read ? "0450" : ""))
        #expect(column(.billingNpi) == (read ? "1234567893" : ""))
        #expect(HL7MessageReader.isVersion(Array(version.utf8), atLeast: 2, 6) == read)
    }

    @Test func creditsAreNegativeAndEscapesAreDecoded() throws {
        let text = HL7Fixture.message(
            control: "M1", visit: "V1",
            charges: [HL7Fixture.charge(set: 1, id: "T1", type: "CD", department: "FAMILY\\F\\MED\\S\\X")]
        ).joined(separator: "\r")
        let records = try records(text)
        #expect(records.contains(",-110.00,"))
        #expect(records.contains("FAMILY|MED^X"))
    }

    /// `\Xhh…\` gives bytes in hexadecimal: FT1-25 `\X3336343135\` is the code 36415. It reached
    /// the rules as written, and C01 held the message. An odd or non-hex run stays as written.
    @Test func hexadecimalEscapesAreDecoded() throws {
        let charge = HL7Fixture.charge(set: 1, id: "T1", code: "\\X3336343135\\", department: "WARD \\X4\\")
        let records = try records(
            HL7Fixture.message(control: "M1", visit: "V1", charges: [charge]).joined(separator: "\r"))
        #expect(records.contains(",36415,"), "\(records)")
        #expect(records.contains("WARD \\X4\\"), "\(records)")
    }

    /// FT1-11 (extended amount) is optional: with FT1-12 (unit amount) alone the charge is the
    /// unit amount times FT1-10. Such lines were held with S02 on charge_amount.
    @Test func aUnitAmountTimesTheQuantityIsTheCharge() throws {
        let charge = HL7Fixture.charge(set: 1, id: "T1", code: "36415", amount: "", quantity: "2")
        var fields = charge.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        fields[12] = "18.00"  // FT1-12
        let ft1 = fields.joined(separator: "|")
        let records = try records(
            HL7Fixture.message(control: "M1", visit: "V1", charges: [ft1]).joined(separator: "\r"))
        #expect(records.contains(",2,36.00,"), "\(records)")
        // A fractional quantity multiplies as written: 2.5 × 18.00 is 45.00 (it was 3 × 18.00).
        var half = fields
        half[10] = "2.5"
        let fractional = try self.records(
            HL7Fixture.message(control: "M1", visit: "V1", charges: [half.joined(separator: "|")]).joined(
                separator: "\r"))
        #expect(fractional.contains(",2.5,45.00,"), "\(fractional)")
        // A unit price finer than a cent (a drug's): 8 × 0.125 is 1.00, 3 × 33.333 is 100.00 (a
        // hundredth of a cent rounds), 0.5 × 0.25 is 0.13. Each was no amount, S02.
        for (quantity, price, charge) in [("8", "0.125", "1.00"), ("3", "33.333", "100.00"), ("0.5", "0.25", "0.13")] {
            var fine = fields
            (fine[10], fine[12]) = (quantity, price)
            let priced = try self.records(
                HL7Fixture.message(control: "M1", visit: "V1", charges: [fine.joined(separator: "|")]).joined(
                    separator: "\r"))
            #expect(priced.contains(",\(quantity),\(charge),"), "\(priced)")
        }
        // The findings of one message of this charge with FT1-10 and FT1-12 edited.
        func findings(quantity: String? = nil, price: String? = nil) throws -> (Int32, [[String: String]]) {
            var edited = fields
            if let quantity { edited[10] = quantity }
            if let price { edited[12] = price }
            let (result, folder, findings) = try scrub(
                HL7Fixture.message(control: "M1", visit: "V1", charges: [edited.joined(separator: "|")]).joined(
                    separator: "\r") + "\r")
            defer { folder.remove() }
            return (result.exitStatus, findings)
        }
        // A price that is none is S03 quoting it, not an empty amount (S02).
        let bad = try findings(price: "18.00.1").1
        #expect(bad.map { [$0["rule"]!, $0["value"]!] } == [["S03", "18.00.1"]], "\(bad)")
        // A price with a quantity that is none prices nothing: S03 on the units, the amount empty
        // (S02). The price alone was the line's charge, 18.00 among the held dollars.
        let noCount = try findings(quantity: "2x").1
        #expect(
            noCount.map { [$0["rule"]!, $0["field"]!] }.sorted { $0[0] < $1[0] } == [
                ["S02", "charge_amount"], ["S03", "units"],
            ], "\(noCount)")
        // A unit price with a quantity of 0 bills nothing: S03 on the units, as a CSV line of 0
        // units with a charge. It was priced 0.00 and passed clean.
        let zero = try findings(quantity: "0.000").1
        #expect(zero.map { [$0["rule"]!, $0["field"]!, $0["value"]!] } == [["S03", "units", "0.000"]], "\(zero)")
        // A credit (FT1-6 CD) of 0 units is a dollar adjustment, as in an extract: it passes.
        var credit = fields
        (credit[6], credit[10]) = ("CD", "0")
        let (_, creditFolder, creditFindings) = try scrub(
            HL7Fixture.message(control: "M1", visit: "V1", charges: [credit.joined(separator: "|")]).joined(
                separator: "\r") + "\r")
        defer { creditFolder.remove() }
        #expect(creditFindings.isEmpty, "\(creditFindings)")
        // A product next to Int64's end: rounding it trapped (signal 4); the amount is too large
        // for a charge line, S03, and the run goes on.
        let (status, huge) = try findings(quantity: "923445.05", price: "99880031.16")
        #expect(status == 1)
        #expect(huge.map { [$0["rule"]!, $0["field"]!] } == [["S03", "charge_amount"]], "\(huge)")
    }

    /// A date written `YYYY-MM-DD` (not HL7's form, but read) keeps its ten bytes: cut at eight
    /// it was `2026-05-` and S03. Other layouts are read whole, as an extract's dates.
    @Test func aDateWithDashesIsReadWhole() throws {
        let charge = HL7Fixture.charge(set: 1, id: "T1")
        var fields = charge.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        fields[4] = "2026-04-15"
        let records = try records(
            HL7Fixture.message(control: "M1", visit: "V1", charges: [fields.joined(separator: "|")]).joined(
                separator: "\r"))
        #expect(records.contains(",2026-04-15,"), "\(records)")
        #expect(HL7MessageReader.datePart(Array("20260415120000".utf8)) == Array("20260415".utf8))
        // Another layout goes whole to the date rules: `04/15/2026` was cut to `04/15/20` and S03.
        #expect(HL7MessageReader.datePart(Array("04/15/2026".utf8)) == Array("04/15/2026".utf8))
        #expect(HL7MessageReader.datePart(Array("2026041".utf8)) == Array("2026041".utf8))
    }

    /// PID-8 values of HL7 table 0001 that name no sex the MCE edits read (A ambiguous, N not
    /// applicable, O other) are unknown, U: they were held as malformed (S03).
    @Test(arguments: ["O", "A", "N"])
    func otherSexCodesOfHL7AreUnknown(code: String) throws {
        var message = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        message[2] = HL7Fixture.segment("PID", [1: "1", 3: "MRN001^^^HOSP^MR", 5: "DOE^JANE", 7: "19700101", 8: code])
        let (result, folder, findings) = try scrub(message.joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
    }

    /// FT1-6 other than CG (charge) or CD (credit), a payment or an adjustment, is no charge: it
    /// was scrubbed as one (C01 on its "code"). X01 on that line holds its message.
    @Test func aPaymentLineIsNoChargeAndHoldsItsMessage() throws {
        let message = HL7Fixture.message(
            control: "M1", visit: "V1",
            charges: [
                HL7Fixture.charge(set: 1, id: "T1"), HL7Fixture.charge(set: 2, id: "T2", amount: "40.00", type: "PY"),
            ])
        let (result, folder, findings) = try scrub(message.joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        // (Its code repeats the charge's here, so E02 names it too.)
        #expect(
            findings.filter { $0["rule"] == "X01" }.map { [$0["field"]!, $0["value"]!] } == [["FT1-6", "PY"]],
            "\(findings)")
        #expect(result.summary.metrics.held == 2)
        // The payment counts as a line with no amount: the held dollars are the charge's.
        #expect(result.summary.metrics.records == 2)
        #expect(result.summary.metrics.heldCents == 11_000)
        // A charge's own type passes: the control.
        let charges = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let (passed, other, none) = try scrub(charges.joined(separator: "\r") + "\r")
        defer { other.remove() }
        #expect(passed.exitStatus == 0 && none.isEmpty)
    }
}

// MARK: - What an HL7 field means (found by the HL7 audit)

extension HL7MessageReaderTests {
    /// A payment (FT1-6 PY) is no charge: it holds its own message and nothing else. It was an
    /// exact duplicate of the charge it pays (E01), added a unit to its MUE sum (E05 held the
    /// clean message of the charge), and as a negative amount it cancelled a charge, so a real
    /// duplicate passed.
    @Test func aPaymentStaysOutOfTheEncounterEdits() throws {
        let charge = HL7Fixture.charge(set: 1, id: "T1", amount: "100.00")
        let pay = HL7Fixture.message(
            control: "M2", visit: "V1",
            charges: [HL7Fixture.charge(set: 1, id: "P1", amount: "100.00", type: "PY")])
        let (alone, folder, findings) = try scrub(
            (HL7Fixture.message(control: "M1", visit: "V1", charges: [charge]) + pay).joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(findings.map { $0["rule"]! } == ["X01"], "\(findings)")
        #expect(alone.summary.metrics.held == 1)
        // A payment of minus the charge, then the charge again: the repeat is still E01.
        let refund = HL7Fixture.message(
            control: "M2", visit: "V1",
            charges: [HL7Fixture.charge(set: 1, id: "P1", amount: "-100.00", type: "PY")])
        let again = HL7Fixture.message(
            control: "M3", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T2", amount: "100.00")])
        let (_, other, repeated) = try scrub(
            (HL7Fixture.message(control: "M1", visit: "V1", charges: [charge]) + refund + again).joined(
                separator: "\r") + "\r")
        defer { other.remove() }
        #expect(repeated.filter { $0["rule"] == "E01" }.map { $0["line_id"]! } == ["T2"], "\(repeated)")
    }

    /// A credit written with a plus sign (`+100.00`) is minus 100.00; one negative already stays.
    /// The `-` put before the `+` made the amount unreadable, and S03 held the message.
    @Test(arguments: [("+100.00", "-100.00"), ("100.00", "-100.00"), ("-100.00", "-100.00"), ("(100.00)", "(100.00)")])
    func aCreditIsNegatedAsANumber(written: String, read: String) throws {
        let text = HL7Fixture.message(
            control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", amount: written, type: "CD")]
        ).joined(separator: "\r")
        let records = try records(text)
        #expect(records.contains(",\(read),"), "\(records)")
    }

    /// PID-3's id is unique within its assigning authority (CX-4): two hospitals' patient PAT1
    /// are two patients, and no duplicates of each other. The MR repetition is the patient's
    /// wherever it comes, so one patient sent as MR~SS and as SS~MR stays one.
    @Test func thePatientIsTheMedicalRecordNumberWithinItsAuthority() throws {
        func pid(_ identifiers: String) -> String {
            HL7Fixture.segment("PID", [1: "1", 3: identifiers, 5: "DOE^JANE", 7: "19700101", 8: "F"])
        }
        func run(_ first: String, _ second: String) throws -> [String] {
            var a = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
            var b = HL7Fixture.message(control: "M2", visit: "V2", charges: [HL7Fixture.charge(set: 1, id: "T2")])
            a[2] = pid(first)
            b[2] = pid(second)
            let (_, folder, findings) = try scrub((a + b).joined(separator: "\r") + "\r")
            defer { folder.remove() }
            return findings.map { $0["rule"]! }
        }
        #expect(try run("PAT1^^^HOSP^MR", "PAT1^^^CLINIC^MR") == [])
        #expect(try run("PAT1^^^HOSP^MR", "PAT1^^^HOSP^MR") == ["E01"])
        #expect(try run("PAT1^^^HOSP^MR~123456789^^^SSA^SS", "123456789^^^SSA^SS~PAT1^^^HOSP^MR") == ["E01"])
        #expect(try run("PAT1", "PAT1") == ["E01"])
        // An authority named by its universal id only (HD-2, HD-3): it was read as empty (HD-1),
        // so two hospitals' PAT1 were one patient again.
        #expect(try run("PAT1^^^&1.2.3&ISO^MR", "PAT1^^^&1.2.4&ISO^MR") == [])
        #expect(try run("PAT1^^^HOSPA&1.2.3&ISO^MR", "PAT1^^^HOSPA&1.2.4&ISO^MR") == [])
        #expect(try run("PAT1^^^&1.2.3&ISO^MR", "PAT1^^^&1.2.3&ISO^MR") == ["E01"])
    }

    /// FT1-20 (XCN) names its id's type in XCN-13: the NPI is the repetition typed NPI, and an
    /// id of another type (a local doctor number) is none. The first repetition's id was taken,
    /// and C09 held the message.
    @Test(arguments: [
        ("D12345^SMITH^JOHN^^^^^^^^^^DN~1234567893^SMITH^JOHN^^^^^^^^^^NPI", "1234567893"),
        ("1234567893^SMITH^JOHN^^^^^^^^^^NPI", "1234567893"), ("1234567893^SMITH^JOHN", "1234567893"),
        ("D12345^SMITH^JOHN^^^^^^^^^^DN", ""),
    ])
    func theRenderingNPIIsTheIdTypedNPI(performer: String, npi: String) throws {
        var fields = HL7Fixture.charge(set: 1, id: "T1").split(separator: "|", omittingEmptySubsequences: false).map(
            String.init)
        fields[20] = performer
        let text = HL7Fixture.message(control: "M1", visit: "V1", charges: [fields.joined(separator: "|")]).joined(
            separator: "\r")
        let record = try records(text).split(separator: "\n").last!.split(
            separator: ",", omittingEmptySubsequences: false)
        #expect(String(record[CanonicalRecords.columns.firstIndex(of: .renderingNpi)!]) == npi)
    }

    /// A CE/CWE procedure field names its code's system: a chargemaster code (`99LOCAL`) with its
    /// CPT as the alternate (components 4–6, `C4`) is that CPT code, in FT1-7 (FT1-25 empty) or
    /// FT1-25; the chargemaster code was C01. A field coded in CPT, or not saying, stays as it is.
    @Test(arguments: [
        (7, "CDM556^Visit^99LOCAL^99214^Office visit^C4", "99214"),
        (25, "CDM556^Visit^99LOCAL^99214^Office visit^CPT", "99214"),
        (25, "^^^J1100^Dexamethasone^HCPCS", "J1100"), (25, "99213^Visit^C4^CDM1^Visit^99LOCAL", "99213"),
        (25, "99213^Visit^^99214^Office visit^C4", "99213"), (7, "CDM556^Visit^99LOCAL^X1^Other^L", "CDM556"),
    ])
    func aChargemasterCodeGivesWayToItsCPTAlternate(field: Int, written: String, code: String) throws {
        var fields = HL7Fixture.charge(set: 1, id: "T1").split(separator: "|", omittingEmptySubsequences: false).map(
            String.init)
        fields[25] = ""
        fields[field] = written
        let text = HL7Fixture.message(control: "M1", visit: "V1", charges: [fields.joined(separator: "|")]).joined(
            separator: "\r")
        let record = try records(text).split(separator: "\n").last!.split(
            separator: ",", omittingEmptySubsequences: false)
        #expect(String(record[CanonicalRecords.columns.firstIndex(of: .procedureCode)!]) == code)
    }

    /// FT1-4 as a range (DR) that ends after the as-of date (2026-06-30) is D01 naming its end;
    /// only the start was read, and the charge passed. One ending by the as-of date passes.
    @Test(
        arguments: [("20260625^20260705", "2026-07-05"), ("20260601^20260630", nil), ("20260625", nil)]
            as [(String, String?)])
    func aTransactionDateRangeEndingAfterTheAsOfDateIsD01(date: String, value: String?) throws {
        var fields = HL7Fixture.charge(set: 1, id: "T1").split(separator: "|", omittingEmptySubsequences: false).map(
            String.init)
        fields[4] = date
        fields[5] = "20260630"
        let text = HL7Fixture.message(control: "M1", visit: "V1", charges: [fields.joined(separator: "|")])
        let (_, folder, findings) = try scrub(text.joined(separator: "\r") + "\r")
        defer { folder.remove() }
        #expect(
            findings.filter { $0["rule"] == "D01" }.map { $0["value"]! } == (value.map { [$0] } ?? []), "\(findings)")
    }

    /// v2.7 adds a truncation character to MSH-2 (`^~\&#`), which `\P\` stands for in a value.
    @Test func theTruncationEscapeIsDecoded() throws {
        var message = HL7Fixture.message(
            control: "M1", visit: "V1", version: "2.7",
            charges: [HL7Fixture.charge(set: 1, id: "T1", department: "CARDIO\\P\\2")])
        message[0] = message[0].replacingOccurrences(of: "|^~\\&|", with: "|^~\\&#|")
        #expect(message[0].hasPrefix("MSH|^~\\&#|"))
        #expect(try records(message.joined(separator: "\r")).contains("CARDIO#2"))
        // Without a truncation character in MSH-2, `\P\` stays as written.
        let older = HL7Fixture.message(
            control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", department: "CARDIO\\P\\2")])
        #expect(try records(older.joined(separator: "\r")).contains("CARDIO\\P\\2"))
    }
}

// MARK: - The segment limit follows --memory-limit

extension HL7MessageReaderTests {
    /// At `--memory-limit 4MiB` a segment may hold about a quarter of it: a 3 MiB NTE stops the run
    /// naming file, segment and the option that raises the limit.
    @Test func aSegmentOverAQuarterOfTheMemoryLimitStopsTheRun() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let huge = "NTE|1||" + String(repeating: "x", count: 3 << 20)
        let message = HL7Fixture.message(
            control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1"), huge])
        let path = try folder.write("huge.hl7", message.joined(separator: "\r") + "\r")
        do {
            _ = try Fixtures.scrub([path], out: folder.file("out")) { $0.memoryLimit = 4 << 20 }
            Issue.record("a 3 MiB segment was read at --memory-limit 4MiB")
        } catch let error as ScrubError {
            #expect(error.file == path, "\(error)")
            #expect(error.line == 6, "\(error)")
            #expect(error.message.contains("1 MiB") && error.message.contains("--memory-limit"), "\(error)")
        }
        // The same file is read at the default limit.
        _ = try Fixtures.scrub([path], out: folder.file("out-default"))
    }

    /// A segment under a read's 1 MiB but over the limit (256 KiB at a 1 MiB working memory) stops the
    /// run too, in HL7 and X12: the limit was kept only for a segment that ran past a read.
    @Test(arguments: ["hl7", "x12"])
    func aSegmentOverTheLimitWithinOneReadStopsTheRun(format: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let note = String(repeating: "x", count: 400 << 10)
        let text: String
        if format == "hl7" {
            text =
                HL7Fixture.message(
                    control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1"), "NTE|1||" + note]
                )
                .joined(separator: "\r") + "\r"
        } else {
            var segments = X12Fixture.standard()
            segments.insert("NTE*ADD*" + note, at: segments.firstIndex { $0.hasPrefix("LX*") }!)
            text = X12Fixture.render(segments)
        }
        let path = try folder.write("long.\(format)", text)
        #expect {
            _ = try Fixtures.scrub([path], out: folder.file("out")) { $0.memoryLimit = 1 << 20 }
        } throws: { error in
            (error as? ScrubError)?.message.contains("--memory-limit") == true
        }
        _ = try Fixtures.scrub([path], out: folder.file("out-default"))
    }

    /// A charge without FT1-19 takes its message's DG1-3 diagnoses, the DG1-15 priority 1 first:
    /// many feeds send the diagnoses once a message. D63.1 (a manifestation) first is M03, second
    /// not; an unknown DG1 code is C04. FT1-19, when given, is the charge's own. Before, such a
    /// charge passed with no diagnosis checked. HL7's null `""` in FT1-19 is no diagnosis too (it
    /// was checked as the code `""`, a C04).
    @Test(arguments: [
        ("", ["DG1|1||N18.6^CKD stage 5^I10||||||||||||2", "DG1|2||D63.1^Anemia in CKD^I10||||||||||||1"], "M03"),
        ("\"\"", ["DG1|1||N18.6^CKD stage 5^I10||||||||||||2", "DG1|2||D63.1^Anemia in CKD^I10||||||||||||1"], "M03"),
        ("", ["DG1|1||N18.6^CKD stage 5^I10", "DG1|2||D63.1^Anemia in CKD^I10"], nil),
        ("I10", ["DG1|1||D63.1^Anemia in CKD^I10||||||||||||1"], nil),
        ("", ["DG1|1||J06.99^unknown^I10"], "C04"),
    ])
    func aChargeWithoutDiagnosesTakesTheMessagesDG1(ft119: String, dg1: [String], rule: String?) throws {
        let text =
            (HL7Fixture.message(
                control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", diagnoses: ft119)]) + dg1)
            .joined(separator: "\r") + "\r"
        let (_, folder, findings) = try scrub(text)
        defer { folder.remove() }
        #expect(findings.map { $0["rule"]! } == (rule.map { [$0] } ?? []), "\(findings)")
    }
}
