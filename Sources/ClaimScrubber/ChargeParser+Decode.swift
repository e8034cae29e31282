#if canImport(Glibc)
    import Glibc
#endif

/// Turning field text into typed columns: day numbers, cents, packed codes, NPIs.
///
/// One pass per batch over the records, reading spans through a raw pointer and writing each typed
/// column through its own buffer: no slices, no per-field allocation. Findings (S02, S03) are rare
/// and take the slow path through the sink.
extension ChargeParser {
    func decodeColumns(_ batch: inout ChargeBatch, sink: inout FindingSink) {
        let decoder = RecordDecoder(parser: self, batch: batch)
        defer { decoder.deallocate() }
        let unparsed = batch.unparsed
        for r in 0..<batch.count {
            if unparsed[r] {
                decoder.setMissing(r)
            } else {
                decoder.decode(r, &sink)
            }
        }
        decoder.finish(&batch)
    }

    /// S03's message for a date field `DayNumber.parse` refused (kept out of the per-record path).
    fileprivate static func dateProblem(_ field: (UnsafePointer<UInt8>, Int), _ column: Column) -> String {
        let text = trimmed(UnsafeRawBufferPointer(start: field.0, count: field.1))
        if DayNumber.isDayFirstDate(text) { return "\(column.rawValue)\(dayFirstProblem)" }
        return DayNumber.isDateOutsideYears(text)
            ? "\(column.rawValue) is a date outside the years 1800-2200"
            : "\(column.rawValue) is not a real date (YYYY-MM-DD, YYYYMMDD, MM/DD/YYYY, YYYY/MM/DD, YYYY-M-D, DD-MON-YYYY or MON D YYYY)"
    }

    /// The end of S03's message for a date written day first (`13/04/2026`): the run counts them
    /// (`ChunkOutcome.dayFirst`) and says once what such an extract's other dates became.
    static let dayFirstProblem = " is written day first (D/M/YYYY); dates are read month first (M/D/YYYY)"

    /// A code packed like `PackedCode.pack` (spaces trimmed, the dot of an ICD-10-CM code skipped);
    /// `PackedCode.invalid` when it holds anything else or is too long, 0 when empty. One dot is
    /// read, after the third character and before another (`J06.9`): `J.069`, `J0.69`, `J06..9`
    /// and `J069.` passed as J06.9, while a claim carrying them as written would be rejected.
    @inline(__always)
    static func packCode(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var packed: UInt64 = 0
        var count = 0
        var dotted = false
        var end = length
        while end > 0 && p[end - 1] == 0x20 { end -= 1 }
        var i = 0
        while i < end && p[i] == 0x20 { i += 1 }
        while i < end {
            let c = p[i]
            i += 1
            var v: UInt64
            if c &- 0x30 < 10 {
                v = UInt64(c &- 0x30 &+ 1)
            } else if (c | 0x20) &- 0x61 < 26 {
                v = UInt64((c | 0x20) &- 0x61 &+ 11)
            } else if c == 0x2E {
                guard count == 3 && !dotted && i < end else { return PackedCode.invalid }
                dotted = true
                continue
            } else {
                return PackedCode.invalid
            }
            guard count < PackedCode.maxLength else { return PackedCode.invalid }
            v <<= UInt64(6 &* (PackedCode.maxLength &- 1 &- count))
            packed |= v
            count &+= 1
        }
        return packed
    }

    @inline(__always)
    static func addModifier(_ p: UnsafePointer<UInt8>, _ length: Int, _ packed: inout UInt64, _ slot: inout Int) {
        var s = 0
        var e = length
        while s < e && p[s] == 0x20 { s += 1 }
        while e > s && p[e - 1] == 0x20 { e -= 1 }
        guard e > s else { return }
        // A fifth modifier has no slot (a claim line carries four): flagged above the slots, C07.
        guard slot < 4 else {
            packed |= ChargeBatch.moreThanFourModifiers
            return
        }
        var value: UInt64 = 0xFFF
        if e - s == 2, let a = PackedCode.value(p[s]), let b = PackedCode.value(p[s + 1]) { value = a << 6 | b }
        packed |= value << UInt64(36 - 12 * slot)
        slot += 1
    }

    /// Ten digits as an integer; 0 when empty, `PackedCode.invalid` when not ten digits or all
    /// zeros (which would read as empty).
    @inline(__always)
    static func npi(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        if length == 0 { return 0 }
        if length != 10 { return npi(UnsafeRawBufferPointer(start: p, count: length)) }
        var value: UInt64 = 0
        for i in 0..<10 {
            let d = p[i] &- 0x30
            if d > 9 { return PackedCode.invalid }
            value = value &* 10 &+ UInt64(d)
        }
        return value == 0 ? PackedCode.invalid : value
    }

    @inline(__always)
    static func placeOfService(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt8 {
        if length == 2 {
            let a = p[0] &- 0x30
            let b = p[1] &- 0x30
            if a < 10 && b < 10 { return a &* 10 &+ b }
        }
        return placeOfService(UnsafeRawBufferPointer(start: p, count: length))
    }

    @inline(__always)
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0
        var e = bytes.count
        while s < e && bytes[s] == 0x20 { s += 1 }
        while e > s && bytes[e - 1] == 0x20 { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[s..<e])
    }

    /// Whether `raw`, read trimmed, is a revenue code in UB-04 form: four digits, a leading zero
    /// (0001–0999) or one of NUBC's ranges past 0999 (100X behavioral health accommodations,
    /// 210X alternative therapy services, 310X adult care). C10 holds anything else in the field;
    /// only such a code stands for a claim line's missing procedure code and is compared in the
    /// encounter rules (`EncounterLine.revenueTag`).
    static func isRevenueCode(_ raw: UnsafeRawBufferPointer) -> Bool {
        let bytes = trimmed(raw)
        guard bytes.count == 4 && bytes.allSatisfy({ $0 &- 0x30 < 10 }) else { return false }
        return bytes[0] == 0x30 || isRevenueRangePastZero(bytes[0], bytes[1], bytes[2])
    }

    /// 100X, 210X or 310X: the NUBC revenue code ranges that do not start with a zero.
    @inline(__always)
    static func isRevenueRangePastZero(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        switch (a, b, c) {
        case (0x31, 0x30, 0x30), (0x32, 0x31, 0x30), (0x33, 0x31, 0x30): return true
        default: return false
        }
    }

    static func sexCode(_ raw: UnsafeRawBufferPointer) -> UInt8 {
        let bytes = trimmed(raw)
        if bytes.count == 1 { return sexCode(bytes[0]) }
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "male": return 0x4D
        case "female": return 0x46
        case "unknown": return 0x55
        default: return 0
        }
    }

    /// `sexCode` of a one-byte field (the common case, kept free of the trimming and the text).
    @inline(__always)
    static func sexCode(_ byte: UInt8) -> UInt8 {
        switch byte | 0x20 {
        case 0x6D: return 0x4D  // M
        case 0x66: return 0x46  // F
        case 0x75: return 0x55  // U
        default: return 0
        }
    }

    /// Units of service in thousandths: a number, optionally signed, with an optional fraction
    /// (`2`, `-1`, `3.0`, `12.5`, `.5`: X12 decimals drop the leading zero) — 2000, -1000, 3000,
    /// 12500, 500. A fraction is kept (12.5 miles of ambulance mileage, which CMS bills in
    /// tenths; SV104 is a decimal): rounded up to one more unit, 1.5 units were an exact
    /// duplicate of 2, and two half units 2 against an MUE of 1. Past three decimals a unit's
    /// fraction rounds up to the next thousandth. Nil when not a number or past 2,147,483 units.
    static func units(_ raw: UnsafeRawBufferPointer) -> Int32? {
        let bytes = trimmed(raw)
        var i = 0
        var negative = false
        if i < bytes.count && (bytes[i] == 0x2D || bytes[i] == 0x2B) {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var value: Int64 = 0
        var digits = 0
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
            value = value * 10 + Int64(bytes[i] - 0x30)
            digits += 1
            if value > Int64(Int32.max) / 1000 { return nil }
            i += 1
        }
        value *= 1000
        if i < bytes.count && bytes[i] == 0x2E {
            i += 1
            var scale: Int64 = 100
            var beyond = false
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                if scale > 0 {
                    value += Int64(bytes[i] - 0x30) * scale
                    scale /= 10
                } else if bytes[i] != 0x30 {
                    beyond = true
                }
                digits += 1
                i += 1
            }
            if beyond { value += 1 }
            if value > Int64(Int32.max) { return nil }
        }
        guard digits > 0, i == bytes.count else { return nil }
        return Int32(negative ? -value : value)
    }

    /// S03's message for units `units` refused: a number's form (sign, digits, one point) refused
    /// for its size, or no number (kept out of the per-record path).
    static func unitsProblem(_ raw: UnsafeRawBufferPointer) -> String {
        let text = trimmed(raw)
        let unsigned = text.first == 0x2D || text.first == 0x2B ? text.dropFirst() : text[...]
        let large =
            unsigned.allSatisfy { $0 &- 0x30 < 10 || $0 == 0x2E } && unsigned.filter { $0 == 0x2E }.count <= 1
            && unsigned.contains { $0 &- 0x30 < 10 }
        return large ? "units is over 2,147,483 (a shifted field?)" : "units is not a number"
    }

    /// Whole units (thousandths as `units` gives them) as text: 2000 is `2`, 12500 `12.5`,
    /// -250 `-0.25`.
    static func unitsText(_ thousandths: Int64) -> String {
        let magnitude = thousandths.magnitude
        var text = (thousandths < 0 ? "-" : "") + String(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let written = String(fraction)
            text += "." + String(repeating: "0", count: digits - written.count) + written
        }
        return text
    }

    /// Ten digits as an integer; 0 when empty, `PackedCode.invalid` when not ten digits or all
    /// zeros (which would read as empty).
    static func npi(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let bytes = trimmed(raw)
        if bytes.isEmpty { return 0 }
        guard bytes.count == 10, let base = bytes.baseAddress else { return PackedCode.invalid }
        return npi(base.assumingMemoryBound(to: UInt8.self), 10)
    }

    static func placeOfService(_ raw: UnsafeRawBufferPointer) -> UInt8 {
        let bytes = trimmed(raw)
        if bytes.isEmpty { return 255 }
        guard bytes.count == 2, bytes[0] >= 0x30, bytes[0] <= 0x39, bytes[1] >= 0x30, bytes[1] <= 0x39 else {
            return 254
        }
        return (bytes[0] - 0x30) * 10 + (bytes[1] - 0x30)
    }
}

/// Values of short texts for one batch: a chunk's codes, fee-schedule amounts, dates and NPIs
/// repeat (a few hundred distinct texts in thousands of lines), so most are a load or two, a
/// multiply and a compare instead of a parse. Direct-mapped, 512 entries (12 KiB, in L1); a
/// collision just parses again. Two kinds of key, never equal to each other: texts of up to eight
/// bytes read as one word, and ten-byte texts (dates as YYYY-MM-DD, NPIs).
private struct TextMemo {
    struct Key {
        fileprivate var first: UInt64
        /// The length of a word text (0–8), or a ten-byte text's last two bytes with the top bit
        /// set; never `UInt64.max`, which marks an empty entry.
        fileprivate var second: UInt64

        /// The `length` (≤ 8) bytes at `p`; the caller must have eight readable bytes there.
        @inline(__always)
        static func word(_ p: UnsafePointer<UInt8>, _ length: Int) -> Key {
            // In little-endian order the text's bytes are the word's low `length` bytes.
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            return Key(first: length >= 8 ? word : word & ((1 &<< UInt64(length &* 8)) &- 1), second: UInt64(length))
        }

        /// The ten bytes at `p` (only they are read).
        @inline(__always)
        static func tenBytes(_ p: UnsafePointer<UInt8>) -> Key {
            let raw = UnsafeRawPointer(p)
            return Key(
                first: raw.loadUnaligned(as: UInt64.self),
                second: 1 << 63 | UInt64(raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
        }
    }

    private struct Entry {
        var first: UInt64 = 0
        var second: UInt64 = .max
        var value: UInt64 = 0
    }

    private static let bits = 9
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: 1 << Self.bits)
        entries.initialize(repeating: Entry(), count: 1 << Self.bits)
    }

    func deallocate() { entries.deallocate() }

    @inline(__always)
    private static func slot(_ key: Key) -> Int {
        let mixed = (key.first ^ key.second &* 0x1_0000_0001) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed &>> UInt64(64 - bits))
    }

    /// The remembered value of `key`, or nil.
    @inline(__always)
    func value(_ key: Key) -> UInt64? {
        let entry = entries[Self.slot(key)]
        return entry.first == key.first && entry.second == key.second ? entry.value : nil
    }

    @inline(__always)
    func remember(_ key: Key, _ value: UInt64) {
        entries[Self.slot(key)] = Entry(first: key.first, second: key.second, value: value)
    }
}

// MARK: - Per-record decoding

/// One batch's decoding: the typed columns being written, and the memos and interners that carry
/// over from record to record.
///
/// An object with a method per record, not one function with nested closures: with the record loop
/// and its closures in one large function the compiler's inliner ran out of budget, and small
/// helpers (buffer counts, unaligned loads, array subscripts, the memo look-ups) became calls,
/// several per field. (A struct was tried: its mutating method copied the whole struct before each
/// helper that can add a finding.) Every column is written for every record, defaults included, so
/// the buffers need no clearing beforehand.
private final class RecordDecoder {
    private let base: UnsafePointer<UInt8>
    private let spans: BatchColumn<ChargeBatch.Span>
    /// Texts that start at or before this offset can be read a word (eight bytes) at a time.
    private let lastWordStart: Int
    private let hasAmount: Bool
    private let hasUnits: Bool
    private let splitModifiers: Bool
    private let revenueCodeStandsForProcedure: Bool
    /// Bit k set when the layout has the diagnosis column `dx(k + 1)`, or `modifier(k + 1)`.
    private let diagnosisColumns: UInt16
    private let modifierColumns: UInt8

    private let serviceDay: UnsafeMutablePointer<Int32>
    private let postDay: UnsafeMutablePointer<Int32>
    private let birthDay: UnsafeMutablePointer<Int32>
    private let sex: UnsafeMutablePointer<UInt8>
    private let procedure: UnsafeMutablePointer<UInt64>
    private let modifiers: UnsafeMutablePointer<UInt64>
    private let units: UnsafeMutablePointer<Int32>
    private let amount: UnsafeMutablePointer<Int64>
    private let diagnoses: UnsafeMutablePointer<UInt64>
    private let rendering: UnsafeMutablePointer<UInt64>
    private let billing: UnsafeMutablePointer<UInt64>
    private let placeOfService: UnsafeMutablePointer<UInt8>
    private let payerIndex: UnsafeMutablePointer<UInt16>
    private let departmentIndex: UnsafeMutablePointer<UInt32>

    // Used by one thread, the one decoding the batch: no dynamic exclusivity checks per record.
    @exclusivity(unchecked) private var payers = TextInterner()
    @exclusivity(unchecked) private var departments = TextInterner()
    // Texts that repeat: dates of service and posting (a few months of days), NPIs, codes and
    // amounts. Birth dates have a memo of their own: nearly every patient's is new, and in a shared
    // memo they kept pushing out the dates of service.
    private let dateMemo = TextMemo()
    private let birthMemo = TextMemo()
    private let npiMemo = TextMemo()
    private let codeMemo = TextMemo()
    private let amountMemo = TextMemo()

    init(parser: ChargeParser, batch: ChargeBatch) {
        let layout = parser.layout
        let count = batch.count
        base = batch.base
        spans = batch.spans
        lastWordStart = batch.chunk.bytes.count &- 8
        hasAmount = layout.has(.chargeAmount)
        hasUnits = layout.has(.units)
        splitModifiers = parser.splitModifiers
        revenueCodeStandsForProcedure = parser.revenueCodeStandsForProcedure
        var dx: UInt16 = 0
        for (k, column) in Column.diagnoses.enumerated() where layout.has(column) { dx |= 1 << k }
        diagnosisColumns = dx
        var modifier: UInt8 = 0
        for (k, column) in Column.modifierColumns.enumerated() where layout.has(column) { modifier |= 1 << k }
        modifierColumns = modifier
        serviceDay = .allocate(capacity: max(count, 1))
        postDay = .allocate(capacity: max(count, 1))
        birthDay = .allocate(capacity: max(count, 1))
        sex = .allocate(capacity: max(count, 1))
        procedure = .allocate(capacity: max(count, 1))
        modifiers = .allocate(capacity: max(count, 1))
        units = .allocate(capacity: max(count, 1))
        amount = .allocate(capacity: max(count, 1))
        diagnoses = .allocate(capacity: max(count * 12, 1))
        rendering = .allocate(capacity: max(count, 1))
        billing = .allocate(capacity: max(count, 1))
        placeOfService = .allocate(capacity: max(count, 1))
        payerIndex = .allocate(capacity: max(count, 1))
        departmentIndex = .allocate(capacity: max(count, 1))
    }

    /// Frees the memos (the columns belong to the batch once `finish` has run).
    func deallocate() {
        for memo in [dateMemo, birthMemo, npiMemo, codeMemo, amountMemo] { memo.deallocate() }
    }

    /// Hands the columns and the interned names to the batch.
    func finish(_ batch: inout ChargeBatch) {
        let storage = batch.storage
        let count = batch.count
        batch.serviceDay = storage.adopt(serviceDay, count: count)
        batch.postDay = storage.adopt(postDay, count: count)
        batch.birthDay = storage.adopt(birthDay, count: count)
        batch.sex = storage.adopt(sex, count: count)
        batch.procedure = storage.adopt(procedure, count: count)
        batch.modifiers = storage.adopt(modifiers, count: count)
        batch.units = storage.adopt(units, count: count)
        batch.amountCents = storage.adopt(amount, count: count)
        batch.diagnoses = storage.adopt(diagnoses, count: count * 12)
        batch.renderingNPI = storage.adopt(rendering, count: count)
        batch.billingNPI = storage.adopt(billing, count: count)
        batch.placeOfService = storage.adopt(placeOfService, count: count)
        batch.payerIndex = storage.adopt(payerIndex, count: count)
        batch.payers = payers.names
        batch.departmentIndex = storage.adopt(departmentIndex, count: count)
        batch.departments = departments.names
    }

    /// The columns of a record that could not be parsed: every value missing.
    func setMissing(_ r: Int) {
        serviceDay[r] = DayNumber.missing
        postDay[r] = DayNumber.missing
        birthDay[r] = DayNumber.missing
        sex[r] = 0
        procedure[r] = 0
        modifiers[r] = 0
        units[r] = 1000
        amount[r] = 0
        (diagnoses + r &* 12).initialize(repeating: 0, count: 12)
        rendering[r] = 0
        billing[r] = 0
        placeOfService[r] = 255
        payerIndex[r] = 0
        departmentIndex[r] = 0
    }

    @inline(__always)
    private func field(_ r: Int, _ column: Int) -> (UnsafePointer<UInt8>, Int) {
        let s = spans[r &* ChargeBatch.columnCount &+ column]
        return (base + Int(s.start), Int(s.length))
    }

    /// Empty, or only spaces (every field is read trimmed): missing.
    @inline(__always)
    private func isBlank(_ r: Int, _ column: Int) -> Bool {
        let (p, length) = field(r, column)
        var k = 0
        while k < length && p[k] == 0x20 { k &+= 1 }
        return k == length
    }

    /// Blank, or a footer's label such as `Total`, `Grand Total:` or `TOTALS` (any text with
    /// "total" in it, case aside): with no date and no procedure, the row sums the lines above it
    /// wherever the label sits, and its amount is no charge.
    private func isBlankOrTotal(_ r: Int, _ column: Int) -> Bool {
        let (p, length) = field(r, column)
        guard length >= 5 else { return isBlank(r, column) }
        for k in 0...(length - 5) where p[k] | 0x20 == 0x74 {
            if p[k + 1] | 0x20 == 0x6F && p[k + 2] | 0x20 == 0x74 && p[k + 3] | 0x20 == 0x61 && p[k + 4] | 0x20 == 0x6C
            {
                return true
            }
        }
        return isBlank(r, column)
    }

    @inline(__always)
    private func isWordReadable(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        length <= 8 && base.distance(to: p) <= lastWordStart
    }

    func decode(_ r: Int, _ sink: inout FindingSink) {
        let (payerPointer, payerLength) = field(r, Column.payerId.index)
        let number = payers.intern(payerPointer, payerLength)
        let payer = number < Int(UInt16.max) ? UInt16(number) : 0
        payerIndex[r] = payer
        let (departmentPointer, departmentLength) = field(r, Column.department.index)
        departmentIndex[r] = UInt32(truncatingIfNeeded: departments.intern(departmentPointer, departmentLength))
        // A record with none of the required fields (a footer's `Total,,,,,1234.00`) is no charge:
        // held with its S02s, its amount stays out of the dollars (the run's charges were doubled).
        var noCharge = false
        if isBlank(r, Column.encounterId.index) || isBlank(r, Column.patientId.index)
            || isBlank(r, Column.serviceDate.index) || (isBlank(r, Column.procedureCode.index) && !revenueCodeServes(r))
        {
            reportBlankRequired(r, payer, &sink)
            noCharge =
                isBlank(r, Column.serviceDate.index) && isBlank(r, Column.procedureCode.index)
                && isBlankOrTotal(r, Column.encounterId.index) && isBlankOrTotal(r, Column.patientId.index)
            if noCharge {
                // Its department and payer fields hold a subtotal's label (`LAB Total`), no
                // department or payer: the report ranked such labels at a 100% error rate.
                departmentIndex[r] = 0
                payerIndex[r] = 0
            }
        }
        let amountIsBlank = hasAmount && isBlank(r, Column.chargeAmount.index)
        if amountIsBlank {
            sink.add(
                .S02, record: r, field: "charge_amount",
                message: "required field charge_amount is empty: a charge line needs its amount",
                payer: payerName(payer))
        }
        // Dates.
        serviceDay[r] = date(r, .serviceDate, dateMemo, payer, &sink)
        postDay[r] = date(r, .postDate, dateMemo, payer, &sink)
        birthDay[r] = date(r, .patientDob, birthMemo, payer, &sink)
        // Sex.
        let (sexPointer, sexLength) = field(r, Column.patientSex.index)
        var sexCode: UInt8 = 0
        if sexLength > 0 {
            sexCode =
                sexLength == 1
                ? ChargeParser.sexCode(sexPointer[0])
                : ChargeParser.sexCode(UnsafeRawBufferPointer(start: sexPointer, count: sexLength))
            if sexCode == 0 {
                sink.add(
                    .S03, record: r, field: "patient_sex", message: "patient_sex is not M, F or U",
                    payer: payerName(payer))
            }
        }
        sex[r] = sexCode
        // Units and amount.
        let (unitsPointer, unitsLength) = field(r, Column.units.index)
        var unitCount: Int32 = 1000
        if hasUnits && unitsLength > 0 {
            if unitsLength == 1 && unitsPointer[0] &- 0x30 < 10 {
                unitCount = Int32(unitsPointer[0] &- 0x30) &* 1000
            } else if !isBlank(r, Column.units.index) {
                if let value = ChargeParser.units(UnsafeRawBufferPointer(start: unitsPointer, count: unitsLength)) {
                    unitCount = value
                } else {
                    let text = UnsafeRawBufferPointer(start: unitsPointer, count: unitsLength)
                    reportMalformed(r, .units, message: ChargeParser.unitsProblem(text), payer, &sink)
                }
            }
        }
        units[r] = unitCount
        var cents: Int64 = 0
        if hasAmount && !amountIsBlank && !noCharge {
            let (amountPointer, amountLength) = field(r, Column.chargeAmount.index)
            if let value = self.cents(amountPointer, amountLength) {
                cents = value
            } else {
                let text = UnsafeRawBufferPointer(start: amountPointer, count: amountLength)
                reportMalformed(
                    r, .chargeAmount,
                    message: Money.isOverMaximum(text)
                        ? "charge amount is over $99,999,999.99 (a shifted field?)"
                        : Money.hasFractionOfACent(text)
                            ? "charge amount has more than two decimals: a charge is whole cents"
                            : text.contains(0x2C)
                                ? "charge amount is not a decimal amount (a comma only groups thousands: 1,234.56)"
                                : "charge amount is not a decimal amount", payer, &sink)
            }
        }
        amount[r] = cents
        // Zero units on a line with a charge (a quantity typed 0, or `0.000` from a feed): no
        // service to bill, and a payer rejects the line. It passed clean.
        // A credit of 0 units is a dollar adjustment, and passes.
        if unitCount == 0 && cents > 0 {
            reportMalformed(
                r, .units, message: "units is 0 on a line with a charge (a charge bills at least one unit)", payer,
                &sink)
        }
        // Codes.
        let (codePointer, codeLength) = field(r, Column.procedureCode.index)
        procedure[r] = procedureCode(codePointer, codeLength)
        // Twelve zeros in three vector stores, then the codes of the layout's diagnosis columns
        // (a test of all twelve columns per record cost more than the codes).
        let row = UnsafeMutableRawPointer(diagnoses + r &* 12)
        row.storeBytes(of: SIMD4<UInt64>(), as: SIMD4<UInt64>.self)
        row.storeBytes(of: SIMD4<UInt64>(), toByteOffset: 32, as: SIMD4<UInt64>.self)
        row.storeBytes(of: SIMD4<UInt64>(), toByteOffset: 64, as: SIMD4<UInt64>.self)
        var dx = diagnosisColumns
        while dx != 0 {
            let k = dx.trailingZeroBitCount
            dx &= dx &- 1
            let (dxPointer, dxLength) = field(r, Column.dx1.index &+ k)
            if dxLength > 0 { row.storeBytes(of: code(dxPointer, dxLength), toByteOffset: k &* 8, as: UInt64.self) }
        }
        var packedModifiers: UInt64 = 0
        var slot = 0
        var modifier = modifierColumns
        while modifier != 0 {
            let k = modifier.trailingZeroBitCount
            modifier &= modifier &- 1
            let (mPointer, mLength) = field(r, Column.modifier1.index &+ k)
            if mLength > 0 { ChargeParser.addModifier(mPointer, mLength, &packedModifiers, &slot) }
        }
        if splitModifiers {
            let (listPointer, listLength) = field(r, Column.modifiers.index)
            var start = 0
            for i in 0...listLength
            where i == listLength || listPointer[i] == 0x3A || listPointer[i] == 0x2C || listPointer[i] == 0x20 {
                if i > start { ChargeParser.addModifier(listPointer + start, i - start, &packedModifiers, &slot) }
                start = i + 1
            }
        }
        modifiers[r] = packedModifiers
        let (rPointer, rLength) = field(r, Column.renderingNpi.index)
        rendering[r] = npi(rPointer, rLength)
        let (bPointer, bLength) = field(r, Column.billingNpi.index)
        billing[r] = npi(bPointer, bLength)
        let (posPointer, posLength) = field(r, Column.placeOfService.index)
        placeOfService[r] = ChargeParser.placeOfService(posPointer, posLength)
    }

    /// The payer of a record as the configuration knows it (nil when the field is empty); only
    /// findings need it, so it is looked up for them alone.
    private func payerName(_ payer: UInt16) -> String? {
        payer == 0 ? nil : payers.names[Int(payer)]
    }

    /// Whether the record's revenue code stands for its missing procedure code (a claim file's
    /// institutional line: `ChargeParser.revenueCodeStandsForProcedure`).
    @inline(__always)
    private func revenueCodeServes(_ r: Int) -> Bool {
        guard revenueCodeStandsForProcedure else { return false }
        // A UB-04 revenue code: anything else (C10) does not stand for a procedure.
        let (p, length) = field(r, Column.revenueCode.index)
        return ChargeParser.isRevenueCode(UnsafeRawBufferPointer(start: p, count: length))
    }

    @inline(never)
    private func reportBlankRequired(_ r: Int, _ payer: UInt16, _ sink: inout FindingSink) {
        for column in Column.required where isBlank(r, column.index) {
            if column == .procedureCode && revenueCodeServes(r) { continue }
            sink.add(
                .S02, record: r, field: column.rawValue, message: "required field \(column.rawValue) is empty",
                payer: payerName(payer))
        }
    }

    @inline(never)
    private func reportMalformed(
        _ r: Int, _ column: Column, message: String, _ payer: UInt16, _ sink: inout FindingSink
    ) {
        let (p, length) = field(r, column.index)
        sink.add(
            .S03, record: r, field: column.rawValue,
            value: String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self), message: message,
            payer: payerName(payer))
    }

    @inline(never)
    private func reportDate(_ r: Int, _ column: Column, _ payer: UInt16, _ sink: inout FindingSink) {
        let field = field(r, column.index)
        // Birth dates are patient identity: the value stays out of the finding.
        let text = UnsafeRawBufferPointer(start: field.0, count: field.1)
        let value = column.isPatientIdentity ? "" : String(decoding: text, as: UTF8.self)
        sink.add(
            .S03, record: r, field: column.rawValue, value: value, message: ChargeParser.dateProblem(field, column),
            payer: payerName(payer))
    }

    @inline(__always)
    private func date(
        _ r: Int, _ column: Column, _ memo: TextMemo, _ payer: UInt16, _ sink: inout FindingSink
    ) -> Int32 {
        let (p, length) = field(r, column.index)
        if length == 0 { return DayNumber.missing }
        let key = length == 10 ? TextMemo.Key.tenBytes(p) : nil
        if let key, let day = memo.value(key) { return Int32(truncatingIfNeeded: day) }
        let day = DayNumber.parse(ChargeParser.trimmed(UnsafeRawBufferPointer(start: p, count: length)))
        // Only real dates are remembered: a malformed one takes this path again, for its S03.
        if let key, DayNumber.isDate(day) { memo.remember(key, UInt64(truncatingIfNeeded: day)) }
        if day == DayNumber.malformed { reportDate(r, column, payer, &sink) }
        return day
    }

    @inline(__always)
    private func npi(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        guard length == 10 else { return ChargeParser.npi(p, length) }
        let key = TextMemo.Key.tenBytes(p)
        if let value = npiMemo.value(key) { return value }
        let value = ChargeParser.npi(p, length)
        npiMemo.remember(key, value)
        return value
    }

    @inline(__always)
    private func code(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        guard isWordReadable(p, length) else { return ChargeParser.packCode(p, length) }
        let key = TextMemo.Key.word(p, length)
        if let value = codeMemo.value(key) { return value }
        let value = ChargeParser.packCode(p, length)
        codeMemo.remember(key, value)
        return value
    }

    /// A procedure code packed as `code` packs it, except that a dot anywhere makes it malformed:
    /// CPT and HCPCS codes have none (`992.13` passed as 99213, read with an ICD-10-CM code's dot).
    @inline(__always)
    private func procedureCode(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var i = 0
        while i < length {
            if p[i] == 0x2E { return PackedCode.invalid }
            i &+= 1
        }
        return code(p, length)
    }

    @inline(__always)
    private func cents(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int64? {
        let key = isWordReadable(p, length) ? TextMemo.Key.word(p, length) : nil
        if let key, let value = amountMemo.value(key) { return Int64(bitPattern: value) }
        // Only amounts are remembered: a malformed one takes this path again, for its S03.
        guard let value = Money.cents(UnsafeRawBufferPointer(start: p, count: length)) else { return nil }
        if let key { amountMemo.remember(key, UInt64(bitPattern: value)) }
        return value
    }
}
