import CZstd

/// A failure reported by libzstd, with the position in the compressed stream where it was noticed.
public struct ZstdError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in libzstd's words or ours.
    public var message: String
    /// Offset in the compressed input (bytes from its start) at which the problem was detected, when known.
    public var offset: UInt64?

    public init(message: String, offset: UInt64? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(message) (at compressed byte offset \(offset))" }
        return message
    }
}

/// Turns libzstd's "size or error code" convention into a Swift throw, in one place.
@inline(__always)
func checked(_ result: Int, offset: UInt64? = nil) throws(ZstdError) -> Int {
    if ZSTD_isError(result) != 0 {
        throw ZstdError(message: String(cString: ZSTD_getErrorName(result)), offset: offset)
    }
    return result
}
