#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a chunk into records by the reader's rule (a newline outside quotes ends a record),
/// without parsing fields: what pass 2 needs to route lines by their verdict.
enum RecordSplitter {
    /// Calls `body(start, next, newlines)` for each record; `next` is the offset after its line end
    /// (or the chunk's end for a last record without one), `newlines` the physical lines it spans.
    @inline(__always)
    static func forEachRecord(_ bytes: UnsafeRawBufferPointer, _ body: (Int, Int, Int) throws -> Void) throws {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var start = 0
        var searchFrom = 0
        var quotes = 0
        var newlines = 0
        while start < n {
            guard let hit = memchr(base + searchFrom, 0x0A, n - searchFrom) else {
                try body(start, n, newlines)
                return
            }
            newlines += 1
            let newline = base.distance(to: UnsafeRawPointer(hit))
            quotes += ChunkReader.count(UnsafeRawBufferPointer(rebasing: bytes[searchFrom..<newline])).quotes
            if quotes & 1 == 0 {
                try body(start, newline + 1, newlines)
                start = newline + 1
                quotes = 0
                newlines = 0
            }
            searchFrom = newline + 1
        }
    }
}
