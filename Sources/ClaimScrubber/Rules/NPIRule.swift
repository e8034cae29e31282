import Foundation

/// C09: an NPI that is not 10 digits starting with 1 or 2 with a valid Luhn check digit.
struct NPIRule: LineRule {
    var ids: [RuleID] { [.C09] }

    func check(_ batch: ChargeBatch, _ context: RuleContext, _ sink: inout FindingSink) {
        // Lines of one encounter share their providers: remember the last valid NPI of each column.
        var lastValid: (UInt64, UInt64) = (0, 0)
        // And the valid NPIs seen in the batch, direct-mapped by a hash: a batch names a few dozen
        // providers, each on many lines, and the check digit is nine divisions (a collision only
        // means the check runs again).
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.seenSlots) { seen in
            seen.initialize(repeating: 0)
            for r in 0..<batch.count where batch.isCheckable(r) {
                check(batch.renderingNPI[r], .renderingNpi, batch, r, &sink, &lastValid.0, seen)
                check(batch.billingNPI[r], .billingNpi, batch, r, &sink, &lastValid.1, seen)
            }
        }
    }

    private static let seenSlots = 64

    @inline(__always)
    private func check(
        _ npi: UInt64, _ column: Column, _ batch: ChargeBatch, _ r: Int, _ sink: inout FindingSink,
        _ lastValid: inout UInt64, _ seen: UnsafeMutableBufferPointer<UInt64>
    ) {
        if npi == 0 || npi == lastValid { return }
        let slot = Int(truncatingIfNeeded: (npi &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if seen[slot] == npi {
            lastValid = npi
            return
        }
        if NPI.isValid(npi) {
            lastValid = npi
            seen[slot] = npi
            return
        }
        let text = batch.text(column, r)
        sink.add(
            .C09, record: r, field: column.rawValue, value: text, message: NPI.problem(text, field: column.rawValue),
            payer: batch.payerName(r))
    }
}

/// National Provider Identifier arithmetic.
public enum NPI {
    /// What is wrong with an NPI, as written, that `isValid` refuses.
    static func problem(_ text: String, field: String) -> String {
        // Spaces trimmed as the parser trims them: a tab stays, and makes it not 10 digits (the
        // message said "fails the NPI check digit" of `1234567893<TAB>`).
        let digits = text.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        let tenDigits = digits.utf8.count == 10 && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        if !tenDigits {
            // A spreadsheet that took the column for numbers writes `1234567893.0` or `1.23457E+09`.
            let spreadsheet =
                digits.hasSuffix(".0") || digits.uppercased().contains("E+")
                ? " (a spreadsheet wrote it as a number: format the column as text)" : ""
            return "\(field) is not 10 digits\(spreadsheet)"
        }
        if let first = digits.utf8.first, first != 0x31 && first != 0x32 {
            return "\(field) does not start with 1 or 2"
        }
        return "\(field) fails the NPI check digit"
    }

    /// The provider key of the summary's groups: the NPI, 0 when missing, and `PackedCode.invalid`
    /// for every NPI that is not 10 digits below `limit` (so an encounter line's 32-bit provider
    /// number, `EncounterLine.providerNumber`, maps back to the same key).
    @inline(__always)
    static func groupKey(_ npi: UInt64) -> UInt64 { npi < limit ? npi : PackedCode.invalid }

    /// Every valid NPI is below this (ten digits, the first 1 or 2); a ten-digit text below it
    /// packs to a number no other text does.
    static let limit: UInt64 = 3_000_000_000

    /// 10 digits, first 1 or 2, last the Luhn check digit over 80840 followed by the first nine.
    public static func isValid(_ npi: UInt64) -> Bool {
        guard npi >= 1_000_000_000 && npi < limit else { return false }
        return checkDigit(npi / 10) == Int(npi % 10)
    }

    /// The check digit for a nine-digit NPI prefix.
    public static func checkDigit(_ prefix: UInt64) -> Int {
        // Luhn over the nine digits, doubling from the rightmost; the 80840 prefix adds a constant 24.
        var sum = 24
        var value = prefix
        var double = true
        for _ in 0..<9 {
            var d = Int(value % 10)
            value /= 10
            if double {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
            double.toggle()
        }
        return (10 - sum % 10) % 10
    }
}
