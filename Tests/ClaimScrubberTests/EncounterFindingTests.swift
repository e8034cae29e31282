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
            Self.finding(.E03, code: "93005", other: PackedCode.pack("93000")!, number: 0).message
                == "NCCI PTP: 93005 is column 2 of 93000 on the same date (modifier indicator 0)")
        // Indicator 1: a billing specialist is told a modifier may lift the edit.
        #expect(
            Self.finding(.E03, code: "93005", other: PackedCode.pack("93000")!, number: 1).message
                == "NCCI PTP: 93005 is column 2 of 93000 on the same date (modifier indicator 1; a PTP-associated "
                + "modifier may bypass it where appropriate)")
        // Units in thousandths (`ChargeParser.units`), as written: 14, 2.5.
        #expect(Self.finding(.E04, number: 2, number2: 14_000).message == "14 units exceed the MUE of 2 per line")
        #expect(Self.finding(.E04, number: 2, number2: 2_500).message == "2.5 units exceed the MUE of 2 per line")
        #expect(
            Self.finding(
                .E05, code: "99214", other: EncounterFinding.mueGroup(mai: 3, lineUnits: 1000), number: 1,
                number2: 2000
            )
            .message == "2 units of 99214 on this date by this provider exceed the MUE of 1 (MAI 3)")
        #expect(
            Self.finding(.E06, code: "11045").message
                == "add-on code 11045 billed without one of its primary codes by the same provider that day")
        #expect(
            Self.finding(.E06, code: "11045", other: PackedCode.pack("11042")!).message
                == "add-on code 11045 billed without one of its primary codes (such as 11042) by the same provider that day"
        )
        #expect(Self.finding(.C01).message == RuleID.C01.title)
    }

    /// The value column holds the text of the field the finding names: the code, or for the MUE
    /// edits (field `units`) the line's own units, not the code nor the group's sum.
    @Test func theValueIsTheNamedFieldsText() {
        let e03 = Self.finding(.E03, code: "93005", other: PackedCode.pack("93000")!, number: 1)
        #expect((e03.field, e03.value) == ("procedure_code", "93005"))
        let e04 = Self.finding(.E04, code: "20610", number: 1, number2: 3000)
        #expect((e04.field, e04.value) == ("units", "3"))
        let e05 = Self.finding(
            .E05, code: "97110", other: EncounterFinding.mueGroup(mai: 2, lineUnits: 4500), number: 4, number2: 7000)
        #expect((e05.field, e05.value) == ("units", "4.5"))
        // A credit in the group: its negative units.
        let credit = Self.finding(
            .E05, other: EncounterFinding.mueGroup(mai: 3, lineUnits: -2000), number: 4, number2: 5000)
        #expect(credit.value == "-2" && credit.message.hasSuffix("(MAI 3)"))
    }

    /// Numbers as Swift prints them: zero, negative (credits subtract), the extremes of their types.
    @Test func numbersAtTheirEdges() {
        for (units, text, limit) in [
            (0, "0", 0), (-5_000, "-5", 10), (-250, "-0.25", 10), (1, "0.001", 3),
            (Int64.max, "9223372036854775.807", Int64.min), (Int64.min, "-9223372036854775.808", 999_999_999_999),
        ] as [(Int64, String, Int64)] {
            #expect(
                Self.finding(.E04, number: limit, number2: units).message
                    == "\(text) units exceed the MUE of \(limit) per line")
        }
        #expect(
            Self.finding(
                .E05, code: "ZZZZZZZZZZ", other: EncounterFinding.mueGroup(mai: 255, lineUnits: .min), number: 10,
                number2: 100_000
            )
            .message == "100 units of ZZZZZZZZZZ on this date by this provider exceed the MUE of 10 (MAI 255)")
        #expect(
            Self.finding(.E03, code: "ZZZZZZZZZZ", other: PackedCode.pack("YYYYYYYYYY")!, number: 1).message.count > 100
        )
    }
}
