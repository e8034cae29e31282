import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

/// Bad input never traps and never loses a line: it stops the run with a message naming file and
/// line (and no output under a final name), or it becomes a held record with an S-finding.
@Suite struct BadInputTests {
    static let header = "line_id,encounter_id,patient_id,service_date,post_date,procedure_code,units,charge_amount\n"
    static let good = "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110.00\n"

    /// Expects the run to stop: a ScrubError naming the file (and line when given), no final outputs
    /// (an earlier good run's in the same folder removed), no temporaries.
    func expectStop(_ inputs: [String], in dir: TemporaryFolder, line: Int? = nil, mentioning words: [String]) {
        let out = dir.file("out")
        if let earlier = try? dir.write("earlier-run.csv", Self.header + Self.good) {
            // What stopped it, if anything did (one CI run under a heavy load found no summary.json).
            var failure = ""
            do { _ = try Fixtures.scrub([earlier], out: out) } catch { failure = "\(error)" }
            #expect(FileManager.default.fileExists(atPath: out + "/summary.json"), "earlier run: \(failure)")
        }
        do {
            _ = try Fixtures.scrub(inputs, out: out)
            Issue.record("the run did not stop")
        } catch let error as ScrubError {
            let text = error.description
            #expect(error.file != nil, "\(text)")
            if let line { #expect(error.line == line, "\(text)") }
            for word in words { #expect(text.contains(word), "\(text) should mention \(word)") }
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.isEmpty, "files left in the output folder: \(left)")
    }

    func generatedZstd(_ dir: TemporaryFolder) throws -> [UInt8] {
        let path = dir.file("gen.csv.zst")
        _ = try Fixtures.generate(lines: 3_000, to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func truncatedZstdStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let bytes = try generatedZstd(dir)
        let path = try dir.write("cut.csv.zst", Array(bytes.prefix(bytes.count * 2 / 3)))
        expectStop([path], in: dir, mentioning: ["cut.csv.zst", "truncated", "offset"])
    }

    @Test func corruptZstdStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var bytes = try generatedZstd(dir)
        for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[i] ^= 0xA5 }
        let path = try dir.write("bad.csv.zst", bytes)
        expectStop([path], in: dir, mentioning: ["bad.csv.zst", "zstd"])
    }

    @Test func randomBytesStopTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 99)
        let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let path = try dir.write("noise.bin", bytes)
        expectStop([path], in: dir, line: 1, mentioning: ["noise.bin"])
    }

    /// A file another tool compressed, or a workbook, is named as what it is, with what to do; read
    /// as text, a gzip file said "lines end with CR only" and an xz file "the header holds NUL bytes".
    @Test(
        arguments: [
            ([0x1F, 0x8B, 0x08, 0x00], "gzip-compressed"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed"),
            ([0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "bzip2-compressed"),
            ([0x04, 0x22, 0x4D, 0x18], "lz4-compressed"),
            ([0x50, 0x4B, 0x03, 0x04], "zip archive"), ([0xD0, 0xCF, 0x11, 0xE0], "Excel 97-2003 workbook"),
            ([0x37, 0x7A, 0xBC, 0xAF], "7-Zip archive"),
        ] as [([UInt8], String)])
    func anotherFormatIsNamedAsSuch(magic: [UInt8], kind: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 5)
        let path = try dir.write("extract.dat", magic + (0..<4_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        expectStop([path], in: dir, mentioning: ["extract.dat", kind, "reads zstd-compressed or plain text"])
    }

    /// A text header that starts like bzip2's magic (`BZh1,…`) is read as one; standard input
    /// that another tool compressed is told to decompress in the pipe.
    @Test func aHeaderLikeAMagicNumberIsText() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("bzh.csv", "BZh1," + Self.header + "x," + Self.good)
        let result = try Fixtures.scrub([path], out: dir.file("out"))
        #expect(result.summary.metrics.records == 1)
        let advice = InputSource.otherContainer(prefix: [0x1F, 0x8B, 8, 0], standardInput: true)?.advice ?? ""
        #expect(advice.contains("decompress it in the pipe (… | gzip -dc | claim-scrub scrub - …)"), "\(advice)")
    }

    /// A zstd file whose content is compressed again (zstd run twice, a gzip file compressed with
    /// zstd) is named so: read as text it said "lines end with CR only".
    @Test func aFileCompressedTwiceIsNamedAsSuch() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let text = Array((Self.header + Self.good).utf8)
        let twice = try dir.write(
            "twice.csv.zst", try ZstdWriter.compress(try ZstdWriter.compress(text, level: 3), level: 3))
        expectStop(
            [twice], in: dir, mentioning: ["twice.csv.zst", "decompresses to data that is zstd-compressed again"])
        let gzipped = try dir.write("gz.csv.zst", try ZstdWriter.compress([0x1F, 0x8B, 0x08, 0x00] + text, level: 3))
        expectStop([gzipped], in: dir, mentioning: ["gz.csv.zst", "gzip-compressed again"])
    }

    /// The same for a file that Debian's gzip wrote.    /// The same for a file that Debian's gzip wrote.
    @Test func aRealGzipFileIsNamedAsOne() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let plain = try dir.write("extract.csv", Self.header + Self.good)
        let gzip = try #require(Tool.find(["gzip"]), "gzip is part of every Debian system")
        #expect(try Tool.run(gzip, ["-k", plain]).status == 0)
        expectStop([plain + ".gz"], in: dir, mentioning: ["extract.csv.gz", "gzip-compressed", "gzip -dc FILE |"])
    }

    /// A read error on the input's first bytes (EIO: a failing disk) is said as one; it was taken
    /// for the end of the file, and the run said "header is not valid UTF-8". This process's own
    /// memory file gives EIO at offset 0.
    @Test func aReadErrorAtTheStartIsNamedAsOne() throws {
        #expect {
            _ = try InputSource(path: "/proc/self/mem", name: "disk.csv")
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == "disk.csv" && error?.message.contains("read failed") == true
        }
    }

    @Test func emptyFileStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("empty.csv", [])
        expectStop([path], in: dir, line: 1, mentioning: ["empty.csv", "empty"])
    }

    /// A file of blank lines is an empty input, and a blank first line is no header: each is said
    /// so (both were "required column missing from the header", and with a byte order mark before
    /// them they still were). An X12 file cut inside its first
    /// ISA is read as X12, whose reader names the incomplete ISA.
    @Test func blankLinesAndACutISAAreNamedForWhatTheyAre() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let blank = try dir.write("blank.csv", "\n  \r\n\n")
        expectStop([blank], in: dir, line: 1, mentioning: ["blank.csv", "empty input", "blank lines"])
        let late = try dir.write("late.csv", "\n" + Self.header + "L1,E1,P1,2026-05-01,,99213,1,90.00\n")
        expectStop([late], in: dir, line: 1, mentioning: ["late.csv", "first line is blank"])
        // A byte order mark alone, or before blank lines or a blank first line, is no header either.
        let bom = "\u{FEFF}"
        let bomOnly = try dir.write("bom.csv", bom)
        expectStop(
            [bomOnly], in: dir, line: 1, mentioning: ["bom.csv", "empty input: a byte order mark and nothing else"])
        let bomBlank = try dir.write("bomblank.csv", bom + "\n\n")
        expectStop([bomBlank], in: dir, line: 1, mentioning: ["bomblank.csv", "empty input", "blank lines"])
        let bomLate = try dir.write("bomlate.csv", bom + "\n" + Self.header + "L1,E1,P1,2026-05-01,,99213,1,90.00\n")
        expectStop([bomLate], in: dir, line: 1, mentioning: ["bomlate.csv", "first line is blank"])
        let isa = X12Fixture.render(X12Fixture.standard())
        let cut = try dir.write("cut.x12", String(isa.prefix(60)))
        expectStop([cut], in: dir, line: 1, mentioning: ["cut.x12", "ISA segment is incomplete"])
    }

    @Test func headerOnlyIsAValidEmptyExtract() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("header.csv", Self.header)
        let result = try Fixtures.scrub([path], out: dir.file("out"))
        #expect(result.exitStatus == 0)
        #expect(result.summary.linesIn == 0)
        #expect(try Fixtures.read(dir.file("out/clean.csv")) == Array(Self.header.utf8))
        #expect(try Fixtures.read(dir.file("out/held.csv")) == Array(Self.header.utf8))
    }

    @Test func missingRequiredColumnStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("nocode.csv", "line_id,encounter_id,patient_id,service_date\nL1,E1,P1,2026-05-01\n")
        expectStop([path], in: dir, line: 1, mentioning: ["nocode.csv", "procedure_code"])
    }

    @Test func inputsWithDifferentHeadersStopTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let a = try dir.write("a.csv", Self.header + Self.good)
        let b = try dir.write("b.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n")
        expectStop(
            [a, b], in: dir, line: 1,
            mentioning: [
                "b.csv", "header",
                "field 1 differs: here read as encounter_id, in the first input read as line_id; it has 4 fields, the first input 8",
            ])
        // What differs is named, by position and the column read there (never by the text: see
        // `aHeaderRunIntoItsFirstRecordIsNotQuoted`): a renamed field, a field more, another delimiter.
        let names = String(Self.header.prefix { $0 != "\n" }).split(separator: ",").map(String.init)
        var renamed = names
        renamed[renamed.count - 1] = "descr"
        let c = try dir.write("c.csv", renamed.joined(separator: ",") + "\n")
        expectStop(
            [a, c], in: dir, line: 1,
            mentioning: [
                "c.csv",
                "field \(names.count) differs: here a field no rule reads, in the first input read as charge_amount",
            ])
        // An alias in place of the column's name reads the same column: said so.
        var aliased = names
        aliased[0] = "Line ID"
        let f = try dir.write("f.csv", aliased.joined(separator: ",") + "\n")
        expectStop([a, f], in: dir, line: 1, mentioning: ["field 1 names line_id in both, spelt differently"])
        let d = try dir.write("d.csv", (names + ["extra"]).joined(separator: ",") + "\n")
        expectStop(
            [a, d], in: dir, line: 1, mentioning: ["it has \(names.count + 1) fields, the first input \(names.count)"])
        // A header field opening a quote it never closes swallows the data lines after it: their
        // text (a patient id, a birth date) is never quoted, whichever input has it.
        var swallowing = names
        swallowing[swallowing.count - 1] = "\"" + names.last!
        let leaky = try dir.write(
            "leaky.csv",
            swallowing.joined(separator: ",") + "\nL9,E9,P777001,1967-08-23,2026-05-02,99213,1,10\n"
                + "L10,E9,P777001,1967-08-23,2026-05-02,99213,1,\"10\"\n")
        for order in [[a, leaky], [leaky, a]] {
            expectStop(order, in: dir, line: 1, mentioning: ["field \(names.count) differs"])
            do {
                _ = try Fixtures.scrub(order, out: dir.file("out"))
            } catch let error as ScrubError {
                #expect(!error.description.contains("P777001") && !error.description.contains("1967"), "\(error)")
            }
        }
        let e = try dir.write("e.psv", names.joined(separator: "|") + "\n")
        expectStop([a, e], in: dir, line: 1, mentioning: ["separated by pipe, the first input's by comma"])
        // A later input without a header (its first line is data) is named as not sharing the
        // first input's header, not as lacking a column.
        let data = try dir.write("data.csv", Self.good)
        expectStop(
            [a, data], in: dir, line: 1, mentioning: ["data.csv", "first line differs from the first input's header"])
    }

    /// A later input whose header ran into its first record (a line end lost), or the first
    /// input's: the differing field holds patient data, which the message does not quote (it
    /// quoted the field's text, `notesZZPID1`, or the whole id after a header ending in a comma).
    @Test func aHeaderRunIntoItsFirstRecordIsNotQuoted() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "patient_id,patient_name,encounter_id,service_date,procedure_code,notes"
        let record = "ZZPID1,ZZNAME1,ZZENC1,2026-05-01,99213,x\n"
        let a = try dir.write("a.csv", header + "\n" + record)
        let fused = try dir.write("b.csv", header + record + record)
        let trailing = try dir.write("c.csv", header + ",\n" + record)
        let trailingFused = try dir.write("d.csv", header + "," + record + record)
        for (order, field) in [([a, fused], 6), ([fused, a], 6), ([trailing, trailingFused], 7)] {
            expectStop(order, in: dir, line: 1, mentioning: ["field \(field) differs"])
            do {
                _ = try Fixtures.scrub(order, out: dir.file("out"))
            } catch let error as ScrubError {
                for canary in ["ZZPID1", "ZZNAME1", "ZZENC1"] {
                    #expect(!error.description.contains(canary), "\(error)")
                }
            }
        }
    }

    /// A checked column named twice cannot be read one way or the other: the run stops naming it,
    /// rather than silently checking the first and passing whatever the second holds.
    @Test func aColumnNamedTwiceInTheHeaderStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let twice = try dir.write(
            "twice.csv",
            "line_id,encounter_id,patient_id,service_date,procedure_code,Procedure Code\nL1,E1,P1,2026-05-01,99213,XXXXX\n"
        )
        expectStop([twice], in: dir, line: 1, mentioning: ["twice.csv", "procedure_code", "twice"])
        // Two aliases of one column stop it too (the first was read, the second passed unchecked);
        // unchecked columns may repeat.
        let aliases = try dir.write(
            "aliases.csv", "line_id,encounter_id,patient_id,service_date,CPT,HCPCS\nL1,E1,P1,2026-05-01,99213,J1885\n")
        expectStop([aliases], in: dir, line: 1, mentioning: ["aliases.csv", "procedure_code", "(fields 5 and 6)"])
        let repeated = try dir.write(
            "repeated.csv",
            "line_id,encounter_id,patient_id,service_date,CPT,note,note\nL1,E1,P1,2026-05-01,99213,a,b\n")
        let result = try Fixtures.scrub([repeated], out: dir.file("ok"))
        #expect(result.summary.linesIn == 1)
        #expect(result.summary.linesHeld == 0)
    }

    /// Scrubs `body` after the standard header; returns the findings and checks nothing was lost.
    func scrubRows(_ body: [UInt8], in dir: TemporaryFolder) throws -> [[String: String]] {
        let input = Array(Self.header.utf8) + body
        let path = try dir.write("rows.csv", input)
        _ = try Fixtures.scrub([path], out: dir.file("out"))
        ScrubPipelineTests.expectNothingLost(
            input: input, clean: try Fixtures.read(dir.file("out/clean.csv")),
            held: try Fixtures.read(dir.file("out/held.csv")))
        return try Fixtures.findings(dir.file("out"))
    }

    @Test func tooManyAndTooFewFieldsAreHeldWithS01() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let rows = try scrubRows(
            Array(
                (Self.good + "L2,E1,P1,2026-05-01,2026-05-02,99213,1,110.00,extra\nL3,E1,P1,2026-05-01\n" + Self.good)
                    .utf8),
            in: dir)
        let s01 = rows.filter { $0["rule"] == "S01" }
        #expect(s01.map { $0["line_number"]! } == ["3", "4"])
        #expect(s01[0]["message"]!.contains("expected 8 fields, found 9"))
        #expect(s01[0]["line_id"] == "L2")
    }

    @Test func unterminatedQuoteAtEndOfFileIsHeldWithS01() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let rows = try scrubRows(
            Array((Self.good + "L2,E1,P1,2026-05-01,2026-05-02,\"99213,1,110.00\nL3,E2").utf8), in: dir)
        #expect(rows.count == 1)
        #expect(rows[0]["rule"] == "S01")
        #expect(rows[0]["message"]!.contains("unterminated quote"))
        #expect(rows[0]["line_number"] == "3")
    }

    /// A quote left open takes the lines after it into its record, to the next quote or the end of
    /// the file: 49,990 charges became one held "line" without a word. The S01 says how many lines
    /// the record runs over, and the run warns on stderr, with counts only.
    @Test func aQuoteLeftOpenSaysHowManyLinesItTook() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,description\n"
        func line(_ k: Int, _ description: String) -> String {
            "L\(k),E\(k),P\(k),2026-05-01,99213,1,90.00,\(description)\n"
        }
        // To the end of the file: lines 3 to 6.
        let open =
            header + line(1, "visit") + line(2, "\"STRAP 24") + line(3, "visit") + line(4, "visit") + line(5, "visit")
        let input = try dir.write("open.csv", open)
        let run = try CommandLineTests.run(["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("o1")])
        let rows = try Fixtures.findings(dir.file("o1"))
        #expect(
            rows.map { [$0["line_number"]!, $0["rule"]!, $0["message"]!] } == [
                [
                    "3", "S01",
                    "unterminated quote (the record runs to the end of the file, 4 lines: a quote left open?)",
                ]
            ], "\(rows)")
        #expect(run.stderr.contains("1 held record runs over several lines (4 in all)"), "\(run.stderr)")
        #expect(!run.stderr.contains("STRAP"))
        // Closed by a later quote: lines 3 to 5 are one record with text after its quote.
        let closed =
            header + line(1, "visit") + line(2, "\"STRAP 24") + line(3, "visit") + line(4, "6\" tube")
            + line(5, "visit")
        let input2 = try dir.write("closed.csv", closed)
        let run2 = try CommandLineTests.run(["scrub", input2, "--as-of", "2026-06-30", "--out", dir.file("o2")])
        let rows2 = try Fixtures.findings(dir.file("o2"))
        #expect(rows2.count == 1 && rows2[0]["line_number"] == "3", "\(rows2)")
        #expect(rows2.first?["message"]?.hasSuffix("(3 lines: a quote left open?)") == true, "\(rows2)")
        #expect(run2.stderr.contains("1 held record runs over several lines (3 in all)"), "\(run2.stderr)")
        // A quoted field with a line break in it, closed on the next line, is one good record.
        let notes = header + line(1, "\"two\nlines\"") + line(2, "visit")
        let input3 = try dir.write("notes.csv", notes)
        let run3 = try CommandLineTests.run(["scrub", input3, "--as-of", "2026-06-30", "--out", dir.file("o3")])
        #expect(try Fixtures.findings(dir.file("o3")).isEmpty)
        #expect(!run3.stderr.contains("several lines"), "\(run3.stderr)")
    }

    @Test func invalidUTF8IsHeldWithS01NamingTheField() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var body = Array(Self.good.utf8)
        body += Array("L2,E1,P1,2026-05-01,2026-05-02,992".utf8) + [0xC3, 0x28] + Array(",1,110.00\n".utf8)
        let rows = try scrubRows(body, in: dir)
        #expect(rows.count == 1)
        #expect(rows[0]["rule"] == "S01")
        #expect(rows[0]["field"] == "procedure_code")
        #expect(rows[0]["message"]!.contains("UTF-8"))
    }

    @Test func aDateOutsideTheYearsIsSaidToBe() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let rows = try scrubRows(
            Array(
                "L2,E1,P1,2201-05-01,2026-05-02,99213,1,110.00\nL3,E1,P1,2026-13-01,2026-05-02,99213,1,110.00\n".utf8),
            in: dir)
        #expect(
            rows.map { $0["message"]! } == [
                "service_date is a date outside the years 1800-2200",
                "service_date is not a real date (YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, YYYY/MM/DD, YYYY-M-D, DD-MON-YYYY or MON D YYYY)",
            ])
    }

    /// findings.csv stays UTF-8 when a line id it names is not: the bytes that are not become U+FFFD
    /// there, while the held output keeps the line as it came.
    @Test func findingsStayUTF8WhenALineIdIsNot() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let line = Array("L".utf8) + [0xFF, 0x32] + Array(",E1,P1,2026-05-01,2026-05-02,99213,1,110.00\n".utf8)
        let input = try dir.write("u.csv", Array(Self.header.utf8) + line)
        _ = try Fixtures.scrub([input], out: dir.file("o"))
        let findings = try Fixtures.read(dir.file("o/findings.csv"))
        #expect(findings.withUnsafeBytes { ChargeParser.isValidUTF8($0) })
        #expect(String(decoding: findings, as: UTF8.self).contains("\n2,L\u{FFFD}2,E1,S01,"))
        #expect(try Fixtures.read(dir.file("o/held.csv")) == Array(Self.header.utf8) + line)
    }

    @Test func aOneMebibyteLineIsScrubbedLikeAnyOther() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let long = "L2,E1,P1,2026-05-01,2026-05-02,99213,1,\"" + String(repeating: "x", count: 1 << 20) + "\"\n"
        let other = "L3,E2,P2,2026-05-01,2026-05-02,99214,1,165.00\n"
        let rows = try scrubRows(Array((Self.good + long + other).utf8), in: dir)
        // The huge field sits in charge_amount: a malformed amount, not a crash.
        #expect(rows.map { $0["rule"]! } == ["S03"])
        #expect(rows[0]["line_number"] == "3")
    }

    /// Inch marks in descriptions (`GAUZE 4" X 4"`), a quote inside an unquoted field, are text: each
    /// line is its own record, nothing held for them, whatever the chunk size and wherever the
    /// chunks are cut (a quote taken to open a field swallowed every line up to the next quote into
    /// one held record), and the two passes cut the same records.
    @Test func inchMarksInUnquotedFieldsAreText() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,description\n"
        var body = ""
        for i in 0..<400 {
            let description =
                i % 7 == 0
                ? "GAUZE 4\" X 4\""
                : i % 11 == 0 ? "\"SPLINT 12\"\", PADDED\"" : i % 13 == 0 ? "BRACE 8\"" : "OFFICE VISIT"
            body += "L\(i),E\(i / 3),P\(i / 3),2026-05-0\(1 + i % 3),99213,1,110.00,\(description)\n"
        }
        let path = try dir.write("inches.csv", header + body)
        for chunk in [64, 1000, 1 << 20] {
            let out = dir.file("out\(chunk)")
            let result = try Fixtures.scrub([path], out: out) { $0.chunkSize = chunk }
            #expect(result.summary.linesIn == 400, "chunk \(chunk)")
            #expect(result.summary.linesHeld == 0, "chunk \(chunk)")
            #expect(try Fixtures.read(out + "/clean.csv") == Array((header + body).utf8), "chunk \(chunk)")
        }
    }

    @Test func quotedNewlinesDoublesQuotesAndCRLFArePreserved() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "\u{FEFF}line_id|encounter_id|patient_id|service_date|procedure_code|description\r\n"
        let body =
            "L1|E1|P1|2026-05-01|99213|\"two\r\nlines, and \"\"quotes\"\"\"\r\nL2|E1|P1|2026-05-01|99214|plain\r\n"
        let path = try dir.write("crlf.psv", header + body)
        for chunk in [64, 1 << 20] {
            let out = dir.file("out\(chunk)")
            let result = try Fixtures.scrub([path], out: out) { $0.chunkSize = chunk }
            #expect(result.summary.linesIn == 2)
            #expect(result.summary.linesHeld == 0)
            #expect(try Fixtures.read(out + "/clean.psv") == Array((header + body).utf8))
        }
    }
}

// MARK: - The record limit follows --memory-limit

extension BadInputTests {
    /// At `--memory-limit 4MiB` a record may hold a quarter of it, 1 MiB: one just over stops the
    /// run naming file, line and the option that raises the limit; one just under is scrubbed.
    @Test func theRecordLimitIsAQuarterOfTheMemoryLimit() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,post_date,procedure_code,units,charge_amount,note\n"
        let short = "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110.00,n\n"
        func extract(longRecord length: Int) -> String {
            let start = "L2,E2,P2,2026-05-01,2026-05-02,99214,1,165.00,"
            return header + short + start + String(repeating: "x", count: length - start.utf8.count - 1) + "\n" + short
        }
        let over = try dir.write("over.csv", extract(longRecord: (1 << 20) + 300))
        do {
            _ = try Fixtures.scrub([over], out: dir.file("out-over")) { $0.memoryLimit = 4 << 20 }
            Issue.record("a record over a quarter of --memory-limit was read")
        } catch let error as ScrubError {
            #expect(error.file == over, "\(error)")
            #expect(error.line == 3, "\(error)")
            #expect(error.message.contains("1 MiB"), "\(error)")
            #expect(error.message.contains("--memory-limit"), "\(error)")
        }
        let under = try dir.write("under.csv", extract(longRecord: (1 << 20) - 300))
        let result = try Fixtures.scrub([under], out: dir.file("out-under")) { $0.memoryLimit = 4 << 20 }
        #expect(result.summary.linesIn == 3)
    }

    /// A last record with its quote left open that runs to the end of the file in exactly the
    /// record limit is held with S01, as a shorter one is: the full buffer is not taken for more.
    @Test(arguments: [0, 1])
    func anOpenQuoteToTheEndOfFileAtTheRecordLimitIsHeld(over: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let start = "L2,E2,P2,2026-05-01,2026-05-02,99214,1,165.00,\""
        let long = start + String(repeating: "x", count: (1 << 20) + over - start.utf8.count - 1) + "\n"
        let path = try dir.write("open.csv", Self.header + Self.good + long)
        do {
            let result = try Fixtures.scrub([path], out: dir.file("o")) { $0.memoryLimit = 4 << 20 }
            #expect(over == 0, "a record over the limit was read")
            #expect(result.summary.linesIn == 2 && result.summary.linesHeld == 1)
            let s01 = try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "S01" }.map { $0["line_number"] }
            #expect(s01 == ["3"])
        } catch let error as ScrubError {
            #expect(over == 1 && error.line == 3 && error.message.contains("1 MiB"), "\(error)")
        }
    }
}

// MARK: - CR-only line ends

extension BadInputTests {
    /// Old Mac files end lines with CR alone: the whole file looks like one header line, so the run
    /// used to stop with a misleading "required column missing". It says what is wrong instead.
    @Test(arguments: [1, 30_000])
    func crOnlyLineEndsStopTheRunSayingSo(lines: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let body = String(repeating: "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110.00\r", count: lines)
        let path = try dir.write("mac.csv", Self.header.replacingOccurrences(of: "\n", with: "\r") + body)
        expectStop([path], in: dir, line: 1, mentioning: ["mac.csv", "CR only", "LF or CRLF"])
    }

    /// A report title above the header (`Charge Detail Report`) is a first line of one field: the
    /// stop said only to give the delimiter, which was no help. It names the title as a cause.
    @Test func aTitleAboveTheHeaderIsNamedAsACause() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write(
            "titled.csv", "Charge Detail Report\n" + Self.header + "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110.00\n")
        expectStop([path], in: dir, line: 1, mentioning: ["titled.csv", "title above the header, remove it"])
    }

    /// An LF header over records that end with CR alone (a file put together from two systems)
    /// was one record of the whole file, held with S01 and counted as one line. It stops the run as
    /// a CR-only file does. A CR inside quotes, or CRLF line ends, are no such thing.
    @Test func crOnlyRecordsUnderAnLFHeaderStopTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let record = "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110.00"
        let path = try dir.write("mixed.csv", Self.header + record + "\r" + record + "\r")
        expectStop([path], in: dir, line: 2, mentioning: ["mixed.csv", "CR only", "LF or CRLF"])
        let quoted = try dir.write(
            "quoted.csv", Self.header + "L1,E1,P1,2026-05-01,2026-05-02,99213,1,\"110\r.00\"\r\n" + record + "\r\n")
        #expect(try Fixtures.scrub([quoted], out: dir.file("q")).summary.linesIn == 2)
        // A blank line after the header hid them: the first record was the empty one.
        let blank = try dir.write("blank.csv", Self.header + "\n" + record + "\r" + record + "\r")
        expectStop([blank], in: dir, line: 2, mentioning: ["blank.csv", "CR only", "LF or CRLF"])
        // A stray CR inside an unquoted field of the first record is no line end: it stopped
        // the run, while the same record later in the file was read.
        let stray = try dir.write(
            "stray.csv", Self.header + "L1,E1,P1,2026-05-01,2026-05-02,99\r213,1,110.00\n" + record + "\n")
        #expect(try Fixtures.scrub([stray], out: dir.file("s")).summary.linesIn == 2)
        // Nor is one in the last field, after all the delimiters (a free-text column at the end).
        let strayLast = try dir.write(
            "straylast.csv", Self.header + "L1,E1,P1,2026-05-01,2026-05-02,99213,1,110\r.00\n" + record + "\n")
        #expect(try Fixtures.scrub([strayLast], out: dir.file("t")).summary.linesIn == 2)
        // CR-only records after a blank CR line, with a trailing delimiter, or short of the
        // header's fields are told too: each was read as one record of the whole file (S01).
        let short = "L1,E1,P1,2026-05-01,2026-05-02,99213"
        for (name, body) in [
            ("crblank.csv", "\r" + record + "\r" + record + "\r"), ("trailing.csv", record + ",\r" + record + ",\r"),
            ("short.csv", short + "\r" + short + "\r"),
            // One record and a footer, and nothing else: no LF after the header at all.
            ("footer.csv", record + "\rTotal: 110.00\r"), ("one.csv", record + "\r"),
        ] {
            let path = try dir.write(name, Self.header + body)
            expectStop([path], in: dir, line: 2, mentioning: [name, "CR only", "LF or CRLF"])
        }
    }
}

// MARK: - Both passes read the same records

extension BadInputTests {
    /// Scrubs `inputs` with `edit` run as the phase `phase` starts, and expects the run to stop with
    /// an error that `matches`, leaving no output under a final name.
    func expectStopWhenEdited(
        _ inputs: [String], in dir: TemporaryFolder, at phase: String, edit: @escaping @Sendable () -> Void,
        matches: (ScrubError) -> Bool
    ) {
        let out = dir.file("out")
        var options = ScrubOptions(inputs: inputs, asOf: Fixtures.asOf)
        options.outputDirectory = out
        options.workers = 1
        let pipeline = ScrubPipeline(options: options, tables: Fixtures.tablesCache)
        pipeline.phaseStarted = { if $0 == phase { edit() } }
        #expect {
            _ = try pipeline.run()
        } throws: { error in
            (error as? ScrubError).map(matches) ?? false
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    /// Pass 2 routes each record by the verdict pass 1 gave the record at its place. If the second
    /// read cuts different records (here the file is edited between the passes, its size and its
    /// record count kept), a held line could be written as clean: the run stops instead, naming
    /// the file and the lines, with no output under a final name.
    @Test(arguments: [false, true])
    func recordsCutDifferentlyOnTheSecondReadStopTheRun(sameCount: Bool) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let bad = "L2,E2,P2,2026-05-01,2026-05-02,ZZZZZ,1,110.00\n"
        let path = try dir.write("moving.csv", Self.header + Self.good + bad + Self.good)
        // Same size: the newline after the bad line moves into it (the count kept), or a byte
        // becomes a newline (one record more).
        let edited =
            Self.header + Self.good
            + (sameCount
                ? "L2,E2,P2,2026-05-01\n2026-05-02,ZZZZZ,1,110.00,"
                : "L2,E2,P2,2026-05-01\n2026-05-02,ZZZZZ,1,110.00\n")
            + Self.good
        expectStopWhenEdited([path], in: dir, at: "writing", edit: { _ = try? dir.write("moving.csv", edited) }) {
            $0.file == path && $0.message.contains("changed")
        }
    }

    /// An edit in place that keeps every record where it was (a service date changed to 2099,
    /// byte for byte) passed pass 2's checks, and the line went to clean.csv unchecked: the file's
    /// size and modification time, taken when it was first opened, are checked before the outputs
    /// are committed, and the run stops with no output under a final name.
    @Test func anEditInPlaceDuringTheRunStopsIt() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("edited.csv", Self.header + Self.good + Self.good)
        let edited = Self.header + Self.good + Self.good.replacingOccurrences(of: "2026-", with: "2099-")
        #expect(edited.utf8.count == (Self.header + Self.good + Self.good).utf8.count)
        let edit: @Sendable () -> Void = {
            usleep(20_000)  // a modification time of its own, on file systems of coarse clocks
            _ = try? dir.write("edited.csv", edited)
        }
        expectStopWhenEdited([path], in: dir, at: "writing", edit: edit) {
            $0.file == path && $0.message.contains("written to after it was first read")
        }
    }

    /// A copy moved over the input during the run, same size and with the original's modification
    /// time (as `cp -p` or `rsync -t` then `mv` leave it), passed the size-and-time stamp, and its
    /// changed line went to clean.csv unchecked: the stamp holds the file's inode and status-change
    /// time too, and the run stops.
    @Test func aSameSizeCopyMovedOverTheInputWithItsTimeKeptStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let text = Self.header + Self.good + Self.good
        let path = try dir.write("swapped.csv", text)
        let copy = try dir.write("copy.csv", text.replacingOccurrences(of: "2026-", with: "2099-"))
        #expect(try Fixtures.read(copy).count == text.utf8.count)
        var original = stat()
        #expect(stat(path, &original) == 0)
        let times = [original.st_atim, original.st_mtim]
        #expect(utimensat(AT_FDCWD, copy, times, 0) == 0)
        var copied = stat()
        #expect(stat(copy, &copied) == 0)
        #expect(copied.st_mtim.tv_sec == original.st_mtim.tv_sec && copied.st_mtim.tv_nsec == original.st_mtim.tv_nsec)
        let edit: @Sendable () -> Void = { _ = rename(copy, path) }
        expectStopWhenEdited([path], in: dir, at: "writing", edit: edit) {
            $0.file == path && $0.message.contains("written to after it was first read")
        }
    }

    /// The same for claim files: an 837 or HL7 file whose charge is changed in place during the
    /// run (every segment where it was) stops it before any output is committed. Claim files were
    /// not stamped, and the changed claim went to clean unchecked.
    @Test(arguments: ["x12", "hl7"])
    func aClaimFileEditedInPlaceDuringTheRunStopsIt(format: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let text: String
        if format == "x12" {
            text = X12Fixture.render(X12Fixture.standard())
        } else {
            let message = HL7Fixture.message(
                control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
            text = message.joined(separator: "\r") + "\r"
        }
        let name = "claims.\(format)"
        let path = try dir.write(name, text)
        let edited = text.replacingOccurrences(of: "2026", with: "2099")
        #expect(edited != text && edited.utf8.count == text.utf8.count)
        let edit: @Sendable () -> Void = {
            usleep(20_000)  // a modification time of its own, on file systems of coarse clocks
            _ = try? dir.write(name, edited)
        }
        expectStopWhenEdited([path], in: dir, at: "writing", edit: edit) {
            $0.file == path && $0.message.contains("written to after it was first read")
        }
    }

    /// Inputs after the first are opened again when pass 1 comes to them: one whose header changed
    /// since the run read it stops the run, naming the file, with no output under a final name.
    @Test func aLaterInputChangedBeforePassOneReachesItStopsTheRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let first = try dir.write("first.csv", Self.header + Self.good)
        let second = try dir.write("second.csv", Self.header + Self.good)
        let edit: @Sendable () -> Void = { _ = try? dir.write("second.csv", Self.header.uppercased() + Self.good) }
        expectStopWhenEdited([first, second], in: dir, at: "reading", edit: edit) {
            $0.file == second && $0.line == 1 && $0.message.contains("changed")
        }
    }
}
