/// Consecutive segments of a claim or a loop as the outputs copy them (each with its terminator
/// and line break): where they lie in the chunk read in place, or a copy.
///
/// Pass 2 copied every segment of a file into the claim's or the loop's own bytes, then again into
/// the output: a segment at a time, about a tenth of the pass. Segments that lie end to end in the
/// chunk, each followed by exactly the terminator and line break a copy would append, are one run
/// of the chunk's bytes, and the output copies the run once. The first segment that is not (a
/// stray line break, a CR before a newline terminator, a reader streaming a file) turns the run
/// into a copy, and the rest is appended to it as before, so the bytes are the same either way.
struct SegmentBytes {
    /// The run in the chunk, while there is no copy.
    private var run: UnsafeRawPointer?
    private var runCount = 0
    /// The copy, once a segment could not extend the run.
    private var copied: [UInt8] = []

    var isEmpty: Bool { runCount == 0 && copied.isEmpty }

    /// Empties it (a copy keeps its capacity).
    mutating func removeAll() {
        run = nil
        runCount = 0
        if !copied.isEmpty { copied.removeAll(keepingCapacity: true) }
    }

    /// Adds a segment that lies in the chunk (see `X12SegmentReader.segmentInPlace`); false when it
    /// does not follow the run, and the caller appends its copy instead.
    @inline(__always)
    mutating func extend(with raw: UnsafeRawBufferPointer) -> Bool {
        guard copied.isEmpty else { return false }
        guard let start = run else {
            run = raw.baseAddress
            runCount = raw.count
            return true
        }
        guard start + runCount == raw.baseAddress else { return false }
        runCount += raw.count
        return true
    }

    /// Where the run ends, while the bytes are a run (not a copy) and not empty.
    var runEnd: UnsafeRawPointer? {
        guard let run, copied.isEmpty else { return nil }
        return run + runCount
    }

    /// The copy to append a segment to: the run so far copied into it first.
    var copy: [UInt8] {
        _read {
            yield copied
        }
        _modify {
            if let run, runCount > 0 {
                let bytes = UnsafeRawBufferPointer(start: run, count: runCount)
                copied.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
            }
            run = nil
            runCount = 0
            yield &copied
        }
    }

    /// Calls `body` with the bytes (valid during the call).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let run { return try body(UnsafeRawBufferPointer(start: run, count: runCount)) }
        return try copied.withUnsafeBytes(body)
    }

    /// The bytes as an array (tests).
    var array: [UInt8] { withBytes { Array($0) } }
}

extension Array where Element == UInt8 {
    /// Appends the segments' bytes.
    @inline(__always)
    mutating func append(_ segments: SegmentBytes) {
        segments.withBytes { append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }
}
