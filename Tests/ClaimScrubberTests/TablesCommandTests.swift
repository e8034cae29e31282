import Foundation
import Testing

@testable import ClaimScrubber

/// `claim-scrub tables list` and `tables check`, run as a user runs them.
@Suite struct TablesCommandTests {
    @Test func listShowsReleasesWithTheirDatesCountsAndNotes() throws {
        let run = try CommandLineTests.run(["tables", "list", "--tables", "default"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("icd10cm-fy2026.tsv.zst (74719 billable, 23467 headers)"))
        #expect(run.stdout.contains("2025-10-01..2026-09-30"))
        #expect(run.stdout.contains("2019-01-01..open"))
        #expect(run.stdout.contains("note: no CPT list loaded"))
        #expect(run.stdout.contains("loaded 8 table file(s)"))
        // The shipped Excludes1 pairs come from FY2026's tabular only.
        #expect(
            run.stdout.contains(
                "note: no Excludes1 list serves ICD-10-CM FY2025's dates 2024-10-01..2025-09-30: M04 is not checked"),
            "\(run.stdout)")
        #expect(!run.stdout.contains("ICD-10-CM FY2026's dates"))
    }

    /// The stretches of each ICD-10-CM release that no Excludes1 list serves, one note each: none,
    /// the whole year, or what is left around a list that serves part of it.
    @Test(
        arguments: [
            ([("2025-10-01", "2026-09-30")], [String]()),
            ([], ["2025-10-01..2026-09-30"]),
            ([("2024-10-01", "2025-09-30")], ["2025-10-01..2026-09-30"]),
            ([("2026-04-01", "2026-09-30")], ["2025-10-01..2026-03-31"]),
            (
                [("2025-10-01", "2025-12-31"), ("2026-04-01", "2026-06-30")],
                ["2026-01-01..2026-03-31", "2026-07-01..2026-09-30"]
            ),
            ([("2025-01-01", "2025-12-31"), ("2025-06-01", "2026-12-31")], []),
        ] as [([(String, String)], [String])])
    func excludes1GapsAreNamed(_ lists: [(String, String)], _ gaps: [String]) {
        var releases = [
            TableRelease(
                kind: "icd10cm", release: "FY2026", file: "a", effective: "2025-10-01", through: "2026-09-30",
                entries: 1)
        ]
        for (from, to) in lists {
            releases.append(
                TableRelease(
                    kind: "icd10cm-excludes1", release: "x", file: "b", effective: from, through: to, entries: 1))
        }
        let notes = TableListing.excludes1GapNotes(releases)
        #expect(notes.count == gaps.count, "\(notes)")
        for (note, gap) in zip(notes, gaps) {
            #expect(note.hasPrefix("no Excludes1 list serves ICD-10-CM FY2026's dates \(gap): "), "\(note)")
        }
    }

    @Test func checkOfAGoodFolderSaysSo() throws {
        let run = try CommandLineTests.run(["tables", "check", RuleHarness.packageRoot + "/data/demo-tables"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv (practitioner codes)"))
        #expect(run.stdout.contains("read without error"))
    }

    /// A folder with no table file in it is not "ok": the check would have checked nothing (the
    /// wrong folder, or tables a level down). `default` names the shipped tables, as for `list`.
    @Test func checkOfAFolderWithoutTablesExitsTwoAndDefaultIsTheShippedSet() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let empty = try CommandLineTests.run(["tables", "check", folder.path])
        #expect(empty.status == 2 && empty.stderr.contains("no table file in this folder"), "\(empty.stderr)")
        let parent = try CommandLineTests.run(["tables", "check", RuleHarness.packageRoot + "/data"])
        #expect(parent.status == 2, "\(parent.stdout)")
        let shipped = try CommandLineTests.run(["tables", "check", "default"])
        #expect(shipped.status == 0 && shipped.stdout.contains("icd10cm-fy2026.tsv.zst"), "\(shipped.stderr)")
    }

    /// A release that serves no date of service, its period taken by a release of its kind with
    /// the same effective date loaded after it, is named in a note by `tables list` and `scrub`:
    /// CMS's April ICD-10-CM order file bears October's name, and took the whole fiscal year
    /// from it in silence. Its effective date in a tables.toml puts each in its place.
    @Test func aReleaseThatServesNoDateIsNamed() throws {
        let october = try TableFolder()
        defer { october.remove() }
        let april = try TableFolder()
        defer { april.remove() }
        try october.write("icd10cm_order_2026.txt", OfficialLayout.orderLine(1, "A000", billable: true, "x"))
        try april.write(
            "icd10cm_order_2026.txt",
            [
                OfficialLayout.orderLine(1, "A000", billable: true, "x"),
                OfficialLayout.orderLine(2, "Z3800", billable: true, "y"),
            ]
            .joined(separator: "\n"))
        let both = try CommandLineTests.run(["tables", "list", "--tables", october.path, "--tables", april.path])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(
            both.stdout.contains(
                "note: icd10cm_order_2026.txt (icd10cm FY2026) serves no date of service: icd10cm_order_2026.txt, loaded after it, takes its period from 2025-10-01"
            ),
            "\(both.stdout)")
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write(
            "in.csv", "encounter_id,patient_id,service_date,procedure_code\nE1,P1,2026-05-01,99213\n")
        let scrub = try CommandLineTests.run([
            "scrub", input, "--tables", october.path, "--tables", april.path, "--out", dir.file("o"), "--as-of",
            "2026-06-30",
        ])
        #expect(scrub.stderr.contains("serves no date of service"), "\(scrub.stderr)")
        try april.write(
            "tables.toml",
            "[[table]]\nfile = \"icd10cm_order_2026.txt\"\nkind = \"icd10cm\"\neffective = \"2026-04-01\"\n")
        let placed = try CommandLineTests.run(["tables", "list", "--tables", october.path, "--tables", april.path])
        #expect(placed.status == 0 && !placed.stdout.contains("serves no date"), "\(placed.stdout) \(placed.stderr)")
        #expect(placed.stdout.contains("2025-10-01..2026-03-31") && placed.stdout.contains("2026-04-01..2026-09-30"))
    }

    @Test func checkOfABrokenFileExitsTwoNamingFileLineAndColumn() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "ccipra-v321r0-f1.txt",
            OfficialLayout.ptpFile(["11042\t11000\t\t20250101\t*\t1\tx", "11042\t11001\t\t20250101\t*\t4\tx"]))
        let run = try CommandLineTests.run(["tables", "check", folder.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("ccipra-v321r0-f1.txt:8 field 'modifier indicator'"), "\(run.stderr)")
    }
}
