#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Zstd

/// One input file opened for reading, decompressed on the fly when its first bytes say zstd.
///
/// Compressed or plain is decided by the magic bytes (a zstd frame or a skippable frame), never by
/// the file name.
public final class InputSource {
    /// The name used in messages: the path as typed (`<stdin>` for standard input).
    public let name: String
    /// The name in the findings' `file` column and the summary (`ScrubOptions.reportedInputNames`).
    public let reportedName: String
    public let path: String
    public let isCompressed: Bool
    private var fd: Int32
    private var pending: [UInt8]
    private var zstd: ZstdReader?
    /// For a plain file read past the page cache: page-aligned blocks, handed out from `staged`.
    private var direct: (buffer: UnsafeMutableRawBufferPointer, staged: Range<Int>)?
    /// Bytes read from the file itself (compressed bytes for zstd), for progress.
    public private(set) var rawBytesRead: UInt64 = 0
    public let rawSize: UInt64?

    /// - Parameter spool: the file is one of the run's own spools (`SpoolFile`): plain bytes whatever
    ///   they start with (a findings spool starts with a record number, which could spell zstd's
    ///   magic), read past the page cache where the file system allows, as they were written.
    convenience init(path: String, name: String? = nil, reportedName: String? = nil, spool: Bool) throws {
        try self.init(path: path, name: name, reportedName: reportedName, isSpool: spool)
    }

    public convenience init(path: String, name: String? = nil, reportedName: String? = nil) throws {
        try self.init(path: path, name: name, reportedName: reportedName, isSpool: false)
    }

    private init(path: String, name: String?, reportedName: String?, isSpool: Bool) throws {
        self.path = path
        self.name = name ?? path
        self.reportedName = reportedName ?? name ?? path
        // Both passes read the input, and its format is told from its first bytes before that: a
        // pipe or device (`/dev/stdin`, a shell's `<(zstd -dc …)`) would lose those bytes and could
        // not be read again. Checked before opening, which would block on a FIFO without a writer.
        var kind = stat()
        if stat(path, &kind) == 0 && (kind.st_mode & S_IFMT) != S_IFREG && (kind.st_mode & S_IFMT) != S_IFDIR {
            throw ScrubError(
                "not a regular file (a pipe or device cannot be read twice): give - to read standard input",
                file: name ?? path)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ScrubError("cannot open: \(String(cString: strerror(errno)))", file: name ?? path)
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ScrubError("is a directory, not an extract", file: name ?? path)
        }
        rawSize = (info.st_mode & S_IFMT) == S_IFREG ? UInt64(info.st_size) : nil
        self.fd = fd
        // Peek at the first bytes to tell zstd from plain (and other compressors: bzip2's magic
        // takes ten); they are replayed to whoever reads.
        let peek = 10
        var head = [UInt8](repeating: 0, count: peek)
        var got = 0
        while got < peek {
            let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, peek - got) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                // A read error (EIO) is not the end of the file: read as such, a damaged disk
                // gave "header is not valid UTF-8".
                let reason = String(cString: strerror(errno))
                close(fd)
                throw ScrubError("read failed: \(reason)", file: name ?? path)
            }
            if n == 0 { break }
            got += n
        }
        head.removeLast(peek - got)
        pending = head
        rawBytesRead = UInt64(got)
        isCompressed = !isSpool && ZstdFormat.isCompressed(prefix: head)
        if !isSpool && !isCompressed, let other = Self.otherContainer(prefix: head, standardInput: name == "<stdin>") {
            // Read as text, a gzip file said "lines end with CR only" and an xz file "the header
            // holds NUL bytes": messages about text that is not there.
            close(fd)
            throw ScrubError(
                "\(other.kind): claim-scrub reads zstd-compressed or plain text; \(other.advice)", file: name ?? path)
        }
        if isCompressed {
            zstd = ZstdReader(bufferSize: 1 << 20) { [unowned self] buffer in try self.readRaw(into: buffer) }
        } else if isSpool, lseek(fd, 0, SEEK_SET) == 0 {
            // Direct reads start at an aligned offset: the peeked bytes are read again.
            if BlockWriter.setDirect(fd, true) {
                pending = []
                rawBytesRead = 0
                self.direct = (.allocate(byteCount: BlockWriter.blockSize, alignment: BlockWriter.alignment), 0..<0)
            } else {
                _ = lseek(fd, off_t(got), SEEK_SET)
            }
        }
    }

    /// What a file is when its first bytes are another compressor's or container's magic number,
    /// with what to do about it; nil for anything else (text, or zstd).
    static func otherContainer(prefix: [UInt8], standardInput: Bool = false) -> (kind: String, advice: String)? {
        func starts(_ magic: [UInt8]) -> Bool { prefix.starts(with: magic) }
        func decompress(_ tool: String) -> String {
            standardInput
                ? "decompress it in the pipe (… | \(tool) | claim-scrub scrub - …)"
                : "decompress it first (\(tool) FILE | claim-scrub scrub - …) or recompress it with zstd"
        }
        if starts([0x1F, 0x8B]) { return ("gzip-compressed", decompress("gzip -dc")) }
        if starts([0xFD, 0x37, 0x7A, 0x58]) { return ("xz-compressed", decompress("xz -dc")) }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return ("lz4-compressed", decompress("lz4 -dc")) }
        // `BZh` and a block size digit, then the first block's magic (π's digits): a header may
        // start `BZh1,…`.
        if prefix.count == 10 && starts([0x42, 0x5A, 0x68]) && (0x31...0x39).contains(prefix[3])
            && prefix[4...] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
        {
            return ("bzip2-compressed", decompress("bzip2 -dc"))
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            return (
                "a zip archive (an .xlsx workbook is one)",
                "extract the extract from it (unzip -p FILE NAME | claim-scrub scrub - …), or save a sheet as CSV"
            )
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) {
            return ("an Excel 97-2003 workbook (or another OLE2 document)", "save the sheet as CSV")
        }
        if starts([0x37, 0x7A, 0xBC, 0xAF]) { return ("a 7-Zip archive", "extract the extract from it first") }
        return nil
    }

    deinit {
        release()
    }

    /// Whether `release()` has closed the file and freed the decompressor and buffers.
    var isReleased: Bool { fd < 0 && zstd == nil && direct == nil }

    /// Closes the file and frees the decompressor and buffers (about 3.5 MiB for a zstd input);
    /// what was learnt of the file (`name`, `isCompressed`, `rawSize`, `rawBytesRead`) stays, and
    /// reading returns the end of input. An input read to its end, or opened only for its header,
    /// lets go of them: a month's daily files held theirs to the end of the run, all at once.
    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
        zstd = nil
        pending = []
        direct?.buffer.deallocate()
        direct = nil
    }

    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !pending.isEmpty {
            let n = min(buffer.count, pending.count)
            pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            pending.removeFirst(n)
            return n
        }
        if direct != nil { return try readDirect(into: buffer) }
        if fd < 0 { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                rawBytesRead += UInt64(n)
                return n
            }
            if errno == EINTR { continue }
            throw ScrubError("read failed: \(String(cString: strerror(errno)))", file: name)
        }
    }

    private func readDirect(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let block = direct?.buffer, var staged = direct?.staged else { return 0 }
        if staged.isEmpty {
            var wasRefused = false
            while true {
                let n = Glibc.read(fd, block.baseAddress, block.count)
                if n >= 0 {
                    rawBytesRead += UInt64(n)
                    staged = 0..<n
                    break
                }
                if errno == EINTR { continue }
                // The file system refused a direct read (or a short one left the offset unaligned):
                // the rest is read through the page cache; a read refused that way too is an error.
                if errno == EINVAL && !wasRefused && BlockWriter.setDirect(fd, false) {
                    wasRefused = true
                    continue
                }
                throw ScrubError("read failed: \(String(cString: strerror(errno)))", file: name)
            }
        }
        let n = min(buffer.count, staged.count)
        buffer.baseAddress!.copyMemory(from: block.baseAddress! + staged.lowerBound, byteCount: n)
        direct = (block, staged.dropFirst(n))
        return n
    }

    /// Fills `buffer` with decompressed (or plain) bytes; 0 at end of input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let zstd else { return try readRaw(into: buffer) }
        do {
            return try zstd.read(into: buffer)
        } catch let error as ZstdError {
            throw ScrubError("\(error.description)", file: name)
        } catch let error as ScrubError {
            throw error
        } catch {
            throw ScrubError("\(error)", file: name)
        }
    }

    /// Reads until `buffer` is full or the input ends; returns the bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}
