/// Calendar dates as whole days since 1970-01-01, so date rules are integer comparisons.
public enum DayNumber {
    /// Marks a field that was empty.
    public static let missing: Int32 = .min
    /// Marks a field that held something that is not a real date.
    public static let malformed: Int32 = .min + 1

    /// True for an actual date (neither missing nor malformed).
    @inline(__always)
    public static func isDate(_ day: Int32) -> Bool { day > malformed }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    @inline(__always)
    public static func from(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146097 + doe - 719468)
    }

    /// The calendar date of a day number.
    public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    @inline(__always)
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY (also M/D/YYYY), YYYY/MM/DD (also YYYY/M/D) or
    /// DD-MON-YYYY, each optionally followed by a time of day (`isTimeOfDay`, after a blank or a
    /// `T`); `missing` when empty, `malformed` when it is not one of those forms or not a real
    /// calendar date.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Int32 { parse(bytes, years: 1800, 2200) }

    /// True when `parse` refused `bytes` only for its year: a real calendar date before 1800 or
    /// after 2200 (a birth year typed 1799, a date of service typed 2206), which a finding should
    /// not call "not a date".
    static func isDateOutsideYears(_ bytes: UnsafeRawBufferPointer) -> Bool {
        parse(bytes) == malformed && isDate(parse(bytes, years: 1, 9999))
    }

    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer, years first: Int, _ last: Int) -> Int32 {
        let n = bytes.count
        if n == 0 { return missing }
        let iso = n == 10 && bytes[4] == 0x2D && bytes[7] == 0x2D
        if iso || (n == 8 && !isSeparator(bytes[1]) && !isSeparator(bytes[4])) {
            // The common forms, ISO and YYYYMMDD (X12 D8 dates, the CMS files), without the
            // general path's checks per character. (An eight-byte M/D/YYYY has its slash second,
            // an eight-byte YYYY/M/D its fifth; so with dashes.)
            let m = iso ? 5 : 4
            let a = iso ? 8 : 6
            let d0 = bytes[0] &- 0x30, d1 = bytes[1] &- 0x30, d2 = bytes[2] &- 0x30, d3 = bytes[3] &- 0x30
            let m0 = bytes[m] &- 0x30, m1 = bytes[m &+ 1] &- 0x30, a0 = bytes[a] &- 0x30, a1 = bytes[a &+ 1] &- 0x30
            guard d0 < 10, d1 < 10, d2 < 10, d3 < 10, m0 < 10, m1 < 10, a0 < 10, a1 < 10 else { return malformed }
            let year = Int(d0) * 1000 + Int(d1) * 100 + Int(d2) * 10 + Int(d3)
            let month = Int(m0) * 10 + Int(m1)
            let day = Int(a0) * 10 + Int(a1)
            guard year >= first, year <= last, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month) else {
                return malformed
            }
            return from(year: year, month: month, day: day)
        }
        @inline(__always) func digit(_ i: Int) -> Int {
            let c = Int(bytes[i]) &- 48
            return (c >= 0 && c <= 9) ? c : -1000
        }
        if (n == 11 && bytes[2] == 0x2D && bytes[6] == 0x2D) || (n == 10 && bytes[1] == 0x2D && bytes[5] == 0x2D) {
            // DD-MON-YYYY (`01-JUN-2026`, or `1-Jun-2026`), Oracle's date form with a four-digit
            // year as Cerner and Meditech exports write it (Oracle's default, DD-MON-RR, has two
            // and is not read).
            let s = n - 11
            let day = (s == 0 ? digit(0) * 10 : 0) + digit(1 + s)
            let year = digit(7 + s) * 1000 + digit(8 + s) * 100 + digit(9 + s) * 10 + digit(10 + s)
            let month = monthNumber(bytes[3 + s], bytes[4 + s], bytes[5 + s])
            guard year >= first, year <= last, month >= 1, day >= 1, day <= daysInMonth(year, month) else {
                return malformed
            }
            return from(year: year, month: month, day: day)
        }
        if n >= 10 && n <= 12 && bytes[3] == 0x20, case let month = monthNumber(bytes[0], bytes[1], bytes[2]), month > 0
        {
            // MON D YYYY (`Jun  1 2026`, `Jun 15 2026`): SQL Server's default text for a datetime,
            // the day padded with a space.
            var i = 3
            while i < n && bytes[i] == 0x20 { i += 1 }
            var day = 0
            let dayStart = i
            while i < n && i - dayStart < 2 && bytes[i] &- 0x30 < 10 {
                day = day * 10 + Int(bytes[i] &- 0x30)
                i += 1
            }
            guard i > dayStart, i < n, bytes[i] == 0x20, n - i == 5 else { return malformed }
            let year = digit(i + 1) * 1000 + digit(i + 2) * 100 + digit(i + 3) * 10 + digit(i + 4)
            guard year >= first, year <= last, day >= 1, day <= daysInMonth(year, month) else { return malformed }
            return from(year: year, month: month, day: day)
        }
        if n > 10 {
            // A date and a time of day, as database and spreadsheet exports write date columns
            // (`2026-06-01 00:00:00.000`, `2026-06-01T08:30:00`, `6/1/2026 0:00`, `06/01/2026 12:00:00 AM`,
            // `01-JUN-2026 00:00:00`): the date is the date of service; the time must be one, or the
            // text is no date.
            for k in 8...min(11, n - 1) where bytes[k] == 0x20 || bytes[k] == 0x54 {
                // SQL Server pads a one-digit hour with a space (`Jun 15 2026  9:30AM`).
                var t = k + 1
                if bytes[k] == 0x20 && t + 2 < n && bytes[t] == 0x20 && bytes[t + 1] &- 0x30 < 10
                    && bytes[t + 2] == 0x3A
                {
                    t += 1
                }
                guard isTimeOfDay(UnsafeRawBufferPointer(rebasing: bytes[t...])) else { return malformed }
                return parse(UnsafeRawBufferPointer(rebasing: bytes[..<k]), years: first, last)
            }
            return malformed
        }
        var year = -1
        var month = -1
        var day = -1
        if n >= 8 && n <= 10 {
            // M/D/YYYY with one- or two-digit month and day, or YYYY/M/D, also with dashes when
            // the year comes first (`2026-5-1`: nobody writes YYYY-D-M). `05-01-2026` stays S03:
            // with dashes it is as often day first (`13-04-2026` in Dutch exports).
            let dashes = bytes[4] == 0x2D
            guard let parts = slashParts(bytes, n, separator: dashes ? 0x2D : 0x2F) else { return malformed }
            if parts.lastDigits == 4 && !dashes {
                (month, day, year) = (parts.0, parts.1, parts.2)
            } else if parts.lastDigits <= 2 && isSeparator(bytes[4]) && parts.0 >= 1000 {
                // YYYY/MM/DD, year first (unambiguous: a four-digit first part is no month).
                (year, month, day) = (parts.0, parts.1, parts.2)
            } else {
                return malformed
            }
        } else {
            return malformed
        }
        guard year >= first, year <= last, month >= 1, month <= 12, day >= 1,
            day <= daysInMonth(year, month)
        else { return malformed }
        return from(year: year, month: month, day: day)
    }

    /// Whether `bytes` (trimmed), which `parse` refuses, is a real date written day first:
    /// `D/M/YYYY` with a day of 13 to 31 where the month goes (`13/04/2026`), optionally with a time
    /// of day. Such an extract's dates with a day of 12 or less read as valid, a month off.
    static func isDayFirstDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var n = bytes.count
        if let space = bytes.firstIndex(of: 0x20) { n = space }
        guard n >= 8 && n <= 10, let (day, month, year, digits) = slashParts(bytes, n), digits == 4, day >= 13,
            month >= 1, month <= 12, year >= 1800, year <= 2200
        else { return false }
        return day <= daysInMonth(year, month)
    }

    /// A slash or a dash: what parts a date's numbers.
    @inline(__always)
    static func isSeparator(_ c: UInt8) -> Bool { c == 0x2F || c == 0x2D }

    /// The three numbers of the date in `bytes`' first `n` bytes parted by `separator` (`5/1/2026`,
    /// `2026/05/01`; `2026-5-1` with a dash) and the digit count of the last; nil unless three
    /// parts of digits, none empty. (Values as they come: no array, which was an allocation per
    /// date.)
    @inline(__always)
    static func slashParts(_ bytes: UnsafeRawBufferPointer, _ n: Int, separator: UInt8 = 0x2F) -> (
        Int, Int, Int, lastDigits: Int
    )? {
        var value = (0, 0, 0)
        var part = 0
        var digits = 0
        for i in 0..<n {
            let c = bytes[i]
            if c == separator {
                if digits == 0 || part == 2 { return nil }
                part += 1
                digits = 0
            } else {
                let d = Int(c) &- 0x30
                if d < 0 || d > 9 { return nil }
                switch part {
                case 0: value.0 = value.0 * 10 + d
                case 1: value.1 = value.1 * 10 + d
                default: value.2 = value.2 * 10 + d
                }
                digits += 1
            }
        }
        guard part == 2, digits > 0 else { return nil }
        return (value.0, value.1, value.2, digits)
    }

    /// The month (1–12) of a three-letter English abbreviation in any case (`JUN`, `Jun`), else -1.
    static func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        switch (a | 0x20, b | 0x20, c | 0x20) {
        case (0x6A, 0x61, 0x6E): return 1  // jan
        case (0x66, 0x65, 0x62): return 2  // feb
        case (0x6D, 0x61, 0x72): return 3  // mar
        case (0x61, 0x70, 0x72): return 4  // apr
        case (0x6D, 0x61, 0x79): return 5  // may
        case (0x6A, 0x75, 0x6E): return 6  // jun
        case (0x6A, 0x75, 0x6C): return 7  // jul
        case (0x61, 0x75, 0x67): return 8  // aug
        case (0x73, 0x65, 0x70): return 9  // sep
        case (0x6F, 0x63, 0x74): return 10  // oct
        case (0x6E, 0x6F, 0x76): return 11  // nov
        case (0x64, 0x65, 0x63): return 12  // dec
        default: return -1
        }
    }

    /// `H:MM` or `HH:MM`, then optionally `:SS` and a fraction of a second, then optionally ` AM`
    /// or ` PM` (hours 1–12 then, else 0–23); a trailing `Z` is allowed after a 24-hour time.
    static func isTimeOfDay(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while i < n, digits < maxDigits, bytes[i] &- 0x30 < 10 {
                value = value * 10 + Int(bytes[i] &- 0x30)
                digits += 1
                i += 1
            }
            return digits == 0 ? nil : value
        }
        guard let hour = number(maxDigits: 2), i < n, bytes[i] == 0x3A else { return false }
        i += 1
        let minuteStart = i
        guard let minute = number(maxDigits: 2), i - minuteStart == 2, minute < 60 else { return false }
        if i < n && bytes[i] == 0x3A {
            i += 1
            let secondStart = i
            guard let second = number(maxDigits: 2), i - secondStart == 2, second < 60 else { return false }
            if i < n && bytes[i] == 0x2E {
                i += 1
                guard number(maxDigits: 9) != nil else { return false }
            }
        }
        if i == n { return hour < 24 }
        if n - i == 1 && bytes[i] == 0x5A { return hour < 24 }  // Z
        // SQL Server's datetimeoffset text puts a space before the offset (`… -05:00`).
        if n - i >= 4 && bytes[i] == 0x20 && (bytes[i + 1] == 0x2B || bytes[i + 1] == 0x2D) { i += 1 }
        // An offset in hours alone (`+00`, `-05`), as PostgreSQL writes a timestamptz.
        if n - i == 3 && (bytes[i] == 0x2B || bytes[i] == 0x2D) && hour < 24 {
            let d = (bytes[i + 1] &- 0x30, bytes[i + 2] &- 0x30)
            return d.0 < 10 && d.1 < 10 && Int(d.0) * 10 + Int(d.1) <= 14
        }
        // An offset from UTC (`+00:00`, `-05:00`, `-0500`), as ISO 8601 writers add: the date is
        // the date as written, in the time zone of the export.
        if (n - i == 6 || n - i == 5) && (bytes[i] == 0x2B || bytes[i] == 0x2D) && hour < 24 {
            // HH:MM or HHMM: the minutes start after the colon, if there is one.
            let h = i + 1
            let m = n - i == 6 ? i + 4 : i + 3
            guard n - i == 5 || bytes[i + 3] == 0x3A else { return false }
            let d = (bytes[h] &- 0x30, bytes[h + 1] &- 0x30, bytes[m] &- 0x30, bytes[m + 1] &- 0x30)
            guard d.0 < 10, d.1 < 10, d.2 < 10, d.3 < 10 else { return false }
            return Int(d.0) * 10 + Int(d.1) <= 14 && Int(d.2) * 10 + Int(d.3) < 60
        }
        // ` AM`/` PM`, or `AM`/`PM` run on (`12:00AM`, SQL Server's default text).
        if n - i == 3 && bytes[i] == 0x20 { i += 1 }
        guard n - i == 2, bytes[i + 1] | 0x20 == 0x6D else { return false }
        let half = bytes[i] | 0x20
        return (half == 0x61 || half == 0x70) && hour >= 1 && hour <= 12
    }

    /// Parses a date string (see `parse(_:)` for the accepted forms).
    public static func parse(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// ISO form, YYYY-MM-DD.
    ///
    /// Findings name dates in their messages, up to one a line (C06 on every line dated past the
    /// newest ICD-10-CM release): years 0–9999 are written as ten bytes, some 30 times fewer
    /// instructions than padding and joining strings.
    public static func format(_ days: Int32) -> String {
        let (y, m, d) = civil(days)
        if y >= 0 && y <= 9999 {
            return String(unsafeUninitializedCapacity: 10) { out in
                out[0] = UInt8(truncatingIfNeeded: 0x30 + y / 1000)
                out[1] = UInt8(truncatingIfNeeded: 0x30 + y / 100 % 10)
                out[2] = UInt8(truncatingIfNeeded: 0x30 + y / 10 % 10)
                out[3] = UInt8(truncatingIfNeeded: 0x30 + y % 10)
                out[4] = 0x2D
                out[5] = UInt8(truncatingIfNeeded: 0x30 + m / 10)
                out[6] = UInt8(truncatingIfNeeded: 0x30 + m % 10)
                out[7] = 0x2D
                out[8] = UInt8(truncatingIfNeeded: 0x30 + d / 10)
                out[9] = UInt8(truncatingIfNeeded: 0x30 + d % 10)
                return 10
            }
        }
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Whole years between a birth date and a later date (age on that date).
    public static func age(born: Int32, on day: Int32) -> Int {
        let b = civil(born)
        let d = civil(day)
        var years = d.year - b.year
        if d.month < b.month || (d.month == b.month && d.day < b.day) { years -= 1 }
        return years
    }
}
