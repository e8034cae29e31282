import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Claim file generator")
struct ClaimFileGeneratorTests {
    /// Generates a file, scrubs it with the demo tables and compares findings with the truth.
    /// (Seed 1 at the default error rate put M04 in the truth of an 837I line moved to a FY2025
    /// date, which no Excludes1 release covers.)
    @Test(arguments: [(ClaimFileFormat.x12, 11, 0.2, 3000), (.hl7, 11, 0.2, 3000), (.x12, 1, 0.05, 2000)])
    func everyInjectedDefectIsFoundAndNothingElse(format: ClaimFileFormat, seed: UInt64, errorRate: Double, lines: Int)
        throws
    {
        var options = ExtractGenerator.Options(lines: lines)
        options.seed = seed
        options.errorRate = errorRate
        var generator = ClaimFileGenerator(format: format, options: options)
        var bytes: [UInt8] = []
        generator.generate { bytes.append(contentsOf: $0) }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("g.\(format.rawValue)", bytes)
        let result = try Fixtures.scrub([input], out: folder.file("out"), tables: Fixtures.demoTablesCache)
        let found = Set(try Fixtures.findings(folder.file("out")).map { "\($0["line_id"]!),\($0["rule"]!)" })
        let truth = Set(generator.truth.map { "\($0.lineId),\($0.rule.rawValue)" })
        #expect(!truth.isEmpty)
        #expect(found.subtracting(truth).isEmpty, "unexpected: \(found.subtracting(truth).sorted().prefix(10))")
        #expect(truth.subtracting(found).isEmpty, "missed: \(truth.subtracting(found).sorted().prefix(10))")
        #expect(result.summary.metrics.records == lines)
        if format == .x12 && seed == 11 {
            #expect(truth.contains { $0.hasSuffix(",X02") } && truth.contains { $0.hasSuffix(",X03") })
        }
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
