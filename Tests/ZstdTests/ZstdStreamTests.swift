import Testing
@testable import Zstd

@Suite struct ZstdStreamTests {
    static func sample(_ n: Int) -> [UInt8] {
        var rng: UInt64 = 42
        return (0..<n).map { _ in
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: (rng >> 59) + 0x41)  // compressible letters
        }
    }

    @Test func roundTripKeepsEveryByte() throws {
        let data = Self.sample(300_000)
        let compressed = try ZstdWriter.compress(data, level: 1)
        #expect(compressed.count < data.count)
        #expect(try ZstdReader.decompress(compressed) == data)
    }

    @Test func concatenatedFramesReadAsOneStream() throws {
        let a = Self.sample(10_000)
        let b = Array("second frame\n".utf8)
        let joined = try ZstdWriter.compress(a) + ZstdWriter.compress(b)
        #expect(try ZstdReader.decompress(joined) == a + b)
    }

    @Test func multithreadedWriterProducesTheSameData() throws {
        let data = Self.sample(3_000_000)
        var out: [UInt8] = []
        let writer = try ZstdWriter(level: 1, workers: 2) { out.append(contentsOf: $0) }
        try data.withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        #expect(try ZstdReader.decompress(out) == data)
    }

    @Test func truncatedStreamIsAnErrorNamingTheOffset() throws {
        let compressed = try ZstdWriter.compress(Self.sample(200_000))
        let cut = Array(compressed.prefix(compressed.count - 10))
        do {
            _ = try ZstdReader.decompress(cut)
            Issue.record("truncated stream decoded without error")
        } catch let error as ZstdError {
            #expect(error.message.contains("truncated"))
            #expect(error.offset == UInt64(cut.count))
        }
    }

    @Test func corruptStreamIsAnError() throws {
        var compressed = try ZstdWriter.compress(Self.sample(200_000))
        for i in 20..<60 { compressed[i] ^= 0x5A }
        #expect(throws: ZstdError.self) { _ = try ZstdReader.decompress(compressed) }
    }

    /// The offset a corrupt stream's error names is past the damage (the decoder read it before it
    /// could tell), never the start of the frame it was in.
    @Test func aCorruptStreamsOffsetIsPastTheDamage() throws {
        let clean = try ZstdWriter.compress(Self.sample(4_000_000))
        for at in [clean.count / 3, clean.count * 2 / 3] {
            var compressed = clean
            for i in at..<(at + 32) { compressed[i] ^= 0x5A }
            do {
                _ = try ZstdReader.decompress(compressed)
                Issue.record("damage at \(at) not noticed")
            } catch let error as ZstdError {
                #expect(error.offset.map { $0 > UInt64(at) && $0 <= UInt64(compressed.count) } == true, "\(error)")
                #expect(error.message.hasPrefix("corrupt zstd stream"), "\(error)")
            }
        }
    }

    @Test func emptyStreamIsAnError() {
        #expect(throws: ZstdError.self) { _ = try ZstdReader.decompress([]) }
    }

    @Test(
        arguments: [
            ([0x28, 0xB5, 0x2F, 0xFD], true),
            ([0x50, 0x2A, 0x4D, 0x18], true),
            ([0x5F, 0x2A, 0x4D, 0x18], true),
            ([0x6F, 0x2A, 0x4D, 0x18], false),
            (Array("line".utf8), false),
            ([0x28, 0xB5], false),
        ] as [([UInt8], Bool)])
    func magicBytesTellZstdFromPlain(prefix: [UInt8], compressed: Bool) {
        #expect(ZstdFormat.isCompressed(prefix: prefix) == compressed)
    }

    @Test func skippableFrameBeforeDataIsSkipped() throws {
        // A skippable frame: magic, 4-byte little-endian size, payload.
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9]
        let data = Array("after the skippable frame\n".utf8)
        #expect(try ZstdReader.decompress(skippable + ZstdWriter.compress(data)) == data)
    }
}
