/// Decoding the charge lines of claim files, written by their readers as field spans.
extension ChargeParser {
    /// The batch of `lines`: what `parse` gives for the same lines written as CSV records, without
    /// the re-scan.
    ///
    /// The lines' fields are already cut and unquoted, so of `parse`'s per-record work only the
    /// UTF-8 check is left (S01, on the first field that is not valid UTF-8); S01 for quoting or a
    /// field count cannot occur. `decodeColumns` then does the rest, as for an extract. The
    /// batch keeps `lines.bytes`; a line's `lineOffset` is its index (one physical line each).
    func decode(_ lines: ChargeLines, sink: inout FindingSink) -> ChargeBatch {
        var batch = ChargeBatch(chunk: lines.bytes, layout: layout)
        let columns = ChargeBatch.columnCount
        let fields = CanonicalRecords.columnIndex
        let count = lines.count
        let starts = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        let ends = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        let lineOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
        let unparsed = UnsafeMutablePointer<Bool>.allocate(capacity: max(count, 1))
        let spans = UnsafeMutablePointer<ChargeBatch.Span>.allocate(capacity: max(count * columns, 1))
        lines.spans.withUnsafeBufferPointer { rows in
            guard let row = rows.baseAddress else { return }
            spans.initialize(from: row, count: count * columns)
            var start = 0
            for r in 0..<count {
                let end = Int(lines.ends[r])
                starts[r] = Int32(start)
                ends[r] = Int32(end)
                lineOffsets[r] = Int32(r)
                unparsed[r] = false
                if !Self.isASCII(batch.base + start, end - start) {
                    for k in fields.indices {
                        let span = row[r * columns + fields[k]]
                        let text = UnsafeRawBufferPointer(start: batch.base + Int(span.start), count: Int(span.length))
                        guard !Self.isValidUTF8(text) else { continue }
                        unparsed[r] = true
                        sink.add(
                            .S01, record: r, field: CanonicalRecords.columns[k].rawValue,
                            message: "invalid UTF-8 bytes in field")
                        break
                    }
                }
                start = end
            }
        }
        batch.adoptRecords(
            count: count, start: starts, end: ends, line: lineOffsets, unparsed: unparsed, spans: spans)
        decodeColumns(&batch, sink: &sink)
        return batch
    }
}
