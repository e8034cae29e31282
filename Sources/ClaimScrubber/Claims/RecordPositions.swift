/// Each claim-file record's position in its file (its segment number), in run-wide record order:
/// where an E01 or E02 row says the line it repeats lies.
///
/// 4 bytes a record, in pages of a fixed size: one growing array would double its capacity as
/// the records come, holding up to twice what it needs, and three times while it copies itself
/// over (a 2M-line 837P at `--memory-limit 128MiB` peaked about 6 MB higher with a plain
/// `[UInt32]`, and 13 MB with `[Int]`). A position past four billion segments into one file is
/// not kept; the row then names no line.
struct RecordPositions: Sendable {
    private static let pageShift = 16
    private static let pageSize = 1 << pageShift
    private static let unknown = UInt32.max
    private var pages: [[UInt32]] = []
    private(set) var count = 0

    mutating func append(_ position: Int) {
        if count & (Self.pageSize - 1) == 0 {
            var page: [UInt32] = []
            page.reserveCapacity(Self.pageSize)
            pages.append(page)
        }
        let kept = position >= 0 && position < Int(Self.unknown) ? UInt32(position) : Self.unknown
        pages[pages.count - 1].append(kept)
        count += 1
    }

    /// The position of `record`, when it was kept.
    subscript(record: Int) -> Int? {
        guard record >= 0, record < count else { return nil }
        let position = pages[record >> Self.pageShift][record & (Self.pageSize - 1)]
        return position == Self.unknown ? nil : Int(position)
    }
}
