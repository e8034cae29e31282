import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct MUELoaderTests {
    @Test func readsTheCSVWithItsQuotedNoticeAndWrappedHeader() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
            OfficialLayout.mueFile([
                "11042,1,1 Line Edit,Nature of Service/Procedure",
                "36415,2,3 Date of Service Edit: Clinical,Clinical: Data",
                "99213,1,2 Date of Service Edit: Policy,\"CMS Policy, see manual\"",
            ]))
        try folder.write(
            "MCR_MUE_OutpatientHospitalServices_Eff_01-01-2026.csv",
            OfficialLayout.mueFile(
                ["36415,4,3 Date of Service Edit: Clinical,Clinical: Data"], setting: "Outpatient Hospital Services"))
        let tables = try folder.load()
        let mue = tables.mue
        let on = day("2026-04-01")
        #expect(mue.limit(code: packed("11042"), on: on, setting: .practitioner) == .init(value: 1, mai: 1))
        #expect(mue.limit(code: packed("99213"), on: on, setting: .practitioner) == .init(value: 1, mai: 2))
        #expect(mue.limit(code: packed("36415"), on: on, setting: .practitioner) == .init(value: 2, mai: 3))
        #expect(mue.limit(code: packed("36415"), on: on, setting: .outpatientHospital) == .init(value: 4, mai: 3))
        #expect(mue.limit(code: packed("99214"), on: on, setting: .practitioner) == nil)
        // The effective date comes from the file name; before it the release does not apply.
        #expect(mue.limit(code: packed("11042"), on: day("2026-03-31"), setting: .practitioner) == nil)
        #expect(mue.limit(code: packed("36415"), on: day("2026-01-01"), setting: .outpatientHospital) != nil)
        #expect(mue.limit(code: packed("36415"), on: day("2026-03-31"), setting: .dme) == nil)
    }

    @Test func aNewerReleaseOfTheSameSettingTakesOver() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv", OfficialLayout.mueFile(["11042,1,1 Line Edit,x"]))
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", OfficialLayout.mueFile(["11042,3,1 Line Edit,x"]))
        let mue = try folder.load().mue
        #expect(mue.limit(code: packed("11042"), on: day("2026-03-31"), setting: .practitioner)?.value == 1)
        #expect(mue.limit(code: packed("11042"), on: day("2026-04-01"), setting: .practitioner)?.value == 3)
    }

    static let broken: [(name: String, row: String, line: Int, field: String)] = [
        ("value not a number", "11042,one,1 Line Edit,x", 6, "MUE Value"),
        ("indicator 4", "11042,1,4 Line Edit,x", 6, "MUE Adjudication Indicator"),
        ("indicator without its digit", "11042,1,Line Edit,x", 6, "MUE Adjudication Indicator"),
        ("code too long", "110421,1,1 Line Edit,x", 6, "HCPCS/CPT Code"),
        ("two cells", "11042,1", 6, "MUE Adjudication Indicator"),
        ("code not shaped like a CPT or HCPCS code", "9O471,1,1 Line Edit,x", 6, "HCPCS/CPT Code"),
        // Two rows run together (a lost line end): the second one would be lost.
        ("two rows on one line", "11042,1,1 Line Edit,x11000,2,1 Line Edit,x", 6, "(extra column)"),
        // A code given twice is named at its second line (its first in the message).
        (
            "code twice", "11042,1,1 Line Edit,x\r\n11000,2,2 Date of Service Edit: Policy,x\r\n11042,3,1 Line Edit,x",
            8, "HCPCS/CPT Code"
        ),
    ]

    @Test(arguments: broken)
    func aBrokenRowNamesLineAndColumn(_ broken: (name: String, row: String, line: Int, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        // The notice cell spans lines 1–3 and the header lines 4–5: the first row is line 6.
        try folder.write("MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", OfficialLayout.mueFile([broken.row]))
        expectTableError(
            file: "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv", line: broken.line, field: broken.field
        ) {
            _ = try folder.load()
        }
    }

    @Test func anUnterminatedNoticeOrAMissingHeaderIsRejected() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let name = "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv"
        try folder.write(name, "\"Copyright\nstill the notice,,,\r\n11042,1,1 Line Edit,x\r\n")
        expectTableError(file: name, line: 1, field: "column 1") { _ = try folder.load() }
        try folder.write(name, "\"Copyright\",,,\r\n11042,1,1 Line Edit,x\r\n")
        expectTableError(file: name, line: nil, field: "HCPCS/CPT Code") { _ = try folder.load() }
    }
}
