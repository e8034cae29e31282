import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct HCPCSLoaderTests {
    /// A file with the real file's quirks: Latin-1 tab-padded preamble, CRLF, continuation records,
    /// a short (316-byte) continuation record, modifier records with their continuation.
    static var quirkyFile: [UInt8] {
        let records = [
            OfficialLayout.hcpcsRecord(code: "A4206", coverage: "M", added: "19840101"),
            OfficialLayout.hcpcsRecord(
                code: "A4206", sequence: "00200", recordID: "4", description: "more text", length: 316),
            OfficialLayout.hcpcsRecord(
                code: "C8904", added: "20011001", actionEffective: "20190101", termination: "20181231", action: "D"),
            OfficialLayout.hcpcsRecord(code: "G0008", coverage: "C", added: "19930101"),
            OfficialLayout.hcpcsRecord(code: "G9999", added: "20190101", action: "A"),
            OfficialLayout.hcpcsRecord(code: "Q0144", added: "19950101", actionEffective: "20190101", action: "D"),
            OfficialLayout.hcpcsRecord(modifier: "RT", recordID: "7", added: "19920101"),
            OfficialLayout.hcpcsRecord(modifier: "RT", sequence: "00200", recordID: "8", description: "right side"),
            OfficialLayout.hcpcsRecord(
                modifier: "ZC", recordID: "7", added: "20171001", termination: "20180331", action: "D"),
        ]
        return OfficialLayout.hcpcsPreamble + Array(records.map { $0 + "\r\n" }.joined().utf8)
    }

    @Test func readsTheFixedWidthFileWithTheRealFilesQuirks() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("HCPC2019_CONTR_ANWEB.txt", Self.quirkyFile)
        let tables = try folder.load()
        let hcpcs = tables.hcpcs
        let release = try #require(hcpcs.release(on: day("2026-01-05")))
        #expect(hcpcs.releases[release].name == "CY2019")
        #expect(hcpcs.releases[release].codes.count == 5)
        #expect(hcpcs.effect(packed("G0008"), on: day("2026-01-05"), release: release) == .inEffect(coverage: 0x43))
        #expect(hcpcs.effect(packed("A4206"), on: day("2026-01-05"), release: release) == .inEffect(coverage: 0x4D))
        #expect(
            hcpcs.effect(packed("C8904"), on: day("2019-01-01"), release: release) == .terminated(day("2018-12-31")))
        #expect(
            hcpcs.effect(packed("Q0144"), on: day("2019-02-01"), release: release) == .discontinued(day("2019-01-01")))
        #expect(
            hcpcs.effect(packed("G9999"), on: day("2018-12-31"), release: release) == .notYetAdded(day("2019-01-01")))
        #expect(hcpcs.effect(packed("J0000"), on: day("2026-01-05"), release: release) == .unknown)
        // The file serves its calendar year and, as the newest loaded, every later date; not 2018.
        #expect(hcpcs.release(on: day("2018-12-31")) == nil)
        // Modifier records feed the modifier table with their dates.
        #expect(tables.modifiers.state(ModifierTable.pack("RT")!, on: day("2026-01-05")) == .valid)
        #expect(tables.modifiers.state(ModifierTable.pack("ZC")!, on: day("2018-01-05")) == .valid)
        #expect(
            tables.modifiers.state(ModifierTable.pack("ZC")!, on: day("2018-04-01"))
                == .notInEffect(ServicePeriod(first: day("2017-10-01"), last: day("2018-03-31"))))
        #expect(tables.releases.first?.detail == "5 procedure codes, 2 Level II modifiers")
    }

    @Test func aNewerFileTakesOverFromItsFirstDay() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("HCPC2019_CONTR_ANWEB.txt", Self.quirkyFile)
        try folder.write(
            "HCPC2025_OCT_ANWEB.txt.zst",
            OfficialLayout.hcpcsRecord(code: "G0008", coverage: "I", added: "19930101") + "\r\n", compressed: true)
        let hcpcs = try folder.load().hcpcs
        let old = try #require(hcpcs.release(on: day("2019-12-31")))
        let new = try #require(hcpcs.release(on: day("2025-10-01")))
        #expect(hcpcs.releases[old].name == "CY2019")
        #expect(hcpcs.releases[new].name == "CY2025 October update")
        // Beside a newer release, CY2019 serves its calendar year alone (DOMAIN.md): no loaded
        // release knows 2020 to September 2025.
        #expect(hcpcs.schedule.periods[old] == ServicePeriod(first: day("2019-01-01"), last: day("2019-12-31")))
        #expect(hcpcs.release(on: day("2025-09-30")) == nil)
        #expect(hcpcs.effect(packed("G0008"), on: day("2026-01-01"), release: new) == .inEffect(coverage: 0x49))
    }

    static let csvHeader =
        "HCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION,PRICE1,PRICE2,PRICE3,PRICE4,MULT_PI,CIM1,CIM2,CIM3,MCM1,MCM2,MCM3,STATUTE,LABCERT1,LABCERT2,LABCERT3,LABCERT4,LABCERT5,LABCERT6,LABCERT7,LABCERT8,XREF1,XREF2,XREF3,XREF4,XREF5,COV,ASC_GRP,ASC_DT,OPPS,OPPS_PI,OPPS_DT,PROCNOTE,BETOS,TOS1,TOS2,TOS3,TOS4,TOS5,ANEST_BU,ADD DT,ACT EFF DT,TERM DT,ACTION CD"

    static func csvRow(
        _ code: String, recid: String = "3", description: String = "Desc", cov: String = "C", add: String = "20200101",
        eff: String = "", term: String = "", action: String = "N"
    ) -> String {
        var cells = [String](repeating: "", count: 48)
        cells[0] = code
        cells[1] = "00100"
        cells[2] = recid
        cells[3] = "\"\(description)\""
        cells[30] = cov
        cells[44] = add
        cells[45] = eff
        cells[46] = term
        cells[47] = action
        return cells.joined(separator: ",")
    }

    @Test func readsTheCSVForm() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let text =
            ([
                Self.csvHeader, Self.csvRow("J1100", description: "Injection, dexamethasone, 1 mg"),
                Self.csvRow("J1100", recid: "4", description: "continued"), Self.csvRow("A0021", cov: "I"),
                Self.csvRow("G0001", add: "19900101", term: "20121231"), Self.csvRow("JZ", recid: "7", add: "20220701"),
            ]
            .joined(separator: "\r\n")) + "\r\n"
        try folder.write("HCPC2024_JAN_ANWEB.csv", text)
        let tables = try folder.load()
        let hcpcs = tables.hcpcs
        let r = try #require(hcpcs.release(on: day("2024-03-01")))
        #expect(hcpcs.effect(packed("J1100"), on: day("2024-03-01"), release: r) == .inEffect(coverage: 0x43))
        #expect(hcpcs.effect(packed("A0021"), on: day("2024-03-01"), release: r) == .inEffect(coverage: 0x49))
        #expect(hcpcs.effect(packed("G0001"), on: day("2024-03-01"), release: r) == .terminated(day("2012-12-31")))
        #expect(tables.modifiers.state(ModifierTable.pack("JZ")!, on: day("2024-03-01")) == .valid)
        #expect(tables.modifiers.state(ModifierTable.pack("JZ")!, on: day("2022-06-30")) != .valid)
    }

    static let brokenFixedWidth: [(name: String, record: String, field: String)] = [
        ("bad record id", OfficialLayout.hcpcsRecord(code: "A0001", recordID: "5"), "record id"),
        ("bad added date", OfficialLayout.hcpcsRecord(code: "A0001", added: "20191301"), "added date"),
        (
            "bad termination date", OfficialLayout.hcpcsRecord(code: "A0001", termination: "2019X101"),
            "termination date"
        ),
        ("short procedure record", OfficialLayout.hcpcsRecord(code: "A0001", length: 290), "action code"),
        ("four-character code", OfficialLayout.hcpcsRecord(code: "A001"), "HCPCS code"),
        ("bad action code", OfficialLayout.hcpcsRecord(code: "A0001", action: "9"), "action code"),
        ("bad coverage code", OfficialLayout.hcpcsRecord(code: "A0001", coverage: "5"), "coverage code"),
        ("bad modifier", OfficialLayout.hcpcsRecord(modifier: "R-", recordID: "7"), "modifier"),
        // A procedure record whose id became 7: positions 4–5 of its code are no modifier.
        ("procedure code as a modifier", OfficialLayout.hcpcsRecord(code: "G0101", recordID: "7"), "modifier"),
        // A procedure record whose id became 4 (a continuation) would drop G0101 from the table.
        (
            "continuation of another code", OfficialLayout.hcpcsRecord(code: "G0101", sequence: "00100", recordID: "4"),
            "record id"
        ),
        (
            "continuation without a later sequence",
            OfficialLayout.hcpcsRecord(code: "A0000", sequence: "00100", recordID: "4"), "record id"
        ),
        (
            "modifier continuation after a procedure",
            OfficialLayout.hcpcsRecord(modifier: "LT", sequence: "00200", recordID: "8"), "record id"
        ),
        ("code twice", OfficialLayout.hcpcsRecord(code: "A0000"), "HCPC"),
        // A lost line end runs two records into one line: the second was dropped.
        (
            "two records on one line",
            OfficialLayout.hcpcsRecord(code: "G9148") + OfficialLayout.hcpcsRecord(code: "G9149"), "record id"
        ),
        (
            "added after its termination",
            OfficialLayout.hcpcsRecord(code: "A0001", added: "20260601", termination: "20190101"), "added date"
        ),
    ]

    @Test(arguments: brokenFixedWidth)
    func aBrokenRecordNamesLineAndColumn(_ broken: (name: String, record: String, field: String)) throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        // Preamble (4 lines), one good record, then the broken one on line 6.
        let text =
            OfficialLayout.hcpcsPreamble
            + Array((OfficialLayout.hcpcsRecord(code: "A0000") + "\r\n" + broken.record + "\r\n").utf8)
        try folder.write("HCPC2019_CONTR_ANWEB.txt", text)
        expectTableError(file: "HCPC2019_CONTR_ANWEB.txt", line: 6, field: broken.field) { _ = try folder.load() }
    }

    /// The first record with a damaged id was taken for preamble, and its code went missing.
    @Test func aFirstRecordWithADamagedIdIsNoPreamble() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let text =
            OfficialLayout.hcpcsPreamble
            + Array(
                (OfficialLayout.hcpcsRecord(code: "A0000", recordID: "X") + "\r\n"
                    + OfficialLayout.hcpcsRecord(code: "A0001") + "\r\n").utf8)
        try folder.write("HCPC2019_CONTR_ANWEB.txt", text)
        expectTableError(file: "HCPC2019_CONTR_ANWEB.txt", line: 5, field: "record id") { _ = try folder.load() }
    }

    @Test func aBrokenCSVNamesLineAndColumn() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        try folder.write("HCPC2024_ANWEB.csv", Self.csvHeader + "\n" + Self.csvRow("J1100", add: "2020-13-01") + "\n")
        expectTableError(file: "HCPC2024_ANWEB.csv", line: 2, field: "ADD DT") { _ = try folder.load() }
        try folder.write("HCPC2024_ANWEB.csv", "HCPC,SEQNUM,RECID\nJ1100,00100,3\n")
        expectTableError(file: "HCPC2024_ANWEB.csv", line: 1, field: "COV") { _ = try folder.load() }
        // A continuation row must follow the row of its own code.
        let continuation = Self.csvRow("J1200", recid: "4")
        try folder.write(
            "HCPC2024_ANWEB.csv", Self.csvHeader + "\n" + Self.csvRow("J1100") + "\n" + continuation + "\n")
        expectTableError(file: "HCPC2024_ANWEB.csv", line: 3, field: "RECID") { _ = try folder.load() }
        // A procedure row whose RECID became 7 is no modifier "00" (J1100 went missing).
        try folder.write(
            "HCPC2024_ANWEB.csv",
            Self.csvHeader + "\n" + Self.csvRow("J1000") + "\n" + Self.csvRow("J1100", recid: "7") + "\n")
        expectTableError(file: "HCPC2024_ANWEB.csv", line: 3, field: "HCPC") { _ = try folder.load() }
    }

    @Test func theShippedFileLoadsWithItsRealQuirks() throws {
        let hcpcs = RuleHarness.shipped.hcpcs
        let r = try #require(hcpcs.release(on: day("2026-06-01")))
        #expect(hcpcs.releases[r].codes.count == 6440)
        #expect(hcpcs.releases[r].modifiers.count == 360)
        #expect(hcpcs.effect(packed("C8904"), on: day("2026-06-01"), release: r) == .terminated(day("2018-12-31")))
    }
}
