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
