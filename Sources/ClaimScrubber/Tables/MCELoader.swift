/// Reads the Medicare Code Editor tab lists (`MCE_Simple_Code_Edits_v37.txt`).
///
/// Header `MCE_Version ICD_Version MCE_Section MCE_Subsection MCE_Edit_Type ICD_Code_Type ICD_Code
/// ICD_Desc`, tab-separated. Diagnosis rows (`ICD_Code_Type` D) of the edit types in
/// `MCETable.Lists.byEditType` are kept; procedure rows and other edit types (questionable
/// admission, wrong procedure, …) are read and checked but not used by any rule.
enum MCELoader {
    static let header = [
        "MCE_Version", "ICD_Version", "MCE_Section", "MCE_Subsection", "MCE_Edit_Type", "ICD_Code_Type", "ICD_Code",
        "ICD_Desc",
    ]

    /// The release and the MCE version its rows carry.
    static func load(_ text: TableText, name: String?) throws -> (release: MCETable.Release, version: Int) {
        var merged: [UInt64: MCETable.Lists] = [:]
        var fields: [Range<Int>] = []
        var version: Int?
        var rows = 0
        try text.forEachLine { number, line in
            if number == 1 {
                let names = TableText.string(line).split(separator: "\t", omittingEmptySubsequences: false).map(
                    String.init)
                guard names == header else {
                    throw text.error("expected the MCE header '\(header.joined(separator: "<TAB>"))'", line: 1)
                }
                return
            }
            if line.isEmpty { return }
            TableText.split(line, separator: 0x09, into: &fields)
            guard fields.count == header.count else {
                throw text.error(
                    "\(fields.count) columns where the header has \(header.count)", line: number,
                    field: fields.count < header.count ? header[fields.count] : "(extra column)")
            }
            func cell(_ k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[fields[k]]) }
            guard let rowVersion = Int(TableText.string(TableText.trimmed(cell(0)))), rowVersion > 0 else {
                throw text.error("MCE_Version is not a number", line: number, field: "MCE_Version")
            }
            if let version, version != rowVersion {
                throw text.error(
                    "MCE_Version \(rowVersion) differs from \(version) of the rows above", line: number,
                    field: "MCE_Version")
            }
            version = rowVersion
            let type = TableText.string(cell(5))
            guard type == "D" || type == "P" else {
                throw text.error("ICD_Code_Type must be D or P", line: number, field: "ICD_Code_Type")
            }
            // Diagnosis rows hold ICD-10-CM codes; procedure rows (ICD-10-PCS, unused) any seven.
            let code =
                type == "D"
                ? try text.icd10cmCode(cell(6), line: number, field: "ICD_Code")
                : try text.code(cell(6), line: number, field: "ICD_Code", maxLength: 7)
            rows += 1
            let editType = TableText.string(cell(4))
            // Edit types are words like `Newborn_Only`; a blank, spaced or re-cased one would drop
            // its row from a list in use without a word. Other well-formed types are lists no rule uses.
            let list = MCETable.Lists.byEditType[editType]
            guard Self.isEditTypeWord(cell(4)), list != nil || !Self.usedTypesLowercased.contains(editType.lowercased())
            else {
                throw text.error(
                    "MCE_Edit_Type '\(editType)' is not a list name (such as \(MCETable.Lists.byEditType.keys.sorted().joined(separator: ", ")))",
                    line: number, field: "MCE_Edit_Type")
            }
            guard type == "D", let list else { return }
            merged[code, default: []].insert(list)
        }
        guard let version, rows > 0 else { throw text.error("no MCE rows") }
        let codes = merged.keys.sorted()
        var release = MCETable.Release(name: name ?? "MCE v\(version) (FY\(fiscalYear(ofVersion: version)))")
        release.set(codes: codes, lists: codes.map { merged[$0]! })
        return (release, version)
    }

    static let usedTypesLowercased = Set(MCETable.Lists.byEditType.keys.map { $0.lowercased() })

    /// A capital letter, then letters and digits in words joined by single underscores
    /// (`Newborn_Only`). (Byte by byte: a Swift `Regex` here cost more than the rest of the run's
    /// table loading.)
    static func isEditTypeWord(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, first >= 0x41, first <= 0x5A, bytes.last != 0x5F else { return false }
        var previous: UInt8 = first
        for b in bytes.dropFirst() {
            let alphanumeric = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            guard alphanumeric || (b == 0x5F && previous != 0x5F) else { return false }
            previous = b
        }
        return true
    }

    /// The fiscal year an MCE version serves: v37 = FY2020, v41 = FY2024 (one version a year).
    static func fiscalYear(ofVersion version: Int) -> Int { version + 1983 }
}
