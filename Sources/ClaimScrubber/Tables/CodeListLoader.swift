/// Reads a user-supplied code list (kinds `cpt`, `cdt` and `revenue-codes`): one code a line, optionally
/// followed by its effective and termination dates, `code[,effective[,termination]]` (a tab works
/// as the separator too); `#` starts a comment line; blank lines are ignored; a first line `code…`
/// is taken as a header. Empty dates are open.
enum CodeListLoader {
    enum Form {
        /// CPT: five characters (99213, 0042T, 3074F).
        case cpt
        /// CDT: D and four digits (D0120).
        case cdt
        /// Revenue code: four digits with a leading zero (0450), or 100X, 210X, 310X.
        case revenueCode

        var label: String {
            switch self {
            case .cpt: return "CPT code"
            case .cdt: return "CDT code"
            case .revenueCode: return "revenue code"
            }
        }

        func accepts(_ text: UnsafeRawBufferPointer) -> Bool {
            switch self {
            // Category I, II and III (a digit, F or T last) and PLA codes (U); not Level II.
            case .cpt:
                return text.count == 5 && PackedCode.pack(text).map { ProcedureCodeRule.form($0) == .cpt } == true
            case .cdt:
                return text.count == 5 && PackedCode.pack(text).map { ProcedureCodeRule.form($0) == .cdt } == true
            case .revenueCode:
                return text.count == 4 && text.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                    && (text[0] == 0x30 || ChargeParser.isRevenueRangePastZero(text[0], text[1], text[2]))
            }
        }
    }

    static func load(_ text: TableText, name: String, form: Form) throws -> CodeListTable.Release {
        var rows: [(code: UInt64, period: ServicePeriod)] = []
        var fields: [Range<Int>] = []
        var seenContent = false
        try text.forEachLine { number, line in
            let content = TableText.trimmed(line)
            if content.isEmpty || content.first == 0x23 { return }
            let separator: UInt8 = content.contains(0x09) ? 0x09 : 0x2C
            TableText.split(content, separator: separator, into: &fields)
            let first = TableText.trimmed(UnsafeRawBufferPointer(rebasing: content[fields[0]]))
            if !seenContent {
                seenContent = true
                if TableText.string(first).lowercased() == "code" { return }
            }
            guard fields.count <= 3 else {
                throw text.error("more than code, effective, termination", line: number, field: "(extra column)")
            }
            guard form.accepts(first), let code = PackedCode.pack(first), code != 0 else {
                throw text.error(
                    "'\(TableText.string(first).prefix(20))' is not a \(form.label)", line: number, field: "code")
            }
            func date(_ k: Int, _ field: String) throws -> Int32? {
                guard k < fields.count else { return nil }
                return try text.date(
                    UnsafeRawBufferPointer(rebasing: content[fields[k]]), line: number, field: field, optional: true)
            }
            let period = ServicePeriod(first: try date(1, "effective"), last: try date(2, "termination"))
            guard !period.isEmpty else {
                throw text.error("termination before effective", line: number, field: "termination")
            }
            rows.append((code, period))
        }
        guard !rows.isEmpty else { throw text.error("no codes") }
        rows.sort { ($0.code, $0.period.first) < ($1.code, $1.period.first) }
        var release = CodeListTable.Release(name: name)
        release.codes = SortedCodes(sorted: rows.map(\.code))
        release.periods = rows.map(\.period)
        return release
    }
}
