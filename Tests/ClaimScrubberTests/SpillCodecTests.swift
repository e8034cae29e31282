import Testing

@testable import ClaimScrubber

/// Spilled encounter lines are packed against the line before them in their file; reading a file
/// back must give every line exactly as it was, however the bytes arrive.
@Suite struct SpillCodecTests {
    /// Lines like a shard's: runs of one patient and day, with every field's edge values mixed in.
    static func lines(_ count: Int, seed: UInt64) -> [EncounterLine] {
        var rng = SplitMix64(seed: seed)
        var lines: [EncounterLine] = []
        var line = EncounterLine.zero
        for i in 0..<count {
            let r = rng.next()
            line.ordinal = r % 50 == 0 ? rng.next() : line.ordinal &+ 1 + r % 300
            if r % 4 == 0 { line.patient = rng.next() }
            if r % 3 == 0 { line.day = Int32(truncatingIfNeeded: rng.next() % 30_000) - (r % 7 == 0 ? 40_000 : 0) }
            line.code = r % 5 == 0 ? rng.next() : (rng.next() % (1 << 34)) << 30
            line.modifiers = r % 6 == 0 ? rng.next() & 0xFFFF_FFFF_FFFF : 0
            line.amountCents = [0, 1, -1, Int64.max, Int64.min, Int64(r % 100_000), -Int64(r % 5000)][i % 7]
            // Thousandths: whole units are packed as units, the rest as thousandths.
            line.units =
                [
                    1, 0, -1, Int32.max, Int32.min, 3, 12, 1_000, -1_000, 2_147_483_000, -2_147_483_000, 12_500, 500,
                ][Int(r % 13)]
            if r % 8 == 0 { line.rendering = UInt32(truncatingIfNeeded: rng.next()) }
            if r % 9 == 0 { line.billing = UInt32(truncatingIfNeeded: rng.next()) }
            if r % 10 == 0 { (line.department, line.payer) = (UInt16(r % 70), UInt16.max) }
            line.flags = UInt8(r % 4)
            lines.append(line)
        }
        return lines
    }

    static func encode(_ lines: [EncounterLine], in pieces: Int) -> [UInt8] {
        var codec = SpillCodec()
        var bytes: [UInt8] = []
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: lines.count * SpillCodec.maxLineBytes + 1)
        defer { out.deallocate() }
        // Several spills to one file: the packing state runs on across them.
        let size = (lines.count + pieces - 1) / pieces
        for start in stride(from: 0, to: lines.count, by: size) {
            let n = lines[start..<min(start + size, lines.count)].withUnsafeBufferPointer {
                codec.encode($0, into: out)
            }
            bytes += UnsafeBufferPointer(start: out, count: n)
        }
        return bytes
    }

    /// Decodes as a reader does: `step` bytes arrive at a time, the rest kept for the next call.
    static func decode(_ bytes: [UInt8], step: Int, expected: Int) -> [EncounterLine]? {
        var codec = SpillCodec()
        var lines = [EncounterLine](repeating: .zero, count: expected + 1)
        var decoded = 0
        var available = 0
        var at = 0
        while true {
            available = min(bytes.count, available + step)
            let atEnd = available == bytes.count
            let result = bytes[at..<available].withUnsafeBytes { raw in
                lines.withUnsafeMutableBufferPointer {
                    codec.decode(raw, atEnd: atEnd, into: UnsafeMutableBufferPointer(rebasing: $0[decoded...]))
                }
            }
            guard let (consumed, n) = result else { return nil }
            at += consumed
            decoded += n
            if atEnd && (n == 0 || at == bytes.count) { break }
        }
        guard at == bytes.count else { return nil }
        return Array(lines[0..<decoded])
    }

    @Test func linesComeBackExactlyWhateverTheSplitOfTheBytes() throws {
        let lines = Self.lines(3000, seed: 3)
        let bytes = Self.encode(lines, in: 7)
        #expect(bytes.count < lines.count * 40, "packing should beat the 64-byte lines")
        for step in [1, 13, SpillCodec.maxLineBytes, 4096, bytes.count] {
            let back = try #require(Self.decode(bytes, step: step, expected: lines.count), "step \(step)")
            #expect(back == lines, "step \(step)")
        }
    }

    @Test func aTruncatedOrDamagedEncodingIsReportedNotMisread() {
        let lines = Self.lines(200, seed: 4)
        let bytes = Self.encode(lines, in: 1)
        // Cut inside the last line: the reader must say so rather than invent a line.
        #expect(Self.decode(Array(bytes.dropLast(3)), step: bytes.count, expected: lines.count) == nil)
        // A varint that never ends, near the end of the bytes (the bounds-checked reading) and with
        // more than a longest line still to come (the unchecked one).
        #expect(Self.decode([0, 0] + [UInt8](repeating: 0xFF, count: 20), step: 64, expected: 1) == nil)
        let runaway = [0, 0] + [UInt8](repeating: 0xFF, count: 20) + bytes
        #expect(runaway.count > 4 * SpillCodec.maxLineBytes)
        #expect(Self.decode(runaway, step: runaway.count, expected: lines.count + 1) == nil)
        // The same inside the stream, after lines that read well.
        var middle = bytes
        let cut = bytes.count / 2
        middle.replaceSubrange(cut..<cut + 12, with: [UInt8](repeating: 0xFF, count: 12))
        let misread = Self.decode(middle, step: middle.count, expected: lines.count)
        #expect(misread != lines, "a damaged stream must not read back as the lines written")
    }

    @Test func theLongestLineFitsInMaxLineBytes() {
        // Every field changed and every varint at its longest: the unchecked reading relies on it.
        var line = EncounterLine.zero
        line.ordinal = 1 << 63
        line.patient = .max
        line.code = 0x1234_5678_9ABC_DEF1
        line.modifiers = .max
        line.amountCents = .min
        line.day = .min
        line.units = .min
        line.rendering = .max
        line.billing = .max
        (line.department, line.payer) = (.max, .max)
        line.flags = .max
        let bytes = Self.encode([line], in: 1)
        #expect(bytes.count <= SpillCodec.maxLineBytes)
        #expect(Self.decode(bytes, step: bytes.count, expected: 1) == [line])
        #expect(Self.decode(bytes, step: 1, expected: 1) == [line])
    }

    @Test func zigzagRoundTripsTheExtremes() {
        for v: Int64 in [0, 1, -1, 63, -64, .max, .min] {
            #expect(SpillCodec.unzigzag(SpillCodec.zigzag(v)) == v)
        }
        #expect(SpillCodec.zigzag(-1) == 1 && SpillCodec.zigzag(1) == 2)
    }
}
