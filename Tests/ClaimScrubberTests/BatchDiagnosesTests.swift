import Testing

@testable import ClaimScrubber

@Suite struct BatchDiagnosesTests {
    /// Every record's (column, code) pairs as the list gives them.
    static func listed(_ batch: ChargeBatch) -> [[(Int, UInt64)]] {
        let list = batch.diagnosisList
        return (0..<batch.count).map { r in list.entries(of: r).map { (list.column($0), list.codes[list.number($0)]) } }
    }

    @Test func recordsListTheirCodesInColumnOrderAndEachCodeHasOneNumber() throws {
        let batch = try RuleHarness.batch([
            ["dx1": "I10", "dx3": "E11.9"], ["dx1": "", "dx2": "E11.9", "dx4": "I10"], ["dx1": ""],
            ["dx1": "K52.9", "dx2": "I10"],
        ])
        let list = batch.diagnosisList
        #expect(list.width == 4)
        let i10 = try #require(PackedCode.pack("I10"))
        let e119 = try #require(PackedCode.pack("E119"))
        let k529 = try #require(PackedCode.pack("K529"))
        let listed = Self.listed(batch).map { $0.map { "\($0.0):\($0.1)" } }
        #expect(listed == [["0:\(i10)", "2:\(e119)"], ["1:\(e119)", "3:\(i10)"], [], ["0:\(k529)", "1:\(i10)"]])
        // Numbered in order of first sight after the malformed code's 0; no code twice.
        #expect(list.codes == [PackedCode.invalid, i10, e119, k529])
        #expect(list.entries(of: 3).map(list.number) == [3, 1])
    }

    @Test func aMalformedCodeIsNumberZero() throws {
        let batch = try RuleHarness.batch([["dx1": "A0-0", "dx2": "I10"]])
        let list = batch.diagnosisList
        #expect(list.entries(of: 0).map(list.number) == [BatchDiagnoses.malformed, 1])
        #expect(list.codes[BatchDiagnoses.malformed] == PackedCode.invalid)
    }

    @Test func anUnparsedRecordListsNothing() throws {
        // A payer with a comma adds a field: the record cannot be parsed (S01).
        let batch = try RuleHarness.batch([["dx1": "I10"], ["dx1": "E11.9", "payer_id": "A,B"], ["dx1": "K52.9"]])
        #expect(!batch.isCheckable(1))
        #expect(Self.listed(batch).map(\.count) == [1, 0, 1])
        #expect(batch.diagnosisList.codes.count == 3)
    }

    @Test func aBatchWithoutDiagnosesHasWidthZero() throws {
        let batch = try RuleHarness.batch([["dx1": ""], ["dx1": ""]])
        #expect(batch.diagnosisList.width == 0)
        #expect(Self.listed(batch).allSatisfy { $0.isEmpty })
        #expect(batch.diagnosisList === batch.diagnosisList)
    }
}
