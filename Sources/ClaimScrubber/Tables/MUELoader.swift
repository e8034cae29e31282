/// Reads a CMS MUE CSV file (`MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`).
///
/// CSV records: first the copyright notice as one quoted multi-line cell (then empty cells), then
/// the header, whose first cell holds an embedded newline (`"HCPCS/<LF>CPT Code"`), then rows:
/// code, MUE value, adjudication indicator as text starting with its digit (`2 Date of Service
/// Edit: Policy`), rationale. Records before the header are the preamble. The effective date is
/// not in the file: it comes from the file name or the manifest.
enum MUELoader {
    static let columns = ["HCPCS/CPT Code", "MUE Value", "MUE Adjudication Indicator", "MUE Rationale"]

    static func load(_ text: TableText, name: String, setting: ServiceSetting) throws -> MUETable.Release {
        var rows: [(code: UInt64, value: Int32, mai: UInt8, line: Int32)] = []
        var sawHeader = false
        try text.forEachCSVRecord { number, cells in
            if !sawHeader {
                let first = cells.first.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") } ?? ""
                if first.uppercased().hasPrefix("HCPCS") {
                    guard cells.count >= 3 else {
                        throw text.error(
                            "the MUE header has \(cells.count) cells; expected code, value, indicator", line: number)
                    }
                    sawHeader = true
                }
                return
            }
            if cells.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return }
            guard cells.count >= 3 else {
                throw text.error(
                    "\(cells.count) cells; a MUE row has at least 3", line: number, field: columns[cells.count])
            }
            // Code, value, indicator and rationale; text in a cell past them is two rows run
            // together (a lost line end).
            if cells.count > 4, cells[4...].contains(where: { !$0.trimmingSpaces.isEmpty }) {
                throw text.error("\(cells.count) cells; a MUE row has 4", line: number, field: "(extra column)")
            }
            let code = try text.procedureCode(
                text.code(cells[0], line: number, field: columns[0], maxLength: 5), line: number, field: columns[0])
            guard let value = Int32(cells[1].trimmingSpaces), value >= 0 else {
                throw text.error("MUE value is not a whole number", line: number, field: columns[1])
            }
            let indicator = cells[2].trimmingSpaces
            guard let digit = indicator.first, "123".contains(digit),
                indicator.count == 1 || indicator.dropFirst().first == " "
            else {
                throw text.error("adjudication indicator must start with 1, 2 or 3", line: number, field: columns[2])
            }
            rows.append((code, value, UInt8(digit.asciiValue! - 0x30), Int32(truncatingIfNeeded: number)))
        }
        guard sawHeader else { throw text.error("no MUE header ('HCPCS/CPT Code', …)", field: columns[0]) }
        guard !rows.isEmpty else { throw text.error("no MUE rows") }
        rows.sort { ($0.code, $0.line) < ($1.code, $1.line) }
        for (a, b) in zip(rows, rows.dropFirst()) where a.code == b.code {
            throw text.error(
                "code \(PackedCode.unpack(a.code)) appears twice (also line \(a.line))", line: Int(b.line),
                field: columns[0])
        }
        var release = MUETable.Release(name: name, setting: setting)
        release.codes = SortedCodes(sorted: rows.map(\.code))
        release.values = rows.map(\.value)
        release.mai = rows.map(\.mai)
        return release
    }
}
