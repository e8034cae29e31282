#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The decompressed bytes of a compressed input, kept on disk by pass 1 for pass 2.
///
/// Pass 2 must read every line again; for a zstd input that is either a second decompression (CPU)
/// or this spool (disk, usually the page cache). Decompressing again costs less CPU here, so it is
/// the default and the spool is `--second-pass spool` (`ScrubOptions.spoolCompressedInput`), for
/// machines where disk is cheaper than CPU. Plain inputs are simply re-read.
final class SpoolFile {
    let path: String
    private var fd: Int32

    /// A new spool in `directory` (the system's temporary folder when nil), its file name ending
    /// in `name`.
    init(directory: String?, name: String) throws {
        (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: name)
    }

    deinit { remove() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAll(fd, bytes) { ScrubError("cannot write the spool file (is --temp-dir full?): \($0)", file: path) }
    }

    func finish() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    func remove() {
        finish()
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }
}
