import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

/// A fresh folder of table fixtures under the system temporary folder.
struct TableFolder {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("claim-scrub-tables-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], compressed: Bool = false) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        let data = compressed ? try ZstdWriter.compress(bytes, level: 3) : bytes
        try Data(data).write(to: URL(fileURLWithPath: file))
        return file
    }

    @discardableResult
    func write(_ name: String, _ text: String, compressed: Bool = false) throws -> String {
        try write(name, Array(text.utf8), compressed: compressed)
    }

    func load() throws -> CodeTables { try TableLoader.load(directories: [path]) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Expects `body` to throw a `ScrubError` naming `file`, `line` and `field`, and returns it.
@discardableResult
func expectTableError(
    file: String, line: Int?, field: String?, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> ScrubError? {
    do {
        try body()
        Issue.record(
            "expected a table error naming \(file):\(line.map(String.init) ?? "-")", sourceLocation: sourceLocation)
        return nil
    } catch let error as ScrubError {
        #expect(error.file == file, "\(error)", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func day(_ text: String) -> Int32 {
    let d = DayNumber.parse(text)
    precondition(DayNumber.isDate(d), "bad test date \(text)")
    return d
}

func packed(_ code: String) -> UInt64 { PackedCode.pack(code)! }

/// Fixture text in the official layouts.
enum OfficialLayout {
    /// One ICD-10-CM order-file line: order number, code, billable flag, short and long titles.
    static func orderLine(_ order: Int, _ code: String, billable: Bool, _ title: String) -> String {
        let number = String(repeating: "0", count: 5 - String(order).count) + String(order)
        let short = title.padding(toLength: 60, withPad: " ", startingAt: 0)
        return
            "\(number) \(code.padding(toLength: 7, withPad: " ", startingAt: 0)) \(billable ? 1 : 0) \(short) \(title)"
    }

    /// One 320-byte HCPCS record (1-based positions as in the CMS record layout).
    static func hcpcsRecord(
        code: String = "", modifier: String = "", sequence: String = "00100", recordID: Character = "3",
        description: String = "Test description", coverage: Character = "C", added: String = "20020701",
        actionEffective: String = "", termination: String = "", action: Character = "N", length: Int = 320
    ) -> String {
        var bytes = [UInt8](repeating: 0x20, count: 320)
        func put(_ text: String, at position: Int) {
            for (i, b) in text.utf8.enumerated() { bytes[position - 1 + i] = b }
        }
        if modifier.isEmpty { put(code, at: 1) } else { put(modifier, at: 4) }
        put(sequence, at: 6)
        put(String(recordID), at: 11)
        put(description, at: 12)
        put(String(description.prefix(28)), at: 92)
        if recordID == "3" || recordID == "7" {
            put(String(coverage), at: 230)
            put(added, at: 269)
            put(actionEffective, at: 277)
            put(termination, at: 285)
            put(String(action), at: 293)
        }
        return String(decoding: bytes.prefix(length), as: UTF8.self)
    }

    /// The real file's preamble: Latin-1 disclaimer lines padded with tabs, then blank lines.
    static let hcpcsPreamble: [UInt8] =
        Array("***Disclaimers".utf8) + [UInt8](repeating: 0x09, count: 45) + [0x0D, 0x0A]
        + Array("*In some instances, brand names may appear".utf8) + [0xA0, 0x20] + [UInt8](repeating: 0x09, count: 10)
        + [0x0D, 0x0A, 0x0D, 0x0A, 0x0D, 0x0A]

    /// An NCCI PTP part: copyright line, title line, the header wrapped over four lines, rows (CRLF).
    static func ptpFile(_ rows: [String]) -> String {
        let lines =
            [
                "CPT codes and descriptions only are copyright 2026 American Medical Association. All Rights Reserved.",
                "Column1/Column2 Edits",
                "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
                "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
                "\t\t\t\t*=no data\t1=allowed\t",
                "\t\t\t\t\t9=not applicable\t",
            ] + rows
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// A MUE CSV: the quoted multi-line copyright cell, the header with an embedded newline, rows (CRLF).
    static func mueFile(_ rows: [String], setting: String = "Practitioner Services") -> String {
        "\"CPT codes and descriptions only are copyright 2026 American Medical Association.\nAll Rights Reserved.\nApplicable FARS/DFARS Apply.\",,,\r\n"
            + "\"HCPCS/\nCPT Code\",\"\(setting) MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\r\n"
            + rows.map { $0 + "\r\n" }.joined()
    }

    static let mceHeader =
        "MCE_Version\tICD_Version\tMCE_Section\tMCE_Subsection\tMCE_Edit_Type\tICD_Code_Type\tICD_Code\tICD_Desc"

    static func mceRow(_ version: Int = 41, _ type: String, _ code: String, kind: String = "D") -> String {
        "\(version)\t10\t4\tA\t\(type)\t\(kind)\t\(code)\tdescription"
    }
}

/// Runs line rules over charge lines given as field dictionaries, the way the pipeline does.
enum RuleHarness {
    static let header = [
        "line_id", "encounter_id", "patient_id", "patient_dob", "patient_sex", "service_date", "post_date",
        "procedure_code", "modifier1", "modifier2", "units", "charge_amount", "dx1", "dx2", "dx3", "dx4",
        "revenue_code",
        "payer_id", "place_of_service",
    ]
    static let defaults: [String: String] = [
        "encounter_id": "E1", "patient_id": "P1", "patient_dob": "1970-05-05", "patient_sex": "F",
        "service_date": "2026-03-02", "post_date": "2026-03-02", "procedure_code": "99213", "units": "1",
        "charge_amount": "100.00", "dx1": "I10", "payer_id": "PAY",
    ]

    struct Result: Equatable, CustomStringConvertible {
        var line: String
        var rule: RuleID
        var severity: Severity
        var field: String
        var value: String
        var message: String
        var description: String { "\(line) \(rule) \(field)=\(value): \(message)" }
    }

    /// Findings of `rules` (only of the rule ids they report) for `lines`, each a set of fields
    /// over `defaults`; `line_id` defaults to `L<n>`.
    static func run(
        _ lines: [[String: String]], tables: CodeTables, rules: [any LineRule], settings: RuleSettings = RuleSettings(),
        asOf: Int32 = day("2026-06-30")
    ) throws -> [Result] {
        let batch = try batch(lines, settings: settings)
        let context = RuleContext(asOf: asOf, settings: settings, tables: tables)
        var ruleSink = FindingSink(configuration: settings)
        for rule in rules { rule.check(batch, context, &ruleSink) }
        ruleSink.sort()
        let ids = Set(rules.flatMap(\.ids))
        return ruleSink.findings.filter { ids.contains($0.rule) }.map { f in
            let r = Int(f.record)
            let line = lines[r]["line_id"] ?? "L\(r + 1)"
            return Result(
                line: line, rule: f.rule, severity: f.severity, field: f.field, value: f.value, message: f.message)
        }
    }

    /// `lines` parsed into one batch, as `run` gives it to the rules.
    static func batch(_ lines: [[String: String]], settings: RuleSettings = RuleSettings()) throws -> ChargeBatch {
        var text = header.joined(separator: ",") + "\n"
        for (i, line) in lines.enumerated() {
            let fields = header.map { name in
                name == "line_id" ? (line[name] ?? "L\(i + 1)") : (line[name] ?? defaults[name] ?? "")
            }
            text += fields.joined(separator: ",") + "\n"
        }
        let bytes = Array(text.utf8)
        let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
        let layout = try ExtractLayout(header: Array(bytes[..<headerEnd]), file: "test.csv")
        let body = Array(bytes[headerEnd...])
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, body.count), alignment: 8)
        body.withUnsafeBytes { storage.copyMemory(from: $0) }
        let chunk = Chunk(
            storage: storage, count: body.count, file: 0, sequence: 0, firstLine: 2, newlineCount: lines.count,
            byteOffset: 0, isLastOfFile: true)
        var sink = FindingSink(configuration: settings)
        return ChargeParser(layout: layout, settings: settings).parse(chunk, sink: &sink)
    }

    /// The shipped default tables, loaded once for the tests that use real data.
    static let shipped: CodeTables = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        do {
            return try TableLoader.load(directories: [root + "/data/tables"])
        } catch {
            fatalError("the shipped tables do not load: \(error)")
        }
    }()

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
}

/// Small tables in the official layouts for the rule tests: FY2025 and FY2026 ICD-10-CM, one
/// HCPCS file, MCE lists, Excludes1 pairs and the modifier lists.
enum RuleFixtures {
    static func write(to folder: TableFolder, cpt: Bool = false, revenue: Bool = false) throws {
        try folder.write(
            "icd10cm_order_2025.txt",
            [
                OfficialLayout.orderLine(1, "A00", billable: false, "Cholera"),
                OfficialLayout.orderLine(2, "A000", billable: true, "x"),
                OfficialLayout.orderLine(3, "A09", billable: true, "x"),
                OfficialLayout.orderLine(4, "E109", billable: true, "x"),
                OfficialLayout.orderLine(5, "E119", billable: true, "x"),
                OfficialLayout.orderLine(6, "I10", billable: true, "x"),
                OfficialLayout.orderLine(7, "K529", billable: true, "x"),
                OfficialLayout.orderLine(8, "S301XXA", billable: true, "x"),
                OfficialLayout.orderLine(9, "G35", billable: true, "x"),
            ].joined(separator: "\n"))
        try folder.write(
            "icd10cm_order_2026.txt",
            [
                OfficialLayout.orderLine(1, "A00", billable: false, "Cholera"),
                OfficialLayout.orderLine(2, "A000", billable: true, "x"),
                OfficialLayout.orderLine(3, "A09", billable: true, "x"),
                OfficialLayout.orderLine(4, "E109", billable: true, "x"),
                OfficialLayout.orderLine(5, "E119", billable: true, "x"),
                OfficialLayout.orderLine(6, "E11A", billable: true, "x"),
                OfficialLayout.orderLine(7, "I10", billable: true, "x"),
                OfficialLayout.orderLine(8, "K529", billable: true, "x"),
                OfficialLayout.orderLine(9, "G35", billable: false, "x"),
                OfficialLayout.orderLine(10, "G35A", billable: true, "x"),
                OfficialLayout.orderLine(11, "Z3800", billable: true, "x"),
                OfficialLayout.orderLine(12, "E301", billable: true, "x"),
                OfficialLayout.orderLine(13, "O0900", billable: true, "x"),
                OfficialLayout.orderLine(14, "F69", billable: true, "x"),
                OfficialLayout.orderLine(15, "N946", billable: true, "x"),
                OfficialLayout.orderLine(16, "C61", billable: true, "x"),
                OfficialLayout.orderLine(17, "D631", billable: true, "x"),
                OfficialLayout.orderLine(18, "QA0", billable: false, "x"),
                OfficialLayout.orderLine(19, "QA00101", billable: true, "x"),
                OfficialLayout.orderLine(20, "QA08", billable: true, "x"),
            ].joined(separator: "\n"))
        try folder.write(
            "HCPC2019_CONTR_ANWEB.txt",
            OfficialLayout.hcpcsPreamble
                + Array(
                    [
                        OfficialLayout.hcpcsRecord(code: "G0008", added: "19930101"),
                        OfficialLayout.hcpcsRecord(code: "A4206", coverage: "M", added: "19840101"),
                        OfficialLayout.hcpcsRecord(code: "A0021", coverage: "I", added: "19840101"),
                        OfficialLayout.hcpcsRecord(code: "S0034", coverage: "S", added: "19840101"),
                        OfficialLayout.hcpcsRecord(
                            code: "C8904", added: "20011001", actionEffective: "20190101", termination: "20181231",
                            action: "D"),
                        OfficialLayout.hcpcsRecord(code: "G9998", added: "20190401", action: "A"),
                        // A dental (CDT) code, which CMS's real files leave out.
                        OfficialLayout.hcpcsRecord(code: "D9110", coverage: "I", added: "20020101"),
                        OfficialLayout.hcpcsRecord(modifier: "RT", recordID: "7", added: "19920101"),
                        OfficialLayout.hcpcsRecord(modifier: "GP", recordID: "7", added: "19980101"),
                    ].map { $0 + "\r\n" }.joined().utf8))
        try folder.write(
            "MCE_Simple_Code_Edits_v41.txt",
            [
                OfficialLayout.mceHeader, OfficialLayout.mceRow(41, "Newborn_Only", "Z3800"),
                OfficialLayout.mceRow(41, "Pediatric_Only", "E301"),
                OfficialLayout.mceRow(41, "Maternity_Only", "O0900"),
                OfficialLayout.mceRow(41, "Female_Only", "O0900"), OfficialLayout.mceRow(41, "Adult_Only", "F69"),
                OfficialLayout.mceRow(41, "Female_Only", "N946"), OfficialLayout.mceRow(41, "Male_Only", "C61"),
                OfficialLayout.mceRow(41, "Principal_Manifestation", "D631"),
            ].joined(separator: "\n"))
        try folder.write("ex1.tsv", "code\tfirst\tlast\nA09\tK529\tK529\nE11\tE10\tE10\nE10\tE11\tE11\n")
        try folder.write("level1.tsv", "code\teffective\ttermination\n25\t\t\n59\t\t\n")
        try folder.write("level2.tsv", "code\teffective\ttermination\tdescription\nFS\t2022-01-01\t\tSplit visit\n")
        var manifest = """
            [[table]]
            file = "ex1.tsv"
            kind = "icd10cm-excludes1"
            effective = "2025-10-01"
            through = "2026-09-30"
            [[table]]
            file = "level1.tsv"
            kind = "modifiers"
            [[table]]
            file = "level2.tsv"
            kind = "modifiers"

            """
        if cpt {
            try folder.write("cpt.txt", "99213\n0042T\n99999,2020-01-01,2024-12-31\n")
            manifest +=
                "[[table]]\nfile = \"cpt.txt\"\nkind = \"cpt\"\nrelease = \"test CPT\"\neffective = \"2020-01-01\"\n"
            try folder.write("cdt.txt", "D0120\nD9999,2020-01-01,2024-12-31\n")
            manifest +=
                "[[table]]\nfile = \"cdt.txt\"\nkind = \"cdt\"\nrelease = \"test CDT\"\neffective = \"2020-01-01\"\n"
        }
        if revenue {
            try folder.write("revenue.txt", "0450\n0510\n")
            manifest += "[[table]]\nfile = \"revenue.txt\"\nkind = \"revenue-codes\"\nrelease = \"test revenue\"\n"
        }
        try folder.write("tables.toml", manifest)
    }

    static func load(cpt: Bool = false, revenue: Bool = false) -> CodeTables {
        do {
            let folder = try TableFolder()
            defer { folder.remove() }
            try write(to: folder, cpt: cpt, revenue: revenue)
            return try folder.load()
        } catch {
            fatalError("rule fixtures do not load: \(error)")
        }
    }

    static let tables = load()
    static let withLists = load(cpt: true, revenue: true)
}
