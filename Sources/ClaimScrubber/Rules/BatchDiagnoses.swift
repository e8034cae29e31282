/// The diagnoses of a batch's checkable records as one list per record, each distinct code numbered
/// once, for the three diagnosis rules (`DiagnosisCodeRule`, `MedicareCodeEditorRule`,
/// `Excludes1Rule`).
///
/// Each of those rules used to work out `diagnosisWidth` itself, visit that many columns of every
/// record and probe its own memo for every code (34–38M instructions each on 200k lines). Built once
/// per batch (`ChargeBatch.diagnosisList`), the list gives each rule only the diagnoses a record
/// has, in column order, with a number that indexes the rule's own small per-code answers (a load
/// instead of a probe). The answers stay with the rules because they depend on the tables, which
/// the batch does not know; a shared table of answers was the alternative, but it would tie the
/// batch's cache to one `RuleContext`.
///
/// Number 0 is `PackedCode.invalid` (a malformed field), whether or not the batch has one; the other
/// codes are numbered from 1 in order of first sight. Records that could not be parsed (S01) have
/// no diagnoses here, as the rules skip them anyway.
final class BatchDiagnoses {
    /// The batch's `diagnosisWidth`: one past the last diagnosis column in use.
    let width: Int
    /// The distinct codes by number (`codes[0]` is `PackedCode.invalid`).
    let codes: [UInt64]
    /// Record `r`'s diagnoses are `entries[start[r]..<start[r + 1]]`.
    private let start: UnsafeMutablePointer<Int32>
    /// Number << 4 | column, in column order within a record.
    private let entries: UnsafeMutablePointer<UInt32>
    private let records: Int

    /// The number of `PackedCode.invalid`.
    static let malformed = 0

    init(_ batch: ChargeBatch) {
        let width = batch.diagnosisWidth
        let records = min(batch.count, batch.diagnoses.count / 12)
        let start = UnsafeMutablePointer<Int32>.allocate(capacity: records + 1)
        let entries = UnsafeMutablePointer<UInt32>.allocate(capacity: max(records * width, 1))
        var codes: [UInt64] = [PackedCode.invalid]
        var memo = CodeMemo()
        var n = 0
        batch.diagnoses.withUnsafeBufferPointer { dx in
            for r in 0..<records {
                start[r] = Int32(truncatingIfNeeded: n)
                guard batch.isCheckable(r) else { continue }
                let row = r &* 12
                for k in 0..<width {
                    let d = dx[row &+ k]
                    if d == 0 { continue }
                    let number =
                        d == PackedCode.invalid
                        ? 0
                        : memo.value(for: d) { code in
                            codes.append(code)
                            return Int32(truncatingIfNeeded: codes.count - 1)
                        }
                    entries[n] = UInt32(truncatingIfNeeded: number) << 4 | UInt32(truncatingIfNeeded: k)
                    n &+= 1
                }
            }
        }
        start[records] = Int32(truncatingIfNeeded: n)
        self.width = width
        self.codes = codes
        self.start = start
        self.entries = entries
        self.records = records
    }

    deinit {
        start.deallocate()
        entries.deallocate()
    }

    /// Record `r`'s diagnoses, as positions for `column(_:)` and `number(_:)`; empty for a record
    /// past the batch's diagnoses.
    @inline(__always)
    func entries(of r: Int) -> Range<Int> {
        guard r < records else { return 0..<0 }
        return Int(start[r])..<Int(start[r &+ 1])
    }

    /// The diagnosis column (0-based) of entry `e`.
    @inline(__always)
    func column(_ e: Int) -> Int { Int(entries[e] & 15) }

    /// The code number of entry `e` (an index into `codes`).
    @inline(__always)
    func number(_ e: Int) -> Int { Int(entries[e] >> 4) }
}

extension ChargeBatch {
    /// The batch's diagnoses listed and numbered (`BatchDiagnoses`), built on the first call and
    /// shared by every copy of the batch.
    var diagnosisList: BatchDiagnoses { storage.diagnoses(of: self) }
}

// Written only in `init`, read-only after: any thread may read it.
extension BatchDiagnoses: @unchecked Sendable {}
