import Foundation
import Testing

@testable import ClaimScrubber

@Suite("Claim file generator")
struct ClaimFileGeneratorTests {
    /// Generates a file, scrubs it with the demo tables and compares findings with the truth.
    @Test(arguments: [ClaimFileFormat.x12, .hl7])
    func everyInjectedDefectIsFoundAndNothingElse(format: ClaimFileFormat) throws {
        var options = ExtractGenerator.Options(lines: 3000)
        options.seed = 11
        options.errorRate = 0.2
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
        #expect(result.summary.metrics.records == 3000)
        if format == .x12 {
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
