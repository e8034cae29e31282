import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

/// Issue 6's remaining gaps: diagnoses past twelve, the HL7 fields DOMAIN.md leaves open, HL7
/// structure errors held as X01, claim files on standard input, and held lines in group tallies.
@Suite("Claim files: diagnoses past twelve, HL7 structure, stdin, held tallies")
struct ClaimFileCompletionTests {
    func scrub(_ text: String, name: String = "claims.x12") throws -> (
        ScrubPipeline.Result, TemporaryFolder, [[String: String]]
    ) {
        try Fixtures.scrubInFolder(text, name: name)
    }

    /// Ten billable FY2026 codes with no Excludes1 note between them or with A09/K52.9.
    static let fillers = ["J069", "R519", "E119", "K219", "N390", "R1010", "F329", "G4700", "L409", "H5213"]

    // MARK: - Diagnoses past twelve

    @Test(arguments: [true, false])
    func everyDiagnosisOfAClaimWithMoreThanTwelveReachesTheRules(institutional: Bool) throws {
        // 837I lines take every claim diagnosis; 837P lines without SV107 pointers too (and X01).
        let diagnoses =
            ["ABK:I10", "ABF:E785"] + Self.fillers.map { "ABF:" + $0 } + [
                "ABF:K529", "ABF:A09", "ABF:E11", "ABF:Q9999",
            ]
        var line = X12Fixture.Line(ref: "L1")
        line.pointers = ""
        let claim = X12Fixture.Claim(id: "BIG1", diagnoses: diagnoses, lines: [line])
        let segments = X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1",
                    [X12Fixture.transaction(control: "0001", claims: [claim], institutional: institutional)],
                    institutional: institutional)
            ])
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let got = Set(findings.map { "\($0["rule"]!) \($0["field"]!) \($0["value"]!)" })
        // The 837P line without SV107 is X01 as well (the guide requires its pointers).
        let x01: Set<String> = institutional ? [] : ["X01 SV107 "]
        #expect(got == Set(["M04 dx14 A09", "C05 dx15 E11", "C04 dx16 Q9999"]).union(x01), "\(findings)")
        let m04 = findings.first { $0["rule"] == "M04" }
        #expect(m04?["message"]?.contains("with dx13 K529") == true, "\(m04 ?? [:])")
        #expect(findings.allSatisfy { $0["line_id"] == "L1" && $0["encounter_id"] == "BIG1" })
        #expect(result.exitStatus == 1)
        #expect(result.summary.metrics.records == 1)
        #expect(result.summary.metrics.held == 1)
    }

    @Test func anExcludes1PairAcrossTheTwelfthSlotIsFoundOnce() throws {
        // A09 third, K52.9 fourteenth: the pair is only in a diagnosis record.
        let diagnoses = ["ABK:I10", "ABF:E785", "ABF:A09"] + Self.fillers.prefix(10).map { "ABF:" + $0 } + ["ABF:K529"]
        let claim = X12Fixture.Claim(id: "BIG2", diagnoses: diagnoses, lines: [X12Fixture.Line(ref: "L1")])
        let segments = X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1", [X12Fixture.transaction(control: "0001", claims: [claim], institutional: true)],
                    institutional: true)
            ])
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(findings.map { "\($0["rule"]!) \($0["field"]!) \($0["value"]!)" } == ["M04 dx14 K529"], "\(findings)")
        #expect(findings.first?["message"]?.contains("with dx3 A09") == true)
    }

    @Test func hl7ChargesTakeEveryFT119Diagnosis() throws {
        let diagnoses = (["I10", "E785"] + Self.fillers + ["Q9999"]).joined(separator: "~")
        let text =
            HL7Fixture.message(
                control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", diagnoses: diagnoses)]
            )
            .joined(separator: "\r") + "\r"
        let (_, folder, findings) = try scrub(text, name: "m.hl7")
        defer { folder.remove() }
        #expect(findings.map { "\($0["rule"]!) \($0["field"]!) \($0["value"]!)" } == ["C04 dx13 Q9999"], "\(findings)")
    }

    // MARK: - HL7 fields

    static func records(_ text: String) throws -> [[String]] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reader = HL7MessageReader(source: try InputSource(path: try folder.write("m.hl7", text)), copy: false)
        while try reader.nextClaim() {}
        return String(decoding: reader.records.csvText, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func hl7BillingNPIPlaceOfServiceAndRevenueCodeAreMapped() throws {
        var charge = HL7Fixture.charge(set: 1, id: "T1")
        charge += String(repeating: "|", count: 41 - 26)
        // FT1-16 Assigned Patient Location, FT1-32 Performing Facility (XON-10), FT1-41 Revenue Code.
        var fields = charge.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        fields[16] = "22^^^HOSP"
        fields[32] = "GOOD HEALTH^^^^^^^^^" + X12Fixture.billingNPI
        fields[41] = "0450"
        charge = fields.joined(separator: "|")
        // FT1-32 and FT1-41 are v2.6 fields.
        let records = try Self.records(
            HL7Fixture.message(control: "M1", visit: "V1", version: "2.6", charges: [charge]).joined(separator: "\r"))
        let columns = CanonicalRecords.columns
        let record = try #require(records.first)
        #expect(record[columns.firstIndex(of: .billingNpi)!] == X12Fixture.billingNPI)
        #expect(record[columns.firstIndex(of: .placeOfService)!] == "22")
        #expect(record[columns.firstIndex(of: .revenueCode)!] == "0450")
        // The rules see them: a malformed revenue code is C10, an unknown place of service C08.
        fields[16] = "77"
        fields[41] = "450"
        let bad =
            HL7Fixture.message(control: "M1", visit: "V1", version: "2.6", charges: [fields.joined(separator: "|")])
            .joined(separator: "\r") + "\r"
        let (_, folder, findings) = try scrub(bad, name: "m.hl7")
        defer { folder.remove() }
        #expect(Set(findings.map { $0["rule"]! }) == ["C08", "C10"], "\(findings)")
        // A nursing unit in PL-1 (most feeds put one there) is no place of service: not read.
        fields[16] = "4WEST^401^A^HOSP"
        let ward = try Self.records(
            HL7Fixture.message(control: "M1", visit: "V1", version: "2.6", charges: [fields.joined(separator: "|")])
                .joined(separator: "\r"))
        #expect(ward.first?[columns.firstIndex(of: .placeOfService)!] == "")
    }

    // MARK: - HL7 structure

    @Test func hl7StructureErrorsHoldTheirMessageAndTheRestIsRead() throws {
        let good1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let noControl = HL7Fixture.message(
            control: "", visit: "V2", patient: "MRN002", charges: [HL7Fixture.charge(set: 1, id: "T2")])
        var chargeFirst = HL7Fixture.message(
            control: "M3", visit: "V3", patient: "MRN003", charges: [HL7Fixture.charge(set: 1, id: "T3")])
        chargeFirst.swapAt(2, 4)  // FT1 before PID
        var noType = HL7Fixture.message(
            control: "M4", visit: "V4", patient: "MRN004", charges: [HL7Fixture.charge(set: 1, id: "T4")])
        noType[0] = noType[0].replacingOccurrences(of: "DFT^P03", with: "")
        let good2 = HL7Fixture.message(
            control: "M5", visit: "V5", patient: "MRN005", charges: [HL7Fixture.charge(set: 1, id: "T5")])
        let text = (good1 + noControl + chargeFirst + noType + good2).joined(separator: "\r") + "\r"
        let (result, folder, findings) = try scrub(text, name: "m.hl7")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        // Each X01 names the segment: the MSH (6, 16) or the misplaced FT1 (13).
        let x01 = findings.filter { $0["rule"] == "X01" }.map {
            "\($0["line_number"]!) \($0["field"]!) \($0["encounter_id"]!)"
        }
        #expect(x01 == ["6 MSH-10 V2", "13 FT1 V3", "16 MSH-9 V4"], "\(findings)")
        #expect(
            findings.filter { $0["rule"] == "X01" }.allSatisfy {
                $0["message"]!.hasPrefix("segment \($0["line_number"]!):")
            })
        let held = try ClaimFileTestSupport.text(folder.file("out/held.hl7"))
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
        #expect(clean.contains("|M1|") && clean.contains("|M5|") && !clean.contains("|M3|"))
        #expect(held.contains("|M3|") && held.contains("|M4|") && held.contains("|V2"))
        #expect(result.summary.metrics.records == 5)
        #expect(result.summary.metrics.held == 3)
    }

    /// Several X01s in one message each name their own segment, in file order; one that only the
    /// message's end reveals names the message's MSH, not the next message's. (They all gave the
    /// position of the message's last X01, sorted as text: "segment 10" before "segment 5".)
    @Test func hl7StructureFindingsPointAtTheirOwnSegments() throws {
        var chargesFirst = HL7Fixture.message(
            control: "M1", visit: "V1", charges: (1...6).map { HL7Fixture.charge(set: $0, id: "T\($0)") })
        let pid = chargesFirst.remove(at: try #require(chargesFirst.firstIndex { $0.hasPrefix("PID") }))
        chargesFirst.append(pid)
        var noPatient = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002", charges: [HL7Fixture.charge(set: 1, id: "T7")])
        noPatient.removeAll { $0.hasPrefix("PID") }
        let good = HL7Fixture.message(
            control: "M3", visit: "V3", patient: "MRN003", charges: [HL7Fixture.charge(set: 1, id: "T8")])
        let segments = chargesFirst + noPatient + good
        let (result, folder, findings) = try scrub(segments.joined(separator: "\r") + "\r", name: "p.hl7")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let misplaced = chargesFirst.indices.filter { chargesFirst[$0].hasPrefix("FT1") }.map { $0 + 1 }
        #expect(misplaced.count == 6)
        // The second message: its MSH (no PID at all), then its FT1 (no patient before it).
        let secondMSH = chargesFirst.count + 1
        let secondFT1 = try #require(noPatient.firstIndex { $0.hasPrefix("FT1") }) + secondMSH
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.map { Int($0["line_number"]!)! } == misplaced + [secondMSH, secondFT1], "\(x01)")
        #expect(x01.allSatisfy { $0["message"]!.hasPrefix("segment \($0["line_number"]!):") })
        #expect(x01[misplaced.count]["message"]?.hasSuffix("message without a PID segment") == true)
    }

    /// A line inside a message that is no HL7 segment (an indented or lower-case FT1, binary bytes)
    /// could be a charge the reader cannot see: its message is held with X01, not passed unread. A
    /// site's Z segment, or a standard one the reader has no use for, is passed over.
    @Test func aDamagedSegmentHoldsItsMessage() throws {
        func message(_ n: Int, extra: String) -> [String] {
            var segments = HL7Fixture.message(
                control: "M\(n)", visit: "V\(n)", patient: "MRN00\(n)",
                charges: [HL7Fixture.charge(set: 1, id: "T\(n)")])
            segments.insert(extra, at: segments.count - 1)
            return segments
        }
        let charge = HL7Fixture.charge(set: 2, id: "TX")
        let messages = [
            message(1, extra: "ZPI|1|site data"), message(2, extra: "NTE|1||note"), message(3, extra: " " + charge),
            message(4, extra: "Ft1" + charge.dropFirst(3)), message(5, extra: "\u{1}\u{2}garbage|x"),
        ]
        let text = messages.flatMap { $0 }.joined(separator: "\r") + "\r"
        let (result, folder, findings) = try scrub(text, name: "d.hl7")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.map { $0["encounter_id"]! } == ["V3", "V4", "V5"], "\(findings)")
        #expect(
            x01.allSatisfy {
                $0["message"]!.hasSuffix("a line that is not an HL7 segment inside the message (damaged?)")
            })
        // The damaged bytes are not echoed (they may be a patient's name).
        #expect(!x01.contains { $0["message"]!.contains("Ft1") || $0["value"] != "" })
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.hl7"))
        #expect(clean.contains("|M1|") && clean.contains("|M2|") && !clean.contains("|M3|"))
    }

    @Test func aMessageWhoseMSHIsMissingIsHeldWithTheOneBefore() throws {
        let m1 = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        var m2 = HL7Fixture.message(
            control: "M2", visit: "V2", patient: "MRN002",
            charges: [HL7Fixture.charge(set: 1, id: "T2", code: "36415", amount: "18.00")])
        m2.removeFirst()  // no MSH: its PID follows M1's FT1
        let m3 = HL7Fixture.message(
            control: "M3", visit: "V3", patient: "MRN003", charges: [HL7Fixture.charge(set: 1, id: "T3")])
        let (result, folder, findings) = try scrub((m1 + m2 + m3).joined(separator: "\r") + "\r", name: "m.hl7")
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(findings.map { "\($0["rule"]!) \($0["line_number"]!) \($0["field"]!)" } == ["X01 7 PID"], "\(findings)")
        #expect(try ClaimFileTestSupport.text(folder.file("out/clean.hl7")).contains("|M3|"))
        #expect(result.summary.metrics.records == 3)
        #expect(result.summary.metrics.held == 2)
    }

    @Test func aFileWithoutAnyMSHIsExit2NamingTheSegment() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("x.hl7", "FHS|^~\\&|EPIC\rEVN|P03|20260420\rPID|1||MRN1\r")
        #expect {
            try Fixtures.scrub([input], out: folder.file("out"))
        } throws: { error in
            let text = (error as? ScrubError)?.description ?? ""
            return text.contains("segment 2") && text.contains("x.hl7")
        }
    }

    // MARK: - Standard input

    @Test(arguments: [("x12", false), ("x12", true), ("hl7", false), ("hl7", true)])
    func claimFilesOnStandardInputAreToldByTheirFirstBytes(format: String, compressed: Bool) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var text: String
        if format == "x12" {
            text = X12Fixture.render(X12Fixture.standard())
        } else {
            // MLLP framed: the first byte is 0x0B.
            let m = HL7Fixture.message(
                control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1", diagnoses: "Q9999")])
            text = "\u{0B}" + m.joined(separator: "\r") + "\r\u{1C}\r"
        }
        var bytes = Array(text.utf8)
        if compressed { bytes = try ZstdWriter.compress(bytes, level: 3) }
        let input = try dir.write("in." + format, text)
        if compressed { try Data(bytes).write(to: URL(fileURLWithPath: input)) }
        let common = ["--as-of", "2026-06-30", "--quiet", "--level", "none", "--temp-dir", dir.path]
        let fromFile = try CommandLineTests.run(["scrub", input, "--out", dir.file("f")] + common)
        let fromStdin = try CommandLineTests.run(["scrub", "-", "--out", dir.file("s")] + common, stdin: bytes)
        #expect(fromStdin.status == fromFile.status, "\(fromStdin.stderr)")
        #expect(fromStdin.status != 2)
        for name in ["clean.\(format)", "held.\(format)"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("s/" + name)), "\(name)")
            #expect(try Fixtures.read(dir.file("f/" + name)) == Fixtures.read(dir.file("s/" + name)))
        }
        let findings = try Fixtures.findings(dir.file("s"))
        #expect(findings.count == (format == "hl7" ? 1 : 0))
        #expect(findings.allSatisfy { $0["file"] == "<stdin>" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("spool") })
    }

    // MARK: - Held lines in the group tallies

    /// Every group dimension counts every held line and its dollars, as the totals do.
    static func expectGroupsCountEveryHeldLine(
        _ metrics: ScrubMetrics, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let groups: [(String, [GroupTally])] = [
            ("departments", Array(metrics.departments.values)), ("providers", Array(metrics.providers.values)),
            ("payers", Array(metrics.payers.values)), ("weeks", Array(metrics.weeks.values)),
        ]
        for (name, tallies) in groups {
            #expect(tallies.reduce(0) { $0 + $1.held } == metrics.held, "\(name)", sourceLocation: sourceLocation)
            #expect(
                tallies.reduce(Int64(0)) { $0 + $1.heldCents } == metrics.heldCents, "\(name)",
                sourceLocation: sourceLocation)
            #expect(
                tallies.reduce(Int64(0)) { $0 + $1.atRiskCents } == metrics.atRiskCents, "\(name)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func aLineHeldWithItsClaimCountsInItsGroups() throws {
        // Two lines; the second's own diagnosis is unknown, the first is held with it.
        let claim = X12Fixture.Claim(
            id: "BAD1", diagnoses: ["ABK:I10", "ABF:Q9999"],
            lines: [
                X12Fixture.Line(charge: "100", ref: "B1"),
                X12Fixture.Line(code: "36415", charge: "18", pointers: "2", ref: "B2"),
            ])
        let segments = X12Fixture.interchange(
            control: "000000001",
            [X12Fixture.group(control: "1", [X12Fixture.transaction(control: "0001", claims: [claim])])])
        let (result, folder, _) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let metrics = result.summary.metrics
        #expect(metrics.held == 2)
        #expect(metrics.payers["AETNA01"]?.held == 2)
        #expect(metrics.payers["AETNA01"]?.heldCents == 11_800)
        #expect(metrics.providers[UInt64(X12Fixture.renderingNPI)!]?.held == 2)
        Self.expectGroupsCountEveryHeldLine(metrics)
        // summary.json says the same.
        let json =
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(folder.file("out/summary.json"))))
            as? [String: Any]
        #expect(String(describing: json ?? [:]).contains("AETNA01"))
    }

    @Test func linesOfAClaimHeldLateOrByItsEnvelopeCountInTheirGroups() throws {
        // CLAIM A: an exact duplicate line (E01, found by the shard stage) holds its third line too.
        let late = X12Fixture.Claim(
            id: "DUP1",
            lines: [
                X12Fixture.Line(charge: "110", ref: "D1"), X12Fixture.Line(charge: "110", ref: "D2"),
                X12Fixture.Line(code: "36415", charge: "18", ref: "D3"),
            ])
        // CLAIM B: its transaction's SE01 is wrong (X01 on the envelope): both its lines are held.
        let envelope = X12Fixture.Claim(
            id: "ENV1",
            lines: [
                X12Fixture.Line(code: "85025", charge: "31", ref: "E1"),
                X12Fixture.Line(code: "36415", charge: "18", ref: "E2"),
            ],
            memberId: "MEM0009")
        let clean = X12Fixture.Claim(
            id: "OK1", lines: [X12Fixture.Line(code: "99214", charge: "165", ref: "K1")], memberId: "MEM0010")
        let segments = X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1",
                    [
                        X12Fixture.transaction(control: "0001", claims: [late, clean]),
                        X12Fixture.transaction(control: "0002", claims: [envelope], seCount: 99),
                    ])
            ])
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(Set(findings.map { $0["rule"]! }) == ["E01", "X01"], "\(findings)")
        let metrics = result.summary.metrics
        #expect(metrics.records == 6)
        #expect(metrics.held == 5)
        #expect(metrics.payers["AETNA01"]?.held == 5)
        let heldCents: Int64 = 11_000 + 11_000 + 1_800 + 3_100 + 1_800
        #expect(metrics.payers["AETNA01"]?.heldCents == heldCents)
        #expect(metrics.heldCents == heldCents)
        Self.expectGroupsCountEveryHeldLine(metrics)
    }
}

/// X12 files read in chunks of whole interchanges by the workers give what one reader gives.
@Suite("Claim files: X12 read in chunks")
struct X12ChunkedReadingTests {
    /// Every output of a scrub: clean, held, findings (file column aside), the summary's metrics.
    struct Outputs: Equatable {
        var clean: [UInt8]
        var held: [UInt8]
        var findings: [UInt8]
        var metrics: ScrubMetrics
    }

    static func scrub(_ input: String, chunkSize: Int, workers: Int, serialAfter: Int? = nil) throws -> Outputs {
        try scrub([input], chunkSize: chunkSize, workers: workers, serialAfter: serialAfter)
    }

    static func scrub(
        _ inputs: [String], chunkSize: Int, workers: Int, serialAfter: Int? = nil,
        configure: (ClaimFilePipeline) -> Void = { _ in }, done: (ClaimFilePipeline) -> Void = { _ in }
    ) throws -> Outputs {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var options = ScrubOptions(inputs: inputs, asOf: Fixtures.asOf)
        options.outputDirectory = folder.file("out")
        options.workers = workers
        options.chunkSize = chunkSize
        let pipeline = ClaimFilePipeline(
            options: options, tables: Fixtures.demoTablesCache, format: .x12, progress: nil)
        pipeline.serialAfterBytes = serialAfter
        configure(pipeline)
        let result = try pipeline.run()
        done(pipeline)
        return Outputs(
            clean: try Fixtures.read(folder.file("out/clean.x12")),
            held: try Fixtures.read(folder.file("out/held.x12")),
            findings: try Fixtures.read(folder.file("out/findings.csv")), metrics: result.summary.metrics)
    }

    /// Pass 1's findings past their memory budget go to a file between the passes (segments of 64
    /// findings and a budget of 4 KB here), and the outputs are those of keeping them in memory.
    @Test func findingsKeptOnDiskGiveTheSameOutputs() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = ClaimFileTestSupport.generated(.x12, lines: 3000, seed: 13, errorRate: 0.3).bytes
        let input = try folder.write("g.x12", bytes)
        let memory = try Self.scrub([input], chunkSize: 1 << 16, workers: 2)
        var spilled = 0
        let disk = try Self.scrub([input], chunkSize: 1 << 16, workers: 2) { pipeline in
            pipeline.findingsMemory = 4096
            pipeline.findingsSegmentShift = 6
        } done: { pipeline in
            spilled = pipeline.findingsSpilled
        }
        #expect(spilled > 500)
        #expect(disk == memory)
    }

    @Test func aGeneratedFileGivesTheSameOutputsForAnyChunkSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = ClaimFileTestSupport.generated(.x12, lines: 3000, seed: 11, errorRate: 0.1).bytes
        let input = try folder.write("g.x12", bytes)
        let whole = try Self.scrub(input, chunkSize: 64 << 20, workers: 1)
        #expect(whole.metrics.records == 3000)
        #expect(whole.metrics.held > 0)
        for (chunkSize, workers) in [(1 << 10, 2), (50_000, 2), (1 << 10, 1)] {
            let chunked = try Self.scrub(input, chunkSize: chunkSize, workers: workers)
            #expect(chunked == whole, "chunk size \(chunkSize), \(workers) workers")
        }
        // One interchange past the limit: the rest of the file is read by one reader.
        let serial = try Self.scrub(input, chunkSize: 1 << 10, workers: 2, serialAfter: 1)
        #expect(serial == whole)
    }

    /// A file whose segments end with a newline and a blank line (`\n\n`: the terminator a
    /// newline, the line break another) gave findings later in the file other segment positions
    /// when read whole than in chunks: pass 2's fast copy counted each blank line as a segment.
    @Test func blankLinesBetweenNewlineEndedSegmentsCountAlikeInAnyChunking() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = ClaimFileTestSupport.generated(.x12, lines: 200, seed: 5, errorRate: 0.3).bytes
        // Every `~\n` a `\n\n`: the terminator a newline, and a blank line after each segment.
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "~\n", with: "\n\n")
        let input = try folder.write("n.x12", text)
        // One chunk for the file, read by a worker (pass 2 copies clean claims by the fast path).
        let whole = try Self.scrub(input, chunkSize: 64 << 20, workers: 2)
        #expect(whole.metrics.held > 0)
        for (chunkSize, workers) in [(128, 2), (200, 1), (1 << 12, 2)] {
            #expect(try Self.scrub(input, chunkSize: chunkSize, workers: workers) == whole, "chunk size \(chunkSize)")
        }
    }

    /// Service lines outside a claim in later interchanges: their X01s, and the claims without a
    /// CLM they are read as, are the same whether the file is read whole or an interchange a chunk. (A message once
    /// quoted the stray segment's position within its chunk.)
    @Test func strayServiceLinesGiveTheSameFindingsForAnyChunkSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var stray = X12Fixture.standard()
        let clm = stray.firstIndex { $0.hasPrefix("CLM*CLAIM2*") }!
        stray.insert(contentsOf: ["LX*1", "SV1*HC:99213*110*UN*1***1"], at: clm)
        stray = ClaimFilePipelineTests.recountingSE(stray)
        let text = [X12Fixture.standard(), stray, stray].map { X12Fixture.render($0) }.joined()
        let input = try folder.write("s.x12", text)
        let whole = try Self.scrub(input, chunkSize: 64 << 20, workers: 1)
        #expect(String(decoding: whole.findings, as: UTF8.self).components(separatedBy: "no CLM before it").count == 3)
        #expect(whole.metrics.records == 3 * 4 + 2)
        for (chunkSize, workers) in [(200, 2), (200, 1)] {
            #expect(try Self.scrub(input, chunkSize: chunkSize, workers: workers) == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func severalFilesGiveTheSameOutputsWhetherReadInChunksOrByOneReader() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var inputs: [String] = []
        for seed in [21, 22, 23] {
            let bytes = ClaimFileTestSupport.generated(.x12, lines: 600, seed: UInt64(seed), errorRate: 0.2).bytes
            inputs.append(try folder.write("g\(seed).x12", bytes))
        }
        let whole = try Self.scrub(inputs, chunkSize: 64 << 20, workers: 1)
        #expect(whole.metrics.records == 1800)
        #expect(!whole.held.isEmpty && !whole.clean.isEmpty)
        // Chunks of each file routed by the workers; then the rest of each file after a first
        // chunk routed by one reader, between chunks of the other files' (a tiny limit).
        #expect(try Self.scrub(inputs, chunkSize: 1 << 10, workers: 2) == whole)
        #expect(try Self.scrub(inputs, chunkSize: 1 << 10, workers: 2, serialAfter: 1) == whole)
        #expect(try Self.scrub(inputs, chunkSize: 1 << 12, workers: 3, serialAfter: 1 << 13) == whole)
    }

    @Test func envelopeErrorsAtChunkBoundariesAreTheSameAsReadWhole() throws {
        func claim(_ id: String, _ member: String) -> X12Fixture.Claim {
            X12Fixture.Claim(id: id, lines: [X12Fixture.Line(ref: id + "-1")], memberId: member)
        }
        func interchange(_ n: Int, ieaControl: String? = nil, seCount: Int? = nil) -> [String] {
            X12Fixture.interchange(
                control: String(format: "%09d", n),
                [
                    X12Fixture.group(
                        control: "\(n)",
                        [
                            X12Fixture.transaction(
                                control: "000\(n)", claims: [claim("C\(n)", "M\(n)")], seCount: seCount)
                        ])
                ],
                ieaControl: ieaControl)
        }
        var segments: [String] = []
        segments += interchange(1)
        segments += interchange(2).dropLast()  // no IEA: the next ISA closes it
        segments += interchange(3, seCount: 3)
        segments += interchange(4, ieaControl: "999999999")
        segments += Array(interchange(5).dropFirst())  // a GS without an ISA before it
        segments += interchange(6).dropLast(3)  // SE, GE, IEA missing
        segments += interchange(7)
        // No GS and GE: the transaction set's claims must not take the GS of an earlier interchange
        // (which a chunk starting here never saw) into the outputs.
        segments += interchange(8).filter { !$0.hasPrefix("GS*") && !$0.hasPrefix("GE*") }
        // No ST: its claims get an ST of their own in the outputs, whichever chunk reads them.
        segments += interchange(10).filter { !$0.hasPrefix("ST*") }
        // A GS and an ST without their control numbers: made ones in the outputs, as for none.
        segments += interchange(11).map {
            $0.hasPrefix("GS*") || $0.hasPrefix("ST*")
                ? $0.replacingOccurrences(of: "*11*", with: "**").replacingOccurrences(of: "*00011*", with: "**") : $0
        }
        segments += interchange(9)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("e.x12", X12Fixture.render(segments))
        let whole = try Self.scrub(input, chunkSize: 64 << 20, workers: 1)
        #expect(whole.metrics.findingsByRule[RuleID.X01.ordinal] >= 6)
        for chunkSize in [1 << 10, 1500, 3000] {
            #expect(try Self.scrub(input, chunkSize: chunkSize, workers: 2) == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func aBrokenISAInALaterChunkIsExit2NamingItsSegmentInTheFile() throws {
        var segments = X12Fixture.standard()
        let count = segments.count
        segments += X12Fixture.standard()
        segments[count] = "ISA*00*short"
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("b.x12", X12Fixture.render(segments))
        for chunkSize in [1 << 10, 64 << 20] {
            #expect {
                _ = try Self.scrub(input, chunkSize: chunkSize, workers: 2)
            } throws: { error in
                (error as? ScrubError)?.description.contains("segment \(count + 1):") == true
            }
        }
    }
}

/// What a payer or receiver rejects in an 837 that went to clean.x12 without a finding: a date
/// not in its D8/RD8 form (`06/10/2026` was read as a date), a birth date of another layout, an ISA
/// whose elements are not their fixed widths, a transaction set that is no 837 or a group that is
/// no HC, an ST03 naming another guide than its GS08, an LX01 or REF*6R repeated in a claim (two
/// lines of one id), and an 837P claim of more than 50 lines.
@Suite("837 forms a receiver rejects")
struct X12FormTests {
    func scrub(_ text: String) throws -> (ScrubPipeline.Result, [[String: String]]) {
        let (result, folder, findings) = try Fixtures.scrubInFolder(text, name: "claims.x12")
        folder.remove()
        return (result, findings)
    }

    static var standard: String { X12Fixture.render(X12Fixture.standard()) }

    @Test(arguments: [
        ("DTP*472*D8*20260415~\nREF*6R*L1", "DTP*472*D8*04/15/2026~\nREF*6R*L1", "DTP03"),
        ("DTP*472*D8*20260415~\nREF*6R*L1", "DTP*472*D8*2026-04-15~\nREF*6R*L1", "DTP03"),
        ("DTP*472*D8*20260415~\nREF*6R*L1", "DTP*472*RD8*20260415~\nREF*6R*L1", "DTP03"),
        ("DTP*472*D8*20260415~\nREF*6R*L1", "DTP*472*DT*20260415~\nREF*6R*L1", "DTP03"),
        ("DMG*D8*19700101*F", "DMG*D8*1970-01-01*F", "DMG02"),
        ("*ZZ*SUBMITTER      *", "*ZZ*SUBMITTER*", "ISA"),
        ("ST*837*0001", "ST*835*0001", "ST01"),
        ("GS*HC*", "GS*HP*", "GS01"),
        ("ST*837*0002*005010X222A1", "ST*837*0002*005010X223A2", "ST03"),
        ("LX*2~", "LX*1~", "LX01"),
        ("REF*6R*L2", "REF*6R*L1", "REF*6R"),
    ])
    func aFormTheReceiverRejectsIsX01(original: String, changed: String, field: String) throws {
        let clean = try scrub(Self.standard)
        #expect(clean.1.isEmpty, "\(clean.1)")
        let text = Self.standard.replacingOccurrences(of: original, with: changed)
        #expect(text != Self.standard)
        let (result, findings) = try scrub(text)
        #expect(findings.contains { $0["rule"] == "X01" && $0["field"] == field }, "\(findings)")
        #expect(result.summary.metrics.held > 0)
    }

    /// A good RD8 range passes; 50 lines pass in an 837P, 51 are X01; an 837I takes 51.
    @Test func rangesAndLineCounts() throws {
        let range = Self.standard.replacingOccurrences(
            of: "DTP*472*D8*20260415~\nREF*6R*L1", with: "DTP*472*RD8*20260414-20260415~\nREF*6R*L1")
        #expect(try scrub(range).1.isEmpty)
        func file(lines: Int, institutional: Bool = false) -> String {
            let claim = X12Fixture.Claim(
                id: "BIG", lines: (0..<lines).map { _ in X12Fixture.Line(code: "36415", charge: "1") })
            let t = X12Fixture.transaction(control: "0001", claims: [claim], institutional: institutional)
            return X12Fixture.render(
                X12Fixture.interchange(
                    control: "000000001", [X12Fixture.group(control: "1", [t], institutional: institutional)]))
        }
        let fifty = try scrub(file(lines: 50))
        #expect(!fifty.1.contains { $0["rule"] == "X01" }, "\(fifty.1.prefix(3))")
        let fiftyOne = try scrub(file(lines: 51))
        #expect(fiftyOne.1.contains { $0["rule"] == "X01" && $0["field"] == "LX" }, "\(fiftyOne.1.prefix(3))")
        #expect(fiftyOne.0.summary.metrics.held == 51)
        let institutional = try scrub(file(lines: 51, institutional: true))
        #expect(!institutional.1.contains { $0["rule"] == "X01" }, "\(institutional.1.prefix(3))")
    }
}
