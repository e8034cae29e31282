/// The lines that E01 and E02 findings name as the charge they repeat, and where pass 2 found
/// them.
///
/// The shard stage knows a line by its record number only; a billing specialist looks a line up
/// by the line number the findings give it. Pass 2 passes every record in input order and an
/// earlier line comes before the line that repeats it, so it notes the line number of each named
/// record as it passes it, and the repeating line's row can then give it.
///
/// Memory stays small however many lines repeat (an extract exported twice names every line of
/// its first copy): the named records are one bit a record of the run, with a running count a
/// 64-record word to rank them, and a passed named record keeps 4 bytes, its line number less its
/// record number in its file. No list of the findings is gathered or sorted.
struct EarlierLines {
    /// One bit per record of the run, set when an E01 or E02 names the record.
    private var words: [UInt64]
    /// Named records before each word.
    private var ranks: [Int]
    private let inputs: InputRanges
    /// Per named record passed so far, in record order: its line number less its record number
    /// within its file (the header's lines and the newlines inside earlier records), or
    /// `unknown` when that does not fit.
    private var offsets: [UInt32] = []
    private static let unknown = UInt32.max
    /// The record number of the next named record pass 2 will meet (`UInt64.max` when none is
    /// left): the cheap test made on every record.
    private(set) var nextOrdinal: UInt64 = .max

    /// `named` reports each named record (repeats allowed) to the closure it is given;
    /// `recordsPerFile`: pass 1's record count of each input, in order.
    init(recordsPerFile: [Int], named: ((UInt64) -> Void) throws -> Void) rethrows {
        inputs = InputRanges(recordsPerFile: recordsPerFile)
        let records = inputs.records
        var words = [UInt64](repeating: 0, count: (records + 63) / 64)
        var any = false
        try named { ordinal in
            guard ordinal < UInt64(records) else { return }
            words[Int(ordinal >> 6)] |= 1 << (ordinal & 63)
            any = true
        }
        var ranks = [Int](repeating: 0, count: any ? words.count : 0)
        var total = 0
        if any {
            for k in words.indices {
                ranks[k] = total
                total += words[k].nonzeroBitCount
            }
        } else {
            words = []
        }
        self.words = words
        self.ranks = ranks
        offsets.reserveCapacity(total)
        nextOrdinal = Self.firstNamed(in: words, from: 0)
    }

    /// The records the E01 and E02 of `findings` name.
    init(_ findings: EncounterFindings, recordsPerFile: [Int]) throws {
        try self.init(recordsPerFile: recordsPerFile) { note in
            try findings.forEach { if let o = $0.earlierOrdinal { note(o) } }
        }
    }

    /// The first named record at or after `start`, or `UInt64.max`.
    private static func firstNamed(in words: [UInt64], from start: UInt64) -> UInt64 {
        var k = Int(start >> 6)
        guard k < words.count else { return .max }
        var word = words[k] & (~0 << (start & 63))
        while word == 0 {
            k += 1
            guard k < words.count else { return .max }
            word = words[k]
        }
        return UInt64(k) << 6 | UInt64(word.trailingZeroBitCount)
    }

    /// Notes where the record `nextOrdinal` lies: at `line` of its input.
    mutating func pass(line: Int) {
        let ordinal = nextOrdinal
        // A named record is one of the run's (`init`), so it has an input.
        let withinFile = Int(ordinal) - inputs.starts[inputs.input(of: Int(ordinal)) ?? 0]
        let offset = line - withinFile
        offsets.append(offset >= 0 && offset < Int(Self.unknown) ? UInt32(offset) : Self.unknown)
        nextOrdinal = Self.firstNamed(in: words, from: ordinal + 1)
    }

    /// Where the earlier line of `finding` lies, if it names one pass 2 has passed; the file is
    /// named when it is not `file`, the input of the finding's own line.
    func earlier(of finding: EncounterFinding, file: Int, fileNames: [String]) -> EncounterFinding.EarlierLine? {
        guard let ordinal = finding.earlierOrdinal, ordinal < UInt64(words.count) << 6 else { return nil }
        let k = Int(ordinal >> 6)
        let bit: UInt64 = 1 << (ordinal & 63)
        guard words[k] & bit != 0 else { return nil }
        let rank = ranks[k] + (words[k] & (bit - 1)).nonzeroBitCount
        guard rank < offsets.count, offsets[rank] != Self.unknown, let at = inputs.input(of: Int(ordinal)) else {
            return nil
        }
        let line = Int(ordinal) - inputs.starts[at] + Int(offsets[rank])
        return .init(line: line, file: at == file || at >= fileNames.count ? nil : fileNames[at])
    }
}
