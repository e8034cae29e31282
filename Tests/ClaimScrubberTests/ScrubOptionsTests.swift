import Testing

@testable import ClaimScrubber

/// Sizes that follow `--memory-limit` and `--workers`; the names inputs are reported by.
@Suite struct ScrubOptionsTests {
    @Test func inputsAreReportedByFileNameUnlessTwoShareOne() {
        #expect(
            ScrubOptions(inputs: ["/data/2026-11/extract.csv.zst"], asOf: 0).reportedInputNames == ["extract.csv.zst"])
        #expect(ScrubOptions(inputs: ["-", "b/e.csv"], asOf: 0).reportedInputNames == ["<stdin>", "e.csv"])
        // Two inputs of one file name keep their paths as typed, so their findings stay apart; the
        // third input is still named by its file name.
        let options = ScrubOptions(inputs: ["jan/extract.csv", "/srv/feb/extract.csv", "./late.csv"], asOf: 0)
        #expect(options.reportedInputNames == ["jan/extract.csv", "/srv/feb/extract.csv", "late.csv"])
    }

    @Test func theChunkSizeFollowsTheMemoryLimitUnlessSet() {
        var options = ScrubOptions(inputs: ["x.csv"], asOf: 0)
        options.workers = 2
        #expect(options.chunkSize == 1 << 20)  // the default 512 MiB
        options.memoryLimit = 128 << 20
        #expect(options.chunkSize == 512 << 10)
        options.memoryLimit = 4 << 20
        #expect(options.chunkSize == 256 << 10)
        options.memoryLimit = 8 << 30
        #expect(options.chunkSize == 4 << 20)
        // Many workers: the chunks in flight stay within an eighth of the limit.
        options.memoryLimit = 512 << 20
        options.workers = 64
        #expect(options.chunkSize * (64 * 2 + 1) <= (512 << 20) / 8)
        #expect(options.chunkSize >= 256 << 10)
        options.chunkSize = 1_000
        #expect(options.chunkSize == 1_000)
        options.memoryLimit = 128 << 20
        #expect(options.chunkSize == 1_000)
    }

    @Test func largeTablesComeOutOfTheRunsBudget() {
        var options = ScrubOptions(inputs: ["x.csv"], asOf: 0)
        options.workers = 2
        options.memoryLimit = 256 << 20
        let alone = (options.workingMemory, options.chunkSize, options.maxRecordBytes)
        #expect(alone == (256 << 20, 512 << 10, 64 << 20))
        // A million PTP rows (a quarter's CMS files hold millions per setting).
        let rows = 1_000_000
        let release = PTPTable.Release(
            name: "big", setting: .practitioner, sortedKeys: (0..<UInt64(rows)).map { $0 << 30 | 1 },
            effective: Array(repeating: 0, count: rows), deletion: Array(repeating: .max, count: rows),
            indicator: Array(repeating: 1, count: rows))
        var tables = CodeTables()
        tables.ptp = PTPTable(releases: [release], periods: [.always])
        #expect(tables.residentBytes >= rows * 13)
        let pipeline = ScrubPipeline(options: options, tables: tables)
        #expect(pipeline.options.tableBytes == tables.residentBytes)
        #expect(pipeline.options.workingMemory == (256 << 20) - tables.residentBytes)
        #expect(pipeline.options.maxRecordBytes < alone.2)
        #expect(pipeline.options.chunkSize <= alone.1)
        // What the process holds when the run starts (measured by the command) counts when larger.
        options.tableBytes = 10 << 20
        options.baseBytes = 50 << 20
        #expect(options.workingMemory == 206 << 20)
        options.baseBytes = 5 << 20
        #expect(options.workingMemory == 246 << 20)
        // Tables past the limit still leave the run a quarter of it.
        options.tableBytes = 1 << 30
        #expect(options.workingMemory == 64 << 20)
        // The shipped tables count for nothing here: they are part of the fixed footprint.
        #expect(CodeTables().residentBytes == 0)
    }

    @Test func anX12InterchangeIsBufferedWithinTheWorkingMemory() {
        // The default limit: 64 MiB. At 128 MiB: an eighth of it. Never under 16 chunks.
        #expect(ClaimFilePipeline.serialThreshold(chunkSize: 1 << 20, workingMemory: 512 << 20) == 64 << 20)
        #expect(ClaimFilePipeline.serialThreshold(chunkSize: 512 << 10, workingMemory: 128 << 20) == 16 << 20)
        #expect(ClaimFilePipeline.serialThreshold(chunkSize: 256 << 10, workingMemory: 8 << 20) == 4 << 20)
        #expect(ClaimFilePipeline.serialThreshold(chunkSize: 4 << 20, workingMemory: 8 << 30) == 64 << 20)
    }

    @Test func theProcesssResidentBytesAreRead() {
        // 64 MiB written: the process holds at least that much while it lives (other tests may
        // free memory meanwhile, so no difference of two readings is compared).
        let block = [UInt8](repeating: 1, count: 64 << 20)
        #expect(MemoryTuning.residentBytes() >= 64 << 20)
        #expect(block[123] == 1)
    }
}
