import Foundation
import Testing

@testable import ClaimScrubber

/// The built `claim-scrub` executable, run as a user runs it.
@Suite struct CommandLineTests {
    static var executable: String {
        // Tests run from the build products folder, where the executable sits too.
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "claim-scrub"
            ).path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("claim-scrub").path,
            Bundle.main.bundleURL.appendingPathComponent("claim-scrub").path,
            TestPaths.packageRoot + "/.build/debug/claim-scrub",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the executable; its standard input is `stdin` through a pipe, or the file at
    /// `stdinFile` (a redirection, `< FILE`).
    static func run(
        _ arguments: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil, environment: [String: String] = [:],
        shell: Bool = false
    ) throws -> Run {
        let process = Process()
        // `shell`: the first argument is the program (a shell, for a redirection of its own).
        process.executableURL = URL(fileURLWithPath: shell ? arguments[0] : executable)
        process.arguments = shell ? Array(arguments.dropFirst()) : arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        let file = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) }
        defer { try? file?.close() }
        process.standardInput = file ?? input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the executable with `arguments` from a shell: `before` (limits, `ulimit -v 400000 &&`)
    /// goes ahead, the executable runs through `timeout` when `hangsAfter` seconds are given (a
    /// run that hangs is killed: status 137), and `redirect` follows it (`2>&-`, `<&-`).
    static func shell(
        _ arguments: [String], before: String = "", hangsAfter seconds: Int? = nil, redirect: String = ""
    ) throws -> Run {
        let quoted = ([executable] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let through = seconds.map { "timeout -s KILL \($0) " } ?? ""
        return try run(["/bin/sh", "-c", "\(before) exec \(through)\(quoted) \(redirect)"], shell: true)
    }

    static let sample = TestPaths.packageRoot + "/data/samples/sample-charges.csv.zst"

    @Test func bundledSampleRunsEndToEnd() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let out = dir.file("out")
        let run = try Self.run([
            "scrub", Self.sample, "--tables", "default", "--tables", TestPaths.demoTables, "--as-of", "2026-06-30",
            "--out", out, "--quiet",
        ])
        #expect(run.status == 1, "the sample has errors, so the gate fails: \(run.stderr)")
        for name in ["clean.csv.zst", "held.csv.zst", "findings.csv", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
            as! [String: Any]
        let linesIn = summary["lines_in"] as! Int
        #expect(linesIn == Fixtures.records(try Fixtures.read(Self.sample)).count)
        #expect(linesIn == (summary["lines_clean"] as! Int) + (summary["lines_held"] as! Int))
        #expect(Fixtures.records(try Fixtures.read(out + "/held.csv.zst")).count == summary["lines_held"] as! Int)
        let bySeverity = summary["findings_by_severity"] as! [String: Int]
        #expect(bySeverity["error"]! > 0)
        let rows = try Fixtures.findings(out)
        #expect(rows.count == bySeverity["error"]! + bySeverity["warning"]!)
        // The bundled truth file says exactly what the run finds (it was regenerated with the
        // generator whenever a rule changed what the sample shows).
        let truthText = String(
            decoding: try Fixtures.read(TestPaths.packageRoot + "/data/samples/sample-charges.csv.truth.csv"),
            as: UTF8.self)
        let truth = Set(truthText.split(separator: "\n").dropFirst().map(String.init))
        let found = Set(rows.map { $0["line_id"]! + "," + $0["rule"]! })
        #expect(
            found == truth,
            "missed \(truth.subtracting(found).sorted().prefix(5)), extra \(found.subtracting(truth).sorted().prefix(5))"
        )
    }

    /// `--tables DIR` without `default` leaves the public code sets out: the run says so on
    /// stderr (codes get a form check only, so the gate could pass what they would hold). A
    /// `--memory-limit` below what the run needs (what the process holds at its start and its
    /// buffers) is said too.
    @Test func missingCodeSetsAndAnImpossibleLimitAreSaid() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 200, errorRate: 0.1, to: input)
        let base = ["scrub", input, "--as-of", "2026-06-30", "--fail-on", "never"]
        let demoOnly = try Self.run(base + ["--out", dir.file("a"), "--tables", TestPaths.demoTables])
        #expect(demoOnly.status == 0)
        #expect(demoOnly.stderr.contains("note: no ICD-10-CM release loaded"), "\(demoOnly.stderr)")
        #expect(demoOnly.stderr.contains("note: no HCPCS file loaded"))
        #expect(!demoOnly.stderr.contains("NCCI"))
        let quiet = try Self.run(base + ["--out", dir.file("b"), "--tables", TestPaths.demoTables, "--quiet"])
        #expect(!quiet.stderr.contains("note:"))
        let full = try Self.run(
            base + ["--out", dir.file("c"), "--tables", "default", "--tables", TestPaths.demoTables])
        // Nothing is missing; the one note is the shipped HCPCS file's age (anHCPCSReleaseOfAnEarlierYearIsSaid).
        let notes = full.stderr.split(separator: "\n").filter { $0.hasPrefix("note:") }
        #expect(notes.count == 1 && notes[0].contains("newest HCPCS release"), "\(full.stderr)")
        #expect(!full.stderr.contains("--memory-limit"))
        let tiny = try Self.run(base + ["--out", dir.file("d"), "--memory-limit", "1MiB", "--quiet"])
        #expect(tiny.status == 0 && tiny.stderr.contains("warning: --memory-limit 1 MiB is below"), "\(tiny.stderr)")
        // Above what the process holds at its start but below what its buffers add: said too,
        // with the limit that would hold (the run peaks above 80 MiB whatever limit is given).
        let small = try Self.run(base + ["--out", dir.file("e"), "--memory-limit", "64MiB", "--quiet"])
        #expect(
            small.status == 0 && small.stderr.contains("warning: --memory-limit 64 MiB is below what the run needs"))
        #expect(small.stderr.contains("MiB keeps to it)"), "\(small.stderr)")
        let enough = try Self.run(base + ["--out", dir.file("f"), "--memory-limit", "128MiB", "--quiet"])
        #expect(enough.status == 0 && !enough.stderr.contains("--memory-limit"), "\(enough.stderr)")
        // Each worker past two adds its chunks: 64 of them need more than 128 MiB.
        let many = try Self.run(
            base + ["--out", dir.file("g"), "--memory-limit", "128MiB", "--workers", "64", "--quiet"])
        #expect(many.status == 0 && many.stderr.contains("warning: --memory-limit 128 MiB is below"), "\(many.stderr)")
    }

    /// A run dated past the end of the loaded ICD-10-CM releases (November's charges with the
    /// shipped FY2026 files) says so at the start: two thirds of its lines get C06 warnings and the
    /// gate passes with their diagnoses unchecked.
    @Test func aRunPastTheLastICD10CMReleaseIsSaid() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 100, errorRate: 0, to: input)
        let base = ["scrub", input, "--fail-on", "never", "--tables", "default", "--tables", TestPaths.demoTables]
        let late = try Self.run(base + ["--out", dir.file("a"), "--as-of", "2026-11-30"])
        #expect(late.status == 0)
        #expect(
            late.stderr.contains(
                "note: the loaded ICD-10-CM releases serve dates of service through 2026-09-30, before the run's date 2026-11-30"
            ), "\(late.stderr)")
        #expect(
            late.stderr.contains(
                "note: the loaded ICD-10-CM Excludes1 releases serve dates of service through 2026-09-30, before the "
                    + "run's date 2026-11-30: M04 is not checked on later lines"))
        let inTime = try Self.run(base + ["--out", dir.file("b"), "--as-of", "2026-06-30"])
        #expect(!inTime.stderr.contains("serve dates of service through"), "\(inTime.stderr)")
        let quiet = try Self.run(base + ["--out", dir.file("c"), "--as-of", "2026-11-30", "--quiet"])
        #expect(!quiet.stderr.contains("note:"))
        // Open-ended releases (HCPCS, NCCI quarters) serve every later date: no end-of-coverage note.
        #expect(!late.stderr.contains("hcpcs") && !late.stderr.contains("ptp releases"))
    }

    /// The shipped HCPCS file is CY2019, and it serves later dates open-ended: a run dated in a
    /// later year says that codes created since get C01 (G2211 on most of this year's office
    /// visits); a run in 2019, or one with a current HCPCS file beside it, does not. No NCCI table
    /// ships either, and a default run says that E03-E06 did not run.
    @Test func anHCPCSReleaseOfAnEarlierYearIsSaid() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 50, errorRate: 0, to: input)
        let base = ["scrub", input, "--fail-on", "never", "--out", dir.file("o")]
        let note =
            "note: the newest HCPCS release loaded, CY2019, is of a year before the run's date 2026-06-30 and "
            + "serves later dates of service: codes created since it (G2211, for one) get C01"
        let now = try Self.run(base + ["--as-of", "2026-06-30"])
        #expect(now.status == 0 && now.stderr.contains(note), "\(now.stderr)")
        // No NCCI table ships: a default run says E03-E06 did not run, in one line.
        #expect(
            now.stderr.contains(
                "note: no NCCI PTP, MUE or add-on code table loaded: E03-E06 do not run (CMS publishes"),
            "\(now.stderr)")
        #expect(TableListing.encounterTableNote(Fixtures.demoTablesCache) == nil)
        let then = try Self.run(base + ["--as-of", "2019-12-31"])
        #expect(then.status == 0 && !then.stderr.contains("newest HCPCS release"), "\(then.stderr)")
        #expect(TableListing.hcpcsAgeNotes(Self.hcpcs(["2019-01-01", "2026-01-01"]), asOf: Fixtures.asOf).isEmpty)
        #expect(TableListing.hcpcsAgeNotes(Self.hcpcs(["2019-01-01", "2025-10-01"]), asOf: Fixtures.asOf).count == 1)
        // A January run over December's charges with December's year's file: no note; February's.
        let january = DayNumber.from(year: 2027, month: 1, day: 20)
        #expect(TableListing.hcpcsAgeNotes(Self.hcpcs(["2026-01-01"]), asOf: january).isEmpty)
        #expect(TableListing.hcpcsAgeNotes(Self.hcpcs(["2026-01-01"]), asOf: january + 31).count == 1)
        // Some encounter tables loaded: each missing one is named with the edits it serves.
        var some = Fixtures.demoTablesCache
        some.addOns = AddOnTable()
        #expect(
            TableListing.encounterTableNote(some)?.hasPrefix(
                "no add-on code table loaded: E06 not checked (CMS publishes")
                == true, "\(TableListing.encounterTableNote(some) ?? "nil")")
    }

    static func hcpcs(_ starts: [String]) -> [TableRelease] {
        starts.map {
            TableRelease(
                kind: "hcpcs", release: "CY" + $0.prefix(4), file: "f", effective: $0, through: nil, entries: 1)
        }
    }

    /// A bad flag is reported with the scrub command's usage line (it came with the top-level
    /// "claim-scrub <subcommand>" one, the check ran inside the run).
    @Test(arguments: [["--workers", "0"], ["--memory-limit", "1.5GiB"], ["--level", "25"], ["--fail-on", "maybe"]])
    func aBadFlagShowsTheScrubUsage(flag: [String]) throws {
        let run = try Self.run(["scrub", "x.csv"] + flag)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("Usage: claim-scrub scrub"), "\(run.stderr)")
    }

    /// An option of one value given twice is refused, in either spelling: the last was used and
    /// the first dropped without a word (a second --config replaced the first).
    @Test(arguments: [
        ["scrub", "x.csv", "--config", "a.toml", "--config", "b.toml"], ["scrub", "x.csv", "--out=a", "--out", "b"],
        ["generate", "--lines", "5", "--lines", "6", "--out", "g.csv"],
        ["report", "s.json", "--compare", "a", "--compare=b", "--out", "r.html"],
    ])
    func anOptionOfOneValueGivenTwiceIsRefused(arguments: [String]) throws {
        let run = try Self.run(arguments)
        #expect(run.status == 2 && run.stderr.contains("is given twice"), "\(run.stderr)")
    }

    @Test func gateStatusFollowsFailOn() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("lag.csv")
        _ = try Fixtures.generate(lines: 300, errorRate: 0.2, to: input, defects: [.chargeLag])
        let base = ["scrub", input, "--as-of", "2026-06-30", "--quiet"]
        #expect(try Self.run(base + ["--out", dir.file("a")]).status == 0)
        #expect(try Self.run(base + ["--out", dir.file("b"), "--fail-on", "warning"]).status == 1)
        #expect(try Self.run(base + ["--out", dir.file("c"), "--fail-on", "never"]).status == 0)
        // Words are read whatever their case.
        #expect(try Self.run(base + ["--out", dir.file("d"), "--fail-on", "WARNING", "--level", "None"]).status == 1)
    }

    /// With stderr closed or full (`2>&-`, `2>/dev/full`) the exit status is still the gate's, or 2
    /// for a run that could not be done: writing the end-of-run table or a message stopped the
    /// process with SIGILL (exit 132).
    @Test(arguments: ["2>&-", "2>/dev/full"])
    func aClosedOrFullStderrKeepsTheExitStatus(redirect: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 300, errorRate: 0.2, to: input)
        func status(_ arguments: [String]) throws -> Int32 { try Self.shell(arguments, redirect: redirect).status }
        #expect(try status(["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("a")]) == 1)
        #expect(try status(["scrub", dir.file("missing.csv"), "--out", dir.file("b")]) == 2)
        #expect(try status(["scrub", input, "--workers", "0"]) == 2)
        #expect(FileManager.default.fileExists(atPath: dir.file("a/summary.json")))
    }

    /// Started with standard input closed (`<&-`), `scrub -` read the process's own signal pipe,
    /// which had taken descriptor 0, and waited for ever; it stops now (exit 2) saying so, and a
    /// run reading a file with descriptors 0 and 1 closed completes as usual.
    @Test func aClosedStandardInputIsNamedNotWaitedOn() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 300, errorRate: 0.2, to: input)
        // `timeout` ends a run that hangs, as the failure used to.
        func run(_ arguments: [String], _ redirect: String) throws -> Run {
            try Self.shell(["scrub"] + arguments, hangsAfter: 60, redirect: redirect)
        }
        let closed = try run(
            ["-", "--as-of", "2026-06-30", "--out", dir.file("a"), "--temp-dir", dir.path], "<&-")
        #expect(closed.status == 2 && closed.stderr.contains("standard input is closed"), "\(closed)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a", "x.csv"])
        let file = try run([input, "--as-of", "2026-06-30", "--out", dir.file("b")], "<&- >&-")
        #expect(file.status == 1, "\(file)")
        #expect(FileManager.default.fileExists(atPath: dir.file("b/summary.json")))
    }

    /// Under `ulimit -v` the default --memory-limit (512MiB) ran out of address space: a 2M-line
    /// scrub under 300 MB stopped with SIGABRT. The default is lowered to what the address space
    /// leaves beyond what a run maps besides its resident memory; a limit given over that is
    /// lowered to it too, with a warning (kept, it could stop the run with SIGABRT).
    @Test func anAddressSpaceLimitLowersTheDefaultMemoryLimit() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 2_000, errorRate: 0.05, to: input)
        func run(_ extra: [String], out: String) throws -> (Run, Int?) {
            let run = try Self.shell(
                ["scrub", input, "--as-of", "2026-06-30", "--out", out, "--quiet"] + extra,
                before: "ulimit -v 400000 &&")
            let summary = try? ScrubSummary(json: try Fixtures.read(out + "/summary.json"))
            return (run, summary?.run.memoryLimit)
        }
        let expected = 400_000 * 1024 - ResourceLimits.mappedBeyondResident
        let (lowered, limit) = try run([], out: dir.file("a"))
        #expect(lowered.status == 1 && limit == expected, "\(lowered)")
        let (explicit, given) = try run(["--memory-limit", "512MiB"], out: dir.file("b"))
        #expect(
            explicit.stderr.contains("address space (ulimit -v)")
                && explicit.stderr.contains("the run keeps to \((expected + (1 << 20) - 1) >> 20) MiB")
                && given == expected,
            "\(explicit)")
        let (fits, small) = try run(["--memory-limit", "128MiB"], out: dir.file("c"))
        #expect(!fits.stderr.contains("ulimit") && small == 128 << 20, "\(fits)")
        // Where what the address space leaves is below what the run needs, the warning says to
        // raise ulimit -v: --memory-limit was lowered already and raising it does nothing.
        let tight = try Self.shell(
            ["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("d"), "--quiet", "--memory-limit", "1GiB"],
            before: "ulimit -v 260000 &&")
        #expect(tight.status == 1, "\(tight)")
        #expect(tight.stderr.contains("the run keeps to 62 MiB"), "\(tight.stderr)")
        #expect(tight.stderr.contains("--memory-limit 62 MiB is below what the run needs"), "\(tight.stderr)")
        #expect(tight.stderr.contains("the address space, ulimit -v, leaves no more: raise that"), "\(tight.stderr)")
        // Below what a run maps at the least it stops at once, saying so: under about 190 MiB it
        // stopped with SIGABRT on an allocation that failed, its spill files left behind.
        let tiny = try Self.shell(
            ["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("e"), "--quiet", "--workers", "2"],
            before: "ulimit -v 150000 &&")
        #expect(tiny.status == 2, "\(tiny)")
        #expect(
            tiny.stderr.contains("the address space allowed (ulimit -v) is 146 MiB, below the 224 MiB"),
            "\(tiny.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("e")))
    }

    /// Threads took `ulimit -s` as their stack: at 64 MiB under a 400 MB `ulimit -v` the worker
    /// threads could not be mapped, and libdispatch waited for them for ever (a 2,000-line scrub
    /// hung). Threads get 8 MiB whatever `ulimit -s` says.
    @Test(arguments: ["65536", "unlimited"])
    func aLargeStackLimitDoesNotStarveTheWorkers(stack: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 2_000, errorRate: 0.05, to: input)
        let run = try Self.shell(
            ["scrub", input, "--as-of", "2026-06-30", "--out", dir.file("o"), "--quiet"],
            before: "ulimit -s \(stack) && ulimit -v 400000 &&", hangsAfter: 60)
        #expect(run.status == 1, "\(run)")
    }

    /// `ulimit -n 7`: libdispatch stopped the process with SIGILL when it found no descriptor. A
    /// soft limit that low is raised; a hard one stops the run (exit 2) saying so.
    @Test func tooFewFileDescriptorsAreRaisedOrNamed() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 300, errorRate: 0.2, to: input)
        func run(_ limit: String, out: String) throws -> Run {
            try Self.shell(
                ["scrub", input, "--as-of", "2026-06-30", "--out", out, "--quiet"], before: "ulimit \(limit) 7 &&")
        }
        let soft = try run("-Sn", out: dir.file("a"))
        #expect(soft.status == 1, "\(soft)")
        let hard = try run("-n", out: dir.file("b"))
        #expect(hard.status == 2 && hard.stderr.contains("only 7 open files allowed (ulimit -n)"), "\(hard)")
    }

    @Test func tablesTakingMostOfTheMemoryLimitAreNamedInAWarning() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        // 30,000 PTP rows: about 0.5 MiB in memory, over a quarter of a 1 MiB limit.
        var rows: [String] = []
        for i in 0..<30_000 { rows.append("\(10000 + i / 100)\t\(20000 + i % 100 * 7)\t\t20250101\t*\t1\tx") }
        try FileManager.default.createDirectory(atPath: dir.file("tables"), withIntermediateDirectories: true)
        _ = try dir.write("tables/ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(rows))
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 200, errorRate: 0, to: input)
        let base = [
            "scrub", input, "--as-of", "2026-06-30", "--quiet", "--tables", "default", "--tables", dir.file("tables"),
        ]
        let small = try Self.run(base + ["--out", dir.file("a"), "--memory-limit", "1MiB"])
        #expect(small.status == 0, "\(small.stderr)")
        #expect(
            small.stderr.contains("warning: the NCCI PTP tables take 1 MiB of the 1 MiB --memory-limit"),
            "\(small.stderr)")
        let large = try Self.run(base + ["--out", dir.file("b"), "--memory-limit", "128MiB"])
        #expect(large.status == 0, "\(large.stderr)")
        #expect(!large.stderr.contains("warning"), "\(large.stderr)")
    }

    @Test func corruptInputExitsTwoNamingTheFileAndLeavesNoOutput() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("broken.csv.zst", [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x11, 0x22])
        let run = try Self.run(["scrub", path, "--out", dir.file("out"), "--as-of", "2026-06-30"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("broken.csv.zst"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? []).isEmpty)
    }

    /// An earlier run's outputs in the folder are gone whatever stops the next run, also a broken
    /// configuration or table folder read before any input: nothing under a final name can be
    /// taken for the failed run's.
    @Test func aFailedRunLeavesNoEarlierRunsOutputs() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "x.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-06-01,99213\n")
        let badConfig = try dir.write("config.toml", "[rules\n")
        let badTables = dir.file("tables")
        try FileManager.default.createDirectory(atPath: badTables, withIntermediateDirectories: true)
        _ = try dir.write("tables/place-of-service.tsv", "not a table\n")
        _ = try dir.write(
            "tables/tables.toml", "[[table]]\nfile = \"place-of-service.tsv\"\nkind = \"place-of-service\"\n")
        let out = dir.file("out")
        for failing in [["--config", badConfig], ["--tables", badTables], ["--tables", dir.file("no-such-folder")]] {
            let good = try Self.run(["scrub", input, "--out", out, "--as-of", "2026-06-30", "--fail-on", "never"])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + "/summary.json"))
            let run = try Self.run(["scrub", input, "--out", out, "--as-of", "2026-06-30"] + failing)
            #expect(run.status == 2, "\(failing): \(run.stderr)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).isEmpty, "\(failing)")
        }
    }

    /// Two runs into one folder at once renamed their outputs into it in turns, leaving one run's
    /// clean file beside the other's findings. While a run holds the folder, a second one stops
    /// with exit 2 and leaves the folder as it was; once the first is done the folder is free.
    @Test func aSecondRunIntoAFolderInUseStopsAndLeavesItAlone() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "x.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-06-01,99213\n")
        let out = dir.file("out")
        let arguments = ["scrub", input, "--out", out, "--as-of", "2026-06-30", "--fail-on", "never", "--quiet"]
        #expect(try Self.run(arguments).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        do {
            // The run in progress: this process holds the folder as a run does.
            let lock = try OutputFolderLock(directory: out)
            defer { withExtendedLifetime(lock) {} }
            let second = try Self.run(arguments)
            #expect(second.status == 2)
            #expect(
                second.stderr.contains(out) && second.stderr.contains("another claim-scrub run"), "\(second.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")) == before)
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out)).count == 5)
        }
        #expect(try Self.run(arguments).status == 0)
    }

    /// Runs the executable as a user other than the file owner: as `nobody` through `setpriv` when
    /// the tests run as root (who may remove any file), else as the test's own user.
    static func runAsOtherUser(_ arguments: [String]) throws -> Run {
        guard getuid() == 0 else { return try run(arguments) }
        return try run(
            ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments,
            shell: true)
    }

    /// An earlier output the run cannot remove (another user's file in a shared sticky folder) used
    /// to stay under its final name beside the run's own outputs, and a folder the run cannot write
    /// to was found only after all of pass 1: both stop the run at its start, naming the file or
    /// folder, and leave what is there as it was.
    @Test func anEarlierOutputThatCannotBeRemovedOrAFolderNotWritableStopsTheRunAtOnce() throws {
        let dir = try TemporaryFolder()
        defer {
            chmod(dir.file("locked"), 0o755)
            dir.remove()
        }
        #expect(chmod(dir.path, 0o755) == 0)
        let input = try dir.write(
            "x.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-06-01,99213\n")
        #expect(chmod(input, 0o644) == 0)
        let arguments = ["--as-of", "2026-06-30", "--fail-on", "never", "--quiet"]
        // A shared folder (sticky, anyone may write) holding another user's earlier clean.csv.
        let shared = dir.file("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        #expect(chmod(shared, 0o1777) == 0)
        let earlier = try dir.write("shared/clean.csv", "from an earlier run\n")
        if getuid() == 0 {
            #expect(chown(earlier, 0, 0) == 0)
        } else {
            // Without root the file cannot be another user's: the folder itself is made read-only.
            #expect(chmod(shared, 0o555) == 0)
        }
        defer { chmod(shared, 0o755) }
        let blocked = try Self.runAsOtherUser(["scrub", input, "--out", shared] + arguments)
        #expect(blocked.status == 2, "\(blocked.stderr)")
        #expect(
            blocked.stderr.contains("clean.csv") || blocked.stderr.contains("cannot be written"), "\(blocked.stderr)")
        #expect(try String(contentsOfFile: earlier, encoding: .utf8) == "from an earlier run\n")
        #expect(!FileManager.default.fileExists(atPath: shared + "/summary.json"))
        // A folder nobody but its owner may write to, and the run not its owner (or the folder read-only).
        let locked = dir.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        #expect(chmod(locked, 0o555) == 0)
        let refused = try Self.runAsOtherUser(["scrub", input, "--out", locked] + arguments)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains(locked) && refused.stderr.contains("cannot be written to"), "\(refused.stderr)")
    }

    /// Without `--as-of`, today is the date where the run is (its time zone), not in UTC: twelve
    /// hours behind and fourteen ahead of UTC are two dates, each its zone's calendar date.
    @Test func theDefaultAsOfIsTheLocalDate() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "x.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-06-01,99213\n")
        var dates: [String] = []
        // POSIX zone strings, read without tzdata: `XYZ-14` is fourteen hours east of UTC.
        for (zone, offset) in [("XYZ+12", -12), ("XYZ-14", 14)] {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: offset * 3600)!
            let expected = calendar.dateComponents([.year, .month, .day], from: Date())
            let out = dir.file("out-\(offset)")
            let run = try Self.run(
                ["scrub", input, "--out", out, "--fail-on", "never", "--quiet"], environment: ["TZ": zone])
            #expect(run.status == 0, "\(run.stderr)")
            let summary =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
                as! [String: Any]
            let asOf = (summary["run"] as! [String: Any])["as_of"] as! String
            #expect(asOf == String(format: "%04d-%02d-%02d", expected.year!, expected.month!, expected.day!))
            dates.append(asOf)
        }
        #expect(dates[0] < dates[1])
    }

    @Test func badArgumentsExitTwo() throws {
        // Bad usage is exit 2 (the contract's "the run could not be done"), not the argument parser's 64.
        let bad: [[String]] = [
            ["scrub", "x.csv", "--fail-on", "sometimes"],
            ["scrub", "x.csv", "--workers", "0"],
            ["scrub", "x.csv", "--workers", "abc"],
            ["scrub", "x.csv", "--memory-limit", "lots"],
            ["scrub", "x.csv", "--level", "20"],
            ["scrub", "x.csv", "--as-of", "2026-02-30"],
            // An empty path would be the current folder, or nowhere.
            ["scrub", "x.csv", "--out", ""],
            ["scrub", "x.csv", "--temp-dir", ""],
            ["scrub", "x.csv", "--delimiter", "\""],
            ["scrub", "x.csv", "--delimiter", "\n"],
            ["scrub", "x.csv", "--encoding", "ebcdic"],
            ["scrub", "x.csv", "--no-such-flag"],
            ["scrub"],
            ["no-such-command"],
            ["generate", "--lines", "10"],
            ["generate", "--lines", "10", "--out", "x.csv", "--format", "json"],
            // The truth file goes beside --out: beside a device it was a file made in /dev.
            ["generate", "--lines", "3", "--out", "/dev/null"], ["generate", "--lines", "3", "--out", "/dev/stdout"],
        ]
        for arguments in bad {
            let run = try Self.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("Error"), "\(arguments): \(run.stderr)")
        }
        #expect(try Self.run(["scrub", "/nonexistent/x.csv", "--as-of", "2026-06-30"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.truth.csv"))
        // With standard output a regular file, /dev/stdout is a link to it: refused all the same.
        let redirected = try Self.shell(["generate", "--lines", "3", "--out", "/dev/stdout"], redirect: "> /dev/null")
        #expect(redirected.status == 2 && redirected.stderr.contains("--out must name a file in a folder"))
        #expect(!FileManager.default.fileExists(atPath: "/dev/stdout.truth.csv"))
        // A name that is not UTF-8 (Windows-1252's í) is refused as such: it reached the program
        // with U+FFFD in it, so such an input "did not exist" and such an --out was another folder.
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let latin = try Self.run(
            [
                "/bin/sh", "-c",
                "cd '\(dir.path)' && exec '\(Self.executable)' scrub x.csv --out \"$(printf 'Pediatr\\355a')\"",
            ],
            shell: true)
        #expect(latin.status == 2, "\(latin)")
        #expect(latin.stderr.contains("argument 4 is not UTF-8 text"), "\(latin.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // No command at all does nothing: help on stderr and 2, so `claim-scrub $CMD && submit`
        // with an empty $CMD does not submit.
        let bare = try Self.run([])
        #expect(bare.status == 2 && bare.stdout.isEmpty && bare.stderr.contains("SUBCOMMANDS"), "\(bare.stderr)")
        #expect(try Self.run(["--help"]).status == 0)
        #expect(try Self.run(["scrub", "--help"]).status == 0)
        #expect(try Self.run(["--version"]).status == 0)
    }

    /// `--as-of` is YYYY-MM-DD only: the service-date forms MM/DD/YYYY and YYYYMMDD would make a
    /// day-first date such as 01/06/2026 silently another "today".
    @Test func asOfTakesOnlyYearMonthDay() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "in.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n")
        for date in ["06/30/2026", "20260630", "2026-6-30", " 2026-06-30"] {
            let run = try Self.run(["scrub", input, "--out", dir.file("o"), "--as-of", date, "--quiet"])
            #expect(run.status == 2, "\(date): \(run.status)")
            #expect(run.stderr.contains("--as-of must be a date YYYY-MM-DD"), "\(date): \(run.stderr)")
            let generate = try Self.run(["generate", "--lines", "5", "--as-of", date, "--out", dir.file("g.csv")])
            #expect(generate.status == 2, "\(date): \(generate.status)")
        }
        #expect(try Self.run(["scrub", input, "--out", dir.file("o"), "--as-of", "2026-06-30", "--quiet"]).status == 0)
    }

    /// Standard input without a line end in its first MiB (`- < /dev/zero`) is no input the run
    /// reads: it stops there, with nothing left in --temp-dir, instead of spooling until the
    /// folder is full. One X12 line of `~`-ended segments is read on.
    @Test func standardInputWithoutALineEndStopsAtItsFirstMiB() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let temp = dir.file("temp")
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: false)
        let run = try Self.run(
            ["scrub", "-", "--out", dir.file("out"), "--temp-dir", temp, "--as-of", "2026-06-30"],
            stdinFile: "/dev/zero")
        #expect(run.status == 2)
        #expect(run.stderr.contains("<stdin>:1") && run.stderr.contains("no line end"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp).isEmpty)
        // Past a MiB on one line: interchanges end to end (their claims duplicates of each other).
        let interchange = Array(X12Fixture.render(X12Fixture.standard()).utf8).filter { $0 != 0x0A && $0 != 0x0D }
        let x12 = Array(Array(repeating: interchange, count: (1 << 20) / interchange.count + 1).joined())
        #expect(x12.count > 1 << 20)
        let oneLine = try Self.run(
            ["scrub", "-", "--out", dir.file("x12"), "--temp-dir", temp, "--as-of", "2026-06-30", "--quiet"],
            stdin: x12)
        #expect(oneLine.status == 1, "\(oneLine.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("x12/clean.x12")))
    }

    @Test func standardInputIsScrubbedLikeAFile() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("in.csv")
        _ = try Fixtures.generate(lines: 500, to: input)
        let fromFile = try Self.run(["scrub", input, "--out", dir.file("f"), "--as-of", "2026-06-30", "--quiet"])
        let fromStdin = try Self.run(
            ["scrub", "-", "--out", dir.file("s"), "--as-of", "2026-06-30", "--quiet", "--temp-dir", dir.path],
            stdin: try Fixtures.read(input))
        #expect(fromFile.status == fromStdin.status)
        #expect(try Fixtures.read(dir.file("f/clean.csv")) == Fixtures.read(dir.file("s/clean.csv")))
        #expect(try Fixtures.read(dir.file("f/held.csv")) == Fixtures.read(dir.file("s/held.csv")))
        // The spool is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("spool") })
    }

    /// A `tmp` and an `out` folder made in `dir`, for runs given `--temp-dir` and `--out`.
    static func temporaryAndOutputFolders(in dir: TemporaryFolder) throws -> (temp: String, out: String) {
        let (temp, out) = (dir.file("tmp"), dir.file("out"))
        for folder in [temp, out] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        return (temp, out)
    }

    /// A run killed outright leaves its spills behind; the next run with the same --temp-dir and
    /// --out removes them and says so on stderr (a count and process ids, no patient data).
    @Test func theNextRunRemovesTheTemporariesOfAKilledOne() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (temp, out) = try Self.temporaryAndOutputFolders(in: dir)
        let dead = try AbandonedTemporaryFilesTests.deadProcess()
        let stale = [temp + "/claim-scrub-\(dead)-1-shard-0.spill", out + "/.held.csv.tmp-\(dead)"]
        for path in stale { try Data("P123,Doe,1970-01-01\n".utf8).write(to: URL(fileURLWithPath: path)) }
        // Its lock file goes too, uncounted: it held no data.
        let lock = temp + "/claim-scrub-\(dead)-2-lock"
        try Data().write(to: URL(fileURLWithPath: lock))
        let run = try Self.run([
            "scrub", Self.sample, "--as-of", "2026-06-30", "--out", out, "--temp-dir", temp, "--quiet",
        ])
        #expect(run.status < 2, "\(run.stderr)")
        for path in stale + [lock] { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(
            run.stderr.contains(
                "note: removed 2 temporary files left by an earlier run that did not finish (process \(dead))"),
            "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp).isEmpty)
    }

    /// The same with a real `kill -9` in the middle of a run that spills.
    @Test func aRunKilledMidwayIsCleanedUpByTheNextOne() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (temp, out) = try Self.temporaryAndOutputFolders(in: dir)
        let input = dir.file("in.csv")
        _ = try Fixtures.generate(lines: 60_000, to: input)
        let arguments = [
            "scrub", input, "--as-of", "2026-06-30", "--out", out, "--temp-dir", temp, "--memory-limit", "1MiB",
            "--quiet",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once its first spill file is there.
        let deadline = Date().addingTimeInterval(60)
        func spilled() -> Bool {
            ((try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? []).contains { $0.hasSuffix(".spill") }
        }
        while process.isRunning && Date() < deadline && !spilled() { usleep(2_000) }
        try #require(process.isRunning, "the run ended before it spilled")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: temp)
        #expect(left.contains { $0.hasPrefix("claim-scrub-\(process.processIdentifier)-") }, "\(left)")

        let again = try Self.run(arguments)
        #expect(again.status < 2, "\(again.stderr)")
        #expect(again.stderr.contains("(process \(process.processIdentifier))"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasPrefix(".") })
    }

    /// A pipe given as a path (`/dev/stdin`, a shell's `<(zstd -dc …)`) cannot be read twice, and
    /// telling its format would consume its first bytes: the run stops, pointing at `-`, which spools.
    @Test func aPipeGivenAsAPathStopsTheRunPointingAtStandardInput() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        // Small, so it fits the pipe's buffer whether or not the process reads it.
        let extract = Array("encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n".utf8)
        let run = try Self.run(
            ["scrub", "/dev/stdin", "--out", dir.file("out"), "--as-of", "2026-06-30", "--quiet"], stdin: extract)
        #expect(run.status == 2)
        #expect(run.stderr.contains("/dev/stdin"), "\(run.stderr)")
        #expect(run.stderr.contains("not a regular file"), "\(run.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? []).isEmpty)
        // The same bytes through `-` are scrubbed.
        let spooled = try Self.run(
            ["scrub", "-", "--out", dir.file("ok"), "--as-of", "2026-06-30", "--quiet", "--temp-dir", dir.path],
            stdin: extract)
        #expect(spooled.status == 0, "\(spooled.stderr)")
    }

    /// A run that fails after shards were spilled leaves nothing in --temp-dir (invariant 4): here
    /// the second input's zstd stream is corrupt, read after the first input spilled its shards.
    @Test func aRunFailingAfterSpillsLeavesNoTemporaryFiles() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let first = dir.file("a.csv.zst")
        _ = try Fixtures.generate(lines: 20_000, to: first)
        let second = dir.file("b.csv.zst")
        _ = try Fixtures.generate(lines: 3_000, seed: 8, to: second)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: second)))
        for i in (bytes.count * 9 / 10)..<(bytes.count * 9 / 10 + 64) { bytes[i] ^= 0xA5 }
        _ = try dir.write("b.csv.zst", bytes)
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        // The files used to be left when the process exited before a worker thread released the
        // pass's state (about half the runs): several runs make that visible.
        for _ in 0..<5 {
            let run = try Self.run([
                "scrub", first, second, "--out", dir.file("out"), "--as-of", "2026-06-30", "--quiet", "--temp-dir", tmp,
                "--memory-limit", "1MiB", "--workers", "2",
            ])
            #expect(run.status == 2, "\(run.stderr)")
            #expect(run.stderr.contains("b.csv.zst"), "\(run.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [])
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? []).isEmpty)
        }
    }

    /// Re-scrubbing last run's held file into the same folder (`scrub scrub-out/held.csv`, the
    /// default --out) must not destroy it: a run removes the folder's old outputs before reading.
    @Test func anInputThatIsAnOutputOfTheRunIsRefusedAndKept() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let extract = Array("encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n".utf8)
        for name in ["held.csv", "clean.csv.zst", "findings.csv", "summary.json"] {
            let input = try dir.write("out/" + name, extract)
            let run = try Self.run(["scrub", input, "--out", out, "--as-of", "2026-06-30", "--quiet"])
            #expect(run.status == 2, "\(name): \(run.stderr)")
            #expect(run.stderr.contains(name) && run.stderr.contains("--out"), "\(name): \(run.stderr)")
            #expect(try Fixtures.read(input) == extract, "\(name) was changed or removed")
            unlink(input)
        }
        // Through another path to the same folder, too.
        let input = try dir.write("out/held.csv", extract)
        let run = try Self.run(["scrub", dir.file("out/../out/held.csv"), "--out", out + "/", "--as-of", "2026-06-30"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(try Fixtures.read(input) == extract)
    }

    @Test func generateWritesTheExtractAndItsTruthFile() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let out = dir.file("g.csv.zst")
        let run = try Self.run(["generate", "--lines", "1000", "--seed", "5", "--error-rate", "0.1", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Fixtures.records(try Fixtures.read(out)).count == 1000)
        let truth = String(decoding: try Fixtures.read(dir.file("g.csv.truth.csv")), as: UTF8.self)
        #expect(truth.hasPrefix("line_id,rule\n"))
        #expect(truth.split(separator: "\n").count > 50)
        // Same seed, same bytes.
        let again = dir.file("h.csv.zst")
        _ = try Self.run(["generate", "--lines", "1000", "--seed", "5", "--error-rate", "0.1", "--out", again])
        #expect(try Fixtures.read(out) == Fixtures.read(again))
    }

    /// The extract and its truth file are written both or neither: a folder under the truth
    /// file's name stops the run with no file under either final name and no temporary left.
    @Test func generateWritesBothFilesOrNeither() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("y.csv.truth.csv"), withIntermediateDirectories: true)
        let run = try Self.run(["generate", "--lines", "5", "--out", dir.file("y.csv")])
        #expect(run.status == 2 && run.stderr.contains("y.csv.truth.csv"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["y.csv.truth.csv"])
    }

    /// Usage `generate` cannot serve: a claim file of no claims (an empty file no scrub takes), and
    /// an --as-of whose patients' birth dates would fall before 1800.
    @Test func generateRefusesWhatItCannotWriteValidly() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        for arguments in [
            ["--lines", "0", "--format", "x12"], ["--lines", "0", "--format", "hl7"],
            ["--lines", "5", "--as-of", "1800-01-01"], ["--lines", "5", "--as-of", "2200-06-30"],
        ] {
            let run = try Self.run(["generate", "--out", dir.file("g.x")] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        let header = try Self.run(["generate", "--lines", "0", "--out", dir.file("h.csv")])
        let records = Fixtures.records(try Fixtures.read(dir.file("h.csv")))
        #expect(header.status == 0 && records.isEmpty)
    }

    /// An output path that names a device or a pipe is refused, not replaced by a regular file
    /// (which, as root, took /dev/null away from every other process).
    @Test func anOutputNamingAPipeIsRefusedAndKept() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let fifo = dir.file("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let run = try Self.run(["generate", "--lines", "5", "--out", fifo])
        #expect(run.status == 2 && run.stderr.contains("not a regular file"), "\(run.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(!FileManager.default.fileExists(atPath: fifo + ".truth.csv"))
        // A link to a pipe names the pipe too (as /dev/stdout does a terminal or a pipe).
        #expect(symlink(fifo, dir.file("link")) == 0)
        let linked = try Self.run(["generate", "--lines", "5", "--out", dir.file("link")])
        #expect(linked.status == 2 && linked.stderr.contains("not a regular file"), "\(linked.stderr)")
        #expect(lstat(dir.file("link"), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        // A scrub's output folder with a pipe under an output's name: refused, the pipe kept (it
        // was removed as an earlier output).
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(mkfifo(out + "/held.csv", 0o644) == 0)
        let input = try dir.write(
            "in.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n")
        let scrub = try Self.run(["scrub", input, "--out", out, "--as-of", "2026-06-30", "--quiet"])
        #expect(scrub.status == 2 && scrub.stderr.contains("not a regular file"), "\(scrub.stderr)")
        #expect(lstat(out + "/held.csv", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    /// An output named by a link to a regular file is written through the link: the file is
    /// replaced and the link kept (`--out /dev/stdout` with stdout sent to a file replaced the
    /// system's own link). A link that leads nowhere is refused.
    @Test func anOutputNamedByALinkIsWrittenThroughIt() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let target = try dir.write("target.csv", "old contents\n")
        #expect(symlink(target, dir.file("link.csv")) == 0)
        let run = try Self.run(["generate", "--lines", "5", "--out", dir.file("link.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        #expect(lstat(dir.file("link.csv"), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(Fixtures.records(try Fixtures.read(target)).count == 5)
        #expect(!FileManager.default.contents(atPath: target)!.starts(with: Array("old".utf8)))
        // The report too, and nothing else is left in the folder but the truth file beside the link.
        let scrub = try Self.run([
            "scrub", target, "--out", dir.file("out"), "--as-of", "2026-06-30", "--quiet", "--fail-on", "never",
        ])
        #expect(scrub.status == 0, "\(scrub.stderr)")
        let page = try dir.write("page.html", "old page\n")
        #expect(symlink(page, dir.file("page-link.html")) == 0)
        let report = try Self.run(["report", dir.file("out/summary.json"), "--out", dir.file("page-link.html")])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(lstat(dir.file("page-link.html"), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(String(decoding: try Fixtures.read(page), as: UTF8.self).contains("<html"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == [
                "link.csv", "link.csv.truth.csv", "out", "page-link.html", "page.html", "target.csv",
            ])
        // A link to nothing: refused, the link kept.
        #expect(symlink(dir.file("missing/x.csv"), dir.file("dangling.csv")) == 0)
        let dangling = try Self.run(["generate", "--lines", "5", "--out", dir.file("dangling.csv")])
        #expect(dangling.status == 2 && dangling.stderr.contains("is a link to nothing"), "\(dangling.stderr)")
        #expect(lstat(dir.file("dangling.csv"), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
    }

    /// `generate` stopped by SIGTERM (or Ctrl-C) while writing removes its temporary files and
    /// exits 143 (130): a `.x.csv.zst.tmp-PID` was left in the folder. SIGHUP (the terminal closed)
    /// and SIGPIPE (stderr's reader gone) likewise (129, 141): they left every temporary file.
    @Test(arguments: [SIGTERM, SIGHUP, SIGPIPE])
    func anInterruptedGenerateLeavesNothingBehind(signalNumber: Int32) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["generate", "--lines", "20000000", "--out", dir.file("x.csv.zst")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the temporary file is there, then stop the process.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning
            && ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).isEmpty
        {
            usleep(20_000)
        }
        #expect(process.isRunning, "generate ended before it could be stopped")
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signalNumber && process.terminationReason == .exit)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A date the scrub cannot work with says which years it takes.
    @Test func asOfOutsideTheYearsNamesThem() throws {
        for date in ["9999-12-31", "1799-12-31", "0001-01-01"] {
            let run = try Self.run(["scrub", "x.csv", "--as-of", date])
            #expect(run.status == 2 && run.stderr.contains("in the years 1800-2200"), "\(date): \(run.stderr)")
        }
    }

    @Test func columnMapFileMapsAnExtractsOwnHeaderNames() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "own.tsv",
            "Charge Ref\tVisit No\tMRN\tDOS\tCPT/HCPCS\tQty\nC1\tV1\tM1\t05/01/2026\t99213\t1\nC2\tV1\tM1\t2026-05-01\t99214\ttwo\n"
        )
        let map = try dir.write("map.yaml", "columns:\n  Charge Ref: line_id\n  Visit No: encounter_id\n")
        let run = try Self.run([
            "scrub", input, "--columns", map, "--out", dir.file("o"), "--as-of", "2026-06-30", "--quiet",
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let rows = try Fixtures.findings(dir.file("o"))
        #expect(rows.map { $0["line_id"]! } == ["C2"])
        #expect(rows[0]["rule"] == "S03")
        #expect(rows[0]["encounter_id"] == "V1")
        #expect(!run.stderr.contains("warning"), "\(run.stderr)")
    }

    /// Settings that match nothing in the input are said on stderr, even with --quiet: a
    /// `--columns` key no header field is (a misspelt optional column is never read, and its
    /// rules pass every line), and a payer section no line's payer is (ids match exactly).
    @Test func settingsThatMatchNothingAreWarnedOf() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("in.csv")
        _ = try Fixtures.generate(lines: 300, to: input)
        let map = try dir.write("map.toml", "[columns]\n\"Payer Code\" = \"payer_id\"\n\"LINE-ID\" = \"line_id\"\n")
        let config = try dir.write(
            "c.toml", "[payers.aetna01]\nrules = { C09 = \"off\" }\n[payers.AETNA01]\ntimely_filing_days = 90\n")
        let run = try Self.run([
            "scrub", input, "--columns", map, "--config", config, "--out", dir.file("o"), "--as-of", "2026-06-30",
            "--quiet", "--fail-on", "never",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stderr.contains("warning: --columns map.toml maps 'Payer Code', which no header field is"),
            "the warning names the map file: \(run.stderr)")
        #expect(!run.stderr.contains("'LINE-ID'"), "a key matching line_id whatever its case: \(run.stderr)")
        #expect(run.stderr.contains("warning: --config has settings for payer 'aetna01', which no line has"))
        #expect(!run.stderr.contains("'AETNA01'"))
        #expect(!run.stderr.contains("sets nothing"))
        // A configuration without a key (emptied by mistake, or comments only) leaves the defaults.
        // (YAML's `---` alone is a null document; a TOML `[rules]` with nothing under it sets nothing.)
        for (name, text) in [
            ("empty.toml", ""), ("comments.yaml", "# rules to come\n"), ("dash.yaml", "---\n"),
            ("rules.toml", "[rules]\n"),
        ] {
            let empty = try dir.write(name, text)
            let run = try Self.run([
                "scrub", input, "--config", empty, "--out", dir.file("e"), "--as-of", "2026-06-30", "--quiet",
                "--fail-on", "never",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("warning: --config \(empty) sets nothing (no value in it): the defaults apply"))
            guard name != "rules.toml" else { continue }  // a column map of a [rules] table is refused
            let mapped = try Self.run([
                "scrub", input, "--columns", empty, "--out", dir.file("m"), "--as-of", "2026-06-30", "--quiet",
                "--fail-on", "never",
            ])
            #expect(mapped.status == 0, "\(mapped.stderr)")
            #expect(
                mapped.stderr.contains(
                    "warning: --columns \(empty) maps nothing (no value in it): header names are read as they are"))
        }
        // A claim file takes neither --columns nor --delimiter: said, not ignored in silence.
        let claims = dir.file("c.x12")
        _ = try Self.run(["generate", "--lines", "20", "--format", "x12", "--out", claims])
        let x12 = try Self.run([
            "scrub", claims, "--columns", map, "--out", dir.file("x"), "--as-of", "2026-06-30", "--quiet",
            "--fail-on", "never",
        ])
        #expect(x12.status == 0 && x12.stderr.contains("ignored for this x12 input"), "\(x12.stderr)")
    }
}
