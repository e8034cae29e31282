#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Messages for stderr, written with `write(2)`: a closed or failing stderr (`2>&-`, `2>/dev/full`,
/// a reader that went away) loses the message and nothing else. Foundation's
/// `FileHandle.standardError.write` stopped the process with SIGILL there (exit 132), so a gate
/// that had passed or failed read as a crash.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard var p = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = Glibc.write(2, p, left)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                p += n
                left -= n
            }
        }
    }
}
