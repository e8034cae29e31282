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
