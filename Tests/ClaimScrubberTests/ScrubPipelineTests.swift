import Foundation
import Testing
import Synchronization
import Zstd

@testable import ClaimScrubber

/// The pipeline's invariants on generated extracts: nothing lost, input order, determinism, and
/// every injected defect found with nothing found on clean lines.
@Suite struct ScrubPipelineTests {
    /// Line defects: one line each, found with the default tables (the encounter defects need the
    /// demo NCCI tables: EncounterStageTests).
    static let lineDefects = ExtractGenerator.Defect.allCases.filter { !$0.isEncounterDefect }
    static let lineRules: Set<RuleID> = Set(lineDefects.map(\.rule))

    /// Checks that clean and held together are the input records, byte for byte, each in input order.
    static func expectNothingLost(input: [UInt8], clean: [UInt8], held: [UInt8]) {
        let inputRecords = Fixtures.records(input)
        let cleanRecords = Fixtures.records(clean)
        let heldRecords = Fixtures.records(held)
        #expect(cleanRecords.count + heldRecords.count == inputRecords.count)
        var c = 0
        var h = 0
        for record in inputRecords {
            // A final record without a line end gains one in the output.
            let withEnd = record.last == 0x0A ? record : record + [0x0A]
            if c < cleanRecords.count && cleanRecords[c] == withEnd {
                c += 1
            } else if h < heldRecords.count && heldRecords[h] == withEnd {
                h += 1
            } else {
                Issue.record("input record not found in order: \(String(decoding: record.prefix(60), as: UTF8.self))")
                return
            }
        }
        #expect(c == cleanRecords.count && h == heldRecords.count)
    }

    @Test func nothingLostAndInputOrderKept() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("extract.csv.zst")
        _ = try Fixtures.generate(lines: 6_000, seed: 11, errorRate: 0.2, to: input)
        let result = try Fixtures.scrub([input], out: dir.file("out"))
        let clean = try Fixtures.read(dir.file("out/clean.csv.zst"))
        let held = try Fixtures.read(dir.file("out/held.csv.zst"))
        let original = try Fixtures.read(input)
        Self.expectNothingLost(input: original, clean: clean, held: held)
        #expect(result.summary.linesIn == 6_000)
        #expect(result.summary.linesIn == result.summary.linesClean + result.summary.linesHeld)
        // Both outputs start with the input's header line.
        let header = Array(original.prefix(through: original.firstIndex(of: 0x0A)!))
        #expect(Array(clean.prefix(header.count)) == header)
        #expect(Array(held.prefix(header.count)) == header)
    }

    /// Two exports joined with `cat` carry the second one's header line among the charges: it is
    /// held with one S01 naming it, not read as a charge (eight findings, and a department named
    /// "department" and a payer "payer_id" in the report).
    @Test func aRepeatedHeaderLineIsOneFinding() throws {
        let header =
            "\u{FEFF}line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,department,payer_id\r\n"
        let row = "L1,E1,P1,2026-06-01,99213,1,90.00,CARDIO,MCR\r\n"
        let text =
            header + row + String(header.dropFirst()) + row.replacingOccurrences(of: "L1,E1,P1", with: "L2,E2,P2")
        let (result, folder, findings) = try Fixtures.scrubInFolder(text, name: "joined.csv")
        defer { folder.remove() }
        #expect(
            findings.map { [$0["line_number"]!, $0["rule"]!, $0["message"]!] } == [
                ["3", "S01", "the header line again, not a charge (files joined with their headers?)"]
            ], "\(findings)")
        #expect(result.summary.metrics.held == 1)
        let departments = result.summary.metrics.departments.map(\.key)
        #expect(!departments.contains("department"), "\(departments)")
        #expect(!result.summary.metrics.payers.map(\.key).contains("payer_id"))
        // Each of two Excel "CSV UTF-8" exports starts with a byte order mark: joined, the second
        // header line has one too.
        let (_, bomFolder, bomFindings) = try Fixtures.scrubInFolder(
            text.replacingOccurrences(of: "\r\nline_id", with: "\r\n\u{FEFF}line_id"), name: "bom.csv")
        defer { bomFolder.remove() }
        #expect(bomFindings.map { $0["rule"]! } == ["S01"], "\(bomFindings)")
    }

    /// A CRLF file cut after the last record's CR gets only the LF it lacks: a CRLF after the CR
    /// wrote `\r\r\n` into the clean file.
    @Test func aLastRecordEndingInALoneCRGainsOnlyItsLF() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount\r\n"
        let rows = "L1,E1,P1,2026-06-01,99213,1,90.00\r\nL2,E2,P2,2026-06-01,99213,1,90.00\r"
        let (_, folder, findings) = try Fixtures.scrubInFolder(header + rows, name: "cut.csv")
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        let clean = try Fixtures.read(folder.file("out/clean.csv"))
        #expect(String(decoding: clean, as: UTF8.self) == header + rows + "\n")
    }

    /// Fields are read trimmed, so a field of spaces is missing: a required one is S02, as when it
    /// is empty, and blank units are the default 1 as empty ones are.
    @Test func aFieldOfSpacesIsMissing() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount\n"
        let rows = [
            "L1,E1,P1,  ,99213,1,90.00",
            "L2,E2, ,2026-05-01,99213,1,90.00",
            "L3, ,P3,2026-05-01,99213,1,90.00",
            "L4,E4,P4,2026-05-01, ,1,90.00",
            "L5,E5,P5,2026-05-01,99213,1, ",
            "L6,E6,P6,2026-05-01,99213, ,90.00",
        ]
        let found = try Fixtures.findings(header: header, rows: rows).map {
            [$0["line_id"]!, $0["rule"]!, $0["field"]!]
        }
        #expect(
            found == [
                ["L1", "S02", "service_date"], ["L2", "S02", "patient_id"], ["L3", "S02", "encounter_id"],
                ["L4", "S02", "procedure_code"], ["L5", "S02", "charge_amount"],
            ])
    }

    @Test func everyInjectedDefectIsFoundAndNothingElse() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("extract.csv")
        let truth = try Fixtures.generate(lines: 8_000, seed: 3, errorRate: 0.1, to: input, defects: Self.lineDefects)
        #expect(Set(truth.map(\.rule)) == Self.lineRules, "every defect kind injected")
        // The truth file assumes the demo NCCI files (C06 on a date before them).
        _ = try Fixtures.scrub([input], out: dir.file("out"), tables: Fixtures.demoTablesCache)
        let found = Set(
            try Fixtures.findings(dir.file("out")).compactMap { row -> ExtractGenerator.TruthEntry? in
                guard let rule = RuleID(rawValue: row["rule"]!), Self.lineRules.contains(rule) else { return nil }
                return ExtractGenerator.TruthEntry(lineId: row["line_id"]!, rule: rule)
            })
        let missed = truth.subtracting(found)
        let spurious = found.subtracting(truth)
        #expect(missed.isEmpty, "missed: \(missed.prefix(5))")
        #expect(spurious.isEmpty, "spurious: \(spurious.prefix(5))")
    }

    @Test func heldLinesAreExactlyTheLinesWithAnError() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("extract.csv")
        _ = try Fixtures.generate(lines: 3_000, seed: 5, errorRate: 0.1, to: input)
        let result = try Fixtures.scrub([input], out: dir.file("out"))
        let rows = try Fixtures.findings(dir.file("out"))
        let heldByFindings = Set(rows.filter { $0["severity"] == "error" }.map { $0["line_number"]! })
        #expect(heldByFindings.count == result.summary.linesHeld)
        #expect(result.exitStatus == 1)
        // Warnings alone do not hold a line: each warning-only line is in clean.
        let warnedOnly = Set(rows.filter { $0["severity"] == "warning" }.map { $0["line_number"]! })
            .subtracting(heldByFindings)
        #expect(!warnedOnly.isEmpty)
        let held = Fixtures.records(try Fixtures.read(dir.file("out/held.csv")))
        #expect(held.count == result.summary.linesHeld)
    }

    /// Also covers how pass 2 re-reads a compressed input: decompressing again (the default) or
    /// from pass 1's spool of its decompressed bytes.
    @Test func outputsAreIdenticalForAnyWorkerCountAndChunkSize() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("extract.csv.zst")
        _ = try Fixtures.generate(lines: 5_000, seed: 21, errorRate: 0.1, to: input)
        var reference: [String: [UInt8]]?
        var referenceSummary: ScrubSummary?
        let runs: [(workers: Int, chunk: Int, spool: Bool)] = [
            (1, 4 << 20, false), (2, 4 << 20, false), (8, 4 << 20, false), (2, 1024, false), (8, 1024, false),
            (2, 4 << 20, true), (8, 1024, true),
        ]
        for (i, run) in runs.enumerated() {
            let out = dir.file("out\(i)")
            let result = try Fixtures.scrub([input], out: out) {
                $0.workers = run.workers
                $0.chunkSize = run.chunk
                $0.spoolCompressedInput = run.spool
            }
            var files: [String: [UInt8]] = [:]
            for name in ["clean.csv.zst", "held.csv.zst", "findings.csv"] {
                files[name] = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))
            }
            if let reference, let referenceSummary {
                for (name, bytes) in files { #expect(bytes == reference[name], "\(name) differs for \(run)") }
                #expect(result.summary.metrics == referenceSummary.metrics)
            } else {
                reference = files
                referenceSummary = result.summary
            }
        }
    }

    @Test func severalFilesAreOneExtract() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let whole = dir.file("whole.csv")
        _ = try Fixtures.generate(lines: 2_000, seed: 9, errorRate: 0.1, to: whole)
        let bytes = try Fixtures.read(whole)
        let header = Array(bytes.prefix(through: bytes.firstIndex(of: 0x0A)!))
        let records = Fixtures.records(bytes)
        let first = try dir.write("a.csv", header + records[..<1200].flatMap { $0 })
        let second = try dir.write("b.csv.zst", try ZstdWriter.compress(header + records[1200...].flatMap { $0 }))
        let split = try Fixtures.scrub([first, second], out: dir.file("split")) { $0.level = .some(nil) }
        let single = try Fixtures.scrub([whole], out: dir.file("single"))
        #expect(split.summary.metrics == single.summary.metrics)
        #expect(try Fixtures.read(dir.file("split/clean.csv")) == Fixtures.read(dir.file("single/clean.csv")))
        #expect(split.summary.inputs.map(\.lines) == [1200, 800])
        // Findings name the file each line came from (its file name), with line numbers within it.
        let rows = try Fixtures.findings(dir.file("split"))
        #expect(Set(rows.map { $0["file"] }) == ["a.csv", "b.csv.zst"])
        #expect(split.summary.inputs.map(\.file) == ["a.csv", "b.csv.zst"])
        let physicalLines = max(
            try Fixtures.read(first).filter { $0 == 0x0A }.count, try Fixtures.read(second).filter { $0 == 0x0A }.count)
        #expect(rows.allSatisfy { Int($0["line_number"]!)! <= physicalLines })
    }

    @Test func compressedInputGivesCompressedOutputsAndLevelNoneGivesPlain() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv.zst")
        _ = try Fixtures.generate(lines: 500, to: input)
        let compressed = try Fixtures.scrub([input], out: dir.file("z"))
        #expect(compressed.outputFiles.contains(dir.file("z/clean.csv.zst")))
        let head = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("z/clean.csv.zst"))).prefix(4))
        #expect(ZstdFormat.isCompressed(prefix: head))
        _ = try Fixtures.scrub([input], out: dir.file("p")) { $0.level = .some(nil) }
        #expect(FileManager.default.fileExists(atPath: dir.file("p/clean.csv")))
        #expect(try Fixtures.read(dir.file("p/clean.csv")) == Fixtures.read(dir.file("z/clean.csv.zst")))
    }

    /// A blank line (one at the end of the file most often), a row of delimiters only (a
    /// spreadsheet's formatted empty rows) and a DOS end-of-file mark are no charges and nothing
    /// wrong: they pass into clean as they came, with no finding, and the gate passes. Each was
    /// held with S01 ("expected 7 fields, found 1"), and a clean extract failed the gate.
    @Test func blankLinesAndEmptyRowsPassWithoutAFinding() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount\n"
        let body = "L1,E1,P1,2026-01-05,99213,1,80.00\n\r\n,,,,,,\nL2,E2,P2,2026-01-05,99214,1,90.00\n\n\u{1A}"
        let input = try dir.write("x.csv", header + body)
        let result = try Fixtures.scrub([input], out: dir.file("o")) { $0.level = .some(nil) }
        #expect(result.exitStatus == 0)
        #expect(try Fixtures.findings(dir.file("o")).isEmpty)
        #expect(String(decoding: try Fixtures.read(dir.file("o/clean.csv")), as: UTF8.self) == header + body + "\n")
        #expect(result.summary.linesIn == 6 && result.summary.linesClean == 6)
        #expect(result.summary.metrics.chargesCents == 17_000)
        // They are lines of the file, not of any department, payer, provider or week.
        let metrics = result.summary.metrics
        for groups in [
            Array(metrics.departments.values), Array(metrics.payers.values), Array(metrics.providers.values),
            Array(metrics.weeks.values),
        ] {
            #expect(groups.map(\.lines).reduce(0, +) == 2)
        }
        // Anything more is still a record to hold: spaces, or a field with text.
        let other = try dir.write("y.csv", header + "L1,E1,P1,2026-01-05,99213,1,80.00\n   \n,,,,,,x\n")
        let held = try Fixtures.scrub([other], out: dir.file("p"))
        #expect(held.exitStatus == 1 && held.summary.linesHeld == 2)
    }

    /// A footer's totals row (`Total,,,,,,170.00`) has none of the required fields, or only a
    /// "Total" label in one: it is held with its S02s, and its amount is no charge. It was added to the run's dollars, doubling them.
    @Test func aTotalsRowIsHeldAndItsAmountIsNoCharge() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount\n"
        let body = "L1,E1,P1,2026-01-05,99213,1,80.00\nL2,E2,P2,2026-01-05,99214,1,90.00\nTotal,,,,,2,170.00\n"
        let result = try Fixtures.scrub([try dir.write("x.csv", header + body)], out: dir.file("o"))
        #expect(result.summary.linesHeld == 1)
        #expect(result.summary.metrics.chargesCents == 17_000 && result.summary.metrics.heldCents == 0)
        #expect(try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "S02" }.count == 4)
        // The label may sit in a required column: with no date and no procedure, still no charge.
        let labelled = header + "L1,E1,P1,2026-01-05,99213,1,80.00\n,Grand Total:,,,,1,80.00\n,,TOTALS,,,1,80.00\n"
        let footer = try Fixtures.scrub([try dir.write("z.csv", labelled)], out: dir.file("q"))
        #expect(footer.summary.linesHeld == 2)
        #expect(footer.summary.metrics.chargesCents == 8_000 && footer.summary.metrics.heldCents == 0)
        // One required field present is a charge line missing the others: its amount counts.
        let partial = header + "L1,E1,,,,1,80.00\n"
        let one = try Fixtures.scrub([try dir.write("y.csv", partial)], out: dir.file("p"))
        #expect(one.summary.metrics.chargesCents == 8_000 && one.summary.metrics.heldCents == 8_000)
        // A report's subtotal rows name no department or payer with their labels: the report
        // ranked `LAB Total` and `Grand Total` as departments at a 100% error rate.
        let withGroups =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,department,payer_id\n"
        let subtotals =
            withGroups + "L1,E1,P1,2026-01-05,99213,1,80.00,LAB,MCR\n,,,,,1,80.00,LAB Total,MCR Total\n"
            + ",,,,,1,80.00,Grand Total,\n"
        let report = try Fixtures.scrub([try dir.write("s.csv", subtotals)], out: dir.file("s"))
        #expect(report.summary.linesHeld == 2)
        #expect(
            Set(report.summary.metrics.departments.keys) == ["LAB", ""], "\(report.summary.metrics.departments.keys)")
        #expect(Set(report.summary.metrics.payers.keys) == ["MCR", ""])
    }

    /// A date written day first (`13/04/2026`) is S03 saying so, and the run says once what that
    /// means for the rest: a day-first extract's dates with a day of 12 or less were read as valid
    /// dates a month off (`10/04/2026` as October 4). No date is quoted on stderr.
    @Test func datesWrittenDayFirstAreNamedAndWarnedOfOnce() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount\n"
        let body =
            "L1,E1,P1,13/04/2026,99213,1,80.00\nL2,E2,P2,10/04/2026,99214,1,90.00\nL3,E3,P3,31/1/2026 0:00,99213,1,80.00\n"
            + "L4,E4,P4,30/02/2026,99213,1,80.00\n"
        var options = ScrubOptions(inputs: [try dir.write("x.csv", header + body)], asOf: Fixtures.asOf)
        options.outputDirectory = dir.file("o")
        let warnings = Mutex<[String]>([])
        let pipeline = ScrubPipeline(options: options, tables: Fixtures.tablesCache)
        pipeline.warning = { message in warnings.withLock { $0.append(message) } }
        _ = try pipeline.run()
        let s03 = try Fixtures.findings(dir.file("o")).filter { $0["rule"] == "S03" }
        #expect(s03.map { $0["line_id"]! } == ["L1", "L3", "L4"])
        #expect(
            s03.filter { $0["message"]!.hasSuffix(ChargeParser.dayFirstProblem) }.map { $0["line_id"]! } == [
                "L1", "L3",
            ])
        let said = warnings.withLock { $0 }.filter { $0.contains("day first") }
        #expect(said.count == 1 && said[0].hasPrefix("2 dates were held (S03) for being written day first"), "\(said)")
        #expect(!said[0].contains("2026"))
    }

    /// SQL Server Management Studio saves a NULL column as `NULL`: unquoted, it is an empty field.
    /// A missing modifier, diagnosis or revenue code written so was C07, C04 or C10 on every line;
    /// a required field so is S02. Quoted, `"NULL"` is text.
    @Test func anUnquotedNULLIsAnEmptyField() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,dx1,dx2,revenue_code\n"
        let rows = [
            "L1,E1,P1,2026-01-05,99213,NULL,I10,NULL,NULL", "L2,E2,NULL,2026-01-05,99213,NULL,I10,NULL,NULL",
            "L3,E3,P3,2026-01-05,99213,NULL,I10,\"NULL\",NULL\r",
            // Twice: the second is E01, whose row pass 2 writes from the record's own bytes; an empty
            // line_id is named by the line's number in both passes.
            "NULL,E4,P4,2026-01-05,99214,NULL,I10,\"NULL\",NULL", "NULL,E4,P4,2026-01-05,99214,NULL,I10,\"NULL\",NULL",
        ]
        let findings = try Fixtures.findings(header: header, rows: rows)
        #expect(
            findings.map { [$0["line_id"]!, $0["rule"]!, $0["field"]!] } == [
                ["L2", "S02", "patient_id"], ["L3", "C04", "dx2"], ["5", "C04", "dx2"], ["6", "C04", "dx2"],
                ["6", "E01", "procedure_code"],
            ])
    }

    @Test func failOnDecidesTheExitStatus() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        // Only charge-lag defects: warnings, no errors.
        _ = try Fixtures.generate(lines: 400, errorRate: 0.2, to: input, defects: [.chargeLag])
        #expect(try Fixtures.scrub([input], out: dir.file("a")).exitStatus == 0)
        #expect(try Fixtures.scrub([input], out: dir.file("b")) { $0.failOn = .warning }.exitStatus == 1)
        #expect(try Fixtures.scrub([input], out: dir.file("c")) { $0.failOn = .never }.exitStatus == 0)
        let errors = dir.file("y.csv")
        _ = try Fixtures.generate(lines: 400, errorRate: 0.2, to: errors, defects: [.npi])
        #expect(try Fixtures.scrub([errors], out: dir.file("d")).exitStatus == 1)
        #expect(try Fixtures.scrub([errors], out: dir.file("e")) { $0.failOn = .never }.exitStatus == 0)
    }

    @Test func configurationSwitchesRulesAndRegradesThem() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 600, errorRate: 0.2, to: input, defects: [.npi, .chargeLag])
        let config = try dir.write("c.toml", "[rules.C09]\nenabled = false\n[rules.D04]\nseverity = \"error\"\n")
        let settings = try RuleSettings.load(path: config)
        let result = try Fixtures.scrub([input], out: dir.file("o")) { $0.settings = settings }
        #expect(result.summary.findings(.C09) == 0)
        #expect(result.summary.findings(.D04) > 0)
        #expect(result.summary.metrics.warnings == 0)
        #expect(result.summary.linesHeld == result.summary.findings(.D04))
    }

    /// A misspelt key in a rule's table (`enable = false`), or a parameter the rule does not take,
    /// is refused naming it: it used to leave the rule as it was, without a word.
    @Test(arguments: [
        ("[rules.D04]\nenable = false\n", "rules.D04.enable"),
        ("[rules.M02]\nseverty = \"error\"\n", "rules.M02.severty"),
        ("[rules.C09]\nthreshold_days = 5\n", "rules.C09.threshold_days"),
        ("rules:\n  D04:\n    enable: false\n", "rules.D04.enable"),
    ])
    func anUnknownKeyInARuleIsRefused(text: String, field: String) throws {
        let (error, config) = try Self.refusal(text, name: text.hasPrefix("rules:") ? "c.yaml" : "c.toml")
        #expect(error?.field == field && error?.file == config, "\(String(describing: error))")
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let known = try dir.write(
            "k.toml", "[rules.D04]\nenabled = false\nthreshold_days = 5\n[rules.C03]\npayer_classes = [\"medicare\"]\n")
        let settings = try RuleSettings.load(path: known)
        #expect(settings.severity(of: .D04) == nil && settings.chargeLagDays == 5)
    }

    /// A day count past a century (a user's way to switch D04 off) is refused naming it: D04 and
    /// D03 compare it with day numbers, and `threshold_days = 2147483648` used to trap the run,
    /// leaving a spooled standard input behind in the temporary folder.
    @Test(arguments: [
        ("[rules.D04]\nthreshold_days = 2147483648\n", "rules.D04.threshold_days"),
        ("[rules.D04]\nthreshold_days = 36501\n", "rules.D04.threshold_days"),
        ("[rules.D03]\ndays = 99999999999\n", "rules.D03.days"),
        ("[rules.D03]\ntimely_filing_days = 0\n", "rules.D03.timely_filing_days"),
        ("charge_lag_days = -1\n", "charge_lag_days"),
        ("timely_filing_days = 4611686018427387904\n", "timely_filing_days"),
        ("[payers.AETNA01]\ntimely_filing_days = 40000\n", "payers.AETNA01.timely_filing_days"),
    ])
    func aDayCountPastACenturyIsRefused(text: String, field: String) throws {
        let error = try Self.refusal(text).error
        #expect(
            error?.field == field && error.map { "\($0)".contains("enabled = false") } == true,
            "\(String(describing: error))")
    }

    /// ARCHITECTURE.md, invariant 1: a malformed record is held with an S-rule finding. S01
    /// switched off or made a warning (run-wide or for a payer) would send a row of the wrong
    /// field count to the clean output, so the configuration is refused naming the key.
    @Test(arguments: [
        ("[rules.S01]\nenabled = false\n", "rules.S01"),
        ("[rules]\nS01 = \"warning\"\n", "rules.S01"),
        ("[rules.s01]\nseverity = \"warning\"\n", "rules.s01"),
        ("[payers.AETNA01]\nrules = { S01 = \"off\" }\n", "payers.AETNA01.rules.S01"),
        ("rules:\n  S01: off\n", "rules.S01"),
    ])
    func theUnreadableRecordRuleAlwaysHolds(text: String, field: String) throws {
        let error = try Self.refusal(text, name: text.hasPrefix("rules:") ? "c.yaml" : "c.toml").error
        #expect(
            error?.field == field && error.map { "\($0)".contains("always held") } == true,
            "\(String(describing: error))")
        // S02 and S03 stay the user's to relax, and S01 may be named as the error it is.
        let relaxed = try ProcedureCodeRuleTests.settings(
            "[rules]\nS01 = \"error\"\nS02 = \"off\"\nS03 = \"warning\"\n")
        #expect(relaxed.severity(of: .S01) == .error && relaxed.severity(of: .S02) == nil)
    }

    /// A payer's `"on"` keeps the run's severity, wherever the rule's table sits in the file: it
    /// used to reset a rule regraded to an error back to its default warning for that payer.
    @Test(arguments: [
        ("c.toml", "[rules.M02]\nseverity = \"error\"\n[payers.AETNA01]\nrules = { M02 = \"on\", D04 = \"on\" }\n"),
        (
            "c.yaml",
            "payers:\n  AETNA01:\n    rules: {M02: \"on\", D04: enabled}\nrules:\n  M02: {severity: error}\n  D04: \"off\"\n"
        ),
    ])
    func aPayersOnKeepsTheRunsSeverity(file: String, text: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let settings = try RuleSettings.load(path: try dir.write(file, text))
        #expect(settings.severity(of: .M02, payer: "AETNA01") == .error)
        #expect(settings.severity(of: .M02, payer: "OTHER") == .error)
        // A rule the run switches off, switched on for one payer, takes its own severity there.
        let d04: Severity? = file == "c.toml" ? .warning : nil
        #expect(settings.severity(of: .D04) == d04)
        #expect(settings.severity(of: .D04, payer: "AETNA01") == .warning)
    }

    /// A rule the run switches off with a severity beside it runs at that severity for a payer
    /// that switches it on: the severity was lost with the rule switched off, and the payer's
    /// lines got warnings the file asked to hold.
    @Test(arguments: ["c.toml", "c.yaml"])
    func aPayersOnTakesTheSeverityGivenBesideEnabledFalse(file: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let text =
            file == "c.toml"
            ? "[rules.D04]\nseverity = \"error\"\nenabled = false\n[payers.SELF]\nrules = { D04 = \"on\" }\n"
            : "rules:\n  D04: {severity: error, enabled: false}\npayers:\n  SELF:\n    rules: {D04: \"on\"}\n"
        let settings = try RuleSettings.load(path: try dir.write(file, text))
        #expect(settings.severity(of: .D04) == nil)
        #expect(settings.severity(of: .D04, payer: "SELF") == .error)
        #expect(settings.severity(of: .D04, payer: "OTHER") == nil)
    }

    /// One value set in two places is refused naming both: the key read last used to win, and
    /// the order changed from run to run (a dictionary's).
    @Test(arguments: [
        ("timely_filing_days = 90\n[rules.D03]\ndays = 400\n", "rules.D03.days", "timely_filing_days"),
        ("charge_lag_days = 30\n[rules.D04]\nthreshold_days = 3\n", "rules.D04.threshold_days", "charge_lag_days"),
        ("[rules.D03]\ndays = 90\ntimely_filing_days = 400\n", "rules.D03.timely_filing_days", "rules.D03.days"),
        ("[rules.D04]\nthreshold_days = 3\n[rules.d04]\nthreshold_days = 9\n", "rules.d04", "rules.D04"),
        ("[payers.A]\nrules = { d04 = \"off\", D04 = \"on\" }\n", "payers.A.rules.d04", "payers.A.rules.D04"),
    ])
    func aValueSetTwiceIsRefusedNamingBoth(text: String, field: String, other: String) throws {
        let error = try #require(try Self.refusal(text).error)
        // Keys are read in sorted order: either one is named as the field, the other in the message.
        #expect(
            (error.field == field && error.message.contains("'\(other)'"))
                || (error.field == other && error.message.contains("'\(field)'")), "\(error)")
    }

    /// The error loading `text` as a configuration file named `name` gives (nil when it loads),
    /// and the path it was loaded from.
    static func refusal(_ text: String, name: String = "c.toml") throws -> (error: ScrubError?, path: String) {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write(name, text)
        do {
            _ = try RuleSettings.load(path: path)
            return (nil, path)
        } catch let error as ScrubError {
            return (error, path)
        }
    }

    @Test func theLongestDayCountsRun() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 300, errorRate: 0.2, to: input, defects: [.chargeLag])
        let config = try dir.write("c.toml", "[rules.D04]\nthreshold_days = 36500\n[rules.D03]\ndays = 36500\n")
        let settings = try RuleSettings.load(path: config)
        #expect(settings.chargeLagDays == 36_500 && settings.timelyFilingDays == 36_500)
        let result = try Fixtures.scrub([input], out: dir.file("o")) { $0.settings = settings }
        #expect(result.summary.findings(.D04) == 0 && result.summary.findings(.D03) == 0)
    }
}

/// The library refuses an input that is one of the output folder's outputs, as the command does:
/// the run would remove it before reading it.
@Suite struct ScrubPipelineInputIsOutputTests {
    @Test func anInputThatIsAnOutputIsRefusedAndKeptByTheLibrary() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let out = dir.file("out")
        let input = try dir.write("charges.csv", BadInputTests.header + BadInputTests.good)
        _ = try Fixtures.scrub([input], out: out)
        let clean = out + "/clean.csv"
        let before = try Fixtures.read(clean)
        do {
            _ = try Fixtures.scrub([clean], out: out)
            Issue.record("an input that is the output folder's clean.csv was scrubbed")
        } catch let error as ScrubError {
            #expect(error.file == clean, "\(error)")
            #expect(error.description.contains("clean.csv"), "\(error)")
            #expect(error.message.contains("--out"), "\(error)")
        }
        #expect(try Fixtures.read(clean) == before)
    }

    /// One input given twice would be read twice, every line an exact duplicate of itself.
    @Test func anInputGivenTwiceIsRefused() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write("charges.csv", BadInputTests.header + BadInputTests.good)
        for inputs in [[input, input], [input, dir.path + "/./charges.csv"]] {
            do {
                _ = try Fixtures.scrub(inputs, out: dir.file("out"))
                Issue.record("\(inputs) was scrubbed")
            } catch let error as ScrubError {
                #expect(error.file == inputs[1] && error.message.contains("given twice"), "\(error)")
            }
        }
        let run = try CommandLineTests.run(
            ["scrub", "-", "-", "--out", dir.file("o2"), "--tables", "default", "--quiet"],
            stdin: Array((BadInputTests.header + BadInputTests.good).utf8))
        #expect(run.status == 2 && run.stderr.contains("standard input (-) is given twice"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("o2") + "/clean.csv"))
        // The file as a path and as standard input redirected from it, in either order.
        for inputs in [[input, "-"], ["-", input]] {
            let both = try CommandLineTests.run(
                ["scrub"] + inputs + ["--out", dir.file("o3"), "--tables", "default", "--quiet"], stdinFile: input)
            #expect(both.status == 2 && both.stderr.contains("is given twice"), "\(inputs): \(both.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("o3") + "/clean.csv"))
        }
        // Standard input redirected from another file is read.
        let other = try dir.write("other.csv", BadInputTests.header + BadInputTests.good)
        let apart = try CommandLineTests.run(
            ["scrub", input, "-", "--out", dir.file("o4"), "--tables", "default", "--quiet", "--fail-on", "never"],
            stdinFile: other)
        #expect(apart.status == 0, "\(apart.stderr)")
    }

    /// A folder under an output's name is refused before the run starts, not found when it ends.
    @Test func aFolderUnderAnOutputNameIsRefusedAtTheStart() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write("charges.csv", BadInputTests.header + BadInputTests.good)
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out + "/report.html", withIntermediateDirectories: true)
        do {
            _ = try Fixtures.scrub([input], out: out)
            Issue.record("the run went ahead")
        } catch let error as ScrubError {
            #expect(error.file == out + "/report.html" && error.message.contains("is a folder"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["report.html"])
    }

    /// Outputs go into place all or none: when a rename fails, those already renamed are removed.
    @Test func aFailedRenameLeavesNoOutputUnderAFinalName() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var outputs = [
            try OutputFile(path: dir.file("clean.csv"), level: nil),
            try OutputFile(path: dir.file("held.csv"), level: nil),
        ]
        try outputs[0].write(Array("a\n".utf8))
        // Taken after the run started: the report cannot be renamed into place.
        try FileManager.default.createDirectory(atPath: dir.file("report.html"), withIntermediateDirectories: true)
        #expect(throws: ScrubError.self) {
            try ScrubPipeline.complete(&outputs, summary: ScrubSummary(), directory: dir.path)
        }
        for output in outputs { output.discard() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"])
    }
    /// findings.csv's line_id: the extract's own, or the line number when it is empty or spaces
    /// only (a row of "  " could not be traced to its line), in pass 1 and in pass 2's rows alike.
    @Test func aBlankLineIdGivesWayToTheLineNumber() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        let rows = try Fixtures.findings(
            header: header,
            rows: [
                "L1,E1,P1,2026-05-01,99213,1,90.00,1234567893", "  ,E1,P1,2026-05-01,99213,1,90.00,1234567893",
                ",E2,P2,2026-05-01,99213,1,90.00,12345678AB", "\t,E3,P3,2026-05-01,99213,1,90.00,12345678AB",
                " L5,E4,P4,2026-05-01,99213,1,90.00,12345678AB",
            ])
        // Line 3 (spaces) is an exact duplicate of line 2: an E01 from the shard stage.
        let e01 = try #require(rows.first { $0["rule"] == "E01" })
        #expect(e01["line_number"] == "3" && e01["line_id"] == "3")
        let c09 = rows.filter { $0["rule"] == "C09" }.map { "\($0["line_number"]!) \($0["line_id"]!)" }
        #expect(c09 == ["4 4", "5 5", "6  L5"])
    }
}
