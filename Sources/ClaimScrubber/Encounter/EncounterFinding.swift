/// A finding of the shard stage, kept compact until pass 2 writes it: the message is composed
/// then, from the rule and the codes.
struct EncounterFinding: Sendable, Equatable {
    /// The line found at fault (its record number, code and the facts the report needs).
    var line: EncounterLine
    var rule: RuleID
    var severity: Severity
    /// The other code involved (PTP column 1, add-on primary), or 0.
    var other: UInt64 = 0
    /// A number the message needs (MUE value, units summed, the first line's record number).
    var number: Int64 = 0
    var number2: Int64 = 0

    var ordinal: UInt64 { line.ordinal }
    /// The line's own procedure code (packed).
    var code: UInt64 { line.code }

    var field: String { rule == .E04 || rule == .E05 ? "units" : "procedure_code" }

    var value: String { PackedCode.unpack(code) }

    var message: String {
        let code = PackedCode.unpack(self.code)
        switch rule {
        case .E01: return "exact duplicate of an earlier charge for the same patient and date"
        case .E02: return "probable duplicate: \(code) already billed for this patient, date and provider without a repeat modifier"
        case .E03:
            return "NCCI PTP: \(code) is column 2 of \(PackedCode.unpack(other)) on the same date (modifier indicator \(number))"
        case .E04: return "\(number2) units exceed the MUE of \(number) per line"
        case .E05: return "\(number2) units of \(code) on this date exceed the MUE of \(number) (MAI \(other))"
        case .E06: return "add-on code \(code) billed without one of its primary codes"
        default: return rule.title
        }
    }

    static func < (a: EncounterFinding, b: EncounterFinding) -> Bool {
        (a.ordinal, a.rule.ordinal, a.other) < (b.ordinal, b.rule.ordinal, b.other)
    }
}

/// The shard stage's findings: one sorted run per job, read back in order by merging the runs.
///
/// Gathering them into one array and sorting it (the first design) doubled the array as it grew and
/// sorted through a scratch copy: at 50M lines (390k findings, 96 bytes each) that was up to 75 MB
/// at once, the largest piece of the run's growth in memory. Runs are stored at their exact size
/// and merged as pass 2 reads them. A line lies in one shard (one job), so all findings of a line
/// are in one run, in the order a full sort would give.
struct EncounterFindings: Sendable {
    private var runs: [[EncounterFinding]] = []
    private(set) var count = 0

    init() {}

    /// Adds one job's findings, sorted, kept at their exact size.
    mutating func add(sorted findings: [EncounterFinding]) {
        guard !findings.isEmpty else { return }
        assert(zip(findings, findings.dropFirst()).allSatisfy { !($1 < $0) }, "a run of findings out of order")
        let run = [EncounterFinding](unsafeUninitializedCapacity: findings.count) { buffer, n in
            _ = buffer.initialize(from: findings)
            n = findings.count
        }
        runs.append(run)
        count += run.count
    }

    /// Every finding, run by run: in no global order, but a line's findings come together and in order.
    func forEach(_ body: (EncounterFinding) throws -> Void) rethrows {
        for run in runs { for finding in run { try body(finding) } }
    }

    /// All findings in order, in one array.
    func sorted() -> [EncounterFinding] {
        var cursor = Cursor(self)
        var all: [EncounterFinding] = []
        all.reserveCapacity(count)
        while let finding = cursor.next() { all.append(finding) }
        return all
    }

    /// Reads the findings in order: a binary min-heap of the runs by their next finding.
    struct Cursor {
        private let runs: [[EncounterFinding]]
        private var position: [Int]
        /// Run numbers, the run with the least next finding first.
        private var heap: [Int]
        /// Record number of the next finding (`UInt64.max` when none is left): the cheap test pass 2
        /// makes on every record.
        private(set) var nextOrdinal = UInt64.max

        init(_ findings: EncounterFindings) {
            runs = findings.runs
            position = Array(repeating: 0, count: runs.count)
            heap = []
            heap.reserveCapacity(runs.count)
            for r in runs.indices { push(r) }
            nextOrdinal = heap.first.map { runs[$0][0].ordinal } ?? .max
        }

        private func head(_ r: Int) -> EncounterFinding { runs[r][position[r]] }

        private mutating func push(_ r: Int) {
            heap.append(r)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard head(heap[i]) < head(heap[parent]) else { break }
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
                if right < heap.count && head(heap[right]) < head(heap[left]) { least = right }
                guard head(heap[least]) < head(heap[i]) else { return }
                heap.swapAt(i, least)
                i = least
            }
        }

        /// The next finding in order, or nil when all are read.
        mutating func next() -> EncounterFinding? {
            guard let r = heap.first else { return nil }
            let finding = head(r)
            position[r] += 1
            if position[r] == runs[r].count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown() }
            nextOrdinal = heap.first.map { head($0).ordinal } ?? .max
            return finding
        }
    }
}
