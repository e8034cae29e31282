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
        var batch = ChargeBatch(chunk: lines.bytes, layout: layout, capacity: lines.count)
        let columns = ChargeBatch.columnCount
        let fields = CanonicalRecords.columnIndex
        lines.spans.withUnsafeBufferPointer { spans in
            guard let row = spans.baseAddress else { return }
            var start = 0
            for r in 0..<lines.count {
                let end = Int(lines.ends[r])
                batch.appendRecord(start: start, end: end, line: r, spans: row + r * columns)
                if !Self.isASCII(batch.base + start, end - start) {
                    for k in fields.indices {
                        let span = row[r * columns + fields[k]]
                        let text = UnsafeRawBufferPointer(start: batch.base + Int(span.start), count: Int(span.length))
                        guard !Self.isValidUTF8(text) else { continue }
                        batch.unparsed[r] = true
                        sink.add(
                            .S01, record: r, field: CanonicalRecords.columns[k].rawValue,
                            message: "invalid UTF-8 bytes in field")
                        break
                    }
                }
                start = end
            }
        }
        decodeColumns(&batch, sink: &sink)
        return batch
    }
}
