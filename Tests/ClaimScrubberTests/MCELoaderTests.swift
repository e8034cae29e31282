import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct MCELoaderTests {
    @Test func readsTheListsAndTheVersionsFiscalYear() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let rows = [
            OfficialLayout.mceHeader, OfficialLayout.mceRow(41, "Newborn_Only", "Z3800"),
            OfficialLayout.mceRow(41, "Maternity_Only", "O0900"), OfficialLayout.mceRow(41, "Female_Only", "O0900"),
            OfficialLayout.mceRow(41, "Male_Only", "C61"), OfficialLayout.mceRow(41, "Principal_Manifestation", "D631"),
            OfficialLayout.mceRow(41, "Female_Only", "0UT90ZZ", kind: "P"),
            OfficialLayout.mceRow(41, "Principal_Questionable_Admit", "E119"),
        ]
        try folder.write("MCE_Simple_Code_Edits_v41.txt", rows.joined(separator: "\n") + "\n")
        let tables = try folder.load()
        let mce = tables.mce
        // v41 = FY2024: from 2023-10-01, open-ended as the newest loaded.
        #expect(mce.release(on: day("2023-09-30")) == nil)
        #expect(mce.lists(packed("O0900"), on: day("2030-01-01")) == [.maternity, .female])
        #expect(mce.lists(packed("Z3800"), on: day("2023-10-01")) == [.newborn])
        #expect(mce.lists(packed("C61"), on: day("2023-10-01")) == [.male])
        #expect(mce.lists(packed("D631"), on: day("2023-10-01")) == [.manifestation])
        // Procedure rows and edit types no rule uses are not diagnosis lists.
        #expect(mce.lists(packed("0UT90ZZ"), on: day("2023-10-01")) == [])
        #expect(mce.lists(packed("E119"), on: day("2023-10-01")) == [])
        #expect(tables.releases.first?.release == "MCE v41 (FY2024)")
    }

    /// Look-ups first test a bit per three-character category: a listed code must be found however
    /// its category is shared, and unlisted codes in a listed category or in others give no list.
    @Test func theCategoryFilterKeepsEveryListedCode() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let listed = ["A000", "A001", "O0900", "O9A511", "P0000", "Z3800", "Z3801", "C61"]
        let rows = [OfficialLayout.mceHeader] + listed.map { OfficialLayout.mceRow(41, "Maternity_Only", $0) }
        try folder.write("MCE_Simple_Code_Edits_v41.txt", rows.joined(separator: "\n") + "\n")
        let mce = try folder.load().mce
        let on = day("2024-01-01")
        for code in listed { #expect(mce.lists(packed(code), on: on) == [.maternity], "\(code)") }
        for code in ["A002", "O090", "O9A51", "Z3802", "C610", "C60", "I10", "E119", "Z79899"] {
            #expect(mce.lists(packed(code), on: on) == [], "\(code)")
        }
    }

    static let broken: [(name: String, row: String, field: String?)] = [
        ("version not a number", "v41\t10\t4\tA\tNewborn_Only\tD\tZ3800\tx", "MCE_Version"),
        ("code type X", "41\t10\t4\tA\tNewborn_Only\tX\tZ3800\tx", "ICD_Code_Type"),
        ("missing description", "41\t10\t4\tA\tNewborn_Only\tD\tZ3800", "ICD_Desc"),
        ("code with a hyphen", "41\t10\t4\tA\tNewborn_Only\tD\tZ38-00\tx", "ICD_Code"),
        ("mixed versions", "40\t10\t4\tA\tNewborn_Only\tD\tZ3801\tx", "MCE_Version"),
        // An edit type blank, spaced or re-cased would drop its row from the list without a word.
        ("blank edit type", "41\t10\t4\tA\t\tD\tZ3801\tx", "MCE_Edit_Type"),
        ("edit type with a trailing space", "41\t10\t4\tA\tNewborn_Only \tD\tZ3801\tx", "MCE_Edit_Type"),
        ("edit type in lower case", "41\t10\t4\tA\tnewborn_only\tD\tZ3801\tx", "MCE_Edit_Type"),
        ("edit type with a space", "41\t10\t4\tA\tNewborn Only\tD\tZ3801\tx", "MCE_Edit_Type"),
        ("diagnosis not shaped like ICD-10-CM", "41\t10\t4\tA\tNewborn_Only\tD\t0000\tx", "ICD_Code"),
        ("diagnosis of one letter", "41\t10\t4\tA\tNewborn_Only\tD\tA\tx", "ICD_Code"),
    ]

    @Test(arguments: broken)
    func aBrokenRowNamesLineAndColumn(_ broken: (name: String, row: String, field: String?)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "MCE_lists.txt",
            [OfficialLayout.mceHeader, OfficialLayout.mceRow(41, "Newborn_Only", "Z3800"), broken.row].joined(
                separator: "\n"))
        expectTableError(file: "MCE_lists.txt", line: 3, field: broken.field) { _ = try folder.load() }
    }

    @Test func theShippedListsAreFY2020s() {
        let mce = RuleHarness.shipped.mce
        #expect(mce.releases.first?.name == "MCE v37 (FY2020)")
        #expect(mce.lists(packed("Z3800"), on: day("2026-01-01")).contains(.newborn))
    }
}
