#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A finding of the shard stage, kept compact until pass 2 writes it: the message is composed
/// then, from the rule and the codes.
struct EncounterFinding: Sendable, Equatable {
    /// The line found at fault: its record number over the run and its procedure code (packed).
    var ordinal: UInt64
    var code: UInt64
    /// The line's facts the report needs (its `EncounterLine` fields), in 64 bytes with the rest:
    /// one placeholder patient with every charge doubled makes two or three findings a line.
    var amountCents: Int64
    var day: Int32
    var rendering: UInt32
    var department: UInt16
    var payer: UInt16
    var rule: RuleID
    var severity: Severity
    /// The other code involved (PTP column 1, add-on primary), or 0.
    var other: UInt64 = 0
    /// A number the message needs (MUE value, units summed, the first line's record number).
    var number: Int64 = 0
    var number2: Int64 = 0

    init(
        line: EncounterLine, rule: RuleID, severity: Severity, other: UInt64 = 0, number: Int64 = 0, number2: Int64 = 0
    ) {
        ordinal = line.ordinal
        code = line.code
        amountCents = line.amountCents
        day = line.day
        rendering = line.rendering
        department = line.department
        payer = line.payer
        self.rule = rule
        self.severity = severity
        self.other = other
        self.number = number
        self.number2 = number2
    }

    /// An E01 or E02 against its first matching earlier line, whose record number it keeps.
    init(line: EncounterLine, rule: RuleID, severity: Severity, earlier: UInt64) {
        self.init(line: line, rule: rule, severity: severity, number: Int64(bitPattern: earlier &+ 1))
    }

    /// The record number of the earlier line an E01 or E02 repeats (the first it matches), if known.
    var earlierOrdinal: UInt64? {
        (rule == .E01 || rule == .E02) && number != 0 ? UInt64(bitPattern: number) &- 1 : nil
    }

    /// Where the earlier line of an E01 or E02 lies, as its row names it: the line number the
    /// findings give it, and its input's file name when that is another input.
    struct EarlierLine: Equatable {
        var line: Int
        var file: String?
    }

    var field: String {
        if rule == .E04 || rule == .E05 { return "units" }
        return EncounterLine.revenueCode(ofTag: code) == nil ? "procedure_code" : "revenue_code"
    }

    /// The text of `field` on the line: the code, or for E04 and E05 the line's units.
    var value: String {
        switch rule {
        case .E04: return ChargeParser.unitsText(number2)
        case .E05: return ChargeParser.unitsText(Int64(Self.lineUnits(ofMUEGroup: other)))
        default: return EncounterLine.revenueCode(ofTag: code) ?? PackedCode.unpack(code)
        }
    }

    /// E05's `other`: the MAI in the low byte, the line's own units (32 bits, a credit's negative)
    /// above, so the row can give the line's units beside the group's sum.
    static func mueGroup(mai: Int, lineUnits: Int32) -> UInt64 {
        UInt64(truncatingIfNeeded: mai) & 0xFF | UInt64(UInt32(bitPattern: lineUnits)) << 32
    }

    static func lineUnits(ofMUEGroup other: UInt64) -> Int32 {
        Int32(bitPattern: UInt32(truncatingIfNeeded: other >> 32))
    }

    /// The findings row's message. Composed byte by byte into the string's storage (`CSVText.Writer`):
    /// through string interpolation it cost about 1,600 instructions, and an extract exported twice has a finding
    /// on half its lines.
    var message: String { message(earlier: nil) }

    /// The message, naming the earlier line of an E01 or E02 when `earlier` is given.
    func message(earlier: EarlierLine?) -> String {
        switch rule {
        case .E01 where earlier == nil: return "exact duplicate of an earlier charge for the same patient and date"
        case .E01, .E02, .E03, .E04, .E05, .E06: break
        default: return rule.title
        }
        // The earlier line: its number, and " of FILE" for a line of another input.
        var earlierText: [UInt8] = []
        if let earlier {
            earlierText = Array(String(earlier.line).utf8)
            if let file = earlier.file { earlierText += Array(" of \(file)".utf8) }
        }
        // Literals of at most 60 bytes, codes of 10 and numbers of 20, and the earlier line.
        return String(unsafeUninitializedCapacity: 200 + earlierText.count) { bytes in
            var w = CSVText.Writer(bytes.baseAddress!)
            switch rule {
            case .E01:
                w.text("exact duplicate of line ")
                earlierText.withUnsafeBytes { w.raw($0) }
                w.text(" (same patient, date, code, modifiers, units, provider and amount)")
            case .E02:
                w.text("probable duplicate: ")
                if let revenue = EncounterLine.revenueCode(ofTag: code) {
                    w.text("revenue code ")
                    Array(revenue.utf8).withUnsafeBytes { w.raw($0) }
                } else {
                    w.code(code)
                }
                w.text(" already billed")
                if !earlierText.isEmpty {
                    w.text(" on line ")
                    earlierText.withUnsafeBytes { w.raw($0) }
                }
                w.text(" for this patient, date and provider without a repeat modifier")
            case .E03:
                w.text("NCCI PTP: ")
                w.code(code)
                w.text(" is column 2 of ")
                w.code(other)
                w.text(" on the same date (modifier indicator ")
                w.number(number)
                w.text(number == 1 ? "; a PTP-associated modifier may bypass it where appropriate)" : ")")
            case .E04:
                w.units(number2)
                w.text(" units exceed the MUE of ")
                w.number(number)
                w.text(" per line")
            case .E05:
                w.units(number2)
                w.text(" units of ")
                w.code(code)
                w.text(" on this date by this provider exceed the MUE of ")
                w.number(number)
                w.text(" (MAI ")
                w.number(Int64(other & 0xFF))
                w.text(")")
            default:
                w.text("add-on code ")
                w.code(code)
                w.text(" billed without one of its primary codes")
                if other != 0 {
                    w.text(" (such as ")
                    w.code(other)
                    w.text(")")
                }
                w.text(" by the same provider that day")
            }
            return w.count
        }
    }

    static func < (a: EncounterFinding, b: EncounterFinding) -> Bool {
        (a.ordinal, a.rule.ordinal, a.other) < (b.ordinal, b.rule.ordinal, b.other)
    }
}

extension CSVText.Writer {
    /// A literal as it is (the finding messages' words).
    fileprivate mutating func text(_ literal: StaticString) {
        raw(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A packed code's text (`PackedCode.unpack`).
    fileprivate mutating func code(_ packed: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: PackedCode.maxLength) { scratch in
            let n = PackedCode.unpack(packed, into: scratch.baseAddress!)
            raw(UnsafeRawBufferPointer(start: scratch.baseAddress, count: n))
        }
    }

    fileprivate mutating func number(_ value: Int64) { number(Int(value)) }

    /// Units in thousandths as `ChargeParser.unitsText` writes them (rare: E04 and E05 rows).
    fileprivate mutating func units(_ thousandths: Int64) {
        Array(ChargeParser.unitsText(thousandths).utf8).withUnsafeBytes { raw($0) }
    }
}

/// The shard stage's findings: one sorted run per job, read back in order by merging the runs.
///
/// Gathering them into one array and sorting it (the first design) doubled the array as it grew and
/// sorted through a scratch copy: at 50M lines (390k findings, then 96 bytes each) that was up to 75 MB
/// at once, the largest piece of the run's growth in memory. Runs are stored at their exact size
/// and merged as pass 2 reads them. A line lies in one shard (one job), so all findings of a line
/// are in one run, in the order a full sort would give.
///
/// Findings are not bounded by the input's size in lines alone: one placeholder patient id carrying
/// millions of identical charges gives a duplicate finding on nearly every line. When the runs in
/// memory pass `memoryBudget` findings, they are written to a temporary file (`FindingRunFile`)
/// and read back a block at a time.
struct EncounterFindings: Sendable {
    private enum Run: Sendable {
        case memory([EncounterFinding])
        case file(offset: Int, count: Int)
    }

    private var runs: [Run] = []
    private(set) var count = 0
    private var inMemory = 0
    private let memoryBudget: Int
    private let directory: String?
    private var file: FindingRunFile?

    /// `memoryBudget`: findings kept in memory before the runs go to a temporary file in `directory`.
    init(memoryBudget: Int = .max, directory: String? = nil) {
        self.memoryBudget = memoryBudget
        self.directory = directory
    }

    /// Lines of patient-days too large for memory, checked from a file (`EncounterStage.checkOversized`).
    var linesFromFile = 0

    /// Findings written to the temporary file so far.
    var spilled: Int { count - inMemory }

    /// Adds one job's findings, sorted, kept at their exact size.
    mutating func add(sorted findings: [EncounterFinding]) throws {
        guard !findings.isEmpty else { return }
        assert(zip(findings, findings.dropFirst()).allSatisfy { !($1 < $0) }, "a run of findings out of order")
        if inMemory + findings.count > memoryBudget {
            // Over the budget with this run: the runs held so far and this one go to the file, this
            // one straight from the job's array (a copy first would hold it twice).
            try spill()
            if let file {
                runs.append(.file(offset: try file.append(findings), count: findings.count))
                count += findings.count
                return
            }
        }
        let run = [EncounterFinding](unsafeUninitializedCapacity: findings.count) { buffer, n in
            _ = buffer.initialize(from: findings)
            n = findings.count
        }
        runs.append(.memory(run))
        count += run.count
        inMemory += run.count
        if inMemory > memoryBudget { try spill() }
    }

    /// Writes every run held in memory to the temporary file.
    private mutating func spill() throws {
        if file == nil { file = try FindingRunFile(directory: directory) }
        guard let file else { return }
        for k in runs.indices {
            guard case .memory(let run) = runs[k] else { continue }
            runs[k] = .file(offset: try file.append(run), count: run.count)
        }
        inMemory = 0
    }

    /// Every finding, run by run: in no global order, but a line's findings come together and in order.
    func forEach(_ body: (EncounterFinding) throws -> Void) throws {
        for k in runs.indices {
            let reader = try RunReader(runs[k], file: file, block: 4096)
            while let finding = try reader.next() { try body(finding) }
        }
    }

    /// All findings in order, in one array.
    func sorted() throws -> [EncounterFinding] {
        var cursor = try Cursor(self)
        var all: [EncounterFinding] = []
        all.reserveCapacity(count)
        while let finding = try cursor.next() { all.append(finding) }
        return all
    }

    /// One run's findings in order, from memory or a block at a time from the file.
    private final class RunReader {
        /// The findings at hand: the whole run when it is in memory, else the block last read.
        private var buffer: [EncounterFinding]
        private var at = 0
        private let file: FindingRunFile?
        private let offset: Int
        /// Findings of a file run not read into `buffer` yet, and read so far.
        private var unread: Int
        private var consumed = 0
        private let block: Int
        /// The finding `next()` returns, nil at the end.
        private(set) var head: EncounterFinding?

        init(_ run: Run, file: FindingRunFile?, block: Int) throws {
            switch run {
            case .memory(let findings):
                buffer = findings
                offset = 0
                unread = 0
            case .file(let offset, let count):
                buffer = []
                self.offset = offset
                unread = count
            }
            self.file = file
            self.block = max(1, block)
            head = try fetch()
        }

        private func fetch() throws -> EncounterFinding? {
            if at == buffer.count {
                guard unread > 0, let file else { return nil }
                let n = min(block, unread)
                buffer = try file.read(at: offset + consumed * MemoryLayout<EncounterFinding>.stride, count: n)
                consumed += n
                unread -= n
                at = 0
            }
            at += 1
            return buffer[at - 1]
        }

        func next() throws -> EncounterFinding? {
            let current = head
            if current != nil { head = try fetch() }
            return current
        }
    }

    /// Reads the findings in order: a binary min-heap of the runs by their next finding's record
    /// number. All findings of a record are in one run (one shard), so two runs never hold the
    /// same record number and the number alone orders them.
    struct Cursor {
        private var readers: [RunReader]
        /// Record number of each run's next finding (`UInt64.max` once it is read out).
        private var heads: [UInt64]
        /// Run numbers, the run with the least next record number first.
        private var heap: [Int]
        /// Record number of the next finding (`UInt64.max` when none is left): the cheap test pass 2
        /// makes on every record.
        private(set) var nextOrdinal = UInt64.max

        init(_ findings: EncounterFindings) throws {
            // Each run read from the file gets a block of its own: together at most 16 MiB, and at
            // least 16 findings a block.
            let fileRuns = findings.runs.filter { if case .file = $0 { true } else { false } }.count
            let block = max(16, min(4096, (16 << 20) / MemoryLayout<EncounterFinding>.stride / max(1, fileRuns)))
            readers = try findings.runs.map { try RunReader($0, file: findings.file, block: block) }
            heads = readers.map { $0.head?.ordinal ?? .max }
            heap = []
            heap.reserveCapacity(readers.count)
            for r in readers.indices where readers[r].head != nil { push(r) }
            nextOrdinal = heap.first.map { heads[$0] } ?? .max
        }

        private mutating func push(_ r: Int) {
            heap.append(r)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heads[heap[i]] < heads[heap[parent]] else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }

        private mutating func siftDown() {
            var i = 0
            while true {
                let left = 2 * i + 1
                guard left < heap.count else { return }
                let right = left + 1
                var least = left
                if right < heap.count && heads[heap[right]] < heads[heap[left]] { least = right }
                guard heads[heap[least]] < heads[heap[i]] else { return }
                heap.swapAt(i, least)
                i = least
            }
        }

        /// The next finding in order, or nil when all are read.
        mutating func next() throws -> EncounterFinding? {
            guard let r = heap.first, let finding = try readers[r].next() else { return nil }
            if let head = readers[r].head {
                // The run's next finding may be of the same record: then it stays first.
                heads[r] = head.ordinal
                if head.ordinal != finding.ordinal { siftDown() }
            } else {
                heads[r] = .max
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
                if !heap.isEmpty { siftDown() }
            }
            nextOrdinal = heap.first.map { heads[$0] } ?? .max
            return finding
        }
    }
}

/// The temporary file of spilled finding runs: findings as they lie in memory, run after run. Only
/// this process reads it back, so no portable layout is needed. Removed when the last copy of the
/// findings is released, and registered so that a failure or Ctrl-C removes it too.
final class FindingRunFile: @unchecked Sendable {
    // Written by the shard stage's delivery queue only, read after the stage is over.
    let path: String
    private let fd: Int32
    private var size = 0

    init(directory: String?) throws {
        precondition(_isPOD(EncounterFinding.self), "findings are written as they lie in memory")
        (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: "findings.runs")
    }

    deinit {
        close(fd)
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }

    /// Appends a run; returns the byte offset it starts at.
    func append(_ run: [EncounterFinding]) throws -> Int {
        let offset = size
        try run.withUnsafeBytes { bytes in
            try writeAll(fd, bytes) {
                ScrubError("cannot write the shard stage's findings to --temp-dir (is it full?): \($0)", file: path)
            }
        }
        size += run.count * MemoryLayout<EncounterFinding>.stride
        return offset
    }

    /// `count` findings from byte `offset`.
    func read(at offset: Int, count: Int) throws -> [EncounterFinding] {
        try [EncounterFinding](unsafeUninitializedCapacity: count) { buffer, n in
            try readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), at: offset) {
                ScrubError("the shard stage's findings file is damaged or unreadable", file: path)
            }
            n = count
        }
    }
}
