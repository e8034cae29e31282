import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct Excludes1LoaderTests {
    static func table(_ rows: String) throws -> Excludes1Table {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ex1.tsv", "code\tfirst\tlast\n" + rows)
        try folder.write(
            "tables.toml",
            "[[table]]\nfile = \"ex1.tsv\"\nkind = \"icd10cm-excludes1\"\neffective = \"2025-10-01\"\nthrough = \"2026-09-30\"\n"
        )
        return try folder.load().excludes1
    }

    @Test(arguments: [
        // (d1, d2, excluded): category note E11 excludes E10.- ; a code note; a range with padded end.
        ("E119", "E109", true), ("E1165", "E10", true), ("E119", "E119", false), ("E109", "E119", false),
        ("A09", "K529", true), ("A09", "K528", false), ("Q6112", "Q6111", true), ("Q6112", "Q613", true),
        ("Q6112", "Q614", false), ("Q6112", "Q6110", false),
    ])
    func matchesByPrefixAndRange(_ d1: String, _ d2: String, _ excluded: Bool) throws {
        let table = try Self.table("A09\tK529\tK529\nE11\tE10\tE10\nQ611\tQ6111\tQ613Z\n")
        let release = try #require(table.release(on: day("2026-01-01")))
        #expect(table.excludes(packed(d1), packed(d2), release: release) == excluded)
        #expect(table.release(on: day("2025-09-30")) == nil)
    }

    /// Each bound of a range is compared at its own length. With `first`'s length alone, T88.7's
    /// note `T80-T88.6` took in T88.7 and T88.9 (the note's own category), R87.7's `D06-D07.3` took
    /// in D07.4–D07.69, and an end shorter than the start (`C15.3-C16`) left out C16.9.
    @Test(arguments: [
        ("T887XXA", "T889XXA", false), ("T887XXA", "T887XXS", false), ("T887XXA", "T886XXA", true),
        ("T887XXA", "T80211A", true), ("R877", "D074", false), ("R877", "D0769", false), ("R877", "D0730", true),
        ("R877", "D069", true), ("K990", "C169", true), ("K990", "C153", true), ("K990", "C152", false),
        ("K990", "C170", false),
    ])
    func eachRangeBoundCountsAtItsOwnLength(_ d1: String, _ d2: String, _ excluded: Bool) throws {
        let table = try Self.table("K990\tC153\tC16\nR877\tD06\tD073\nT887\tT80\tT886\n")
        let release = try #require(table.release(on: day("2026-01-01")))
        #expect(table.excludes(packed(d1), packed(d2), release: release) == excluded)
    }

    @Test func theShippedTableHoldsTheDocumentedPairs() throws {
        let table = RuleHarness.shipped.excludes1
        let release = try #require(table.release(on: day("2026-01-01")))
        #expect(table.releases[release].codes.count == 9481)
        #expect(table.excludes(packed("A09"), packed("K529"), release: release))
        // The note of section V00-V99, which holds no <diag> of its own, reaches its categories.
        #expect(table.excludes(packed("V4352XA"), packed("X820XXA"), release: release))
        #expect(table.excludes(packed("V00111A"), packed("Y32XXXA"), release: release))
        // "F10-F19 with 5th character .6" and "S52.- with open fracture 7th character".
        #expect(table.excludes(packed("R413"), packed("F1026"), release: release))
        #expect(!table.excludes(packed("R413"), packed("F1020"), release: release))
        #expect(table.excludes(packed("S51001A"), packed("S52001B"), release: release))
        #expect(!table.excludes(packed("S51001A"), packed("S52001A"), release: release))
        // T88.7's note names T80-T88.6 and T88.8, not its own category's T88.9.
        #expect(table.excludes(packed("T887XXA"), packed("T886XXA"), release: release))
        #expect(!table.excludes(packed("T887XXA"), packed("T889XXA"), release: release))
    }

    @Test(arguments: [
        ("E11\tE10\n", 2, "last"), ("E11\tE10\tE10\tx\n", 2, "(extra column)"), ("E1.1\tE10\tE10\n", 2, "code"),
        ("E11\tE12\tE10\n", 2, "last"),
        // A bound that is no ICD-10-CM code would stretch the range over codes the note never named.
        ("A04\t1\tA05\n", 2, "first"), ("1104\tA05\tA05\n", 2, "code"), ("A04\tA05\tZ\n", 2, "last"),
    ])
    func aBrokenRowNamesLineAndColumn(_ row: String, _ line: Int, _ field: String) throws {
        expectTableError(file: "ex1.tsv", line: line, field: field) { _ = try Self.table(row) }
    }
}
