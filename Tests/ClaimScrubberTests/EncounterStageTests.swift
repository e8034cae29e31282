import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

/// Encounter sharding and the encounter rules E01–E06: every injected defect found and nothing
/// else, the same outputs from memory and from spilled shards, order independence, interruption.
@Suite struct EncounterStageTests {
    static let encounterRules: Set<RuleID> = [.E01, .E02, .E03, .E04, .E05, .E06]

    static func foundSet(_ out: String, rules: Set<RuleID>) throws -> Set<ExtractGenerator.TruthEntry> {
        foundSet(try Fixtures.findings(out), rules: rules)
    }

    static func foundSet(_ findings: [[String: String]], rules: Set<RuleID>) -> Set<ExtractGenerator.TruthEntry> {
        Set(
            findings.compactMap { row -> ExtractGenerator.TruthEntry? in
                guard let rule = RuleID(rawValue: row["rule"]!), rules.contains(rule) else { return nil }
                return ExtractGenerator.TruthEntry(lineId: row["line_id"]!, rule: rule)
            })
    }

    /// The findings of `rules` on a hand-made extract, scrubbed with the demo NCCI tables.
    static func found(_ header: String, _ rows: [String], rules: Set<RuleID>) throws -> Set<ExtractGenerator.TruthEntry>
    {
        foundSet(try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache), rules: rules)
    }

    @Test func everyInjectedEncounterDefectIsFoundAndNothingElse() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        let truth = try Fixtures.generate(lines: 12_000, seed: 17, errorRate: 0.12, to: input)
        let injected = Set(truth.map(\.rule)).intersection(Self.encounterRules)
        #expect(injected == Self.encounterRules, "every encounter defect kind injected: \(injected)")
        _ = try Fixtures.scrub([input], out: dir.file("o"), tables: Fixtures.demoTablesCache)
        let all = Set(RuleID.allCases)
        let found = try Self.foundSet(dir.file("o"), rules: all)
        let missed = truth.subtracting(found)
        let spurious = found.subtracting(truth)
        #expect(missed.isEmpty, "missed: \(missed.prefix(5))")
        #expect(spurious.isEmpty, "spurious: \(spurious.prefix(5))")
    }

    /// Reads every output of a run into memory for byte comparison.
    static func outputs(_ out: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: out)
        where name != "summary.json" && name != "report.html" {
            files[name] = try Fixtures.read(out + "/" + name)
        }
        return files
    }

    @Test func spilledShardsGiveTheSameOutputsAsMemory() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv.zst")
        _ = try Fixtures.generate(lines: 20_000, seed: 23, errorRate: 0.1, to: input)
        let spillDir = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: spillDir, withIntermediateDirectories: true)
        var reference: [String: [UInt8]]?
        for (i, run) in [(1, 512 << 20), (2, 512 << 20), (8, 512 << 20), (1, 64 << 10), (2, 64 << 10), (8, 64 << 10)]
            .enumerated()
        {
            let out = dir.file("o\(i)")
            let result = try Fixtures.scrub([input], out: out, tables: Fixtures.demoTablesCache) {
                $0.workers = run.0
                $0.memoryLimit = run.1
                $0.temporaryDirectory = spillDir
                $0.chunkSize = 256 << 10
            }
            let files = try Self.outputs(out)
            if let reference {
                #expect(files == reference, "outputs differ for workers \(run.0), memory \(run.1)")
            } else {
                reference = files
                #expect(result.summary.findings(.E01) > 0)
            }
            // Spill and spool files are gone after the run.
            #expect(try FileManager.default.contentsOfDirectory(atPath: spillDir).isEmpty)
        }
    }

    /// Invariant 4 with one placeholder patient carrying every line, all of them exact duplicates
    /// of one another: a finding on nearly every line. Under a small limit the findings go to a
    /// temporary file, and the outputs are those of a run that keeps them all in memory.
    @Test func onePatientWithADuplicateOnEveryLineStaysWithinTheBudget() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var text =
            "line_id,encounter_id,patient_id,service_date,post_date,procedure_code,units,charge_amount,rendering_npi\n"
        for i in 0..<30_000 {
            text += "L\(i),E\(i % 7),UNKNOWN,2026-05-\(10 + i % 3),2026-05-20,99213,1,110.00,1234567893\n"
        }
        let input = try dir.write("unknown.csv", Array(text.utf8))
        let spillDir = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: spillDir, withIntermediateDirectories: true)
        var reference: [String: [UInt8]]?
        for limit in [512 << 20, 1 << 20] {
            let out = dir.file("o\(limit)")
            let result = try Fixtures.scrub([input], out: out, tables: Fixtures.demoTablesCache) {
                $0.memoryLimit = limit
                $0.temporaryDirectory = spillDir
            }
            #expect(result.summary.findings(.E01) == 30_000 - 3)
            let files = try Self.outputs(out)
            if let reference {
                #expect(files == reference, "outputs differ at --memory-limit \(limit)")
            } else {
                reference = files
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: spillDir).isEmpty)
        }
    }

    @Test func theTinyBudgetReallySpills() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let store = ShardStore(memoryBudget: 64 << 10, directory: dir.path)
        var rng = SplitMix64(seed: 1)
        var written: [EncounterLine] = []
        for i in 0..<10_000 {
            let line = EncounterLine(
                ordinal: UInt64(i), patient: rng.next() % 500, code: PackedCode.pack("99213")!, modifiers: 0,
                amountCents: 11_000, day: 20_600, units: 1, rendering: 1_234_567_893, billing: 0, department: 0,
                payer: 0,
                flags: 0)
            written.append(line)
            try store.append(line)
        }
        #expect(store.spilledLines > 0)
        var read: [EncounterLine] = []
        for shard in 0..<store.shardCount { read += try store.take(shard) }
        #expect(read.sorted { $0.ordinal < $1.ordinal } == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A spill file cut short or with bytes added (a full disk, a stray write) stops the run with
    /// the file named; it is never read as other lines.
    @Test func aDamagedSpillFileIsReportedNotMisread() throws {
        for damage in ["truncate", "append"] {
            let dir = try TemporaryFolder()
            defer { dir.remove() }
            let store = ShardStore(memoryBudget: 64 << 10, directory: dir.path)
            var rng = SplitMix64(seed: 2)
            for i in 0..<10_000 {
                try store.append(
                    EncounterLine(
                        ordinal: UInt64(i), patient: rng.next() % 500, code: PackedCode.pack("99213")!, modifiers: 0,
                        amountCents: Int64(rng.next() % 90_000), day: 20_600, units: 1, rendering: 1_234_567_893,
                        billing: 0, department: 0, payer: 0, flags: 0))
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".spill") }
            let victim = try #require(files.sorted().first)
            let path = dir.path + "/" + victim
            let bytes = try Fixtures.read(path)
            let damaged = damage == "truncate" ? Array(bytes.dropLast(2)) : bytes + [0x07, 0x00, 0x80]
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            var errors: [String] = []
            for shard in 0..<store.shardCount {
                do { _ = try store.take(shard) } catch let error as ScrubError { errors.append("\(error)") }
            }
            #expect(errors.count == 1, "\(damage): \(errors)")
            #expect(errors.first?.contains("damaged") == true && errors.first?.contains(victim) == true, "\(errors)")
        }
    }

    /// Lines sit in blocks of `blockLines` (fewer lines a block with more shards): runs of every
    /// size across block ends, spills of shards holding several blocks, and blocks reused after a
    /// spill must give back every line.
    @Test(arguments: [256, 1024, 4096])
    func linesAcrossBlocksAndSpillsComeBackWhole(shardCount: Int) throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let perLine = MemoryLayout<EncounterLine>.stride
        let blockLines = ShardStore(memoryBudget: 1 << 20, directory: dir.path, shardCount: shardCount).blockLines
        let store = ShardStore(memoryBudget: 6 * blockLines * perLine, directory: dir.path, shardCount: shardCount)
        var rng = SplitMix64(seed: 3)
        var written = [[EncounterLine]](repeating: [], count: store.shardCount)
        var ordinal: UInt64 = 0
        for round in 0..<30 {
            let shard = [1, 2, 7][round % 3]
            let size = [
                1, blockLines - 1, blockLines, blockLines + 1, rng.int(2...6_000),
            ][round % 5]
            let run = (0..<size).map { _ -> EncounterLine in
                ordinal += 1
                return EncounterLine(
                    ordinal: ordinal, patient: UInt64(shard), code: PackedCode.pack("99213")!,
                    modifiers: ordinal & 0xFFF,
                    amountCents: Int64(ordinal), day: 20_600, units: 1, rendering: 0, billing: 0, department: 0,
                    payer: 0,
                    flags: 0)
            }
            written[shard] += run
            try run.withUnsafeBufferPointer { try store.append($0, shard: shard) }
        }
        #expect(store.spilledLines > 0)
        #expect(store.totalLines == written.reduce(0) { $0 + $1.count })
        // One shard streamed piece by piece, the others loaded whole; both in input order.
        var drained: [EncounterLine] = []
        try store.drain(1) { drained += $0 }
        #expect(drained == written[1])
        for shard in [2, 7] { #expect(try store.take(shard) == written[shard]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// The shard count follows the extract's size against the budget: a shard averages at most a
    /// 32nd of the lines the budget holds, and the budget keeps at least 128 lines a shard.
    @Test func theShardCountGrowsWithTheExtract() {
        let budget = (512 << 20) / 4  // the default limit's shard memory
        let perShard = budget / MemoryLayout<EncounterLine>.stride / 32
        #expect(perShard == 65_536)
        #expect(ShardStore.shardCount(forLines: 0, memoryBudget: budget) == 256)
        #expect(ShardStore.shardCount(forLines: 256 * perShard, memoryBudget: budget) == 256)
        #expect(ShardStore.shardCount(forLines: 256 * perShard + 256, memoryBudget: budget) == 512)
        #expect(ShardStore.shardCount(forLines: 10_000_000, memoryBudget: budget) == 256)
        #expect(ShardStore.shardCount(forLines: 50_000_000, memoryBudget: budget) == 1024)
        #expect(ShardStore.shardCount(forLines: Int.max, memoryBudget: budget) == 4096)
        for lines in [1_000, 10_000_000, 50_000_000, 200_000_000] {
            let count = ShardStore.shardCount(forLines: lines, memoryBudget: budget)
            #expect(count == 4096 || lines / count <= perShard)
        }
        // --memory-limit 128MiB: a quarter of the budget, so more shards, up to 4096 (128 lines
        // each in memory).
        #expect(ShardStore.shardCount(forLines: 10_000_000, memoryBudget: budget / 4) == 1024)
        #expect(ShardStore.shardCount(forLines: 50_000_000, memoryBudget: budget / 4) == 4096)
        // What that limit leaves once the process holds its 30 MiB: 24M lines get shards of about
        // 12k lines (a 512th kept them at 47k).
        let small = (128 - 30) << 20 / 4
        let count = ShardStore.shardCount(forLines: 24_000_000, memoryBudget: small)
        #expect(24_000_000 / count <= small / MemoryLayout<EncounterLine>.stride / 32)
        // A tiny budget keeps the least count.
        #expect(ShardStore.shardCount(forLines: 50_000_000, memoryBudget: 1 << 20) == 256)
    }

    /// Which lines share a shard (and a job) must not change a single finding, spilled or not.
    @Test func findingsAreTheSameForAnyShardCount() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 5)
        let codes = ["99213", "36415", "J1100", "93000", "93005", "11045", "12001"].map { PackedCode.pack($0)! }
        var lines: [EncounterLine] = []
        for i in 0..<30_000 {
            lines.append(
                EncounterLine(
                    ordinal: UInt64(i), patient: FNV1a.hash("P\(rng.int(0...3_000))"),
                    code: codes[rng.int(0...(codes.count - 1))], modifiers: 0, amountCents: 1_000,
                    day: 20_540 + Int32(rng.int(0...3)), units: Int32(rng.int(1...3)),
                    rendering: 1_234_567_893, billing: 0, department: 0, payer: 0, flags: 0))
        }
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        let expected = EncounterStage.check(lines, rules: EncounterRules.all, context: context).sorted(by: <)
        #expect(!expected.isEmpty)
        for (shardCount, budget) in [(256, 64 << 20), (1024, 64 << 20), (4096, 64 << 20), (1024, 256 << 10)] {
            let store = ShardStore(memoryBudget: budget, directory: dir.path, shardCount: shardCount)
            for line in lines { try store.append(line) }
            #expect((store.spilledLines > 0) == (budget < 1 << 20), "\(shardCount) shards")
            let findings = try EncounterStage.run(store: store, context: context, workers: 2)
            // The small budget also sends the findings' runs to their file.
            #expect((findings.spilled > 0) == (budget < 1 << 20), "\(shardCount) shards, budget \(budget)")
            #expect(try findings.sorted() == expected, "\(shardCount) shards, budget \(budget)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func onePatientWithManyLinesIsSplitByDateAndGivesTheSameFindings() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        // A placeholder patient id carrying every line: one shard far over the budget.
        var rng = SplitMix64(seed: 9)
        let codes = ["99213", "36415", "J1100", "93000", "93005", "11045", "12001"].map { PackedCode.pack($0)! }
        var lines: [EncounterLine] = []
        for i in 0..<40_000 {
            lines.append(
                EncounterLine(
                    ordinal: UInt64(i), patient: FNV1a.hash("UNKNOWN"), code: codes[rng.int(0...(codes.count - 1))],
                    modifiers: 0, amountCents: 1_000, day: 20_540 + Int32(rng.int(0...60)),
                    units: Int32(rng.int(1...3)),
                    rendering: 1_234_567_893, billing: 0, department: 0, payer: 0, flags: 0))
        }
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        let expected = EncounterStage.check(lines, rules: EncounterRules.all, context: context).sorted(by: <)
        #expect(!expected.isEmpty)
        let store = ShardStore(memoryBudget: 64 << 10, directory: dir.path)
        for line in lines { try store.append(line) }
        #expect(store.spilledLines > 0)
        let found = try EncounterStage.run(store: store, context: context, workers: 2).sorted()
        #expect(found == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// One patient-day with more lines than a job may hold (a placeholder patient id on one date):
    /// checked from a file, a pass at a time, with the findings of comparing its lines pairwise.
    @Test func aPatientDayLargerThanTheBudgetIsCheckedFromAFile() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let context = EncounterContext(tables: Fixtures.demoTablesCache, settings: RuleSettings(), payers: [""])
        var rng = SplitMix64(seed: 12)
        let day = DayNumber.parse("2026-05-15")
        // The large day (credits, unreadable modifiers, two settings, several providers) with other
        // patients' lines and the same patient's other days between its lines.
        var lines: [EncounterLine] = []
        for line in LargeGroupRuleTests.group(size: 2_500, rng: &rng, day: day) {
            var line = line
            line.patient = FNV1a.hash("UNKNOWN")
            lines.append(line)
            if rng.int(0...3) == 0 {
                var other = LargeGroupRuleTests.group(size: 1, rng: &rng, day: day + Int32(rng.int(0...2)))[0]
                other.patient = rng.int(0...1) == 0 ? line.patient : FNV1a.hash("P\(rng.int(0...40))")
                if other.patient == line.patient && other.day == day { other.day += 1 }
                lines.append(other)
            }
        }
        for i in lines.indices { lines[i].ordinal = UInt64(i) }
        let large = lines.filter { $0.patient == FNV1a.hash("UNKNOWN") && $0.day == day }
        let expectedLarge = LargeGroupRuleTests.pairwise(large, context)
        let expected = EncounterStage.check(lines, rules: EncounterRules.all, context: context).sorted(by: <)
        let ordinals = Set(large.map(\.ordinal))
        #expect(expected.filter { ordinals.contains($0.ordinal) } == expectedLarge)
        #expect(expectedLarge.count > 500)
        let store = ShardStore(memoryBudget: 64 << 10, directory: dir.path)
        for line in lines { try store.append(line) }
        do {
            let findings = try EncounterStage.run(store: store, context: context, workers: 2)
            #expect(findings.linesFromFile == large.count)
            // Findings compared whole (a failure here would print thousands of them).
            let found = try findings.sorted()
            #expect(found.count == expected.count)
            let same = found == expected
            #expect(same, "the findings differ")
        }
        // The lines' file and the findings' file are gone.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func shuffledLinesGiveTheSameFindings() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("x.csv")
        _ = try Fixtures.generate(lines: 6_000, seed: 31, errorRate: 0.1, to: input)
        let bytes = try Fixtures.read(input)
        let header = Array(bytes.prefix(through: bytes.firstIndex(of: 0x0A)!))
        var records = Fixtures.records(bytes)
        var rng = SplitMix64(seed: 5)
        records.shuffle(using: &rng)
        // One encounter split across two files, in shuffled order.
        let a = try dir.write("a.csv", header + records[..<3000].flatMap { $0 })
        let b = try dir.write("b.csv", header + records[3000...].flatMap { $0 })
        _ = try Fixtures.scrub([input], out: dir.file("o1"), tables: Fixtures.demoTablesCache)
        _ = try Fixtures.scrub([a, b], out: dir.file("o2"), tables: Fixtures.demoTablesCache)
        let all = Set(RuleID.allCases)
        // Which line of a duplicate group counts as the first depends on order: compare the rest.
        let notDuplicates = all.subtracting([.E01, .E02])
        #expect(
            try Self.foundSet(dir.file("o1"), rules: notDuplicates)
                == Self.foundSet(dir.file("o2"), rules: notDuplicates))
        // Duplicate groups: the same number of findings, on the same groups.
        let e1 = try Self.foundSet(dir.file("o1"), rules: [.E01, .E02]).count
        let e2 = try Self.foundSet(dir.file("o2"), rules: [.E01, .E02]).count
        #expect(e1 == e2 && e1 > 0)
    }

    @Test func aCreditCancelsOneEarlierDuplicate() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        let rows = [
            "L1,E1,P1,2026-05-01,J1100,2,7.00,1234567893",
            "L2,E2,P1,2026-05-01,J1100,2,7.00,1234567893",  // exact duplicate of L1, reversed by L3
            "L3,E2,P1,2026-05-01,J1100,-2,-7.00,1234567893",  // reverses L2, the latest match
            "L4,E3,P1,2026-05-01,J1100,2,7.00,1234567893",  // duplicate of L1, the one standing
            "L5,E3,P2,2026-05-01,J1100,2,7.00,1234567893",  // other patient
            "L6,E3,P1,2026-05-02,J1100,2,7.00,1234567893",  // other day
            "L7,E3,P1,2026-05-01,J1100,3,10.50,1234567893",  // same code and provider, other units: probable
            "L8,E3,P1,2026-05-01,J1100,1,3.50,1234567893",
        ]
        // L8 carries the repeat modifier column? No modifier column here: it is probable too.
        let found = try Self.found(header, rows, rules: [.E01, .E02])
        #expect(
            found == [
                .init(lineId: "L4", rule: .E01), .init(lineId: "L7", rule: .E02), .init(lineId: "L8", rule: .E02),
            ])
    }

    /// Units keep their fraction (found by the X12 audit; SV104 is a decimal): 1.5 units were
    /// read as 2, an exact duplicate of a line of 2; two half units of 11102 summed to 2 against
    /// its MUE of 1 (MAI 2); E04 named 3 units for 2.5 (20610, MUE 2 per line).
    @Test func fractionalUnitsAreComparedAndSummedAsWritten() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        let rows = [
            "A1,E1,P1,2026-05-01,J1100,1.5,7.00,1234567893", "A2,E2,P1,2026-05-01,J1100,2,7.00,1234567893",
            "B1,E3,P2,2026-05-01,11102,0.5,50.00,1234567893", "B2,E3,P2,2026-05-01,11102,.5,50.00,1234567893",
            "C1,E4,P3,2026-05-01,11102,0.5,50.00,1234567893", "C2,E4,P3,2026-05-01,11102,0.75,50.00,1234567893",
            "D1,E5,P4,2026-05-01,20610,2.5,90.00,1234567893", "D2,E5,P4,2026-05-02,20610,2,90.00,1234567893",
        ]
        let findings = try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache)
        let encounter = findings.filter { $0["rule"]!.hasPrefix("E") }
        #expect(
            encounter.map { [$0["line_id"]!, $0["rule"]!, $0["value"]!] }
                == [
                    // 1.5 and 2 units: a probable duplicate only. 0.5 and .5 units: one number, E01,
                    // and 1 unit in all, within the MUE. 0.5 and 0.75: 1.25 units, over it.
                    ["A2", "E02", "J1100"], ["B2", "E01", "11102"], ["C1", "E05", "0.5"], ["C2", "E02", "11102"],
                    ["C2", "E05", "0.75"], ["D1", "E04", "2.5"],
                ],
            "\(encounter)")
        #expect(encounter.first { $0["line_id"] == "C1" }?["message"]?.hasPrefix("1.25 units of 11102") == true)
        #expect(encounter.first { $0["line_id"] == "D1" }?["message"] == "2.5 units exceed the MUE of 2 per line")
    }

    /// An inpatient bill (type of bill 11x, 18x, 21x: an 837I's CLM05-1 and CLM05-3, or an
    /// extract's `bill_type`) is paid by the stay: its lines meet no outpatient-hospital MUE or
    /// PTP edit. Three CBCs over a three-day stay were E05 against 85025's outpatient MUE of 1
    /// (found by the X12 audit). An outpatient bill (13x) still meets them.
    @Test(arguments: [("111", false), ("0111", false), ("181", false), ("211", false), ("131", true), ("", true)])
    func anInpatientBillMeetsNoOutpatientNCCIEdit(bill: String, edited: Bool) throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,billing_npi,revenue_code,"
            + "bill_type\n"
        let rows = [
            "A,E1,P1,2026-05-01,85025,3,90.00,1234567893,0300,\(bill)",
            "B,E1,P1,2026-05-01,20610,3,90.00,1234567893,0360,\(bill)",
        ]
        // A professional line (no revenue code) keeps its practitioner edits whatever its bill:
        // 11042 is 1 a line there.
        let professional = "C,E2,P2,2026-05-01,11042,3,90.00,1234567893,,\(bill)"
        let findings = try Fixtures.findings(
            header: header, rows: rows + [professional], tables: Fixtures.demoTablesCache)
        let rules = findings.filter { $0["rule"]!.hasPrefix("E") }.map { $0["line_id"]! + " " + $0["rule"]! }.sorted()
        #expect(rules == (edited ? ["A E05", "B E04", "C E04"] : ["C E04"]), "\(findings)")
    }

    /// A revenue code of spaces (a fixed-width export's `CHAR(4)`) is no revenue code: the line is
    /// professional, as C10 already took it. It made the line institutional, so its duplicates,
    /// PTP pairs and MUE sums were looked for among the outpatient-hospital lines and not found.
    /// Its C06 for the NCCI files names the practitioner table too.
    @Test func aRevenueCodeOfSpacesLeavesTheLineProfessional() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,revenue_code,bill_type\n"
        func rules(_ blank: String) throws -> [String] {
            let rows = [
                "a,e1,P1,2026-05-15,93000,1,54.00,1234567893,\(blank),",
                "b,e1,P1,2026-05-15,93000,1,54.00,1234567893,,",
                "c,e2,P2,2026-05-15,93000,1,54.00,1234567893,\(blank),\(blank)",
                "d,e2,P2,2026-05-15,93005,1,20.00,1234567893,,",
                "f,e3,P3,2026-03-31,93000,1,54.00,1234567893,\(blank),",
            ]
            return try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache)
                .filter { $0["rule"]!.hasPrefix("E") || $0["rule"] == "C06" }
                .map { $0["line_id"]! + " " + $0["rule"]! + ($0["message"]!.contains("practitioner") ? " P" : "") }
        }
        let empty = try rules("")
        #expect(empty.contains("b E01") && empty.contains("d E03") && empty.contains("f C06 P"), "\(empty)")
        #expect(try rules("    ") == empty)
        #expect(try rules("\" \"") == empty)
    }

    /// A date of service before the earliest loaded PTP and MUE release of its setting gets C06
    /// naming each (DOMAIN.md "Release coverage"); it used to pass E03 and E04 without a word.
    /// Without NCCI files loaded there is no C06: the edits do not run at all.
    @Test func aDateBeforeTheNCCIFilesIsC06() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,revenue_code\n"
        let rows = [
            "A,E1,P1,2026-03-31,93000,1,50.00,1234567893,", "B,E1,P1,2026-03-31,93005,1,30.00,1234567893,",
            "C,E1,P1,2026-03-31,11042,5,400.00,1234567893,", "D,E2,P2,2026-03-31,99213,1,80.00,1234567893,0510",
            "F,E3,P3,2026-04-01,93000,1,50.00,1234567893,", "G,E3,P3,2026-04-01,93005,1,30.00,1234567893,",
        ]
        let findings = try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache)
        let c06 = findings.filter { $0["rule"] == "C06" }.map { [$0["line_id"]!, $0["value"]!] }
        let before = ["A", "B", "C", "D"].flatMap { [[$0, "MUE"], [$0, "NCCI PTP"]] }
        #expect(c06 == before)
        #expect(
            findings.contains {
                $0["rule"] == "C06" && $0["line_id"] == "D" && $0["message"]!.contains("outpatient-hospital")
            })
        #expect(findings.filter { $0["rule"]!.hasPrefix("E") }.map { $0["line_id"]! } == ["G"])
        let none = try Fixtures.findings(header: header, rows: rows)
        #expect(!none.contains { $0["rule"] == "C06" })
        // Dates more than 65,536 days apart in one batch take the look-up per line: the same C06.
        let wide = try Fixtures.findings(
            header: header, rows: rows + ["H,E4,P4,1800-01-01,99213,1,80.00,1234567893,"],
            tables: Fixtures.demoTablesCache)
        let wideC06 = wide.filter { $0["rule"] == "C06" && ["NCCI PTP", "MUE"].contains($0["value"]!) }
        #expect(wideC06.map { [$0["line_id"]!, $0["value"]!] } == before + [["H", "MUE"], ["H", "NCCI PTP"]])
    }

    /// An add-on code dated before the add-on table's first day (the demo one serves from
    /// 2025-01-01) gets C06 naming the add-on table, as PTP and MUE do: E06 did not check it and
    /// nothing said so. Other codes that day, and the add-on code once the table serves, get none.
    @Test func anAddOnCodeBeforeTheAddOnTableIsC06() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        let rows = [
            "A,E1,P1,2024-12-31,11045,1,50.00,1234567893", "B,E1,P1,2024-12-31,99213,1,80.00,1234567893",
            "C,E2,P2,2025-01-01,11045,1,50.00,1234567893",
        ]
        let findings = try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache)
        let addOn = findings.filter { $0["rule"] == "C06" && $0["value"] == "NCCI add-on" }
        #expect(addOn.map { $0["line_id"]! } == ["A"], "\(findings)")
        #expect(addOn.first?["message"]?.contains("the add-on edit (E06) was not checked") == true)
        #expect(findings.filter { $0["rule"] == "E06" }.map { $0["line_id"]! } == ["C"])
    }

    /// A duplicate and then its reversal: the credit cancels the later charge, so neither is held.
    /// It used to count only against lines after it, holding A2 and leaving A1 and the credit, net
    /// $0, in the clean output. With three charges and one credit, one duplicate is left.
    @Test(arguments: [
        (["A1,1,100.00", "A2,1,100.00", "CR,-1,-100.00"], [String]()),
        (["A1,1,100.00", "A2,1,100.00", "A3,1,100.00", "CR,-1,-100.00"], ["A2"]),
        (["A1,1,100.00", "CR,-1,-100.00", "A2,1,100.00"], []),
        (["CR,-1,-100.00", "A1,1,100.00", "A2,1,100.00"], ["A2"]),
        (["A1,1,100.00", "CR,1,-100.00", "A2,1,100.00", "CR2,-1,-100.00"], []),
    ])
    func aCreditAfterADuplicateReversesIt(rows: [String], held: [String]) throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        let lines = rows.map { row -> String in
            let f = row.split(separator: ",")
            return "\(f[0]),E1,P1,2026-05-01,99213,\(f[1]),\(f[2]),1234567893"
        }
        let found = try Self.found(header, lines, rules: [.E01, .E02])
        #expect(found == Set(held.map { .init(lineId: $0, rule: .E01) }), "\(rows)")
    }

    /// A line without a rendering NPI was rendered by its billing provider (an 837P leaves loop
    /// 2310B out when they are one): two practices' lines for one patient and day are not one
    /// provider's, while one practice's are, with or without its NPI as rendering provider.
    @Test(arguments: [
        ("", "1234567893", "", "1245319599", false), ("", "1234567893", "", "1234567893", true),
        ("1234567893", "1245319599", "", "1234567893", true), ("", "", "", "", true),
    ])
    func aLineWithoutARenderingNPIIsItsBillingProviders(
        rendering1: String, billing1: String, rendering2: String, billing2: String, duplicate: Bool
    ) throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,billing_npi\n"
        let lines = [
            "L1,E1,P1,2026-05-01,99213,1,100.00,\(rendering1),\(billing1)",
            "L2,E2,P1,2026-05-01,99213,1,100.00,\(rendering2),\(billing2)",
        ]
        let found = try Self.found(header, lines, rules: [.E01, .E02])
        #expect(found == (duplicate ? [.init(lineId: "L2", rule: .E01)] : []), "\(lines)")
    }

    /// Lines whose modifiers cannot be read (a malformed one packs alike whatever its text, a
    /// fifth has no slot) are no line's exact duplicate: "591" and "XX9", or five modifiers that
    /// differ in the fifth, made a false E01 (C07 holds such lines, but may be a warning).
    @Test(arguments: [("591", "XX9"), ("25:LT:RT:XU:59", "25:LT:RT:XU:76")])
    func unreadableModifiersMakeNoExactDuplicate(first: String, second: String) throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifiers,units,charge_amount,rendering_npi\n"
        let rows = [
            "A,E1,P1,2026-05-01,99213,\(first),1,100.00,1234567893",
            "B,E1,P1,2026-05-01,99213,\(second),1,100.00,1234567893",
        ]
        #expect(try Self.found(header, rows, rules: [.E01]).isEmpty)
        let same = [rows[0], rows[0].replacingOccurrences(of: "A,", with: "B,")]
        #expect(try Self.found(header, same, rules: [.E01]).isEmpty, "not comparable, even when alike")
        #expect(try Self.found(header, same, rules: [.C07]).count == 2)
    }

    /// A credit that matches no earlier charge (other units and amount) reverses nothing: C is
    /// still a probable duplicate of B. It used to cancel B for E02.
    @Test func aCreditMatchingNoChargeReversesNothing() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,units,charge_amount,rendering_npi\n"
        let rows = [
            "B,E1,P1,2026-05-01,99213,25,1,100.00,1234567893",
            "CR,E1,P1,2026-05-01,99213,,-3,-300.00,1234567893",
            "C,E1,P1,2026-05-01,99213,,1,100.00,1234567893",
        ]
        #expect(try Self.found(header, rows, rules: [.E01, .E02]) == [.init(lineId: "C", rule: .E02)])
    }

    /// A charge and its reversal are gone for the other edits too: a reversed 93000 no longer
    /// holds the 93005 beside it (E03), a reversed primary no longer covers its add-on (E06), and a
    /// reversed line over its MUE is not held alone while its credit passes (E04).
    @Test func aReversedChargeNoLongerCountsInTheOtherEdits() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        func rows(_ codes: [(String, String, String, String)]) -> [String] {
            codes.map { "\($0.0),E1,P1,2026-05-01,\($0.1),\($0.2),\($0.3),1234567893" }
        }
        let ptp = rows([("A", "93000", "1", "50.00"), ("B", "93005", "1", "30.00")])
        #expect(try Self.found(header, ptp, rules: [.E03]) == [.init(lineId: "B", rule: .E03)])
        let reversed = rows([
            ("A", "93000", "1", "50.00"), ("AR", "93000", "-1", "-50.00"), ("B", "93005", "1", "30.00"),
        ])
        #expect(try Self.found(header, reversed, rules: [.E03]).isEmpty)
        let addOn = rows([("P", "11042", "1", "80.00"), ("PR", "11042", "-1", "-80.00"), ("A", "11045", "1", "40.00")])
        #expect(try Self.found(header, addOn, rules: [.E06]) == [.init(lineId: "A", rule: .E06)])
        let mue = rows([("M", "11042", "5", "400.00"), ("MR", "11042", "-5", "-400.00")])
        #expect(try Self.found(header, mue, rules: [.E04]).isEmpty)
        #expect(try Self.found(header, Array(mue.prefix(1)), rules: [.E04]) == [.init(lineId: "M", rule: .E04)])
    }

    /// NCCI pays an add-on code only beside a primary paid to the same practitioner for the
    /// patient and day: a primary billed by another rendering provider, or on a facility line
    /// (another setting), does not cover it; the same provider's primary in another encounter of
    /// that day does. A facility add-on needs a facility primary of the same billing provider.
    @Test func anAddOnNeedsItsPrimaryFromTheSameProvider() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,"
            + "billing_npi,revenue_code\n"
        let rows = [
            // P1: primary by another surgeon.
            "P1-PRI,E1,P1,2026-05-01,11042,1,80.00,1234567893,1245319599,",
            "P1-ADD,E1,P1,2026-05-01,11045,1,40.00,1679576722,1245319599,",
            // P2: the same surgeon's primary in another encounter that day.
            "P2-PRI,E2,P2,2026-05-01,11042,1,80.00,1234567893,1245319599,",
            "P2-ADD,E3,P2,2026-05-01,11045,1,40.00,1234567893,1245319599,",
            // P3: a facility primary beside a professional add-on.
            "P3-PRI,E4,P3,2026-05-01,11042,1,80.00,1234567893,1245319599,0360",
            "P3-ADD,E4,P3,2026-05-01,11045,1,40.00,1234567893,1245319599,",
            // P4: facility lines of one billing provider, rendering providers apart.
            "P4-PRI,E5,P4,2026-05-01,11042,1,80.00,1234567893,1245319599,0360",
            "P4-ADD,E5,P4,2026-05-01,11045,1,40.00,1679576722,1245319599,0360",
        ]
        #expect(
            try Self.found(header, rows, rules: [.E06]) == [
                .init(lineId: "P1-ADD", rule: .E06), .init(lineId: "P3-ADD", rule: .E06),
            ])
    }

    /// DOMAIN.md: a credit subtracts its units in MUE sums, whether its units are written negative
    /// or, as an HL7 `CD` transaction or a reversal with a negative amount carries them, positive.
    @Test func aCreditTakesItsUnitsOffTheDateOfServiceSum() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        // 36415: MUE 2, MAI 3 in the demo table.
        let rows = [
            "A1,E1,P1,2026-05-01,36415,2,36.00,1234567893",
            "A2,E1,P1,2026-05-01,36415,2,-36.00,1234567893",  // reversal, units written positive
            "A3,E2,P1,2026-05-01,36415,2,36.00,1234567893",  // 2 - 2 + 2: within the MUE
            "B1,E3,P2,2026-05-01,36415,2,36.00,1234567893",
            "B2,E3,P2,2026-05-01,36415,-2,-36.00,1234567893",  // reversal, units negative
            "B3,E4,P2,2026-05-01,36415,2,36.00,1234567893",
            "C1,E5,P3,2026-05-01,36415,3,-54.00,1234567893",  // a lone reversal of 3 units
            "D1,E6,P4,2026-05-01,36415,2,36.00,1234567893",
            "D2,E6,P4,2026-05-01,36415,1,18.00,1234567893",
            "D3,E7,P4,2026-05-01,36415,1,-18.00,1234567893",  // 2 + 1 - 1: within
        ]
        let found = try Self.found(header, rows, rules: [.E05])
        #expect(found.isEmpty, "credits subtract: \(found)")
        // Without D3's reversal, P4's 3 units are over: both its lines are held.
        #expect(
            try Self.found(header, Array(rows[..<9]), rules: [.E05]) == [
                .init(lineId: "D1", rule: .E05), .init(lineId: "D2", rule: .E05),
            ])
    }

    /// A charge exported twice is E01 on its repeat, and the repeat adds no units to E05's sum: it is
    /// not to be billed, and counting it held the visit it repeats (99213, MUE 1, was E05 on both
    /// lines). With E01 a warning the repeat goes to the clean output, so its units count again.
    @Test func aHeldRepeatAddsNoUnitsToTheDateOfServiceSum() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,units,charge_amount,rendering_npi\n"
        // 99213: MUE 1 (MAI 2); 36415: MUE 2 (MAI 3) in the demo tables.
        let rows = [
            "A1,E1,P1,2026-05-01,99213,,1,90.00,1234567893",
            "A2,E1,P1,2026-05-01,99213,,1,90.00,1234567893",  // the same visit again: E01 only
            "B1,E2,P2,2026-05-01,36415,,1,18.00,1234567893",
            "B2,E2,P2,2026-05-01,36415,91,1,18.00,1234567893",
            "B3,E3,P2,2026-05-01,36415,91,1,18.00,1234567893",  // B2 again: E01; 2 units, within
            "C1,E4,P3,2026-05-01,99213,,1,90.00,1234567893",
            "C2,E4,P3,2026-05-01,99213,25,1,90.00,1234567893",  // another line, not a repeat: over
        ]
        let found = try Self.found(header, rows, rules: [.E01, .E02, .E05])
        #expect(
            found == [
                .init(lineId: "A2", rule: .E01), .init(lineId: "B3", rule: .E01), .init(lineId: "C1", rule: .E05),
                .init(lineId: "C2", rule: .E05), .init(lineId: "C2", rule: .E02),
            ], "\(found)")
        // E01 as a warning: the repeats go out with the visits, and the sums hold them all.
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = try dir.write("x.csv", header + rows.joined(separator: "\n") + "\n")
        _ = try Fixtures.scrub([input], out: dir.file("o"), tables: Fixtures.demoTablesCache) {
            $0.settings.set(.E01, .warning)
        }
        let warned = try Self.foundSet(dir.file("o"), rules: [.E05])
        #expect(warned == Set(["A1", "A2", "B1", "B2", "B3", "C1", "C2"].map { .init(lineId: $0, rule: .E05) }))
    }

    /// Two lines of one code that differ in their site or distinct-service modifiers are services
    /// at two sites, not a probable duplicate (`20610-RT` and `20610-LT` were E02); alike in them,
    /// differing in another modifier (25), or one without any (a side left off), they still are.
    @Test func linesAtTwoSitesAreNoProbableDuplicate() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,modifier2,units,charge_amount,rendering_npi\n"
        let rows = [
            "A1,E1,P1,2026-05-01,20610,RT,,1,120.00,1234567893",
            "A2,E1,P1,2026-05-01,20610,LT,,1,120.00,1234567893",  // the other knee: none
            "A3,E1,P1,2026-05-01,20610,RT,,1,90.00,1234567893",  // the right knee again: E02
            "B1,E2,P2,2026-05-01,11042,,,1,80.00,1234567893",
            "B2,E2,P2,2026-05-01,11042,59,,1,70.00,1234567893",  // a distinct service: none
            "C1,E3,P3,2026-05-01,99213,,,1,90.00,1234567893",
            "C2,E3,P3,2026-05-01,99213,25,,1,80.00,1234567893",  // 25 says nothing of a site: E02
            "D1,E4,P4,2026-05-01,20610,LT,F1,1,120.00,1234567893",
            "D2,E4,P4,2026-05-01,20610,F1,LT,1,100.00,1234567893",  // the same sites in another order: E02
            "F1,E5,P5,2026-05-01,20610,RT,,1,120.00,1234567893",
            "F2,E5,P5,2026-05-01,20610,,,1,110.00,1234567893",  // no side: may be the right knee again, E02
            "F3,E5,P5,2026-05-01,20610,LT,,1,115.00,1234567893",  // the left knee: E02 against F2 only
        ]
        let found = try Self.found(header, rows, rules: [.E01, .E02])
        #expect(
            found == [
                .init(lineId: "A3", rule: .E02), .init(lineId: "C2", rule: .E02), .init(lineId: "D2", rule: .E02),
                .init(lineId: "F2", rule: .E02), .init(lineId: "F3", rule: .E02),
            ], "\(found)")
    }

    /// A facility line's charge is the facility's: two lines alike but for their rendering NPI are
    /// a duplicate under their billing NPI, as PTP and MUE group facility lines; professional lines
    /// of two rendering NPIs are not.
    @Test func facilityDuplicatesCompareTheBillingProvider() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,billing_npi,revenue_code\n"
        let rows = [
            "A1,H1,P1,2026-05-01,71046,1,120.00,1234567893,1245319599,0320",
            "A2,H1,P1,2026-05-01,71046,1,120.00,1679576722,1245319599,0320",  // E01
            "A3,H1,P1,2026-05-01,71046,1,80.00,1679576722,1245319599,0320",  // E02
            "B1,C1,P2,2026-05-01,71046,1,120.00,1234567893,1245319599,",
            "B2,C1,P2,2026-05-01,71046,1,120.00,1679576722,1245319599,",  // another physician: none
        ]
        let found = try Self.found(header, rows, rules: [.E01, .E02])
        #expect(found == [.init(lineId: "A2", rule: .E01), .init(lineId: "A3", rule: .E02)], "\(found)")
    }

    /// A malformed field the encounter rules do not read (sex, birth or post date) holds its line
    /// but leaves it in those rules; a malformed amount or unit count takes it out.
    @Test func aMalformedFieldTheEncounterRulesDoNotReadLeavesTheLineIn() throws {
        let header =
            "line_id,encounter_id,patient_id,patient_dob,patient_sex,service_date,post_date,procedure_code,units,charge_amount,rendering_npi\n"
        let rows = [
            "A1,E1,P1,1970-01-01,X,2026-05-01,2026-05-02,93000,1,54.00,1234567893",  // S03 sex
            "A2,E1,P1,1970-01-01,F,2026-05-01,2026-05-02,93005,1,20.00,1234567893",  // column 2 of 93000: E03
            "B1,E2,P2,1970-13-01,F,2026-05-01,2026-05-02,99213,1,90.00,1234567893",  // S03 birth date
            "B2,E2,P2,1970-01-01,F,2026-05-01,2026-05-02,99213,1,90.00,1234567893",  // E01 (a held repeat: no E05)
            "C1,E3,P3,1970-01-01,F,2026-05-01,2026-05-32,99213,1,90.00,1234567893",  // S03 post date
            "C2,E3,P3,1970-01-01,F,2026-05-01,2026-05-02,93005,1,20.00,1234567893",
            "D1,E4,P4,1970-01-01,F,2026-05-01,2026-05-02,93000,1,5x.00,1234567893",  // S03 amount: out
            "D2,E4,P4,1970-01-01,F,2026-05-01,2026-05-02,93005,1,20.00,1234567893",  // so no E03
            "F1,E5,P5,1970-01-01,F,2026-05-01,2026-05-02,99213,x,90.00,1234567893",  // S03 units: out
            "F2,E5,P5,1970-01-01,F,2026-05-01,2026-05-02,99213,1,90.00,1234567893",  // so no E01 or E05
        ]
        let found = try Self.found(header, rows, rules: Self.encounterRules)
        #expect(
            found == [
                .init(lineId: "A2", rule: .E03), .init(lineId: "B2", rule: .E01),
            ])
    }

    /// E01 compares modifiers as a set: order and repeats do not matter, a missing one does.
    @Test func exactDuplicatesCompareModifiersAsASet() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,modifier2,modifier3,units,charge_amount,rendering_npi\n"
        let rows = [
            "A1,E1,P1,2026-05-01,97140,59,,,1,38.00,1234567893",
            "A2,E2,P1,2026-05-01,97140,59,59,,1,38.00,1234567893",  // {59}: a duplicate of A1
            "B1,E3,P2,2026-05-01,97140,GP,59,,1,38.00,1234567893",
            "B2,E4,P2,2026-05-01,97140,59,GP,GP,1,38.00,1234567893",  // {59, GP}: a duplicate of B1
            "C1,E5,P3,2026-05-01,97140,GP,59,,1,38.00,1234567893",
            "C2,E6,P3,2026-05-01,97140,GP,,,1,38.00,1234567893",  // {GP}: not the same modifiers
        ]
        let found = try Self.found(header, rows, rules: [.E01])
        #expect(found == [.init(lineId: "A2", rule: .E01), .init(lineId: "B2", rule: .E01)])
        // The packed form: sorted, repeats dropped, empty slots last.
        let (x, y, z): (UInt64, UInt64, UInt64) = (0x123, 0x456, 0x789)
        #expect(ModifierCode.canonical(x << 36 | x << 24 | y << 12 | y) == y << 36 | x << 24)
        #expect(ModifierCode.canonical(z << 36 | x << 24 | z << 12 | x) == z << 36 | x << 24)
        #expect(ModifierCode.canonical(x << 36 | y << 24 | y << 12 | z) == z << 36 | y << 24 | x << 12)
        #expect(ModifierCode.canonical(x << 36 | x << 24 | x << 12 | x) == x << 36)
    }

    /// A hospital's facility line (a revenue code) and the physician's professional line for the same
    /// visit are a split bill, not a duplicate; two lines of one setting still are, and a credit
    /// reverses a charge of its own setting only.
    @Test func duplicatesAndCreditsStayWithinOneSetting() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi,revenue_code\n"
        let rows = [
            "A1,PRO1,P1,2026-05-01,99283,1,250.00,1234567893,",
            "A2,HOSP1,P1,2026-05-01,99283,1,250.00,1234567893,0450",  // the facility line: no E01
            "A3,HOSP1,P1,2026-05-01,99283,1,250.00,1234567893,0450",  // the facility line again: E01
            "B1,PRO2,P2,2026-05-01,99283,1,250.00,1234567893,",
            "B2,HOSP2,P2,2026-05-01,99283,1,900.00,1234567893,0450",  // other amount, other setting: no E02
            "B3,PRO2,P2,2026-05-01,99283,1,90.00,1234567893,",  // same setting, other amount: E02
            "C1,PRO3,P3,2026-05-01,99283,1,250.00,1234567893,",
            // A facility credit: it reverses no professional line.
            "C2,HOSP3,P3,2026-05-01,99283,-1,-250.00,1234567893,0450",
            "C3,PRO3,P3,2026-05-01,99283,1,250.00,1234567893,",  // so C1 still stands: E01
        ]
        let found = try Self.found(header, rows, rules: [.E01, .E02])
        #expect(
            found == [
                .init(lineId: "A3", rule: .E01), .init(lineId: "B3", rule: .E02), .init(lineId: "C3", rule: .E01),
            ])
    }

    /// An NPI that is malformed, all zeros or not starting with 1 or 2 is held by C09, and names a
    /// provider of its own: not the one of an empty NPI, nor of another bad one.
    @Test func aBadNPIIsNeitherEmptyNorAnotherBadNPI() throws {
        let header = "line_id,encounter_id,patient_id,service_date,procedure_code,units,charge_amount,rendering_npi\n"
        // Two lines alike of one provider are E01: only D1 and D2 are.
        let rows = [
            "A1,E1,P1,2026-05-01,99213,1,90.00,12345678AB",
            "A2,E1,P1,2026-05-01,99213,1,90.00,",
            "A3,E1,P1,2026-05-01,99213,1,90.00,12345678AC",
            "B1,E2,P2,2026-05-01,99213,1,90.00,0000000000",
            "B2,E2,P2,2026-05-01,99213,1,90.00,",
            "C1,E3,P3,2026-05-01,99213,1,90.00,3234567890",
            "C2,E3,P3,2026-05-01,99213,1,90.00,",
            "D1,E4,P4,2026-05-01,99213,1,90.00,12345678AB",
            "D2,E4,P4,2026-05-01,99213,1,90.00, 12345678AB",  // the same bad NPI: the same provider
        ]
        let rows2 = try Fixtures.findings(header: header, rows: rows, tables: Fixtures.demoTablesCache)
        let found = Self.foundSet(rows2, rules: Set(RuleID.allCases))
        let bad: [ExtractGenerator.TruthEntry] = ["A1", "A3", "B1", "C1", "D1", "D2"].map {
            .init(lineId: $0, rule: .C09)
        }
        #expect(
            found
                == Set(
                    bad + [.init(lineId: "D2", rule: .E01)]))
        let messages = Dictionary(
            rows2.filter { $0["rule"] == "C09" }.map { ($0["line_id"]!, $0["message"]!) },
            uniquingKeysWith: { a, _ in a })
        #expect(messages["A1"] == "rendering_npi is not 10 digits")
        #expect(messages["B1"] == "rendering_npi does not start with 1 or 2")
        #expect(messages["C1"] == "rendering_npi does not start with 1 or 2")
    }

    @Test func ptpBypassAndMUERulesOnHandMadeLines() throws {
        let header =
            "line_id,encounter_id,patient_id,service_date,procedure_code,modifier1,units,charge_amount,rendering_npi,revenue_code\n"
        let rows = [
            // Indicator 0 pair: the column-2 line is held.
            "A1,E1,P1,2026-05-01,93000,,1,54.00,1234567893,",
            "A2,E1,P1,2026-05-01,93005,,1,20.00,1234567893,",
            // Indicator 1 pair with a bypass modifier: allowed.
            "B1,E2,P2,2026-05-01,97140,GP,1,38.00,1234567893,",
            "B2,E2,P2,2026-05-01,97530,59,1,40.00,1234567893,",
            // Same pair without the modifier, other patient: held.
            "C1,E3,P3,2026-05-01,97140,GP,1,38.00,1234567893,",
            "C2,E3,P3,2026-05-01,97530,,1,40.00,1234567893,",
            // Same pair but different rendering providers: no edit.
            "D1,E4,P4,2026-05-01,93000,,1,54.00,1234567893,",
            "D2,E4,P4,2026-05-01,93005,,1,20.00,1245319599,",
            // MUE line edit (12001: 1 per line, MAI 1).
            "F1,E5,P5,2026-05-01,12001,,2,352.00,1234567893,",
            // MUE date-of-service edit (36415: 2, MAI 3), summed over two encounters: both held.
            "G1,E6,P6,2026-05-01,36415,,2,36.00,1234567893,",
            "G2,E7,P6,2026-05-01,36415,91,1,18.00,1234567893,",
            // Orphan add-on.
            "H1,E8,P7,2026-05-01,11045,,1,61.00,1234567893,",
        ]
        let found = try Self.found(header, rows, rules: Self.encounterRules)
        #expect(
            found == [
                .init(lineId: "A2", rule: .E03), .init(lineId: "C2", rule: .E03), .init(lineId: "F1", rule: .E04),
                .init(lineId: "G1", rule: .E05), .init(lineId: "G2", rule: .E05), .init(lineId: "H1", rule: .E06),
            ])
    }

    @Test func interruptedRunLeavesNoTemporaryFilesAndNoOutputs() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let input = dir.file("big.csv.zst")
        _ = try Fixtures.generate(lines: 300_000, seed: 2, to: input)
        let tmp = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.executable)
        process.arguments = [
            "scrub", input, "--out", dir.file("out"), "--temp-dir", tmp, "--memory-limit", "4MiB", "--as-of",
            "2026-06-30", "--quiet",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the run has made its spool or spill files, then interrupt it.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning
            && ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).isEmpty
        {
            usleep(20_000)
        }
        #expect(process.isRunning, "the run ended before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.file("out"))) ?? []
        #expect(left.isEmpty, "left in the output folder: \(left)")
    }
}
