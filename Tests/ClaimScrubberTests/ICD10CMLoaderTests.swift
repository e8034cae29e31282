import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ICD10CMLoaderTests {
    static let orderFile = [
        OfficialLayout.orderLine(1, "A00", billable: false, "Cholera"),
        OfficialLayout.orderLine(2, "A000", billable: true, "Cholera due to Vibrio cholerae 01, biovar cholerae"),
        OfficialLayout.orderLine(3, "A009", billable: true, "Cholera, unspecified"),
        OfficialLayout.orderLine(4, "S301XXA", billable: true, "Contusion of abdominal wall, initial encounter"),
    ].map { $0 + "\r\n" }.joined()

    @Test func readsTheFixedWidthOrderFileByItsOfficialName() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("icd10cm_order_2025.txt", Self.orderFile)
        let tables = try folder.load()
        let icd = tables.icd10cm
        #expect(icd.names == ["FY2025"])
        #expect(icd.status(packed("A000"), on: day("2025-01-15")) == .billable)
        #expect(icd.status(packed("A00"), on: day("2025-01-15")) == .header)
        #expect(icd.status(packed("S301XXA"), on: day("2024-10-01")) == .billable)
        #expect(icd.status(packed("A001"), on: day("2025-01-15")) == .unknown)
        // FY2025 serves 2024-10-01 through 2025-09-30 and nothing else.
        #expect(icd.status(packed("A000"), on: day("2024-09-30")) == nil)
        #expect(icd.status(packed("A000"), on: day("2025-10-01")) == nil)
        #expect(tables.releases.first?.entries == 4)
        #expect(tables.releases.first?.detail == "3 billable, 1 headers")
    }

    /// Only a whole record's shape in a title counts as two records on one line: numbers, codes
    /// and flags in the text of a title do not.
    @Test func titlesWithNumbersAndCodesAreNotTakenForARecord() throws {
        func embedded(_ line: String) -> Int? {
            Array(line.utf8).withUnsafeBytes { ICD10CMLoader.embeddedRecord(in: $0) }
        }
        let titles = [
            "Type 2 diabetes mellitus, see also E11.9 1 and 00042",
            "Exposure to 10000 A000 units",
            "Code 12345 B99     2 x",
            "Order 12345 A0      1 x",
            "Dose 12345 A000    10",
        ]
        for title in titles {
            #expect(embedded(OfficialLayout.orderLine(7, "A001", billable: true, title)) == nil, "\(title)")
        }
        let first = OfficialLayout.orderLine(1, "A00", billable: false, "x")
        #expect(embedded(first + OfficialLayout.orderLine(2, "A000", billable: true, "y")) == first.utf8.count + 1)
    }

    @Test func readsTheTSVFormListedInTheManifest() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "fy2026.tsv",
            "code\tcode_dotted\tbillable\tdescription\nA00\tA00\t0\tCholera\nE11A\tE11.A\t1\tType 2 in remission\n",
            compressed: true)
        try folder.write(
            "tables.toml",
            """
            [[table]]
            file = "fy2026.tsv"
            kind = "icd10cm"
            release = "FY2026"
            effective = "2025-10-01"
            through = "2026-09-30"
            """)
        let icd = try folder.load().icd10cm
        #expect(icd.status(packed("E11A"), on: day("2026-09-30")) == .billable)
        #expect(icd.status(packed("A00"), on: day("2025-10-01")) == .header)
        #expect(icd.status(packed("E11A"), on: day("2026-10-01")) == nil)
    }

    @Test func twoFiscalYearsServeTheirOwnDates() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("icd10cm_order_2025.txt", Self.orderFile)
        try folder.write(
            "icd10cm-order-2026.txt",
            [
                OfficialLayout.orderLine(1, "A000", billable: true, "Cholera"),
                OfficialLayout.orderLine(2, "E11A", billable: true, "x"),
            ]
            .joined(separator: "\n"))
        let icd = try folder.load().icd10cm
        // Added in FY2026: unknown the day before, billable from October 1.
        #expect(icd.status(packed("E11A"), on: day("2025-09-30")) == .unknown)
        #expect(icd.status(packed("E11A"), on: day("2025-10-01")) == .billable)
        // Deleted in FY2026: the other way round.
        #expect(icd.status(packed("S301XXA"), on: day("2025-09-30")) == .billable)
        #expect(icd.status(packed("S301XXA"), on: day("2025-10-01")) == .unknown)
    }

    @Test func anAprilUpdateServesFromAprilToTheEndOfItsFiscalYear() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("icd10cm_order_2025.txt", Self.orderFile)
        try folder.write(
            "icd10cm-order-April-2025.txt.zst", OfficialLayout.orderLine(1, "A000", billable: false, "x"),
            compressed: true)
        let tables = try folder.load()
        #expect(tables.icd10cm.status(packed("A000"), on: day("2025-03-31")) == .billable)
        #expect(tables.icd10cm.status(packed("A000"), on: day("2025-04-01")) == .header)
        #expect(tables.icd10cm.status(packed("A000"), on: day("2025-09-30")) == .header)
        let listed = tables.releases.map { "\($0.release) \($0.effective ?? "-")..\($0.through ?? "-")" }
        #expect(listed.contains("FY2025 April update 2025-04-01..2025-09-30"))
        #expect(listed.contains("FY2025 2024-10-01..2025-03-31"))
    }

    static let brokenOrderFiles: [(name: String, text: String, line: Int, field: String)] = [
        (
            "flag not 0 or 1",
            OfficialLayout.orderLine(1, "A00", billable: false, "x") + "\n" + "00002 A000    7 title", 2,
            "billable flag"
        ),
        ("order number not a number", "0000X A000    1 title", 1, "order number"),
        ("code with a dot", "00001 A00.0   1 title", 1, "code"),
        ("shifted columns", "00001  A000   1 title", 1, "code"),
        ("truncated line", "00001 A000", 1, "code"),
        ("code not shaped like an ICD-10-CM code", "00001 9999    1 title", 1, "code"),
        // Lines ending in CR only are one line: one code read, every other one lost in its title.
        (
            "CR-only line ends",
            OfficialLayout.orderLine(1, "A00", billable: false, "Cholera") + "\r"
                + OfficialLayout.orderLine(2, "A000", billable: true, "x"),
            1, "title"
        ),
        // A line end lost: the second record read as the first's title, its code lost.
        (
            "two records on one line",
            OfficialLayout.orderLine(1, "A00", billable: false, "Cholera") + "\n"
                + OfficialLayout.orderLine(
                    2, "A000", billable: true, "Cholera due to Vibrio cholerae 01, biovar cholerae")
                + OfficialLayout.orderLine(3, "A009", billable: true, "Cholera, unspecified"),
            2, "title"
        ),
        // The same after a title ending in a number.
        (
            "two records on one line, the first title ending in a digit",
            OfficialLayout.orderLine(1, "E11", billable: false, "Type 2")
                + OfficialLayout.orderLine(2, "E119", billable: true, "x"),
            1, "title"
        ),
        // A code on two lines (a header on one, billable on the other): either flag could be wrong.
        (
            "code twice",
            [
                OfficialLayout.orderLine(1, "A00", billable: false, "Cholera"),
                OfficialLayout.orderLine(2, "A000", billable: true, "x"),
                OfficialLayout.orderLine(3, "A00", billable: true, "Cholera again"),
            ].joined(separator: "\n"), 3, "code"
        ),
    ]

    @Test(arguments: brokenOrderFiles)
    func aBrokenOrderFileNamesLineAndColumn(_ broken: (name: String, text: String, line: Int, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("icd10cm_order_2026.txt", broken.text)
        expectTableError(file: "icd10cm_order_2026.txt", line: broken.line, field: broken.field) {
            _ = try folder.load()
        }
    }

    static let brokenTSVs: [(text: String, line: Int?, field: String?)] = [
        ("code\tdotted\tbillable\tdescription\n", 1, nil),
        ("code\tcode_dotted\tbillable\tdescription\nA000\tA00.0\t2\tx\n", 2, "billable"),
        ("code\tcode_dotted\tbillable\tdescription\nA000\tA00.1\t1\tx\n", 2, "code_dotted"),
        ("code\tcode_dotted\tbillable\tdescription\nA000\tA00.0\t1\n", 2, "description"),
        ("code\tcode_dotted\tbillable\tdescription\nA0-00\tA00.0\t1\tx\n", 2, "code"),
        ("code\tcode_dotted\tbillable\tdescription\n9999\t999.9\t1\tx\n", 2, "code"),
        ("code\tcode_dotted\tbillable\tdescription\n", nil, nil),
        ("code\tcode_dotted\tbillable\tdescription\nA00\tA00\t0\tx\nA000\tA00.0\t1\tx\nA00\tA00\t1\tx\n", 4, "code"),
    ]

    @Test(arguments: brokenTSVs)
    func aBrokenTSVNamesLineAndColumn(_ broken: (text: String, line: Int?, field: String?)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("fy.tsv", broken.text)
        try folder.write(
            "tables.toml", "[[table]]\nfile = \"fy.tsv\"\nkind = \"icd10cm\"\neffective = \"2025-10-01\"\n")
        expectTableError(file: "fy.tsv", line: broken.line, field: broken.field) { _ = try folder.load() }
    }
}
