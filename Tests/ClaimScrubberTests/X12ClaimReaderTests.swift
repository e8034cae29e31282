import Foundation
import Testing

@testable import ClaimScrubber

@Suite("X12 claim reader: claims to canonical charge lines")
struct X12ClaimReaderTests {
    /// The canonical records of a file, as dictionaries by column name.
    func records(_ segments: [String]) throws -> [[String: String]] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("f.x12", X12Fixture.render(segments))
        let reader = X12ClaimReader(source: try InputSource(path: path), mode: .scan)
        while try reader.nextClaim() {}
        let text = String(decoding: reader.records.csvText, as: UTF8.self)
        let names = CanonicalRecords.columns.map(\.rawValue)
        return text.split(separator: "\n").map { line in
            Dictionary(
                uniqueKeysWithValues: zip(
                    names, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    func file(_ claims: [X12Fixture.Claim], institutional: Bool = false) -> [String] {
        X12Fixture.interchange(
            control: "000000001",
            [
                X12Fixture.group(
                    control: "1",
                    [X12Fixture.transaction(control: "0001", claims: claims, institutional: institutional)],
                    institutional: institutional)
            ])
    }

    /// SV103 `MJ` makes SV104 anesthesia minutes: the line is one service (60 minutes were read
    /// as 60 units against the code's MUE). An 837I SV202 with qualifier `HP` carries a HIPPS rate
    /// code, not a HCPCS code: the revenue code stands for the line (it was C01).
    @Test func anesthesiaMinutesAndHIPPSCodesAreReadForWhatTheyAre() throws {
        var professional = file([X12Fixture.Claim(id: "C1", lines: [X12Fixture.Line(code: "00840", units: "60")])])
        let sv1 = professional.firstIndex { $0.hasPrefix("SV1*") }!
        professional[sv1] = professional[sv1].replacingOccurrences(of: "*UN*60", with: "*MJ*60")
        #expect(try records(professional).map { $0["units"]! } == ["1"])
        var institutional = file([X12Fixture.Claim(id: "C2", lines: [X12Fixture.Line()])], institutional: true)
        let sv2 = institutional.firstIndex { $0.hasPrefix("SV2*") }!
        institutional[sv2] = "SV2*0022*HP:RUAA1*300.00*DA*3"
        let hipps = try records(institutional)
        #expect(hipps.map { [$0["revenue_code"]!, $0["procedure_code"]!, $0["units"]!] } == [["0022", "", "3"]])
        // IV (home infusion), WK (ABC codes) and ER (a jurisdiction's codes) are no HCPCS codes
        // either (each was C01); HC is.
        for (qualifier, code) in [("IV", ""), ("WK", ""), ("ER", ""), ("HC", "85025"), ("HX", "85025")] {
            institutional[sv2] = "SV2*0636*\(qualifier):85025*300.00*UN*1"
            #expect(try records(institutional).map { $0["procedure_code"]! } == [code], "\(qualifier)")
        }
    }

    /// An 837I line carries its claim's type of bill (CLM05-1 and CLM05-3): `131`; an 837P line none.
    @Test func institutionalLinesCarryTheTypeOfBill() throws {
        let institutional = file([X12Fixture.Claim(id: "C2", lines: [X12Fixture.Line()])], institutional: true)
        let clm = institutional.first { $0.hasPrefix("CLM*") }!
        let facility = clm.split(separator: "*", omittingEmptySubsequences: false)[5].split(separator: ":")
        #expect(try records(institutional).map { $0["bill_type"]! } == [String(facility[0] + facility[2])])
        let professional = file([X12Fixture.Claim(id: "C1", lines: [X12Fixture.Line()])])
        #expect(try records(professional).map { $0["bill_type"]! } == [""])
    }

    @Test func professionalLineCarriesItsClaimContext() throws {
        let claim = X12Fixture.Claim(
            id: "C1", diagnoses: ["ABK:I10", "ABF:E785", "ABF:J069"],
            lines: [
                X12Fixture.Line(modifiers: ["25", "59"], charge: "110.50", units: "2", pointers: "3:1", ref: "R1"),
                X12Fixture.Line(code: "36415", charge: "18"),
            ])
        let r = try records(file([claim]))
        #expect(r.count == 2)
        #expect(r[0]["line_id"] == "R1")
        #expect(r[1]["line_id"] == "C1:2")
        #expect(r[0]["encounter_id"] == "C1")
        #expect(r[0]["patient_id"] == "MEM0001")
        #expect(r[0]["patient_dob"] == "19700101")
        #expect(r[0]["patient_sex"] == "F")
        #expect(r[0]["service_date"] == "20260415")
        #expect(r[0]["procedure_code"] == "99213")
        #expect(r[0]["modifier1"] == "25" && r[0]["modifier2"] == "59")
        #expect(r[0]["units"] == "2" && r[0]["charge_amount"] == "110.50")
        // SV107 3:1 → J069 first, then I10.
        #expect(r[0]["dx1"] == "J069" && r[0]["dx2"] == "I10" && r[0]["dx3"] == "")
        #expect(r[0]["billing_npi"] == X12Fixture.billingNPI)
        #expect(r[0]["rendering_npi"] == X12Fixture.renderingNPI)
        #expect(r[0]["place_of_service"] == "11")
        #expect(r[0]["payer_id"] == "AETNA01")
        #expect(r[0]["revenue_code"] == "")
    }

    @Test func institutionalLinesTakeEveryDiagnosisAndTheClaimFallbacks() throws {
        var claim = X12Fixture.Claim(id: "I1", diagnoses: ["ABK:I10", "ABF:E785", "ABF:J069"])
        claim.lines = [X12Fixture.Line(code: "99284", charge: "390", revenue: "0450")]
        var segments = file([claim], institutional: true)
        // No line date: the statement date (DTP*434) stands in; the attending (NM1*71) renders.
        segments.removeAll { $0.hasPrefix("DTP*472") }
        let r = try records(segments)
        #expect(r.count == 1)
        #expect(r[0]["revenue_code"] == "0450")
        #expect(r[0]["dx1"] == "I10" && r[0]["dx2"] == "E785" && r[0]["dx3"] == "J069")
        #expect(r[0]["service_date"] == "20260414")
        #expect(r[0]["rendering_npi"] == X12Fixture.renderingNPI)
        // CLM05-1 of an 837I is a facility type, not a place of service.
        #expect(r[0]["place_of_service"] == "")
    }

    /// A coordination-of-benefits claim's other-payer loops (2320 SBR, 2330 NM1s) name the other
    /// payer's providers: an NM1*82 or NM1*71 there, often without an NPI, is not this claim's.
    @Test(arguments: [false, true])
    func otherPayerProviderLoopsLeaveTheClaimsProvidersAlone(institutional: Bool) throws {
        var claim = X12Fixture.Claim(id: "K1", diagnoses: ["ABK:I10"])
        claim.lines = [
            institutional
                ? X12Fixture.Line(code: "99284", charge: "390", revenue: "0450") : X12Fixture.Line(charge: "110")
        ]
        var segments = file([claim], institutional: institutional)
        let lx = try #require(segments.firstIndex { $0.hasPrefix("LX*") })
        segments.insert(
            contentsOf: [
                "SBR*S*18*******CI", "AMT*D*50", "OI***Y***Y", "NM1*IL*1*DOE*JANE****MI*OTHER01", "N3*1 MAIN ST",
                "N4*TOWN*NY*10001", "NM1*PR*2*OTHER PAYER*****PI*OP01", "NM1*82*1", "NM1*71*1",
            ], at: lx)
        let r = try records(segments)
        #expect(r.count == 1)
        #expect(r[0]["rendering_npi"] == X12Fixture.renderingNPI)
        #expect(r[0]["payer_id"] == "AETNA01")
    }

    /// A void (CLM05-3 8) reverses the claim it repeats: its lines are credits, so an original and
    /// its void in one file make no duplicate and no MUE sum over the limit.
    @Test func aVoidClaimsLinesAreCredits() throws {
        let original = X12Fixture.Claim(id: "V1", diagnoses: ["ABK:I10"], lines: [X12Fixture.Line(charge: "110.50")])
        var void = original
        void.id = "V1X"
        var segments = file([original, void])
        let clm = try #require(segments.lastIndex { $0.hasPrefix("CLM*V1X*") })
        segments[clm] = segments[clm].replacingOccurrences(of: "11:B:1", with: "11:B:8")
        let r = try records(segments)
        #expect(r.map { $0["charge_amount"] } == ["110.50", "-110.50"])
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("v.x12", X12Fixture.render(segments))
        _ = try Fixtures.scrub([input], out: folder.file("o"), tables: Fixtures.demoTablesCache)
        let rules = Set(try Fixtures.findings(folder.file("o")).map { $0["rule"]! })
        #expect(rules.isDisjoint(with: ["E01", "E02", "E05", "X02"]), "\(rules)")
    }

    @Test func aPatientLoopMakesAHashedPatientPerPerson() throws {
        let r = try records(
            file([
                .init(id: "A", patient: ("DOE", "JIMMY", "20100505")),
                .init(id: "B", patient: ("DOE", "JANE", "20120101")),
                .init(id: "C"),
            ]))
        #expect(r.count == 3)
        #expect(r[0]["patient_id"] != r[1]["patient_id"])
        #expect(r[0]["patient_id"]!.hasPrefix("H") && !r[0]["patient_id"]!.contains("MEM0001"))
        #expect(r[2]["patient_id"] == "MEM0001")
        #expect(r[0]["patient_dob"] == "20100505" && r[0]["patient_sex"] == "M")
    }

    /// ICD-9's V and E codes have ICD-10-CM's form (E876 is hypokalemia, E87.6): under BK or BF
    /// they are X03, as no ICD-9 code serves a date of service since 2015-10-01; they passed clean.
    @Test(arguments: [
        ("J069", true), ("E119", true), ("4019", false), ("V7231", true), ("E8889", true), ("E876", true),
        ("Z23", true), ("25000", false),
    ])
    func icd10LooksLikeICD10(code: String, expected: Bool) {
        let bytes = Array(code.utf8)
        #expect(bytes.withUnsafeBytes { X12ClaimReader.looksLikeICD10($0) } == expected)
    }
}
