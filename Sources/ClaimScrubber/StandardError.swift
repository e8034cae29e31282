#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

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

/// The process's standard descriptors 0, 1 and 2, made safe before anything opens a file.
///
/// Started with one closed (`<&-`, `2>&-`), the first descriptor the process opens takes its
/// number: the signal pipe's read end became descriptor 0, and `scrub -` read its own pipe as
/// standard input and waited for ever. Each closed one is opened on /dev/null instead, and
/// `scrub -` with standard input closed stops naming it.
public enum StandardStreams {
    private static let inputClosed = Atomic(false)

    /// True when the process started with standard input closed.
    public static var inputWasClosed: Bool { inputClosed.load(ordering: .relaxed) }

    /// Opens /dev/null on each of 0, 1 and 2 that is closed; call first thing in `main`.
    public static func secure() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0 && opened != fd {
                // Not the lowest free number (a descriptor below was closed by someone else
                // meanwhile): moved into place.
                dup2(opened, fd)
                close(opened)
            }
            if fd == 0 { inputClosed.store(true, ordering: .relaxed) }
        }
    }
}
