import CScan

/// Cuts one input into large chunks that end on record boundaries, RFC 4180 aware.
///
/// A record ends at a newline outside a quoted field. A double quote opens a quoted field only at a
/// field's start (or right after the quote that closed it: a doubled quote); anywhere else it is a
/// byte of its field, as spreadsheet and database CSV readers take it, so an inch mark in a
/// description (`GAUZE 4" X 4"`) is text and not the start of a quote that would run on through the
/// records after it. Every chunk starts at a record, and the reader finds the last record end of a
/// filled buffer with one forward scan (`cscan_records`, which pass 2's record splitter and the
/// parser's rule match). A quoted newline straddling the buffer's end is therefore never taken for
/// a record end. Chunks are cut the same way for the same bytes whatever the read sizes, so both
/// passes see identical chunks.
public final class ChunkReader {
    public let source: InputSource
    public let file: Int
    let chunkSize: Int
    /// Records may not grow beyond this: a longer one stops the run rather than exhaust memory.
    let maxRecordBytes: Int
    private var carry: [UInt8] = []
    private var atEnd = false
    private var nextLine = 1
    private var offset: UInt64 = 0
    private var finished = false
    /// Pass 2's reading: the byte and newline counts of the chunks pass 1 cut from the same input,
    /// so the same bytes are cut again without counting quotes and newlines (nil: cut by scanning).
    public var plan: [ChunkPlan]? = nil
    private var planned = 0
    /// The extract's field delimiter, for the quote rule: set once the header told it (or
    /// `--delimiter` did), before the first chunk.
    public var delimiter: UInt8 = 0x2C

    /// Where pass 1 cut a chunk: its size in bytes and its newline count.
    public struct ChunkPlan: Sendable {
        public var count: Int
        public var newlines: Int
    }

    /// Frees the bytes read ahead and the source's file, decompressor and buffers
    /// (`InputSource.release()`); the reader is done with.
    public func release() {
        carry = []
        atEnd = true
        finished = true
        source.release()
    }

    public init(source: InputSource, file: Int, chunkSize: Int = 4 << 20, maxRecordBytes: Int = 256 << 20) {
        self.source = source
        self.file = file
        self.chunkSize = max(chunkSize, 64)
        self.maxRecordBytes = maxRecordBytes
    }

    /// Whether the records after the header end with CR only (`endsWithCROnly`), read off the
    /// bytes `readHeader` read past the header: asked once the header's delimiter and field count
    /// are known, before the first chunk.
    public func recordsEndWithCROnly(delimiter: UInt8, fieldCount: Int) throws -> Bool {
        if Self.endsWithCROnly(carry[...], delimiter: delimiter, fieldCount: fieldCount) { return true }
        // No LF after the header so far: read on (up to 1 MiB, kept for the first chunk) to learn
        // whether there is one at all, as a CR-only file of a record and a footer has none.
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while !atEnd && !carry.contains(0x0A) && carry.count < 1 << 20 {
            let n = try scratch.withUnsafeMutableBytes { b throws in try source.read(into: b) }
            if n == 0 { atEnd = true } else { carry.append(contentsOf: scratch[0..<n]) }
        }
        return Self.endsWithCROnly(carry[...], delimiter: delimiter, fieldCount: fieldCount, isWholeRest: atEnd)
    }

    /// Reads the header record (with its line end); nil when the input is empty.
    /// A UTF-8 byte order mark before it is kept in the returned bytes.
    public func readHeader() throws -> [UInt8]? {
        var buffer = [UInt8]()
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        // The quote rule of the records, with any of the delimiters the header may turn out to use.
        var inQuotes = false
        var closedAt = -2
        var scanned = 0
        var containerChecked = false
        while true {
            while scanned < buffer.count {
                let c = buffer[scanned]
                if c == 0x22 {
                    if inQuotes {
                        inQuotes = false
                        closedAt = scanned
                    } else if scanned == 0 || closedAt == scanned - 1
                        || [delimiter, 0x2C, 0x7C, 0x09, 0x3B, 0x0A].contains(buffer[scanned - 1])
                    {
                        inQuotes = true
                    }
                }
                // A CR outside quotes that no LF follows ends a line only in old Mac files: read
                // on, the whole file would look like one header line missing every column.
                if c == 0x0D && !inQuotes {
                    if scanned + 1 == buffer.count && !atEnd {
                        // Its next byte is not read yet.
                        let n = try scratch.withUnsafeMutableBytes { b throws in try source.read(into: b) }
                        if n == 0 { atEnd = true } else { buffer.append(contentsOf: scratch[0..<n]) }
                    }
                    if scanned + 1 < buffer.count && buffer[scanned + 1] != 0x0A {
                        throw ScrubError("lines end with CR only; convert to LF or CRLF", file: source.name, line: 1)
                    }
                }
                if c == 0x0A && !inQuotes {
                    // An LF header over records that end with CR only (a file assembled from two
                    // systems) read as one record of the whole file: the run refuses it once the
                    // header has been read as one (`recordsEndWithCROnly`).
                    if !containerChecked && source.isCompressed {
                        try Self.refuseCompressedTwice(buffer, name: source.name)
                    }
                    let header = Array(buffer[0...scanned])
                    carry = Array(buffer[(scanned + 1)...])
                    offset = UInt64(scanned + 1)
                    nextLine = 1 + header.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + 1 - 1
                    return header
                }
                scanned += 1
            }
            if buffer.count > 1 << 20 {
                throw ScrubError("header line longer than 1 MiB", file: source.name, line: 1)
            }
            let n = try scratch.withUnsafeMutableBytes { b throws in try source.read(into: b) }
            if n == 0 {
                atEnd = true
                if buffer.isEmpty { return nil }
                if !containerChecked && source.isCompressed {
                    try Self.refuseCompressedTwice(buffer, name: source.name)
                }
                offset = UInt64(buffer.count)
                nextLine = 1 + buffer.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                return buffer
            }
            buffer.append(contentsOf: scratch[0..<n])
            // Once its first bytes are in (a zstd read may give one byte at a time).
            if !containerChecked && source.isCompressed && buffer.count >= 10 {
                containerChecked = true
                try Self.refuseCompressedTwice(buffer, name: source.name)
            }
        }
    }

    /// Stops the run when what a zstd input decompresses to is compressed again (`zstd` run twice,
    /// or a gzip file compressed with zstd): read as text it was "lines end with CR only".
    static func refuseCompressedTwice(_ head: [UInt8], name: String) throws {
        let prefix = Array(head.prefix(10))
        let kind =
            prefix.starts(with: [0x28, 0xB5, 0x2F, 0xFD])
            ? "zstd-compressed" : InputSource.otherContainer(prefix: prefix)?.kind
        guard let kind else { return }
        throw ScrubError(
            "the zstd file decompresses to data that is \(kind) again (compressed twice?): decompress it "
                + "(zstd -dc FILE > OUT) and scrub what that gives", file: name)
    }

    /// The physical line number the next chunk starts at (after the header: 2 for a one-line header).
    public var lineNumber: Int { nextLine }

    /// The next chunk of whole records, or nil at end of input.
    public func nextChunk(sequence: Int) throws -> Chunk? {
        if finished { return nil }
        if let plan { return try plannedChunk(plan, sequence: sequence) }
        // Room for the carried start of a record and as much again, but not past the record limit:
        // a chunk is never larger than the limit either, so a record over it stops the run whatever
        // the chunk size (the carry, a record's start, is always shorter than the limit).
        // The carry itself may be past the limit: the header's reading looks up to 1 MiB ahead for
        // a line end (`recordsEndWithCROnly`), and a first record longer than the limit is all
        // carry. The buffer holds it whole (it was copied past a buffer of the limit's size: a
        // heap overrun, under a small --memory-limit); no record end in it stops the run below.
        var capacity = max(
            min(max(chunkSize, carry.count + 1, min(carry.count * 2, maxRecordBytes)), maxRecordBytes), carry.count)
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        var filled = carry.count
        carry.withUnsafeBytes { storage.copyMemory(from: $0) }
        carry.removeAll(keepingCapacity: true)
        while true {
            if !atEnd && filled < capacity {
                let n = try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: storage[filled..<capacity]))
                if filled + n < capacity { atEnd = true }
                filled += n
            }
            if filled == 0 {
                storage.deallocate()
                finished = true
                return nil
            }
            // Scanned whole each time: a buffer is scanned again only when it grew for a record
            // longer than itself.
            let scan = Self.lastRecordEnd(UnsafeRawBufferPointer(rebasing: storage[0..<filled]), delimiter: delimiter)
            if capacity > maxRecordBytes {
                // Only a carry past the limit makes the buffer so large: its records are held to
                // the limit as any other record is, so that whether one fits does not depend on
                // where it starts.
                try checkRecordLengths(
                    UnsafeRawBufferPointer(rebasing: storage[0..<(atEnd ? filled : (scan.end ?? filled - 1) + 1)]),
                    storage: storage)
            }
            if atEnd {
                finished = true
                return make(storage, count: filled, newlines: scan.newlinesInAll, sequence: sequence, last: true)
            }
            if let end = scan.end {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: storage[(end + 1)..<filled]))
                return make(storage, count: end + 1, newlines: scan.newlinesToEnd, sequence: sequence, last: false)
            }
            // No record ends in the buffer: it holds the start of one record longer than it. Grow
            // (never past the limit, so whether a record fits does not depend on the chunk size or
            // where it starts) and read on.
            guard capacity < maxRecordBytes else {
                // A full buffer does not tell whether the input ends right there: if it does, this
                // is the last record (held with S01 for its open quote), not one over the limit.
                var probe: UInt8 = 0
                if try withUnsafeMutableBytes(of: &probe, { try source.read(into: $0) }) == 0 {
                    atEnd = true
                    finished = true
                    return make(storage, count: filled, newlines: scan.newlinesInAll, sequence: sequence, last: true)
                }
                storage.deallocate()
                throw Self.tooLong(
                    "a record", limit: maxRecordBytes, hint: ", or look for a quote left open", file: source.name,
                    line: nextLine)
            }
            let larger = min(capacity * 2, maxRecordBytes)
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: larger, alignment: 64)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
            storage.deallocate()
            storage = grown
            capacity = larger
        }
    }

    /// Stops the run (freeing `storage`) when a record of `bytes`, which start a record, is longer
    /// than the limit.
    private func checkRecordLengths(_ bytes: UnsafeRawBufferPointer, storage: UnsafeMutableRawBufferPointer) throws {
        var line = nextLine
        var tooLong: Int?
        try RecordSplitter.forEachRecord(bytes, delimiter: delimiter) { start, next, newlines in
            if tooLong == nil && next - start > maxRecordBytes { tooLong = line }
            line += newlines
        }
        guard let line = tooLong else { return }
        storage.deallocate()
        throw Self.tooLong(
            "a record", limit: maxRecordBytes, hint: ", or look for a quote left open", file: source.name, line: line)
    }

    /// The next chunk of the plan, read without scanning; an error when the input does not hold
    /// exactly the planned bytes (it changed since pass 1).
    private func plannedChunk(_ plan: [ChunkPlan], sequence: Int) throws -> Chunk? {
        guard planned < plan.count else {
            finished = true
            var probe: UInt8 = 0
            let more = carry.isEmpty ? try withUnsafeMutableBytes(of: &probe) { try source.readFully(into: $0) } : 1
            guard more == 0 else { throw Self.changed(source.name) }
            return nil
        }
        let (count, newlines) = (plan[planned].count, plan[planned].newlines)
        planned += 1
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 64)
        let fromCarry = min(carry.count, count)
        carry.withUnsafeBytes { storage.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<fromCarry])) }
        carry.removeFirst(fromCarry)
        var filled = fromCarry
        if filled < count {
            filled += try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: storage[filled..<count]))
        }
        guard filled == count else {
            storage.deallocate()
            throw Self.changed(source.name)
        }
        return make(storage, count: count, newlines: newlines, sequence: sequence, last: planned == plan.count)
    }

    /// The error for a record (or a claim file's segment) longer than `limit`
    /// (`ScrubOptions.maxRecordBytes`), saying how to read it.
    static func tooLong(_ what: String, limit: Int, hint: String = "", file: String? = nil, line: Int) -> ScrubError {
        let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB"
        return ScrubError(
            "\(what) is longer than \(size), the longest this run reads (a quarter of what --memory-limit leaves"
                + " once the code tables are loaded, at most 256 MiB): raise --memory-limit to read it\(hint)",
            file: file, line: line)
    }

    private static func changed(_ name: String) -> ScrubError {
        ScrubError("the input changed while it was being scrubbed (its size differs from the first read)", file: name)
    }

    private func make(
        _ storage: UnsafeMutableRawBufferPointer, count: Int, newlines: Int, sequence: Int, last: Bool
    ) -> Chunk {
        let chunk = Chunk(
            storage: storage, count: count, file: file, sequence: sequence, firstLine: nextLine,
            newlineCount: newlines, byteOffset: offset, isLastOfFile: last)
        nextLine += newlines
        offset += UInt64(count)
        return chunk
    }

    /// The last record end (newline outside a quoted field) of bytes that start a record, and the
    /// newlines up to it and in all of them.
    static func lastRecordEnd(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8)
        -> (end: Int?, newlinesToEnd: Int, newlinesInAll: Int)
    {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (nil, 0, 0) }
        var toEnd = 0
        var all = 0
        let end = cscan_records(base, bytes.count, delimiter, 0, &toEnd, &all)
        return (end < bytes.count ? end : nil, toEnd, all)
    }

    /// Whether the records in `bytes` (what follows the header) end with CR only: their first
    /// record up to an LF, cut at every CR that no LF follows, gives two parts of more than half
    /// the header's delimiters (outside quotes) each. One record cut by a stray CR inside a field
    /// cannot: its two parts share its delimiters. Records short of the header's fields, with a
    /// trailing delimiter, or after blank lines of CR or LF still are told. When `bytes` is all
    /// the input left (`isWholeRest`) and holds no LF, one full part ended by a bare CR is enough
    /// (a record and a short footer): a stray CR inside a field has an LF after it.
    static func endsWithCROnly(
        _ bytes: ArraySlice<UInt8>, delimiter: UInt8, fieldCount: Int, isWholeRest: Bool = false
    ) -> Bool {
        let half = fieldCount - 1
        var full = 0
        var delimiters = 0
        var inQuotes = false
        var previous: UInt8 = 0x0A
        var i = bytes.startIndex
        let end = bytes.endIndex
        // Blank LF or CRLF lines before the first record.
        while i < end && (bytes[i] == 0x0A || (bytes[i] == 0x0D && i + 1 < end && bytes[i + 1] == 0x0A)) {
            i += bytes[i] == 0x0A ? 1 : 2
        }
        var fullBeforeCR = false
        func endPart(atCR: Bool) {
            if delimiters * 2 > half {
                full += 1
                if atCR { fullBeforeCR = true }
            }
            delimiters = 0
            previous = 0x0A
        }
        while i < end && full < 2 {
            let c = bytes[i]
            i += 1
            if c == 0x22 {
                if inQuotes {
                    inQuotes = false
                } else if previous == delimiter || previous == 0x0A {
                    inQuotes = true
                }
            } else if !inQuotes {
                if c == 0x0A { break }
                if c == delimiter { delimiters += 1 }
                if c == 0x0D && (i == end || bytes[i] != 0x0A) {
                    endPart(atCR: true)
                    continue
                }
            }
            previous = c
        }
        if i == end && !inQuotes { endPart(atCR: false) }
        if full >= 2 { return true }
        return isWholeRest && fullBeforeCR && !bytes.contains(0x0A)
    }
}
