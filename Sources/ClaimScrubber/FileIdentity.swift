#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file as the system knows it, by device and inode: the same whatever path names it (another
/// spelling, `./`, a symbolic link, a hard link), which comparing paths cannot tell.
public struct FileIdentity: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    /// The file at `path`, following symbolic links; nil when there is none (or it cannot be examined).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The regular file open as `descriptor` (standard input redirected from a file); nil for a
    /// pipe, a terminal or a device, which no path can name again.
    public init?(regularFileAt descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// A file's size and modification time: a file written to while a run reads it twice (an edit in
/// place that keeps every record's start, which pass 2's own checks do not see) stamps otherwise.
struct FileStamp: Equatable, Sendable {
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int64(info.st_size)
        seconds = Int64(info.st_mtim.tv_sec)
        nanoseconds = Int64(info.st_mtim.tv_nsec)
    }
}

extension FileStamp {
    /// Throws, naming the input, when the file at `path` no longer has the stamp it had when it was
    /// first read (`stamp` nil: it had none, as a file that could not be stat'ed).
    static func requireUnchanged(_ stamp: FileStamp?, path: String, name: String) throws {
        guard let stamp, FileStamp(path: path) != stamp else { return }
        throw ScrubError(
            "the input changed while it was being scrubbed (written to after it was first read)", file: name)
    }
}
