import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

@Suite("Block writer")
struct BlockWriterTests {
    /// Bytes that differ from block to block, so a block written twice or skipped shows.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        let words = (0..<(count + 7) / 8).map { _ in generator.next() }
        return Array(words.withUnsafeBytes { $0.prefix(count) })
    }

    static let block = BlockWriter.blockSize

    static func contents(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Sizes around the 4096-byte alignment and the block size, where direct and buffered writes meet.
    @Test(arguments: [0, 1, 4095, 4096, 4097, block - 1, block, block + 1, 2 * block + 4096, 2 * block + 12345])
    func everyByteReachesTheFileInOrder(size: Int) throws {
        for direct in [true, false] {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let expected = Self.bytes(size, seed: UInt64(size))
            let output = try OutputFile(path: folder.file("out.csv"), level: nil, direct: direct)
            // Asked not to, the writer keeps to the page cache (whether the file system takes
            // O_DIRECT when asked depends on where the tests run).
            if !direct { #expect(!output.isDirect) }
            // Pieces of uneven sizes, one larger than a block, as pass 2 hands over runs of records.
            var start = 0
            var piece = 1
            while start < expected.count {
                let end = min(expected.count, start + piece)
                try expected[start..<end].withUnsafeBytes { try output.write($0) }
                start = end
                piece = piece > Self.block ? 7 : piece * 13 + 5
            }
            try output.commit()
            #expect(try Self.contents(folder.file("out.csv")) == expected, "direct: \(direct)")
        }
    }

    @Test func compressedOutputDecompressesToWhatWasWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Text-like bytes compress; more than a block of compressed output crosses the block boundary.
        let line = Array("E1,P1,2026-05-01,99213,,1,75.00,Z00.00\n".utf8)
        var expected: [UInt8] = []
        var random = Self.bytes(4 * Self.block, seed: 9)
        for i in 0..<(Self.block / 16) { expected += line + random[(i * 64)..<(i * 64 + 64)] }
        random = []
        let output = try OutputFile(path: folder.file("out.csv.zst"), level: 1, workers: 2)
        try output.write(expected)
        try output.commit()
        let written = try Self.contents(folder.file("out.csv.zst"))
        #expect(written.count > Self.block)
        #expect(try ZstdReader.decompress(written) == expected)
    }

    /// /dev/full takes the open and fails every write with ENOSPC: whether the failed block is the
    /// last or one written while later bytes were still coming, the writer's caller hears of it.
    @Test(arguments: [100, 3 * BlockWriter.blockSize + 5])
    func aWriteErrorNamesTheFile(size: Int) throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let fd = open("/dev/full", O_WRONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let writer = BlockWriter(fd: fd) { ScrubError("write failed: \($0)", file: "out.csv") }
        try writer.append(UnsafeRawBufferPointer(start: nil, count: 0))
        let data = Self.bytes(size, seed: 1)
        #expect {
            try data.withUnsafeBytes { try writer.append($0) }
            try writer.finish()
        } throws: { error in
            "\(error)".contains("out.csv") && "\(error)".contains("write failed")
        }
    }

    /// A discarded output's blocks still queued must not be written after its descriptor is closed:
    /// the next file opened takes the same number.
    @Test func aDiscardedOutputWritesNothingIntoTheNextFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for round in 0..<5 {
            let first = try OutputFile(path: folder.file("first-\(round).csv"), level: nil)
            try first.write(Self.bytes(3 * Self.block + 100, seed: UInt64(round)))
            first.discard()
            let next = try OutputFile(path: folder.file("next-\(round).csv"), level: nil)
            try next.write(Array("only this\n".utf8))
            try next.commit()
            #expect(try Self.contents(folder.file("next-\(round).csv")) == Array("only this\n".utf8))
            #expect(!FileManager.default.fileExists(atPath: first.temporaryPath))
        }
    }
}
