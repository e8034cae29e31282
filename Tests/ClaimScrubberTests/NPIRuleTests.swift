import Foundation
import Testing

@testable import ClaimScrubber

/// C09: an NPI is 10 digits, the first 1 or 2, the last the Luhn check digit over 80840 and the
/// first nine; the message says which of these fails.
@Suite struct NPIRuleTests {
    @Test(
        arguments: [
            ("1234567893", nil), (" 1234567893 ", nil), ("1234567890", "fails the NPI check digit"),
            ("3234567893", "does not start with 1 or 2"), ("123456789", "is not 10 digits"),
            // A tab is no space the parser trims: the NPI is not 10 digits (the message blamed
            // the check digit).
            ("1234567893\t", "is not 10 digits"), ("12345678a3", "is not 10 digits"),
            // A spreadsheet that read the column as numbers: the message says so.
            ("1234567893.0", "is not 10 digits (a spreadsheet wrote it as a number: format the column as text)"),
            ("1.23457E+09", "is not 10 digits (a spreadsheet wrote it as a number: format the column as text)"),
        ] as [(String, String?)])
    func eachNPIGetsTheProblemItHas(_ npi: String, _ problem: String?) throws {
        let rows = try Fixtures.findings(
            header: "line_id,encounter_id,patient_id,service_date,procedure_code,rendering_npi\n",
            rows: ["L1,E1,P1,2026-05-01,99213,\"\(npi)\""]
        ).filter { $0["rule"] == "C09" }
        #expect(rows.map { $0["message"]! } == (problem.map { ["rendering_npi \($0)"] } ?? []), "\(rows)")
    }
}
