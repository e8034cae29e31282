import Foundation
import Testing

@testable import ClaimScrubber

/// Pass 2 cuts an input into the chunks pass 1 cut, from their byte and newline counts, without
/// scanning again: it must give the same chunks, and refuse an input whose bytes changed.
@Suite struct ChunkPlanTests {
    /// Records with quoted delimiters and quoted newlines, so chunk ends depend on quote parity.
    static func extract(records: Int) -> [UInt8] {
        var text = "line_id,description,amount\n"
        for r in 0..<records {
            text += r % 3 == 0 ? "L\(r),\"two\nlines, \"\"quoted\"\"\",\(r).00\n" : "L\(r),plain,\(r).00\n"
        }
        return Array(text.utf8)
    }

    struct Cut: Equatable {
        var bytes: [UInt8]
        var firstLine: Int
        var newlines: Int
    }

    static func read(_ path: String, chunkSize: Int, plan: [ChunkReader.ChunkPlan]?) throws -> [Cut] {
        let reader = ChunkReader(source: try InputSource(path: path), file: 0, chunkSize: chunkSize)
        _ = try reader.readHeader()
        reader.plan = plan
        var cuts: [Cut] = []
        var sequence = 0
        while let chunk = try reader.nextChunk(sequence: sequence) {
            cuts.append(Cut(bytes: Array(chunk.bytes), firstLine: chunk.firstLine, newlines: chunk.newlineCount))
            sequence += 1
        }
        return cuts
    }

    @Test(arguments: [64, 1000, 1 << 20])
    func theSameChunksComeBackWithoutScanning(chunkSize: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = dir.file("in.csv")
        try Data(Self.extract(records: 400)).write(to: URL(fileURLWithPath: path))
        let scanned = try Self.read(path, chunkSize: chunkSize, plan: nil)
        let plan = scanned.map { ChunkReader.ChunkPlan(count: $0.bytes.count, newlines: $0.newlines) }
        #expect(try Self.read(path, chunkSize: chunkSize, plan: plan) == scanned)
        // The plan, not the scan, decides: pairs of chunks merged into one come back merged.
        var merged: [Cut] = []
        for (i, cut) in scanned.enumerated() {
            if i % 2 == 1 {
                merged[merged.count - 1].bytes += cut.bytes
                merged[merged.count - 1].newlines += cut.newlines
            } else {
                merged.append(cut)
            }
        }
        let mergedPlan = merged.map { ChunkReader.ChunkPlan(count: $0.bytes.count, newlines: $0.newlines) }
        #expect(try Self.read(path, chunkSize: chunkSize, plan: mergedPlan) == merged)
    }

    @Test func aLongerOrShorterInputIsAnError() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = dir.file("in.csv")
        let bytes = Self.extract(records: 100)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let plan = try Self.read(path, chunkSize: 256, plan: nil).map {
            ChunkReader.ChunkPlan(count: $0.bytes.count, newlines: $0.newlines)
        }
        try Data(bytes + Array("L999,late,1.00\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ScrubError.self) { try Self.read(path, chunkSize: 256, plan: plan) }
        try Data(bytes.dropLast(10)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ScrubError.self) { try Self.read(path, chunkSize: 256, plan: plan) }
    }
}
