import Testing

@testable import ClaimScrubber

@Suite struct ChargeBatchDiagnosesTests {
    @Test(
        arguments: [
            ([[String]](), 0), ([["I10"]], 1), ([["I10", "", "", ""]], 1), ([["", "", "A09"]], 3),
            ([["I10"], ["", "", "", "K52.9"], ["E11.9", "E10.9"]], 4),
            // A malformed code counts: the rules report it.
            ([["I10", "A0-0"]], 2),
        ] as [([[String]], Int)])
    func widthIsOnePastTheLastColumnInUse(_ dx: [[String]], _ expected: Int) throws {
        var lines: [[String: String]] = []
        for codes in dx {
            var line = ["dx1": ""]
            for (k, code) in codes.enumerated() { line["dx\(k + 1)"] = code }
            lines.append(line)
        }
        #expect(try RuleHarness.batch(lines).diagnosisWidth == expected)
    }

    /// The diagnosis rules keep per-batch memos of the codes they looked up, so a code's answer
    /// is computed on its first line and reused: a batch of many lines must give each line the
    /// findings that line gets alone.
    @Test(arguments: [
        ("fixtures", [DiagnosisCodeRule()] as [any LineRule]), ("fixtures", [MedicareCodeEditorRule()]),
        ("fixtures", [Excludes1Rule()]), ("shipped", [DiagnosisCodeRule()]), ("shipped", [MedicareCodeEditorRule()]),
        ("shipped", [Excludes1Rule()]),
    ])
    func aBatchGivesEachLineItsFindingsAlone(_ tableSet: String, _ rules: [any LineRule]) throws {
        let tables = tableSet == "shipped" ? RuleHarness.shipped : RuleFixtures.tables
        let codes = [
            "A00", "A000", "A09", "E10.9", "E11.9", "E11A", "E11", "I10", "K52.9", "S30.1XXA", "G35", "Z38.00", "E30.1",
            "O09.00", "F69", "N94.6", "C61", "D63.1", "Q99.9", "A001", "A0-0", "123", "I1", "Z3A.20", "O80", "N40.0",
            "G63", "E78.5", "Z79.899",
        ]
        let dates = ["2024-09-30", "2025-09-30", "2026-03-02", "2026-10-05"]
        let births = ["1970-05-05", "2026-01-01", "2015-01-01", "2027-01-01", ""]
        let sexes = ["M", "F", "U", ""]
        var rng = SplitMix64(seed: 41)
        var lines: [[String: String]] = []
        for n in 0..<300 {
            var line = [
                "line_id": "L\(n + 1)", "service_date": rng.pick(dates), "patient_dob": rng.pick(births),
                "patient_sex": rng.pick(sexes),
            ]
            line["post_date"] = line["service_date"]
            for k in 1...4 { line["dx\(k)"] = k == 1 || rng.int(0...1) == 0 ? rng.pick(codes) : "" }
            lines.append(line)
        }
        let together = try RuleHarness.run(lines, tables: tables, rules: rules)
        let alone = try lines.flatMap { try RuleHarness.run([$0], tables: tables, rules: rules) }
        #expect(together == alone)
        #expect(!together.isEmpty)
    }
}
