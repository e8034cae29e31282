import Testing

@testable import ClaimScrubber

/// A shard-stage finding composes its findings.csv message in pass 2, from the rule, the codes and
/// its numbers, byte by byte: the text must be the documented one for every rule and any number.
@Suite struct EncounterFindingTests {
    static func finding(
        _ rule: RuleID, code: String = "97140", other: UInt64 = 0, number: Int64 = 0, number2: Int64 = 0
    ) -> EncounterFinding {
        EncounterFinding(
            line: EncounterLine(
                ordinal: 7, patient: 1, code: PackedCode.pack(code)!, modifiers: 0, amountCents: 100, day: 20_600,
                units: 1, rendering: 0, billing: 0, department: 0, payer: 0, flags: 0),
            rule: rule, severity: .error, other: other, number: number, number2: number2)
    }

    @Test func messagesOfEveryEncounterRule() {
        #expect(Self.finding(.E01).message == "exact duplicate of an earlier charge for the same patient and date")
        #expect(
            Self.finding(.E02, code: "J1885").message
                == "probable duplicate: J1885 already billed for this patient, date and provider without a repeat modifier"
        )
        #expect(
            Self.finding(.E03, code: "93005", other: PackedCode.pack("93000")!, number: 1).message
                == "NCCI PTP: 93005 is column 2 of 93000 on the same date (modifier indicator 1)")
        #expect(Self.finding(.E04, number: 2, number2: 14).message == "14 units exceed the MUE of 2 per line")
        #expect(
            Self.finding(.E05, code: "99214", other: 3, number: 1, number2: 2).message
                == "2 units of 99214 on this date exceed the MUE of 1 (MAI 3)")
        #expect(
            Self.finding(.E06, code: "11045").message == "add-on code 11045 billed without one of its primary codes")
        #expect(Self.finding(.C01).message == RuleID.C01.title)
    }

    /// Numbers as Swift prints them: zero, negative (credits subtract), the extremes of their types.
    @Test func numbersAtTheirEdges() {
        for (units, limit) in [(0, 0), (-5, 10), (Int64.max, Int64.min), (Int64.min, 999_999_999_999)]
            as [(Int64, Int64)]
        {
            #expect(
                Self.finding(.E04, number: limit, number2: units).message
                    == "\(units) units exceed the MUE of \(limit) per line")
        }
        #expect(
            Self.finding(.E05, code: "ZZZZZZZZZZ", other: .max, number: 10, number2: 100).message
                == "100 units of ZZZZZZZZZZ on this date exceed the MUE of 10 (MAI \(UInt64.max))")
    }
}
