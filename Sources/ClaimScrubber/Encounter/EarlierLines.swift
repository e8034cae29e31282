/// The lines that E01 and E02 findings name as the charge they repeat, and where pass 2 found
/// them.
///
/// The shard stage knows a line by its record number only; a billing specialist looks a line up
/// by the line number the findings give it. Pass 2 passes every record in input order and an
/// earlier line comes before the line that repeats it, so it notes the line number of each named
/// record as it passes it, and the repeating line's row can then give it. The records are
/// gathered before pass 2 (sorted, each once): 16 bytes a named line, whatever the findings' count.
struct EarlierLines {
    /// The named records, ascending, each once.
    private let ordinals: [UInt64]
    /// Per named record, once passed: its line number and the index of its input.
    private var lines: [Int]
    private var files: [Int32]
    private var passed = 0
    /// The record number of the next named record pass 2 will meet (`UInt64.max` when none is
    /// left): the cheap test made on every record.
    private(set) var nextOrdinal: UInt64

    init(named: [UInt64]) {
        var sorted = named.sorted()
        var kept = 0
        for o in sorted where kept == 0 || sorted[kept - 1] != o {
            sorted[kept] = o
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        ordinals = sorted
        lines = Array(repeating: 0, count: kept)
        files = Array(repeating: 0, count: kept)
        nextOrdinal = sorted.first ?? .max
    }

    /// The records the E01 and E02 of `findings` name.
    init(_ findings: EncounterFindings) throws {
        var named: [UInt64] = []
        try findings.forEach { if let o = $0.earlierOrdinal { named.append(o) } }
        self.init(named: named)
    }

    init(_ findings: [EncounterFinding]) {
        self.init(named: findings.compactMap(\.earlierOrdinal))
    }

    /// Notes where the record `nextOrdinal` lies: at `line` of input `file`.
    mutating func pass(line: Int, file: Int) {
        lines[passed] = line
        files[passed] = Int32(file)
        passed += 1
        nextOrdinal = passed < ordinals.count ? ordinals[passed] : .max
    }

    /// Where the earlier line of `finding` lies, if it names one pass 2 has passed; the file is
    /// named when it is not `file`, the input of the finding's own line.
    func earlier(of finding: EncounterFinding, file: Int, fileNames: [String]) -> EncounterFinding.EarlierLine? {
        guard let ordinal = finding.earlierOrdinal else { return nil }
        var low = 0
        var high = passed
        while low < high {
            let mid = (low + high) / 2
            if ordinals[mid] < ordinal { low = mid + 1 } else { high = mid }
        }
        guard low < passed, ordinals[low] == ordinal else { return nil }
        let at = Int(files[low])
        return .init(line: lines[low], file: at == file || at >= fileNames.count ? nil : fileNames[at])
    }
}
