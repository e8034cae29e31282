import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct AddOnLoaderTests {
    static let header = "# comment\naddon\tprimaries\teffective\ttermination\n"

    static func load(_ rows: String) throws -> CodeTables {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("addons.tsv", Self.header + rows)
        try folder.write("tables.toml", "[[table]]\nfile = \"addons.tsv\"\nkind = \"addon\"\n")
        return try folder.load()
    }

    @Test func primariesFollowTheRowDates() throws {
        let addOns = try Self.load(
            "99417\t99215,99205\t2021-01-01\t\n11045\t11042\t2025-01-01\t2025-12-31\n11045\t11042,11043\t2026-01-01\t\n"
        ).addOns
        #expect(
            addOns.primaries(of: packed("99417"), on: day("2026-01-01")).map(Array.init) == [
                packed("99205"), packed("99215"),
            ])
        #expect(addOns.primaries(of: packed("99417"), on: day("2020-12-31")) == nil)
        #expect(addOns.primaries(of: packed("11045"), on: day("2025-06-01")).map(Array.init) == [packed("11042")])
        #expect(addOns.primaries(of: packed("11045"), on: day("2026-06-01"))?.count == 2)
        #expect(addOns.primaries(of: packed("99213"), on: day("2026-06-01")) == nil)
    }

    /// The manifest's `effective` and `through` bound every row's own dates: a table listed as
    /// taking effect in 2027 gives no primaries for 2026 (E06 stays silent then), whatever its rows say.
    @Test func theManifestDatesBoundTheRows() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "addons.tsv", Self.header + "99417\t99215\t2021-01-01\t\n11045\t11042\t2025-01-01\t2027-06-30\n")
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"addons.tsv\"\nkind = \"addon\"\neffective = \"2026-07-01\"\nthrough = \"2027-03-31\"\n"
        )
        let addOns = try folder.load().addOns
        #expect(addOns.primaries(of: packed("99417"), on: day("2026-06-30")) == nil)
        #expect(addOns.primaries(of: packed("99417"), on: day("2026-07-01")) != nil)
        #expect(addOns.primaries(of: packed("11045"), on: day("2027-03-31")) != nil)
        #expect(addOns.primaries(of: packed("11045"), on: day("2027-04-01")) == nil)
    }

    @Test func theDemoTableLoads() throws {
        let tables = try TableLoader.load(directories: [RuleHarness.packageRoot + "/data/demo-tables"])
        #expect(
            tables.addOns.primaries(of: packed("96375"), on: day("2026-05-01")).map(Array.init) == [packed("96374")])
    }

    @Test(arguments: [
        ("99417\t99215,\t2021-01-01\t\n", 3, "primaries"), ("99417\t99215\t2021-13-01\t\n", 3, "effective"),
        ("99417\t99215\t2021-01-01\n", 3, "termination"), ("994170\t99215\t2021-01-01\t\n", 3, "addon"),
        // Codes that are no CPT or HCPCS code could never match a charge.
        ("1104\t11042\t2025-01-01\t\n", 3, "addon"), ("11103\t0000\t2025-01-01\t\n", 3, "primaries"),
        ("W1234\t99215\t2025-01-01\t\n", 3, "addon"),
    ])
    func aBrokenRowNamesLineAndColumn(_ row: String, _ line: Int, _ field: String) throws {
        expectTableError(file: "addons.tsv", line: line, field: field) { _ = try Self.load(row) }
    }

    /// Manifest dates that leave no row a day to serve are refused (E06 went off unsaid).
    @Test func manifestDatesThatLeaveNoRowAreRefused() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("addons.tsv", Self.header + "99417\t99215\t2025-01-01\t\n")
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"addons.tsv\"\nkind = \"addon\"\nthrough = \"2024-01-01\"\n")
        expectTableError(file: "addons.tsv", line: nil, field: "through") { _ = try folder.load() }
    }

    /// Two rows of one add-on code serving the same day are refused, naming both lines; rows that
    /// follow each other in time are a code's history.
    @Test func rowsOfOneCodeThatOverlapAreRefused() throws {
        expectTableError(file: "addons.tsv", line: 4, field: "effective") {
            _ = try Self.load("11045\t11042\t2025-01-01\t\n11045\t99999\t2024-01-01\t\n")
        }
        let tables = try Self.load(
            "11045\t11042\t2025-01-01\t\n11045\t99999\t2024-01-01\t2024-12-31\n99417\t99215\t2021-01-01\t\n")
        #expect(
            tables.addOns.primaries(of: packed("11045"), on: day("2024-06-01")).map(Array.init) == [packed("99999")])
        #expect(
            tables.addOns.primaries(of: packed("11045"), on: day("2025-06-01")).map(Array.init) == [packed("11042")])
    }

    /// A header and no row is refused, as every other table is: it switched E06 off unsaid.
    @Test func aTableOfItsHeaderAloneIsRefused() throws {
        #expect {
            _ = try Self.load("# nothing yet\n")
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == "addons.tsv" && error?.message.contains("no add-on rows") == true
        }
    }
}
