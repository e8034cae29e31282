import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Claim files: X12 837 end to end")
struct ClaimFilePipelineTests {
    func scrub(_ text: String, name: String = "claims.x12", _ configure: (inout ScrubOptions) -> Void = { _ in }) throws
        -> (ScrubPipeline.Result, TemporaryFolder, [[String: String]])
    {
        let folder = try TemporaryFolder()
        let input = try folder.write(name, text)
        let result = try Fixtures.scrub([input], out: folder.file("out"), configure)
        return (result, folder, try Fixtures.findings(folder.file("out")))
    }

    @Test func cleanProfessionalFilePassesWithEveryClaimInClean() throws {
        let (result, folder, findings) = try scrub(X12Fixture.render(X12Fixture.standard()))
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
        #expect(result.summary.metrics.records == 4)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        #expect(try ClaimFileTestSupport.text(folder.file("out/held.x12")).isEmpty)
    }

    @Test func institutionalClaimsUseRevenueCodesAndEveryDiagnosis() throws {
        let (result, folder, findings) = try scrub(X12Fixture.render(X12Fixture.standard(institutional: true)))
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
        #expect(result.summary.metrics.records == 4)
    }

    @Test func lineRuleFindingHoldsTheWholeClaim() throws {
        var segments = X12Fixture.standard()
        // An unknown diagnosis on CLAIM1 (two lines): both lines go to held with the claim.
        let claim = X12Fixture.Claim(
            id: "BAD1", diagnoses: ["ABK:I10", "ABF:Q9999"],
            lines: [X12Fixture.Line(pointers: "1:2", ref: "B1"), X12Fixture.Line(code: "36415", charge: "18", ref: "B2")],
            memberId: "MEM0002")
        segments = X12Fixture.interchange(
            control: "000000002",
            [X12Fixture.group(control: "7", [X12Fixture.transaction(control: "0100", claims: [claim])])]) + segments
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let c04 = findings.filter { $0["rule"] == "C04" }
        #expect(c04.count == 1)
        #expect(c04.first?["line_id"] == "B1")
        #expect(c04.first?["encounter_id"] == "BAD1")
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(held) == ["BAD1"])
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        #expect(result.summary.metrics.held == 2)
        // The LX segment's position in the file: ISA GS ST BHT NM1 PER NM1 HL NM1 N3 N4 REF HL SBR NM1 DMG NM1 CLM HI NM1 LX.
        #expect(c04.first?["line_number"] == "21")
    }
}
