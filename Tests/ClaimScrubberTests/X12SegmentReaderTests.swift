import Foundation
import Testing

@testable import ClaimScrubber

@Suite("X12 segment reader")
struct X12SegmentReaderTests {
    /// Every segment's text and the separators in force, read with a buffer of `bufferSize` bytes.
    func read(_ text: String, bufferSize: Int = 1 << 20) throws -> [(String, X12Delimiters)] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("f.x12", text)
        let reader = X12SegmentReader(source: try InputSource(path: path), bufferSize: bufferSize)
        var out: [(String, X12Delimiters)] = []
        while try reader.next() { out.append((String(decoding: reader.segment, as: UTF8.self), reader.delimiters)) }
        return out
    }

    @Test(arguments: [256, 300, 1 << 20])
    func segmentsStraddlingTheBufferAreReadWhole(bufferSize: Int) throws {
        let segments = X12Fixture.standard()
        let text = X12Fixture.render(segments)
        let read = try read(text, bufferSize: bufferSize)
        #expect(read.map(\.0) == segments)
    }

    @Test func unusualSeparatorsAndNewlineTerminators() throws {
        let segments = X12Fixture.interchange(
            control: "000000009",
            [X12Fixture.group(control: "1", [X12Fixture.transaction(control: "0001", claims: [.init(id: "C1")])])],
            repetition: "~")
        let text = X12Fixture.render(segments, element: "|", component: "^", terminator: "\n", lineBreak: "")
        let read = try read(text, bufferSize: 256)
        #expect(read.count == segments.count)
        #expect(read.first?.1.element == UInt8(ascii: "|"))
        #expect(read.first?.1.component == UInt8(ascii: "^"))
        #expect(read.first?.1.repetition == UInt8(ascii: "~"))
        #expect(read.first?.1.segment == 0x0A)
        #expect(read[1].0.hasPrefix("GS|HC|"))
    }

    @Test func crlfAfterTerminatorsIsSkipped() throws {
        let segments = X12Fixture.standard()
        let read = try read(X12Fixture.render(segments, lineBreak: "\r\n"))
        #expect(read.map(\.0) == segments)
        #expect(read.first?.1.lineBreak == [0x0D, 0x0A])
    }

    @Test func blanksBeforeASegmentAreSkipped() throws {
        let segments = X12Fixture.standard()
        let read = try read(X12Fixture.render(segments, lineBreak: "\r\n \t "), bufferSize: 256)
        #expect(read.map(\.0) == segments)
    }

    @Test func textBeforeTheISAStopsTheRunNamingSegmentOne() throws {
        #expect(throws: ScrubError.self) { try read("GARBAGE~" + X12Fixture.render(X12Fixture.standard())) }
        do {
            _ = try read("hello world\n" + X12Fixture.render(X12Fixture.standard()))
        } catch let error as ScrubError {
            #expect(error.message.contains("segment 1"))
        }
    }

    /// The segment terminator inside an ISA element (`ISA*00*AB~CD     *…`): the ISA was read cut
    /// at that byte and copied so into the outputs, which nothing could read back. The run stops,
    /// naming the element and not echoing it; a line break inside an element, with `~` ending the
    /// segments, is only data.
    @Test(arguments: [
        ("~", "\n", "AB~CD     ", "ISA02"), ("\n", "", "AB\nCD     ", "ISA02"), ("~", "\n", "SEC~RET   ", "ISA04"),
    ])
    func theTerminatorInsideAnISAElementStopsTheRun(terminator: String, lineBreak: String, value: String, field: String)
        throws
    {
        var segments = X12Fixture.standard()
        let blank = String(repeating: " ", count: 10)
        let target = field == "ISA02" ? "ISA*00*\(blank)*" : "ISA*00*\(blank)*00*\(blank)*"
        let replacement = field == "ISA02" ? "ISA*00*\(value)*" : "ISA*00*\(blank)*00*\(value)*"
        #expect(segments[0].hasPrefix(target))
        segments[0] = replacement + segments[0].dropFirst(target.count)
        do {
            _ = try read(X12Fixture.render(segments, terminator: terminator, lineBreak: lineBreak))
            Issue.record("read an ISA whose \(field) holds the terminator")
        } catch let error as ScrubError {
            #expect(error.field == field && error.line == 1, "\(error)")
            #expect(error.message.contains("segment terminator") && !error.message.contains("CD"))
        }
        // A line break inside an element is data when the terminator is another byte.
        var other = X12Fixture.standard()
        other[0] = "ISA*00*AB\nCD     *" + other[0].dropFirst("ISA*00*\(blank)*".count)
        #expect(try read(X12Fixture.render(other)).count == other.count)
    }

    /// ISA11, the repetition separator, written as the segment terminator (`…*1200*~*00501*…`): the
    /// ISA was read cut there and copied so into both outputs, which nothing could read back (a
    /// fuzzed case). The run stops, naming ISA11.
    @Test func aRepetitionSeparatorThatIsTheTerminatorStopsTheRun() throws {
        var segments = X12Fixture.standard()
        var elements = segments[0].split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        #expect(elements.count == 17)
        elements[11] = "~"
        segments[0] = elements.joined(separator: "*")
        #expect {
            _ = try read(X12Fixture.render(segments))
        } throws: { error in
            let error = error as? ScrubError
            return error?.field == "ISA11" && error?.line == 1
                && error?.message.contains("segment terminator") == true
        }
    }

    /// A file wrapped into fixed-length lines (`fold -w80`: line breaks anywhere, inside ids and
    /// elements) reads as the same segments, whatever the buffer, when `~` ends the segments; the
    /// raw segment keeps the file's bytes for copying. Every claim of such a file was held, with
    /// findings on values such as "9921\n3".
    @Test(arguments: [256, 1 << 20], ["\n", "\r\n"])
    func aWrappedFileReadsAsTheSameSegments(bufferSize: Int, lineBreak: String) throws {
        let segments = X12Fixture.standard()
        let flat = X12Fixture.render(segments, lineBreak: "")
        var wrapped = ""
        var column = 0
        for c in flat {
            wrapped.append(c)
            column += 1
            if column == 80 {
                wrapped += lineBreak
                column = 0
            }
        }
        #expect(wrapped.contains("\n") && wrapped.count > flat.count)
        let read = try read(wrapped, bufferSize: bufferSize)
        #expect(read.map(\.0) == segments)
    }

    @Test func aTruncatedLastSegmentIsReadAndMarked() throws {
        let text = X12Fixture.render(X12Fixture.standard())
        let cut = String(text.prefix(text.count - 30))
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reader = X12SegmentReader(source: try InputSource(path: try folder.write("f.x12", cut)), bufferSize: 256)
        var last = false
        while try reader.next() { last = reader.unterminated }
        #expect(last)
    }

    /// Elements are found eight bytes at a time; these segments put separators at every offset of
    /// a word, next to bytes that differ from the separator by one bit (`+` for `*`), and next to
    /// high bytes, and compare with splitting the text; read from a file and from a chunk in
    /// place (whose last bytes leave no word to read past a segment's end).
    @Test(arguments: ["*", "|", "\u{1D}"], [false, true])
    func elementsAtEveryOffsetOfAWordMatchSplittingTheText(separator: String, inPlace: Bool) throws {
        let isa = X12Fixture.interchange(control: "000000001", [])[0]
        var segments: [String] = []
        for length in 0..<20 {
            for offset in 0..<9 {
                let filler = ["+", "A", "é", ")", "Z"]
                var elements = ["REF"]
                var text = ""
                for k in 0..<length { text += filler[(k + offset) % filler.count] }
                elements.append(text)
                elements.append(String(repeating: "+", count: offset))
                elements.append("")
                segments.append(elements.joined(separator: separator))
            }
        }
        let body = segments.joined(separator: "~\n") + "~\n"
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let header = isa.replacingOccurrences(of: "*", with: separator) + "~\n"
        let reader =
            inPlace
            ? X12SegmentReader(bytes: Array((header + body).utf8).withUnsafeBytes { Chunk.copy(of: $0) })
            : X12SegmentReader(source: try InputSource(path: try folder.write("f.x12", header + body)))
        #expect(try reader.next())
        for segment in segments {
            #expect(try reader.next())
            let expected = segment.split(separator: Character(separator), omittingEmptySubsequences: false).map(
                String.init)
            #expect(reader.elementCount == expected.count - 1)
            let elements = (0..<expected.count).map { String(decoding: reader.element($0), as: UTF8.self) }
            #expect(elements == expected, "\(segment)")
        }
        #expect(try !reader.next())
    }
}
