import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Claim file generator")
struct ClaimFileGeneratorTests {
    /// Generates a file, scrubs it with the demo tables and compares findings with the truth.
    /// (Seed 1 at the default error rate put M04 in the truth of an 837I line moved to a FY2025
    /// date, which no Excludes1 release covers.)
    /// (At error rate 0.5, seeds 27 and 169 gave an 837P line without pointers that took the
    /// claim's defective diagnoses, and an 837I line a year older that was given the claim's age
    /// edit; an infant's timely-filing defect became D02, which an 837 cannot show.)
    @Test(arguments: [
        (ClaimFileFormat.x12, 11, 0.2, 3000), (.hl7, 11, 0.2, 3000), (.x12, 1, 0.05, 2000), (.x12, 27, 0.5, 3000),
        (.x12, 169, 0.5, 3000),
    ])
    func everyInjectedDefectIsFoundAndNothingElse(format: ClaimFileFormat, seed: UInt64, errorRate: Double, lines: Int)
        throws
    {
        let (bytes, truthEntries) = ClaimFileTestSupport.generated(
            format, lines: lines, seed: seed, errorRate: errorRate)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("g.\(format.rawValue)", bytes)
        let result = try Fixtures.scrub([input], out: folder.file("out"), tables: Fixtures.demoTablesCache)
        let found = Set(try Fixtures.findings(folder.file("out")).map { "\($0["line_id"]!),\($0["rule"]!)" })
        let truth = Set(truthEntries.map { "\($0.lineId),\($0.rule.rawValue)" })
        #expect(!truth.isEmpty)
        #expect(found.subtracting(truth).isEmpty, "unexpected: \(found.subtracting(truth).sorted().prefix(10))")
        #expect(truth.subtracting(found).isEmpty, "missed: \(truth.subtracting(found).sorted().prefix(10))")
        #expect(result.summary.metrics.records == lines)
        if format == .x12 && seed == 11 {
            #expect(truth.contains { $0.hasSuffix(",X02") } && truth.contains { $0.hasSuffix(",X03") })
        }
    }

    /// What the implementation guides ask of the generated files, points pyx12 4.0.0's x12valid
    /// (and an order check against hl7apy's DFT_P03 structure) found missing: an 837I without CLM06,
    /// with its principal diagnosis alone in the first HI, with CL1 and an attending provider
    /// (2310A); the billing provider's ZIP+4 and the subscriber's address (SBR02 18); SV105 only
    /// where it differs from CLM05-1; interchange numbers that differ from seed to seed (two files
    /// in one run repeated ISA13s); HL7's IN1 after the FT1s, and MSH-9's message structure.
    @Test func generatedFilesFollowTheImplementationGuides() throws {
        func segments(_ seed: UInt64) -> [[String]] {
            let bytes = ClaimFileTestSupport.generated(.x12, lines: 600, seed: seed, errorRate: 0).bytes
            return ClaimFileTestSupport.segments(String(decoding: bytes, as: UTF8.self)).map {
                $0.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            }
        }
        let all = segments(3)
        var institutional = false
        var claimPOS = ""
        var sawInstitutional = false
        var sawPOSOmitted = false
        for (k, e) in all.enumerated() {
            switch e[0] {
            case "ST": institutional = e[3] == "005010X223A2"
            case "CLM":
                claimPOS = String(e[5].prefix { $0 != ":" })
                #expect(e[6] == (institutional ? "" : "Y"), "CLM06: \(e)")
                if institutional {
                    sawInstitutional = true
                    #expect(all[k + 2] == ["CL1", "3", "1", "01"], "\(all[k + 1]) \(all[k + 2])")
                    let hi = all[(k + 3)...].prefix { $0[0] == "HI" }
                    #expect(hi.first?.count == 2 && hi.first?[1].hasPrefix("ABK:") == true, "\(hi)")
                    #expect(hi.dropFirst().allSatisfy { $0[1...].allSatisfy { $0.hasPrefix("ABF:") } }, "\(hi)")
                    #expect(all[k + 3 + hi.count].prefix(2) == ["NM1", "71"], "\(all[k + 3 + hi.count])")
                }
            case "N4" where all[k - 2].prefix(2) == ["NM1", "85"]:
                #expect(e[3].count == 9, "billing provider ZIP+4: \(e)")
            case "NM1" where e[1] == "IL":
                #expect(all[k + 1][0] == "N3" && all[k + 2][0] == "N4", "subscriber address: \(all[k + 1])")
            case "SV1":
                #expect(e[5] != claimPOS, "SV105 repeats CLM05-1: \(e)")
                if e[5].isEmpty { sawPOSOmitted = true }
            default: break
            }
        }
        #expect(sawInstitutional && sawPOSOmitted)
        let isa13 = { (seed: UInt64) in Set(segments(seed).filter { $0[0] == "ISA" }.map { $0[13] }) }
        #expect(isa13(3).isDisjoint(with: isa13(4)))
        // HL7: MSH EVN PID PV1, the FT1s, then IN1.
        let hl7 = ClaimFileTestSupport.generated(.hl7, lines: 300, seed: 3, errorRate: 0).bytes
        let messages = String(decoding: hl7, as: UTF8.self).split(separator: "\r").map { String($0.prefix(3)) }
            .split { $0 == "MSH" }
        #expect(messages.count > 50)
        for ids in messages {
            let order = ids.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
            #expect(order == ["EVN", "PID", "PV1", "FT1", "IN1"], "\(ids)")
        }
        #expect(String(decoding: hl7.prefix(80), as: UTF8.self).contains("|DFT^P03^DFT_P03|"))
    }

    /// The truth file is exact for every `--as-of` date `generate` does not warn of, both ends of
    /// the window included, in each format. From September on some future-date (D01) lines fall
    /// past the last loaded ICD-10-CM release, and their C06 was missing from the truth.
    @Test(
        arguments: ["csv", "x12", "hl7"],
        [ExtractGenerator.exactTruthAsOf.lowerBound, ExtractGenerator.exactTruthAsOf.upperBound])
    func theTruthIsExactAcrossTheAsOfWindow(format: String, asOf: Int32) throws {
        var options = ExtractGenerator.Options(lines: 6000)
        options.seed = 7
        options.errorRate = 0.2
        options.asOf = asOf
        var bytes: [UInt8] = []
        let truthEntries: [ExtractGenerator.TruthEntry]
        if let claims = ClaimFileFormat(rawValue: format) {
            var generator = ClaimFileGenerator(format: claims, options: options)
            generator.generate { bytes.append(contentsOf: $0) }
            truthEntries = generator.truth
        } else {
            var generator = ExtractGenerator(options: options)
            generator.generate { bytes.append(contentsOf: $0) }
            truthEntries = generator.truth
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("g.\(format)", bytes)
        _ = try Fixtures.scrub([input], out: folder.file("out"), tables: Fixtures.demoTablesCache) { $0.asOf = asOf }
        let found = Set(try Fixtures.findings(folder.file("out")).map { "\($0["line_id"]!),\($0["rule"]!)" })
        let truth = Set(truthEntries.map { "\($0.lineId),\($0.rule.rawValue)" })
        #expect(truth.contains { $0.hasSuffix(",D01") })
        #expect(found.subtracting(truth).isEmpty, "unexpected: \(found.subtracting(truth).sorted().prefix(10))")
        #expect(truth.subtracting(found).isEmpty, "missed: \(truth.subtracting(found).sorted().prefix(10))")
    }

    /// An 837 has no post date: the generator never lists D02 for one (an infant's timely-filing
    /// defect, which would make it a birth-date defect too, becomes a modifier defect instead).
    @Test func noPostDateDefectInAnX12File() {
        var options = ExtractGenerator.Options(lines: 4000)
        options.errorRate = 0.5
        options.seed = 240
        var x12 = ClaimFileGenerator(format: .x12, options: options)
        x12.generate { _ in }
        #expect(!x12.truth.contains { $0.rule == .D02 } && x12.truth.contains { $0.rule == .D03 })
        var hl7 = ClaimFileGenerator(format: .hl7, options: options)
        hl7.generate { _ in }
        #expect(hl7.truth.contains { $0.rule == .D02 })
    }

    /// The age edit copied to another line of an 837I claim holds only where the patient's age on
    /// that line's date is outside the code's band: F84.3 is for ages 0–17.
    @Test func theAgeEditFollowsEachLinesDate() {
        var line = [String](repeating: "", count: ExtractGenerator.Field.description.rawValue + 1)
        line[ExtractGenerator.Field.dob.rawValue] = "2008-02-28"
        line[ExtractGenerator.Field.dx2.rawValue] = "F84.3"
        #expect(ClaimFileGenerator.outsideAgeBand(line, on: DayNumber.parse("2026-04-12")))
        #expect(!ClaimFileGenerator.outsideAgeBand(line, on: DayNumber.parse("2025-05-10")))
        #expect(!ClaimFileGenerator.outsideAgeBand(line, on: DayNumber.parse("2026-02-27")))
        #expect(ClaimFileGenerator.outsideAgeBand(line, on: DayNumber.parse("2026-02-28")))
    }

    @Test func sameSeedSameFile() {
        func make() -> [UInt8] {
            var generator = ClaimFileGenerator(format: .x12, options: ExtractGenerator.Options(lines: 500))
            var bytes: [UInt8] = []
            generator.generate { bytes.append(contentsOf: $0) }
            return bytes
        }
        #expect(make() == make())
    }
}
