import Foundation
import Testing

@testable import ClaimScrubber

@Suite struct ScrubMetricsBatchTests {
    /// Many departments and providers in one batch: the interners grow and never mix two names.
    @Test func manyGroupsInOneBatch() throws {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        var rows = [ReportFixtures.header]
        for i in 0..<600 {
            let department = "Dept \(i % 150)" + (i % 2 == 0 ? "" : " ")  // trailing space trimmed
            let npi = ReportFixtures.npi(UInt64(100_000_000 + i % 200))
            rows.append(
                ReportFixtures.line(
                    "L\(i)", department: department, npi: npi, payer: "P\(i % 7)", service: "2026-06-01",
                    post: "2026-06-0\(1 + i % 3)", amount: "1.00"))
        }
        let (result, _) = try ReportFixtures.scrub(rows.joined(separator: "\n") + "\n", in: dir)
        let m = result.summary.metrics
        #expect(m.departments.count == 150)
        #expect(m.departments.values.allSatisfy { $0.lines == 4 && $0.chargesCents == 400 })
        #expect(m.providers.count == 200)
        #expect(m.providers.values.allSatisfy { $0.lines == 3 })
        #expect(m.payers.count == 7)
        #expect(m.chargeLagAll == [0: 200, 1: 200, 2: 200])
        #expect(m.departments["Dept 7"]?.lines == 4)
    }

    @Test func departmentInternerKeepsNamesApart() {
        // The interner keeps pointers into the bytes it is given: one buffer that outlives it, as
        // a chunk outlives its batch.
        let names = (0..<300).map { "D\($0)" }
        let text = names.joined(separator: "|") + "|  | D5 |"
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { all in
            var fields: [UnsafeRawBufferPointer] = []
            var start = 0
            for (i, c) in all.enumerated() where c == UInt8(ascii: "|") {
                fields.append(UnsafeRawBufferPointer(rebasing: all[start..<i]))
                start = i + 1
            }
            var interner = TextInterner()
            let first = fields[0..<300].map { interner.intern($0) }
            #expect(Set(first).count == 300 && !first.contains(0))
            #expect(fields[0..<300].reversed().map { interner.intern($0) } == first.reversed())
            #expect(interner.intern(fields[300]) == 0)  // only spaces
            #expect(interner.intern(fields[301]) == first[5])  // " D5 " trimmed
            #expect(interner.intern(UnsafeRawBufferPointer(rebasing: all[0..<0])) == 0)
            #expect(interner.names[first[42]] == "D42")
        }
    }

    /// Long names are hashed by their first and last eight bytes and their length: names that share
    /// all three (they differ only in the middle) still get numbers of their own.
    @Test func longNamesAlikeAtBothEndsStayApart() {
        let names = (0..<100).map { "Cardiology \($0 / 10)\($0 % 10) Adult Clinic" } + ["Cardiology 00 Adult Clinic"]
        let bytes = Array(names.joined().utf8)
        bytes.withUnsafeBytes { all in
            var interner = TextInterner()
            var start = 0
            var numbers: [Int] = []
            for name in names {
                let count = name.utf8.count
                numbers.append(interner.intern(UnsafeRawBufferPointer(rebasing: all[start..<start + count])))
                start += count
            }
            #expect(numbers[0..<100] == ArraySlice(1...100))
            #expect(numbers[100] == 1)
            #expect(interner.names[numbers[57]] == "Cardiology 57 Adult Clinic")
        }
    }

    @Test func providerInternerGrows() {
        var interner = ProviderInterner()
        let keys = (0..<500).map { UInt64($0) * 1_000_003 }
        let first = keys.map { interner.intern($0) }
        #expect(first == Array(0..<500))
        #expect(keys.reversed().map { interner.intern($0) } == Array((0..<500).reversed()))
        #expect(interner.intern(PackedCode.invalid) == 500)
    }

    /// Weeks far from the batch's first one get slots of their own and map back to their week.
    @Test func weeksFarApartGetTheirOwnSlots() {
        var weeks = WeekIndexer()
        let days: [Int32] = [20_600, 20_607, 19_000, 23_000, DayNumber.missing, 20_601, 19_001, DayNumber.malformed]
        let slots = days.map { weeks.slot($0) }
        #expect(slots[0] == slots[5] && slots[2] == slots[6] && slots[4] == slots[7])
        #expect(Set(slots).count == 5)
        #expect(weeks.slotCount == WeekIndexer.span + 1 + 2)
        for (day, slot) in zip(days, slots) {
            #expect(weeks.week(ofSlot: slot) == ISOWeek.index(day))
        }
    }
}
