import Foundation
import Testing

@testable import ClaimScrubber

/// The shard stage's findings, kept as sorted runs (in memory, or in a temporary file past their
/// budget): read back in order they must equal one sort of them all.
@Suite struct EncounterFindingsTests {
    static func finding(_ ordinal: UInt64, _ rule: RuleID, other: UInt64 = 0) -> EncounterFinding {
        EncounterFinding(
            line: EncounterLine(
                ordinal: ordinal, patient: ordinal % 97, code: PackedCode.pack("99213")!, modifiers: 0,
                amountCents: 100,
                day: 20_600, units: 1, rendering: 0, billing: 0, department: 0, payer: 0, flags: 0),
            rule: rule, severity: .error, other: other)
    }

    /// Runs of every size, as the shards give them: a line (ordinal) belongs to one run only, and
    /// may carry several findings.
    static func runs(seed: UInt64) -> [[EncounterFinding]] {
        var rng = SplitMix64(seed: seed)
        let rules: [RuleID] = [.E01, .E02, .E03, .E05, .E06]
        return (0..<300).map { run in
            var mine: [EncounterFinding] = []
            for _ in 0..<rng.int(0...40) {
                let ordinal = UInt64(rng.int(0...20_000) * 300 + run)
                for _ in 0..<rng.int(1...3) {
                    mine.append(Self.finding(ordinal, rules[rng.int(0...4)], other: UInt64(rng.int(0...2))))
                }
            }
            return mine.sorted(by: <)
        }
    }

    static func check(_ findings: EncounterFindings, against runs: [[EncounterFinding]]) throws {
        let all = runs.flatMap { $0 }.sorted(by: <)
        #expect(findings.count == all.count)
        #expect(try findings.sorted() == all)
        var cursor = try EncounterFindings.Cursor(findings)
        var read: [EncounterFinding] = []
        while cursor.nextOrdinal != .max {
            let ordinal = cursor.nextOrdinal
            let next = try cursor.next()
            #expect(next?.ordinal == ordinal)
            read.append(next!)
        }
        #expect(try cursor.next() == nil)
        #expect(read == all)
        var unordered: [EncounterFinding] = []
        try findings.forEach { unordered.append($0) }
        #expect(unordered.sorted(by: <) == all)
    }

    @Test func runsMergeIntoTheOrderOfOneSort() throws {
        let runs = Self.runs(seed: 11)
        var findings = EncounterFindings()
        for run in runs { try findings.add(sorted: run) }
        #expect(findings.spilled == 0)
        try Self.check(findings, against: runs)
    }

    /// Past their budget the runs go to a temporary file, which goes when the findings do.
    @Test func runsPastTheBudgetAreReadBackFromTheirFileInTheSameOrder() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let runs = Self.runs(seed: 12)
        do {
            var findings = EncounterFindings(memoryBudget: 500, directory: dir.path)
            for run in runs { try findings.add(sorted: run) }
            #expect(findings.spilled > 0 && findings.spilled < findings.count)
            // The runs' file, and the lock file held while it is there.
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(names.filter { !$0.hasSuffix("-lock") }.count == 1 && names.count == 2, "\(names)")
            try Self.check(findings, against: runs)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A run that alone passes the budget goes to the file straight from the job's array, and
    /// reads back merged in order with the runs before and after it.
    @Test func aRunOverTheWholeBudgetGoesStraightToTheFile() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var runs = Self.runs(seed: 13)
        runs.sort { $0.count > $1.count }
        try #require(runs.count > 2 && runs[0].count > 40)
        var findings = EncounterFindings(memoryBudget: 40, directory: dir.path)
        try findings.add(sorted: runs[0])
        #expect(findings.spilled == runs[0].count)
        // What the budgets count on: a finding is as compact as a line.
        #expect(MemoryLayout<EncounterFinding>.stride == MemoryLayout<EncounterLine>.stride)
        for run in runs.dropFirst() { try findings.add(sorted: run) }
        try Self.check(findings, against: runs)
    }

    @Test func noFindingsReadAsNone() throws {
        var findings = EncounterFindings()
        try findings.add(sorted: [])
        var cursor = try EncounterFindings.Cursor(findings)
        #expect(findings.count == 0)
        #expect(cursor.nextOrdinal == .max)
        #expect(try cursor.next() == nil)
        #expect(try findings.sorted().isEmpty)
    }
}
