import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct CodeListLoaderTests {
    static let manifest = """
        [[table]]
        file = "cpt.txt"
        kind = "cpt"
        release = "CPT 2026"
        effective = "2026-01-01"

        [[table]]
        file = "revenue.csv"
        kind = "revenue-codes"
        release = "UB-04 2026"
        """

    @Test func readsCodesWithOptionalDatesAndComments() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("tables.toml", Self.manifest)
        try folder.write(
            "cpt.txt",
            "# my CPT list\ncode,effective,termination\n99213\n99417,2021-01-01\n0001U,2020-01-01,2023-12-31\n\n3074F\n"
        )
        // 1001: a NUBC code past 0999 (100X behavioral health accommodations) loads too.
        try folder.write("revenue.csv", "0450\n0510,2000-01-01\n1001\n")
        let tables = try folder.load()
        #expect(tables.cptLoaded)
        let cpt = tables.cpt
        let r = try #require(cpt.release(on: day("2026-02-01")))
        #expect(cpt.effect(packed("99213"), on: day("2026-02-01"), release: r) == .inEffect(coverage: 0x20))
        #expect(cpt.effect(packed("0001U"), on: day("2026-02-01"), release: r) == .terminated(day("2023-12-31")))
        #expect(cpt.effect(packed("99999"), on: day("2026-02-01"), release: r) == .unknown)
        #expect(cpt.release(on: day("2025-12-31")) == nil)
        let revenue = tables.revenueCodes
        let rr = try #require(revenue.release(on: day("2026-02-01")))
        #expect(revenue.effect(packed("0450"), on: day("2026-02-01"), release: rr) == .inEffect(coverage: 0x20))
        #expect(revenue.effect(packed("0451"), on: day("2026-02-01"), release: rr) == .unknown)
        #expect(revenue.effect(packed("1001"), on: day("2026-02-01"), release: rr) == .inEffect(coverage: 0x20))
        #expect(tables.releases.map(\.entries) == [4, 3])
    }

    static let broken: [(file: String, text: String, line: Int, field: String)] = [
        ("cpt.txt", "99213\n9921\n", 2, "code"),
        ("cpt.txt", "99213,2026-02-30\n", 1, "effective"),
        ("cpt.txt", "99213,2026-02-01,2026-01-01\n", 1, "termination"),
        ("cpt.txt", "99213,2026-01-01,,x\n", 1, "(extra column)"),
        // Five characters, but no CPT code: letters inside, or a Level II code.
        ("cpt.txt", "99213\nZZZZZ\n", 2, "code"), ("cpt.txt", "992L4\n", 1, "code"), ("cpt.txt", "J1100\n", 1, "code"),
        ("revenue.csv", "0450\n450\n", 2, "code"),
        // A CDT list holds D codes only.
        ("cdt.txt", "D0120\n99213\n", 2, "code"), ("cdt.txt", "J1100\n", 1, "code"), ("cdt.txt", "D01A0\n", 1, "code"),
        ("revenue.csv", "# header\n1450\n", 2, "code"),
    ]

    @Test(arguments: broken)
    func aBrokenListNamesLineAndColumn(_ broken: (file: String, text: String, line: Int, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "tables.toml", Self.manifest + "\n[[table]]\nfile = \"cdt.txt\"\nkind = \"cdt\"\nrelease = \"CDT 2026\"\n")
        try folder.write("cpt.txt", "99213\n")
        try folder.write("revenue.csv", "0450\n")
        try folder.write("cdt.txt", "D0120\n")
        try folder.write(broken.file, broken.text)
        expectTableError(file: broken.file, line: broken.line, field: broken.field) { _ = try folder.load() }
    }
}
