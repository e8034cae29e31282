import CScan
import Testing

@testable import ClaimScrubber

/// The C byte scans (`CScan`) against byte-at-a-time readings of the same bytes, on buffers whose
/// quotes, delimiters and newlines fall at every offset of a 16- and 64-byte block, and at every
/// length around those block sizes.
@Suite struct ByteScanTests {
    /// Bytes drawn mostly from field text, with the structural bytes common enough to meet every case.
    static func buffer(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        let alphabet = Array("ab1,\"\n\r|;x-.".utf8)
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int(state >> 59) % alphabet.count]
        }
    }

    static let lengths = Array(0...70) + [127, 128, 129, 255, 256, 257, 1000, 4096 + 17, 16 * 255 + 3, 16 * 256 + 9]

    @Test func structuralMaskMarksExactlyTheDelimiterQuoteAndNewlineBytes() {
        for (s, n) in Self.lengths.enumerated() {
            let bytes = Self.buffer(n, seed: UInt64(s))
            for delimiter in [UInt8(0x2C), 0x7C, 0x09] {
                var masks = [UInt64](repeating: .max, count: (n + 63) / 64)
                bytes.withUnsafeBufferPointer { b in
                    masks.withUnsafeMutableBufferPointer { m in
                        if n > 0 { cscan_structural(b.baseAddress!, n, delimiter, m.baseAddress!) }
                    }
                }
                for i in 0..<n {
                    let expected = bytes[i] == delimiter || bytes[i] == 0x22 || bytes[i] == 0x0A
                    let set = masks[i / 64] >> UInt64(i % 64) & 1 == 1
                    #expect(set == expected, "length \(n), byte \(i)")
                }
                if n % 64 != 0, let last = masks.last {
                    #expect(last >> UInt64(n % 64) == 0, "bits past the end, length \(n)")
                }
            }
        }
    }

    @Test func structuralScanReportsWhereTheASCIIPrefixEnds() {
        for (s, n) in Self.lengths.enumerated() where n > 0 {
            var bytes = Self.buffer(n, seed: UInt64(200 + s))
            var masks = [UInt64](repeating: 0, count: (n + 63) / 64)
            func prefix() -> Int {
                bytes.withUnsafeBufferPointer { b in
                    masks.withUnsafeMutableBufferPointer { m in
                        cscan_structural(b.baseAddress!, n, 0x2C, m.baseAddress!)
                    }
                }
            }
            #expect(prefix() == n, "all ASCII, length \(n)")
            // One high byte at each of a few offsets: the prefix ends at or before it, at its block.
            for k in Set([0, n / 2, n - 1, min(63, n - 1), min(64, n - 1)]) {
                let saved = bytes[k]
                bytes[k] = 0x80 | saved
                let end = prefix()
                #expect(end <= k && k - end < 64, "high byte at \(k), length \(n): prefix \(end)")
                #expect(bytes[..<end].allSatisfy { $0 < 0x80 })
                bytes[k] = saved
            }
        }
    }

    /// Records as the chunk reader defines them, found one byte at a time: a quote opens a quoted
    /// field at a field's first byte or right after the quote that closed it, and is text elsewhere.
    static func referenceRecords(_ bytes: [UInt8], delimiter: UInt8 = 0x2C) -> [[Int]] {
        var records: [[Int]] = []
        var start = 0
        var inQuotes = false
        var closedAt = -2
        var newlines = 0
        for (i, c) in bytes.enumerated() {
            if c == 0x22 {
                if inQuotes {
                    inQuotes = false
                    closedAt = i
                } else if i == start || bytes[i - 1] == delimiter || bytes[i - 1] == 0x0A || closedAt == i - 1 {
                    inQuotes = true
                }
            }
            if c == 0x0A {
                newlines += 1
                if !inQuotes {
                    records.append([start, i + 1, newlines])
                    start = i + 1
                    newlines = 0
                }
            }
        }
        if start < bytes.count { records.append([start, bytes.count, newlines]) }
        return records
    }

    @Test func recordSplitterFindsTheRecordsAByteLoopFinds() throws {
        for (s, n) in Self.lengths.enumerated() {
            let bytes = Self.buffer(n, seed: UInt64(200 + s))
            for delimiter in [UInt8(0x2C), 0x7C] {
                var records: [[Int]] = []
                try bytes.withUnsafeBytes { b in
                    try RecordSplitter.forEachRecord(b, delimiter: delimiter) { records.append([$0, $1, $2]) }
                }
                #expect(records == Self.referenceRecords(bytes, delimiter: delimiter), "length \(n)")
            }
        }
        // Quoted newlines, a doubled quote across a block end, an inch mark (text: it opens nothing),
        // and an unterminated quote at the end.
        let text = Array(
            "a,\"x\ny\"\n,\"\(String(repeating: "q", count: 30))\"\"\"\n,b\nGAUZE 4\" X 4\",1\nc\n\"open\nrest".utf8)
        var records: [[Int]] = []
        try text.withUnsafeBytes { b in
            try RecordSplitter.forEachRecord(b, delimiter: 0x2C) { records.append([$0, $1, $2]) }
        }
        #expect(records == Self.referenceRecords(text))
        #expect(records.count == 6)
    }

    /// Whether the reference's record `[start, next, newlines]` ends at a newline outside quotes:
    /// the same record read alone ends where it does.
    static func endsRecord(_ bytes: [UInt8], _ record: [Int], _ delimiter: UInt8) -> Bool {
        let alone = Array(bytes[record[0]..<record[1]])
        guard alone.last == 0x0A else { return false }
        return referenceRecords(alone + [0x78], delimiter: delimiter).count == 2
    }

    /// The chunk reader's cut: the last record end of a buffer, and the newlines before it and in
    /// all of it, as a byte loop finds them.
    @Test func lastRecordEndIsTheLastAByteLoopFinds() {
        for (s, n) in Self.lengths.enumerated() {
            let bytes = Self.buffer(n, seed: UInt64(300 + s))
            for delimiter in [UInt8(0x2C), 0x7C] {
                var records = Self.referenceRecords(bytes, delimiter: delimiter)
                // The last record ends the buffer without a record end of its own unless the
                // reference cut it at a newline (then the next record would have started).
                if let last = records.last, last[1] == bytes.count, !Self.endsRecord(bytes, last, delimiter) {
                    records.removeLast()
                }
                let scan = bytes.withUnsafeBytes { ChunkReader.lastRecordEnd($0, delimiter: delimiter) }
                #expect(scan.end == records.last.map { $0[1] - 1 }, "length \(n)")
                if !records.isEmpty { #expect(scan.newlinesToEnd == records.reduce(0) { $0 + $1[2] }, "length \(n)") }
                #expect(scan.newlinesInAll == bytes.filter { $0 == 0x0A }.count, "length \(n)")
            }
        }
    }

    /// `cscan_records` takes 64-byte AVX2 blocks where the CPU has them, then 16-byte blocks and
    /// bytes for the rest; the portable scan takes 16-byte blocks throughout. On mostly plain text
    /// (so whole blocks are skipped) with a quote or newline at every offset of a 64-byte block, both
    /// must find the same end and newlines, alone and around a second structural byte.
    @Test func avx2AndPortableRecordScansAgreeAtEveryBlockOffset() {
        var cases: [[UInt8]] = []
        for n in [63, 64, 65, 127, 128, 129, 191, 200] {
            for k in 0..<min(n, 130) {
                for c in [UInt8(0x22), 0x0A] {
                    var bytes = [UInt8](repeating: 0x61, count: n)
                    bytes[k] = c
                    cases.append(bytes)
                    // A quoted field opened before the byte and closed after it.
                    if k >= 2 && k + 2 < n {
                        bytes[k - 2] = 0x2C
                        bytes[k - 1] = 0x22
                        bytes[k + 1] = 0x22
                        cases.append(bytes)
                    }
                }
            }
        }
        for (s, n) in Self.lengths.enumerated() { cases.append(Self.buffer(n, seed: UInt64(400 + s))) }
        for bytes in cases {
            for first: Int32 in [0, 1] {
                bytes.withUnsafeBufferPointer { b in
                    let p = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    var wide = (0, 0)
                    var portable = (0, 0)
                    let end = cscan_records(p, b.count, 0x2C, first, &wide.0, &wide.1)
                    let portableEnd = cscan_records_portable(p, b.count, 0x2C, first, &portable.0, &portable.1)
                    #expect(end == portableEnd, "\(bytes.count) bytes, first \(first)")
                    #expect(wide == portable, "\(bytes.count) bytes, first \(first)")
                }
            }
        }
    }

    /// Extract-like text: fields quoted or not, doubled quotes, stray quotes inside unquoted
    /// fields, quoted newlines, CRLF, every delimiter. Blocks whose quotes all open or close a
    /// field take the AVX2 scan's mask path, the others its quote-by-quote path; both must agree
    /// with the portable scan.
    @Test func avx2AndPortableRecordScansAgreeOnQuotedRecords() {
        var state: UInt64 = 77
        func roll(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        let pieces: [[UInt8]] = ["Cardiology", "a", "", "x y", "1.00", "E11.9"].map { Array($0.utf8) }
        for delimiter in [UInt8(0x2C), 0x7C, 0x09] {
            for round in 0..<300 {
                var bytes: [UInt8] = []
                let target = 64 * (1 + round % 7) + roll(64)
                while bytes.count < target {
                    for f in 0..<(1 + roll(8)) {
                        if f > 0 { bytes.append(delimiter) }
                        let text = pieces[roll(pieces.count)]
                        switch roll(10) {
                        case 0...3:
                            bytes += [0x22] + text + [delimiter] + text + [0x22]
                        case 4:
                            bytes += [0x22] + text + [0x22, 0x22] + text + [0x22, 0x22, 0x22]
                        case 5:
                            bytes += [0x22] + text + [0x0A] + text + [0x22]
                        case 6:
                            bytes += text + [0x22] + text  // a stray quote: a byte of the field
                        case 7 where round % 5 == 0:
                            bytes += [0x22] + text  // unterminated, now and then
                        default:
                            bytes += text
                        }
                    }
                    bytes += roll(4) == 0 ? [0x0D, 0x0A] : [0x0A]
                }
                for first: Int32 in [0, 1] {
                    bytes.withUnsafeBufferPointer { b in
                        var wide = (0, 0)
                        var portable = (0, 0)
                        let end = cscan_records(b.baseAddress!, b.count, delimiter, first, &wide.0, &wide.1)
                        let portableEnd = cscan_records_portable(
                            b.baseAddress!, b.count, delimiter, first, &portable.0, &portable.1)
                        #expect(end == portableEnd, "round \(round), first \(first)")
                        #expect(wide == portable, "round \(round), first \(first)")
                    }
                }
            }
        }
    }
}
