import Foundation
import Testing

@testable import ClaimScrubber

@Suite("X12 claim writer")
struct X12ClaimWriterTests {
    /// Copies the chosen claims of a file through the writer, as pass 2 does.
    func copy(_ segments: [String], keep: (Int) -> Bool) throws -> [String] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reader = X12ClaimReader(source: try InputSource(path: try folder.write("in.x12", X12Fixture.render(segments))), mode: .copy)
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
            .init(id: "A"), .init(id: "B", patient: ("DOE", "JIMMY", "20100505")), .init(id: "C", patient: ("DOE", "ANN", "20110505")),
        ]
        let segments = X12Fixture.interchange(
            control: "000000321", [X12Fixture.group(control: "77", [X12Fixture.transaction(control: "0042", claims: claims)])])
        let out = try copy(segments) { $0 != 0 }  // B and C only
        #expect(out.filter { $0.hasPrefix("HL*") } == ["HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0", "HL*4*1*22*1", "HL*5*4*23*0"])
        let st = out.firstIndex { $0.hasPrefix("ST*") }!
        let se = out.firstIndex { $0.hasPrefix("SE*") }!
        #expect(out[se] == "SE*\(se - st + 1)*0042")
        #expect(out.suffix(2) == ["GE*1*77", "IEA*1*000000321"])
        #expect(ClaimFileTestSupport.claimIds(out.joined(separator: "~")) == ["B", "C"])
    }

    @Test func nothingWrittenGivesAnEmptyFile() throws {
        #expect(try copy(X12Fixture.standard()) { _ in false }.isEmpty)
    }
}
