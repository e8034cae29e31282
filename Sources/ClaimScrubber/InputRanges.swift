/// Where each input's records lie in a run's record numbering (inputs in command-line order, each
/// record numbered once over the run).
struct InputRanges: Sendable {
    /// The first record of each input, and the run's record count after them.
    let starts: [Int]

    init(recordsPerFile: [Int]) {
        var starts = [0]
        for count in recordsPerFile { starts.append(starts[starts.count - 1] + count) }
        self.starts = starts
    }

    /// Records over all the inputs.
    var records: Int { starts[starts.count - 1] }

    /// The input holding `record` (an empty input holds none), or nil outside the run.
    func input(of record: Int) -> Int? {
        guard record >= 0, record < records else { return nil }
        // The last input whose first record is ≤ record.
        var low = 0
        var high = starts.count - 2
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= record { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
