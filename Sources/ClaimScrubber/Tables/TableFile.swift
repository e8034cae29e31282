import Foundation
import Zstd

/// Reads a table file whole, decompressing it when its first bytes say zstd.
enum TableFile {
    /// The most text a table file may hold, 1 GiB, compressed or not: the largest CMS file, one
    /// part of a quarter's NCCI PTP table, is about 33 MB. A larger file (a wrong file in the
    /// folder, a 92 KB zstd stream of 3 GB of zeros) was read whole into memory: it stopped the run
    /// with an allocation failure, or ran for minutes.
    static let maxBytes = 1 << 30

    static func read(_ path: String, maxBytes: Int = TableFile.maxBytes) throws -> [UInt8] {
        let name = (path as NSString).lastPathComponent
        let tooLarge = "table file holds more than \(maxBytes >> 20) MiB of text: is it a code table?"
        guard let bytes = try readWhole(path, maxBytes: maxBytes, tooLarge: ScrubError(tooLarge, file: name)) else {
            throw ScrubError("cannot read table file (missing, unreadable or not a regular file)", file: name)
        }
        guard ZstdFormat.isCompressed(prefix: bytes) else { return withoutByteOrderMark(bytes) }
        let text: [UInt8]
        do {
            text = try ZstdReader.decompress(bytes, limit: maxBytes)
        } catch let error as ZstdError where error.message.hasPrefix("decompresses to more than") {
            throw ScrubError(tooLarge, file: name)
        } catch {
            throw ScrubError("table file is not a valid zstd stream: \(error)", file: name)
        }
        return withoutByteOrderMark(text)
    }

    /// The text without a UTF-8 byte order mark before its first line (a spreadsheet's or an
    /// editor's "UTF-8 with BOM"): it would sit in the first header cell, or shift a fixed-width
    /// file's first record by three bytes.
    static func withoutByteOrderMark(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// The file's bytes, read straight into one array (through `Data` they were copied once more:
    /// twice a quarter's 33 MB NCCI part at the load's peak); nil when it cannot be read, and
    /// `tooLarge` thrown past `maxBytes`.
    private static func readWhole(_ path: String, maxBytes: Int, tooLarge: ScrubError) throws -> [UInt8]? {
        guard let (fd, size) = openRegular(path) else { return nil }
        defer { close(fd) }
        guard size <= maxBytes else { throw tooLarge }
        var bytes = [UInt8](repeating: 0, count: size)
        let got = bytes.withUnsafeMutableBytes { buffer in try? readFully(fd, into: buffer) { ScrubError($0) } }
        guard let count = got else { return nil }
        // A file that shrank while read keeps what was there.
        if count < bytes.count { bytes.removeLast(bytes.count - count) }
        return bytes
    }

    /// About how many bytes of text `path` holds: its size, eight times that when it starts as a
    /// zstd stream; 0 when it cannot be read (reading it will then say why).
    static func textEstimate(_ path: String) -> Int {
        guard let (fd, size) = openRegular(path) else { return 0 }
        defer { close(fd) }
        var prefix = [UInt8](repeating: 0, count: 4)
        let got = prefix.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4) }
        return ZstdFormat.isCompressed(prefix: prefix.prefix(max(got, 0))) ? size * 8 : size
    }

    /// `path` opened for reading, with its size, when it is a regular file; nil otherwise. Opened
    /// non-blocking, so that a FIFO in a table folder is refused instead of waited on forever for
    /// a writer (on a regular file the flag changes nothing).
    private static func openRegular(_ path: String) -> (fd: Int32, size: Int)? {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        return (fd, Int(info.st_size))
    }

    /// Lines of a text table (line ends and a trailing CR removed), with 1-based line numbers.
    static func lines(_ bytes: [UInt8]) -> [(number: Int, text: ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var end = i
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            if !(i == bytes.count && start == i) { result.append((number, bytes[start..<end])) }
            number += 1
            start = i + 1
        }
        return result
    }
}
