import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ReportRendererTests {
    /// A real browser loads the page the scrub wrote: every chart title is in the DOM, and the
    /// screenshot shows something (not one flat colour).
    @Test func rendersInHeadlessChromium() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 3_000, errorRate: 0.1, to: input)
        let out = dir.file("out")
        _ = try Fixtures.scrub([input], out: out) { $0.temporaryDirectory = dir.path }
        let page = out + "/report.html"

        let dom = try Chromium.dumpDOM(page, profile: dir.file("profile-dom"))
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom.stderr)")
        #expect(dom.stdout.contains("<svg"), "the DOM has no SVG: \(dom.stdout.prefix(300))")
        for title in ReportRenderer.Title.all {
            #expect(dom.stdout.contains(title), "chart title '\(title)' missing from the rendered DOM")
        }
        for id in ["chart-rules", "chart-held", "chart-lag", "chart-weeks"] {
            #expect(dom.stdout.contains("<title id=\"\(id)-title\">"), "\(id) has no SVG <title>")
            #expect(dom.stdout.contains("<desc id=\"\(id)-desc\">"), "\(id) has no text alternative")
        }

        let png = dir.file("shot.png")
        let shot = try Chromium.screenshot(page, to: png, profile: dir.file("profile-shot"))
        #expect(shot.status == 0, "chromium --screenshot failed: \(shot.stderr)")
        let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot is \(size) bytes")
        let probe = try PNGProbe.probe(png)
        #expect(probe.width == 1000 && probe.height == 1600)
        #expect(probe.colours >= 4, "screenshot looks blank: \(probe.colours) distinct sampled colours")
        #expect(probe.different > 0.01, "screenshot looks blank: \(probe.different) of samples differ from the corner")
    }

    /// Measured in a browser at the width the report is read at, and at 700 px (an A4 page printed
    /// with the default margins, where figures that cannot break need narrower padding): no count,
    /// percentage, amount or rule id in a table breaks across lines (they broke as "S0/1" and
    /// "$1,024/.80"), names and code lists break only between words, a department name of 200
    /// letters breaks rather than widening the page, and no chart text runs outside its chart
    /// ("C02 procedure code not in effect on the date of service" lost its first letters), and each
    /// column's header is aligned as its cells are ("Checks" sat right of a left-aligned column).
    /// The page is the widest there is (a comparison with a previous run, every rule fired); a copy
    /// gets a measuring script.
    @Test(arguments: [1000, 700])
    func figuresAndLabelsAreNeitherBrokenNorCut(width: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 4_000, errorRate: 0.1, to: input)
        let result = try Fixtures.scrub([input], out: dir.file("out")) { $0.temporaryDirectory = dir.path }
        let probe = #"""
            <script>
            const broken = [];
            for (const cell of document.querySelectorAll('td, th')) {
              const figure = cell.tagName === 'TD' && !cell.classList.contains('text');
              const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              let top = null, previous = '', node, breaks = false;
              while (!breaks && (node = walker.nextNode())) {
                for (let i = 0; i < node.length && !breaks; i++) {
                  const range = document.createRange();
                  range.setStart(node, i); range.setEnd(node, i + 1);
                  const box = range.getBoundingClientRect();
                  if (box.width > 0) {
                    if (top !== null && box.top > top + 2) breaks = figure || !/[\s\-\/,]/.test(previous);
                    top = box.top;
                  }
                  previous = node.data[i];
                }
              }
              if (breaks) broken.push(cell.textContent.trim());
            }
            document.body.setAttribute('data-cells', String(document.querySelectorAll('td, th').length));
            document.body.setAttribute('data-broken', JSON.stringify(broken));
            document.body.setAttribute('data-overflow', String(document.documentElement.scrollWidth - window.innerWidth));
            const outside = [];
            for (const text of document.querySelectorAll('svg text')) {
              const box = text.getBoundingClientRect(), chart = text.ownerSVGElement.getBoundingClientRect();
              if (box.left < chart.left - 0.5 || box.right > chart.right + 0.5 || box.top < chart.top - 0.5
                  || box.bottom > chart.bottom + 0.5) outside.push(text.textContent);
            }
            document.body.setAttribute('data-outside', JSON.stringify(outside));
            const misaligned = [];
            for (const table of document.querySelectorAll('table')) {
              const heads = table.querySelectorAll('thead th'), row = table.querySelector('tbody tr');
              if (!row || row.cells.length !== heads.length) continue;
              heads.forEach((head, i) => {
                if (getComputedStyle(head).textAlign !== getComputedStyle(row.cells[i]).textAlign)
                  misaligned.push(head.textContent);
              });
            }
            document.body.setAttribute('data-misaligned', JSON.stringify(misaligned));
            </script>
            """#
        var summary = result.summary
        let wide = String(repeating: "X", count: 200)
        summary.metrics.departments[wide] = Self.tally(lines: 30, held: 3, heldCents: 500)
        let html = ReportRenderer.html(summary, previous: result.summary)
        let page = try dir.write("probe.html", html.replacingOccurrences(of: "</body>", with: probe + "</body>"))
        let dom = try Chromium.dumpDOM(page, profile: dir.file("profile"), width: width)
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom.stderr)")
        func attribute(_ name: String) -> String? {
            guard let start = dom.stdout.range(of: name + "=\"") else { return nil }
            let rest = dom.stdout[start.upperBound...]
            return String(rest[..<(rest.firstIndex(of: "\"") ?? rest.endIndex)])
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        }
        let cells = Int(attribute("data-cells") ?? "") ?? 0
        #expect(cells > 300, "the probe did not run or the page has few cells: \(cells)")
        // The long name may break anywhere (it heads a row of the department table and of the
        // charge lag table); nothing else may break inside a word.
        let broken = attribute("data-broken") ?? "none"
        #expect(broken == "[\"\(wide)\",\"\(wide)\"]", "cells broken inside a word or figure: \(broken)")
        #expect(
            attribute("data-overflow") == "0",
            "the page is wider than the window by \(attribute("data-overflow") ?? "?") px")
        #expect(
            attribute("data-outside") == "[]", "chart text outside its chart: \(attribute("data-outside") ?? "none")")
        #expect(
            attribute("data-misaligned") == "[]",
            "headers aligned unlike their column: \(attribute("data-misaligned") ?? "none")")
    }

    /// The report says when the newest HCPCS release is of a year before the run's date (the
    /// shipped CY2019 file served 2026's lines, and G2211 was C01 there), and not otherwise.
    @Test func anOldHCPCSReleaseIsSaidOutOfDate() {
        var summary = ScrubSummary()
        summary.tables = ["2019-01-01", "2026-01-01"].map {
            TableRelease(
                kind: "hcpcs", release: "CY" + $0.prefix(4), file: "f", effective: $0, through: nil, entries: 1)
        }
        summary.run.asOf = "2026-06-30"
        #expect(!ReportRenderer.html(summary).contains("out-of-date"))
        summary.tables.removeLast()
        let html = ReportRenderer.html(summary)
        #expect(
            html.contains(
                "<strong>Out of date:</strong> the newest HCPCS release loaded, CY2019, is of a year before the run's "
                    + "date 2026-06-30"), "\(html)")
        summary.run.asOf = "2019-12-31"
        #expect(!ReportRenderer.html(summary).contains("out-of-date"))
    }

    /// A comparison with a run that loaded other code sets says so: a run without the NCCI tables
    /// showed E03-E06 falling to 0 and held dollars down, with nothing to say why. A summary of an
    /// earlier version, without `code_sets_not_loaded`, is no run that loaded everything.
    @Test func aComparisonOfRunsWithOtherTablesSaysSo() {
        var now = ScrubSummary()
        var before = ScrubSummary()
        before.codeSetsNotLoaded = ["CPT"]
        now.codeSetsNotLoaded = ["CPT", "NCCI PTP practitioner", "add-on codes"]
        #expect(!ReportRenderer.html(now).contains("not-comparable"))
        let html = ReportRenderer.html(now, previous: before)
        #expect(
            html.contains(
                "<strong>Not like for like:</strong> this run did not load NCCI PTP practitioner, add-on codes. "),
            "\(html)")
        let back = ReportRenderer.html(before, previous: now)
        #expect(back.contains("the previous run did not load NCCI PTP practitioner, add-on codes."))
        #expect(!ReportRenderer.html(now, previous: now).contains("not-comparable"))
        // A summary of an earlier version has no list: what it loaded is unknown, and not said.
        var older = before
        older.codeSetsKnown = false
        older.codeSetsNotLoaded = []
        #expect(!ReportRenderer.html(now, previous: older).contains("not-comparable"))
    }

    /// A rule switched off in one of the runs, or D04 under another threshold, is said as well:
    /// M02 off this month read as "42 → 0, −42", an improvement. Its row shows "off", no change.
    /// A summary without `rules_off` (an earlier version's) says nothing of rules.
    @Test func aComparisonOfRunsWithOtherRulesSaysSo() throws {
        var before = ScrubSummary()
        before.metrics.findingsByRule[RuleID.M02.ordinal] = 42
        before.metrics.rules[RuleID.M02.ordinal].lines = 42
        var now = ScrubSummary()
        now.rulesOff = ["M02"]
        now.chargeLagThresholdDays = 5
        let html = ReportRenderer.html(now, previous: before)
        #expect(
            html.contains(
                "<strong>Not like for like:</strong> this run had M02 switched off; D04's charge-lag threshold was 3 "
                    + "days then and 5 now. "), "\(html)")
        #expect(html.contains("<td>42</td><td class=\"change\">off this run</td>"), "\(html)")
        // This run has no lines: its line rate is "—", not 0.0%.
        #expect(html.contains("<td>0</td><td>0</td><td>0</td><td>—</td>"), "\(html)")
        #expect(!html.contains("−42"))
        let back = ReportRenderer.html(before, previous: now)
        #expect(back.contains("the previous run had M02 switched off"))
        // Read back from JSON, and absent from an older summary.
        let read = try ScrubSummary(json: now.json())
        #expect(read.rulesOff == ["M02"])
        // A run records the rules its configuration switched off.
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "x.csv", "line_id,encounter_id,patient_id,service_date,procedure_code\nL1,E1,P1,2026-06-01,99213\n")
        let run = try Fixtures.scrub([input], out: dir.file("o")) { $0.settings.set(.M02, nil) }
        #expect(run.summary.rulesOff == ["M02"])
        #expect(try ScrubSummary(json: try Fixtures.read(dir.file("o/summary.json"))).rulesOff == ["M02"])
        var older = now
        older.rulesOff = nil
        older.chargeLagThresholdDays = 3
        #expect(!ReportRenderer.html(older, previous: before).contains("not-comparable"))
    }

    /// Held dollars net of held credits: a department whose held lines net below $0 has no bar,
    /// and the caption says so rather than name one department beside a total the bars do not
    /// add up to ("−$200.00 held in 1 departments; most: Rad $300.00").
    @Test func heldCreditsAreSaidBesideTheHeldChart() {
        var summary = ScrubSummary()
        var rad = GroupTally()
        rad.lines = 1
        rad.held = 1
        rad.heldCents = 30_000
        var lab = GroupTally()
        lab.lines = 1
        lab.held = 1
        lab.heldCents = -50_000
        summary.metrics.departments = ["Rad": rad, "Lab": lab]
        summary.metrics.heldCents = -20_000
        let html = ReportRenderer.html(summary)
        #expect(
            html.contains(
                "−$200.00 held in 2 departments; most: Rad $300.00. 1 department&#39;s held lines net to a credit (below $0): no bar, see the table."
            ), "\(html)")
        summary.metrics.departments = ["Rad": rad]
        summary.metrics.heldCents = 30_000
        #expect(ReportRenderer.html(summary).contains("$300.00 held in 1 department; most: Rad $300.00."))
    }

    /// No request leaves the page: no scripts, no external stylesheets, images or fonts.
    @Test func pageIsSelfContained() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (result, _) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let html = ReportRenderer.html(result.summary, previous: result.summary)
        for forbidden in ["<script", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
            #expect(!html.contains(forbidden), "report contains \(forbidden)")
        }
        // The only URL is the SVG namespace name, which is never fetched.
        let urls = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        #expect(urls == namespaces)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
    }

    /// The trend chart's axis is time: a week without lines between two with lines is an empty
    /// column (a late charge from weeks back sat right beside this month's weeks); past three
    /// years of weeks, only the weeks with lines are drawn, and the caption says so.
    @Test func theWeeklyTrendLeavesNoWeekOut() throws {
        func chartWeeks(_ services: [String]) throws -> (bars: [String], html: String) {
            let dir = try TemporaryFolder()
            defer { dir.remove() }
            let rows = services.enumerated().map { k, day in
                ReportFixtures.line(
                    "L\(k)", department: "Cardiology", npi: ReportFixtures.npiA, payer: "MCR01", service: day,
                    post: day,
                    amount: "10.00")
            }
            let (result, _) = try ReportFixtures.scrub(
                ([ReportFixtures.header] + rows).joined(separator: "\n") + "\n", in: dir)
            let section = ReportRenderer.weeklyTrend(result.summary)
            let chart = section.components(separatedBy: "</svg>")[0]
            let bars = chart.components(separatedBy: "<g><title>").dropFirst().map {
                String($0.prefix { $0 != ":" })
            }
            return (bars, section)
        }
        let near = try chartWeeks(["2026-03-02", "2026-03-03", "2026-04-01", "2026-03-16"])
        #expect(near.bars == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"])
        #expect(near.html.contains("<title>2026-W11: 0 lines, 0 held</title>"))
        // The table lists the weeks with lines.
        #expect(near.html.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 3)
        let far = try chartWeeks(["2020-01-06", "2026-04-01"])
        #expect(far.bars == ["2020-W02", "2026-W14"])
        #expect(far.html.contains("weeks without lines are left out"))
    }

    @Test func chartsCarryTitlesAndTextAlternatives() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (result, _) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let html = ReportRenderer.html(result.summary)
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        #expect(svgs.count == 4)
        for svg in svgs {
            #expect(svg.contains("role=\"img\"") && svg.contains("<title id=") && svg.contains("<desc id="))
        }
        // Figures from the hand-made extract, as the reader sees them.
        #expect(html.contains("<th scope=\"row\">Dollars held</th><td>$140.75</td>"))
        #expect(html.contains("<th scope=\"row\">Error rate (lines held)</th><td>33.3%</td>"))
        #expect(html.contains("Cardiology: $75.50"))
        #expect(html.contains("median 1, 90th percentile 7"))
        #expect(html.contains("<th scope=\"row\">2026-W01</th><td>2</td>"))
        // The ranking tables: Radiology (2 of 4 held) before Cardiology (1 of 4).
        let departments = try #require(html.range(of: ReportRenderer.Title.departmentRates))
        let rest = html[departments.upperBound...]
        let radiology = try #require(rest.range(of: ">Radiology<"))
        let cardiology = try #require(rest.range(of: ">Cardiology<"))
        #expect(radiology.lowerBound < cardiology.lowerBound)
        #expect(rest.contains("<th scope=\"row\">\(ReportFixtures.npiB)</th><td>2</td><td>1</td><td>50.0%</td>"))
    }

    /// A group of `lines` lines, `held` of them held for `heldCents`.
    static func tally(lines: Int, held: Int, heldCents: Int64 = 0) -> GroupTally {
        var tally = GroupTally()
        tally.lines = lines
        tally.held = held
        tally.heldCents = heldCents
        return tally
    }

    @Test func namesAreEscaped() throws {
        var summary = ScrubSummary()
        let tally = Self.tally(lines: 3, held: 1, heldCents: 1_234)
        summary.metrics.records = 3
        summary.metrics.held = 1
        summary.metrics.departments["<b>Lab & \"Path\"</b>"] = tally
        summary.metrics.payers["<i>X</i>"] = tally
        let html = ReportRenderer.html(summary)
        #expect(!html.contains("<b>Lab"))
        #expect(!html.contains("<i>X"))
        #expect(html.contains("&lt;b&gt;Lab &amp; &quot;Path&quot;&lt;/b&gt;"))
    }

    /// Control characters in names (C0 but tab, LF and CR; DEL; C1) went into the page raw: HTML
    /// forbids them and the inline SVG was no longer well-formed XML. Bidi embeddings, overrides and
    /// isolates went in raw too, so an unclosed U+202E reversed the rest of a caption or label.
    @Test func controlAndBidiCharactersInNamesAreReplaced() {
        let hostile = [
            "ctl\u{1}\u{7}\u{1B}[31mRED\u{7F}", "nul\u{0}dept", "c1\u{85}\u{9F}", "\u{202E}Cardiology",
            "iso\u{2066}late", "tab\tok",
            "non" + String(UnicodeScalar(0xFFFF)!) + "char" + String(UnicodeScalar(0xFDD0)!),
        ]
        var summary = ScrubSummary()
        summary.metrics.records = 12
        for (i, name) in hostile.enumerated() {
            let tally = Self.tally(lines: 2, held: 1, heldCents: Int64(100 * (i + 1)))
            summary.metrics.departments[name] = tally
            summary.metrics.payers[name] = tally
            summary.metrics.chargeLag[name] = [1: 2]
        }
        summary.inputs = [.init(file: "in\u{1B}\u{202E}.csv", format: "csv", compressed: false, lines: 12)]
        summary.run.asOf = "2026-06-30\u{0}"
        summary.tables = [
            .init(kind: "cpt\u{1}", release: "r\u{202D}", file: "f\u{9B}", effective: nil, through: nil, entries: 1)
        ]
        for html in [ReportRenderer.html(summary), ReportRenderer.html(summary, previous: summary)] {
            let forbidden = html.unicodeScalars.filter {
                switch $0.value {
                case 0x09, 0x0A, 0x0D: return false
                case 0...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0xFDD0...0xFDEF: return true
                case _ where $0.value & 0xFFFE == 0xFFFE: return true
                default: return false
                }
            }
            #expect(forbidden.isEmpty, "raw in the page: \(forbidden.map { String($0.value, radix: 16) })")
            #expect(html.contains("ctl\u{FFFD}\u{FFFD}\u{FFFD}[31mRED\u{FFFD}"))
            #expect(html.contains("\u{FFFD}Cardiology"))
            #expect(html.contains("non\u{FFFD}char\u{FFFD}"))
            // In sentences of HTML text the names are isolated from the words around them.
            #expect(html.contains("<bdi>in\u{FFFD}\u{FFFD}.csv</bdi> (12 lines)"))
            #expect(html.contains("most: <bdi>non\u{FFFD}char\u{FFFD}</bdi> $7.00, <bdi>tab\tok</bdi> $6.00, "))
        }
    }

    /// Lines without a department and a department named "(none)" are one group in summary.json;
    /// the ranking of departments drawn at the end of a scrub gave them two "(none)" rows.
    @Test func aDepartmentNamedNoneAndNoDepartmentAreOneRow() {
        var summary = ScrubSummary()
        let tally = Self.tally(lines: 400, held: 20)
        summary.metrics.records = 800
        summary.metrics.departments[""] = tally
        summary.metrics.departments["(none)"] = tally
        let html = ReportRenderer.html(summary)
        let section = html.components(separatedBy: "<section id=\"departments\">")[1]
            .components(separatedBy: "</section>")[0]
        #expect(section.components(separatedBy: "<th scope=\"row\">(none)</th>").count == 2, "\(section)")
        #expect(section.contains("<th scope=\"row\">(none)</th><td>800</td><td>40</td>"))
    }

    /// The overview's comparison: the previous run's lags against this run's threshold (its own
    /// threshold made "over 15 days" sit beside "over 3 days"), and "—" with no change where the
    /// previous run had no lines (its rates read 0.0% and made a change), or this run has no lags
    /// (the previous run's lag rows disappeared).
    @Test func comparisonsMeasureLikeWithLike() {
        func run(lines: Int, held: Int, lags: [Int32: Int], threshold: Int) -> ScrubSummary {
            var summary = ScrubSummary()
            summary.metrics.records = lines
            summary.metrics.held = held
            if !lags.isEmpty { summary.metrics.chargeLag["Lab"] = lags }
            summary.chargeLagThresholdDays = threshold
            return summary
        }
        func row(_ html: String, _ name: String) -> String {
            let start = html.components(separatedBy: "<tr><th scope=\"row\">\(name)</th>")
            return start.count > 1 ? start[1].components(separatedBy: "</tr>")[0] : "(no row)"
        }
        // 100 lines each; 20 lags of 5 days, the rest 1: over 15 days none in either run.
        let lags: [Int32: Int] = [1: 80, 5: 20]
        let now = run(lines: 100, held: 5, lags: lags, threshold: 15)
        let then = run(lines: 100, held: 5, lags: lags, threshold: 3)
        let compared = ReportRenderer.html(now, previous: then)
        #expect(
            row(compared, "Charge lag over 15 days") == "<td>0.0%</td><td>0.0%</td><td class=\"change\">0.0 pp</td>")
        // A previous run of no lines: no rate, no change.
        let empty = run(lines: 0, held: 0, lags: [:], threshold: 3)
        let fromEmpty = ReportRenderer.html(now, previous: empty)
        #expect(row(fromEmpty, "Error rate (lines held)") == "<td>5.0%</td><td>—</td><td class=\"change\"></td>")
        #expect(row(fromEmpty, "Charge lag median (days)") == "<td>1</td><td>—</td><td class=\"change\"></td>")
        // This run of no lines: the previous run's lags are still shown.
        let toEmpty = ReportRenderer.html(empty, previous: then)
        #expect(row(toEmpty, "Charge lag p90 (days)") == "<td>—</td><td>5</td><td class=\"change\"></td>")
        #expect(row(toEmpty, "Charge lag over 3 days") == "<td>—</td><td>20.0%</td><td class=\"change\"></td>")
    }

    /// Chart labels are cut to the label area's width, not to a count of characters: 48 capitals
    /// ran past the chart's left edge. Every rule's title still fits whole; table cells break a
    /// long unbroken name instead of widening the page.
    @Test func longNamesFitTheChartAndTheTables() {
        let wide = String(repeating: "X", count: 400)
        let cut = SVGChart.fitted(wide, width: SVGChart.labelRoom)
        #expect(cut.hasSuffix("…") && cut.count <= 40 && cut.count >= 30, "\(cut.count)")
        #expect(SVGChart.fitted("Family Medicine", width: SVGChart.labelRoom) == "Family Medicine")
        for rule in RuleID.allCases {
            let label = "\(rule.rawValue) \(rule.title)"
            #expect(SVGChart.fitted(label, width: SVGChart.labelRoom) == label, "\(label)")
        }
        var summary = ScrubSummary()
        let tally = Self.tally(lines: 30, held: 3, heldCents: 500)
        summary.metrics.records = 30
        summary.metrics.held = 3
        summary.metrics.departments[wide] = tally
        let html = ReportRenderer.html(summary)
        // The tables' side of this is measured in a browser: figuresAndLabelsAreNeitherBrokenNorCut.
        #expect(html.contains(">\(cut)</text>"))
    }

    /// Lines without a usable date of service come last in the weekly trend, after the dated weeks
    /// in time order; they came first, and the caption read "from (none) to 2026-W44".
    @Test func undatedLinesComeLastInTheWeeklyTrend() {
        var summary = ScrubSummary()
        var tally = GroupTally()
        tally.lines = 10
        let first = ISOWeek.index(DayNumber.from(year: 2026, month: 6, day: 1))
        summary.metrics.weeks[first] = tally
        summary.metrics.weeks[first + 1] = tally
        summary.metrics.weeks[ISOWeek.none] = tally
        summary.metrics.records = 30
        let html = ReportRenderer.html(summary)
        #expect(html.contains("from 2026-W23 to 2026-W24;"))
        #expect(html.contains("10 lines without a usable date of service, last."))
        let rows = html.components(separatedBy: "<caption>Weekly trend (text alternative)</caption>")[1]
            .components(separatedBy: "</table>")[0]
        let order = ["2026-W23", "2026-W24", "(none)"].map {
            rows.range(of: "<th scope=\"row\">\($0)</th>")!.lowerBound
        }
        #expect(order == order.sorted())
    }

    @Test func emptySummaryRenders() {
        let html = ReportRenderer.html(ScrubSummary())
        for title in ReportRenderer.Title.all { #expect(html.contains(title)) }
        #expect(html.contains("No findings."))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test(arguments: [
        (Int64(0), "$0.00"), (5, "$0.05"), (123_456, "$1,234.56"), (-1_000, "−$10.00"), (100_000_000, "$1,000,000.00"),
    ])
    func dollarsAreExact(cents: Int64, text: String) {
        #expect(ReportFormat.dollars(cents) == text)
    }

    @Test func changesCarryTheirSign() {
        #expect(ReportFormat.signedCount(12) == "+12")
        #expect(ReportFormat.signedCount(-3) == "−3")
        #expect(ReportFormat.signedCount(0) == "0")
        #expect(ReportFormat.signedDollars(150) == "+$1.50")
        #expect(ReportFormat.signedPoints(0.004) == "+0.4 pp")
        #expect(ReportFormat.signedPoints(-0.015) == "−1.5 pp")
        #expect(ReportFormat.signedPoints(0.0001) == "0.0 pp")
        #expect(ReportFormat.percent(1.0 / 3.0) == "33.3%")
    }

    /// Ties round half up on the share as summary.json writes it: 23 of 80 is 0.2875 there, and
    /// 28.8% here (in binary it was 287.4999… per mille, shown as 28.7%); a change of 0.0375
    /// that comes out of a subtraction a little below is +3.8 pp.
    @Test(arguments: [
        (23.0 / 80.0, "28.8%"), (0.2875, "28.8%"), (0.0078125, "0.8%"), (0.0640625, "6.4%"), (1.0 / 8.0, "12.5%"),
        (0.00049, "0.0%"), (0.0005, "0.1%"), (1.0, "100.0%"), (0.999_49, "99.9%"), (0.999_5, "100.0%"), (0, "0.0%"),
    ])
    func percentsRoundTiesUp(share: Double, text: String) {
        #expect(ReportFormat.percent(share) == text)
    }

    @Test func pointsRoundTiesUpPastTheNoiseOfASubtraction() {
        let change = 0.2875 - 0.25
        #expect(change < 0.0375)
        #expect(ReportFormat.signedPoints(change) == "+3.8 pp")
        #expect(ReportFormat.signedPoints(-change) == "−3.8 pp")
        #expect(ReportFormat.fixed(2.25, 1) == "2.3")
        #expect(ReportFormat.fixed(-1234.5, 0) == "−1,235")
    }

    @Test(arguments: [(0.0, 1.0), (7.0, 2.0), (1_249.0, 500.0), (422.0, 200.0), (4.0, 1.0), (4_001.0, 2_000.0)])
    func gridStepsAreRound(maximum: Double, step: Double) {
        #expect(SVGChart.niceStep(maximum) == step)
        #expect(SVGChart.niceStep(maximum) * 4 >= maximum)
    }
}
