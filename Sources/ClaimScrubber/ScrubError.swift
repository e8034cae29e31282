/// A failure that stops the run: unreadable or corrupt input, a broken table file, a bad header.
///
/// Its description names the file and, where known, the line and field, so the person at the
/// terminal can go straight to the problem. It never carries field values (PHI stays out of stderr).
public struct ScrubError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var file: String?
    public var line: Int?
    public var field: String?

    public init(_ message: String, file: String? = nil, line: Int? = nil, field: String? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.field = field
    }

    public var description: String {
        var place = ""
        if let file { place += file }
        if let line { place += (place.isEmpty ? "line \(line)" : ":\(line)") }
        if let field { place += (place.isEmpty ? "" : " ") + "field '\(field)'" }
        return Self.printable(place.isEmpty ? message : "\(place): \(message)")
    }

    /// The text with control characters written as `\xHH` (`\u{HHHH}` past 0xFF): a message quotes
    /// bytes of a broken file, and an escape sequence or a carriage return there would act on the
    /// terminal, or split the one-line message, instead of showing what the file holds.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
