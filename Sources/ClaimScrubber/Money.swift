/// Decimal money parsed exactly into integer cents; binary floating point never touches an amount.
public enum Money {
    /// Parses `-12.5`, `1234.56`, `$1,234.56`, `(12.00)` (accounting negative, with no other
    /// sign), `$-12.00`, `12.00-` (a trailing minus); nil when malformed
    /// or with more than two decimals that are not zeros. A comma is a thousands separator only in
    /// groups of three (`1,234,567.89`): `12,34` (a decimal comma) or `1,2` would be read a hundred
    /// or ten times over, so they are malformed.
    public static func cents(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        cents(bytes, wholeDigits: maximumWholeDigits)
    }

    /// Whole-dollar digits an amount may have: up to $99,999,999.99 a line. No charge line comes
    /// near it (a gene therapy's is a few million); a larger one is a shifted field (an NPI read as
    /// an amount), and amounts of 15 digits made a run's totals wrap around `Int64` in 93 lines.
    public static let maximumWholeDigits = 8

    /// Whether `bytes` is an amount `cents` refuses for its size (more than `maximumWholeDigits`
    /// whole digits, however many, with decimals or without): its finding can say so.
    public static func isOverMaximum(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard cents(bytes) == nil else { return false }
        // Digits (commas, one point) between an amount's signs, with more whole digits than a line
        // may have, however many and with decimals too (`$12345678901234567`, `123456789.123` said
        // "not a decimal amount").
        var i = 0
        var n = bytes.count
        while i < n
            && (bytes[i] == 0x20 || bytes[i] == 0x24 || bytes[i] == 0x2B || bytes[i] == 0x2D || bytes[i] == 0x28)
        {
            i += 1
        }
        while n > i && (bytes[n - 1] == 0x20 || bytes[n - 1] == 0x2D || bytes[n - 1] == 0x29) { n -= 1 }
        var whole = 0
        var points = 0
        for c in bytes[i..<n] {
            switch c {
            case 0x30...0x39: if points == 0 && (whole > 0 || c != 0x30) { whole += 1 }
            case 0x2E: points += 1
            case 0x2C: break
            default: return false
            }
        }
        return points <= 1 && whole > maximumWholeDigits
    }

    /// Whether `bytes` is an amount `cents` refuses only for its cents: more than two decimals
    /// that are not zeros (`12.345`): its finding can say so.
    public static func hasFractionOfACent(_ bytes: UnsafeRawBufferPointer) -> Bool {
        cents(bytes) == nil && amount(bytes, wholeDigits: maximumWholeDigits, decimals: 10) != nil
    }

    static func cents(_ bytes: UnsafeRawBufferPointer, wholeDigits: Int) -> Int64? {
        amount(bytes, wholeDigits: wholeDigits, decimals: 2)
    }

    /// A unit price to the hundred-thousandth of a dollar (a drug's `0.125` a unit), in those
    /// units: prices are finer than cents, a charge is not.
    public static func unitPrice(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        amount(bytes, wholeDigits: maximumWholeDigits, decimals: unitPriceDecimals)
    }

    /// The decimals `unitPrice` keeps.
    public static let unitPriceDecimals = 5

    /// An amount in units of 10^-`decimals` dollars; past `decimals`, only zeros.
    static func amount(_ bytes: UnsafeRawBufferPointer, wholeDigits: Int, decimals: Int) -> Int64? {
        var i = 0
        var n = bytes.count
        while i < n && bytes[i] == 0x20 { i += 1 }
        while n > i && bytes[n - 1] == 0x20 { n -= 1 }
        guard i < n else { return nil }
        var negative = false
        var parenthesised = false
        if bytes[i] == 0x28 && bytes[n - 1] == 0x29 {
            negative = true
            parenthesised = true
            i += 1
            n -= 1
        }
        // One sign, before or after a dollar sign (`-$12.00`, `$-12.00`), or a minus after the
        // number as mainframe and accounting exports write it (`12.00-`).
        var signed = false
        if i < n && (bytes[i] == 0x2D || bytes[i] == 0x2B) {
            negative = negative != (bytes[i] == 0x2D)
            signed = true
            i += 1
        }
        if i < n && bytes[i] == 0x24 {
            i += 1
            // Accounting formats set the dollar sign apart: `$ 85.00`, `$   85.00`.
            while i < n && bytes[i] == 0x20 { i += 1 }
        }
        if !signed && i < n && (bytes[i] == 0x2D || bytes[i] == 0x2B) {
            negative = negative != (bytes[i] == 0x2D)
            signed = true
            i += 1
        }
        if !signed && n > i + 1 && bytes[n - 1] == 0x2D {
            negative = !negative
            signed = true
            n -= 1
        }
        // Parentheses are the sign: `(-54.00)` or `(54.00-)` would read as a charge.
        if parenthesised && signed { return nil }
        var whole: Int64 = 0
        var digits = 0
        var significant = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var inFraction = false
        // Digits since the last thousands separator, and whether there was one.
        var group = 0
        var grouped = false
        while i < n {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                let d = Int64(c - 0x30)
                if inFraction {
                    if fractionDigits < decimals {
                        fraction = fraction * 10 + d
                    } else if d != 0 {
                        return nil
                    }
                    fractionDigits += 1
                } else {
                    // Leading zeros (`0000012.50` from a fixed-width export) do not count.
                    if whole != 0 || d != 0 {
                        guard significant < wholeDigits else { return nil }
                        significant += 1
                    }
                    whole = whole * 10 + d
                    digits += 1
                    group += 1
                }
            } else if c == 0x2E && !inFraction {
                guard !grouped || group == 3 else { return nil }
                inFraction = true
            } else if c == 0x2C && !inFraction && digits > 0 {
                // A thousands separator: one to three digits before the first, three between two,
                // and not after a zero (`0,125` is a decimal comma, not $125).
                guard grouped ? group == 3 : group <= 3 && whole != 0 else { return nil }
                grouped = true
                group = 0
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 || fractionDigits > 0 else { return nil }
        guard inFraction || !grouped || group == 3 else { return nil }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        for _ in min(fractionDigits, decimals)..<decimals { fraction *= 10 }
        let value = whole * scale + fraction
        return negative ? -value : value
    }

    /// Formats cents as a plain decimal (`-12.50`).
    public static func format(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Int64 {
    /// Adds `other`, holding the result at `Int64.max` or `Int64.min` where the sum would not fit
    /// instead of stopping the process.
    ///
    /// Run totals of cents use it: a line is at most $99,999,999.99, so a total overflows only past
    /// some 9×10^8 such lines, and then the summary's own check (`ScrubSummary.centsBound`) ends
    /// the run with a message rather than a trap.
    @inline(__always)
    mutating func addSaturating(_ other: Int64) {
        let (sum, overflow) = addingReportingOverflow(other)
        self = overflow ? (other > 0 ? .max : .min) : sum
    }
}
