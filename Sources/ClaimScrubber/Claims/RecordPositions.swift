/// Each claim-file record's position in its file (its segment number), in run-wide record order:
/// where an E01 or E02 row says the line it repeats lies.
///
/// About a byte a record (`CompactIntegers`: positions grow by a few segments a line), in pages
/// of a fixed size: one growing array would double its capacity as the records come, holding up
/// to twice what it needs, and three times while it copies itself over (a 2M-line 837P at
/// `--memory-limit 128MiB` peaked about 6 MB higher with a plain `[UInt32]`, and 13 MB with
/// `[Int]`).
struct RecordPositions: Sendable {
    private var positions = CompactIntegers()

    var count: Int { positions.count }

    mutating func append(_ position: Int) {
        positions.append(position >= 0 ? position : -1)
    }

    /// The position of `record`, when it was kept.
    subscript(record: Int) -> Int? {
        guard record >= 0, record < count else { return nil }
        let position = positions[record]
        return position < 0 ? nil : position
    }
}
