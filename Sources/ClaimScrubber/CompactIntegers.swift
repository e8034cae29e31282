/// A sequence of integers that mostly grows by small steps (each claim's first line, each line's
/// segment position in a claim file), appended in order, in about one byte each.
///
/// Each value is kept as its step from the one before (0–254 in a byte); any other step (a large
/// one, or back down at the start of another file) is kept whole on the side. Every 64th value is
/// also kept whole, so reading one adds at most 63 steps. A claim file kept these as plain
/// integers, 8 bytes a claim and 4 a line: a 6M-line 837P's came to about 40 MB, the most of what
/// still grew with the file.
struct CompactIntegers: Sendable {
    private static let blockShift = 6
    private static let blockMask = (1 << blockShift) - 1
    private static let escape: UInt8 = .max
    /// The value at the start of each block of 64.
    private var bases = PagedArray<Int>()
    /// Each value's step from the one before (0 at a block's start), or `escape`.
    private var steps = PagedArray<UInt8>()
    /// The values whose step is `escape`, by index.
    private var whole: [Int: Int] = [:]
    private var last = 0

    init() {}

    var count: Int { steps.count }

    mutating func append(_ value: Int) {
        let index = steps.count
        if index & Self.blockMask == 0 {
            bases.append(value)
            steps.append(0)
        } else {
            let step = value &- last
            if step >= 0 && step < Int(Self.escape) {
                steps.append(UInt8(step))
            } else {
                steps.append(Self.escape)
                whole[index] = value
            }
        }
        last = value
    }

    /// For a non-decreasing sequence: the last index whose value is at most `value`, nil when the
    /// first is above it. A binary search of the blocks' first values, then a walk through one
    /// block (reading each probe of a plain binary search would walk a block each time).
    func lastIndex(atMost value: Int) -> Int? {
        guard count > 0, bases[0] <= value else { return nil }
        var low = 0
        var high = bases.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if bases[mid] <= value { low = mid } else { high = mid - 1 }
        }
        var index = low << Self.blockShift
        var current = bases[low]
        let end = min(count, index + (1 << Self.blockShift))
        while index + 1 < end {
            let next = self.value(at: index + 1, after: current)
            guard next <= value else { break }
            current = next
            index += 1
        }
        return index
    }

    subscript(index: Int) -> Int {
        precondition(index >= 0 && index < count, "CompactIntegers index out of range")
        let block = index >> Self.blockShift
        var value = bases[block]
        var i = block << Self.blockShift
        while i < index {
            i += 1
            value = self.value(at: i, after: value)
        }
        return value
    }

    /// The value at `index` (not a block's first), given the one before it.
    @inline(__always)
    private func value(at index: Int, after previous: Int) -> Int {
        let step = steps[index]
        return step == Self.escape ? whole[index]! : previous &+ Int(step)
    }
}
