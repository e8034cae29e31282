import CScan

/// Splits a chunk into records by the reader's rule (a newline outside a quoted field ends a
/// record; see `ChunkReader`), without parsing fields: what pass 2 needs to route lines by their
/// verdict.
enum RecordSplitter {
    /// Calls `body(start, next, newlines)` for each record; `next` is the offset after its line end
    /// (or the chunk's end for a last record without one), `newlines` the physical lines it spans.
    @inline(__always)
    static func forEachRecord(
        _ bytes: UnsafeRawBufferPointer, delimiter: UInt8, _ body: (Int, Int, Int) throws -> Void
    ) throws {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        var start = 0
        while start < n {
            var newlines = 0
            var scanned = 0
            let end = cscan_records(base + start, n - start, delimiter, 1, &newlines, &scanned)
            let next = min(start + end + 1, n)
            try body(start, next, newlines)
            start = next
        }
    }
}
