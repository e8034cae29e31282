import Testing

@testable import ClaimScrubber

@Suite struct ICD10CMTableTests {
    /// Releases read in any order, with codes in one release only and codes listed twice, merge into
    /// one sorted code list whose status per release is what each release said.
    @Test(arguments: [1, 2, 3])
    func mergedReleasesAnswerAsEachReleaseAlone(_ count: Int) throws {
        var rng = SplitMix64(seed: UInt64(count))
        let pool = (0..<400).map { _ in
            packed(String(UnicodeScalar(UInt8(65 + rng.int(0...25)))) + String(rng.int(0...99_999)))
        }
        var releases: [ICD10CMTable.Release] = []
        for i in 0..<count {
            var codes: [UInt64] = []
            var billable: [Bool] = []
            for code in pool where rng.int(0...3) > 0 {
                codes.append(code)
                billable.append(rng.int(0...2) > 0)
                // Listed twice: a header and a billable line for one code make it billable.
                if rng.int(0...20) == 0 {
                    codes.append(code)
                    billable.append(true)
                }
            }
            let order = Array(codes.indices).shuffled(using: &rng)
            releases.append(
                ICD10CMTable.Release(
                    name: "R\(i)", period: ServicePeriod(first: Int32(1_000 * i), last: Int32(1_000 * i + 999)),
                    codes: order.map { codes[$0] }, billable: order.map { billable[$0] }))
        }
        let table = try ICD10CMTable(releases: releases)
        #expect(table.codes.keys == Set(releases.flatMap(\.codes)).sorted())
        for (i, release) in releases.enumerated() {
            var expected: [UInt64: ICD10CMTable.Status] = [:]
            for (code, isBillable) in zip(release.codes, release.billable) where expected[code] != .billable {
                expected[code] = isBillable ? .billable : .header
            }
            for code in pool + [packed("Z99999")] {
                #expect(table.status(code, on: Int32(1_000 * i + 500)) == expected[code] ?? .unknown)
            }
        }
    }
}
