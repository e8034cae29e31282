import Foundation
import Testing

@testable import ClaimScrubber

/// The chunk reader's record limit: a record longer than `maxRecordBytes` stops the run, one that
/// fits is read, whatever the chunk size (where the record starts within a chunk must not matter).
@Suite struct ChunkReaderTests {
    /// Over the 64 KiB the header is read with, so the long record is reached chunk by chunk.
    static let limit = 96 << 10

    /// 2,000 short records, one record of `longLength` bytes (its newline included) at line 2,002,
    /// short records.
    static func extract(longLength: Int) -> [UInt8] {
        var text = "line_id,note\n"
        for r in 0..<2_000 { text += "L\(r),\(String(repeating: "s", count: 17 + r % 37))\n" }
        text += "LONG," + String(repeating: "x", count: longLength - 6) + "\n"
        for r in 0..<10 { text += "M\(r),short\n" }
        return Array(text.utf8)
    }

    static func readAll(_ path: String, chunkSize: Int) throws -> Int {
        let reader = ChunkReader(
            source: try InputSource(path: path), file: 0, chunkSize: chunkSize, maxRecordBytes: limit)
        _ = try reader.readHeader()
        var bytes = 0
        var sequence = 0
        while let chunk = try reader.nextChunk(sequence: sequence) {
            bytes += chunk.bytes.count
            sequence += 1
        }
        return bytes
    }

    @Test(arguments: [64, 100, 129, 1000, 4096, 33_333, 65_536, 90_000])
    func aRecordOverTheLimitStopsTheRunForAnyChunkSize(chunkSize: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let over = try dir.write("over.csv", Self.extract(longLength: Self.limit + 300))
        do {
            _ = try Self.readAll(over, chunkSize: chunkSize)
            Issue.record("a record of \(Self.limit + 300) bytes was read with a limit of \(Self.limit)")
        } catch let error as ScrubError {
            #expect(error.line == 2_002, "\(error)")
            #expect(error.description.contains("longer than"), "\(error)")
        }
        let fits = Self.extract(longLength: Self.limit)
        let path = try dir.write("fits.csv", fits)
        #expect(try Self.readAll(path, chunkSize: chunkSize) == fits.count - "line_id,note\n".utf8.count)
    }

    /// A released reader (an input done with, or opened for its header only) has let go of its
    /// file and buffers: it reads as ended, and what was learnt of the file stays.
    @Test func aReleasedReaderReadsAsEndedAndKeepsWhatItLearnt() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let plain = try dir.write("x.csv", Self.extract(longLength: 100))
        let compressed = dir.file("x.csv.zst")
        _ = try Fixtures.generate(lines: 2_000, to: compressed)
        for path in [plain, compressed] {
            let source = try InputSource(path: path)
            let reader = ChunkReader(source: source, file: 0, chunkSize: 4096)
            #expect(try reader.readHeader() != nil)
            let read = source.rawBytesRead
            #expect(!source.isReleased)
            reader.release()
            #expect(source.isReleased)
            #expect(try reader.nextChunk(sequence: 0) == nil)
            var buffer = [UInt8](repeating: 0, count: 64)
            #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 0)
            #expect(source.rawBytesRead == read && source.isCompressed == (path == compressed))
            #expect(source.rawSize == UInt64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int))
        }
    }

    /// The header's reading looks up to 1 MiB ahead for a line end, so a first record longer than
    /// a small limit (`--memory-limit 1MiB`: 64 KiB) came to the first chunk as a carry longer
    /// than its buffer, and was copied past it (a heap overrun: crashes, or worse). It stops the
    /// run as such a record anywhere else does; one under the limit is read.
    @Test func aLongFirstRecordUnderASmallMemoryLimitIsRefusedOrRead() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,description\n"
        func extract(first: Int) -> String {
            var text = header + "L0,E0,P0,2026-06-01,99213,1,90.00," + String(repeating: "x", count: first) + "\n"
            // Enough lines after it that the carry goes past the limit whatever its size.
            for k in 1...30000 { text += "L\(k),E\(k),P\(k),2026-06-01,99213,1,90.00,visit\n" }
            return text
        }
        var options = ScrubOptions(inputs: [], asOf: Fixtures.asOf)
        options.memoryLimit = 1 << 20
        let limit = options.maxRecordBytes
        #expect(limit < 1 << 20)
        let long = try dir.write("long.csv", extract(first: limit + 5000))
        #expect {
            _ = try Fixtures.scrub([long], out: dir.file("o1")) { $0.memoryLimit = 1 << 20 }
        } throws: { error in
            let error = error as? ScrubError
            return error?.line == 2 && error?.message.contains("a record is longer than") == true
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("o1/clean.csv")))
        let fits = try dir.write("fits.csv", extract(first: limit - 5000))
        let result = try Fixtures.scrub([fits], out: dir.file("o2")) { $0.memoryLimit = 1 << 20 }
        #expect(result.summary.linesIn == 30001 && result.summary.linesClean == 30001)
        #expect(try Fixtures.read(dir.file("o2/clean.csv")) == Array(extract(first: limit - 5000).utf8))
    }
}
