import Testing

@testable import ClaimScrubber

/// Sizes that follow `--memory-limit` and `--workers`.
@Suite struct ScrubOptionsTests {
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
}
