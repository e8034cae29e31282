import Testing

@testable import ClaimScrubber

@Suite struct SortedCodesTests {
    @Test(arguments: [0, 1, 2, 7, 8, 9, 100, 1000])
    func batchAndSingleSearchAgreeWithALinearScan(_ count: Int) {
        var rng = SplitMix64(seed: UInt64(count) + 1)
        let keys = Set((0..<count).map { _ in UInt64(rng.int(0...5_000)) }).sorted()
        let codes = SortedCodes(sorted: keys)
        let queries = (0..<(count + 13)).map { _ in UInt64(rng.int(0...5_100)) } + keys.prefix(5) + [0, .max]
        var found = [Int32](repeating: -2, count: queries.count)
        queries.withUnsafeBufferPointer { q in found.withUnsafeMutableBufferPointer { codes.indices(of: q, into: $0) } }
        for (i, query) in queries.enumerated() {
            let expected = keys.firstIndex(of: query) ?? -1
            #expect(codes.index(of: query) == expected)
            #expect(Int(found[i]) == expected)
            #expect(codes.lowerBound(query) == (keys.firstIndex { $0 >= query } ?? keys.count))
        }
    }

    @Test func lowerBoundFindsTheFirstOfEqualKeys() {
        let codes = SortedCodes(sorted: [1, 3, 3, 3, 9])
        #expect(codes.lowerBound(3) == 1)
        #expect(codes.lowerBound(4) == 4)
        #expect(codes.lowerBound(10) == 5)
    }

    @Test func packedCodesSortLikeTheirText() {
        let texts = ["A00", "A000", "A0000", "A001", "A01", "A1", "B", "Z99", "Z999999"]
        #expect(texts.map(packed) == texts.map(packed).sorted())
        #expect(PackedCode.dotted(packed("S301XXA")) == "S30.1XXA")
        #expect(PackedCode.dotted(packed("I10")) == "I10")
    }
}

@Suite struct CodeFilterTests {
    /// The PTP pre-check may say "maybe" for a code it never saw, never "no" for one it did.
    @Test func neverMissesAnInsertedCodeAndRejectsMostOthers() {
        var filter = CodeFilter()
        let inserted = (0..<2_000).map { PackedCode.five(PackedCode.pack(String(10_000 + $0 * 7))!) }
        for code in inserted { filter.insert(code) }
        #expect(inserted.allSatisfy { filter.mayContain($0) })
        let others = (0..<2_000).map { PackedCode.five(PackedCode.pack(String(10_001 + $0 * 7))!) }
        let maybes = others.filter { filter.mayContain($0) }.count
        #expect(maybes < 200, "\(maybes) of 2,000 absent codes passed")
    }
}
