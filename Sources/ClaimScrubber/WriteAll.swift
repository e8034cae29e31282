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

/// Reads from `fd` until `buffer` is full or the file ends, retrying short and interrupted reads;
/// returns the bytes read. On failure throws what `failure` makes of the system's reason.
func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, failure: (String) -> ScrubError) throws -> Int {
    var got = 0
    while got < buffer.count {
        let n = read(fd, buffer.baseAddress! + got, buffer.count - got)
        if n > 0 {
            got += n
        } else if n == 0 {
            break
        } else if errno != EINTR {
            throw failure(String(cString: strerror(errno)))
        }
    }
    return got
}

/// Fills `buffer` from byte `offset` of `fd` (`pread`, so several threads may read one file at
/// once), retrying short and interrupted reads; throws `failure` when the file ends first or
/// cannot be read (the run's own temporary files: either way it is damaged).
func readFully(
    _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, failure: () -> ScrubError
) throws {
    var done = 0
    while done < buffer.count {
        let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw failure() }
        done += n
    }
}

/// Writes every byte to `fd` at byte `offset` (`pwrite`), retrying short and interrupted writes.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, failure: (String) -> ScrubError) throws {
    var done = 0
    while done < bytes.count {
        let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        if n < 0 {
            if errno == EINTR { continue }
            throw failure(String(cString: strerror(errno)))
        }
        done += n
    }
}
