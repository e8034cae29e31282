import Foundation
import Testing

@testable import ClaimScrubber

@Suite("X12 claim writer")
struct X12ClaimWriterTests {
    /// Copies the chosen claims of a file through the writer, as pass 2 does.
    func copy(_ segments: [String], keep: (Int) -> Bool) throws -> [String] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reader = X12ClaimReader(
            source: try InputSource(path: try folder.write("in.x12", X12Fixture.render(segments))), mode: .copy)
        let output = try OutputFile(path: folder.file("out.x12"), level: nil)
        let writer = X12ClaimWriter(output: output)
        var n = 0
        while try reader.nextClaim() {
            if keep(n) { try writer.write(reader) }
            n += 1
        }
        try writer.finish()
        try output.commit()
        return ClaimFileTestSupport.segments(try ClaimFileTestSupport.text(folder.file("out.x12")))
    }

    @Test func loopsAndCountsAreRebuiltForTheClaimsWritten() throws {
        let claims: [X12Fixture.Claim] = [
            .init(id: "A"), .init(id: "B", patient: ("DOE", "JIMMY", "20100505")),
            .init(id: "C", patient: ("DOE", "ANN", "20110505")),
        ]
        let segments = X12Fixture.interchange(
            control: "000000321",
            [X12Fixture.group(control: "77", [X12Fixture.transaction(control: "0042", claims: claims)])])
        let out = try copy(segments) { $0 != 0 }  // B and C only
        #expect(
            out.filter { $0.hasPrefix("HL*") } == [
                "HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0", "HL*4*1*22*1", "HL*5*4*23*0",
            ])
        let st = out.firstIndex { $0.hasPrefix("ST*") }!
        let se = out.firstIndex { $0.hasPrefix("SE*") }!
        #expect(out[se] == "SE*\(se - st + 1)*0042")
        #expect(out.suffix(2) == ["GE*1*77", "IEA*1*000000321"])
        #expect(ClaimFileTestSupport.claimIds(out.joined(separator: "~")) == ["B", "C"])
    }

    /// Every claim of `text` written by a writer without an output (as pass 2's workers write),
    /// read from a chunk in place or streamed through a reader's own buffer.
    func copyAll(_ text: String, inPlace: Bool) throws -> String {
        let bytes = Array(text.utf8)
        let reader: X12ClaimReader
        if inPlace {
            reader = X12ClaimReader(
                bytes: bytes.withUnsafeBytes { Chunk.copy(of: $0) }, name: "in.x12", continuesWithISA: false,
                mode: .copy)
        } else {
            var offset = 0
            reader = X12ClaimReader(
                read: { buffer in
                    // Small reads, so segments straddle refills.
                    let n = min(buffer.count, 7, bytes.count - offset)
                    bytes.withUnsafeBytes {
                        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)]))
                    }
                    offset += n
                    return n
                }, name: "in.x12", continuesWithISA: false, mode: .copy)
        }
        let writer = X12ClaimWriter(output: nil)
        // As pass 2 reads a claim without findings: in place, its segments are skipped over.
        reader.keepsLineIds = false
        while try reader.nextClaim() { try writer.write(reader) }
        try writer.finish()
        return String(decoding: writer.take(), as: UTF8.self)
    }

    /// Pass 2 points at a chunk's segments instead of copying them while they are what a copy
    /// would be (`SegmentBytes`); the output must not tell the two apart, whatever lies between
    /// the segments.
    /// The standard fixture laid out as `layout` says.
    static func laidOut(_ layout: String) -> String {
        let text = X12Fixture.render(X12Fixture.standard())
        switch layout {
        case "none": return text.replacingOccurrences(of: "~\n", with: "~")
        case "CRLF": return text.replacingOccurrences(of: "~\n", with: "~\r\n")
        case "a blank line inside a claim": return text.replacingOccurrences(of: "~\nDTP*472", with: "~\n\nDTP*472")
        case "a line break missing in a claim": return text.replacingOccurrences(of: "~\nDTP*472", with: "~DTP*472")
        case "CRLF inside a claim": return text.replacingOccurrences(of: "~\nREF*6R", with: "~\r\nREF*6R")
        case "a file cut inside its last claim":
            return String(text[..<text.range(of: "~\nSE*", options: .backwards)!.lowerBound])
        default: return text
        }
    }

    /// Pass 2 points at a chunk's segments instead of copying them while they are what a copy
    /// would be (`SegmentBytes`); the output must not tell the two apart, whatever lies between
    /// the segments.
    @Test(arguments: [
        "line breaks", "none", "CRLF", "a blank line inside a claim", "a line break missing in a claim",
        "CRLF inside a claim", "a file cut inside its last claim",
    ])
    func segmentsInPlaceAreWrittenAsTheirCopies(layout: String) throws {
        let text = Self.laidOut(layout)
        let inPlace = try copyAll(text, inPlace: true)
        #expect(inPlace == (try copyAll(text, inPlace: false)))
        #expect(ClaimFileTestSupport.claimIds(inPlace) == ["CLAIM1", "CLAIM2", "CLAIM3"])
    }

    @Test func nothingWrittenGivesAnEmptyFile() throws {
        #expect(try copy(X12Fixture.standard()) { _ in false }.isEmpty)
    }
}
