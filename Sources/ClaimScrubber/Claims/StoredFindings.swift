#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Pass 1's findings of a claim-file run, in record order, kept until pass 2 writes each beside its
/// claim: fixed-size entries, with their text end to end in one byte buffer, in segments.
///
/// An extract's findings go to a spool file as finished rows, but a claim's rows need the segment
/// positions and line ids pass 2 reads, so these are kept as they were found. Kept as one
/// `[StoredFinding]`, each finding took an 80-byte element plus a heap string for its message,
/// and the array's doubling up to twice that: about 80 MiB of a 1 GB 837P run's peak heap, for
/// its 419 000 findings. Here an entry is 40 bytes and the text is stored once, and segments of
/// a fixed number of entries never copy the findings already kept.
///
/// They grow with the file and its error rate: a 2M-line 837P with dates of service past the
/// loaded ICD-10-CM releases (a C06 on most lines, as every claim of October 2026 on has) held
/// 1.5M findings, about 150 MB, whatever `--memory-limit` said. So past `memoryBudget` bytes the
/// finished segments go to a temporary file, and pass 2 reads them back a segment at a time
/// through a `Reader` (one per routing job), in the order it writes the rows.
struct StoredFindings: Sendable {
    fileprivate struct Entry {
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

    fileprivate struct Segment {
        var entries: [Entry] = []
        var text: [UInt8] = []
    }

    /// A segment in the file: its entries, then its text.
    fileprivate struct Spilled {
        var offset: Int
        var entries: Int
        var textBytes: Int
        var lastRecord: Int
    }

    /// Findings per segment: 2^15 unless a test asks for fewer.
    fileprivate let segmentShift: Int
    fileprivate var segmentMask: Int { (1 << segmentShift) - 1 }

    /// The segments after the spilled ones: segment `spilled.count + k` is `segments[k]`.
    fileprivate var segments: [Segment] = []
    fileprivate var spilled: [Spilled] = []
    fileprivate var file: FindingSegmentFile?
    private var bytesInMemory = 0
    private let memoryBudget: Int
    private let directory: String?
    private(set) var count = 0

    /// `memoryBudget`: bytes of finished segments kept in memory before they go to a temporary
    /// file in `directory` (the system's temporary folder when nil).
    init(memoryBudget: Int = .max, directory: String? = nil, segmentShift: Int = 15) {
        self.memoryBudget = memoryBudget
        self.directory = directory
        self.segmentShift = segmentShift
    }

    var isEmpty: Bool { count == 0 }

    /// Findings written to the temporary file.
    var spilledCount: Int { spilled.reduce(0) { $0 + $1.entries } }

    mutating func append(_ finding: StoredFinding) throws {
        if count & segmentMask == 0 {
            if var last = segments.popLast() {
                // The finished segment's text at its own size: its growth left up to as much free.
                let text = last.text
                last.text = [UInt8](unsafeUninitializedCapacity: text.count) { buffer, n in
                    n = buffer.initialize(fromContentsOf: text)
                }
                segments.append(last)
                bytesInMemory += last.entries.count * MemoryLayout<Entry>.stride + last.text.count
                if bytesInMemory > memoryBudget { try spill() }
            }
            var segment = Segment()
            segment.entries.reserveCapacity(1 << segmentShift)
            segments.append(segment)
        }
        let s = segments.count - 1
        let start = UInt32(segments[s].text.count)
        var field = finding.field
        var value = finding.value
        var message = finding.message
        let fieldLength = field.withUTF8 {
            segments[s].text.append(contentsOf: $0)
            return $0.count
        }
        let valueLength = value.withUTF8 {
            segments[s].text.append(contentsOf: $0)
            return $0.count
        }
        let messageLength = message.withUTF8 {
            segments[s].text.append(contentsOf: $0)
            return $0.count
        }
        segments[s].entries.append(
            Entry(
                record: finding.record, position: finding.position, textStart: start, fieldLength: UInt32(fieldLength),
                valueLength: UInt32(valueLength), messageLength: UInt32(messageLength), rule: finding.rule,
                severity: finding.severity, claimLevel: finding.claimLevel))
        count += 1
    }

    /// Writes every segment in memory to the file (called between segments, when all are finished).
    private mutating func spill() throws {
        if file == nil { file = try FindingSegmentFile(directory: directory) }
        guard let file else { return }
        for segment in segments {
            let offset = try segment.entries.withUnsafeBytes { try file.append($0) }
            _ = try segment.text.withUnsafeBytes { try file.append($0) }
            spilled.append(
                Spilled(
                    offset: offset, entries: segment.entries.count, textBytes: segment.text.count,
                    lastRecord: segment.entries.last?.record ?? .min))
        }
        segments.removeAll()
        bytesInMemory = 0
    }

    /// Number of segments, spilled and in memory.
    fileprivate var segmentCount: Int { spilled.count + segments.count }

    /// A reader of these findings (pass 2 makes one per job; a reader keeps one spilled segment
    /// loaded at a time).
    func reader() -> Reader { Reader(self) }

    struct Reader {
        private let findings: StoredFindings
        /// The segment `entries` and `text` hold, -1 when none.
        private var loaded = -1
        private var entries: [Entry] = []
        private var text: [UInt8] = []

        fileprivate init(_ findings: StoredFindings) { self.findings = findings }

        var count: Int { findings.count }

        /// Loads segment `s` (when it was spilled) and gives its entries and text.
        private mutating func segment(_ s: Int) throws -> ([Entry], [UInt8]) {
            let spilled = findings.spilled.count
            if s >= spilled {
                let segment = findings.segments[s - spilled]
                return (segment.entries, segment.text)
            }
            if loaded != s, let file = findings.file {
                let at = findings.spilled[s]
                entries = try [Entry](unsafeUninitializedCapacity: at.entries) { buffer, n in
                    try file.read(UnsafeMutableRawBufferPointer(buffer), at: at.offset)
                    n = at.entries
                }
                text = try [UInt8](unsafeUninitializedCapacity: at.textBytes) { buffer, n in
                    try file.read(
                        UnsafeMutableRawBufferPointer(buffer), at: at.offset + at.entries * MemoryLayout<Entry>.stride)
                    n = at.textBytes
                }
                loaded = s
            }
            return (entries, text)
        }

        private mutating func entry(_ index: Int) throws -> Entry {
            try segment(index >> findings.segmentShift).0[index & findings.segmentMask]
        }

        /// The run-wide record of finding `index` (without making its strings).
        mutating func record(_ index: Int) throws -> Int { try entry(index).record }

        mutating func rule(_ index: Int) throws -> RuleID { try entry(index).rule }

        mutating func finding(_ index: Int) throws -> StoredFinding {
            let (entries, text) = try segment(index >> findings.segmentShift)
            let e = entries[index & findings.segmentMask]
            return text.withUnsafeBufferPointer { text in
                func string(_ from: Int, _ length: UInt32) -> String {
                    String(decoding: UnsafeBufferPointer(rebasing: text[from..<(from + Int(length))]), as: UTF8.self)
                }
                let start = Int(e.textStart)
                return StoredFinding(
                    record: e.record, rule: e.rule, severity: e.severity, field: string(start, e.fieldLength),
                    value: string(start + Int(e.fieldLength), e.valueLength),
                    message: string(start + Int(e.fieldLength) + Int(e.valueLength), e.messageLength),
                    position: e.position, claimLevel: e.claimLevel)
            }
        }

        /// The index of the first finding on record `record` or later (`count` when none): the
        /// segment found by the last records of the spilled ones, so that only one is read.
        mutating func firstIndex(ofRecordAtLeast record: Int) throws -> Int {
            var s = 0
            while s < findings.spilled.count && findings.spilled[s].lastRecord < record { s += 1 }
            while s < findings.segmentCount {
                let (entries, _) = try segment(s)
                if let last = entries.last, last.record >= record {
                    var low = 0
                    var high = entries.count - 1
                    while low < high {
                        let mid = (low + high) / 2
                        if entries[mid].record >= record { high = mid } else { low = mid + 1 }
                    }
                    return s << findings.segmentShift + low
                }
                s += 1
            }
            return findings.count
        }
    }
}

/// The temporary file of spilled finding segments, as they lie in memory: only this process reads
/// it back. Appended by pass 1's delivery, read with `pread` by pass 2's jobs at once. Removed
/// when the last copy of the findings is released, and registered so that a failure or Ctrl-C
/// removes it too.
final class FindingSegmentFile: Sendable {
    let path: String
    private let fd: Int32
    /// Bytes written; appended by one thread (pass 1's delivery), read after pass 1.
    private let size = Mutex(0)

    init(directory: String?) throws {
        precondition(_isPOD(StoredFindings.Entry.self), "entries are written as they lie in memory")
        (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: "claim-findings")
    }

    deinit {
        close(fd)
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }

    /// Appends bytes; returns the offset they start at.
    func append(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        try size.withLock { size in
            let offset = size
            try writeAll(fd, bytes) {
                ScrubError("cannot write the claim findings to --temp-dir (is it full?): \($0)", file: path)
            }
            size += bytes.count
            return offset
        }
    }

    /// Fills `buffer` from byte `offset`.
    func read(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        try readFully(fd, into: buffer, at: offset) {
            ScrubError("the claim findings file is damaged or unreadable", file: path)
        }
    }
}
