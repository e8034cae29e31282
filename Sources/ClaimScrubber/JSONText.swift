/// A JSON value built from typed Swift values, for `JSONText` to write.
///
/// Objects are plain dictionaries: the writer sorts their keys, so building one needs no care for
/// order. Numbers are either exact integers or finite doubles; there is no `null` (nothing written
/// here has one).
enum JSONValue: Sendable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A count (or any `Int`) as an exact integer.
    static func int(_ n: Int) -> JSONValue { .integer(Int64(n)) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// An object; a key given twice is a programming error (it traps, as `Dictionary` does).
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

/// Deterministic JSON text: keys sorted, two-space indentation, one member or element a line.
///
/// The layout is the one Foundation's `JSONSerialization` wrote with `.sortedKeys`,
/// `.prettyPrinted` and `.withoutEscapingSlashes` (`"key" : value`, an empty container as an
/// opening and a closing line around an empty one, a double as its shortest round-trip decimal
/// without a trailing `.0`), so summaries written before and after compare byte for byte. Writing
/// through `JSONSerialization` cost more than the rest of a small scrub: a `[String: Any]` tree
/// bridged to Foundation objects and keys sorted as `AnyHashable`. Here keys sort by `String`'s
/// own `<` (the order `JSONSerialization` used), strings are escaped per RFC 8259 (quote,
/// backslash and the control characters U+0000–U+001F; `/` and everything else written as is, in
/// UTF-8), and nothing is bridged.
struct JSONText {
    /// The text so far, UTF-8.
    private(set) var bytes: [UInt8] = []

    init() {}

    /// `value` as JSON text, without a final newline.
    static func bytes(of value: JSONValue) -> [UInt8] {
        var text = JSONText()
        text.write(value)
        return text.bytes
    }

    /// Appends `value`, its nested lines indented from `level` (two spaces a level).
    mutating func write(_ value: JSONValue, level: Int = 0) {
        switch value {
        case .string(let s): write(string: s)
        case .integer(let n): write(integer: n)
        case .number(let x): write(number: x)
        case .bool(let b): bytes.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .array(let elements):
            open(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { separate() }
                indent(level + 1)
                write(element, level: level + 1)
            }
            close(UInt8(ascii: "]"), level: level)
        case .object(let members):
            open(UInt8(ascii: "{"))
            for (i, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { separate() }
                indent(level + 1)
                write(string: member.key)
                bytes.append(contentsOf: " : ".utf8)
                write(member.value, level: level + 1)
            }
            close(UInt8(ascii: "}"), level: level)
        }
    }

    /// Appends a string literal: RFC 8259 escapes where it requires them, UTF-8 elsewhere.
    mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0x00..<0x20:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends an integer, exactly.
    mutating func write(integer: Int64) {
        // A decimal of at most 20 characters is a small string: no allocation.
        bytes.append(contentsOf: String(integer).utf8)
    }

    /// Appends a finite double as its shortest decimal that reads back to the same value.
    ///
    /// Swift's `description` gives that (`0.1`, `0.333333`, `1e-06`, `1e+16`, `5e-324`), and every
    /// form it takes for a finite value is a JSON number: an optional minus, an integer part
    /// without leading zeros, a fraction, an exponent with a sign and digits. A whole value drops
    /// its `.0` (`1`, `0`) as `JSONSerialization` did. JSON has no infinity or NaN: those are
    /// written as `null` (no summary value is ever one; a run must not stop over it).
    mutating func write(number: Double) {
        guard number.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    // MARK: - Layout

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(0x0A)
    }

    private mutating func separate() {
        bytes.append(UInt8(ascii: ","))
        bytes.append(0x0A)
    }

    private mutating func close(_ bracket: UInt8, level: Int) {
        bytes.append(0x0A)
        indent(level)
        bytes.append(bracket)
    }

    private mutating func indent(_ level: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
}
