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
            "CCIPRA-V321R0-F2.TXT.zst",
            OfficialLayout.ptpFile(["93000\t93005\t\t20250101\t*\t0\tMutually exclusive procedures"]),
            compressed: true)
        try folder.write(
            "ccioph-v321r0-f1.txt", OfficialLayout.ptpFile(["93000\t93005\t\t20250101\t*\t9\tNot applicable"]))
        let tables = try folder.load()
        let ptp = tables.ptp
        #expect(ptp.releases.count == 2)
        let on = day("2026-05-01")
        #expect(ptp.indicator("11042", "11000", on: on, .practitioner) == 1)
        #expect(ptp.indicator("93000", "93005", on: on, .practitioner) == 0)
        #expect(ptp.indicator("93000", "93005", on: on, .outpatientHospital) == 9)
        #expect(
            ptp.edit(column1: packed("11042"), column2: packed("11000"), on: on, setting: .outpatientHospital) == nil)
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

    /// The first rows of a real practitioner file (ccipra-v322r0-f1, 2026 Q3): CPT codes ending
    /// in A (vaccine administration) and M (administrative multianalyte assays) are CPT codes, and
    /// the whole file was refused on its first row.
    @Test func vaccineAdministrationAndMultianalyteCodesLoad() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "ccipra-v322r0-f1.txt",
            OfficialLayout.ptpFile([
                "0001A\t0591T\t\t20220101\t20231231\t1\tCPT Manual or CMS manual coding instruction",
                "0001A\t90473\t\t20220101\t20220101\t9\tCPT Manual or CMS manual coding instruction",
                "0001M\t80050\t\t20170401\t20181231\t0\tMisuse of Column Two code with Column One code",
            ]))
        try folder.write(
            "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv",
            OfficialLayout.mueFile(["0002M,1,3 Date of Service Edit: Clinical,Nature of Analyte"]))
        let tables = try folder.load()
        // v32.2 serves from 2026-07-01; its rows keep their own dates (these were deleted by then).
        let release = try #require(tables.ptp.release(on: day("2026-07-01"), setting: .practitioner))
        let edit = tables.ptp.edit(
            column1: packed("0001A"), column2: packed("0591T"), on: day("2023-06-01"), release: release)
        #expect(edit?.modifierIndicator == 1)
        #expect(
            tables.ptp.edit(column1: packed("0001M"), column2: packed("80050"), on: day("2018-01-02"), release: release)
                != nil)
        #expect(
            tables.mue.limit(code: packed("0002M"), on: day("2026-07-01"), setting: .practitioner)
                == .init(value: 1, mai: 3))
    }

    @Test func theDemoTablesLoadWithTheirManifest() throws {
        let tables = try TableLoader.load(directories: [RuleHarness.packageRoot + "/data/demo-tables"])
        // Listed in tables.toml without dates: they serve from the date their names give (v32.1,
        // 2026-04-01), as when not listed; each row's own dates apply within the release.
        #expect(tables.ptp.release(on: day("2026-03-31"), setting: .practitioner) == nil)
        let r = try #require(tables.ptp.release(on: day("2026-04-01"), setting: .practitioner))
        let edit = tables.ptp.edit(
            column1: packed("99213"), column2: packed("99211"), on: day("2025-03-01"), release: r)
        #expect(edit == .init(modifierIndicator: 0, effective: day("2025-01-01"), deletion: day("2025-06-30")))
        #expect(
            tables.ptp.edit(
                column1: packed("99204"), column2: packed("99212"), on: day("2026-07-01"), setting: .practitioner)
                != nil)
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
        // Five letters and digits, but no CPT or HCPCS code: `9300O` could never meet a charge.
        ("column 1 not shaped like a code", "9300O\t93005\t\t20250101\t*\t1\tx", "column 1"),
        ("column 2 not shaped like a code", "93000\tZZZZZ\t\t20250101\t*\t1\tx", "column 2"),
        // Two rows run together (a lost line end): the second one would be lost.
        (
            "two rows on one line", "11042\t11000\t\t20250101\t*\t1\tx11042\t11001\t\t20250101\t*\t1\tx",
            "(extra column)"
        ),
    ]

    @Test(arguments: broken)
    func aBrokenRowNamesLineAndColumn(_ broken: (name: String, row: String, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "ccipra-v321r0-f1.txt", OfficialLayout.ptpFile(["99213\t99211\t\t20250101\t*\t0\tok", broken.row]))
        // Six preamble lines, a good row on line 7, the broken one on line 8.
        expectTableError(file: "ccipra-v321r0-f1.txt", line: 8, field: broken.field) { _ = try folder.load() }
    }

    /// A broken first row (a four-character code) is a broken row, not one more line of the
    /// wrapped header, which would drop it without a word.
    @Test func aBrokenFirstRowIsNamedNotTakenForTheHeader() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write(
            "ccipra-v321r0-f1.txt",
            OfficialLayout.ptpFile(["1104\t11000\t\t20250101\t*\t1\tx", "99213\t99211\t\t20250101\t*\t0\tok"]))
        expectTableError(file: "ccipra-v321r0-f1.txt", line: 7, field: "column 1") { _ = try folder.load() }
        // So is a first row that lost its column-1 code (its line starts with the tab).
        try folder.write(
            "ccipra-v321r0-f1.txt",
            OfficialLayout.ptpFile(["\t11000\t\t20250101\t*\t1\tx", "99213\t99211\t\t20250101\t*\t0\tok"]))
        expectTableError(file: "ccipra-v321r0-f1.txt", line: 7, field: "column 1") { _ = try folder.load() }
    }

    @Test func aFileWithoutItsHeaderIsRejected() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("ccioph-v321r0-f1.txt", "Copyright line\r\n99213\t99211\t\t20250101\t*\t0\tx\r\n")
        expectTableError(file: "ccioph-v321r0-f1.txt", line: 2, field: "column 1") { _ = try folder.load() }
    }

    // MARK: - Slices and the fast path

    /// Rows in the CMS spelling and in others the general path reads (spaces around cells, lower
    /// case, no rationale, a blank line), pseudo-random, not sorted.
    static func mixedRows(_ count: Int) -> [String] {
        var random = SplitMix64(seed: 7)
        var rows: [String] = []
        for i in 0..<count {
            let c1 = String(10000 + Int(random.next() % 90000))
            let c2 = (i % 7 == 0 ? "g" : "G") + String(1000 + Int(random.next() % 9000))
            let prior = i % 3 == 0 ? "*" : ""
            let year = 1996 + Int(random.next() % 30)
            let effective = "\(year)0\(1 + Int(random.next() % 9))15"
            let deletion = i % 4 == 0 ? "\(year + 1)1231" : "*"
            let indicator = ["0", "1", "9"][Int(random.next() % 3)]
            switch i % 10 {
            case 0: rows.append(" \(c1) \t\(c2)\t\(prior)\t\(effective) \t\(deletion)\t\(indicator)")
            case 1: rows.append("\(c1)\t\(c2)\t\(prior)\t\(effective)\t\(deletion)\t\(indicator)")
            case 2: rows.append("")
            default:
                rows.append(
                    "\(c1)\t\(c2)\t\(prior)\t\(effective)\t\(deletion)\t\(indicator)\tMutually exclusive procedures")
            }
        }
        return rows
    }

    @Test func slicesOfAFileReadTheSameRowsAsOneSlice() throws {
        let text = TableText(
            name: "ccipra-v321r0-f1.txt", bytes: Array(OfficialLayout.ptpFile(Self.mixedRows(3000)).utf8))
        let whole = try PTPLoader.load(text, sliceBytes: 1 << 30)
        #expect(whole.count == 3000 - 300)
        for sliceBytes in [1, 100, 4096] {
            let sliced = try PTPLoader.load(text, sliceBytes: sliceBytes)
            #expect(sliced.keys == whole.keys)
            #expect(sliced.effective == whole.effective)
            #expect(sliced.deletion == whole.deletion)
            #expect(sliced.indicator == whole.indicator)
        }
    }

    @Test func theFastPathReadsWhatTheGeneralPathReads() throws {
        // Each row twice: in the exact CMS spelling (fast path) and with a blank after column 1,
        // which only the general path takes.
        let rows = Self.mixedRows(400).filter { !$0.isEmpty }.map { $0.trimmingCharacters(in: .whitespaces) }
        let exact = rows.map { $0.replacingOccurrences(of: " \t", with: "\t") }
        let spaced = exact.map {
            $0.replacingOccurrences(of: "\t", with: " \t", options: [], range: $0.range(of: "\t"))
        }
        let fast = try PTPLoader.load(TableText(name: "a", bytes: Array(OfficialLayout.ptpFile(exact).utf8)))
        let general = try PTPLoader.load(TableText(name: "b", bytes: Array(OfficialLayout.ptpFile(spaced).utf8)))
        #expect(fast.count == exact.count)
        #expect(fast.keys == general.keys)
        #expect(fast.effective == general.effective)
        #expect(fast.deletion == general.deletion)
        #expect(fast.indicator == general.indicator)
        #expect(
            fast.keys.first
                == PTPTable.key(packed(String(exact[0].prefix(5))), packed(String(exact[0].dropFirst(6).prefix(5)))))
    }

    @Test func aBrokenRowDeepInALargeFileIsNamedByItsLine() throws {
        var rows = Self.mixedRows(5000)
        rows[4321] = "11042\t11000\t\t20250101\t*\t2\tx"
        let text = TableText(name: "ccipra-v321r0-f3.txt", bytes: Array(OfficialLayout.ptpFile(rows).utf8))
        for sliceBytes in [1 << 30, 1000] {
            // Six preamble lines: row k is on line k + 7.
            expectTableError(file: "ccipra-v321r0-f3.txt", line: 4321 + 7, field: "modifier indicator") {
                _ = try PTPLoader.load(text, sliceBytes: sliceBytes)
            }
        }
        // Of two broken rows, the first is named, whichever slice reads it.
        rows[17] = "11042\t11000\t\t2025-01-01\t*\t1\tx"
        let both = TableText(name: "ccipra-v321r0-f3.txt", bytes: Array(OfficialLayout.ptpFile(rows).utf8))
        expectTableError(file: "ccipra-v321r0-f3.txt", line: 17 + 7, field: "effective date") {
            _ = try PTPLoader.load(both, sliceBytes: 1000)
        }
    }

    @Test func unsortedPartsAreSortedAndRowsAlikeKeepTheirOrder() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        // Part 1 holds the later codes; two rows share pair and effective date (first one wins).
        try folder.write(
            "ccipra-v321r0-f1.txt",
            OfficialLayout.ptpFile([
                "99213\t99211\t\t20250101\t*\t0\tx",
                "99213\t99211\t\t20250101\t*\t1\tx",
                "93000\t93005\t\t20250101\t*\t0\tx",
            ]))
        try folder.write("ccipra-v321r0-f2.txt", OfficialLayout.ptpFile(["11042\t11000\t\t20240101\t*\t1\tx"]))
        let ptp = try folder.load().ptp
        let release = try #require(ptp.releases.first)
        #expect(release.count == 4)
        #expect(release.column1Codes.keys == [packed("11042"), packed("93000"), packed("99213")].map(PackedCode.five))
        let on = day("2026-05-01")
        #expect(ptp.indicator("99213", "99211", on: on, .practitioner) == 0)
        #expect(ptp.indicator("11042", "11000", on: on, .practitioner) == 1)
        #expect(ptp.indicator("93000", "93005", on: on, .practitioner) == 0)
    }

    @Test func aLookUpFindsWhatAScanOfEveryRowFinds() {
        // Column-1 codes with many rows each, pairs with several date ranges, codes in no pair.
        var random = SplitMix64(seed: 3)
        let codes = (0..<40).map { packed(String(10000 + $0 * 37)) }
        var rows = PTPLoader.Rows()
        for _ in 0..<3000 {
            let c1 = codes[Int(random.next() % 30)]
            let c2 = codes[Int(random.next() % 40)]
            let effective = Int32(18000 + Int(random.next() % 3000))
            let deletion = random.next() % 3 == 0 ? Int32.max : effective + Int32(random.next() % 500)
            rows.append(
                key: PTPTable.key(c1, c2), effective: effective, deletion: deletion, indicator: UInt8(random.next() % 2)
            )
        }
        let release = PTPLoader.release(name: "r", setting: .practitioner, parts: [rows])
        let ptp = PTPTable(releases: [release], periods: [.always])
        #expect(release.count == rows.count)
        // The rows of each pair in file order; of those in force, the earliest effective date
        // wins, then the first in the file (the table's order).
        var rowsOfPair: [UInt64: [Int]] = [:]
        for i in rows.keys.indices { rowsOfPair[rows.keys[i], default: []].append(i) }
        var checked = 0
        for c1 in codes {
            for c2 in codes {
                let key = PTPTable.key(c1, c2)
                for day in stride(from: Int32(17990), to: 21600, by: 197) {
                    let scan = rowsOfPair[key, default: []].filter {
                        rows.effective[$0] <= day && day <= rows.deletion[$0]
                    }.min { (rows.effective[$0], $0) < (rows.effective[$1], $1) }
                    let expected = scan.map {
                        PTPTable.Edit(
                            modifierIndicator: rows.indicator[$0], effective: rows.effective[$0],
                            deletion: rows.deletion[$0])
                    }
                    #expect(ptp.edit(column1: c1, column2: c2, on: day, release: 0) == expected)
                    if expected != nil { checked += 1 }
                }
            }
        }
        #expect(checked > 500)
    }
}

extension PTPTable {
    /// The modifier indicator of the edit (column 1, column 2) in force on `day` for `setting`, or
    /// nil when there is none.
    fileprivate func indicator(_ column1: String, _ column2: String, on day: Int32, _ setting: ServiceSetting)
        -> UInt8?
    {
        edit(column1: packed(column1), column2: packed(column2), on: day, setting: setting)?.modifierIndicator
    }
}
