import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ScrubSummaryTests {
    /// Every figure below is worked out by hand from the nine lines of `ReportFixtures.handMade`.
    @Test func handMadeExtractMetrics() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (result, out) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        let s = result.summary
        let m = s.metrics
        #expect(s.linesIn == 9 && s.linesHeld == 3 && s.linesClean == 6)
        #expect(m.flagged == 4)
        #expect(m.errors == 3 && m.warnings == 2)
        #expect(s.findings(.D04) == 2 && s.findings(.D02) == 1 && s.findings(.C09) == 1 && s.findings(.S03) == 1)
        // 100 + 200 + 50 + 75.50 + 300 + 25.25 + 10 − 10 + 40; held L4, L6, L9; at risk L3.
        #expect(m.chargesCents == 79_075)
        #expect(m.heldCents == 7_550 + 2_525 + 4_000)
        #expect(m.atRiskCents == 5_000)

        let cardiology = try #require(m.departments["Cardiology"])
        #expect(cardiology.lines == 4 && cardiology.held == 1 && cardiology.flagged == 2 && cardiology.findings == 2)
        #expect(cardiology.errors == 1 && cardiology.warnings == 1)
        #expect(cardiology.chargesCents == 42_550 && cardiology.heldCents == 7_550 && cardiology.atRiskCents == 5_000)
        let radiology = try #require(m.departments["Radiology"])
        #expect(radiology.lines == 4 && radiology.held == 2 && radiology.findings == 3 && radiology.errors == 2)
        #expect(radiology.chargesCents == 37_525 && radiology.heldCents == 6_525 && radiology.atRiskCents == 0)
        #expect(m.departments[""]?.lines == 1 && m.departments[""]?.chargesCents == -1_000)
        #expect(m.departments.count == 3)

        let a = try #require(m.providers[UInt64(ReportFixtures.npiA)!])
        #expect(a.lines == 6 && a.held == 1 && a.chargesCents == 64_000 && a.heldCents == 4_000)
        let b = try #require(m.providers[UInt64(ReportFixtures.npiB)!])
        #expect(b.lines == 2 && b.held == 1 && b.flagged == 2 && b.heldCents == 7_550 && b.atRiskCents == 5_000)
        #expect(m.providers[PackedCode.invalid]?.lines == 1 && m.providers[PackedCode.invalid]?.findings == 2)

        #expect(
            m.payers["MCR01"]?.lines == 5 && m.payers["MCR01"]?.held == 1 && m.payers["MCR01"]?.chargesCents == 38_000)
        #expect(
            m.payers["AETNA01"]?.lines == 3 && m.payers["AETNA01"]?.held == 2
                && m.payers["AETNA01"]?.heldCents == 10_075)
        #expect(m.payers[""]?.lines == 1)

        // Per rule: records flagged, their charges, the procedure codes behind D04.
        #expect(m.rules[RuleID.D04.ordinal] == RuleTally(errors: 0, lines: 2, chargesCents: 7_525))
        #expect(m.rules[RuleID.C09.ordinal] == RuleTally(errors: 1, lines: 1, chargesCents: 2_525))
        let top = s.topCodes()
        #expect(top[.D04]?.map(\.code) == ["99213", "99214"])
        #expect(top[.S03]?.map(\.code) == ["99211"])

        // The JSON as management reads it.
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
                as? [String: Any])
        #expect(json["error_rate"] as? Double == 0.333333)
        #expect(json["finding_rate"] as? Double == 0.444444)
        #expect(json["held_cents"] as? Int == 14_075)
        #expect(json["at_risk_cents"] as? Int == 5_000)
        let departments = try #require(json["departments"] as? [String: [String: Any]])
        #expect(departments["Cardiology"]?["error_rate"] as? Double == 0.25)
        #expect(departments["(none)"]?["charges_cents"] as? Int == -1_000)
        let rules = try #require(json["rules"] as? [String: [String: Any]])
        #expect(rules["D04"]?["line_rate"] as? Double == 0.222222)

        // Weeks of service (ISO): L7 (Mon 2025-12-29) and L8 (Thu 2026-01-01) are both 2026-W01.
        let weeks = try #require(json["weeks"] as? [String: [String: Any]])
        #expect(Set(weeks.keys) == ["2026-W01", "2026-W23", "2026-W24", "2026-W25", "(none)"])
        #expect(weeks["2026-W01"]?["lines"] as? Int == 2 && weeks["2026-W01"]?["week_start"] as? String == "2025-12-29")
        #expect(weeks["2026-W01"]?["charges_cents"] as? Int == 0)
        #expect(weeks["2026-W23"]?["lines"] as? Int == 2 && weeks["2026-W23"]?["week_start"] as? String == "2026-06-01")
        #expect(weeks["2026-W24"]?["lines_held"] as? Int == 1 && weeks["2026-W24"]?["lines_with_findings"] as? Int == 2)
        #expect(weeks["2026-W25"]?["lines"] as? Int == 2 && weeks["2026-W25"]?["lines_held"] as? Int == 1)
        #expect(weeks["(none)"]?["lines"] as? Int == 1 && weeks["(none)"]?["week_start"] == nil)

        // Charge lag, L1–L8: 0, 2, 7, −4, 1, 5, 1, 0 → sorted −4 0 0 1 1 2 5 7.
        let lag = try #require(json["charge_lag"] as? [String: Any])
        #expect(lag["lines"] as? Int == 8)
        #expect(lag["median_days"] as? Int == 1)  // rank ⌈0.5·8⌉ = 4
        #expect(lag["p90_days"] as? Int == 7)  // rank ⌈0.9·8⌉ = 8
        #expect(lag["over_threshold"] as? Int == 2 && lag["over_threshold_rate"] as? Double == 0.25)
        #expect(lag["threshold_days"] as? Int == 3)
        let byDepartment = try #require(lag["by_department"] as? [String: [String: Any]])
        // Cardiology −4 0 2 7: median rank 2 → 0, p90 rank 4 → 7. Radiology 1 1 5: rank 2 → 1, rank 3 → 5.
        #expect(
            byDepartment["Cardiology"]?["median_days"] as? Int == 0
                && byDepartment["Cardiology"]?["p90_days"] as? Int == 7)
        #expect(
            byDepartment["Radiology"]?["median_days"] as? Int == 1
                && byDepartment["Radiology"]?["p90_days"] as? Int == 5)
        #expect(
            byDepartment["Radiology"]?["lines"] as? Int == 3
                && byDepartment["Radiology"]?["over_threshold"] as? Int == 1)
    }

    @Test func summaryValidatesAgainstTheSchema() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 2_000, errorRate: 0.1, to: input)
        let out = dir.file("out")
        _ = try Fixtures.scrub([input], out: out) { $0.temporaryDirectory = dir.path }
        #expect(try SchemaValidator.errors(out + "/summary.json") == [])
        let (_, hand) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir, out: "hand")
        #expect(try SchemaValidator.errors(hand + "/summary.json") == [])
        // An empty extract has no lag figures and no groups: still valid.
        let (_, empty) = try ReportFixtures.scrub(
            ReportFixtures.header + "\n", in: dir, name: "empty.csv", out: "empty")
        #expect(try SchemaValidator.errors(empty + "/summary.json") == [])
        // The schema does reject what it should: an unknown key, a rate above 1.
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(out + "/summary.json"))) as? [String: Any])
        object["patient_names"] = ["x"]
        object["error_rate"] = 1.5
        let bad = try dir.write("bad.json", [UInt8](try JSONSerialization.data(withJSONObject: object)))
        let errors = try SchemaValidator.errors(bad)
        #expect(errors.contains { $0.contains("patient_names") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("$.error_rate") }, "\(errors)")
    }

    @Test func jsonReadsBackToTheSameBytes() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 3_000, errorRate: 0.1, to: input)
        let result = try Fixtures.scrub([input], out: dir.file("out")) { $0.temporaryDirectory = dir.path }
        // Timings are binary doubles that JSON text need not carry bit for bit: compared apart.
        var summary = result.summary
        summary.run.seconds = [:]
        summary.run.cpuSeconds = [:]
        let bytes = summary.json()
        let read = try ScrubSummary(json: bytes)
        let timed = try ScrubSummary(json: result.summary.json())
        #expect(timed.run.seconds.keys.sorted() == result.summary.run.seconds.keys.sorted())
        for (stage, seconds) in result.summary.run.seconds {
            #expect(abs((timed.run.seconds[stage] ?? -1) - seconds) < 1e-6, "\(stage)")
        }
        #expect(timed.run.cpuSeconds.keys.sorted() == result.summary.run.cpuSeconds.keys.sorted())
        for (stage, seconds) in result.summary.run.cpuSeconds {
            #expect(abs((timed.run.cpuSeconds[stage] ?? -1) - seconds) < 1e-6, "\(stage)")
        }
        let again = read.json()
        #expect(again == bytes)
        if again != bytes {
            let differences = ReportFixtures.differences(
                try JSONSerialization.jsonObject(with: Data(bytes)), try JSONSerialization.jsonObject(with: Data(again))
            )
            Issue.record("read back differs: \(differences.prefix(20))")
        }
        #expect(read.metrics.records == result.summary.metrics.records)
        #expect(read.metrics.departments == result.summary.metrics.departments)
        #expect(read.metrics.chargeLag == result.summary.metrics.chargeLag)
        #expect(read.metrics.weeks == result.summary.metrics.weeks)
        // Tables come back without their `detail` (summary.json does not carry it).
        #expect(read.tables.map(\.file) == result.summary.tables.map(\.file))
        #expect(read.tables.map(\.entries) == result.summary.tables.map(\.entries))
    }

    /// A department or payer literally named "(none)" beside empty ones is one group in the
    /// summary, as the reader takes "(none)" for the empty name: writing the summary trapped on a
    /// duplicate key.
    @Test func aGroupNamedNoneJoinsTheEmptyOne() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header =
            "line_id,encounter_id,patient_id,service_date,post_date,department,procedure_code,units,charge_amount,payer_id\n"
        let rows = [
            "L1,E1,P1,2026-06-01,2026-06-02,(none),99213,1,100.00,(none)",
            "L2,E2,P2,2026-06-01,2026-06-03,,99213,1,50.00,",
            "L3,E3,P3,2026-06-01,2026-06-01,Cardiology,99213,1,25.00,MCR01",
        ]
        let input = try dir.write("x.csv", header + rows.joined(separator: "\n") + "\n")
        let result = try Fixtures.scrub([input], out: dir.file("out")) { $0.asOf = DayNumber.parse("2026-06-30") }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.read(dir.file("out/summary.json")))) as? [String: Any])
        let departments = try #require(json["departments"] as? [String: [String: Any]])
        #expect(
            departments["(none)"]?["lines"] as? Int == 2 && departments["(none)"]?["charges_cents"] as? Int == 15_000)
        #expect(departments["Cardiology"]?["lines"] as? Int == 1 && departments.count == 2)
        let payers = try #require(json["payers"] as? [String: [String: Any]])
        #expect(payers["(none)"]?["lines"] as? Int == 2 && payers.count == 2)
        let lag = try #require((json["charge_lag"] as? [String: Any])?["by_department"] as? [String: [String: Any]])
        #expect(lag["(none)"]?["lines"] as? Int == 2)
        let read = try ScrubSummary(json: result.summary.json())
        #expect(read.metrics.departments[""]?.lines == 2)
        #expect(FileManager.default.fileExists(atPath: dir.file("out/report.html")))
    }

    @Test func readerNamesTheBadKey() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
        object["held_cents"] = "lots"
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
        #expect(throws: ScrubError.self) { try ScrubSummary(json: bytes, file: "s.json") }
        do {
            _ = try ScrubSummary(json: bytes, file: "s.json")
        } catch let error as ScrubError {
            #expect(error.description.contains("held_cents") && error.description.contains("s.json"))
        }
        #expect(throws: ScrubError.self) { try ScrubSummary(json: Array("not json".utf8)) }
        // JSON that is not an object is named as such; broken JSON says what broke.
        for (text, says) in [
            ("null", "not a JSON object"), ("[1]", "not a JSON object"), ("{\"lines_in\": 3", "end of file"),
        ] {
            #expect {
                _ = try ScrubSummary(json: Array(text.utf8), file: "s.json")
            } throws: { error in
                (error as? ScrubError)?.message.contains(says) == true
            }
        }
    }

    /// A summary edited by hand or damaged: numbers whose sums would overflow in the report, and
    /// negative counts, are refused naming the key (a report of such a file stopped the process
    /// on an arithmetic overflow). Credits keep negative cents possible.
    @Test(
        arguments: [
            ("lines_in", Int64.max), ("lines_in", -1), ("lines_in", 1 << 51), ("charges_cents", Int64.min),
            ("held_cents", 1 << 62),
        ] as [(String, Int64)])
    func numbersOutOfRangeAreRefusedNamingTheKey(key: String, value: Int64) throws {
        try Self.expectRefusedNamingTheKey(key, value)
        let inRange = try ScrubSummary(
            json: try Self.summary(with: key, key.hasSuffix("cents") ? -(1 << 61) : 1 << 50), file: "s.json")
        _ = ReportRenderer.html(inRange, previous: inRange)
    }

    /// An empty run's summary.json whose charge lag has these histograms (department → entries of
    /// days and lines), its lines in as many as the histograms hold (at most 2^50).
    static func summary(lag histograms: [String: [(days: Int, lines: Int64)]]) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
        let lines = histograms.values.joined().reduce(Int64(0)) { $0 &+ $1.lines }
        object["lines_in"] = min(max(lines, 0), Int64(1) << 50)
        var lag = try #require(object["charge_lag"] as? [String: Any])
        lag["by_department"] = histograms.mapValues { entries in
            ["histogram": entries.map { ["days": $0.days, "lines": $0.lines] }] as [String: Any]
        }
        object["charge_lag"] = lag
        return [UInt8](try JSONSerialization.data(withJSONObject: object))
    }

    /// Charge lag histograms whose entries are each within ±2^50 but whose lines add up past it
    /// (in one department, or over two) are refused naming the histogram: the report's sums and
    /// the p90's rank (9 × lines) stopped the process on an arithmetic overflow.
    @Test func chargeLagLinesAddingUpPastTheBoundAreRefused() throws {
        let big = Int64(1) << 50
        for histograms in [
            ["Cardiology": (0..<1_000).map { (days: $0, lines: big) }],
            ["Cardiology": [(days: 1, lines: big)], "Radiology": [(days: 2, lines: 1)]],
            ["Cardiology": [(days: 1, lines: big), (days: 1, lines: big)]],
        ] {
            let bytes = try Self.summary(lag: histograms)
            #expect {
                _ = try ScrubSummary(json: bytes, file: "s.json")
            } throws: { error in
                let text = (error as? ScrubError)?.description ?? ""
                return text.contains("s.json") && text.contains("charge_lag.by_department.")
                    && text.contains(".histogram")
            }
        }
        // Exactly 2^50 lines over two departments is read, and the report renders it.
        let halves = try Self.summary(lag: [
            "Cardiology": [(days: 1, lines: big / 2)], "Radiology": [(days: 40, lines: big / 2)],
        ])
        let inRange = try ScrubSummary(json: halves, file: "s.json")
        #expect(ScrubSummary.lagStatistics(inRange.metrics.chargeLagAll, threshold: 3).p90 == 40)
        _ = ReportRenderer.html(inRange, previous: inRange)
    }

    /// A summary at odds with itself is refused naming the key: more lines held, or with findings,
    /// than lines in (an error rate of 10^17 % in the report), and two entries of one week (the
    /// report kept one and lost the other's lines).
    @Test func aSummaryAtOddsWithItselfIsRefused() throws {
        for key in ["lines_held", "lines_with_findings"] {
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
            object["lines_in"] = 1
            object[key] = 2
            let bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
            #expect {
                _ = try ScrubSummary(json: bytes, file: "s.json")
            } throws: { error in
                (error as? ScrubError)?.description.contains("\(key) (2) is more than lines_in (1)") == true
            }
            object[key] = 1
            _ = try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: object)), file: "s.json")
        }
        let tally: [String: Any] = [
            "week_start": "2026-06-01", "lines": 1, "lines_with_findings": 0, "lines_held": 0, "findings": 0,
            "errors": 0, "charges_cents": 0, "held_cents": 0, "at_risk_cents": 0,
        ]
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
        object["weeks"] = ["2026-W23": tally, "2026-W23b": tally]
        #expect {
            _ = try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: object)), file: "s.json")
        } throws: { error in
            (error as? ScrubError)?.description.contains("weeks.2026-W23b: the same week as another entry") == true
        }
    }

    /// The same for a group, a rule and the lag histograms: a department with more lines held than
    /// lines (a rate of 1,230% in the report), a rule with more lines than lines in or more errors
    /// than findings, a lag past 32 bits (cut to 2^31 - 1 and shown as a median), histograms of
    /// more lines than lines in. Each is refused naming its key; the same summary in range reads.
    @Test(arguments: [
        "departments.Lab.lines_held", "departments.Lab.errors", "rules.D01.lines", "rules.D01.errors", "lag.days",
        "lag.lines",
    ])
    func aGroupOrRuleAtOddsWithItselfIsRefused(defect: String) throws {
        let tally: [String: Any] = [
            "lines": 4, "lines_with_findings": 2, "lines_held": 1, "findings": 3, "errors": 1, "charges_cents": 400,
            "held_cents": 100, "at_risk_cents": 100,
        ]
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
        object["lines_in"] = 10
        object["findings_by_rule"] = ["D01": 3]
        let inRange: (rule: [String: Any], histogram: [[String: Any]]) = (
            ["errors": 1, "lines": 2, "charges_cents": 200, "top_codes": [] as [Any]], [["days": 2, "lines": 5]]
        )
        var department = tally
        var rule = inRange.rule
        var histogram = inRange.histogram
        let expected: String
        switch defect {
        case "departments.Lab.lines_held":
            department["lines_held"] = 5
            expected = "departments.Lab.lines_held (5) is more than its lines (4)"
        case "departments.Lab.errors":
            department["errors"] = 4
            expected = "departments.Lab.errors (4) is more than its findings (3)"
        case "rules.D01.lines":
            rule["lines"] = 11
            expected = "rules.D01.lines (11) is more than lines_in (10)"
        case "rules.D01.errors":
            rule["errors"] = 4
            expected = "rules.D01.errors (4) is more than its findings"
        case "lag.days":
            histogram = [["days": 1 << 40, "lines": 1]]
            expected = "\(1 << 40) days is not a charge lag"
        default:
            histogram = [["days": 2, "lines": 11]]
            expected = "more than lines_in (10)"
        }
        func read(_ department: [String: Any], _ rule: [String: Any], _ histogram: [[String: Any]]) throws {
            var o = object
            o["departments"] = ["Lab": department]
            o["rules"] = ["D01": rule]
            o["charge_lag"] = ["threshold_days": 3, "by_department": ["Lab": ["histogram": histogram]]]
            _ = try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: o)), file: "s.json")
        }
        try read(tally, inRange.rule, inRange.histogram)
        #expect {
            try read(department, rule, histogram)
        } throws: { error in
            (error as? ScrubError)?.description.contains(expected) == true
        }
    }

    /// A run whose summary `claim-scrub report` would refuse (charge totals past 2^61 cents) stops
    /// before any output takes its final name: the report must read every summary a scrub writes.
    @Test func aSummaryTheReportCannotReadStopsTheRunWithNoOutput() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var summary = ScrubSummary()
        summary.metrics.chargesCents = 1 << 62
        try Self.expectCompleteRefuses(summary, in: dir, mentioning: "charges_cents")
        // 120,000 lines of $99,999,999.99 (a shifted column) total past 2^50: still read back.
        summary.metrics.chargesCents = 120_000 * 9_999_999_999
        var outputs: [OutputFile] = []
        try ScrubPipeline.complete(&outputs, summary: summary, directory: dir.path)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["report.html", "summary.json"])
    }

    /// Run totals of cents past `Int64` (some 9×10^8 lines at the largest amount a line may have)
    /// stop at its bounds instead of trapping, and such a summary is refused by the run's own check.
    @Test func centsTotalsPastInt64StopAtItsBoundsAndTheRunRefusesThem() throws {
        var total = ScrubMetrics()
        var chunk = ScrubMetrics()
        chunk.chargesCents = Int64.max - 5
        chunk.heldCents = Int64.max - 5
        chunk.atRiskCents = Int64.min + 5
        var tally = GroupTally()
        tally.chargesCents = Int64.max - 5
        tally.heldCents = Int64.max - 5
        tally.atRiskCents = Int64.min + 5
        chunk.departments["ER"] = tally
        chunk.rules[0] = RuleTally(errors: 1, lines: 1, chargesCents: Int64.max - 5)
        // E01 and E02 are added once more for `duplicates.charges_cents`.
        chunk.rules[RuleID.E01.ordinal] = RuleTally(errors: 1, lines: 1, chargesCents: Int64.max - 5)
        chunk.rules[RuleID.E02.ordinal] = RuleTally(errors: 0, lines: 1, chargesCents: Int64.max - 5)
        total.merge(chunk)
        total.merge(chunk)
        #expect(total.chargesCents == Int64.max && total.heldCents == Int64.max)
        #expect(total.atRiskCents == Int64.min)
        #expect(total.departments["ER"]?.chargesCents == Int64.max)
        #expect(total.departments["ER"]?.atRiskCents == Int64.min)
        #expect(total.rules[0].chargesCents == Int64.max)
        // A late error on one more line: the held total stays where it is.
        total.addLateFinding(
            rule: .E01, severity: .error, department: "ER", renderingNPI: 0, payer: "", procedure: 0,
            amountCents: 9_999_999_999, serviceDay: 0, wasHeld: false, wasFlagged: true)
        #expect(total.heldCents == Int64.max && total.atRiskCents == Int64.min)
        // Small sums are untouched, credits included.
        var small: Int64 = 250
        small.addSaturating(-1_000)
        #expect(small == -750)

        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var summary = ScrubSummary()
        summary.metrics = total
        try Self.expectCompleteRefuses(summary, in: dir, mentioning: "cannot read")
    }

    /// `ScrubPipeline.complete` refuses `summary` with a message holding `words`, and no file is
    /// left in `dir`.
    static func expectCompleteRefuses(_ summary: ScrubSummary, in dir: TemporaryFolder, mentioning words: String)
        throws
    {
        var outputs: [OutputFile] = []
        #expect {
            try ScrubPipeline.complete(&outputs, summary: summary, directory: dir.path)
        } throws: { error in
            (error as? ScrubError)?.message.contains(words) == true
        }
        for output in outputs { output.discard() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// The week of a service on 1800-01-01 starts in 1799: its summary reads back (the report
    /// refused it, and a scrub of such a line now checks its own summary before writing it).
    @Test func aWeekStartingBefore1800ReadsBack() throws {
        var summary = ScrubSummary()
        summary.metrics.records = 1
        var tally = GroupTally()
        tally.lines = 1
        summary.metrics.weeks[ISOWeek.index(DayNumber.parse("1800-01-01"))] = tally
        let read = try ScrubSummary(json: summary.json(), file: "s.json")
        #expect(read.metrics.weeks == summary.metrics.weeks)
    }

    /// JSON `true` and `false` are not counts: read as 1 and 0 they made "Lines in 1" and an error
    /// rate of 13,600% in the report.
    @Test(arguments: ["lines_in", "charges_cents", "lines_held"])
    func aBooleanIsNotANumber(key: String) throws {
        try Self.expectRefusedNamingTheKey(key, true)
    }

    /// An empty run's summary.json with `key` set to `value`.
    static func summary(with key: String, _ value: Any) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ScrubSummary().json())) as? [String: Any])
        object[key] = value
        return [UInt8](try JSONSerialization.data(withJSONObject: object))
    }

    static func expectRefusedNamingTheKey(
        _ key: String, _ value: Any, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let bytes = try summary(with: key, value)
        #expect(sourceLocation: sourceLocation) {
            _ = try ScrubSummary(json: bytes, file: "s.json")
        } throws: { error in
            (error as? ScrubError)?.description.contains(key) == true
        }
    }

    /// M04 lines dated where no Excludes1 list serves (FY2025 with the shipped tables) are counted
    /// in summary.json's lines_not_checked, read back, and named by the end-of-run table and the
    /// report; a run with none of them says nothing.
    @Test func linesM04CouldNotCheckAreCountedAndNamed() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header =
            "line_id,encounter_id,patient_id,service_date,post_date,procedure_code,units,charge_amount,dx1,dx2\n"
        let rows = [
            "L1,E1,P1,2025-03-02,2025-03-03,99213,1,100.00,A09,K52.9",
            "L2,E2,P2,2025-04-02,2025-04-03,99213,1,100.00,I10,E11.9",
            "L3,E3,P3,2025-04-02,2025-04-03,99213,1,100.00,I10",
            "L4,E4,P4,2026-03-02,2026-03-03,99213,1,100.00,A09,K52.9",
        ]
        let (result, out) = try ReportFixtures.scrub(header + rows.joined(separator: "\n") + "\n", in: dir) {
            $0.asOf = day("2026-03-31")
        }
        #expect(result.summary.metrics.notChecked == [.M04: 2])
        #expect(result.summary.findings(.M04) == 1)
        let read = try ScrubSummary(json: try Fixtures.read(out + "/summary.json"))
        #expect(read.metrics.notChecked == [.M04: 2])
        #expect(try SchemaValidator.errors(out + "/summary.json") == [])
        #expect(
            EndOfRunTable.render(result.summary).hasSuffix(
                "M04 not checked on 2 lines with two diagnoses or more: no Excludes1 list serves their dates of service "
                    + "(claim-scrub tables list shows the lists loaded)\n"))
        let report = String(decoding: try Fixtures.read(out + "/report.html"), as: UTF8.self)
        #expect(report.contains("<strong>Not checked:</strong> M04 (Excludes1 pairs) on 2 lines"))
        // Every line in FY2026: nothing unchecked, and nothing said.
        let (inYear, inYearOut) = try ReportFixtures.scrub(
            header + rows[3] + "\n", in: dir, name: "b.csv", out: "b"
        ) { $0.asOf = day("2026-03-31") }
        #expect(inYear.summary.metrics.notChecked.isEmpty)
        #expect(!EndOfRunTable.render(inYear.summary).contains("not checked"))
        let json = String(decoding: try Fixtures.read(inYearOut + "/summary.json"), as: UTF8.self)
        #expect(json.contains("\"lines_not_checked\" : {\n    \"M04\" : 0\n  }"), "\(json)")
        // A summary over lines_in is refused; one without the key (an earlier version's) reads.
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(out + "/summary.json"))) as? [String: Any])
        // A count over lines_in, or a rule no run leaves unchecked (the schema has M04 alone), is refused.
        for refused in [["M04": 5], ["M04": 1, "E01": 1]] {
            object["lines_not_checked"] = refused
            #expect(throws: ScrubError.self) {
                try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: object)))
            }
        }
        object["lines_not_checked"] = nil
        #expect(
            try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: object))).metrics.notChecked
                .isEmpty)
    }

    /// A run without some code sets says which in summary.json and the report, not only on stderr:
    /// a gate that passed may have passed for want of a table.
    @Test func codeSetsNotLoadedAreNamedInTheSummaryAndTheReport() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 300, to: input)
        let shippedOnly = try Fixtures.scrub([input], out: dir.file("a")) { $0.temporaryDirectory = dir.path }
        #expect(
            shippedOnly.summary.codeSetsNotLoaded == [
                "CPT", "revenue codes", "NCCI PTP \(ServiceSetting.practitioner.rawValue)",
                "NCCI PTP \(ServiceSetting.outpatientHospital.rawValue)", "MUE \(ServiceSetting.practitioner.rawValue)",
                "MUE \(ServiceSetting.outpatientHospital.rawValue)", "add-on codes",
            ])
        let withDemo = try Fixtures.scrub([input], out: dir.file("b"), tables: Fixtures.demoTablesCache) {
            $0.temporaryDirectory = dir.path
        }
        #expect(withDemo.summary.codeSetsNotLoaded == ["CPT", "revenue codes"])
        let none = try Fixtures.scrub([input], out: dir.file("c"), tables: CodeTables()) {
            $0.temporaryDirectory = dir.path
        }
        #expect(none.summary.codeSetsNotLoaded.starts(with: ["ICD-10-CM", "HCPCS Level II", "CPT"]))
        #expect(none.summary.codeSetsNotLoaded.contains("MCE") && none.summary.codeSetsNotLoaded.contains("Excludes1"))
        // One name for each note the tables listing prints about a missing set.
        #expect(
            none.summary.codeSetsNotLoaded.count
                == TableListing.notes(CodeTables()).filter { $0.hasPrefix("no ") }.count)
        // Written, read back, validated, and shown in the report.
        let read = try ScrubSummary(json: try Fixtures.read(dir.file("c") + "/summary.json"))
        #expect(read.codeSetsNotLoaded == none.summary.codeSetsNotLoaded)
        // A summary of an earlier version, without the key (last month's, for --compare), still reads.
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixtures.read(dir.file("c") + "/summary.json")))
                as? [String: Any])
        object["code_sets_not_loaded"] = nil
        let older = try ScrubSummary(json: [UInt8](try JSONSerialization.data(withJSONObject: object)))
        #expect(older.codeSetsNotLoaded.isEmpty && !older.codeSetsKnown && read.codeSetsKnown)
        #expect(older.metrics.records == none.summary.metrics.records)
        #expect(try SchemaValidator.errors(dir.file("c") + "/summary.json") == [])
        let report = String(decoding: try Fixtures.read(dir.file("c") + "/report.html"), as: UTF8.self)
        #expect(report.contains("<strong>Not loaded:</strong> ICD-10-CM, HCPCS Level II, CPT"))
        let demoReport = String(decoding: try Fixtures.read(dir.file("b") + "/report.html"), as: UTF8.self)
        #expect(demoReport.contains("<strong>Not loaded:</strong> CPT, revenue codes."))
    }

    @Test func eachPhaseHasWallAndCPUSeconds() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 20_000, errorRate: 0.1, to: input)
        let run = try Fixtures.scrub([input], out: dir.file("out")) { $0.temporaryDirectory = dir.path }.summary.run
        let phases = ["encounters", "pass1", "pass2", "total"]
        #expect(run.seconds.keys.sorted() == phases)
        #expect(run.cpuSeconds.keys.sorted() == phases)
        // The phases are disjoint parts of the run, which counts from the process's start.
        let parts =
            run.cpuSeconds["pass1", default: 0] + run.cpuSeconds["encounters", default: 0]
            + run.cpuSeconds["pass2", default: 0]
        #expect(run.cpuSeconds["total", default: 0] > 0)
        #expect(run.cpuSeconds["total", default: 0] >= parts - 1e-6)
        #expect(run.cpuSeconds.values.allSatisfy { $0 >= 0 })
        // And summary.json carries them where its schema says.
        let text = String(decoding: try Fixtures.read(dir.file("out") + "/summary.json"), as: UTF8.self)
        #expect(text.contains("\"cpu_seconds\""))
        #expect(try SchemaValidator.errors(dir.file("out") + "/summary.json") == [])
    }

    /// Invariant 2 for the summary's keys: chunking and worker count change nothing outside `run`.
    @Test func sameSummaryForAnyWorkerCountAndChunkSize() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 4_000, errorRate: 0.1, to: input)
        let one = try Fixtures.scrub([input], out: dir.file("a")) {
            $0.workers = 1
            $0.temporaryDirectory = dir.path
        }
        let many = try Fixtures.scrub([input], out: dir.file("b")) {
            $0.workers = 2
            $0.temporaryDirectory = dir.path
            $0.chunkSize = 7_000
        }
        let a = try ReportFixtures.withoutRun(one.summary.json())
        let b = try ReportFixtures.withoutRun(many.summary.json())
        let differences = ReportFixtures.differences(a, b)
        #expect(differences.isEmpty, "\(differences.prefix(20))")
        #expect(one.summary.metrics == many.summary.metrics)
        #expect(one.summary.metrics.departments.count > 3)
    }

    @Test func lateFindingsMoveDollarsConsistently() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let (result, _) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir)
        var m = result.summary.metrics
        let before = m
        let a = UInt64(ReportFixtures.npiA)!
        let b = UInt64(ReportFixtures.npiB)!
        // E01 (error) on L3, which had a D04 warning: newly held, already flagged.
        m.addLateFinding(
            rule: .E01, severity: .error, department: "Cardiology", renderingNPI: b, payer: "MCR01",
            procedure: PackedCode.pack("99213")!, amountCents: 5_000, serviceDay: DayNumber.parse("2026-06-08"),
            wasHeld: false, wasFlagged: true)
        // E02 (warning) on L1, which was clean: newly flagged, at risk.
        m.addLateFinding(
            rule: .E02, severity: .warning, department: "Cardiology", renderingNPI: a, payer: "MCR01",
            procedure: PackedCode.pack("99212")!, amountCents: 10_000, serviceDay: DayNumber.parse("2026-06-01"),
            wasHeld: false, wasFlagged: false)
        #expect(m.held == before.held + 1 && m.flagged == before.flagged + 1)
        #expect(m.errors == before.errors + 1 && m.warnings == before.warnings + 1)
        #expect(m.heldCents == before.heldCents + 5_000)
        #expect(m.atRiskCents == before.atRiskCents - 5_000 + 10_000)
        #expect(m.chargesCents == before.chargesCents)
        let cardiology = try #require(m.departments["Cardiology"])
        #expect(cardiology.held == 2 && cardiology.flagged == 3 && cardiology.findings == 4)
        #expect(cardiology.heldCents == 12_550 && cardiology.atRiskCents == 10_000 && cardiology.lines == 4)
        #expect(m.providers[b]?.held == 2 && m.providers[b]?.atRiskCents == 0)
        #expect(m.payers["MCR01"]?.held == 2 && m.payers["MCR01"]?.atRiskCents == 10_000)
        let w24 = ISOWeek.index(DayNumber.parse("2026-06-08"))
        #expect(m.weeks[w24]?.held == 2)
        #expect(m.rules[RuleID.E01.ordinal] == RuleTally(errors: 1, lines: 1, chargesCents: 5_000))
        var summary = result.summary
        summary.metrics = m
        #expect(summary.linesHeld == 4 && summary.linesClean == 5)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.json())) as? [String: Any])
        let duplicates = try #require(json["duplicates"] as? [String: Int])
        #expect(duplicates == ["exact": 1, "probable": 1, "charges_cents": 15_000])
        #expect(summary.topCodes()[.E01]?.map(\.code) == ["99213"])
        // Sums over groups still add up to the totals.
        #expect(m.departments.values.reduce(0) { $0 + $1.held } == m.held)
        #expect(m.weeks.values.reduce(0) { $0 + $1.heldCents } == m.heldCents)
        #expect(m.payers.values.reduce(0) { $0 + $1.atRiskCents } == m.atRiskCents)
    }

    @Test(arguments: [
        ("2026-06-14", "2026-W24"), ("2026-06-15", "2026-W25"), ("2025-12-29", "2026-W01"),
        ("2021-01-03", "2020-W53"), ("2024-12-30", "2025-W01"), ("1970-01-01", "1970-W01"),
        ("1969-12-28", "1969-W52"),
    ])
    func isoWeekLabels(date: String, label: String) {
        #expect(ISOWeek.label(ISOWeek.index(DayNumber.parse(date))) == label)
    }

    @Test func isoWeekMondays() {
        let week = ISOWeek.index(DayNumber.parse("2026-06-18"))
        #expect(DayNumber.format(ISOWeek.monday(week)) == "2026-06-15")
        #expect(ISOWeek.index(DayNumber.missing) == ISOWeek.none)
        #expect(ISOWeek.label(ISOWeek.none) == "(none)")
    }

    static let lagCases: [([Int32: Int], Int32, Int32, Int)] = [
        ([5: 1], 5, 5, 1),
        ([0: 1, 1: 1], 0, 1, 0),
        ([0: 5, 1: 4, 10: 1], 0, 1, 1),
        ([-2: 1, 0: 8, 9: 1], 0, 0, 1),
        ([0: 9, 9: 2], 0, 9, 2),
    ]

    @Test(arguments: lagCases)
    func lagPercentilesByNearestRank(histogram: [Int32: Int], median: Int32, p90: Int32, over: Int) {
        let s = ScrubSummary.lagStatistics(histogram, threshold: 3)
        #expect(s.median == median && s.p90 == p90 && s.overThreshold == over)
        #expect(s.lines == histogram.values.reduce(0, +))
    }

    @Test func topCodeKeysRoundTrip() {
        for (text, rule) in [
            ("E11.9", RuleID.C04), ("99213", .D04), ("J1885", .C01), ("(none)", .S02), ("(malformed)", .C01),
        ] {
            let key = TopCode.key(text: text, rule: rule)
            #expect(key != nil)
            #expect(key.map(TopCode.text(of:)) == text)
            #expect(key.flatMap(TopCode.rule(of:)) == rule)
        }
        // Longer than 8 characters cannot carry the rule bits: counted as malformed.
        #expect(TopCode.text(of: TopCode.key(PackedCode.pack("ABCDEFGHIJ")!, rule: .C01)) == "(malformed)")
        #expect(TopCode.text(of: TopCode.key(PackedCode.invalid, rule: .C01)) == "(malformed)")
    }

    /// A code with a dot where its code set has none is counted as "(malformed)" among the top
    /// codes: `J.069` was listed as J06.9, a modifier `2.5` as 25, a place of service `1.1` as 11,
    /// a revenue code `04.50` as 0450 and a procedure code `992.13` (no C01 then) as 99213.
    @Test func codesWithMisplacedDotsAreMalformedAmongTheTopCodes() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header =
            "line_id,encounter_id,patient_id,patient_dob,patient_sex,service_date,post_date,rendering_npi,"
            + "place_of_service,procedure_code,modifier1,units,charge_amount,dx1,revenue_code"
        func row(
            _ id: String, pos: String = "11", code: String = "99213", modifier: String = "", dx: String = "I10",
            revenue: String = ""
        ) -> String {
            "\(id),E\(id),P\(id),1960-01-01,F,2026-06-01,2026-06-01,\(ReportFixtures.npiA),\(pos),\(code),"
                + "\(modifier),1,100.00,\(dx),\(revenue)"
        }
        let rows = [
            row("W1", dx: "J.069"), row("W2", dx: "J069."), row("W3", modifier: "2.5"), row("W4", pos: "1.1"),
            row("W5", revenue: "04.50"), row("W6", code: "992.13"), row("W7", dx: "J06.9"), row("W8", pos: "98"),
        ]
        let (result, _) = try ReportFixtures.scrub(([header] + rows).joined(separator: "\n") + "\n", in: dir)
        let top = result.summary.topCodes()
        #expect(top[.C04]?.map(\.code) == ["(malformed)"])
        #expect(top[.C04]?.first?.findings == 2)
        #expect(top[.C07]?.map(\.code) == ["(malformed)"])
        // Ties by the code's text, where "(malformed)" comes first (by the packed key it came last).
        #expect(top[.C08]?.map(\.code) == ["(malformed)", "98"])
        #expect(top[.C10]?.map(\.code) == ["(malformed)"])
        #expect(top[.C01]?.map(\.code) == ["(malformed)"])
        #expect(result.summary.findings(.C01) == 1)
    }
}
