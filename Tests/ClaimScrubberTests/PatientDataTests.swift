import Foundation
import Testing

@testable import ClaimScrubber

/// Invariant 6: planted patient ids, names and birth dates never reach summary.json, report.html,
/// the message and value columns of findings.csv, or stderr.
@Suite struct PatientDataTests {
    static let patientIds = ["MRN4471920X", "MRN8830155Q", "ZZPAT-66120", "MRN5550017K", "MRN9191919W"]
    static let names = ["Quillfeather", "Zyxwut", "Brannigorn", "Oxtaby-Plume", "Vexquill"]
    /// Birth dates in the extract's own forms, and how a message might reformat them.
    static let birthDates = [
        ("1931-02-17", ["1931-02-17", "02/17/1931", "19310217"]),
        ("2026-06-11", ["2026-06-11", "06/11/2026", "20260611"]),  // after the date of service: D05
        ("1890-01-01", ["1890-01-01", "01/01/1890", "18900101"]),  // age over 124: D05
        ("1931-02-30", ["1931-02-30", "02/30/1931", "19310230"]),  // not a date: S03
        ("07/04/1929", ["07/04/1929", "1929-07-04", "19290704"]),
    ]

    static var plantedExtract: String {
        var rows = [ReportFixtures.header]
        let services = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05"]
        for i in 0..<5 {
            let name = "\(names[i]) \(names[(i + 1) % 5])"
            rows.append(
                ReportFixtures.line(
                    "PL\(i)", department: "Medicine", npi: ReportFixtures.npiA, payer: "MCR01", service: services[i],
                    post: i == 4 ? "2026-06-20" : services[i], amount: "12.00", patient: patientIds[i],
                    dob: birthDates[i].0, name: name))
        }
        // Bad sex code, and a line missing a required field, both on a planted patient.
        rows.append(
            ReportFixtures.line(
                "PL5", department: "Medicine", npi: ReportFixtures.npiA, payer: "MCR01", service: "2026-06-01",
                post: "2026-06-01", amount: "1.00", patient: patientIds[0], dob: birthDates[0].0, name: names[0]
            )
            .replacingOccurrences(of: ",F,", with: ",Q,"))
        rows.append(
            ReportFixtures.line(
                "PL6", department: "Medicine", npi: ReportFixtures.npiA, payer: "MCR01", service: "2026-06-01",
                post: "2026-06-01", amount: "1.00", procedure: "", patient: patientIds[1], dob: birthDates[0].0,
                name: names[1]))
        // A row that cannot be parsed (unterminated quote), full of patient data.
        rows.append("PL7,E-PL7,\(patientIds[2]),\(birthDates[0].0),F,\"\(names[2]) \(names[3]),2026-06-01")
        return rows.joined(separator: "\n") + "\n"
    }

    static var planted: [String] { patientIds + names + birthDates.flatMap(\.1) }

    static func leaks(in text: String) -> [String] { planted.filter { text.contains($0) } }

    /// A name typed into a code field (a procedure, diagnosis, modifier, place of service or
    /// revenue code) is held with its finding, which names it; the summary, the report and the
    /// end-of-run table list it as `(malformed)`, not by its text (a surname in the CPT column was
    /// among C01's top codes). Values shaped like codes are still listed.
    @Test func aNameInACodeFieldStaysOutOfTheSummary() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,place_of_service,revenue_code,"
            + "units,charge_amount,dx1\n"
        let rows = [
            "L1,E1,P1,2026-06-01,QUILLS,,11,,1,50.00,I10",
            "L2,E2,P2,2026-06-01,99213,,11,,1,50.00,ZYXWUT",
            "L3,E3,P3,2026-06-01,99213,BRANN,11,,1,50.00,I10",
            "L4,E4,P4,2026-06-01,99213,,OXTABY,,1,50.00,I10",
            "L5,E5,P5,2026-06-01,99213,,11,VEXQ,1,50.00,I10",
            "L6,E6,P6,2026-06-01,K9129,,11,,1,50.00,N3999",
            "L7,E7,P7,2026-06-01,99213,,11,04500,1,50.00,4019",
        ]
        let input = try dir.write("names.csv", header + rows.joined(separator: "\n") + "\n")
        let out = dir.file("out")
        let run = try CommandLineTests.run(["scrub", input, "--as-of", "2026-06-30", "--out", out])
        #expect(run.status == 1, "\(run.stderr)")
        let planted = ["QUILLS", "ZYXWUT", "BRANN", "OXTABY", "VEXQ"]
        let findings = try Fixtures.findings(out)
        for name in planted {
            #expect(findings.contains { $0["value"] == name }, "no finding names \(name): \(findings)")
        }
        let summary = try ReportFixtures.readText(out + "/summary.json")
        let report = try ReportFixtures.readText(out + "/report.html")
        for (place, text) in [("stderr", run.stderr), ("summary.json", summary), ("report.html", report)] {
            let leaked = planted.filter { text.contains($0) || text.contains($0.prefix(3) + "." + $0.dropFirst(3)) }
            #expect(leaked.isEmpty, "\(place) holds \(leaked)")
        }
        // Codes, wrong ones too (an ICD-9 code, a five-digit revenue code), are still listed.
        for code in ["K9129", "N39.99", "401.9", "04500"] {
            #expect(summary.contains("\"\(code)\""), "\(code) is not among the top codes")
        }
        // A summary of an earlier version that lists a name is read with the name as (malformed),
        // so `report` does not show it either.
        let older = summary.replacingOccurrences(of: "\"K9129\"", with: "\"QUILLS\"")
        let read = try ScrubSummary(json: Array(older.utf8))
        #expect(!ReportRenderer.html(read).contains("QUILLS"))
        #expect(read.topCodes()[.C01]?.contains { $0.code == "(malformed)" } == true)
    }

    @Test func plantedPatientDataStaysOut() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write("planted.csv", Self.plantedExtract)
        let out = dir.file("out")
        // The built executable, not quiet, so stderr carries the end-of-run table.
        let run = try CommandLineTests.run(["scrub", input, "--as-of", "2026-06-30", "--out", out])
        #expect(run.status == 1, "the planted extract has errors: \(run.stderr)")
        #expect(Self.leaks(in: run.stderr) == [], "stderr: \(run.stderr)")

        let findings = try Fixtures.findings(out)
        let rules = Set(findings.map { $0["rule"] ?? "" })
        // The rules that look at patient fields did fire, so this test sees their messages.
        #expect(rules.isSuperset(of: ["D05", "S03", "S02", "S01", "D04"]), "\(rules)")
        #expect(
            findings.contains { $0["field"] == "patient_dob" } && findings.contains { $0["field"] == "patient_sex" })
        for row in findings {
            let text = (row["message"] ?? "") + " | " + (row["value"] ?? "")
            #expect(Self.leaks(in: text) == [], "findings \(row["rule"] ?? ""): \(text)")
        }
        let summary = try ReportFixtures.readText(out + "/summary.json")
        #expect(Self.leaks(in: summary) == [])
        let report = try ReportFixtures.readText(out + "/report.html")
        #expect(Self.leaks(in: report) == [])
        #expect(report.contains("Medicine"))  // departments are not patient data: they are there

        // The planted data did go where staff work on it: the held output has it, byte for byte.
        let held = String(decoding: try Fixtures.read(out + "/held.csv"), as: UTF8.self)
        #expect(held.contains(Self.names[2]) && held.contains(Self.patientIds[0]))

        // `claim-scrub report` with --compare re-renders from the summaries alone.
        let page = dir.file("again.html")
        let again = try CommandLineTests.run([
            "report", out + "/summary.json", "--compare", out + "/summary.json", "--out", page,
        ])
        #expect(again.status == 0)
        #expect(Self.leaks(in: try ReportFixtures.readText(page) + again.stderr) == [])
    }
}
