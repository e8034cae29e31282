import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ModifierListLoaderTests {
    @Test func theShippedListsAndTheHCPCSRecordsMakeOneTable() {
        let modifiers = RuleHarness.shipped.modifiers
        let cases: [(String, String, Bool)] = [
            ("25", "2026-01-01", true),  // Level I, carried by the project
            ("59", "1990-01-01", true),
            ("RT", "2026-01-01", true),  // Level II, HCPCS modifier record
            ("XE", "2026-01-01", true),
            ("FS", "2022-01-01", true),  // supplement, from its effective date
            ("FS", "2021-12-31", false),
            ("JZ", "2022-06-30", false),
            ("ZC", "2026-01-01", false),  // discontinued in the 2019 file
            ("YZ", "2026-01-01", false),  // no such modifier
        ]
        for (code, date, valid) in cases {
            #expect(
                (modifiers.state(ModifierTable.pack(code)!, on: day(date)) == .valid) == valid, "\(code) on \(date)")
        }
    }

    /// A manifest's `effective` and `through` bound each entry's own dates.
    @Test func theManifestDatesBoundTheEntries() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"mods.tsv\"\nkind = \"modifiers\"\neffective = \"2026-01-01\"\nthrough = \"2026-12-31\"\n"
        )
        try folder.write("mods.tsv", "code\teffective\ttermination\n25\t\t\nQQ\t2025-01-01\t2026-06-30\n")
        let modifiers = try folder.load().modifiers
        let cases: [(String, String, Bool)] = [
            ("25", "2025-12-31", false), ("25", "2026-01-01", true), ("25", "2026-12-31", true),
            ("25", "2027-01-01", false),
            ("QQ", "2025-06-01", false), ("QQ", "2026-06-30", true), ("QQ", "2026-07-01", false),
        ]
        for (code, date, valid) in cases {
            #expect(
                (modifiers.state(ModifierTable.pack(code)!, on: day(date)) == .valid) == valid, "\(code) on \(date)")
        }
    }

    static let broken: [(text: String, line: Int, field: String?)] = [
        ("code\teffective\n25\t\n", 1, nil),
        ("code\teffective\ttermination\n2\t\t\n", 2, "code"),
        ("code\teffective\ttermination\n25\t2026-13-1\t\n", 2, "effective"),
        ("code\teffective\ttermination\n25\t\n", 2, "termination"),
    ]

    @Test(arguments: broken)
    func aBrokenListNamesLineAndColumn(_ broken: (text: String, line: Int, field: String?)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("tables.toml", "[[table]]\nfile = \"mods.tsv\"\nkind = \"modifiers\"\n")
        try folder.write("mods.tsv", broken.text)
        expectTableError(file: "mods.tsv", line: broken.line, field: broken.field) { _ = try folder.load() }
    }
}
