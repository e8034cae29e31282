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
        return place.isEmpty ? message : "\(place): \(message)"
    }
}
