import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct JSONTextTests {
    static func text(_ value: JSONValue) -> String {
        String(decoding: JSONText.bytes(of: value), as: UTF8.self)
    }

    /// The value Foundation reads back from the text of `value`.
    static func parsed(_ value: JSONValue) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(JSONText.bytes(of: value)), options: [.fragmentsAllowed])
    }

    // MARK: - Strings

    @Test(arguments: 0..<0x20)
    func everyControlCharacterIsEscaped(code: Int) throws {
        let s = "a" + String(Character(Unicode.Scalar(UInt8(code)))) + "b"
        let short: [Int: String] = [0x08: #"\b"#, 0x09: #"\t"#, 0x0A: #"\n"#, 0x0C: #"\f"#, 0x0D: #"\r"#]
        let escape = short[code] ?? String(format: #"\u%04lx"#, code)
        #expect(Self.text(.string(s)) == "\"a" + escape + "b\"")
        #expect(try Self.parsed(.string(s)) as? String == s)
    }

    @Test func quotesAndBackslashesAreEscapedAndSlashesAreNot() throws {
        let s = #"say "hi" \ C:\dir\ a/b </script>"#
        #expect(Self.text(.string(s)) == #""say \"hi\" \\ C:\\dir\\ a/b </script>""#)
        #expect(try Self.parsed(.string(s)) as? String == s)
        #expect(Self.text(.string("")) == #""""#)
        #expect(Self.text(.string(#"\""#)) == #""\\\"""#)
    }

    @Test func nonASCIIIsWrittenAsUTF8() throws {
        // Two-, three- and four-byte characters, a combining accent, DEL, the line separator U+2028
        // (legal in JSON strings, not in older JavaScript) and a zero-width no-break space all go
        // out unchanged. (Foundation drops U+FEFF when it opens a string it reads, hence the "x".)
        for s in ["Médecine interne", "Ωμέγα", "日本語", "🩺 x-ray", "e\u{301}", "\u{7F}", "a\u{2028}b", "x\u{FEFF}"] {
            #expect(JSONText.bytes(of: .string(s)) == [UInt8(ascii: "\"")] + Array(s.utf8) + [UInt8(ascii: "\"")])
            #expect(try Self.parsed(.string(s)) as? String == s, "\(s.unicodeScalars.map(\.value))")
        }
    }

    // MARK: - Numbers

    @Test(arguments: [0, 1, -1, 42, -5, 1_000_000, Int64.max, Int64.min, Int64(Int32.max) + 1])
    func integersAreExact(n: Int64) throws {
        #expect(Self.text(.integer(n)) == String(n))
        #expect(try Self.parsed(.integer(n)) as? Int64 == n)
    }

    @Test(arguments: [
        (0.1, "0.1"), (0.000001, "1e-06"), (1e-06, "1e-06"), (0.333333, "0.333333"), (0.25, "0.25"), (1.0, "1"),
        (0.0, "0"), (-0.5, "-0.5"), (0.1 + 0.2, "0.30000000000000004"), (123_456_789.125, "123456789.125"),
        (1e15, "1000000000000000"), (1e16, "1e+16"), (-2.5e-7, "-2.5e-07"), (Double.leastNonzeroMagnitude, "5e-324"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
    ])
    func doublesAreJSONNumbersThatReadBack(x: Double, expected: String) throws {
        let text = Self.text(.number(x))
        #expect(text == expected)
        // RFC 8259 number: optional minus, no leading zeros, optional fraction and exponent.
        let grammar = try Regex(#"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?"#)
        #expect(text.wholeMatch(of: grammar) != nil, "\(text)")
        // The text carries the double exactly; Foundation's reader may land an ulp off
        // (0.30000000000000004 reads as 0.3000000000000001), as summary.json's readers know.
        #expect(Double(text) == x)
        let read = try #require(try Self.parsed(.number(x)) as? NSNumber)
        #expect(read.doubleValue == x || abs(read.doubleValue - x) <= 2 * x.ulp, "\(read.doubleValue)")
    }

    /// The rates of summary.json are rounded to 6 decimals; the smallest ones print with an exponent.
    @Test func roundedRatesReadBack() throws {
        for (part, whole) in [(1, 1_000_000), (1, 3), (2, 3), (1, 7), (5, 1_000_000), (999_999, 1_000_000), (0, 5)] {
            let rate = ScrubSummary.rate(part, whole)
            let read = try #require(try Self.parsed(.number(rate)) as? NSNumber)
            #expect(read.doubleValue == rate, "\(part)/\(whole)")
        }
    }

    /// Rates round half up, exactly: in floating point 41/640 (0.0640625) came out 0.064062
    /// while 1/128 (0.0078125) came out 0.007813.
    @Test(arguments: [
        (41, 640, 0.064063), (1, 128, 0.007813), (23, 80, 0.2875), (1, 3, 0.333333), (2, 3, 0.666667),
        (1, 2_000_000, 0.000001), (1, 2_000_001, 0), (0, 5, 0), (5, 0, 0), (7, 7, 1),
    ])
    func ratesRoundTiesUp(part: Int, whole: Int, rate: Double) {
        #expect(ScrubSummary.rate(part, whole) == rate)
    }

    /// JSON has no infinity or NaN; the writer never traps on one.
    @Test func nonFiniteNumbersAreNull() throws {
        for value in [Double.infinity, -.infinity, .nan] {
            #expect(String(decoding: JSONText.bytes(of: .number(value)), as: UTF8.self) == "null")
        }
    }

    @Test func booleans() throws {
        #expect(Self.text(.bool(true)) == "true" && Self.text(.bool(false)) == "false")
        #expect(try Self.parsed(["t": .bool(true)]) as? [String: Bool] == ["t": true])
    }

    // MARK: - Layout

    @Test func keysAreSortedByStringOrder() throws {
        // ("e\u{301}" would be the same key as "é": `String` compares canonical equivalents equal.)
        let keys = ["b", "a", "B", "_", "(none)", "é", "f", "Z", "a b", "10", "9", "a\"", "", "Ωμέγα"]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, .int(1)) }))
        let lines = Self.text(value).split(separator: "\n").dropFirst().dropLast()
        let written = try lines.map { line in
            try JSONSerialization.jsonObject(
                with: Data(line.drop { $0 == " " }.prefix { $0 != ":" }.utf8), options: [.fragmentsAllowed])
                as? String
        }
        #expect(written == keys.sorted())
    }

    @Test func nestedContainersAreIndentedTwoSpacesALevel() throws {
        let value: JSONValue = [
            "z": [["b": .int(2), "a": .string("x")], .int(-3), [], ["e": [:]]],
            "a": ["inner": ["deeper": .bool(false)], "empty": [:]],
            "m": .number(0.5),
        ]
        let expected = """
            {
              "a" : {
                "empty" : {

                },
                "inner" : {
                  "deeper" : false
                }
              },
              "m" : 0.5,
              "z" : [
                {
                  "a" : "x",
                  "b" : 2
                },
                -3,
                [

                ],
                {
                  "e" : {

                  }
                }
              ]
            }
            """
        #expect(Self.text(value) == expected)
        let read = try #require(try Self.parsed(value) as? [String: Any])
        #expect(((read["z"] as? [Any])?[0] as? [String: Any])?["b"] as? Int == 2)
        #expect(Self.text([]) == "[\n\n]" && Self.text([:]) == "{\n\n}")
    }

    // MARK: - summary.json

    /// The new writer gives the object the `[String: Any]` tree and `JSONSerialization` gave.
    @Test func summaryReadsBackAsTheFoundationTree() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("gen.csv")
        _ = try Fixtures.generate(lines: 3_000, errorRate: 0.1, to: input)
        let generated = try Fixtures.scrub([input], out: dir.file("out")) { $0.temporaryDirectory = dir.path }
        let (hand, _) = try ReportFixtures.scrub(ReportFixtures.handMade, in: dir, out: "hand")
        var odd = hand.summary
        odd.metrics.departments["Ünïcode \"quoted\" \\ /slash\t"] = hand.summary.metrics.departments["Radiology"]
        odd.run.host = "host\n\u{1}"
        odd.run.seconds["tiny"] = 1e-7
        for summary in [generated.summary, hand.summary, odd, ScrubSummary()] {
            let written = try JSONSerialization.jsonObject(with: Data(summary.json()))
            let foundation = try JSONSerialization.jsonObject(
                with: JSONSerialization.data(
                    withJSONObject: LegacySummaryTree.object(summary),
                    options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
            let differences = ReportFixtures.differences(written, foundation)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
            #expect(summary.json().last == 0x0A)
        }
        #expect(generated.summary.metrics.departments.count > 3)
    }
}

/// summary.json as it was built before `JSONText`: a `[String: Any]` tree for `JSONSerialization`.
/// Kept here, word for word in its choices, as the reference the typed tree is checked against.
enum LegacySummaryTree {
    static func object(_ s: ScrubSummary) -> [String: Any] {
        let m = s.metrics
        var byRule: [String: Int] = [:]
        for rule in RuleID.allCases where m.findingsByRule[rule.ordinal] > 0 {
            byRule[rule.rawValue] = m.findingsByRule[rule.ordinal]
        }
        var object: [String: Any] = [
            "lines_in": m.records,
            "lines_clean": s.linesClean,
            "lines_held": s.linesHeld,
            "lines_with_findings": m.flagged,
            "error_rate": ScrubSummary.rate(m.held, m.records),
            "finding_rate": ScrubSummary.rate(m.flagged, m.records),
            "charges_cents": m.chargesCents,
            "held_cents": m.heldCents,
            "at_risk_cents": m.atRiskCents,
            "findings_by_rule": byRule,
            "findings_by_severity": ["error": m.errors, "warning": m.warnings],
            "rules": rules(s),
            "departments": Dictionary(
                uniqueKeysWithValues: m.departments.map { (ScrubSummary.groupKey($0.key), tally($0.value)) }),
            "providers": Dictionary(
                uniqueKeysWithValues: m.providers.map { (ScrubSummary.providerKey($0.key), tally($0.value)) }),
            "payers": Dictionary(
                uniqueKeysWithValues: m.payers.map { (ScrubSummary.groupKey($0.key), tally($0.value)) }),
            "weeks": Dictionary(
                uniqueKeysWithValues: m.weeks.map { week, t -> (String, Any) in
                    var entry = tally(t)
                    if week != ISOWeek.none { entry["week_start"] = DayNumber.format(ISOWeek.monday(week)) }
                    return (ISOWeek.label(week), entry)
                }),
            "duplicates": [
                "exact": m.findingsByRule[RuleID.E01.ordinal],
                "probable": m.findingsByRule[RuleID.E02.ordinal],
                "charges_cents": m.rules[RuleID.E01.ordinal].chargesCents + m.rules[RuleID.E02.ordinal].chargesCents,
            ] as [String: Any],
            "charge_lag": chargeLag(s),
        ]
        object["tables"] = s.tables.map { release -> [String: Any] in
            var t: [String: Any] = [
                "kind": release.kind, "release": release.release, "file": release.file, "entries": release.entries,
            ]
            if let e = release.effective { t["effective"] = e }
            if let e = release.through { t["through"] = e }
            return t
        }
        object["cpt_table_loaded"] = s.tables.contains { $0.kind == "cpt" }
        object["code_sets_not_loaded"] = s.codeSetsNotLoaded
        object["rules_off"] = s.rulesOff ?? []
        object["lines_not_checked"] = ["M04": m.notChecked[.M04] ?? 0]
        object["inputs"] = s.inputs.map {
            ["file": $0.file, "format": $0.format, "compressed": $0.compressed, "lines": $0.lines] as [String: Any]
        }
        let run = s.run
        var runObject: [String: Any] = [
            "version": run.version, "as_of": run.asOf, "workers": run.workers, "fail_on": run.failOn,
            "output_level": run.outputLevel, "chunk_size": run.chunkSize, "memory_limit": run.memoryLimit,
            "host": run.host, "started_at": run.startedAt, "seconds": run.seconds, "cpu_seconds": run.cpuSeconds,
        ]
        if let encoding = run.encoding { runObject["encoding"] = encoding }
        object["run"] = runObject
        return object
    }

    static func tally(_ t: GroupTally) -> [String: Any] {
        [
            "lines": t.lines, "lines_with_findings": t.flagged, "lines_held": t.held, "findings": t.findings,
            "errors": t.errors, "warnings": t.warnings, "charges_cents": t.chargesCents, "held_cents": t.heldCents,
            "at_risk_cents": t.atRiskCents, "error_rate": ScrubSummary.rate(t.held, t.lines),
            "finding_rate": ScrubSummary.rate(t.flagged, t.lines),
        ]
    }

    static func rules(_ s: ScrubSummary) -> [String: Any] {
        let top = s.topCodes()
        var result: [String: Any] = [:]
        for rule in RuleID.allCases where s.metrics.findingsByRule[rule.ordinal] > 0 {
            let t = s.metrics.rules[rule.ordinal]
            let findings = s.metrics.findingsByRule[rule.ordinal]
            result[rule.rawValue] =
                [
                    "title": rule.title, "findings": findings, "errors": t.errors, "warnings": findings - t.errors,
                    "lines": t.lines, "line_rate": ScrubSummary.rate(t.lines, s.metrics.records),
                    "charges_cents": t.chargesCents,
                    "top_codes": (top[rule] ?? []).map { ["code": $0.code, "findings": $0.findings] as [String: Any] },
                ] as [String: Any]
        }
        return result
    }

    static func lag(_ histogram: [Int32: Int], threshold: Int) -> [String: Any] {
        let s = ScrubSummary.lagStatistics(histogram, threshold: threshold)
        var entry: [String: Any] = [
            "lines": s.lines, "over_threshold": s.overThreshold,
            "over_threshold_rate": ScrubSummary.rate(s.overThreshold, s.lines),
            "histogram": histogram.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map {
                ["days": Int($0.key), "lines": $0.value] as [String: Any]
            },
        ]
        if s.lines > 0 {
            entry["median_days"] = Int(s.median)
            entry["p90_days"] = Int(s.p90)
        }
        return entry
    }

    static func chargeLag(_ s: ScrubSummary) -> [String: Any] {
        var entry = lag(s.metrics.chargeLagAll, threshold: s.chargeLagThresholdDays)
        entry["threshold_days"] = s.chargeLagThresholdDays
        entry["by_department"] = Dictionary(
            uniqueKeysWithValues: s.metrics.chargeLag.map {
                (ScrubSummary.groupKey($0.key), lag($0.value, threshold: s.chargeLagThresholdDays))
            })
        return entry
    }
}
