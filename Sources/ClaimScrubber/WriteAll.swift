#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes every byte to `fd`, retrying short and interrupted writes; on failure throws what
/// `failure` makes of the system's reason (each file says what it is and where).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, failure: (String) -> ScrubError) throws {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 {
            if errno == EINTR { continue }
            throw failure(String(cString: strerror(errno)))
        }
        done += n
    }
}
