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

    init(any value: Any?) {
        switch value {
        case let v as Bool where type(of: v) == Bool.self: self = .bool(v)
        case let v as NSNumber:
            // JSONSerialization gives booleans as NSNumber too; their objCType is "c".
            if String(cString: v.objCType) == "c" { self = .bool(v.boolValue) } else { self = .number(v.doubleValue) }
        case let v as Int: self = .number(Double(v))
        case let v as Double: self = .number(v)
        case let v as String: self = .string(v)
        case let v as [Any]: self = .list(v.map { StructuredValue(any: $0) })
        case let v as [String: Any]: self = .table(v.mapValues { StructuredValue(any: $0) })
        case let v as [AnyHashable: Any]:
            var table: [String: StructuredValue] = [:]
            for (k, x) in v { table["\(k)"] = StructuredValue(any: x) }
            self = .table(table)
        default: self = .null
        }
    }
}

/// Reads TOML (`.toml`) or YAML (`.yaml`, `.yml`); other names are tried as TOML, then YAML.
public enum StructuredDocument {
    public static func load(path: String) throws -> StructuredValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScrubError("cannot read file", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScrubError("not valid UTF-8 text", file: path)
        }
        return try parse(text, name: path)
    }

    public static func parse(_ text: String, name: String) throws -> StructuredValue {
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
        do {
            return value(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw ScrubError(
                "invalid TOML: \(error.description) (column \(error.source.begin.column))", file: name,
                line: error.source.begin.line)
        } catch {
            throw ScrubError("invalid TOML: \(error)", file: name)
        }
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
        do {
            // An empty document (nothing, or only comments) is an empty table, as in TOML.
            guard let object = try Yams.load(yaml: text) else { return .table([:]) }
            return StructuredValue(any: object)
        } catch let error as YamlError {
            var line: Int?
            if case .scanner(_, _, let mark, _) = error { line = mark.line }
            if case .parser(_, _, let mark, _) = error { line = mark.line }
            throw ScrubError("invalid YAML: \(error)", file: name, line: line)
        } catch {
            throw ScrubError("invalid YAML: \(error)", file: name)
        }
    }
}
