import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct PTPLoaderTests {
    @Test func partsOfOneVersionFormOneTableAndSettingsStayApart() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "ccipra-v321r0-f1.txt",
            OfficialLayout.ptpFile([
                "11042\t11000\t*\t19960101\t*\t1\tStandards of medical / surgical practice",
                "99213\t99211\t\t20250101\t20250630\t0\tCPT Manual or CMS manual coding instructions",
            ]))
        try folder.write(
            "CCIPRA-V321R0-F2.TXT.zst", OfficialLayout.ptpFile(["93000\t93005\t\t20250101\t*\t0\tMutually exclusive procedures"]),
            compressed: true)
        try folder.write("ccioph-v321r0-f1.txt", OfficialLayout.ptpFile(["93000\t93005\t\t20250101\t*\t9\tNot applicable"]))
        let tables = try folder.load()
        let ptp = tables.ptp
        #expect(ptp.releases.count == 2)
        let on = day("2026-05-01")
        #expect(ptp.edit(column1: packed("11042"), column2: packed("11000"), on: on, setting: .practitioner)?.modifierIndicator == 1)
        #expect(ptp.edit(column1: packed("93000"), column2: packed("93005"), on: on, setting: .practitioner)?.modifierIndicator == 0)
        #expect(ptp.edit(column1: packed("93000"), column2: packed("93005"), on: on, setting: .outpatientHospital)?.modifierIndicator == 9)
        #expect(ptp.edit(column1: packed("11042"), column2: packed("11000"), on: on, setting: .outpatientHospital) == nil)
        // Order matters: column 2 / column 1 is not an edit.
        #expect(ptp.edit(column1: packed("11000"), column2: packed("11042"), on: on, setting: .practitioner) == nil)
        // v32.1 = April 2026: the release serves from 2026-04-01 when named only by its file.
        #expect(ptp.release(on: day("2026-03-31"), setting: .practitioner) == nil)
        // Deletion dates: in force through the deletion date, not after.
        let r = try #require(ptp.release(on: day("2026-04-01"), setting: .practitioner))
        #expect(ptp.edit(column1: packed("99213"), column2: packed("99211"), on: day("2025-06-30"), release: r) != nil)
        #expect(ptp.edit(column1: packed("99213"), column2: packed("99211"), on: day("2025-07-01"), release: r) == nil)
        #expect(ptp.edit(column1: packed("99213"), column2: packed("99211"), on: day("2024-12-31"), release: r) == nil)
        #expect(tables.releases.filter { $0.kind == "ptp" }.map(\.entries).sorted() == [1, 1, 2])
    }

    @Test func theDemoTablesLoadWithTheirManifest() throws {
        let tables = try TableLoader.load(directories: [RuleHarness.packageRoot + "/data/demo-tables"])
        // Listed in tables.toml without an effective date: they serve any date (cumulative files).
        let edit = tables.ptp.edit(column1: packed("99213"), column2: packed("99211"), on: day("2025-03-01"), setting: .practitioner)
        #expect(edit == .init(modifierIndicator: 0, effective: day("2025-01-01"), deletion: day("2025-06-30")))
        #expect(tables.ptp.edit(column1: packed("99204"), column2: packed("99212"), on: day("2026-07-01"), setting: .practitioner) != nil)
        #expect(tables.releases.filter { $0.kind == "ptp" }.count == 3)
    }

    static let broken: [(name: String, row: String, field: String)] = [
        ("bad effective date", "11042\t11000\t\t20251301\t*\t1\tx", "effective date"),
        ("deletion not a date or *", "11042\t11000\t\t20250101\tnone\t1\tx", "deletion date"),
        ("deletion before effective", "11042\t11000\t\t20250101\t20241231\t1\tx", "deletion date"),
        ("modifier indicator 2", "11042\t11000\t\t20250101\t*\t2\tx", "modifier indicator"),
        ("prior-1996 column not * or empty", "11042\t11000\tY\t20250101\t*\t1\tx", "prior to 1996"),
        ("missing cells", "11042\t11000\t\t20250101", "deletion date"),
        ("column 2 not a code", "11042\t11-00\t\t20250101\t*\t1\tx", "column 2"),
    ]

    @Test(arguments: broken)
    func aBrokenRowNamesLineAndColumn(_ broken: (name: String, row: String, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["99213\t99211\t\t20250101\t*\t0\tok", broken.row]))
        // Six preamble lines, a good row on line 7, the broken one on line 8.
        expectTableError(file: "ccipra-v321r0-f1.txt", line: 8, field: broken.field) { _ = try folder.load() }
    }

    @Test func aFileWithoutItsHeaderIsRejected() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccioph-v321r0-f1.txt", "Copyright line\r\n99213\t99211\t\t20250101\t*\t0\tx\r\n")
        expectTableError(file: "ccioph-v321r0-f1.txt", line: 2, field: "column 1") { _ = try folder.load() }
    }
}
