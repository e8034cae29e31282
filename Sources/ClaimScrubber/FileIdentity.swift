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

/// A file's identity (device and inode), size, modification time and status-change time: a file
/// written to while a run reads it twice (an edit in place that keeps every record's start, which
/// pass 2's own checks do not see) stamps otherwise, and so does one replaced under its name (a copy
/// moved over it), even with its size and modification time kept (`cp -p`, `rsync -t`, `touch -r`:
/// those set the modification time, and the kernel the status-change time).
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
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
