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
