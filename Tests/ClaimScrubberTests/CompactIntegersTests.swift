import Testing

@testable import ClaimScrubber

@Suite struct CompactIntegersTests {
    /// Every value reads back as appended: small steps, steps of 254 and 255 (the first kept whole),
    /// large ones, steps back down, negative values.
    @Test func valuesReadBackAsAppended() {
        var rng = SplitMix64(seed: 3)
        var plain: [Int] = []
        var compact = CompactIntegers()
        var value = 0
        for _ in 0..<300_000 {
            switch rng.int(0...99) {
            case 0: value = rng.int(0...1_000)  // back to the start of another file
            case 1: value += 254
            case 2: value += 255
            case 3: value += rng.int(1_000...1 << 40)
            case 4: value = -rng.int(1...50)
            default: value += rng.int(0...12)
            }
            plain.append(value)
            compact.append(value)
        }
        #expect(compact.count == plain.count)
        var mismatches = 0
        for i in plain.indices where compact[i] != plain[i] { mismatches += 1 }
        #expect(mismatches == 0)
        #expect(CompactIntegers().count == 0)
    }

    /// In a non-decreasing sequence (repeats included), the last index at or below a value, as a
    /// scan of the plain array finds it.
    @Test func theLastIndexAtMostAValueIsFound() {
        var rng = SplitMix64(seed: 8)
        var plain: [Int] = []
        var compact = CompactIntegers()
        var value = 5
        for _ in 0..<5_000 {
            value += [0, 0, 1, 3, 254, 255, 300, 1_000_000][rng.int(0...7)]
            plain.append(value)
            compact.append(value)
        }
        for probe in [0, 4, 5, 6, value, value + 1] + (0..<2_000).map({ _ in rng.int(0...value) }) {
            #expect(compact.lastIndex(atMost: probe) == plain.lastIndex { $0 <= probe }, "\(probe)")
        }
    }
}
