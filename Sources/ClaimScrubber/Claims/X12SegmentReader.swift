#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The separators of one X12 interchange, read from its ISA segment.
struct X12Delimiters: Sendable, Equatable {
    var element: UInt8 = 0x2A
    var component: UInt8 = 0x3A
    var repetition: UInt8 = 0x5E
    var segment: UInt8 = 0x7E
    /// What followed the ISA's terminator (nothing, `\n` or `\r\n`): rebuilt segments get the same.
    var lineBreak: [UInt8] = []
}

/// Streams the segments of an X12 file, one at a time, with the separators of each interchange.
///
/// The reader keeps one buffer; when a segment straddles its end the unread tail moves to the front
/// and the buffer is refilled (it grows only for a segment longer than itself), so a segment cut by
/// a read boundary is read whole. Line breaks after terminators are skipped. Each `ISA` sets the
/// separators again: element separator at its byte 4, the component separator ISA16 and the
/// terminator right after ISA16 (found by counting element separators, so an ISA that is not padded
/// to its fixed width is still read).
final class X12SegmentReader {
    /// The input file, when the reader reads one (nil for a chunk of bytes already read).
    let source: InputSource?
    /// The chunk the reader reads in place, when it reads one: `storage` is its bytes, not a
    /// buffer of the reader's own.
    private let chunk: Chunk?
    private let readBytes: (UnsafeMutableRawBufferPointer) throws -> Int
    @exclusivity(unchecked) private var storage: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var atEnd = false
    @exclusivity(unchecked) private(set) var delimiters = X12Delimiters()
    @exclusivity(unchecked) private var seenISA = false
    /// 1-based position of the current segment in the file.
    @exclusivity(unchecked) private(set) var position = 0
    /// The current segment, terminator and line break excluded; valid until the next `next()`.
    @exclusivity(unchecked) private(set) var segment = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The current segment as the file has it up to its terminator: `segment` and any line break
    /// before the terminator, which the elements leave out but a copy of the segment keeps.
    @exclusivity(unchecked) private(set) var rawSegment = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Offsets (in `segment`) of each element separator, then `segment.count`; filled on the first
    /// look at an element (pass 2 looks at few segments' elements).
    @exclusivity(unchecked) private var elementEnds: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var elementEndsCapacity = 256
    @exclusivity(unchecked) private var elementEndsCount = 0
    @exclusivity(unchecked) private var isSplit = false
    /// The current segment without its line breaks, when it has some inside and the terminator is
    /// no line break (a file wrapped at 80 columns): `segment` then points here.
    @exclusivity(unchecked) private var unwrapped = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// True when the current segment ended at end of file without its terminator.
    @exclusivity(unchecked) private(set) var unterminated = false
    /// The buffer never grows past this: a longer segment stops the run rather than exhaust memory
    /// (`ScrubOptions.maxRecordBytes`, set by pass 1).
    var maxSegmentBytes = 256 << 20

    init(source: InputSource, bufferSize: Int = 1 << 20) {
        self.source = source
        chunk = nil
        readBytes = { try source.read(into: $0) }
        storage = .allocate(byteCount: max(bufferSize, 256), alignment: 64)
        elementEnds = .allocate(capacity: 256)
    }

    /// Reads from `read` (a chunk of a file already in memory, or bytes replayed before a file's rest).
    init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, bufferSize: Int = 1 << 20) {
        source = nil
        chunk = nil
        readBytes = read
        storage = .allocate(byteCount: max(bufferSize, 256), alignment: 64)
        elementEnds = .allocate(capacity: 256)
    }

    /// Reads the bytes of `chunk` where they are; there is nothing more to read (a refill, which
    /// would move bytes, never happens).
    init(bytes chunk: Chunk) {
        source = nil
        self.chunk = chunk
        readBytes = { _ in 0 }
        storage = UnsafeMutableRawBufferPointer(mutating: chunk.bytes)
        end = chunk.bytes.count
        atEnd = true
        elementEnds = .allocate(capacity: 256)
    }

    deinit {
        if chunk == nil { storage.deallocate() }
        elementEnds.deallocate()
        unwrapped.deallocate()
    }

    private var base: UnsafeMutablePointer<UInt8> { storage.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    /// Moves the unread bytes to the front and reads more; false when nothing more could be read.
    private func refill() throws -> Bool {
        if atEnd { return false }
        if start > 0 {
            let count = end - start
            if count > 0 { memmove(storage.baseAddress!, storage.baseAddress! + start, count) }
            start = 0
            end = count
        }
        if end == storage.count {
            guard storage.count < maxSegmentBytes else {
                throw ChunkReader.tooLong("segment \(position + 1)", limit: maxSegmentBytes, line: position + 1)
            }
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(min(storage.count * 2, maxSegmentBytes), storage.count + 1), alignment: 64)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<end]))
            storage.deallocate()
            storage = grown
        }
        let n = try readBytes(UnsafeMutableRawBufferPointer(rebasing: storage[end..<storage.count]))
        if n == 0 {
            atEnd = true
            return false
        }
        end += n
        return true
    }

    /// Ensures at least `count` unread bytes, unless the input ends first.
    private func ensure(_ count: Int) throws {
        while end - start < count, try refill() {}
    }

    @inline(__always)
    private static func isLineBreak(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D }

    /// Bytes that pad the end of a file: spaces, tabs, NUL, Ctrl-Z (0x1A) and line breaks.
    private static func isPadding(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x00 || c == 0x1A || isLineBreak(c)
    }

    /// Advances to the next segment; false at end of input.
    ///
    /// Throws when the first segment is not an ISA (text before the interchange, or not X12 at all):
    /// without an ISA there are no separators to read anything by.
    func next() throws -> Bool {
        // Skip line breaks, spaces and tabs before a segment (published sample files indent their
        // segments, and every claim of such a file was lost: "  CLM" is no CLM), and before the
        // first ISA a UTF-8 byte order mark. No segment id starts with a blank. An empty segment
        // (`~~`, or `~` and a blank line before the next `~`) holds nothing and is passed over
        // uncounted, as a blank line is where the terminator is a newline: read as a damaged
        // segment it held its claim, or, outside any claim, failed the gate with nothing held.
        while true {
            if start == end, try !refill() { return false }
            let c = base[start]
            if Self.isLineBreak(c) || c == 0x20 || c == 0x09 || (seenISA && c == delimiters.segment) {
                start += 1
                continue
            }
            if !seenISA && c == 0xEF {
                try ensure(3)
                if end - start >= 3 && base[start + 1] == 0xBB && base[start + 2] == 0xBF {
                    start += 3
                    continue
                }
            }
            break
        }
        try ensure(3)
        if end - start >= 3 && base[start] == 0x49 && base[start + 1] == 0x53 && base[start + 2] == 0x41 {
            try ensure(4)
            if end - start >= 4 && !Self.isAlphanumeric(base[start + 3]) { try readISA() }
        }
        if !seenISA {
            throw ScrubError("segment 1: the file does not start with an ISA segment (X12 interchange header)", line: 1)
        }
        // Find the terminator, refilling while the segment runs past the buffer.
        var scanned = start
        while true {
            let remaining = end - scanned
            if remaining > 0, let hit = memchr(base + scanned, Int32(delimiters.segment), remaining) {
                let at = Int(bitPattern: hit) - Int(bitPattern: base)
                // Held to the limit also when found within one read (up to the buffer's 1 MiB
                // passed any limit).
                guard at - start <= maxSegmentBytes else {
                    throw ChunkReader.tooLong("segment \(position + 1)", limit: maxSegmentBytes, line: position + 1)
                }
                setSegment(from: start, to: at, unterminated: false)
                start = at + 1
                return true
            }
            let offset = scanned - start
            if try !refill() {
                if end == start { return false }
                // Padding after the last terminator (spaces, tabs, NULs of a fixed-size record,
                // a DOS end-of-file mark) is no segment: it used to be a truncated one, an X01 of
                // no claim that failed the gate with nothing held.
                if (start..<end).allSatisfy({ Self.isPadding(base[$0]) }) {
                    start = end
                    return false
                }
                setSegment(from: start, to: end, unterminated: true)
                start = end
                return true
            }
            scanned = start + offset + remaining
        }
    }

    /// The current segment as it lies in a chunk read in place, with the `count` bytes after it,
    /// when those are `trailer`'s (lowest byte first: the terminator, then the line break); nil
    /// otherwise, or when the reader streams a file (its buffer moves on a refill).
    ///
    /// Such bytes are exactly what copying the segment and appending its terminator gives, and
    /// stay where they are while the reader lives, so pass 2 can point at them instead of copying.
    @inline(__always)
    func segmentInPlace(followedBy trailer: UInt32, count: Int) -> UnsafeRawBufferPointer? {
        guard chunk != nil, !unterminated, let from = rawSegment.baseAddress else { return nil }
        let after = from + rawSegment.count
        guard after + count <= UnsafeRawPointer(base + end) else { return nil }
        var rest = trailer
        for k in 0..<count {
            guard after.load(fromByteOffset: k, as: UInt8.self) == UInt8(truncatingIfNeeded: rest) else { return nil }
            rest >>= 8
        }
        return UnsafeRawBufferPointer(start: from, count: rawSegment.count + count)
    }

    /// Passes over the segments of a chunk read in place that start at `from` (where the run of
    /// segments before them ends) and lie end to end, each followed by exactly `trailer`, up to
    /// the first whose id `stops` (or that is anything else: a stray line break or blank, a CR before the
    /// terminator, a cut last segment); returns how many and their bytes, and the next `next()`
    /// reads on from there. Zero and an empty run unless the reader reads a chunk and `from`
    /// follows the current segment.
    ///
    /// Pass 2 reads most claims only to copy them: this is `next()` and the claim reader's
    /// handling of a segment without the calls, splitting and dispatch, for such segments.
    func skipSegments(from: UnsafeRawPointer, trailer: UInt32, count trailerCount: Int, stops: (UInt32) -> Bool)
        -> (segments: Int, bytes: UnsafeRawBufferPointer)
    {
        let none = (0, UnsafeRawBufferPointer(start: from, count: 0))
        guard chunk != nil, !unterminated else { return none }
        let b = UnsafeRawPointer(base)
        let first = from - b
        guard first >= start && first <= end else { return none }
        let terminator = delimiters.segment
        let separator = delimiters.element
        var p = first
        var n = 0
        scan: while p < end {
            // The id: up to three bytes before the element separator (or the terminator).
            var id: UInt32 = 0
            var k = 0
            while k < 3 && p + k < end {
                let c = b.load(fromByteOffset: p + k, as: UInt8.self)
                if c == separator || c == terminator { break }
                // A line break or blank before an id (an indented file): `next()` reads past it.
                if Self.isLineBreak(c) || c == 0x20 || c == 0x09 { break scan }
                id = id << 8 | UInt32(c)
                k += 1
            }
            if stops(id) { break }
            guard let hit = memchr(b + p, Int32(terminator), end - p) else { break }
            let at = UnsafeRawPointer(hit) - b
            // An empty segment (a blank line where the terminator is a newline) is `next()`'s to
            // pass over uncounted: counted here, a file with `\n\n` between segments gave findings
            // other segment positions when read whole than in chunks.
            if at == p || Self.isLineBreak(b.load(fromByteOffset: at - 1, as: UInt8.self)) { break }
            guard at + trailerCount <= end else { break }
            var rest = trailer
            for i in 0..<trailerCount {
                guard b.load(fromByteOffset: at + i, as: UInt8.self) == UInt8(truncatingIfNeeded: rest) else {
                    break scan
                }
                rest >>= 8
            }
            n += 1
            p = at + trailerCount
        }
        guard n > 0 else { return none }
        position += n
        start = p
        return (n, UnsafeRawBufferPointer(start: from, count: p - first))
    }

    private func setSegment(from: Int, to: Int, unterminated: Bool) {
        var stop = to
        // A newline terminator after a CR: the CR is the line break's, not the data's.
        while stop > from && Self.isLineBreak(base[stop - 1]) { stop -= 1 }
        segment = UnsafeRawBufferPointer(start: base + from, count: stop - from)
        rawSegment = UnsafeRawBufferPointer(start: base + from, count: to - from)
        // A file wrapped into fixed-length lines (`fold -w80`, mainframe records) breaks segments
        // anywhere: `CLM*EN\nC2`, `S\nT*837`. X12 data holds no line breaks, so where the
        // terminator is not one they are the wrapping's and are left out of the elements; the
        // segment is still copied as the file has it (`rawSegment`).
        // (Looked for by its LF: a file wrapped with CR alone is not handled. One search a segment,
        // not two, on the path every segment takes.)
        if !Self.isLineBreak(delimiters.segment), stop > from, memchr(base + from, 0x0A, stop - from) != nil {
            if unwrapped.count < stop - from {
                unwrapped.deallocate()
                unwrapped = .allocate(byteCount: max(stop - from, 256), alignment: 8)
            }
            var n = 0
            for i in from..<stop where !Self.isLineBreak(base[i]) {
                unwrapped[n] = base[i]
                n += 1
            }
            segment = UnsafeRawBufferPointer(start: unwrapped.baseAddress, count: n)
        }
        self.unterminated = unterminated
        position += 1
        isSplit = false
    }

    private func split() {
        isSplit = true
        let separator = delimiters.element
        guard let p = segment.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            elementEnds[0] = 0
            elementEndsCount = 1
            return
        }
        let n = segment.count
        if n + 1 > elementEndsCapacity {
            elementEnds.deallocate()
            elementEndsCapacity = n + 1
            elementEnds = .allocate(capacity: elementEndsCapacity)
        }
        // Eight bytes at a time: a byte equal to the separator is a zero byte of `word`, found
        // exactly (no borrow between bytes, unlike the shorter `(x - 0x01…) & ~x` test, which can
        // flag the byte after a hit). A byte loop here was the most expensive part of reading.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let pattern = UInt64(separator) &* ones
        var k = 0
        var i = 0
        while i &+ 8 <= n {
            let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) ^ pattern
            var hits = ~(((word & low7) &+ low7) | word | low7)
            while hits != 0 {
                elementEnds[k] = i &+ hits.trailingZeroBitCount >> 3
                k &+= 1
                hits &= hits &- 1
            }
            i &+= 8
        }
        while i < n {
            if p[i] == separator {
                elementEnds[k] = i
                k &+= 1
            }
            i &+= 1
        }
        elementEnds[k] = n
        elementEndsCount = k + 1
    }

    @inline(__always)
    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    /// Reads the separators of an ISA at `start`.
    private func readISA() throws {
        try ensure(200)
        let p = base + start
        let available = end - start
        let separator = p[3]
        var count = 0
        var i = 4
        while i < available && count < 15 {
            if p[i] == separator { count += 1 }
            i += 1
        }
        // `i` is just past the 16th element separator: ISA16, then the terminator.
        guard count == 15, i + 1 < available else {
            throw ScrubError(
                "segment \(position + 1): ISA segment is incomplete (16 elements and a terminator expected)",
                line: position + 1)
        }
        var found = X12Delimiters()
        found.element = separator
        found.component = p[i]
        found.segment = p[i + 1]
        found.repetition = Self.element(11, of: UnsafeRawBufferPointer(start: p, count: i)).first ?? 0x5E
        var lineBreak: [UInt8] = []
        var k = i + 2
        while k < available && Self.isLineBreak(p[k]) && p[k] != found.segment && lineBreak.count < 2 {
            lineBreak.append(p[k])
            k += 1
        }
        found.lineBreak = lineBreak
        if found.segment == 0x0A { found.lineBreak = [] }
        if Self.isAlphanumeric(found.segment) || found.segment == found.element || found.segment == found.component {
            throw ScrubError(
                "segment \(position + 1): ISA segment terminator is not a separator character", line: position + 1)
        }
        // ISA16 a letter or a digit, or the element separator: every element holding that byte
        // would be split at it (ISA16 `Y` cut CLM's `Y` flags off as empty components).
        if Self.isAlphanumeric(found.component) || found.component == found.element {
            throw ScrubError(
                "segment \(position + 1): ISA16, the component separator, is not a separator character",
                line: position + 1, field: "ISA16")
        }
        // The terminator inside an element before ISA16 (`ISA*00*AB~CD…`), ISA11 the repetition
        // separator too (`…*1200*~*00501…`): the ISA would be read, and copied into the outputs,
        // cut at that byte, and no X12 reader reads it whole. Named by its element; its text is
        // not echoed.
        let header = UnsafeRawBufferPointer(start: p, count: i)
        for n in 1...15 where Self.element(n, of: header).contains(found.segment) {
            throw ScrubError(
                "segment \(position + 1): ISA\(n < 10 ? "0" : "")\(n) holds the segment terminator (a separator may "
                    + "not appear inside an element): the interchange cannot be read",
                line: position + 1, field: "ISA\(n < 10 ? "0" : "")\(n)")
        }
        delimiters = found
        seenISA = true
    }

    private static func element(_ index: Int, of segment: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let separator = segment[3]
        var field = 0
        var from = 0
        for i in 0...segment.count {
            if i == segment.count || segment[i] == separator {
                if field == index { return UnsafeRawBufferPointer(rebasing: segment[from..<i]) }
                field += 1
                from = i + 1
            }
        }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    // MARK: - The current segment

    /// Number of elements after the segment id.
    var elementCount: Int {
        if !isSplit { split() }
        return elementEndsCount - 1
    }

    /// Element `index` (0 = the segment id, 1 = the first element); empty when absent.
    @inline(__always)
    func element(_ index: Int) -> UnsafeRawBufferPointer {
        if !isSplit { split() }
        guard index < elementEndsCount else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let from = index == 0 ? 0 : elementEnds[index - 1] + 1
        return UnsafeRawBufferPointer(rebasing: segment[from..<elementEnds[index]])
    }

    /// Component `component` (1-based) of element `index`.
    func component(_ index: Int, _ component: Int) -> UnsafeRawBufferPointer {
        let value = element(index)
        let separator = delimiters.component
        var k = 1
        var from = 0
        for i in 0...value.count {
            if i == value.count || value[i] == separator {
                if k == component { return UnsafeRawBufferPointer(rebasing: value[from..<i]) }
                k += 1
                from = i + 1
            }
        }
        return UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// The segment id packed into an integer (up to three bytes), for a switch.
    var id: UInt32 {
        var packed: UInt32 = 0
        let separator = delimiters.element
        for i in 0..<min(3, segment.count) {
            let c = segment[i]
            if c == separator { break }
            packed = packed << 8 | UInt32(c)
        }
        return packed
    }

    static func id(_ text: StaticString) -> UInt32 {
        var packed: UInt32 = 0
        text.withUTF8Buffer { for c in $0 { packed = packed << 8 | UInt32(c) } }
        return packed
    }

    @inline(__always)
    func element(_ index: Int, equals text: StaticString) -> Bool {
        let value = element(index)
        return text.withUTF8Buffer { t in
            t.count == value.count && (0..<t.count).allSatisfy { t[$0] == value[$0] }
        }
    }
}
