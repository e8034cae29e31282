import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Spool file")
struct SpoolFileTests {
    /// A spool written past the page cache and read back the same way gives back every byte, in
    /// reads of any size (the chunk reader asks for what its buffer has room for).
    @Test(arguments: [0, 3, 4096, BlockWriter.blockSize - 1, BlockWriter.blockSize + 4097, 2 * BlockWriter.blockSize])
    func aSpoolReadsBackWhatWasWritten(size: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let expected = BlockWriterTests.bytes(size, seed: UInt64(size) &+ 77)
        let spool = try SpoolFile(directory: folder.path, name: "input.spool")
        defer { spool.remove() }
        try expected.withUnsafeBytes { try spool.write($0) }
        try spool.finish()
        let source = try InputSource(path: spool.path, name: "spool", spool: true)
        var read: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 3 << 20, alignment: 1)
        defer { buffer.deallocate() }
        var ask = 1
        while true {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(ask, buffer.count)]))
            if n == 0 { break }
            read += buffer[0..<n]
            ask = ask * 7 + 3
        }
        #expect(read == expected)
        #expect(source.rawBytesRead == UInt64(size))
    }
}
