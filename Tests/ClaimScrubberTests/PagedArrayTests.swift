import Testing

@testable import ClaimScrubber

@Suite struct PagedArrayTests {
    @Test func elementsReadBackAcrossPages() {
        var paged = PagedArray<Int64>([7])
        #expect(paged.count == 1 && paged.last == 7)
        paged.append(contentsOf: (1..<200_000).map { Int64($0) * 3 })
        paged.append(-1)
        #expect(paged.count == 200_001)
        #expect(paged.last == -1)
        #expect(!paged.isEmpty && PagedArray<Int>().isEmpty && PagedArray<Int>().last == nil)
        for i in [1, 2, 65_535, 65_536, 65_537, 131_071, 131_072, 199_999] {
            #expect(paged[i] == Int64(i) * 3, "\(i)")
        }
        #expect(paged[0] == 7 && paged[200_000] == -1)
    }
}
