/// Each claim-file record's position in its file (its segment number), in run-wide record order:
/// where an E01 or E02 row says the line it repeats lies.
///
/// 4 bytes a record, in pages of a fixed size: one growing array would double its capacity as
/// the records come, holding up to twice what it needs, and three times while it copies itself
/// over (a 2M-line 837P at `--memory-limit 128MiB` peaked about 6 MB higher with a plain
/// `[UInt32]`, and 13 MB with `[Int]`). A position past four billion segments into one file is
/// not kept; the row then names no line.
struct RecordPositions: Sendable {
    private static let unknown = UInt32.max
    private var positions = PagedArray<UInt32>()

    var count: Int { positions.count }

    mutating func append(_ position: Int) {
        positions.append(position >= 0 && position < Int(Self.unknown) ? UInt32(position) : Self.unknown)
    }

    /// The position of `record`, when it was kept.
    subscript(record: Int) -> Int? {
        guard record >= 0, record < count else { return nil }
        let position = positions[record]
        return position == Self.unknown ? nil : Int(position)
    }
}
