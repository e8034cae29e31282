import Foundation
import Testing

@testable import ClaimScrubber

/// `claim-scrub report SUMMARY.json [--compare PREVIOUS.json] --out FILE`, run as a user runs it.
@Suite struct ReportCommandTests {
    /// Last month: the hand-made extract without L6 and L9 (so one held line, L4) and with L1 at
    /// 150.00 instead of 100.00.
    static var previousMonth: String {
        ReportFixtures.handMade.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("L6,") && !$0.hasPrefix("L9,") }
            .map { $0.hasPrefix("L1,") ? $0.replacingOccurrences(of: ",100.00,", with: ",150.00,") : String($0) }
            .joined(separator: "\n")
    }

    @Test func compareShowsTheChanges() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (now, nowOut) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir, name: "june.csv", out: "june")
        let (before, beforeOut) = try ReportFixtures.scrub(Self.previousMonth, in: dir, name: "may.csv", out: "may")
        #expect(now.summary.linesIn == 9 && before.summary.linesIn == 7 && before.summary.linesHeld == 1)

        let page = dir.file("report.html")
        let run = try CommandLineTests.run([
            "report", nowOut + "/summary.json", "--compare", beforeOut + "/summary.json", "--out", page,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try ReportFixtures.readText(page)
        #expect(html.contains(ReportRenderer.Title.comparison))
        func row(_ name: String, _ now: String, _ before: String, _ change: String) -> String {
            "<th scope=\"row\">\(name)</th><td>\(now)</td><td>\(before)</td><td class=\"change\">\(change)</td>"
        }
        #expect(html.contains(row("Lines in", "9", "7", "+2")))
        #expect(html.contains(row("Lines held", "3", "1", "+2")))
        // The page states the clean lines and the duplicates' dollars too (summary.json had them,
        // the page did not).
        #expect(html.contains(row("Lines clean", "6", "6", "0")))
        #expect(html.contains(row("Dollars of duplicates", "$0.00", "$0.00", "$0.00")))
        // 3/9 = 33.3% against 1/7 = 14.3%: +19.0 points.
        #expect(html.contains(row("Error rate (lines held)", "33.3%", "14.3%", "+19.0 pp")))
        // Held $140.75 against $75.50; charges $790.75 against $775.50 (L1 was 50.00 more, L6 and L9 absent).
        #expect(html.contains(row("Dollars held", "$140.75", "$75.50", "+$65.25")))
        #expect(html.contains(row("Charges", "$790.75", "$775.50", "+$15.25")))
        #expect(html.contains(row("Dollars at risk (passed with warnings)", "$50.00", "$50.00", "$0.00")))
        // Per rule: D04 2 against 1, C09 and S03 new, D02 unchanged.
        #expect(html.contains("<td>1</td><td class=\"change\">+1</td>"))
        #expect(html.contains("<td>0</td><td class=\"change\">+1</td>"))
        // Radiology's error rate: 2 of 4 against 0 of 2: +50.0 points.
        #expect(html.contains("<td>0.0%</td><td class=\"change\">+50.0 pp</td>"))

        // The same page as the library renders from the two summaries in memory.
        #expect(html == ReportRenderer.html(now.summary, previous: before.summary))
    }

    /// The overview states the clean lines and the duplicates' dollars, as summary.json does.
    @Test func theOverviewStatesCleanLinesAndDuplicateDollars() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let line = ReportFixtures.line(
            "L1", department: "Cardiology", npi: ReportFixtures.npiA, payer: "MCR01", service: "2026-06-01",
            post: "2026-06-01", amount: "50.00")
        let twice =
            ReportFixtures.header + "\n" + line + "\n" + line.replacingOccurrences(of: "L1,E-L1", with: "L2,E-L2")
            + "\n"
        let (result, _) = try ReportFixtures.scrub(twice, in: dir)
        #expect(result.summary.findings(.E01) == 1)
        let html = ReportRenderer.html(result.summary, previous: nil)
        #expect(html.contains("<th scope=\"row\">Lines clean</th><td>1</td></tr>"), "\(html)")
        #expect(html.contains("<th scope=\"row\">Dollars of duplicates</th><td>$50.00</td></tr>"))
    }

    /// With `--compare`, the payer table had no previous or change columns, and a department or
    /// payer of the previous run only was left out (its −$100.00 of held dollars was lost, so the
    /// departments' changes did not add up to the headline's).
    @Test func compareKeepsGroupsOfEitherRunAndComparesPayers() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let now =
            ReportFixtures.header + "\n"
            + ReportFixtures.line(
                "L1", department: "Orthopedics", npi: ReportFixtures.npiA, payer: "AETNA01",
                service: "2026-06-01", post: "2026-06-02", amount: "50.00") + "\n"
        // Cardiology and MCR01 only last month, held (posted before service: D02).
        let before =
            now
            + ReportFixtures.line(
                "L2", department: "Cardiology", npi: ReportFixtures.npiA, payer: "MCR01",
                service: "2026-06-05", post: "2026-06-01", amount: "100.00") + "\n"
        let (nowOut, beforeOut) = try Self.scrubbed(now: now, before: before, in: dir)
        let page = dir.file("report.html")
        let run = try CommandLineTests.run([
            "report", nowOut + "/summary.json", "--compare", beforeOut + "/summary.json", "--out", page,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try ReportFixtures.readText(page)
        func section(_ id: String) throws -> Substring { try Self.section(id, of: html) }
        let held = try section("held")
        #expect(
            held.contains(
                "<th scope=\"row\">Cardiology</th><td>0</td><td>$0.00</td><td>$0.00</td><td>$0.00</td>"
                    + "<td>$100.00</td><td class=\"change\">−$100.00</td>"))
        #expect(held.contains("<th scope=\"row\">Orthopedics</th><td>1</td>"))
        let payers = try section("payers")
        #expect(payers.contains("<th scope=\"col\">Error rate, previous</th><th scope=\"col\">Change</th>"))
        #expect(payers.contains("<th scope=\"row\">AETNA01</th><td>1</td><td>0</td><td>0.0%</td>"))
        #expect(payers.contains("<td>0.0%</td><td class=\"change\">0.0 pp</td>"))
        #expect(payers.contains("<th scope=\"row\">MCR01</th><td>0</td><td>0</td><td>—</td>"))
        #expect(payers.contains("<td>100.0%</td><td class=\"change\">no lines</td>"))
        let lag = try section("lag")
        let cardiologyLag = "<th scope=\"row\">Cardiology</th><td>0</td><td>—</td><td>—</td><td>—</td><td>-4</td>"
        #expect(lag.contains(cardiologyLag))
        // The median's change in days: Cardiology lagged only last month, Orthopedics the same 1 day.
        #expect(lag.contains("<th scope=\"col\">Median change</th>"))
        #expect(lag.contains("<td>-4</td><td>-4</td><td class=\"change\">no lines</td></tr>"))
        #expect(lag.contains("<td>1</td><td>1</td><td class=\"change\">0</td></tr>"))
    }

    /// The charge lag table's median change, in days with its sign, and "new" for a department
    /// that had no lags in the previous run.
    @Test func compareShowsTheChangeOfEachDepartmentsMedianLag() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        func line(_ id: String, _ department: String, post: String) -> String {
            ReportFixtures.line(
                id, department: department, npi: ReportFixtures.npiA, payer: "AETNA01",
                service: "2026-06-01", post: post, amount: "50.00") + "\n"
        }
        let now =
            ReportFixtures.header + "\n" + line("L1", "Orthopedics", post: "2026-06-04")
            + line("L2", "Radiology", post: "2026-06-02")
        let before = ReportFixtures.header + "\n" + line("L1", "Orthopedics", post: "2026-06-02")
        let (nowOut, beforeOut) = try Self.scrubbed(now: now, before: before, in: dir)
        let html = ReportRenderer.html(
            try ScrubSummary(json: try Fixtures.read(nowOut + "/summary.json")),
            previous: try ScrubSummary(json: try Fixtures.read(beforeOut + "/summary.json")))
        let lag = try Self.section("lag", of: html)
        #expect(lag.contains("<th scope=\"row\">Orthopedics</th><td>1</td><td>3</td><td>3</td>"))
        #expect(lag.contains("<td>1</td><td>1</td><td class=\"change\">+2</td></tr>"))
        #expect(lag.contains("<th scope=\"row\">Radiology</th><td>1</td><td>1</td><td>1</td>"))
        #expect(lag.contains("<td></td><td></td><td class=\"change\">new</td></tr>"))
    }

    /// The output folders of `now` scrubbed as this month's run (june) and `before` as last month's (may).
    static func scrubbed(now: String, before: String, in dir: TemporaryFolder) throws -> (now: String, before: String) {
        let (_, nowOut) = try ReportFixtures.scrub(now, in: dir, name: "june.csv", out: "june")
        let (_, beforeOut) = try ReportFixtures.scrub(before, in: dir, name: "may.csv", out: "may")
        return (nowOut, beforeOut)
    }

    /// The body of the report's `<section id="id">`.
    static func section(_ id: String, of html: String) throws -> Substring {
        let start = try #require(html.range(of: "<section id=\"\(id)\">"))
        let end = try #require(html[start.upperBound...].range(of: "</section>"))
        return html[start.upperBound..<end.lowerBound]
    }

    @Test func reportWithoutCompareMatchesTheScrubsOwn() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (_, out) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let page = dir.file("again.html")
        let run = try CommandLineTests.run(["report", out + "/summary.json", "--out", page])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try ReportFixtures.readText(page) == ReportFixtures.readText(out + "/report.html"))
        #expect(!(try ReportFixtures.readText(page)).contains(ReportRenderer.Title.comparison))
    }

    /// A copy of a summary.json with `edit` applied to its decoded object, written beside it as `name`.
    static func edited(
        _ summary: String, in dir: TemporaryFolder, as name: String, _ edit: (inout [String: Any]) -> Void
    ) throws -> String {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        edit(&object)
        return try dir.write(name, String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// A threshold past `Int32.max` (the reader takes whole numbers up to 2^50) stopped the report
    /// on "Not enough bits to represent the passed value", also as the `--compare` file: no lag is
    /// over it, and the page says so.
    @Test func chargeLagThresholdPastInt32Renders() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (_, out) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let huge = try Self.edited(out + "/summary.json", in: dir, as: "huge.json") { object in
            var lag = object["charge_lag"] as! [String: Any]
            lag["threshold_days"] = 1 << 31
            object["charge_lag"] = lag
        }
        let page = dir.file("r.html")
        let run = try CommandLineTests.run(["report", huge, "--out", page])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try ReportFixtures.readText(page).contains("0.0% over the 2147483648-day threshold"))
        let compared = try CommandLineTests.run(["report", out + "/summary.json", "--compare", huge, "--out", page])
        #expect(compared.status == 0, "\(compared.stderr)")
    }

    /// `--out` naming a summary the report reads (by its own path, another spelling, a symbolic or
    /// a hard link) replaced last month's summary.json with the page; now it is exit 2 before
    /// anything is written, and the file is as it was.
    @Test func outThatIsASummaryReadIsRefused() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (_, out) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let summary = out + "/summary.json"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: summary))
        let previous = try dir.write("prev.json", [UInt8](bytes))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.json"), withDestinationPath: previous)
        #expect(link(summary, dir.file("hard.json")) == 0)
        for arguments in [
            [summary, "--out", summary],
            [summary, "--out", dir.path + "/./out/../out/summary.json"],
            [summary, "--compare", previous, "--out", previous],
            [summary, "--compare", previous, "--out", dir.file("link.json")],
            [summary, "--compare", dir.file("link.json"), "--out", previous],
            [summary, "--out", dir.file("hard.json")],
        ] {
            let run = try CommandLineTests.run(["report"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("--out"), "\(run.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: summary)) == bytes)
            #expect(try Data(contentsOf: URL(fileURLWithPath: previous)) == bytes)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(left == ["clean.csv", "findings.csv", "held.csv", "report.html", "summary.json"])
    }

    /// `--out` naming a pipe is refused and the pipe kept (the rename at the end would have put a
    /// regular file in its place).
    @Test func outThatIsAPipeIsRefused() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (_, out) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let fifo = dir.file("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let run = try CommandLineTests.run(["report", out + "/summary.json", "--out", fifo])
        #expect(run.status == 2 && run.stderr.contains("not a regular file"), "\(run.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func unreadableSummaryIsExitTwo() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let broken = try dir.write("broken.json", "{\"lines_in\": 3}")
        let run = try CommandLineTests.run(["report", broken, "--out", dir.file("r.html")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("broken.json") && run.stderr.contains("lines_held"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("r.html")))
        let missing = try CommandLineTests.run(["report", dir.file("nope.json"), "--out", dir.file("r.html")])
        #expect(missing.status == 2 && missing.stderr.contains("nope.json"))
    }
}
