import Foundation
import TOMLKit
import Yams

/// A small TOML or YAML document (configuration, column map, table manifest) as plain values.
public indirect enum StructuredValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([StructuredValue])
    case table([String: StructuredValue])
    case null

    /// True when no scalar lies anywhere in it: null, or tables and lists of those (`[rules]`
    /// with nothing under it, a YAML file of `---` alone).
    public var holdsNoValue: Bool {
        switch self {
        case .null: return true
        case .table(let t): return t.values.allSatisfy(\.holdsNoValue)
        case .list(let l): return l.allSatisfy(\.holdsNoValue)
        case .string, .number, .bool: return false
        }
    }

    public var string: String? {
        switch self {
        case .string(let s): return s
        // Whole numbers without ".0"; one too large for an Int (or infinite) in Double's own spelling.
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    public var int: Int? {
        switch self {
        case .number(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        case .string(let s): return Int(s)
        default: return nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s) where ["true", "on", "yes"].contains(s.lowercased()): return true
        case .string(let s) where ["false", "off", "no"].contains(s.lowercased()): return false
        default: return nil
        }
    }

    public var table: [String: StructuredValue]? {
        if case .table(let t) = self { return t }
        return nil
    }

    public var list: [StructuredValue]? {
        if case .list(let l) = self { return l }
        return nil
    }

    public subscript(key: String) -> StructuredValue? { table?[key] }
}

/// Reads TOML (`.toml`) or YAML (`.yaml`, `.yml`); other names are tried as TOML, then YAML.
public enum StructuredDocument {
    /// The most text a configuration, column map or manifest may hold (they are a few hundred
    /// bytes): a device such as /dev/zero given by mistake is refused, not read for ever.
    static let maximumBytes = 16 << 20

    /// Reads the document at `path` and hands it to `interpret`; an error `interpret` throws
    /// naming a field but no line gets the line the field is written on (`line(ofField:in:)`), so
    /// `unknown key` in a long configuration says where.
    public static func load<T>(path: String, interpret: (StructuredValue) throws -> T) throws -> T {
        let text = try readText(path: path)
        let document = try parse(text, name: path)
        do {
            return try interpret(document)
        } catch var error as ScrubError {
            if error.line == nil, let field = error.field, error.file == path {
                // A key that is missing is written nowhere: the table that lacks it is
                // (`table[2].kind` → the third `[[table]]`).
                var written = Substring(field)
                while error.line == nil {
                    error.line = line(ofField: String(written), in: text)
                    guard let dot = written.lastIndex(of: ".") else { break }
                    written = written[..<dot]
                }
            }
            throw error
        }
    }

    public static func load(path: String) throws -> StructuredValue {
        try parse(readText(path: path), name: path)
    }

    static func readText(path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ScrubError("cannot read file: \(String(cString: strerror(errno)))", file: path)
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw ScrubError("is a folder, not a file", file: path) }
        // A pipe is read too (`--config <(make-config)`), up to the limit.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ScrubError("cannot read file: \(String(cString: strerror(errno)))", file: path)
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw ScrubError("cannot read file: \(error.localizedDescription)", file: path)
        }
        guard data.count <= maximumBytes else {
            throw ScrubError("more than \(maximumBytes >> 20) MiB: not a configuration file", file: path)
        }
        // Validated strictly: Foundation's UTF-8 decoding took the bytes FF FE (a UTF-16 byte order
        // mark) as text, and a payer id of them went into the run.
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ScrubError("not valid UTF-8 text", file: path)
        }
        return text
    }

    /// The line where `field` is written in a TOML or YAML text: the dotted path the interpreters
    /// name (`rules.D04.severity`, `payers.AETNA01`, `table[2].kind` for the third `[[table]]`),
    /// found as a key, as a table header, or as the inline table holding it. Nil when the text
    /// does not spell it that way (a key split oddly across inline tables, a YAML flow map).
    static func line(ofField field: String, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        return tomlLine(ofField: field, lines) ?? yamlLine(ofField: field, lines)
    }

    /// `a."b.c" . d` as its parts (`a`, `b.c`, `d`): dots outside quotes split, quotes and blanks go.
    private static func keyParts(_ key: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in key {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The index of the first `separator` outside quotes, nil when none.
    private static func unquotedIndex(of separator: Character, in line: Substring) -> Substring.Index? {
        var quote: Character? = nil
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == separator {
                return i
            }
            i = line.index(after: i)
        }
        return nil
    }

    private static func tomlLine(ofField field: String, _ lines: [Substring]) -> Int? {
        var table = ""
        var arrays: [String: Int] = [:]
        func matches(_ path: String) -> Bool { path == field || path.hasPrefix(field + ".") }
        for (n, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                guard let end = line.range(of: "]]") else { continue }
                let name = keyParts(line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]).joined(
                    separator: ".")
                let index = arrays[name, default: 0]
                arrays[name] = index + 1
                table = "\(name)[\(index)]"
                if matches(table) || name == field { return n + 1 }
            } else if line.hasPrefix("[") {
                guard let end = unquotedIndex(of: "]", in: line) else { continue }
                table = keyParts(line[line.index(after: line.startIndex)..<end]).joined(separator: ".")
                if matches(table) { return n + 1 }
            } else if let equals = unquotedIndex(of: "=", in: line) {
                let key = keyParts(line[..<equals]).joined(separator: ".")
                let path = table.isEmpty ? key : "\(table).\(key)"
                // The key itself, a table it opens, or an inline table holding the field.
                if matches(path) || (field.hasPrefix(path + ".") && line[equals...].contains("{")) { return n + 1 }
            }
        }
        return nil
    }

    private static func yamlLine(ofField field: String, _ lines: [Substring]) -> Int? {
        var stack: [(indent: Int, key: String)] = []
        for (n, raw) in lines.enumerated() {
            let indent = raw.prefix { $0 == " " }.count
            let line = raw.dropFirst(indent)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("-") { continue }
            guard let colon = unquotedIndex(of: ":", in: line) else { continue }
            let after = line[line.index(after: colon)...]
            guard after.isEmpty || after.first == " " || after.first == "\t" else { continue }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            var key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if key.count >= 2, let first = key.first, first == "\"" || first == "'", key.last == first {
                key = String(key.dropFirst().dropLast())
            }
            stack.append((indent, key))
            let path = stack.map(\.key).joined(separator: ".")
            if path == field || path.hasPrefix(field + ".") || (field.hasPrefix(path + ".") && after.contains("{")) {
                return n + 1
            }
        }
        return nil
    }

    public static func parse(_ text: String, name: String) throws -> StructuredValue {
        // toml++ takes the text as a C string: everything after a NUL was dropped without a word
        // (a `[rules.D04] enabled = false` after one stayed on). No TOML or YAML text holds one.
        if let nul = text.utf8.firstIndex(of: 0) {
            throw ScrubError(
                "a NUL byte in the text (is it a text file?)", file: name, line: lineNumber(of: text.utf8[..<nul]))
        }
        let lower = name.lowercased()
        let yamlFirst = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        if yamlFirst { return try parseYAML(text, name: name) }
        do {
            return try parseTOML(text, name: name)
        } catch {
            if lower.hasSuffix(".toml") { throw error }
            if let yaml = try? parseYAML(text, name: name), yaml.table != nil { return yaml }
            throw error
        }
    }

    static func parseTOML(_ text: String, name: String) throws -> StructuredValue {
        // Nor the escape that makes one: toml++ cuts a key at it, and TOMLKit then force-unwraps
        // the look-up of the cut key (a `"\u0000" = 1` line stopped the run with SIGILL).
        if let escape = escapedNUL(in: text) {
            throw ScrubError(
                "a NUL character (\\u0000) in the text: no key or value can hold one", file: name,
                line: lineNumber(of: text.utf8[..<escape]))
        }
        do {
            return value(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            var description = error.description
            // toml++ spells a quoted key it finds twice from the wrong bytes ('"ViVisit No" '):
            // the line as written names it instead.
            if description.contains("cannot redefine existing"), line >= 1 {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if line <= lines.count {
                    let written = lines[line - 1].trimmingCharacters(in: .whitespacesAndNewlines)
                    description = "a key or table given twice: \(written)"
                }
            }
            throw ScrubError(
                "invalid TOML: \(description) (column \(error.source.begin.column))", file: name, line: line)
        } catch {
            throw ScrubError("invalid TOML: \(error)", file: name)
        }
    }

    /// Where an escaped NUL (`\u0000` or `\U00000000`, after an odd number of backslashes) starts.
    static func escapedNUL(in text: String) -> String.UTF8View.Index? {
        let utf8 = text.utf8
        var i = utf8.startIndex
        var backslashes = 0
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "\\") {
                backslashes += 1
                i = utf8.index(after: i)
                continue
            }
            if backslashes % 2 == 1 && (c == UInt8(ascii: "u") || c == UInt8(ascii: "U")) {
                let digits = c == UInt8(ascii: "u") ? 4 : 8
                let rest = utf8[utf8.index(after: i)...].prefix(digits)
                if rest.count == digits && rest.allSatisfy({ $0 == UInt8(ascii: "0") }) {
                    return utf8.index(i, offsetBy: -1)
                }
            }
            backslashes = 0
            i = utf8.index(after: i)
        }
        return nil
    }

    /// A TOML value as a plain one, read directly (through JSON text, `inf` and `nan`, valid TOML
    /// floats, failed with a JSON error and no line). Dates and times become their TOML text
    /// (`2025-10-01`), as a quoted date would read.
    static func value(_ v: TOMLValueConvertible) -> StructuredValue {
        switch v.type {
        case .table:
            var table: [String: StructuredValue] = [:]
            for (key, item) in v.table ?? TOMLTable() { table[key] = value(item) }
            return .table(table)
        case .array: return .list((v.array.map(Array.init) ?? []).map { value($0) })
        case .string: return v.string.map { .string($0) } ?? .null
        case .int: return v.int.map { .number(Double($0)) } ?? .null
        case .double: return v.double.map { .number($0) } ?? .null
        case .bool: return v.bool.map { .bool($0) } ?? .null
        case .date: return v.date.map { .string($0.debugDescription) } ?? .null
        case .time: return v.time.map { .string($0.debugDescription) } ?? .null
        case .dateTime: return v.dateTime.map { .string($0.debugDescription) } ?? .null
        }
    }

    static func parseYAML(_ text: String, name: String) throws -> StructuredValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScrubError("invalid YAML: \(Self.problem(error))", file: name, line: Self.line(error))
        } catch {
            throw ScrubError("invalid YAML: \(error)", file: name)
        }
        // An empty document (nothing, or only comments) is an empty table, as in TOML.
        guard let root else { return .table([:]) }
        var reader = YAMLReader(name: name)
        return try reader.value(root)
    }

    /// libyaml's problem and its context in one line, with the column: Yams' own description
    /// repeats the position and quotes the whole line with a caret under it, over several lines
    /// (40 KB on one line for a long one).
    static func problem(_ error: YamlError) -> String {
        func text(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> String {
            let during = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "\(problem)\(during), column \(mark.column)"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return text(context, problem, mark)
        case .reader(let problem, _, _, _): return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key given twice: \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))"
        default: return String(describing: error).split(separator: "\n").first.map(String.init) ?? ""
        }
    }

    /// The 1-based line at the end of `text`, a document's bytes from its start.
    static func lineNumber(of text: Substring.UTF8View) -> Int { text.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }

    /// The line a YAML error is at, when libyaml gives one.
    static func line(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .reader(_, let offset?, _, let yaml): return lineNumber(of: yaml.utf8.prefix(offset))
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }
}

/// Turns a composed YAML tree into plain values, refusing what a configuration never needs and
/// Yams' own untyped loader would trap on or blow up with: mapping keys that are lists or tables,
/// and aliases that expand to more values than any configuration holds ("billion laughs": a few
/// hundred bytes that copy themselves into gigabytes). Yams' composer refuses a key given twice
/// in one mapping; the check below keeps that so whatever its version.
struct YAMLReader {
    /// Values a document may expand to, aliases counted at every use.
    static let valueLimit = 100_000
    let name: String
    private var values = 0

    init(name: String) { self.name = name }

    mutating func value(_ node: Node) throws -> StructuredValue {
        values += 1
        if values > Self.valueLimit {
            throw ScrubError(
                "invalid YAML: more than \(Self.valueLimit) values once its aliases are expanded", file: name,
                line: line(node))
        }
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return scalar.string.isEmpty ? .null : (node.bool.map { .bool($0) } ?? .string(scalar.string))
            case .int:
                try refuseLeadingZero(scalar, node)
                try refuseSexagesimal(scalar, node)
                return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float:
                // Yams takes 090 (no octal) for a float.
                try refuseLeadingZero(scalar, node)
                try refuseSexagesimal(scalar, node)
                return node.float.map { .number($0) } ?? .string(scalar.string)
            // Text, and dates (2025-10-01) as their text, as TOML dates read.
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var list: [StructuredValue] = []
            for item in sequence { list.append(try value(item)) }
            return .list(list)
        case .mapping(let mapping):
            var table: [String: StructuredValue] = [:]
            var merged: [[String: StructuredValue]] = []
            for (key, item) in mapping {
                guard case .scalar(let scalar) = key else {
                    throw ScrubError(
                        "invalid YAML: a key must be text, not a list or table", file: name, line: line(key))
                }
                if key.tag.rawValue == Tag.Name.merge.rawValue {
                    // `<<: *defaults` (or a list of them): their keys, unless given here.
                    switch try value(item) {
                    case .table(let t): merged.append(t)
                    case .list(let l) where l.allSatisfy { $0.table != nil }: merged += l.compactMap(\.table)
                    default:
                        throw ScrubError(
                            "invalid YAML: `<<` must merge a table or a list of tables", file: name, line: line(key))
                    }
                    continue
                }
                guard table[scalar.string] == nil else {
                    throw ScrubError("invalid YAML: key '\(scalar.string)' given twice", file: name, line: line(key))
                }
                table[scalar.string] = try value(item)
            }
            for t in merged {
                for (k, v) in t where table[k] == nil { table[k] = v }
            }
            return .table(table)
        case .alias:
            throw ScrubError("invalid YAML: an alias that names no anchor", file: name, line: line(node))
        }
    }

    private func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    /// YAML 1.1 reads an unquoted 010 as octal 8 (and 090 as text, which a setting reads as 90):
    /// `timely_filing_days: 0365` was 245 days without a word. A number with a leading zero is
    /// refused, as TOML refuses it; quoted, it is text.
    private func refuseLeadingZero(_ scalar: Node.Scalar, _ node: Node) throws {
        guard scalar.style == .plain else { return }
        let digits = scalar.string.drop { $0 == "+" || $0 == "-" }
        guard digits.count > 1, digits.first == "0",
            digits.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") })
        else { return }
        throw ScrubError(
            "invalid YAML: \(scalar.string) has a leading zero (YAML reads 010 as octal 8): write the number "
                + "without it, or quote it for text", file: name, line: line(node))
    }

    /// YAML 1.1 also reads an unquoted 1:00 as a number in base 60 (60), and 1:00:00 as 3,600:
    /// `charge_lag_days: 1:00` set 60 days without a word. Refused too; quoted, it is text.
    private func refuseSexagesimal(_ scalar: Node.Scalar, _ node: Node) throws {
        guard scalar.style == .plain else { return }
        let text = scalar.string.drop { $0 == "+" || $0 == "-" }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1, let head = parts.first, !head.isEmpty, head.first?.isNumber == true,
            head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
            parts.dropFirst().allSatisfy({ part in
                let whole = part.split(separator: ".", maxSplits: 1).first ?? ""
                return !whole.isEmpty && whole.count <= 2 && whole.allSatisfy { $0.isASCII && $0.isNumber }
            })
        else { return }
        throw ScrubError(
            "invalid YAML: \(scalar.string) reads as a number in base 60 (YAML reads 1:00 as 60): write the number, "
                + "or quote it for text", file: name, line: line(node))
    }
}
