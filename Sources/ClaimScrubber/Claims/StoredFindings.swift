/// Pass 1's findings of a claim-file run, in record order, kept until pass 2 writes each beside its
/// claim: fixed-size entries, with their text end to end in one byte buffer, in segments.
///
/// They stay in memory between the passes (an extract's findings go to a spool file as finished
/// rows, but a claim's rows need the segment positions and line ids pass 2 reads). Kept as one
/// `[StoredFinding]`, each finding took an 80-byte element plus a heap string for its message,
/// and the array's doubling up to twice that: about 80 MiB of a 1 GB 837P run's peak heap, for
/// its 419 000 findings. Here an entry is 40 bytes and the text is stored once, and segments of
/// a fixed number of entries never copy the findings already kept.
struct StoredFindings: Sendable {
    private struct Entry {
        var record: Int
        var position: Int
        /// Where the field, value and message start in the segment's text (in that order).
        var textStart: UInt32
        var fieldLength: UInt32
        var valueLength: UInt32
        var messageLength: UInt32
        var rule: RuleID
        var severity: Severity
        var claimLevel: Bool
    }

    private struct Segment {
        var entries: [Entry] = []
        var text: [UInt8] = []
    }

    private static let segmentShift = 15
    private static let segmentMask = (1 << segmentShift) - 1

    private var segments: [Segment] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ finding: StoredFinding) {
        if count & Self.segmentMask == 0 || segments[segments.count - 1].text.count > Int(UInt32.max / 2) {
            if var last = segments.popLast() {
                // The finished segment's text at its own size: its growth left up to as much free.
                let text = last.text
                last.text = [UInt8](unsafeUninitializedCapacity: text.count) { buffer, n in
                    n = buffer.initialize(fromContentsOf: text)
                }
                segments.append(last)
            }
            var segment = Segment()
            segment.entries.reserveCapacity(1 << Self.segmentShift)
            segments.append(segment)
        }
        let s = segments.count - 1
        let start = UInt32(segments[s].text.count)
        var field = finding.field
        var value = finding.value
        var message = finding.message
        let fieldLength = field.withUTF8 {
            segments[s].text.append(contentsOf: $0); return $0.count
        }
        let valueLength = value.withUTF8 {
            segments[s].text.append(contentsOf: $0); return $0.count
        }
        let messageLength = message.withUTF8 {
            segments[s].text.append(contentsOf: $0); return $0.count
        }
        segments[s].entries.append(
            Entry(
                record: finding.record, position: finding.position, textStart: start, fieldLength: UInt32(fieldLength),
                valueLength: UInt32(valueLength), messageLength: UInt32(messageLength), rule: finding.rule,
                severity: finding.severity, claimLevel: finding.claimLevel))
        count += 1
    }

    /// The run-wide record of finding `index` (without making its strings).
    func record(_ index: Int) -> Int {
        segments[index >> Self.segmentShift].entries[index & Self.segmentMask].record
    }

    func rule(_ index: Int) -> RuleID {
        segments[index >> Self.segmentShift].entries[index & Self.segmentMask].rule
    }

    subscript(index: Int) -> StoredFinding {
        let segment = segments[index >> Self.segmentShift]
        let e = segment.entries[index & Self.segmentMask]
        return segment.text.withUnsafeBufferPointer { text in
            func string(_ from: Int, _ length: UInt32) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: text[from..<(from + Int(length))]), as: UTF8.self)
            }
            let start = Int(e.textStart)
            return StoredFinding(
                record: e.record, rule: e.rule, severity: e.severity, field: string(start, e.fieldLength),
                value: string(start + Int(e.fieldLength), e.valueLength),
                message: string(start + Int(e.fieldLength) + Int(e.valueLength), e.messageLength), position: e.position,
                claimLevel: e.claimLevel)
        }
    }
}
