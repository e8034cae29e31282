import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

@Suite("Claim files: X12 837 end to end")
struct ClaimFilePipelineTests {
    func scrub(_ text: String, name: String = "claims.x12", _ configure: (inout ScrubOptions) -> Void = { _ in }) throws
        -> (ScrubPipeline.Result, TemporaryFolder, [[String: String]])
    {
        try Fixtures.scrubInFolder(text, name: name, configure)
    }

    @Test func cleanProfessionalFilePassesWithEveryClaimInClean() throws {
        let (result, folder, findings) = try scrub(X12Fixture.render(X12Fixture.standard()))
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
        #expect(result.summary.metrics.records == 4)
        // A claim file is read whatever --encoding says, so its summary names no encoding.
        #expect(result.summary.run.encoding == nil)
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

    /// The standard 837I whose venipuncture line (revenue code 0510, 36415) is billed by
    /// `revenue` alone, with no SV202.
    static func institutional(billedByRevenueCode revenue: String) -> [String] {
        let lines = X12Fixture.standard(institutional: true).map {
            $0.hasPrefix("SV2*0510*HC:36415")
                ? $0.replacingOccurrences(of: "SV2*0510*HC:36415*", with: "SV2*\(revenue)**") : $0
        }
        #expect(lines.contains { $0.hasPrefix("SV2*\(revenue)**") })
        return lines
    }

    /// An 837I line with a revenue code and no procedure code (SV202 is situational: room and
    /// board has none) is no S02: every real inpatient claim with accommodation lines was held.
    /// An 837P line without its procedure code still is.
    @Test func anInstitutionalLineWithOnlyARevenueCodeIsRead() throws {
        let institutional = Self.institutional(billedByRevenueCode: "0120")
        let (result, folder, findings) = try scrub(X12Fixture.render(institutional))
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.exitStatus == 0)
        let professional = X12Fixture.standard().map {
            $0.hasPrefix("SV1*HC:85025") ? $0.replacingOccurrences(of: "SV1*HC:85025*", with: "SV1**") : $0
        }
        #expect(professional.contains { $0.hasPrefix("SV1**") })
        let (held, heldFolder, heldFindings) = try scrub(X12Fixture.render(professional))
        defer { heldFolder.remove() }
        #expect(held.exitStatus == 1)
        #expect(heldFindings.map { [$0["rule"]!, $0["field"]!] } == [["S02", "procedure_code"]], "\(heldFindings)")
    }

    /// The revenue tag is `RC` and the four digits as `PackedCode` packs them, and reads back only
    /// from such a tag.
    @Test func aRevenueTagIsRCAndItsDigitsPacked() throws {
        let tag = Array(" 0120 ".utf8).withUnsafeBytes { EncounterLine.revenueTag($0) }
        #expect(tag == PackedCode.pack("RC0120"))
        #expect(tag.flatMap(EncounterLine.revenueCode(ofTag:)) == "0120")
        for code in ["99213", "RC012", "RC01200", "RCA120", "R0120", "RD0120"] {
            #expect(EncounterLine.revenueCode(ofTag: PackedCode.pack(code)!) == nil, "\(code)")
        }
        // With an NDC: the same revenue code, told apart by drug, and never a packed code.
        let drug = Array("0120".utf8).withUnsafeBytes { r in
            Array("00002750101".utf8).withUnsafeBytes { EncounterLine.revenueTag(r, ndc: $0) }
        }
        #expect(drug != tag && drug.flatMap(EncounterLine.revenueCode(ofTag:)) == "0120")
        #expect(drug.map(EncounterLine.reportedCode) == tag)
        #expect(Array("12a4".utf8).withUnsafeBytes { EncounterLine.revenueTag($0) } == nil)
        #expect(Array("1200".utf8).withUnsafeBytes { EncounterLine.revenueTag($0) } == nil)
    }

    /// One reading of a revenue code's form for every check: C10, the S02 exemption of a line
    /// billed by revenue code alone, and the encounter rules' tag. A code without its leading zero
    /// (`120`'s four-digit cousin `1200`) stands for no procedure: the line is S02 and C10.
    @Test func aRevenueCodeOutOfUB04FormStandsForNoProcedure() throws {
        for (text, form) in [
            ("0120", true), (" 0450 ", true), ("1200", false), ("120", false), ("01200", false), ("01A0", false),
        ] {
            #expect(Array(text.utf8).withUnsafeBytes { ChargeParser.isRevenueCode($0) } == form, "\(text)")
        }
        let lines = Self.institutional(billedByRevenueCode: "1200")
        let (result, folder, findings) = try scrub(X12Fixture.render(lines))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(
            findings.map { [$0["rule"]!, $0["field"]!] }.sorted { $0.joined() < $1.joined() }
                == [["C10", "revenue_code"], ["S02", "procedure_code"]], "\(findings)")
    }

    /// Revenue-code-only lines still meet the duplicate edits: a room-and-board day billed twice
    /// is E01 on the second line, naming the revenue code (no procedure code to name).
    @Test func aRevenueCodeOnlyLineBilledTwiceIsADuplicate() throws {
        let room = X12Fixture.Line(code: "", charge: "500", ref: "R1", revenue: "0120")
        var again = room
        again.ref = "R2"
        let segments = X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1",
                    [
                        X12Fixture.transaction(
                            control: "0001", claims: [.init(id: "C1", lines: [room, again])], institutional: true)
                    ],
                    institutional: true)
            ]
        ).map { $0.replacingOccurrences(of: "SV2*0120*HC:*", with: "SV2*0120**") }
        #expect(segments.filter { $0.hasPrefix("SV2*0120**500") }.count == 2)
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(
            findings.map { [$0["rule"]!, $0["line_id"]!, $0["field"]!, $0["value"]!] } == [
                ["E01", "R2", "revenue_code", "0120"]
            ],
            "\(findings)")
    }

    /// An 837I line without its revenue code (SV201, required) holds its claim with X01 naming
    /// SV201: it used to pass as a professional line, edited with the practitioner tables.
    @Test func anInstitutionalLineWithoutItsRevenueCodeIsX01() throws {
        let segments = X12Fixture.standard(institutional: true).map {
            $0.hasPrefix("SV2*0510*HC:36415") ? $0.replacingOccurrences(of: "SV2*0510*", with: "SV2**") : $0
        }
        #expect(segments.contains { $0.hasPrefix("SV2**HC:36415") })
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(findings.map { [$0["rule"]!, $0["field"]!, $0["encounter_id"]!] } == [["X01", "SV201", "CLAIM1"]])
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held == ["CLAIM1"])
    }

    @Test func lineRuleFindingHoldsTheWholeClaim() throws {
        var segments = X12Fixture.standard()
        // An unknown diagnosis on CLAIM1 (two lines): both lines go to held with the claim.
        let claim = X12Fixture.Claim(
            id: "BAD1", diagnoses: ["ABK:I10", "ABF:Q9999"],
            lines: [
                X12Fixture.Line(pointers: "1:2", ref: "B1"), X12Fixture.Line(code: "36415", charge: "18", ref: "B2"),
            ],
            memberId: "MEM0002")
        segments =
            X12Fixture.interchange(
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

    // MARK: - X-rules

    @Test func claimTotalDifferentFromItsLinesIsX02OnTheClaim() throws {
        let bad = X12Fixture.Claim(id: "TOT1", total: "500", lines: [X12Fixture.Line(ref: "T1")], memberId: "M9")
        let segments = X12Fixture.interchange(
            control: "000000003",
            [
                X12Fixture.group(
                    control: "3",
                    [X12Fixture.transaction(control: "0003", claims: [bad, .init(id: "OK1", memberId: "M8")])])
            ])
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(findings.map { $0["rule"] } == ["X02"])
        #expect(findings.first?["line_id"] == "TOT1")
        #expect(findings.first?["encounter_id"] == "TOT1")
        #expect(findings.first?["value"] == "500")
        // ISA GS ST BHT NM1 PER NM1 HL NM1 N3 N4 REF HL SBR NM1 DMG NM1 CLM: the CLM is segment 18.
        #expect(findings.first?["line_number"] == "18")
        #expect(ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12"))) == ["TOT1"])
        #expect(ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12"))) == ["OK1"])
    }

    @Test func pointerToAnEmptySlotAndICD9QualifiersAreX03() throws {
        let pointer = X12Fixture.Claim(id: "PTR1", lines: [X12Fixture.Line(pointers: "1:5", ref: "P1")], memberId: "M1")
        let icd9 = X12Fixture.Claim(
            id: "Q9", diagnoses: ["BK:J069"], lines: [X12Fixture.Line(ref: "Q1")], memberId: "M2")
        let realICD9 = X12Fixture.Claim(
            id: "Q10", diagnoses: ["ABK:I10", "BF:4019"], lines: [X12Fixture.Line(ref: "Q2")], memberId: "M3")
        // E876 is ICD-10-CM's E87.6 (and was an ICD-9 E code): it passed clean under BK.
        let eCode = X12Fixture.Claim(
            id: "Q11", diagnoses: ["BK:E876"], lines: [X12Fixture.Line(ref: "Q3")], memberId: "M4")
        let segments = X12Fixture.interchange(
            control: "000000004",
            [
                X12Fixture.group(
                    control: "4", [X12Fixture.transaction(control: "0004", claims: [pointer, icd9, realICD9, eCode])])
            ])
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let x03 = findings.filter { $0["rule"] == "X03" }
        #expect(x03.count == 3)
        #expect(x03.first { $0["encounter_id"] == "Q11" }?["value"] == "BK:E876")
        #expect(x03.first { $0["encounter_id"] == "PTR1" }?["line_id"] == "P1")
        #expect(x03.first { $0["encounter_id"] == "PTR1" }?["value"] == "5")
        #expect(x03.first { $0["encounter_id"] == "Q9" }?["field"] == "HI")
        #expect(!x03.contains { $0["encounter_id"] == "Q10" })
    }

    @Test(arguments: ["seCount", "seControl", "geCount", "ieaControl", "missingIEA"])
    func envelopeErrorsHoldTheClaimsTheyCover(defect: String) throws {
        let t1 = X12Fixture.transaction(
            control: "0001", claims: [.init(id: "A1", memberId: "MA")], seCount: defect == "seCount" ? 99 : nil,
            seControl: defect == "seControl" ? "9999" : nil)
        let t2 = X12Fixture.transaction(control: "0002", claims: [.init(id: "A2", memberId: "MB")])
        var first = X12Fixture.interchange(
            control: "000000005", [X12Fixture.group(control: "5", [t1, t2], geCount: defect == "geCount" ? 3 : nil)],
            ieaControl: defect == "ieaControl" ? "000000777" : nil)
        if defect == "missingIEA" { first.removeLast() }
        let second = X12Fixture.interchange(
            control: "000000006",
            [
                X12Fixture.group(
                    control: "6", [X12Fixture.transaction(control: "0003", claims: [.init(id: "A3", memberId: "MC")])])
            ])
        let (result, folder, findings) = try scrub(X12Fixture.render(first + second))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        let expectedHeld: [String] = defect.hasPrefix("se") ? ["A1"] : ["A1", "A2"]
        #expect(Set(x01.map { $0["encounter_id"]! }) == Set(expectedHeld))
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(held == expectedHeld)
        #expect(
            held + clean == ["A1", "A2", "A3"].filter { expectedHeld.contains($0) }
                + ["A1", "A2", "A3"].filter { !expectedHeld.contains($0) })
        #expect(Set(held + clean) == ["A1", "A2", "A3"])
        // The summary counts them as the errors findings.csv says they are, one rule tally with
        // the others (it gave them as warnings, with no lines).
        let tally = result.summary.metrics.rules[RuleID.X01.ordinal]
        let count = result.summary.metrics.findingsByRule[RuleID.X01.ordinal]
        #expect(count == x01.count && tally.errors == count)
        #expect(tally.lines == expectedHeld.count && tally.chargesCents > 0)
        #expect(result.summary.metrics.errors == findings.filter { $0["severity"] == "error" }.count)
    }

    /// A damaged segment (no X12 segment id) in a loop above the claims (`dmg*` for a subscriber's
    /// DMG, `nm1*85` for the billing provider): what it held was read for no claim under the loop,
    /// so those claims are held with X01; they passed clean unchecked. Claims under other loops pass.
    @Test(arguments: ["subscriber", "billing"])
    func aDamagedSegmentAboveTheClaimsHoldsTheClaimsUnderIt(loop: String) throws {
        let claims: [X12Fixture.Claim] = [
            .init(id: "A1", memberId: "MA"), .init(id: "A2", memberId: "MB"), .init(id: "A3", memberId: "MC"),
        ]
        var segments = X12Fixture.interchange(
            control: "000000005",
            [X12Fixture.group(control: "5", [X12Fixture.transaction(control: "0001", claims: claims)])])
        if loop == "subscriber" {
            // The second claim's subscriber DMG.
            let dmg = segments.indices.filter { segments[$0].hasPrefix("DMG*") }[1]
            segments[dmg] = "dmg" + segments[dmg].dropFirst(3)
        } else {
            let nm1 = try #require(segments.firstIndex { $0.hasPrefix("NM1*85*") })
            segments[nm1] = "nm1" + segments[nm1].dropFirst(3)
        }
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let expectedHeld = loop == "subscriber" ? ["A2"] : ["A1", "A2", "A3"]
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(held == expectedHeld)
        #expect(Set(held + clean) == ["A1", "A2", "A3"])
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.filter { $0["field"] == "CLM" }.map { $0["encounter_id"]! } == expectedHeld)
        // The damaged segment itself, named at its position and not quoted.
        let damaged = try #require(x01.first { $0["field"] == "segment" })
        #expect(damaged["message"]?.contains("without an X12 segment id") == true)
        #expect(!x01.contains { $0["message"]!.contains("dmg") || $0["message"]!.contains("nm1") })
    }

    /// Two findings of one rule in one claim, alike but for where they are (two damaged segments):
    /// each row gives its own segment's position. Both gave the last one's.
    @Test func twoLikeFindingsOfAClaimKeepTheirOwnPositions() throws {
        var segments = X12Fixture.interchange(
            control: "000000005",
            [
                X12Fixture.group(
                    control: "5",
                    [
                        X12Fixture.transaction(
                            control: "0001",
                            claims: [.init(id: "A1", memberId: "MA"), .init(id: "A2", memberId: "MB")])
                    ])
            ])
        let hi = segments.indices.filter { segments[$0].hasPrefix("HI*") }
        segments.insert("nte*second damaged", at: hi[1] + 1)
        segments.insert("nte*first damaged", at: hi[0] + 1)
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        // (The SE01 count, now off by two, is an X01 of its own.)
        let x01 = findings.filter { $0["rule"] == "X01" && $0["field"] == "segment" }
        // Segment positions are 1-based and count the ISA.
        let expected = segments.indices.filter { segments[$0].hasPrefix("nte*") }.map { String($0 + 1) }
        #expect(x01.map { $0["line_number"]! } == expected)
        #expect(x01.map { $0["encounter_id"]! } == ["A1", "A2"])
    }

    /// An 837 wrapped at 80 columns scrubs as the unwrapped file does (same findings, same claims
    /// held), and each output copies the claims' segments with the file's own bytes.
    @Test func aWrappedFileScrubsAsTheUnwrappedOne() throws {
        var claims = X12Fixture.standard()
        let hi = try #require(claims.firstIndex { $0.hasPrefix("HI*") })
        claims[hi] = "HI*ABK:Q9999"  // one claim held (C04), so both outputs have claims
        let flat = X12Fixture.render(claims, lineBreak: "")
        let wrapped = stride(from: 0, to: flat.count, by: 80).map {
            let a = flat.index(flat.startIndex, offsetBy: $0)
            return String(flat[a..<(flat.index(a, offsetBy: 80, limitedBy: flat.endIndex) ?? flat.endIndex)])
        }.joined(separator: "\n")
        let (plain, plainFolder, plainFindings) = try scrub(flat)
        defer { plainFolder.remove() }
        let (folded, foldedFolder, foldedFindings) = try scrub(wrapped)
        defer { foldedFolder.remove() }
        #expect(folded.summary.metrics == plain.summary.metrics)
        #expect(
            foldedFindings.map { $0["rule"]! + " " + $0["value"]! }
                == plainFindings.map { $0["rule"]! + " " + $0["value"]! })
        #expect(foldedFindings.contains { $0["rule"] == "C04" })
        for name in ["held", "clean"] {
            let output = try ClaimFileTestSupport.text(foldedFolder.file("out/\(name).x12"))
            #expect(
                ClaimFileTestSupport.claimIds(output.replacingOccurrences(of: "\n", with: ""))
                    == ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(plainFolder.file("out/\(name).x12")))
            )
        }
    }

    /// A file without its GS or its ST, or whose ISA gives other separators than its segments use:
    /// the claims are held (X01), the held output is still a valid 837 (a GS or ST is made for
    /// them), each claim's own segments come through unchanged, and no message quotes a segment
    /// whole (which would put a patient's name in findings.csv). The GS made for an 837I's ST
    /// names its guide (it named the 837P's, and a payer read the claims by the 837P's rules).
    @Test(arguments: ["noST", "noGS", "noGSnoST", "isaSeparators", "noGS06", "noST02", "noGSinstitutional"])
    func claimsWithoutTheirGroupOrTransactionHeaderAreHeldInAValid837(defect: String) throws {
        let institutional = defect == "noGSinstitutional"
        let t1 = X12Fixture.transaction(
            control: "0001", claims: [.init(id: "B1", memberId: "MEMBERA"), .init(id: "B2", memberId: "MEMBERB")],
            institutional: institutional)
        var first = X12Fixture.interchange(
            control: "000000005", [X12Fixture.group(control: "5", [t1], institutional: institutional)])
        if defect == "noGS06" {
            // A GS and an ST without their control numbers: no GE02 or SE02 could repeat them.
            first = first.map { $0.hasPrefix("GS*") ? $0.replacingOccurrences(of: "*1200*5*", with: "*1200**") : $0 }
        } else if defect == "noST02" {
            first = first.map { $0.hasPrefix("ST*") ? $0.replacingOccurrences(of: "*0001*", with: "**") : $0 }
        } else {
            if defect.contains("ST") { first.removeAll { $0.hasPrefix("ST*") } }
            if defect.contains("GS") { first.removeAll { $0.hasPrefix("GS*") } }
        }
        if defect == "isaSeparators" { first[0] = first[0].replacingOccurrences(of: "*", with: "|") }
        let second = X12Fixture.interchange(
            control: "000000006",
            [
                X12Fixture.group(
                    control: "6",
                    [X12Fixture.transaction(control: "0003", claims: [.init(id: "B3", memberId: "MEMBERC")])])
            ])
        let input = X12Fixture.render(first) + X12Fixture.render(second)
        let (result, folder, findings) = try scrub(input)
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let heldText = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let cleanText = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(heldText) == ["B1", "B2"])
        #expect(ClaimFileTestSupport.claimIds(cleanText) == ["B3"])
        #expect(ClaimFileTestSupport.envelopeProblems(heldText) == [])
        #expect(ClaimFileTestSupport.envelopeProblems(cleanText) == [])
        let inputClaims = ClaimFileTestSupport.claimSegments(input)
        let heldClaims = ClaimFileTestSupport.claimSegments(heldText)
        for id in ["B1", "B2"] { #expect(heldClaims[id] == inputClaims[id], "\(id)") }
        let groups = ClaimFileTestSupport.segments(heldText).filter { $0.hasPrefix("GS*") }
        #expect(
            groups.count == 1 && groups[0].hasSuffix(institutional ? "*005010X223A2" : "*005010X222A1"), "\(groups)")
        let x01 = findings.filter { $0["rule"] == "X01" }
        if defect == "isaSeparators" {
            // Read with the ISA's separators the claims' elements are one element each: no CLM01 to name.
            #expect(!x01.isEmpty)
        } else {
            #expect(Set(x01.map { $0["encounter_id"]! }).isSuperset(of: ["B1", "B2"]))
        }
        for finding in findings {
            let shown = finding["field"]! + finding["message"]! + finding["value"]!
            #expect(!shown.contains("*") && !shown.contains("DOE") && !shown.contains("MEMBER"), "\(finding)")
        }
    }

    /// An interchange whose ISA is missing (lost, or hidden behind a byte order mark where two
    /// files were joined) holds its claims with X01: they used to pass, written under the ISA of
    /// the interchange before, while the X01 named no claim.
    @Test(arguments: ["noISA", "bomISA"])
    func claimsOfAnInterchangeWithoutItsISAAreHeld(defect: String) throws {
        func interchange(_ n: Int) -> [String] {
            X12Fixture.interchange(
                control: "00000000\(n)",
                [
                    X12Fixture.group(
                        control: "\(n)",
                        [X12Fixture.transaction(control: "000\(n)", claims: [.init(id: "A\(n)", memberId: "M\(n)")])])
                ])
        }
        var second = X12Fixture.render(interchange(2))
        if defect == "noISA" {
            second = String(second.drop { $0 != "\n" }.dropFirst())
        } else {
            second = "\u{FEFF}" + second
        }
        let (result, folder, findings) = try scrub(
            X12Fixture.render(interchange(1)) + second + X12Fixture.render(interchange(3)))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let heldText = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let cleanText = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(heldText) == ["A2"])
        #expect(ClaimFileTestSupport.claimIds(cleanText) == ["A1", "A3"])
        #expect(ClaimFileTestSupport.envelopeProblems(heldText) == [])
        #expect(ClaimFileTestSupport.envelopeProblems(cleanText) == [])
        let x01 = findings.filter { $0["rule"] == "X01" }
        // The ISA behind a byte order mark is a segment outside any set, an X01 of no claim.
        #expect(Set(x01.map { $0["encounter_id"]! }).subtracting([""]) == ["A2"], "\(x01)")
        #expect(x01.contains { $0["message"]!.contains("no ISA before it") })
    }

    /// A segment outside any transaction set is named in X01's message only when it is an 837
    /// segment id: a line cut inside a name ("DOE*JANE", after a lost ST) is "a segment", not the
    /// patient's surname, although it has a segment id's shape.
    @Test(arguments: [("DOE*JANE*19700101", "a segment"), ("BHT*0019*00*0001*20260420*1200*CH", "BHT")])
    func aSegmentOutsideATransactionSetIsNamedOnlyWhenItIsAn837Segment(first: String, named: String) throws {
        let transaction = X12Fixture.transaction(control: "0001", claims: [.init(id: "B1", memberId: "MA")])
        var segments = X12Fixture.interchange(control: "000000005", [X12Fixture.group(control: "5", [transaction])])
        let st = segments.firstIndex { $0.hasPrefix("ST*") }!
        segments[st] = first
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let messages = findings.filter { $0["rule"] == "X01" }.map { $0["message"]! }
        #expect(messages.contains { $0.contains("\(named) outside a transaction set") }, "\(messages)")
        #expect(!messages.contains { $0.contains("DOE") }, "\(messages)")
    }

    /// A line break just before a terminator belongs to the segment as the file has it: the
    /// outputs keep it (a claim's segments are copied unchanged), and the elements are read
    /// without it (the line is still L1, the pointer still 1).
    @Test(arguments: ["\n", "\r", "\r\n"])
    func aLineBreakBeforeATerminatorStaysInTheClaim(lineBreak: String) throws {
        let text = X12Fixture.render(X12Fixture.standard(), lineBreak: "")
            .replacingOccurrences(of: "REF*6R*L1~", with: "REF*6R*L1\(lineBreak)~")
            .replacingOccurrences(of: "SV1*HC:85025*31*UN*1***1~", with: "SV1*HC:85025*31*UN*1***1\(lineBreak)~")
        let (result, folder, findings) = try scrub(text)
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.summary.metrics.records == 4)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(clean.contains("REF*6R*L1\(lineBreak)~"))
        #expect(clean.contains("SV1*HC:85025*31*UN*1***1\(lineBreak)~"))
        #expect(ClaimFileTestSupport.envelopeProblems(clean) == [])
    }

    /// Published sample files indent their segments (`~\n    CLM*…`): the blanks before a segment
    /// are read past like its line break. Every claim of such a file was lost ("    CLM" is no CLM)
    /// with nothing in either output.
    @Test(arguments: ["  ", "\t", "    \t"])
    func indentedSegmentsAreReadLikeFlatOnes(indent: String) throws {
        let flat = X12Fixture.render(X12Fixture.standard(), lineBreak: "\n")
        let indented = flat.replacingOccurrences(of: "~\n", with: "~\n\(indent)")
        let (result, folder, findings) = try scrub(indented)
        defer { folder.remove() }
        #expect(result.exitStatus == 0)
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.summary.metrics.records == 4)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        #expect(ClaimFileTestSupport.envelopeProblems(clean) == [])
    }

    /// An empty segment (`~~`, or `~` with a blank line before the next) holds nothing: it is read
    /// past uncounted, before the first group, among the header loops, inside a claim and at the
    /// end, and the findings and outputs are those of the file without it. Read as a damaged
    /// segment it held its claim, or outside any claim gave three X01 on no line and exit 1.
    @Test(arguments: ["~~", "~\n~", "~ \r\n~\n"])
    func emptySegmentsAreReadPast(empty: String) throws {
        // A bad code in the last claim, so that a finding names a segment's position.
        let flat = X12Fixture.render(X12Fixture.standard(), lineBreak: "")
            .replacingOccurrences(of: "SV1*HC:85025*", with: "SV1*HC:85X25*")
        var segments = flat.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        #expect(segments.last == "")
        segments.removeLast()
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*") })
        var text = ""
        for (k, segment) in segments.enumerated() {
            text += segment
            // After the ISA, a header segment, the claim's CLM and the last segment.
            text += [0, 3, claim, segments.count - 1].contains(k) ? empty : "~"
        }
        let (plain, plainFolder, plainFindings) = try scrub(flat)
        defer { plainFolder.remove() }
        #expect(plainFindings.map { $0["rule"] } == ["C01"], "\(plainFindings)")
        let (result, folder, findings) = try scrub(text)
        defer { folder.remove() }
        #expect(result.exitStatus == plain.exitStatus)
        #expect(findings == plainFindings, "\(findings)")
        #expect(result.summary.metrics.records == 4)
        // Read in small chunks too, with a second interchange after an empty segment (chunks are
        // cut before an ISA): the same segment positions as read whole, and as without them.
        let second = X12Fixture.render(
            X12Fixture.interchange(
                control: "000000009",
                [
                    X12Fixture.group(
                        control: "9",
                        [X12Fixture.transaction(control: "0009", claims: [.init(id: "C9", memberId: "MEMBERZ")])])
                ]),
            lineBreak: ""
        ).replacingOccurrences(of: "SV1*HC:99213*", with: "SV1*HC:99X13*")
        let secondWithEmpties = second.replacingOccurrences(of: "~", with: empty)
        let (_, twoFolder, twoFindings) = try scrub(text + secondWithEmpties)
        defer { twoFolder.remove() }
        let (_, chunkedFolder, chunkedFindings) = try scrub(text + secondWithEmpties) { $0.chunkSize = 256 }
        defer { chunkedFolder.remove() }
        let (_, plainTwoFolder, plainTwoFindings) = try scrub(flat + second)
        defer { plainTwoFolder.remove() }
        #expect(twoFindings.filter { $0["encounter_id"] == "C9" }.map { $0["rule"] } == ["C01"], "\(twoFindings)")
        #expect(chunkedFindings == twoFindings)
        #expect(twoFindings == plainTwoFindings)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        let plainClean = try ClaimFileTestSupport.text(plainFolder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.segments(clean) == ClaimFileTestSupport.segments(plainClean))
        // No empty segment is copied (the line break after each segment is the ISA's).
        let pieces = clean.split(separator: "~", omittingEmptySubsequences: false).dropLast()
        #expect(!pieces.contains { $0.allSatisfy(\.isWhitespace) }, "\(clean)")
        #expect(ClaimFileTestSupport.envelopeProblems(clean) == [])
    }

    /// A segment that ends with a separator (`SV1*…*1*~`, `HI*ABK:J069:~`) breaks X12 syntax, and a
    /// payer's 999 rejects its whole transaction set: it passed clean (found with pyx12's x12valid).
    /// In a claim it holds the claim; in a loop above the claims, every claim under the loop.
    @Test(
        arguments: [
            ("SV1*HC:85025*31*UN*1***1", "SV1*HC:85025*31*UN*1***1*", "SV1", ["CLAIM3"]),
            ("CLM*CLAIM3*", "CLM*CLAIM3*", "CLM", []),
            // The first billing provider's loop: its two claims (CLAIM3 is under another).
            ("NM1*85*", "NM1*85*", "segment", ["CLAIM1", "CLAIM2"]),
        ] as [(String, String, String, [String])])
    func aSegmentEndingWithASeparatorHoldsWhatItBelongsTo(
        _ segment: String, _ broken: String, _ field: String, _ held: [String]
    ) throws {
        var segments = X12Fixture.standard()
        let k = try #require(segments.firstIndex { $0.hasPrefix(segment) }, "\(segments)")
        // CLM and NM1*85: the segment as it is with an empty element after its last.
        segments[k] = broken == segment ? segments[k] + "*" : broken
        let expectedHeld = segment == "CLM*CLAIM3*" ? ["CLAIM3"] : held
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(
            x01.contains { $0["field"] == field && $0["message"]!.contains("ends with a separator") }, "\(findings)")
        let heldIds = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(heldIds == expectedHeld, "\(findings)")
        // The component separator at the end of an element list counts too.
        if field == "SV1" {
            var hi = X12Fixture.standard()
            let h = try #require(hi.firstIndex { $0.hasPrefix("HI*") })
            hi[h] += ":"
            let (_, f2, findings2) = try scrub(X12Fixture.render(hi))
            defer { f2.remove() }
            #expect(findings2.contains { $0["rule"] == "X01" && $0["field"] == "HI" }, "\(findings2)")
        }
    }

    /// A GS or an ST that ends with a separator is copied into no output: their claims are held
    /// (X01) under a GS or ST made for them, as for one without its control number; they passed
    /// clean, and a payer's 999 rejects such a transaction set. A repetition separator at a
    /// segment's end counts too.
    @Test(arguments: ["GS", "ST", "repetition"])
    func anEnvelopeSegmentEndingWithASeparatorHoldsItsClaims(_ which: String) throws {
        // Patients of their own: the same lines of one patient would be duplicates (E01).
        let t1 = X12Fixture.transaction(
            control: "0001", claims: [.init(id: "B1", memberId: "MEMBERA"), .init(id: "B2", memberId: "MEMBERB")])
        var first = X12Fixture.interchange(control: "000000005", [X12Fixture.group(control: "5", [t1])])
        let t3 = X12Fixture.transaction(control: "0003", claims: [.init(id: "B3", memberId: "MEMBERC")])
        let second = X12Fixture.interchange(control: "000000006", [X12Fixture.group(control: "6", [t3])])
        switch which {
        case "GS", "ST":
            let k = try #require(first.firstIndex { $0.hasPrefix(which + "*") })
            first[k] += "*"
        default:
            let k = try #require(first.firstIndex { $0.hasPrefix("NM1*82*") })
            first[k] += "^"
        }
        let (result, folder, findings) = try scrub(X12Fixture.render(first) + X12Fixture.render(second))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let heldText = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let cleanText = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        let expected = which == "repetition" ? ["B1"] : ["B1", "B2"]
        #expect(ClaimFileTestSupport.claimIds(heldText) == expected, "\(findings)")
        #expect(ClaimFileTestSupport.envelopeProblems(heldText) == [])
        #expect(!cleanText.contains("*~") && !cleanText.contains("^~"))
        #expect(
            findings.contains { $0["rule"] == "X01" && $0["message"]!.contains("ends with a separator") }, "\(findings)"
        )
    }

    /// An ST without a GS, an 837I's, made the group made for it institutional, and with it every
    /// later ST of the interchange: an 837P's lines lost their place of service (no C08) and read
    /// as an inpatient bill. Each ST of such a group says what it is; a GS without its control
    /// number keeps its GS08 (an 837I's was written as an 837P's).
    @Test func eachTransactionOfAGroupMadeUpForItSaysWhatItIs() throws {
        let institutional = X12Fixture.transaction(control: "0001", claims: [.init(id: "I1")], institutional: true)
        let professional = X12Fixture.transaction(control: "0002", claims: [.init(id: "P1")])
            .map { $0.hasPrefix("CLM*P1*") ? $0.replacingOccurrences(of: "11:B:1", with: "00:B:1") : $0 }
        var segments = X12Fixture.interchange(
            control: "000000007", [X12Fixture.group(control: "7", [institutional, professional])])
        segments.removeAll { $0.hasPrefix("GS*") }
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(findings.contains { $0["rule"] == "C08" && $0["encounter_id"] == "P1" }, "\(findings)")
        // A GS08 of an 837I without its GS06.
        var noGS06 = X12Fixture.interchange(
            control: "000000008", [X12Fixture.group(control: "8", [institutional], institutional: true)])
        noGS06 = noGS06.map { $0.hasPrefix("GS*") ? $0.replacingOccurrences(of: "*1200*8*", with: "*1200**") : $0 }
        #expect(noGS06.contains { $0.hasPrefix("GS*") && $0.contains("*1200**") })
        let (_, f2, _) = try scrub(X12Fixture.render(noGS06))
        defer { f2.remove() }
        let groups = ClaimFileTestSupport.segments(try ClaimFileTestSupport.text(f2.file("out/held.x12"))).filter {
            $0.hasPrefix("GS*")
        }
        #expect(groups.count == 1 && groups[0].hasSuffix("*005010X223A2"), "\(groups)")
    }

    /// An ISA16 that is a letter or a digit, or the element separator, is no component separator:
    /// every element holding that byte would be cut at it (`Y` cut CLM's flags).
    @Test(arguments: ["Y", "*"])
    func anISA16ThatIsNoSeparatorStopsTheRun(_ component: String) throws {
        var segments = X12Fixture.standard()
        segments[0] = String(segments[0].dropLast()) + component
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("claims.x12", X12Fixture.render(segments))
        #expect {
            _ = try Fixtures.scrub([input], out: folder.file("out"))
        } throws: { error in
            (error as? ScrubError)?.message.contains("ISA16, the component separator, is not a separator") == true
        }
    }

    /// Elements the 5010 guides require or bound, missing or past their bound, passed into
    /// clean.x12, whose transaction set a 999 then rejected (found with pyx12): SV103, SV204,
    /// CLM05-3, CLM01 over 38 characters, an HI of 13 codes, a second principal diagnosis, an SV107
    /// of five pointers (the fifth was dropped, its diagnosis unchecked). Each
    /// holds its claim with X01 naming the element; the claim's account number is not quoted.
    @Test(
        arguments: [
            ("SV1*HC:99214*165*UN*", "SV1*HC:99214*165**", "SV1", false),
            ("CLM*CLAIM2*", "11:B:1", "CLM05", false),
            ("CLM*CLAIM2*", "LONG", "CLM01", false),
            ("HI*", "13", "HI", false),
            ("HI*", "ABK2", "HI", false),
            ("SV2*", "SV2*", "SV2", true),
            ("SV1*HC:99214*165*UN*", "1:2:1:2:1", "SV107", false),
            ("SV1*HC:99214*165*UN*", "1:2:1:2::1", "SV107", false),
        ] as [(String, String, String, Bool)])
    func aMissingOrOverlongRequiredElementHoldsItsClaim(
        _ prefix: String, _ edit: String, _ field: String, _ institutional: Bool
    ) throws {
        var segments = X12Fixture.standard(institutional: institutional)
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*CLAIM2*") })
        let k = try #require(segments[claim...].firstIndex { $0.hasPrefix(prefix) })
        switch (field, edit) {
        case ("SV1", _): segments[k] = segments[k].replacingOccurrences(of: prefix, with: edit)
        case ("SV107", _):
            // A fifth pointer, which was dropped without a word.
            var e = segments[k].split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            while e.count < 8 { e.append("") }
            e[7] = edit
            segments[k] = e.joined(separator: "*")
        case ("CLM05", _): segments[k] = segments[k].replacingOccurrences(of: "11:B:1", with: "11:B")
        case ("CLM01", _):
            let long = "CLAIM2" + String(repeating: "X", count: 33)
            segments[k] = segments[k].replacingOccurrences(of: "CLM*CLAIM2*", with: "CLM*\(long)*")
        case ("HI", "13"): segments[k] = "HI*ABK:I10" + String(repeating: "*ABF:E785", count: 12)
        case ("HI", _): segments[k] = "HI*ABK:I10*ABK:E785"
        default:
            var e = segments[k].split(separator: "*", omittingEmptySubsequences: false)
            e[4] = ""
            segments[k] = e.joined(separator: "*")
        }
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" && $0["field"] == field }
        #expect(x01.count == 1 && x01[0]["message"]!.contains("5010 implementation guide requires"), "\(findings)")
        #expect(!x01[0]["message"]!.contains("XXXX"))
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held.count == 1 && held[0].hasPrefix("CLAIM2"), "\(held) \(findings)")
        #expect(
            ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
                == ["CLAIM1", "CLAIM3"])
    }

    /// Amounts and units in an 837 are X12 decimals (type R): a dollar sign, a thousands comma, an
    /// accounting parenthesis or a trailing minus, which the CSV reading takes, are syntax errors
    /// a payer's acknowledgment rejects. SV101-1 and SV202-1, the product or service id
    /// qualifier, take the guide's codes (HC, ER, IV, WK; HP too in SV202). Such claims passed
    /// clean; each is held with X01 naming the element (a code with no qualifier before it is a
    /// missing qualifier, not one named by the code), and its service line's id. A service line's
    /// charge or units below zero (X12 RFI 2499: a correction is a void or replacement claim) had
    /// been read as a credit and passed clean; it is X01 too, as is an 837P line without its SV107
    /// diagnosis pointers, which the guide requires, a CLM05-2 qualifier not the transaction's (B
    /// in an 837P, A in an 837I), an 837P frequency code other than 1, 7, 8, and the other guide's
    /// service segment (SV2 in an 837P, SV1 in an 837I).
    @Test(
        arguments: [
            ("SV1*HC:99214*", "165", "$165.00", "SV102", false, "not an X12 decimal"),
            ("SV1*HC:99214*", "165", "165-", "SV102", false, "not an X12 decimal"),
            ("SV1*HC:99214*", "165", "(165)", "SV102", false, "not an X12 decimal"),
            ("SV1*HC:99214*", "*UN*1", "*UN*1,0", "SV104", false, "not an X12 decimal"),
            ("CLM*CLAIM2*", "CLM*CLAIM2*", "CLM*CLAIM2*$", "CLM02", false, "not an X12 decimal"),
            ("SV2*", "*UN*", "*UN*+", "SV205", true, "not an X12 decimal"),
            ("SV1*HC:99214*", "165", "-165", "SV102", false, "SV102 is negative"),
            ("SV1*HC:99214*", "*UN*1", "*UN*-1", "SV104", false, "SV104 is negative"),
            ("SV2*", "*UN*", "*UN*-", "SV205", true, "SV205 is negative"),
            ("SV1*HC:99214*", "***1", "", "SV107", false, "SV107, the diagnosis code pointer, is missing"),
            ("CLM*CLAIM2*", "11:B:1", "11:A:1", "CLM05-2", false, "CLM05-2 is 'A', not B"),
            ("CLM*CLAIM2*", "13:A:1", "13:B:1", "CLM05-2", true, "CLM05-2 is 'B', not A"),
            ("CLM*CLAIM2*", "11:B:1", "11:B:9", "CLM05-3", false, "is not 1, 7 or 8"),
            ("SV1*HC:99214*", "SV1*", "SV2*0510*", "SV2", false, "SV2 is the 837I's service segment"),
            ("SV2*", "SV2*", "SV1*", "SV1", true, "SV1 is the 837P's service segment"),
            ("SV1*HC:99214*", "SV1*HC:", "SV1*HCPCS:", "SV101", false, "qualifier, is 'HCPC'"),
            ("SV1*HC:99214*", "SV1*HC:", "SV1*:", "SV101", false, "qualifier, is missing"),
            ("SV1*HC:99214*", "SV1*HC:", "SV1*", "SV101", false, "qualifier, is missing"),
            ("SV2*", "*HC:", "*AB:", "SV202", true, "qualifier, is 'AB'"),
        ] as [(String, String, String, String, Bool, String)])
    func anElementTheGuideRefusesHoldsItsClaim(
        _ prefix: String, _ old: String, _ new: String, _ field: String, _ institutional: Bool, _ says: String
    ) throws {
        var segments = X12Fixture.standard(institutional: institutional)
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*CLAIM2*") })
        let k = try #require(segments[claim...].firstIndex { $0.hasPrefix(prefix) })
        let edited = segments[k].replacingOccurrences(of: old, with: new)
        #expect(edited != segments[k], "\(segments[k])")
        segments[k] = edited
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" && $0["field"] == field }
        #expect(x01.count == 1 && x01[0]["message"]!.contains(says), "\(findings)")
        let message = x01.first?["message"] ?? ""
        #expect(!message.contains("9921"), "\(message)")
        // A service line's element names its line (it named the claim only).
        let lineId = x01.first?["line_id"]
        #expect(lineId == (field.hasPrefix("CLM") ? "CLAIM2" : "CLAIM2:1"), "\(lineId ?? "none")")
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held == ["CLAIM2"], "\(held) \(findings)")
    }

    /// A claim without its billing provider's NPI (2010AA NM109), whose diagnoses have no
    /// principal one (HI01 ABK), or under a subscriber loop without its SBR or payer (NM1*PR), is
    /// rejected by a payer's acknowledgment: X01 holds it (each passed clean).
    @Test(arguments: [
        ("NM1*85*", "*****XX*" + X12Fixture.billingNPI, "", "NM109", "billing provider's NPI"),
        ("HI*", "ABK:", "ABF:", "HI", "no principal diagnosis"),
        ("SBR*", "SBR*P*18*GRP01******CI", "", "SBR", "has no SBR"),
        ("NM1*PR*", "NM1*PR*2*ACME INSURANCE*****PI*AETNA01", "", "NM1*PR", "has no payer"),
    ])
    func aRequiredClaimFactMissingHoldsTheClaim(
        _ prefix: String, _ old: String, _ new: String, _ field: String, _ says: String
    )
        throws
    {
        var segments = X12Fixture.standard()
        let k = try #require(segments.firstIndex { $0.hasPrefix(prefix) })
        segments[k] = segments[k].replacingOccurrences(of: old, with: new)
        #expect(segments[k] != X12Fixture.standard()[k])
        if segments[k].isEmpty { segments.remove(at: k) }
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let x01 = findings.filter { $0["rule"] == "X01" && $0["field"] == field }
        #expect(!x01.isEmpty && x01.allSatisfy { $0["message"]!.contains(says) }, "\(findings)")
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(clean.count < 3, "\(clean)")
    }

    /// An SV101 code under ER, IV or WK (a jurisdiction's, home-infusion or ABC code) is no HCPCS
    /// code: it was C01 and held its claim. It is not checked, and C06 (a warning) says so.
    @Test(arguments: [("WK", "ABC codes (WK)"), ("IV", "home infusion codes (IV)")])
    func aCodeOfAnotherCodeSetIsNotCheckedAndSaysSo(qualifier: String, codeSet: String) throws {
        var segments = X12Fixture.standard()
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*CLAIM2*") })
        let k = try #require(segments[claim...].firstIndex { $0.hasPrefix("SV1*HC:99214*") })
        segments[k] = segments[k].replacingOccurrences(of: "SV1*HC:99214*", with: "SV1*\(qualifier):ABBAA*")
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 0)
        #expect(
            findings.map { [$0["encounter_id"]!, $0["rule"]!, $0["severity"]!, $0["field"]!, $0["value"]!] } == [
                ["CLAIM2", "C06", "warning", "procedure_code", codeSet]
            ], "\(findings)")
        #expect(
            ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
                == ["CLAIM1", "CLAIM2", "CLAIM3"])
        // Under HC the same code is C01, as before.
        segments[k] = segments[k].replacingOccurrences(of: "SV1*\(qualifier):", with: "SV1*HC:")
        let (_, hcFolder, hcFindings) = try scrub(X12Fixture.render(segments))
        defer { hcFolder.remove() }
        #expect(hcFindings.map { $0["rule"]! } == ["C01"], "\(hcFindings)")
    }

    /// Nor is such a code compared with HCPCS codes in the encounter edits: an ER line of 99214
    /// beside the claim's HC 99214 was E01/E05 (as an 837I line's SV202 of such a set is not).
    @Test func aCodeOfAnotherCodeSetMeetsNoEncounterEdit() throws {
        var segments = X12Fixture.standard()
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*CLAIM2*") })
        let k = try #require(segments[claim...].firstIndex { $0.hasPrefix("SV1*HC:99214*") })
        let date = segments[k + 1]
        #expect(date.hasPrefix("DTP*472*"))
        let ref = segments[k + 2].hasPrefix("REF*") ? 1 : 0
        segments.insert(contentsOf: ["LX*2", "SV1*ER:99214*165*UN*9***1", date], at: k + 2 + ref)
        segments[claim] = segments[claim].replacingOccurrences(of: "CLM*CLAIM2*165*", with: "CLM*CLAIM2*330*")
        let (result, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
        defer { folder.remove() }
        #expect(result.exitStatus == 0)
        #expect(
            findings.map { [$0["rule"]!, $0["value"]!] } == [["C06", "jurisdiction-specific codes (ER)"]], "\(findings)"
        )
    }

    @Test func x12DecimalsHaveOneForm() {
        for good in ["165", "165.00", "-20", ".5", "0.125", "1."] {
            #expect(
                good.utf8.withContiguousStorageIfAvailable { X12ClaimReader.isX12Decimal(UnsafeRawBufferPointer($0)) }
                    == true, "\(good)")
        }
        for bad in ["", "-", ".", "$1", "1,000", "1.0.0", "+1", "1-", " 1", "1e3"] {
            #expect(
                bad.utf8.withContiguousStorageIfAvailable { X12ClaimReader.isX12Decimal(UnsafeRawBufferPointer($0)) }
                    == false, "\(bad)")
        }
    }

    /// A damaged segment inside a claim (`~sbr` left before a line's DTP*472 in a published file:
    /// the line's date was lost without a word) holds the claim with X01; its text stays out of the
    /// message.
    @Test func aSegmentWithoutASegmentIdHoldsItsClaim() throws {
        let text = X12Fixture.render(X12Fixture.standard(), lineBreak: "\n")
            .replacingOccurrences(of: "SV1*HC:85025*31*UN*1***1~\n", with: "SV1*HC:85025*31*UN*1***1~sbr\n")
        #expect(text.contains("~sbr\nDTP"))
        let (result, folder, findings) = try scrub(text)
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(
            findings.map { [$0["rule"]!, $0["field"]!, $0["encounter_id"]!] } == [
                ["S02", "service_date", "CLAIM3"], ["X01", "segment", "CLAIM3"],
            ],
            "\(findings)")
        // The line's date was in the damaged segment: S02 says so, X01 says why.
        let message = findings.last?["message"] ?? ""
        #expect(!message.contains("sbr"))
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held == ["CLAIM3"])
    }

    /// Windows tools write a UTF-8 byte order mark before the ISA: read past, as for an extract.
    @Test func aByteOrderMarkBeforeTheISAIsReadPast() throws {
        let (result, folder, findings) = try scrub("\u{FEFF}" + X12Fixture.render(X12Fixture.standard()))
        defer { folder.remove() }
        #expect(result.exitStatus == 0)
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.summary.metrics.records == 4)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(clean.hasPrefix("ISA*"))
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
    }

    @Test func truncatedFileHoldsTheClaimItCutsAndLosesNothing() throws {
        let text = X12Fixture.render(X12Fixture.standard())
        // Cut inside CLAIM3's SV1.
        let cut = String(text[..<text.range(of: "SV1*HC:85025")!.upperBound])
        let (result, folder, findings) = try scrub(cut)
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(findings.contains { $0["rule"] == "X01" && $0["encounter_id"] == "CLAIM3" })
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(Set(held + clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        #expect(held.count + clean.count == 3)
    }

    /// The segments with each SE01 counting its transaction set's segments again.
    static func recountingSE(_ segments: [String]) -> [String] {
        var result = segments
        var start = 0
        for (i, segment) in segments.enumerated() {
            if segment.hasPrefix("ST*") { start = i }
            if segment.hasPrefix("SE*") {
                let control = segment.split(separator: "*", omittingEmptySubsequences: false)[2]
                result[i] = "SE*\(i - start + 1)*\(control)"
            }
        }
        return result
    }

    /// A claim whose CLM was lost: its service lines stand in the subscriber loop, under no claim.
    /// They used to vanish from both outputs (X01 where they stood, counted nowhere); they are now
    /// read as a claim without a CLM, which X01 holds: both lines are counted and in held.x12 as
    /// the file has them, and the other claims go on as before.
    @Test func serviceLinesWithoutTheirCLMAreHeldAsAClaimOfTheirOwn() throws {
        let original = X12Fixture.standard()
        let segments = Self.recountingSE(original.filter { !$0.hasPrefix("CLM*CLAIM1*") })
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.count == 1, "\(findings)")
        #expect(x01.first?["field"] == "CLM" && x01.first?["encounter_id"] == "")
        #expect(x01.first?["message"]?.contains("LX with no CLM before it") == true)
        // At the first LX (1-based segment position).
        let firstLX = segments.firstIndex { $0.hasPrefix("LX*") }!
        #expect(x01.first?["line_number"] == String(firstLX + 1))
        #expect(result.summary.metrics.records == 4)
        #expect(result.summary.metrics.held == 2)
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM2", "CLAIM3"])
        // Each service line of the input in exactly one output.
        let sv1 = { (text: String) in ClaimFileTestSupport.segments(text).filter { $0.hasPrefix("SV1*") } }
        #expect((sv1(held) + sv1(clean)).sorted() == segments.filter { $0.hasPrefix("SV1*") }.sorted())
        #expect(sv1(held).count == 2)
        // Held keeps what the lines' loop and claim had, the HI included.
        #expect(ClaimFileTestSupport.segments(held).contains { $0.hasPrefix("HI*") })
        #expect(ClaimFileTestSupport.envelopeProblems(held).isEmpty, "\(ClaimFileTestSupport.envelopeProblems(held))")
        #expect(ClaimFileTestSupport.envelopeProblems(clean).isEmpty)
    }

    /// A service line's segments before the CLM of their loop are a claim of their own without a
    /// CLM, held with X01; the claim after them is read as it stands and passes. (They once went
    /// into an output ahead of that claim, which had to be held for them.)
    @Test func aServiceLineBeforeItsLoopsCLMIsHeldOnItsOwn() throws {
        var segments = X12Fixture.standard()
        let clm = segments.firstIndex { $0.hasPrefix("CLM*CLAIM1*") }!
        segments.insert(contentsOf: ["LX*1", "SV1*HC:99213*110*UN*1***1"], at: clm)
        segments = Self.recountingSE(segments)
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(
            findings.filter { $0["rule"] == "X01" }.map { [$0["field"]!, $0["encounter_id"]!, $0["line_number"]!] }
                == [["CLM", "", String(clm + 1)]], "\(findings)")
        #expect(result.summary.metrics.records == 5 && result.summary.metrics.held == 1)
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(ClaimFileTestSupport.claimIds(held).isEmpty)
        #expect(ClaimFileTestSupport.claimIds(clean) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        let sv1 = { (text: String) in ClaimFileTestSupport.segments(text).filter { $0.hasPrefix("SV1*") }.count }
        #expect(sv1(held) == 1 && sv1(clean) == 4)
    }

    /// A subscriber loop's HL lost: its SBR, NM1*IL and DMG came inside the claim before, and its
    /// claim was read as the previous subscriber's, going to clean.x12 under the wrong person.
    /// X01 holds the claim the segments fell into and the claims after it in the loop; the next
    /// subscriber's claim, with its HL, passes.
    @Test func aLostSubscriberHLHoldsTheClaimsItWouldMisfile() throws {
        func claim(_ id: String, _ member: String, _ code: String) -> X12Fixture.Claim {
            X12Fixture.Claim(id: id, lines: [X12Fixture.Line(code: code, ref: id + "-1")], memberId: member)
        }
        var segments = X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1",
                    [
                        X12Fixture.transaction(
                            control: "0001",
                            claims: [claim("A", "M1", "99213"), claim("B", "M2", "36415"), claim("C", "M3", "85025")])
                    ])
            ])
        let lost = segments.firstIndex { $0.hasPrefix("HL*3*1*22") }!
        segments.remove(at: lost)
        segments = Self.recountingSE(segments)
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.contains { $0["encounter_id"] == "A" && $0["field"] == "SBR" }, "\(findings)")
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(held == ["A", "B"] && clean == ["C"], "held \(held), clean \(clean)")
    }

    /// A transaction set without its billing provider loop (HL*…*20) passed: NM1*85 went unread
    /// and clean.x12 held a 2000A loop without it. Every claim of it is held with X01. The
    /// billing provider's segments open the loop they belong to: held.x12 writes them under the
    /// HL 20 it makes (they stayed among the submitter's and receiver's, which a 999 rejected).
    @Test func aTransactionWithoutItsBillingProviderLoopHoldsItsClaims() throws {
        let segments = Self.recountingSE(X12Fixture.standard().filter { !$0.hasPrefix("HL*1**20") })
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" && $0["message"]!.contains("no billing provider loop") }
        #expect(!x01.isEmpty && x01.allSatisfy { $0["field"] == "HL" }, "\(findings)")
        let claims = findings.filter { $0["rule"] == "X01" && $0["field"] == "CLM" }
        #expect(Set(claims.map { $0["encounter_id"]! }) == ["CLAIM1", "CLAIM2", "CLAIM3"], "\(findings)")
        #expect(try ClaimFileTestSupport.text(folder.file("out/clean.x12")).isEmpty)
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        #expect(ClaimFileTestSupport.envelopeProblems(held) == [])
        let heldSegments = ClaimFileTestSupport.segments(held)
        for (k, segment) in heldSegments.enumerated() where segment.hasPrefix("NM1*85*") {
            #expect(heldSegments[..<k].last { $0.hasPrefix("HL*") || $0.hasPrefix("NM1*40") }?.hasPrefix("HL*") == true)
        }
    }

    /// A 4010 file (GS08 and ST 004010X098A1) passed as a 5010 837: its transaction sets are X01
    /// naming the version, their claims held. 5010's own versions pass (the other tests).
    @Test func aTransactionOfAnotherVersionThan5010IsHeld() throws {
        let segments = X12Fixture.standard().map { segment in
            segment.hasPrefix("GS*") || segment.hasPrefix("ST*")
                ? segment.replacingOccurrences(of: "005010X222A1", with: "004010X098A1") : segment
        }
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" && $0["field"] == "ST03" }
        #expect(!x01.isEmpty && x01.allSatisfy { $0["message"]!.contains("004010X098A1") }, "\(findings)")
        #expect(Set(x01.map { $0["encounter_id"]! }) == ["CLAIM1", "CLAIM2", "CLAIM3"])
        #expect(result.summary.metrics.held == result.summary.metrics.records)
    }

    /// Two 837I lines of pharmacy revenue code 0250 without a HCPCS code, for two drugs (their
    /// LIN*N4 NDCs), were an exact duplicate of each other (E01 held the claim); the same drug
    /// twice still is one.
    @Test(arguments: [("00002750101", "00069015001", false), ("00002750101", "00002750101", true)])
    func revenueCodeLinesOfTwoDrugsAreNoDuplicates(ndc1: String, ndc2: String, duplicate: Bool) throws {
        var segments = X12Fixture.standard(institutional: true)
        let clm = segments.firstIndex { $0.hasPrefix("CLM*CLAIM1*") }!
        segments[clm] = segments[clm].replacingOccurrences(of: "CLM*CLAIM1*128", with: "CLM*CLAIM1*50.00")
        var ndcs = [ndc1, ndc2]
        var i = clm
        while i < segments.count && !segments[i].hasPrefix("HL*") {
            if segments[i].hasPrefix("SV2*") { segments[i] = "SV2*0250**25.00*UN*1" }
            if segments[i].hasPrefix("REF*6R*") {
                segments.insert("LIN**N4*\(ndcs.removeFirst())", at: i + 1)
                i += 1
            }
            i += 1
        }
        #expect(ndcs.isEmpty)
        let (_, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
        defer { folder.remove() }
        let duplicates = findings.filter { $0["rule"] == "E01" || $0["rule"] == "E02" }
        #expect(duplicates.map(\.self["rule"]!) == (duplicate ? ["E01"] : []), "\(findings)")
        #expect(!findings.contains { $0["rule"] == "X02" }, "\(findings)")
    }

    /// An HL02 that names another parent than the loop above it (a patient loop whose parent is
    /// the billing provider, a subscriber loop whose parent is no HL 20) is X01 naming HL02, and
    /// the claims under it are held; the file passed, and the outputs put the claims under the
    /// loop above them (found by the X12 audit). A right parent, or none given, passes.
    @Test(
        arguments: [
            ("HL*4*3*23*0", "HL*4*1*23*0", "HL02", "CLAIM2"), ("HL*2*1*22*0", "HL*2*9*22*0", "HL02", "CLAIM1"),
            ("HL*4*3*23*0", "HL*4*3*23*0", "", nil),
            // A patient loop with no subscriber loop above it (CLAIM1's 22 made a 23).
            ("HL*2*1*22*0", "HL*2*1*23*0", "HL", "CLAIM1"),
        ] as [(String, String, String, String?)])
    func anHLWhoseParentIsNotTheLoopAboveItIsX01(original: String, hl: String, field: String, held: String?) throws {
        var segments = X12Fixture.standard()
        let at = segments.firstIndex(of: original)!
        segments[at] = hl
        let (result, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let x01 = findings.filter { $0["rule"] == "X01" }
        if let held {
            #expect(x01.first?["field"] == field, "\(findings)")
            #expect(result.exitStatus == 1)
            let heldIds = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
            #expect(heldIds.contains(held), "\(heldIds)")
            // The HL's X01 is on no claim: each group table still adds up to the totals.
            let m = result.summary.metrics
            let total = m.findingsByRule.reduce(0, +)
            for tallies in [Array(m.departments.values), Array(m.providers.values), Array(m.payers.values)] {
                #expect(tallies.map(\.findings).reduce(0, +) == total)
                #expect(tallies.map(\.errors).reduce(0, +) == m.errors)
            }
            #expect(Array(m.weeks.values).map(\.findings).reduce(0, +) == total)
        } else {
            #expect(findings.isEmpty, "\(findings)")
        }
    }

    /// A line's DTP*472 RD8 range that ends after the as-of date (2026-06-30) is D01 naming the
    /// range's end: the services are not all rendered yet. Only the start was read, and the line
    /// passed (found by the X12 audit). A range that ends by the as-of date passes; one that
    /// starts after it is the line rule's D01, once.
    @Test(
        arguments: [
            ("RD8*20260625-20260705", "2026-07-05"), ("RD8*20260601-20260630", nil),
            ("RD8*20260701-20260705", "2026-07-01"),
            ("D8*20260625", nil),
        ] as [(String, String?)])
    func aDateRangeEndingAfterTheAsOfDateIsD01(dtp: String, value: String?) throws {
        var segments = X12Fixture.standard()
        let at = segments.firstIndex { $0.hasPrefix("DTP*472*") }!
        segments[at] = "DTP*472*" + dtp
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        let d01 = findings.filter { $0["rule"] == "D01" }
        #expect(d01.map { $0["value"]! } == (value.map { [$0] } ?? []), "\(findings)")
        if dtp.hasPrefix("RD8*20260625") {
            #expect(d01.first?["message"]?.contains("ends 2026-07-05, after the as-of date 2026-06-30") == true)
        }
    }

    /// A line dated by its claim's range, a claim-level DTP*472 RD8 (837P) or the statement period
    /// DTP*434 (837I), is D01 when that range ends after the as-of date, as a line's own range is:
    /// only the start was read, and the lines passed.
    @Test(arguments: [false, true])
    func aClaimRangeEndingAfterTheAsOfDateIsD01ForLinesItDates(institutional: Bool) throws {
        var segments = X12Fixture.standard(institutional: institutional)
        let claim = try #require(segments.firstIndex { $0.hasPrefix("CLM*CLAIM2*") })
        let end = segments[(claim + 1)...].firstIndex { $0.hasPrefix("CLM*") || $0.hasPrefix("SE*") }!
        // CLAIM2's lines lose their own dates.
        segments = segments.enumerated().filter {
            !($0.offset > claim && $0.offset < end && $0.element.hasPrefix("DTP*472*"))
        }
        .map(\.element)
        if institutional {
            let dtp = try #require(segments[claim...].firstIndex { $0.hasPrefix("DTP*434*") })
            segments[dtp] = "DTP*434*RD8*20260625-20260705"
        } else {
            segments.insert("DTP*472*RD8*20260625-20260705", at: claim + 1)
        }
        let (result, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let d01 = findings.filter { $0["rule"] == "D01" }
        #expect(
            !d01.isEmpty && d01.allSatisfy { $0["encounter_id"] == "CLAIM2" && $0["value"] == "2026-07-05" },
            "\(findings)")
        let range = institutional ? "the claim's statement period (DTP*434)" : "the claim's date range (DTP*472)"
        #expect(d01.first?["message"]?.hasPrefix("\(range) ends 2026-07-05") == true, "\(d01)")
        #expect(findings.filter { $0["rule"] != "D01" }.isEmpty, "\(findings)")
    }

    /// An LX with no SV1 or SV2 after it (an LX repeated, or its service segment lost) is X01
    /// naming it; it was held by S02 on its empty fields alone (found by fuzzing).
    @Test func anLXWithoutItsServiceIsX01() throws {
        var segments = X12Fixture.standard()
        let lx2 = segments.firstIndex(of: "LX*2")!
        segments.insert("LX*2", at: lx2)
        let (result, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        let x01 = findings.filter { $0["rule"] == "X01" }
        // The repeated number is an X01 of its own: the two lines would share one id.
        #expect(
            x01.map { [$0["field"]!, $0["encounter_id"]!] } == [["LX", "CLAIM1"], ["LX01", "CLAIM1"]], "\(findings)")
        #expect(x01.first?["message"] == "service line LX 2 has no SV1 or SV2")
    }

    /// An envelope finding (an SE01 one off) flags every line of the claims it covers: they count
    /// among the lines with findings, and the finding counts once per claim, with its error, in
    /// the groups of the claim's first line, so the groups add up to the totals (they had none of
    /// it, while the rule's own tally counted the lines). Graded a warning, the lines of a claim
    /// no error holds pass and their charges are at risk; those of a claim held in pass 1 (by
    /// CLAIM1's malformed code) stay held, not at risk.
    @Test(arguments: [Severity.error, .warning])
    func envelopeFindingsCountInTheGroupsOfTheirClaims(severity: Severity) throws {
        var segments = Self.recountingSE(X12Fixture.standard())
        // The first transaction set: CLAIM1 (two lines, the second's code malformed) and CLAIM2.
        let se = segments.firstIndex { $0.hasPrefix("SE*") }!
        var elements = segments[se].split(separator: "*").map(String.init)
        elements[1] = String(Int(elements[1])! + 1)
        segments[se] = elements.joined(separator: "*")
        let venipuncture = segments.firstIndex { $0.hasPrefix("SV1*HC:36415") }!
        segments[venipuncture] = segments[venipuncture].replacingOccurrences(of: "36415", with: "3641X")
        let (result, folder, findings) = try scrub(X12Fixture.render(segments)) { $0.settings.set(.X01, severity) }
        defer { folder.remove() }
        #expect(
            findings.map { [$0["rule"]!, $0["encounter_id"]!] }.sorted { $0.lexicographicallyPrecedes($1) }
                == [["C01", "CLAIM1"], ["X01", "CLAIM1"], ["X01", "CLAIM2"]], "\(findings)")
        let m = result.summary.metrics
        #expect(m.records == 4)
        #expect(m.flagged == 3)
        #expect(m.rules[RuleID.X01.ordinal].lines == 3)
        let errors = severity == .error ? 3 : 1
        let groups = Array(m.departments.values)
        #expect(groups.map(\.flagged).reduce(0, +) == 3)
        #expect(groups.map(\.findings).reduce(0, +) == 3)
        #expect(groups.map(\.errors).reduce(0, +) == errors)
        #expect(m.errors == errors)
        for tallies in [Array(m.providers.values), Array(m.payers.values), Array(m.weeks.values)] {
            #expect(tallies.map(\.flagged).reduce(0, +) == 3)
            #expect(tallies.map(\.findings).reduce(0, +) == 3)
        }
        // CLAIM1's lines 110.00 + 18.00, held by C01 either way; CLAIM2's 165.00 held by the
        // envelope's error, or at risk under its warning.
        #expect(m.heldCents == (severity == .error ? 29_300 : 12_800))
        #expect(m.atRiskCents == (severity == .error ? 0 : 16_500))
        #expect(groups.map(\.atRiskCents).reduce(0, +) == m.atRiskCents)
        #expect(groups.map(\.heldCents).reduce(0, +) == m.heldCents)
        #expect(result.summary.topCodes()[.X01]?.map(\.findings).reduce(0, +) == 2)
    }

    /// An SV1 without an LX of its own — the second line's LX lost, or an SV1 before the claim's
    /// first LX — used to be copied into an output with its claim, its charge never read (a second
    /// SV1 replaced the first's values): the claim is now held with X01 naming that SV1. The SV1
    /// is read as a service line of its own: it counts among the lines in (it was left out), and
    /// its charge is summed for X02 (the claim whose LX was lost got a false X02).
    @Test(arguments: ["second", "beforeFirstLX"])
    func anSV1WithoutItsOwnLXHoldsItsClaim(kind: String) throws {
        var segments = X12Fixture.standard()
        let claimId: String
        if kind == "second" {
            claimId = "CLAIM1"
            let lx2 = segments.indices.filter { segments[$0] == "LX*2" }.first!
            segments.remove(at: lx2)
        } else {
            claimId = "CLAIM3"
            let clm = segments.firstIndex { $0.hasPrefix("CLM*CLAIM3*") }!
            // The claim total grows by the added line's charge, so that X02 has nothing to say.
            var elements = segments[clm].split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            elements[2] = Money.format(Int64((Double(elements[2])! * 100).rounded()) + 11_000)
            segments[clm] = elements.joined(separator: "*")
            segments.insert("SV1*HC:99213*110*UN*1***1", at: clm + 2)
        }
        let services = segments.filter { $0.hasPrefix("SV1*") || $0.hasPrefix("SV2*") }.count
        let (result, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
        defer { folder.remove() }
        #expect(result.exitStatus == 1)
        #expect(result.summary.metrics.records == services)
        #expect(!findings.contains { $0["rule"] == "X02" }, "\(findings)")
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(x01.map { [$0["field"]!, $0["encounter_id"]!] } == [["SV1", claimId]], "\(findings)")
        #expect(
            x01.first?["message"]?.contains(kind == "second" ? "a second SV1" : "before the claim's first LX") == true)
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held == [claimId])
    }

    /// Padding after the last IEA (spaces, NULs of a fixed-size record, a DOS Ctrl-Z) is no
    /// segment: the file passes. It was a truncated segment, an X01 of no claim that failed the
    /// gate with nothing held. Text there is still X01.
    @Test(arguments: ["   \n", "\0\0\0\0", "\u{1A}", "\t \r\n\u{1A}"])
    func paddingAfterTheLastIEAIsNoSegment(padding: String) throws {
        let (result, folder, findings) = try scrub(X12Fixture.render(X12Fixture.standard()) + padding)
        defer { folder.remove() }
        #expect(result.exitStatus == 0, "\(findings)")
        #expect(findings.isEmpty)
        let (garbled, other, x01) = try scrub(X12Fixture.render(X12Fixture.standard()) + "garbage here")
        defer { other.remove() }
        #expect(garbled.exitStatus == 1 && x01.contains { $0["rule"] == "X01" })
    }

    @Test func garbageBeforeTheISAIsExit2NamingSegmentOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("g.x12", "garbage line\n" + X12Fixture.render(X12Fixture.standard()))
        #expect {
            try Fixtures.scrub([input], out: folder.file("out"))
        } throws: { error in
            (error as? ScrubError)?.description.contains("segment 1") == true
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/clean.x12")))
    }

    // MARK: - Round trip

    @Test(arguments: [false, true])
    func cleanPlusHeldEqualsTheInputAndCleanRereadsClean(institutional: Bool) throws {
        let bad = X12Fixture.Claim(
            id: "BAD", total: "1", lines: [X12Fixture.Line(code: "80053", charge: "42")], memberId: "MZ")
        var segments = X12Fixture.standard(institutional: institutional)
        segments.removeLast()  // IEA
        segments += X12Fixture.group(
            control: "2", [X12Fixture.transaction(control: "0009", claims: [bad], institutional: institutional)],
            institutional: institutional)
        segments.append("IEA*2*000000001")
        let input = X12Fixture.render(segments)
        let (_, folder, _) = try scrub(input)
        defer { folder.remove() }
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        var outputClaims = ClaimFileTestSupport.claimSegments(clean)
        outputClaims.merge(ClaimFileTestSupport.claimSegments(held)) { a, _ in a }
        #expect(outputClaims == ClaimFileTestSupport.claimSegments(input))
        #expect(ClaimFileTestSupport.claimIds(held) == ["BAD"])
        // Both outputs are valid 837s: no X01 when scrubbed again, and the same charge lines.
        for (name, lines) in [("clean", 4), ("held", 1)] {
            let again = try TemporaryFolder()
            defer { again.remove() }
            let path = try again.write("\(name).x12", name == "clean" ? clean : held)
            let result = try Fixtures.scrub([path], out: again.file("out"))
            let findings = try Fixtures.findings(again.file("out"))
            #expect(!findings.contains { $0["rule"] == "X01" }, "\(findings)")
            #expect(result.summary.metrics.records == lines)
            if name == "clean" { #expect(findings.isEmpty) }
        }
    }

    @Test func unusualSeparatorsEndToEnd() throws {
        let segments = X12Fixture.interchange(
            control: "000000009",
            [
                X12Fixture.group(
                    control: "1",
                    [
                        X12Fixture.transaction(
                            control: "0001", claims: [.init(id: "C1", lines: [.init(modifiers: ["25"])])])
                    ])
            ],
            repetition: "~")
        let text = X12Fixture.render(segments, element: "|", component: "^", terminator: "\n", lineBreak: "")
        let (result, folder, findings) = try scrub(text)
        defer { folder.remove() }
        #expect(findings.isEmpty, "\(findings)")
        #expect(result.summary.metrics.records == 1)
        let clean = try ClaimFileTestSupport.text(folder.file("out/clean.x12"))
        #expect(clean.contains("SV1|HC^99213^25|110|UN|1|||1\n"))
        #expect(clean.hasSuffix("IEA|1|000000009\n"))
    }

    @Test func familyMembersOnOnePolicyAreDifferentPatients() throws {
        // Same member id, code, date and provider: the subscriber and a child (2000C) are not duplicates,
        // the same child twice is.
        let subscriber = X12Fixture.Claim(id: "F1")
        let child = X12Fixture.Claim(id: "F2", patient: ("DOE", "JIMMY", "20100505"))
        let childAgain = X12Fixture.Claim(id: "F3", patient: ("DOE", "JIMMY", "20100505"))
        let segments = X12Fixture.interchange(
            control: "000000010",
            [
                X12Fixture.group(
                    control: "1", [X12Fixture.transaction(control: "0001", claims: [subscriber, child, childAgain])])
            ])
        let (_, folder, findings) = try scrub(X12Fixture.render(segments))
        defer { folder.remove() }
        #expect(findings.filter { $0["rule"] == "E01" }.map { $0["encounter_id"] } == ["F3"])
    }

    @Test func compressedInputGivesCompressedOutputs() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = try ZstdWriter.compress(Array(X12Fixture.render(X12Fixture.standard()).utf8), level: 3)
        let input = try folder.write("c.x12.zst", bytes)
        let result = try Fixtures.scrub([input], out: folder.file("out"))
        #expect(result.exitStatus == 0)
        #expect(
            ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12.zst"))) == [
                "CLAIM1", "CLAIM2", "CLAIM3",
            ])
    }

    /// An input cut inside its first zstd block (nothing of it can be decompressed) is named as the
    /// truncated stream it is; a later one was "not an x12 file like the first input".
    @Test func aLaterInputCutInsideItsFirstBlockIsNamedTruncated() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = X12Fixture.render(X12Fixture.standard())
        let first = try folder.write("a.x12", text)
        let bytes = try ZstdWriter.compress(Array(text.utf8), level: 3)
        let cut = try folder.write("b.x12.zst", Array(bytes.prefix(bytes.count / 2)))
        // Two frames, the second cut: the first 4 KiB hold the first frame's ISA, then the break.
        let head = try ZstdWriter.compress(Array(text.utf8.prefix(300)), level: 3)
        let rest = try ZstdWriter.compress(Array(text.utf8.dropFirst(300)), level: 3)
        let broken = try folder.write("c.x12.zst", head + rest.prefix(rest.count / 2))
        // Later, or the first and only input (there it was an extract "missing a required column").
        for inputs in [[first, cut], [cut], [broken], [first, broken]] {
            #expect {
                _ = try Fixtures.scrub(inputs, out: folder.file("out"))
            } throws: { error in
                let error = error as? ScrubError
                return error?.file == inputs.last && error?.message.contains("truncated zstd stream") == true
            }
            #expect(!FileManager.default.fileExists(atPath: folder.file("out/summary.json")))
        }
    }

    @Test func severalFilesAreOneRunAndAnExtractCannotJoinThem() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try folder.write("a.x12", X12Fixture.render(X12Fixture.standard()))
        let other = X12Fixture.interchange(
            control: "000000042",
            [
                X12Fixture.group(
                    control: "1",
                    [X12Fixture.transaction(control: "0001", claims: [.init(id: "B1", total: "9", memberId: "MB")])])
            ])
        let second = try folder.write("b.x12", X12Fixture.render(other, element: "|", component: "^"))
        let result = try Fixtures.scrub([first, second], out: folder.file("out"))
        #expect(result.summary.inputs.map(\.lines) == [4, 1])
        let findings = try Fixtures.findings(folder.file("out"))
        #expect(findings.map { $0["rule"] } == ["X02"])
        #expect(findings.first?["file"] == "b.x12")
        let held = try ClaimFileTestSupport.text(folder.file("out/held.x12"))
        #expect(ClaimFileTestSupport.claimIds(held, element: "|") == ["B1"])
        // The held file keeps the second interchange's separators, and its own ISA13 in IEA02.
        #expect(held.hasSuffix("IEA|1|000000042~\n"))
        let csv = try folder.write(
            "c.csv", "line_id,encounter_id,patient_id,service_date,procedure_code\n1,E1,P1,2026-04-01,99213\n")
        for (inputs, odd) in [([first, csv], csv), ([csv, first], first)] {
            // Either order says which input is of another format (not a column missing from it).
            #expect {
                try Fixtures.scrub(inputs, out: folder.file("out2"))
            } throws: { error in
                let error = error as? ScrubError
                return error?.file == odd && error?.message.contains("share one format") == true
            }
        }
    }

    /// A segment before the first MSH is an HL7 file's problem, named as such (the file was taken
    /// for an extract and refused for CR-only line ends); a pipe-delimited extract whose data
    /// happens to start with MSH stays an extract.
    @Test func aSegmentBeforeTheFirstMSHIsNamedAsAnHL7Problem() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let message = HL7Fixture.message(control: "M1", visit: "V1", charges: [HL7Fixture.charge(set: 1, id: "T1")])
        let stray = try folder.write("s.hl7", "EVN|P03|20260420120000\r" + message.joined(separator: "\r") + "\r")
        #expect(ClaimFileFormat.detect(path: stray) == .hl7)
        #expect {
            try Fixtures.scrub([stray], out: folder.file("out"))
        } throws: { error in
            let error = error as? ScrubError
            return error?.file == stray && error?.message.contains("CR only") == false
        }
        let extract = try folder.write(
            "p.psv", "department|encounter_id|patient_id|service_date|procedure_code\nMSH|E1|P1|2026-04-01|99213\n")
        #expect(ClaimFileFormat.detect(path: extract) == nil)
        // A CSV header whose first name starts with MSH, BHS or FHS is no HL7 header: `MSH_ID,…`
        // was read as HL7, every charge line held unread under X01 and none counted.
        for header in [
            "MSH_ID,line_id,encounter_id", "BHS_CODE,line_id", "FHS,line_id", "MSH-NO;line_id", "MSH.X,a",
            "MSH|encounter_id|patient_id", "MSH\tline_id",
        ] {
            #expect(ClaimFileFormat.detect(head: Array((header + "\nx,y,z\n").utf8)) == nil, "\(header)")
        }
        #expect(ClaimFileFormat.detect(head: Array("MSH|^~\\&|SEND\r".utf8)) == .hl7)
        #expect(ClaimFileFormat.detect(head: Array("BHS|^~\\&|SEND\r".utf8)) == .hl7)
    }
}

// MARK: - Claim files without a message or interchange

extension ClaimFilePipelineTests {
    /// Stops the run on `inputs`, expecting an "empty input" error naming `file` and no outputs.
    func expectEmptyInput(_ inputs: [String], file: String, in folder: TemporaryFolder) {
        let out = folder.file("out")
        do {
            _ = try Fixtures.scrub(inputs, out: out)
            Issue.record("a claim file without a message or interchange was scrubbed")
        } catch let error as ScrubError {
            #expect(error.file == file, "\(error)")
            #expect(error.line == 1, "\(error)")
            #expect(error.message.contains("empty input"), "\(error)")
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.isEmpty, "files left in the output folder: \(left)")
    }

    /// MLLP framing bytes and line ends alone hold no message: an empty input (exit 2), as an empty
    /// extract is, not a run with empty outputs.
    @Test(arguments: [[0x0B, 0x1C, 0x0D], [0x0B, 0x1C, 0x0D, 0x0A, 0x0B, 0x1C, 0x0D, 0x0A]] as [[UInt8]])
    func anHL7FileOfOnlyFramingIsAnEmptyInput(bytes: [UInt8]) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("framing.hl7", bytes)
        expectEmptyInput([path], file: path, in: folder)
    }

    /// A blank file among X12 inputs holds no interchange: named as an empty input, not as a file
    /// of another format.
    @Test func aBlankX12InputIsAnEmptyInput() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try folder.write("claims.x12", X12Fixture.render(X12Fixture.standard()))
        let blank = try folder.write("blank.x12", "\r\n\n  \n")
        expectEmptyInput([first, blank], file: blank, in: folder)
    }
}

// MARK: - Late findings on held messages

extension ClaimFilePipelineTests {
    /// A line held with its message (another line's C01), whose own error comes late (E05 in the
    /// shard stage), is held, not at risk: its dollars were counted both ways, so held plus at
    /// risk came to more than the charges.
    @Test func aLineHeldWithItsMessageIsNotAtRiskWhenALateErrorFindsIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let message = [
            "MSH|^~\\&|GEN|HOSP|BILLING|HOSP|20260630120000||DFT^P03|M1|P|2.5", "EVN|P03|20260630120000",
            "PID|1||P1000013^^^HOSP^MR||PATIENT^TEST||20061013|F", "PV1|1|O|Family Medicine||||||||||||||||E10000006",
            "IN1|1|PLAN|UHC01",
            "FT1|1|L0||20260520|20260520|CG|CDMK9125|||1|215.00||Family Medicine||||||I10|2455952491^PROVIDER^TEST|||||K9125|",
            "FT1|2|L1||20260520|20260520|CG|CDM36415|||4|72.00||Family Medicine||||||I10|2455952491^PROVIDER^TEST|||||36415|",
        ]
        let input = try folder.write("m.hl7", message.joined(separator: "\r") + "\r")
        let result = try Fixtures.scrub([input], out: folder.file("out"), tables: Fixtures.demoTablesCache)
        let rules = try Fixtures.findings(folder.file("out")).map { $0["line_id"]! + " " + $0["rule"]! }
        #expect(rules == ["L0 C01", "L1 E05"])
        let m = result.summary.metrics
        #expect(m.held == 2 && m.heldCents == 28_700 && m.atRiskCents == 0)
        #expect(m.payers["UHC01"]?.heldCents == 28_700 && m.payers["UHC01"]?.atRiskCents == 0)
        #expect(m.departments["Family Medicine"]?.atRiskCents == 0 && m.departments["Family Medicine"]?.held == 2)
    }

    /// A replacement (CLM05-3 7) or void (8) without a claim-level REF*F8, the payer's number of
    /// the claim it replaces, is rejected by payers: X01 holds it. With REF*F8 it passes; an
    /// original (1) needs none, and a REF*F8 of a service line or of another payer's loop (2330B)
    /// is not the claim's, nor is a REF*F8 of spaces.
    @Test(
        arguments: [
            ("7", nil, true), ("8", nil, true), ("7", "claim", false), ("8", "claim", false), ("1", nil, false),
            ("7", "line", true), ("7", "otherPayer", true), ("8", "blank", true),
        ] as [(String, String?, Bool)])
    func aReplacementOrVoidNeedsTheOriginalClaimNumber(frequency: String, reference: String?, held: Bool) throws {
        for institutional in [false, true] {
            var segments = X12Fixture.standard(institutional: institutional)
            let clm = segments.firstIndex { $0.hasPrefix("CLM*CLAIM3*") }!
            let place = institutional ? "13:A:" : "11:B:"
            segments[clm] = segments[clm].replacingOccurrences(of: place + "1", with: place + frequency)
            switch reference {
            case "claim": segments.insert("REF*F8*PAYER0042", at: clm + 1)
            case "blank": segments.insert("REF*F8*   ", at: clm + 1)
            case "line":
                segments.insert(
                    "REF*F8*PAYER0042", at: segments.indices.first { $0 > clm && segments[$0].hasPrefix("LX*") }! + 1)
            case "otherPayer":
                let hi = segments.indices.first { $0 > clm && segments[$0].hasPrefix("HI*") }!
                segments.insert(
                    contentsOf: ["SBR*S*18*GRP02******CI", "NM1*PR*2*OTHER PAYER*****PI*OTH01", "REF*F8*OTHER77"],
                    at: hi + 1)
            default: break
            }
            let (result, folder, findings) = try scrub(X12Fixture.render(Self.recountingSE(segments)))
            defer { folder.remove() }
            let x01 = findings.filter { $0["rule"] == "X01" }
            #expect(
                x01.map { [$0["field"]!, $0["value"]!, $0["encounter_id"]!] }
                    == (held ? [["REF*F8", frequency, "CLAIM3"]] : []), "\(findings)")
            #expect(findings.count == x01.count, "\(findings)")
            let heldIds = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
            #expect(heldIds == (held ? ["CLAIM3"] : []))
            #expect(result.exitStatus == (held ? 1 : 0))
        }
    }

    /// A receiver takes one interchange per control number from a sender (TA1 025): an interchange
    /// that repeats an earlier one's ISA13 between the same sender and receiver, in another input
    /// or the same file, holds its claims with X01 naming the earlier one. Another receiver, or
    /// another number, is no repeat. The same whether the file is read whole or in small chunks.
    @Test(arguments: [nil, 256] as [Int?])
    func aRepeatedInterchangeControlNumberHoldsTheLaterInterchange(chunkSize: Int?) throws {
        func interchange(_ control: String, _ claim: String, receiver: String = "RECEIVER       ") -> [String] {
            var segments = X12Fixture.interchange(
                control: control,
                [
                    X12Fixture.group(
                        control: "1",
                        [X12Fixture.transaction(control: "0001", claims: [.init(id: claim, memberId: "MEM" + claim)])])
                ])
            segments[0] = segments[0].replacingOccurrences(of: "RECEIVER       ", with: receiver)
            return segments
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try folder.write("a.x12", X12Fixture.render(interchange("000000001", "A1")))
        // The same number twice in one file, the second time to another receiver, then a third time.
        let second = try folder.write(
            "b.x12",
            X12Fixture.render(
                interchange("000000002", "B1") + interchange("000000001", "B2", receiver: "OTHERPAYER     ")
                    + interchange("000000002", "B3")))
        let third = try folder.write("c.x12", X12Fixture.render(interchange("000000001", "C1")))
        _ = try Fixtures.scrub([first, second, third], out: folder.file("out")) { options in
            if let chunkSize { options.chunkSize = chunkSize }
        }
        let findings = try Fixtures.findings(folder.file("out"))
        let x01 = findings.filter { $0["rule"] == "X01" }
        #expect(
            x01.map { [$0["encounter_id"]!, $0["field"]!, $0["value"]!, $0["file"]!] } == [
                ["B3", "ISA13", "000000002", "b.x12"], ["C1", "ISA13", "000000001", "c.x12"],
            ], "\(findings)")
        #expect(x01.first?["message"]?.contains("(segment 1)") == true, "\(x01)")
        #expect(x01.last?["message"]?.contains("(a.x12, segment 1)") == true, "\(x01)")
        #expect(x01.allSatisfy { $0["message"]!.contains("TA1 025") })
        #expect(findings.count == x01.count, "\(findings)")
        let held = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/held.x12")))
        #expect(held == ["B3", "C1"], "\(held)")
        let clean = ClaimFileTestSupport.claimIds(try ClaimFileTestSupport.text(folder.file("out/clean.x12")))
        #expect(clean == ["A1", "B1", "B2"], "\(clean)")
    }
}
