#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Zstd

/// One output written under a temporary name beside its final one, renamed only when complete.
///
/// Writes are buffered; with a compression level the bytes go through a `ZstdWriter` (libzstd's own
/// worker threads compress while the caller produces more).
public final class OutputFile {
    public let finalPath: String
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    private var zstd: ZstdWriter?
    private var closed = false
    /// Bytes handed to `write` (before compression).
    public private(set) var bytesWritten: UInt64 = 0

    /// - Parameters:
    ///   - level: zstd level, or nil for plain output.
    ///   - workers: libzstd compression threads (0: on the caller's thread).
    public init(path: String, level: Int32?, workers: Int32 = 0) throws {
        finalPath = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())"
        ).path
        fd = TemporaryFiles.shared.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ScrubError("cannot create output: \(String(cString: strerror(errno)))", file: path)
        }
        buffer.reserveCapacity(bufferLimit + (1 << 16))
        if let level {
            do {
                zstd = try ZstdWriter(level: level, workers: workers) { [unowned self] bytes in
                    try self.writeRaw(bytes)
                }
            } catch {
                throw ScrubError("cannot start compression: \(error)", file: path)
            }
        }
    }

    deinit {
        if !closed {
            close(fd)
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += UInt64(bytes.count)
        if let zstd {
            do { try zstd.write(bytes) } catch let error as ScrubError { throw error } catch {
                throw ScrubError("compression failed: \(error)", file: finalPath)
            }
            return
        }
        if bytes.count >= bufferLimit {
            try flush()
            try writeRaw(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) throws in try write(b) }
    }

    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { (b) throws in try writeRaw(b) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeRaw(_ bytes: UnsafeRawBufferPointer) throws {
        if zstd != nil && bytes.count < bufferLimit {
            // Compressed output arrives in small pieces: gather them.
            buffer.append(contentsOf: bytes)
            if buffer.count < bufferLimit { return }
            // Written from the buffer itself: a copy first would leave the buffer shared, and
            // emptying it would then allocate (and fault in) a fresh megabyte every time.
            try buffer.withUnsafeBytes { (b) throws in try writeAll(b) }
            buffer.removeAll(keepingCapacity: true)
            return
        }
        try writeAll(bytes)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        try ClaimScrubber.writeAll(fd, bytes) { ScrubError("write failed: \($0)", file: finalPath) }
    }

    /// Finishes the stream and closes the temporary file (still under its temporary name).
    public func finish() throws {
        guard !closed else { return }
        if let zstd {
            do { try zstd.finish() } catch let error as ScrubError { throw error } catch {
                throw ScrubError("compression failed: \(error)", file: finalPath)
            }
        }
        let pending = buffer
        buffer.removeAll()
        try pending.withUnsafeBytes { (b) throws in try writeAll(b) }
        if close(fd) != 0 {
            throw ScrubError("close failed: \(String(cString: strerror(errno)))", file: finalPath)
        }
        fd = -1
        closed = true
    }

    /// Moves the finished file to its final name.
    public func commit() throws {
        try finish()
        guard rename(temporaryPath, finalPath) == 0 else {
            throw ScrubError("cannot rename into place: \(String(cString: strerror(errno)))", file: finalPath)
        }
        TemporaryFiles.shared.unregister(temporaryPath)
    }

    /// Removes the temporary file.
    public func discard() {
        if !closed {
            close(fd)
            closed = true
        }
        unlink(temporaryPath)
        TemporaryFiles.shared.unregister(temporaryPath)
    }
}
