#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Zstd

/// One output written under a temporary name beside its final one, renamed only when complete.
///
/// Bytes go out in large blocks through a `BlockWriter` (past the page cache where the file system
/// allows); with a compression level they go through a `ZstdWriter` first (libzstd's own worker
/// threads compress while the caller produces more).
public final class OutputFile {
    /// Where the file goes when complete: the path given, or the file a link there leads to.
    public let finalPath: String
    public let temporaryPath: String
    private var fd: Int32
    private let blocks: BlockWriter
    private var zstd: ZstdWriter?
    private var closed = false
    /// Bytes handed to `write` (before compression).
    public private(set) var bytesWritten: UInt64 = 0

    /// - Parameters:
    ///   - level: zstd level, or nil for plain output.
    ///   - workers: libzstd compression threads (0: on the caller's thread).
    ///   - direct: write past the page cache where the file system allows (false: always buffered).
    public init(path: String, level: Int32?, workers: Int32 = 0, direct: Bool = true) throws {
        // The rename at the end would replace whatever has the name: a device such as /dev/null
        // (as root), a pipe or a socket would be gone, a file in its place.
        var target = path
        var info = stat()
        if lstat(path, &info) == 0 {
            var mode = info.st_mode & S_IFMT
            if mode == S_IFLNK {
                // Written through: the file the link leads to is replaced and the link kept. Renamed
                // over, the link itself would go (`/dev/stdout` with stdout sent to a file: as root
                // the system's own link was replaced by a copy of the report).
                guard stat(path, &info) == 0 else {
                    throw ScrubError("is a link to nothing: choose a file for the output", file: path)
                }
                mode = info.st_mode & S_IFMT
                if mode == S_IFREG {
                    // A pipe or a terminal behind /dev/stdout has no path: `realpath` fails on it.
                    guard let resolved = realpath(path, nil) else {
                        throw ScrubError("is a link to nothing: choose a file for the output", file: path)
                    }
                    target = String(cString: resolved)
                    free(resolved)
                }
            }
            switch mode {
            case S_IFREG: break
            case S_IFDIR: throw ScrubError("is a folder: choose a file name for the output", file: path)
            default:
                throw ScrubError(
                    "is not a regular file (a device or a pipe?): choose a file for the output", file: path)
            }
        }
        finalPath = target
        let url = URL(fileURLWithPath: target)
        temporaryPath =
            url.deletingLastPathComponent().appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(getpid())"
            ).path
        fd = TemporaryFiles.shared.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ScrubError("cannot create output: \(String(cString: strerror(errno)))", file: path)
        }
        blocks = BlockWriter(fd: fd, direct: direct) { ScrubError("write failed: \($0)", file: path) }
        if let level {
            do {
                zstd = try ZstdWriter(level: level, workers: workers) { [unowned self] bytes in
                    try self.blocks.append(bytes)
                }
            } catch {
                throw ScrubError("cannot start compression: \(error)", file: path)
            }
        }
    }

    deinit {
        if !closed {
            blocks.abandon()
            close(fd)
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
        }
    }

    /// Whether the file is being written past the page cache (tests).
    var isDirect: Bool { blocks.isDirect }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += UInt64(bytes.count)
        if let zstd {
            do { try zstd.write(bytes) } catch let error as ScrubError { throw error } catch {
                throw ScrubError("compression failed: \(error)", file: finalPath)
            }
            return
        }
        try blocks.append(bytes)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) throws in try write(b) }
    }

    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Finishes the stream and closes the temporary file (still under its temporary name).
    public func finish() throws {
        guard !closed else { return }
        if let zstd {
            do { try zstd.finish() } catch let error as ScrubError { throw error } catch {
                throw ScrubError("compression failed: \(error)", file: finalPath)
            }
        }
        try blocks.finish()
        // On disk before the rename that gives it its final name: after a power cut the name must
        // not lead to an empty or short file (the earlier run's outputs are gone by then). A file
        // that cannot be synced (EINVAL: a file system without it) is closed as it is.
        if fsync(fd) != 0 && errno != EINVAL {
            throw ScrubError("cannot save to disk (fsync): \(String(cString: strerror(errno)))", file: finalPath)
        }
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

    /// Makes the renames into `directory` durable (fsync of the folder); errors are ignored, as the
    /// outputs are complete under their final names either way.
    static func syncFolder(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Removes the temporary file.
    public func discard() {
        if !closed {
            blocks.abandon()
            close(fd)
            closed = true
        }
        unlink(temporaryPath)
        TemporaryFiles.shared.unregister(temporaryPath)
    }
}
