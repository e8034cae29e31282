#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// The decompressed bytes of a compressed input, kept on disk by pass 1 for pass 2.
///
/// Pass 2 must read every line again; for a zstd input that is either a second decompression (CPU)
/// or this spool (disk). Both ways the spool bypasses the page cache, yet the disk is then the
/// limit: on a 10M-line extract here pass 2 took 3.5 s from the spool against 2.2 s decompressing
/// with plain outputs (reading the spool while writing as many bytes out), and about the same with
/// compressed ones. So decompressing again is the default and the spool is `--second-pass spool`
/// (`ScrubOptions.spoolCompressedInput`), for machines where disk is cheaper than CPU. Plain inputs
/// are simply re-read.
final class SpoolFile {
    let path: String
    private var fd: Int32
    private let blocks: BlockWriter

    /// A new spool in `directory` (the system's temporary folder when nil), its file name ending
    /// in `name`.
    init(directory: String?, name: String) throws {
        (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: name)
        let path = self.path
        // Past the page cache, both ways (pass 2 reads it with `InputSource(path:name:spool:)`): through the
        // cache, writing and reading back a 10M-line extract cost more system time than decompressing
        // it again.
        blocks = BlockWriter(fd: fd) {
            ScrubError("cannot write the spool file (is --temp-dir full?): \($0)", file: path)
        }
    }

    deinit { remove() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try blocks.append(bytes)
    }

    /// Writes what is buffered and closes the file, ready for pass 2.
    func finish() throws {
        guard fd >= 0 else { return }
        defer {
            close(fd)
            fd = -1
        }
        try blocks.finish()
    }

    private func closeFile() {
        if fd >= 0 {
            blocks.abandon()
            close(fd)
            fd = -1
        }
    }

    func remove() {
        closeFile()
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }
}
