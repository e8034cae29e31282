import Foundation
import Testing

@testable import ClaimScrubber

/// The lines of a patient-day too large for memory, in their temporary file.
@Suite struct GroupFileTests {
    /// A large patient-day read from its file a block at a time (blocks of 100 lines here): the
    /// lines come back as written, the backward pass marks the charges the scan marks, and the
    /// rules find what they find pairwise.
    @Test func aGroupFileIsReadAndMarkedAcrossBlocks() throws {
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        var rng = SplitMix64(seed: 12)
        var paths: [String] = []
        for few in [false, true] {
            let lines = LargeGroupRuleTests.group(size: 2_550, rng: &rng, few: few)
            let file = try GroupFile(directory: nil, blockLines: 100)
            try lines[..<1_000].withUnsafeBufferPointer { try file.append($0) }
            try lines[1_000...].withUnsafeBufferPointer { try file.append($0) }
            var back: [EncounterLine] = []
            try file.forEach { back.append(contentsOf: $0) }
            let whole = back == lines
            #expect(whole, "lines read back as written")
            var reversals = Reversals.Backward()
            try file.updateBackward { reversals.visit(&$0) }
            var marked = lines
            Reversals.mark(&marked, marked.indices)
            back = []
            try file.forEach { back.append(contentsOf: $0) }
            let sameMarks = back == marked
            #expect(sameMarks, "the charges the scan marks reversed")
            #expect(marked.contains { $0.flags & EncounterLine.reversed != 0 })
            var found: [EncounterFinding] = []
            try LargeGroup.check(
                day: lines[0].day, rules: EncounterRules.all, context: context,
                lines: GroupFile.Lines(file: file, of: { _ in true }), out: &found)
            let expected = LargeGroupRuleTests.pairwise(lines, context)
            let same = found.sorted(by: <) == expected
            #expect(same, "few: \(few)")
            #expect(expected.count > 100)
            paths.append(file.path)
        }
        // Each file is removed with its last use.
        #expect(paths.count == 2 && !paths.contains { FileManager.default.fileExists(atPath: $0) })
    }
}
