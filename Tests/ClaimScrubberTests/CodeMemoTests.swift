import Testing

@testable import ClaimScrubber

@Suite struct CodeMemoTests {
    /// The memo gives the value of the first computation for every key, across growth, and
    /// computes each key once.
    @Test(arguments: [1, 7, 100, 5_000])
    func answersLikeADictionaryAndComputesEachKeyOnce(_ distinct: Int) {
        var rng = SplitMix64(seed: UInt64(distinct))
        let keys = (0..<distinct).map { _ in rng.next() & (1 << 60 - 1) }
        var memo = CodeMemo(capacity: 4)
        var reference: [UInt64: Int32] = [:]
        var computed = 0
        for _ in 0..<4 {
            for key in keys.shuffled(using: &rng) {
                let value = memo.value(for: key) { k in
                    computed += 1
                    return Int32(truncatingIfNeeded: k % 1_000_003)
                }
                let expected = reference[key] ?? Int32(truncatingIfNeeded: key % 1_000_003)
                reference[key] = expected
                #expect(value == expected)
            }
        }
        #expect(computed == Set(keys).count)
        #expect(memo.count == Set(keys).count)
        for key in keys { #expect(memo.value(for: key) == reference[key]) }
        #expect(memo.value(for: 1 << 61) == nil)
    }

    /// Keys that start at the same slot each keep their own value (linear probing past the others).
    @Test func keysOfOneSlotKeepTheirOwnValues() {
        var memo = CodeMemo(capacity: 8)
        let slot = memo.home(packed("I10"))
        var colliding: [UInt64] = []
        var candidate: UInt64 = 1
        while colliding.count < 6 {
            if memo.home(candidate) == slot { colliding.append(candidate) }
            candidate += 1
        }
        for (i, key) in colliding.enumerated() { #expect(memo.value(for: key) { _ in Int32(i) } == Int32(i)) }
        for (i, key) in colliding.enumerated() {
            #expect(memo.value(for: key) { _ in -99 } == Int32(i))
            #expect(memo.value(for: key) == Int32(i))
        }
        // A key of the same slot never stored is absent, not one of the others.
        var other = candidate
        while memo.home(other) != slot { other += 1 }
        #expect(memo.value(for: other) == nil)
    }

    /// `PackedCode.invalid` marks free slots, so it is never stored: computed on every call.
    @Test func theInvalidCodeIsComputedEveryTime() {
        var memo = CodeMemo()
        var calls = 0
        for _ in 0..<3 {
            #expect(
                memo.value(for: PackedCode.invalid) { _ in
                    calls += 1; return 5
                } == 5)
        }
        #expect(calls == 3)
        #expect(memo.count == 0)
        #expect(memo.value(for: PackedCode.invalid) == nil)
        #expect(CodeMemo.key(PackedCode.invalid, release: 0) == nil)
    }

    @Test func aReleaseKeyKeepsReleasesApart() throws {
        let code = packed("Z3800")
        let keys = try (0..<15).map { try #require(CodeMemo.key(code, release: $0)) }
        #expect(Set(keys).count == 15)
        #expect(keys[0] == code)
        #expect(CodeMemo.key(code, release: 15) == nil)
    }
}
