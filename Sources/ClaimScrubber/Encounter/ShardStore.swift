#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// Encounter lines routed to shards by patient, held in memory up to a budget and spilled,
/// compressed, to temporary files beyond it.
///
/// The shard of a line is the FNV-1a hash of its patient id modulo the shard count, so every line
/// of a patient (all encounters, late charges, every input file) lands in one shard. When the lines
/// held in memory pass the budget, the largest shards are compressed by `SpillCodec` (each line
/// packed against the one before it in its file: about 21 bytes for the 64 in memory) and appended
/// to their files under the temporary folder until an eighth of the budget is free.
/// Loading a shard reads its file back and adds what is still in memory.
///
/// The spill files carry the packed form as it is. zstd over it (level 1, the first design) took
/// the 21 bytes to about 8 but cost about 900 instructions a spilled line, writing and reading
/// back (callgrind: 27.24G against 25.45G for 2M lines at `--memory-limit 128MiB`); on 10M lines,
/// with the store at half the working memory then, dropping it took the run from 7.7 to 7.2 s
/// (0.9 CPU-s). The price is temporary space: about 21 bytes a spilled line (170 MB for 10M
/// lines, 1 GB for 50M).
///
/// Lines in memory sit in fixed-size blocks from one pool: a spilled or loaded shard gives its
/// blocks back for the next lines. Growing arrays (the first design) copied every line again at
/// each doubling, kept up to twice the budget allocated, and after each spill freed pages the next
/// lines faulted in afresh: about a tenth of a 10M-line run's CPU went to that churn.
final class ShardStore {
    /// Shards for an extract of unknown size (standard input, a sub-store) and the least for any:
    /// at the default budget a shard of a 10M-line extract (about 40k lines) stays well under the
    /// shard stage's per-job limit (an eighth of the budget). Sub-stores stay for what they are
    /// for: one patient id carrying millions.
    static let defaultShardCount = 256

    /// The shard count for an extract of about `lines` lines under a budget of `memoryBudget`
    /// bytes: 256, doubled (up to 4096) until a shard averages at most a 32nd of the budget's
    /// lines (65,536 at the default limit). The shard stage loads a few whole shards at once, so
    /// with a fixed count its memory grew with the extract: 279 MiB at 10M lines and 378 MiB at
    /// 50M. The count changes which lines share a job, never the findings (they are sorted at the
    /// end), so outputs are the same for any count.
    ///
    /// More shards also mean smaller spills (the budget's lines spread over more shards), and each
    /// spill has its own fixed cost (a file opened, a write per block): the count stays at most a
    /// 128th of the budget's lines, so a shard holds about 128 lines in memory on average before it
    /// spills. (A 512th kept shards of a large extract under a small limit too big for the stage:
    /// eight 3M-line files, each line a duplicate, peaked at 140 MiB under `--memory-limit 128MiB`,
    /// the jobs in flight each holding a shard of 47k lines, its sorted copy and two findings a
    /// line; with four times the shards, 100 MiB, the stage 12% slower.)
    /// Past that, oversized shards go through sub-stores (see `EncounterStage.run`).
    static func shardCount(forLines lines: Int, memoryBudget: Int) -> Int {
        let budgetLines = memoryBudget / MemoryLayout<EncounterLine>.stride
        let perShard = max(1024, budgetLines / 32)
        let most = min(4096, max(defaultShardCount, budgetLines / 128))
        var count = defaultShardCount
        while count * 2 <= most && lines / count > perShard { count *= 2 }
        return count
    }

    /// Power of two, from `shardCount(forLines:memoryBudget:)`, fixed for the store's life.
    let shardCount: Int
    /// Lines per block: 1024 (64 KiB) at 256 shards, fewer with more shards (each shard's last
    /// block is partly empty, so all of them together stay small beside the budget), and a block
    /// is still one large write when spilled.
    let blockLines: Int

    private struct Shard {
        var blocks: [UnsafeMutablePointer<EncounterLine>] = []
        /// Lines in memory (the last block holds the rest after the full ones).
        var inMemory = 0
        var spilled = 0
        var file: String?
        /// Packs this shard's lines against the last one written to its file.
        var codec = SpillCodec()

        func filled(_ block: Int, of blockLines: Int) -> Int { min(blockLines, inMemory - block * blockLines) }
    }

    private var shards: [Shard]
    /// Blocks of spilled shards, for the next lines; blocks of loaded shards are freed instead,
    /// since loading happens once pass 1 is over and the memory is wanted by the shard stage.
    private var freeBlocks: [UnsafeMutablePointer<EncounterLine>] = []
    /// One line appended alone goes through here: a line is 61 bytes and its stride 64, and the
    /// block copy reads whole strides, so from a pointer to a local it read 3 bytes past it
    /// (AddressSanitizer: stack-buffer-overflow). A heap element has its whole stride.
    private let single = UnsafeMutablePointer<EncounterLine>.allocate(capacity: 1)
    /// Sub-stores re-partition an oversized shard by patient and date (see `EncounterStage`).
    let bySubKey: Bool
    private var buffered = 0
    /// Largest number of lines kept in memory across all shards.
    let budgetLines: Int
    let directory: String
    /// Lines spilled so far (for the summary).
    private(set) var spilledLines = 0
    private(set) var totalLines = 0
    /// One block of lines in packed form, on its way to the spill file.
    private let packed: UnsafeMutablePointer<UInt8>

    init(
        memoryBudget: Int, directory: String?, byPatientAndDay: Bool = false,
        shardCount: Int = ShardStore.defaultShardCount
    ) {
        precondition(shardCount > 0 && shardCount & (shardCount - 1) == 0, "shard count must be a power of two")
        self.shardCount = shardCount
        blockLines = max(64, 1024 * Self.defaultShardCount / shardCount)
        packed = .allocate(capacity: blockLines * SpillCodec.maxLineBytes)
        shards = Array(repeating: Shard(), count: shardCount)
        bySubKey = byPatientAndDay
        budgetLines = max(1024, memoryBudget / MemoryLayout<EncounterLine>.stride)
        self.directory = directory ?? NSTemporaryDirectory()
    }

    /// Lines of a shard, spilled or in memory.
    func count(_ shard: Int) -> Int { shards[shard].spilled + shards[shard].inMemory }

    deinit {
        removeFiles()
        for shard in shards { for block in shard.blocks { block.deallocate() } }
        for block in freeBlocks { block.deallocate() }
        packed.deallocate()
        single.deallocate()
    }

    @inline(__always)
    static func shard(of patient: UInt64, shardCount: Int) -> Int {
        Int(truncatingIfNeeded: patient) & (shardCount - 1)
    }

    /// The shard of a line: by patient, or (in a sub-store) by patient and date.
    @inline(__always)
    func shard(of line: EncounterLine) -> Int {
        guard bySubKey else { return Self.shard(of: line.patient, shardCount: shardCount) }
        let mixed =
            (line.patient ^ (UInt64(UInt32(bitPattern: line.day)) &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32) & (shardCount - 1)
    }

    func append(_ line: EncounterLine) throws {
        single.initialize(to: line)
        try append(UnsafeBufferPointer(start: single, count: 1), shard: shard(of: line))
    }

    /// `lines` reordered by patient shard (input order kept within a shard), and where each
    /// shard's run starts: shard `s` is `[start[s], start[s + 1])`.
    static func groupedByShard(_ lines: [EncounterLine], shardCount: Int) -> (lines: [EncounterLine], start: [Int32]) {
        var start = [Int32](repeating: 0, count: shardCount + 1)
        for line in lines { start[shard(of: line.patient, shardCount: shardCount) + 1] += 1 }
        for s in 0..<shardCount { start[s + 1] += start[s] }
        var fill = start
        let grouped = [EncounterLine](unsafeUninitializedCapacity: lines.count) { buffer, count in
            for line in lines {
                let s = shard(of: line.patient, shardCount: shardCount)
                (buffer.baseAddress! + Int(fill[s])).initialize(to: line)
                fill[s] += 1
            }
            count = lines.count
        }
        return (grouped, start)
    }

    /// Appends lines that all belong to `shard` (as `shard(of:)` says), in input order.
    func append(_ lines: UnsafeBufferPointer<EncounterLine>, shard: Int) throws {
        try append(lines, shard: shard) { _ in }
    }

    /// Appends lines that all belong to `shard`, each changed by `adjust` on its way into the
    /// shard's block (pass 1 gives a chunk's lines their run-wide numbers there, instead of in a
    /// copy made first).
    @inline(__always)
    func append(
        _ lines: UnsafeBufferPointer<EncounterLine>, shard: Int, adjusting adjust: (inout EncounterLine) -> Void
    ) throws {
        guard let source = lines.baseAddress else { return }
        var done = 0
        while done < lines.count {
            let room = shards[shard].inMemory % blockLines
            if room == 0 && shards[shard].inMemory == shards[shard].blocks.count * blockLines {
                shards[shard].blocks.append(takeBlock())
            }
            let block = shards[shard].blocks[shards[shard].blocks.count - 1]
            let n = min(blockLines - room, lines.count - done)
            for k in 0..<n {
                var line = source[done &+ k]
                adjust(&line)
                block[room &+ k] = line
            }
            shards[shard].inMemory += n
            done += n
        }
        buffered += lines.count
        totalLines += lines.count
        if buffered > budgetLines { try spillLargest() }
    }

    private func takeBlock() -> UnsafeMutablePointer<EncounterLine> {
        freeBlocks.popLast() ?? .allocate(capacity: blockLines)
    }

    /// Empties the in-memory part of a shard: its blocks back to the pool (`keep`) or freed.
    private func release(_ shard: Int, keep: Bool) {
        buffered -= shards[shard].inMemory
        if keep {
            freeBlocks.append(contentsOf: shards[shard].blocks)
        } else {
            for block in shards[shard].blocks { block.deallocate() }
        }
        shards[shard].blocks.removeAll()
        shards[shard].inMemory = 0
    }

    private func spillLargest() throws {
        // Spill until an eighth of the budget is free, largest shards first. Spilling runs on the
        // thread that delivers pass 1's chunks in order: freeing half the budget at once (the
        // first design) compressed tens of megabytes in one go while the workers, with nowhere
        // to deliver, stood idle; smaller, more frequent spills keep them busy, and more lines
        // stay in memory at the end of pass 1. The shards are ranked once per round (a search for
        // the largest before each spill scanned every shard, thousands of times a round with
        // thousands of shards); ties go to the lower shard number.
        let order = shards.indices.filter { shards[$0].inMemory > 0 }.sorted {
            (shards[$0].inMemory, $1) > (shards[$1].inMemory, $0)
        }
        for shard in order {
            guard buffered > budgetLines - budgetLines / 8 else { return }
            try spill(shard)
        }
    }

    private func spill(_ shard: Int) throws {
        // Created (a new file of our own) or appended to through the registry, so an interrupt
        // cannot be followed by a spill file made again.
        let fd: Int32
        let path: String
        if let existing = shards[shard].file {
            path = existing
            fd = TemporaryFiles.shared.open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0)
            guard fd >= 0 else {
                throw ScrubError(
                    "cannot open a spill file in the temporary folder (--temp-dir): \(String(cString: strerror(errno)))",
                    file: path)
            }
        } else {
            (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: "shard-\(shard).spill")
            shards[shard].file = path
        }
        defer { close(fd) }
        for (b, block) in shards[shard].blocks.enumerated() {
            let n = shards[shard].codec.encode(
                UnsafeBufferPointer(start: block, count: shards[shard].filled(b, of: blockLines)), into: packed)
            try writeAll(fd, UnsafeRawBufferPointer(start: packed, count: n)) {
                ScrubError("cannot write a spill file (is --temp-dir full?): \($0)", file: path)
            }
        }
        spilledLines += shards[shard].inMemory
        shards[shard].spilled += shards[shard].inMemory
        release(shard, keep: true)
    }

    /// Hands every line of one shard to `body`, a bounded piece at a time (spilled lines streamed
    /// back from their file), and forgets the shard.
    func drain(_ shard: Int, _ body: (UnsafeBufferPointer<EncounterLine>) throws -> Void) throws {
        if let path = shards[shard].file {
            let reader = try SpillReader(path: path)
            let piece = UnsafeMutableBufferPointer<EncounterLine>.allocate(capacity: 65_536)
            defer { piece.deallocate() }
            var read = 0
            while true {
                let n = try reader.read(into: piece)
                if n == 0 { break }
                read += n
                try body(UnsafeBufferPointer(rebasing: piece[0..<n]))
            }
            guard read == shards[shard].spilled, try reader.isExhausted() else {
                throw ScrubError("a spill file is damaged", file: path)
            }
            forgetFile(shard)
        }
        for (b, block) in shards[shard].blocks.enumerated() {
            try body(UnsafeBufferPointer(start: block, count: shards[shard].filled(b, of: blockLines)))
        }
        release(shard, keep: false)
        freePool()
    }

    /// Every line of one shard (spilled and in memory), in no particular order; frees the memory part.
    func take(_ shard: Int) throws -> [EncounterLine] {
        let spilled = shards[shard].spilled
        let total = spilled + shards[shard].inMemory
        let lines = try [EncounterLine](unsafeUninitializedCapacity: total) { buffer, count in
            count = 0
            if let path = shards[shard].file {
                // Decoded straight into the shard's array.
                let reader = try SpillReader(path: path)
                let n = try reader.read(into: UnsafeMutableBufferPointer(start: buffer.baseAddress, count: spilled))
                guard n == spilled, try reader.isExhausted() else {
                    throw ScrubError("a spill file is damaged", file: path)
                }
            }
            var at = spilled
            for (b, block) in shards[shard].blocks.enumerated() {
                let n = shards[shard].filled(b, of: blockLines)
                (buffer.baseAddress! + at).initialize(from: block, count: n)
                at += n
            }
            count = total
        }
        if shards[shard].file != nil { forgetFile(shard) }
        release(shard, keep: false)
        freePool()
        return lines
    }

    /// Loading starts the shard stage: no more lines come, so pooled blocks are freed.
    private func freePool() {
        for block in freeBlocks { block.deallocate() }
        freeBlocks.removeAll()
    }

    private func forgetFile(_ shard: Int) {
        guard let path = shards[shard].file else { return }
        unlink(path)
        TemporaryFiles.shared.unregister(path)
        shards[shard].file = nil
        shards[shard].spilled = 0
        shards[shard].codec = SpillCodec()
    }

    func removeFiles() {
        for shard in shards.indices { forgetFile(shard) }
    }
}

/// Sort key of an encounter line: patient, then date and input order packed in one integer
/// (dates after 1970 are positive; record numbers stay below 2^40).
/// The shard stage: every shard's lines sorted by patient, date and input order, each patient-day
/// given to every encounter rule.
enum EncounterStage {
    static func run(
        store: ShardStore, context: EncounterContext, workers: Int
    ) throws -> EncounterFindings {
        let rules = EncounterRules.all
        // Findings may take an eighth of the shard budget in memory (16 MiB, 175k findings, at the
        // default limit: a 10M-line extract has about 80k); past that their runs go to a file, so
        // they do not grow the peak with the extract (half the budget let 50M lines peak 23 MiB
        // higher than 10M).
        let collected = Mutex(
            EncounterFindings(
                memoryBudget: store.budgetLines * MemoryLayout<EncounterLine>.stride / 8
                    / MemoryLayout<EncounterFinding>.stride,
                directory: store.directory))
        // One shard per job; each job's findings are sorted and merged when read, so the order of
        // jobs does not matter.
        // One job more than the workers waits loaded, so a worker that finishes early starts the
        // next shard at once instead of waiting for an earlier job to be delivered.
        let pool = OrderedWorkPool<[EncounterFinding]>(workers: workers, maxInFlight: workers + 1) { findings in
            try collected.withLock { try $0.add(sorted: findings) }
        }
        var job = 0
        // A shard larger than the budget (a placeholder patient id such as UNKNOWN carrying
        // millions of lines) is re-partitioned by patient and date through a sub-store, so no
        // single job needs more memory than one patient-day.
        // Up to workers + 2 shards are loaded at once (one per running job, one waiting and the
        // next being read), each running one sorted through a copy: an eighth of the budget per
        // shard keeps them all within it.
        let largest = max(store.budgetLines / 8, 1024)
        for shard in 0..<store.shardCount {
            if store.count(shard) > largest {
                let sub = ShardStore(
                    memoryBudget: store.budgetLines * MemoryLayout<EncounterLine>.stride / 2,
                    directory: store.directory,
                    byPatientAndDay: true)
                try store.drain(shard) { piece in
                    for line in piece { try sub.append(line) }
                }
                for subShard in 0..<sub.shardCount {
                    if sub.count(subShard) > largest {
                        // A patient-day cannot be split, and its findings can outweigh its lines (one
                        // placeholder patient with every line duplicated has two or three each): a
                        // sub-shard over the per-shard share is checked alone, with no other job in
                        // flight, its largest patient-days read from a file.
                        try pool.finish()
                        let fromFile = try checkOversized(
                            sub, subShard, rules: rules, context: context, largest: largest
                        ) { run in try collected.withLock { try $0.add(sorted: run) } }
                        collected.withLock { $0.linesFromFile += fromFile }
                        MemoryTuning.releaseFreeMemory()
                        continue
                    }
                    let lines = try sub.take(subShard)
                    pool.submit(job) { Self.sortedFindings(lines, rules: rules, context: context) }
                    job += 1
                }
                continue
            }
            let lines = try store.take(shard)
            pool.submit(job) { Self.sortedFindings(lines, rules: rules, context: context) }
            job += 1
        }
        try pool.finish()
        // Taken out, not copied: the pool's delivery closure holds `collected` until its last
        // worker thread has let go of it, which can be after this returns, and with it the
        // findings' temporary file (a test saw the file still there after the findings were gone).
        return collected.withLock { findings in
            defer { findings = EncounterFindings() }
            return findings
        }
    }

    /// A sub-shard with more lines than a job may hold: written to a `GroupFile`, and each
    /// patient-day in it over `largest` lines checked from there by `LargeGroup` (memory by
    /// distinct keys, not lines; findings handed to `add` in sorted runs of bounded size), the rest
    /// together in memory. Returns the lines checked from the file.
    /// Holding such a patient-day took about 300 bytes a line (the lines, their grouped copy, the
    /// rules' indexes and the findings): 2M lines of one placeholder patient on one date peaked
    /// at 600–700 MB under any `--memory-limit`.
    static func checkOversized(
        _ sub: ShardStore, _ shard: Int, rules: [any EncounterRule], context: EncounterContext, largest: Int,
        add: ([EncounterFinding]) throws -> Void
    ) throws -> Int {
        struct PatientDay: Hashable, Comparable {
            var patient: UInt64
            var day: Int32
            init(_ line: EncounterLine) {
                patient = line.patient
                day = line.day
            }
            static func < (a: Self, b: Self) -> Bool { (a.patient, a.day) < (b.patient, b.day) }
        }
        struct Seen {
            var lines = 0
            var credits = false
            var last: UInt64 = 0
        }
        let file = try GroupFile(directory: sub.directory)
        var seen: [PatientDay: Seen] = [:]
        try sub.drain(shard) { piece in
            try file.append(piece)
            for line in piece {
                let key = PatientDay(line)
                var entry = seen[key] ?? Seen()
                // The store hands a shard's lines back in the order they came, input order; the
                // backward reversal pass and the first lines of each key rely on it.
                guard entry.lines == 0 || line.ordinal > entry.last else {
                    throw ScrubError("internal error: a shard's lines came back out of input order")
                }
                entry.lines += 1
                entry.credits = entry.credits || line.isCredit
                entry.last = line.ordinal
                seen[key] = entry
            }
        }
        let large = seen.filter { $0.value.lines > largest }
        var rest: [EncounterLine] = []
        try file.forEach { piece in
            for line in piece where large[PatientDay(line)] == nil { rest.append(line) }
        }
        let restFindings = sortedFindings(rest, rules: rules, context: context)
        rest = []
        try add(restFindings)
        // Runs of about an eighth of the budget's worth of findings.
        let flushAt = max(largest * MemoryLayout<EncounterLine>.stride / MemoryLayout<EncounterFinding>.stride, 1024)
        for (key, entry) in large.sorted(by: { $0.key < $1.key }) {
            if entry.credits {
                var reversals = Reversals.Backward()
                try file.updateBackward { line in PatientDay(line) == key && reversals.visit(&line) }
            }
            var out: [EncounterFinding] = []
            func flush(_ findings: inout [EncounterFinding]) throws {
                findings.sort(by: <)
                let run = findings
                findings = []
                try add(run)
            }
            try LargeGroup.check(
                day: key.day, rules: rules, context: context,
                lines: GroupFile.Lines(file: file, of: { PatientDay($0) == key }),
                out: &out, flushAt: flushAt, flush: flush)
            try flush(&out)
        }
        return large.values.reduce(0) { $0 + $1.lines }
    }

    /// `check`'s findings sorted in place (a sorted copy would hold them twice).
    static func sortedFindings(_ lines: [EncounterLine], rules: [any EncounterRule], context: EncounterContext)
        -> [EncounterFinding]
    {
        var findings = check(lines, rules: rules, context: context)
        findings.sort(by: <)
        return findings
    }

    /// Groups a shard's lines by patient and date and runs every rule on each group.
    ///
    /// Groups are found by bucketing rather than sorting the shard: each line goes to one of about
    /// as many buckets as lines, chosen by a hash of its patient and date, with a counting pass
    /// (lines keep input order inside a bucket); only a bucket holding lines of more than one
    /// patient-day needs a small sort. Group order does not matter, the findings are sorted at the end.
    static func check(_ unsorted: [EncounterLine], rules: [any EncounterRule], context: EncounterContext)
        -> [EncounterFinding]
    {
        let n = unsorted.count
        guard n > 0 else { return [] }
        var context = context
        context.mueMemo = MUELimitMemo()
        var out: [EncounterFinding] = []
        let bits = max(1, Int.bitWidth - (n - 1).leadingZeroBitCount)
        let buckets = 1 << bits
        @inline(__always) func bucket(_ line: EncounterLine) -> Int {
            let mixed =
                (line.patient ^ UInt64(UInt32(bitPattern: line.day)) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
        }
        var first = [Int32](repeating: 0, count: buckets + 1)
        var lines = unsorted.withUnsafeBufferPointer { source in
            first.withUnsafeMutableBufferPointer { first in
                for line in source { first[bucket(line) &+ 1] &+= 1 }
                for b in 0..<buckets { first[b &+ 1] &+= first[b] }
                var fill = Array(first[0..<buckets])
                return [EncounterLine](unsafeUninitializedCapacity: n) { gathered, count in
                    fill.withUnsafeMutableBufferPointer { fill in
                        for line in source {
                            let b = bucket(line)
                            (gathered.baseAddress! + Int(fill[b])).initialize(to: line)
                            fill[b] &+= 1
                        }
                    }
                    count = n
                }
            }
        }
        var b = 0
        while b < buckets {
            let lower = Int(first[b])
            let upper = Int(first[b + 1])
            b += 1
            guard upper > lower else { continue }
            if upper - lower > 1 && !Self.isOneGroup(lines[lower..<upper]) {
                // Rare: several patient-days share the bucket. Sort them apart, input order kept.
                lines[lower..<upper].sort {
                    ($0.patient, $0.day, $0.ordinal) < ($1.patient, $1.day, $1.ordinal)
                }
            }
            var start = lower
            while start < upper {
                var end = start + 1
                while end < upper && lines[end].patient == lines[start].patient && lines[end].day == lines[start].day {
                    end += 1
                }
                if end - start > EncounterRules.directScanLimit {
                    LargeGroup.check(&lines, start..<end, rules: rules, context: context, &out)
                } else {
                    Reversals.mark(&lines, start..<end)
                    let group = lines[start..<end]
                    // By index: iterating the array would copy each rule out of its existential box.
                    for k in rules.indices { rules[k].check(group, context, &out) }
                }
                start = end
            }
        }
        return out
    }

    /// True when every line is of one patient and date and they are in input order.
    private static func isOneGroup(_ lines: ArraySlice<EncounterLine>) -> Bool {
        let head = lines[lines.startIndex]
        var previous = head.ordinal
        for line in lines.dropFirst() {
            guard line.patient == head.patient, line.day == head.day, line.ordinal > previous else { return false }
            previous = line.ordinal
        }
        return true
    }
}

/// Reads a spill file back: packed lines (`SpillCodec`), decoded in order, through the page cache
/// (a spill is read soon after it is written, often still there).
private final class SpillReader {
    private let path: String
    private let fd: Int32
    private var codec = SpillCodec()
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEnd = false

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ScrubError("cannot open a spill file: \(String(cString: strerror(errno)))", file: path)
        }
        buffer = .allocate(byteCount: 256 << 10, alignment: 16)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Keeps at least a line's longest encoding ahead of `start`, unless the file has ended.
    private func refill() throws {
        guard !atEnd, end - start < SpillCodec.maxLineBytes else { return }
        if start > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
            end -= start
            start = 0
        }
        let n = try readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...])) {
            ScrubError("cannot read a spill file: \($0)", file: path)
        }
        if end + n < buffer.count { atEnd = true }
        end += n
    }

    /// Decodes lines into `lines` until it is full or the file ends; returns how many.
    func read(into lines: UnsafeMutableBufferPointer<EncounterLine>) throws -> Int {
        var filled = 0
        while filled < lines.count {
            try refill()
            if start == end { break }
            guard
                let (consumed, n) = codec.decode(
                    UnsafeRawBufferPointer(rebasing: buffer[start..<end]), atEnd: atEnd,
                    into: UnsafeMutableBufferPointer(rebasing: lines[filled...]))
            else { throw ScrubError("a spill file is damaged", file: path) }
            start += consumed
            filled += n
        }
        return filled
    }

    /// True when every byte of the file has been decoded.
    func isExhausted() throws -> Bool {
        try refill()
        return start == end
    }
}
