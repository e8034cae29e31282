/// How one extract's records are laid out: delimiter, header fields, and which field holds which
/// canonical column.
public struct ExtractLayout: Sendable, Equatable {
    public var delimiter: UInt8
    /// Header field names as written (BOM removed, unquoted).
    public var headerNames: [String]
    /// For each header position, the canonical column it holds (nil: carried through, not checked).
    public var columns: [Column?]
    /// The header line exactly as read, BOM and line end included.
    public var headerBytes: [UInt8]
    /// The line end the header uses (`\r\n` or `\n`), for records that lack one at end of file.
    public var lineEnd: [UInt8]

    /// The file extension of this delimiter: csv, psv or tsv.
    public var formatExtension: String {
        switch delimiter {
        case 0x7C: return "psv"
        case 0x09: return "tsv"
        default: return "csv"
        }
    }

    public func index(of column: Column) -> Int? { columns.firstIndex(of: column) }
    public func has(_ column: Column) -> Bool { columns.contains(column) }

    /// Reads a header line: delimiter (given, or the most frequent of `,` `|` tab outside quotes),
    /// names, and their canonical columns via the user's column map, then the aliases.
    public init(
        header: [UInt8], delimiter: UInt8? = nil, columnMap: [String: Column] = [:], file: String,
        encoding: TextEncoding = .utf8, columnMapName: String = "--columns"
    ) throws {
        headerBytes = header
        // Spreadsheets save "Unicode text" as UTF-16 with its byte order mark first; without the
        // mark, every other byte of its ASCII names is NUL. Either way no reading of the bytes as
        // UTF-8 or Windows-1252 gives the names (Windows-1252 reads any byte, so this comes first).
        if header.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || header.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw ScrubError(
                "the file is UTF-32 text (its first bytes are a UTF-32 byte order mark): save or convert it as UTF-8",
                file: file, line: 1)
        }
        if header.starts(with: [0xFF, 0xFE]) || header.starts(with: [0xFE, 0xFF]) {
            throw ScrubError(
                "the file is UTF-16 text (its first bytes are a UTF-16 byte order mark): save or convert it as UTF-8",
                file: file, line: 1)
        }
        if header.contains(0) {
            throw ScrubError(
                "the header holds NUL bytes (UTF-16 text without a byte order mark?): save or convert it as UTF-8",
                file: file, line: 1)
        }
        if encoding == .windows1252 && header.starts(with: [0xEF, 0xBB, 0xBF]) {
            // Read as Windows-1252 the mark would be `ï»¿`, part of the first column's name.
            throw ScrubError(
                "the file starts with a UTF-8 byte order mark, so it is UTF-8 text, not Windows-1252: run without "
                    + "--encoding windows-1252", file: file, line: 1)
        }
        // The names of a Windows-1252 header are read as UTF-8; `headerBytes` stay as they came.
        var body = encoding == .windows1252 ? Windows1252.utf8(header)[...] : header[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.last == 0x0A {
            body = body.dropLast()
            if body.last == 0x0D {
                body = body.dropLast()
                lineEnd = [0x0D, 0x0A]
            } else {
                lineEnd = [0x0A]
            }
        } else {
            lineEnd = [0x0A]
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ScrubError(
                "header is not valid UTF-8 (a Windows-1252 export? --encoding windows-1252 reads it)", file: file,
                line: 1)
        }
        let chosen = delimiter ?? Self.detectDelimiter(Array(body))
        self.delimiter = chosen
        let names: [String]
        do {
            names = try Self.splitHeader(Array(body), delimiter: chosen)
        } catch {
            throw ScrubError("header: \((error as? ScrubError)?.message ?? "\(error)")", file: file, line: 1)
        }
        _ = text
        headerNames = names
        var mapped: [Column?] = []
        var seen: Set<Column> = []
        // The normalised name of the field each column was read from: the same name twice for one
        // column is ambiguous (which one holds the codes?), and so are two aliases of one column;
        // the column's own name wins over an alias.
        var nameOf: [Column: String] = [:]
        /// The header field each column was read from.
        var indexOf: [Column: Int] = [:]
        let userMap = Dictionary(
            columnMap.map { (Column.normalise($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        // Header fields the column map sends to each column: two for one column is a mistake in
        // the map (which one holds the codes?), not an alias to pass over.
        var mappedBy: [Column: String] = [:]
        let userColumns = names.map { name in
            columnMap[name] ?? columnMap[name.trimmingSpaces] ?? userMap[Column.normalise(name)]
        }
        // A column the map assigns is read from the field it names, even where another field bears
        // the column's own name or an alias: the map is the user's word on this extract.
        let assigned = Set(userColumns.compactMap { $0 })
        let normalisedNames = names.map(Column.normalise)
        for (name, user) in zip(names, userColumns) {
            let column =
                user
                ?? Column.alias(Column.normalise(name), among: normalisedNames).flatMap {
                    assigned.contains($0) ? nil : $0
                }
            if let column, nameOf[column] == Column.normalise(name) {
                throw ScrubError(
                    "the header names this column twice; rename or drop one of the two", file: file,
                    line: 1, field: column.rawValue)
            }
            if let user {
                if let other = mappedBy[user] {
                    throw ScrubError(
                        "\(columnMapName) maps two header fields to this column ('\(other)' and '\(name)'); map one of them",
                        file: file, line: 1, field: user.rawValue)
                }
                mappedBy[user] = name
            }
            if let column, user == nil, let previous = nameOf[column], let at = indexOf[column] {
                // Two fields name one column by its name or aliases ("Patient" holding the name
                // beside "MRN"; "Procedure" holding a description beside "CPT Code"): the first
                // used to win without a word. The column's own name wins over an alias; between
                // two aliases the user says which with --columns.
                let canonical = Column.normalise(column.rawValue)
                if Column.normalise(name) == canonical {
                    mapped[at] = nil
                    indexOf[column] = mapped.count
                    nameOf[column] = canonical
                    mapped.append(column)
                    continue
                }
                guard previous == canonical else {
                    // Fields named by position only: a first line that is a record, not a header,
                    // can hold two values that read as aliases (a surname `Har` beside `Account`).
                    throw ScrubError(
                        "two header fields can be this column (fields \(at + 1) and \(mapped.count + 1)); "
                            + "say which with --columns", file: file, line: 1, field: column.rawValue)
                }
                mapped.append(nil)
                continue
            }
            if let column, !seen.contains(column) {
                seen.insert(column)
                nameOf[column] = Column.normalise(name)
                indexOf[column] = mapped.count
                mapped.append(column)
            } else {
                mapped.append(nil)
            }
        }
        columns = mapped
        for column in Column.required where !seen.contains(column) {
            // Say why the usual remedies did not help: map keys that name no field (a typo), or a
            // header read as one field (a delimiter other than , | tab).
            let unmatched = Self.unmatchedKeys(of: columnMap, in: names)
            var hint = "map it with --columns"
            // A field that would be this column by its name, sent elsewhere by the map.
            let sentElsewhere = names.indices.first { k in
                let name = Column.normalise(names[k])
                return
                    (name == Column.normalise(column.rawValue)
                    || Column.alias(name, among: normalisedNames) == column)
                    && userColumns[k] != nil && userColumns[k] != column
            }
            if let k = sentElsewhere, let other = userColumns[k] {
                hint = "the \(columnMapName) map sends header field '\(names[k])' to \(other.rawValue)"
            } else if names.first?.lowercased().hasPrefix("sep=") == true {
                // Excel's delimiter hint, written above the header by some exports.
                hint = "the first line is a spreadsheet's 'sep=' hint, not the header: remove that line"
            } else if !unmatched.isEmpty {
                hint =
                    "\(columnMapName) names " + unmatched.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                    + ", which no header field is"
            } else if names.count == 1 && delimiter != nil {
                hint = "the header is one field when split at the --delimiter given: is it the file's delimiter?"
            } else if names.count == 1 {
                // A report title above the header (`Charge Detail Report`) is one field too.
                hint =
                    "the first line is one field: if it is a title above the header, remove it; else give the "
                    + "delimiter with --delimiter, or map the column with --columns"
            }
            throw ScrubError(
                "required column missing from the header (\(hint))", file: file, line: 1, field: column.rawValue)
        }
    }

    /// The keys of a `--columns` map that name no field of a header with these names (names
    /// compared as the map is applied: whatever their case, spaces, `-` and `_`), sorted.
    public static func unmatchedKeys(of columnMap: [String: Column], in names: [String]) -> [String] {
        let fields = Set(names.map(Column.normalise))
        return columnMap.keys.filter { !fields.contains(Column.normalise($0)) }.sorted()
    }

    static func detectDelimiter(_ header: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x7C: 0, 0x09: 0]
        var inQuotes = false
        for c in header {
            if c == 0x22 { inQuotes.toggle() }
            if !inQuotes, counts[c] != nil { counts[c]! += 1 }
        }
        // Ties go to comma, then pipe, then tab.
        var best: UInt8 = 0x2C
        for candidate: UInt8 in [0x7C, 0x09] where counts[candidate]! > counts[best]! { best = candidate }
        return best
    }

    static func splitHeader(_ bytes: [UInt8], delimiter: UInt8) throws -> [String] {
        var names: [String] = []
        var field: [UInt8] = []
        var i = 0
        var quoted = false
        var fieldStart = true
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == 0x22 && fieldStart {
                quoted = true
            } else if c == delimiter {
                names.append(String(decoding: field, as: UTF8.self).trimmingSpaces)
                field.removeAll()
                fieldStart = true
                i += 1
                continue
            } else {
                field.append(c)
            }
            fieldStart = false
            i += 1
        }
        if quoted { throw ScrubError("unterminated quote") }
        names.append(String(decoding: field, as: UTF8.self).trimmingSpaces)
        return names
    }
}

extension ExtractLayout {
    /// Reads a `--columns` map (TOML or YAML): extract header name → canonical column name, either at
    /// the top level or under a `columns` table.
    public static func loadColumnMap(path: String) throws -> [String: Column] {
        try StructuredDocument.load(path: path) { try columnMap($0, path: path) }
    }

    private static func columnMap(_ document: StructuredValue, path: String) throws -> [String: Column] {
        guard var table = document == .null ? [:] : document.table else {
            throw ScrubError("column map must be a table", file: path)
        }
        // Fields are named by their path in the file, which finds their line.
        var prefix = ""
        if let inner = table["columns"]?.table {
            // Beside a `columns` table, any other key is a mistake (`[colums]`) that would lose its mappings.
            if let stray = table.keys.sorted().first(where: { $0 != "columns" }) {
                throw ScrubError("unknown key beside the 'columns' table", file: path, field: stray)
            }
            table = inner
            prefix = "columns."
        }
        var map: [String: Column] = [:]
        // Header names match after normalising (case, spaces, `-`, `_`): two keys that normalise
        // alike ("Visit No", "VISIT_NO") would match one field, and which won changed from run to run.
        var normalised: [String: String] = [:]
        for (name, value) in table.sorted(by: { $0.key < $1.key }) {
            // A table where a name belongs: a misspelt `[columns]` (`[colums]`), most likely.
            if value.table != nil {
                throw ScrubError(
                    "is a table; a column map is header names with canonical names, alone or under [columns]",
                    file: path, field: prefix + name)
            }
            guard let canonical = value.string, let column = Column(rawValue: canonical) else {
                throw ScrubError(
                    "not a canonical column name (one of \(Column.allCases.map(\.rawValue).joined(separator: ", ")))",
                    file: path, field: prefix + name)
            }
            if let other = normalised[Column.normalise(name)] {
                throw ScrubError(
                    "names the same header field as '\(other)' (names match whatever their case, spaces, - and _)",
                    file: path, field: prefix + name)
            }
            normalised[Column.normalise(name)] = name
            map[name] = column
        }
        return map
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
