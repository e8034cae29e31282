import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ProcedureCodeRuleTests {
    static func rules(_ code: String, on date: String = "2026-03-02", tables: CodeTables = RuleFixtures.tables) throws
        -> [String]
    {
        try RuleHarness.run(
            [["procedure_code": code, "service_date": date, "post_date": date]], tables: tables,
            rules: [ProcedureCodeRule()]
        )
        .map { "\($0.rule)" }
    }

    @Test(
        arguments: [
            ("G0008", "2026-03-02", [String]()),
            ("A4206", "2026-03-02", ["C03"]),  // coverage M
            ("A0021", "2026-03-02", ["C03"]),  // coverage I
            ("S0034", "2026-03-02", ["C03"]),  // coverage S
            ("C8904", "2026-03-02", ["C02"]),  // terminated 2018-12-31 (action D)
            ("G9998", "2019-03-31", ["C02"]),  // added 2019-04-01
            ("G9998", "2019-04-01", []),
            ("K9100", "2026-03-02", ["C01"]),  // well formed, not in the file
            ("W1234", "2026-03-02", ["C01"]),  // W is not a Level II letter
            ("9921", "2026-03-02", ["C01"]),
            ("99213-25", "2026-03-02", ["C01"]),
            ("992.13", "2026-03-02", ["C01"]),  // no dot in a procedure code (it passed as 99213)
            ("J11.00", "2026-03-02", ["C01"]),
            ("99213", "2026-03-02", []),  // CPT shape, no CPT list: form only
            ("0042T", "2026-03-02", []),
            ("3074F", "2026-03-02", []),
            // Category I vaccine administration and administrative MAAA codes: real CPT codes the
            // NCCI and MUE files list from their first rows.
            ("0001A", "2026-03-02", []),
            ("0002M", "2026-03-02", []),
            ("0001U", "2026-03-02", []),
            // CDT (ADA dental codes) are not in CMS's HCPCS files: form only without a CDT list,
            // also on a date no HCPCS release serves; one a HCPCS file does list is read from it.
            ("D0120", "2026-03-02", []),
            ("D0120", "2018-12-31", []),
            ("D9110", "2026-03-02", ["C03"]),
            ("D012", "2026-03-02", ["C01"]),
            ("1234X", "2026-03-02", ["C01"]),
            ("1234B", "2026-03-02", ["C01"]),
            ("G0008", "2018-12-31", ["C06"]),  // before the only HCPCS release
            ("K9100", "2018-12-31", ["C06"]),  // never C01 when no release serves the date
        ] as [(String, String, [String])])
    func checksTheCodeOnItsDateOfService(_ code: String, _ date: String, _ expected: [String]) throws {
        #expect(try Self.rules(code, on: date) == expected)
    }

    @Test(
        arguments: [
            ("99213", "2026-03-02", [String]()), ("99214", "2026-03-02", ["C01"]), ("99999", "2026-03-02", ["C02"]),
            ("99999", "2024-12-31", []), ("99213", "2019-12-31", ["C06"]), ("G0008", "2026-03-02", []),
        ] as [(String, String, [String])])
    func withACPTListCPTCodesAreLookedUp(_ code: String, _ date: String, _ expected: [String]) throws {
        #expect(try Self.rules(code, on: date, tables: RuleFixtures.withLists) == expected)
    }

    /// With a CDT list (kind `cdt`), D codes are looked up in it as CPT codes are in theirs; the
    /// CPT list does not judge them, nor the CDT list CPT codes.
    @Test(
        arguments: [
            ("D0120", "2026-03-02", [String]()), ("D0999", "2026-03-02", ["C01"]), ("D9999", "2026-03-02", ["C02"]),
            ("D9999", "2024-06-30", []), ("D0120", "2019-12-31", ["C06"]), ("99213", "2026-03-02", []),
            ("D9110", "2026-03-02", ["C01"]),  // the CDT list, not the HCPCS file, judges D codes
        ] as [(String, String, [String])])
    func withACDTListDentalCodesAreLookedUp(_ code: String, _ date: String, _ expected: [String]) throws {
        #expect(try Self.rules(code, on: date, tables: RuleFixtures.withLists) == expected)
    }

    @Test func aDentalCodeMissingFromTheCDTListNamesIt() throws {
        let results = try RuleHarness.run(
            [["procedure_code": "D0999", "service_date": "2026-03-02"]], tables: RuleFixtures.withLists,
            rules: [ProcedureCodeRule()])
        #expect(results.first?.message == "CDT code is not in CDT list test CDT")
    }

    @Test func findingsNameTheCodeSetAndCarryTheCode() throws {
        let results = try RuleHarness.run(
            [
                ["procedure_code": "C8904"], ["procedure_code": "G0008", "service_date": "2018-06-01"],
                ["procedure_code": "A4206"],
            ],
            tables: RuleFixtures.tables, rules: [ProcedureCodeRule()])
        #expect(results.map(\.value) == ["C8904", "HCPCS", "A4206"])
        #expect(results[0].message == "HCPCS code was terminated; its last day was 2018-12-31 (HCPCS CY2019)")
        #expect(results[1].message.contains("no loaded HCPCS release covers the date of service 2018-06-01"))
        #expect(results.map(\.severity) == [.error, .warning, .warning])
    }

    static func settings(_ toml: String) throws -> RuleSettings {
        try RuleSettings(document: StructuredDocument.parse(toml, name: "c.toml"), name: "c.toml")
    }

    static let payers = """
        [payers.MCR]
        class = "medicare"
        [payers.BCBS]
        class = "commercial"
        [payers.AETNA]
        class = "commercial"
        rules = { C03 = "error" }
        [payers.NOCLASS]
        timely_filing_days = 90

        """

    @Test(arguments: [
        ("", ["MCR", "NOCLASS", "OTHER", "", "AETNA"]),
        ("[rules.C03]\npayer_classes = [\"medicare\"]\n", ["MCR", "AETNA"]),
        ("[rules.C03]\npayer_classes = [\"medicare\", \"commercial\"]\n", ["MCR", "BCBS", "AETNA"]),
        ("[rules.C03]\nenabled = false\n", ["AETNA"]),
    ])
    func c03AppliesToThePayersInItsScope(_ config: String, _ expected: [String]) throws {
        let settings = try Self.settings(Self.payers + config)
        let lines = ["MCR", "BCBS", "NOCLASS", "OTHER", "", "AETNA"].map {
            ["procedure_code": "A4206", "payer_id": $0, "line_id": "to-\($0)"]
        }
        let results = try RuleHarness.run(
            lines, tables: RuleFixtures.tables, rules: [ProcedureCodeRule()], settings: settings)
        #expect(results.map { String($0.line.dropFirst(3)) } == expected)
        #expect(results.first { $0.line == "to-AETNA" }?.severity == .error)
    }

    @Test func anUnknownPayerClassIsAConfigurationError() throws {
        #expect(throws: ScrubError.self) { try Self.settings("[rules.C03]\npayer_classes = [\"medicaire\"]\n") }
    }
}
