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
        let count = batch.count
        let base = batch.base
        let sp = batch.spans
        let columns = ChargeBatch.columnCount
        // Typed columns are filled through raw buffers (no uniqueness or bounds checks per write)
        // and become the batch's columns at the end.
        let serviceDay = FillColumn<Int32>(count, DayNumber.missing)
        let postDay = FillColumn<Int32>(count, DayNumber.missing)
        let birthDay = FillColumn<Int32>(count, DayNumber.missing)
        let sex = FillColumn<UInt8>(count, 0)
        let procedure = FillColumn<UInt64>(count, 0)
        let modifiers = FillColumn<UInt64>(count, 0)
        let units = FillColumn<Int32>(count, 1)
        let amount = FillColumn<Int64>(count, 0)
        let diagnoses = FillColumn<UInt64>(count * 12, 0)
        let rendering = FillColumn<UInt64>(count, 0)
        let billing = FillColumn<UInt64>(count, 0)
        let pos = FillColumn<UInt8>(count, 255)
        let payerIndex = FillColumn<UInt16>(count, 0)
        let departmentIndex = FillColumn<UInt32>(count, 0)
        let hasAmount = layout.has(.chargeAmount)
        let hasUnits = layout.has(.units)
        let diagnosisColumns = Column.diagnoses.filter { layout.has($0) }.map { $0.index }
        let modifierColumns = Column.modifierColumns.filter { layout.has($0) }.map { $0.index }
        let splitModifiers = self.splitModifiers
        var payers = TextInterner()
        var departments = TextInterner()
        let iDepartment = Column.department.index
        let iService = Column.serviceDate.index
        let iPost = Column.postDate.index
        let iBirth = Column.patientDob.index
        let iSex = Column.patientSex.index
        let iUnits = Column.units.index
        let iAmount = Column.chargeAmount.index
        let iProcedure = Column.procedureCode.index
        let iRendering = Column.renderingNpi.index
        let iBilling = Column.billingNpi.index
        let iPOS = Column.placeOfService.index
        let iPayer = Column.payerId.index
        let iModifiers = Column.modifiers.index
        let iDx1 = Column.dx1.index
        let required = Column.required.map { ($0.index, $0) }
        // Dates (service, post and birth alike), NPIs, codes and amounts: texts that repeat.
        let dateMemo = TextMemo()
        let npiMemo = TextMemo()
        let codeMemo = TextMemo()
        let amountMemo = TextMemo()
        defer {
            for memo in [dateMemo, npiMemo, codeMemo, amountMemo] { memo.deallocate() }
        }
        @inline(__always) func npi(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
            guard length == 10 else { return Self.npi(p, length) }
            let key = TextMemo.Key.tenBytes(p)
            if let value = npiMemo.value(key) { return value }
            let value = Self.npi(p, length)
            npiMemo.remember(key, value)
            return value
        }
        // Texts that start at least eight bytes before the chunk's end can be read a word at a time.
        let lastWordStart = batch.chunk.bytes.count &- 8
        @inline(__always) func isWordReadable(_ p: UnsafePointer<UInt8>, _ length: Int) -> Bool {
            length <= 8 && base.distance(to: p) <= lastWordStart
        }
        @inline(__always) func code(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
            guard isWordReadable(p, length) else { return Self.packCode(p, length) }
            let key = TextMemo.Key.word(p, length)
            if let value = codeMemo.value(key) { return value }
            let value = Self.packCode(p, length)
            codeMemo.remember(key, value)
            return value
        }
        @inline(__always) func cents(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int64? {
            let key = isWordReadable(p, length) ? TextMemo.Key.word(p, length) : nil
            if let key, let value = amountMemo.value(key) { return Int64(bitPattern: value) }
            // Only amounts are remembered: a malformed one takes this path again, for its S03.
            guard let value = Money.cents(UnsafeRawBufferPointer(start: p, count: length)) else { return nil }
            if let key { amountMemo.remember(key, UInt64(bitPattern: value)) }
            return value
        }

        do {
            for r in 0..<count where !batch.unparsed[r] {
                let row = r &* columns
                @inline(__always) func field(_ i: Int) -> (UnsafePointer<UInt8>, Int) {
                    let s = sp[row &+ i]
                    return (base + Int(s.start), Int(s.length))
                }
                let (payerPointer, payerLength) = field(iPayer)
                let number = payers.intern(UnsafeRawBufferPointer(start: payerPointer, count: payerLength))
                let p = number < Int(UInt16.max) ? UInt16(number) : 0
                payerIndex[r] = p
                let payerName: String? = p == 0 ? nil : payers.names[Int(p)]
                let (departmentPointer, departmentLength) = field(iDepartment)
                departmentIndex[r] = UInt32(
                    truncatingIfNeeded: departments.intern(UnsafeRawBufferPointer(start: departmentPointer, count: departmentLength)))
                // Empty, or only spaces (every field is read trimmed): missing.
                @inline(__always) func isBlank(_ i: Int) -> Bool {
                    let (p, length) = field(i)
                    var k = 0
                    while k < length && p[k] == 0x20 { k &+= 1 }
                    return k == length
                }
                for (i, column) in required where isBlank(i) {
                    sink.add(
                        .S02, record: r, field: column.rawValue, message: "required field \(column.rawValue) is empty",
                        payer: payerName)
                }
                let amountIsBlank = hasAmount && isBlank(iAmount)
                if amountIsBlank {
                    sink.add(.S02, record: r, field: "charge_amount", message: "charge amount is empty", payer: payerName)
                }
                // Dates.
                serviceDay[r] = date(field(iService), .serviceDate, dateMemo, r, &sink, payerName)
                postDay[r] = date(field(iPost), .postDate, dateMemo, r, &sink, payerName)
                birthDay[r] = date(field(iBirth), .patientDob, dateMemo, r, &sink, payerName)
                // Sex.
                let (sexPointer, sexLength) = field(iSex)
                if sexLength > 0 {
                    let code = Self.sexCode(UnsafeRawBufferPointer(start: sexPointer, count: sexLength))
                    if code == 0 {
                        sink.add(
                            .S03, record: r, field: "patient_sex", message: "patient_sex is not M, F or U",
                            payer: payerName)
                    }
                    sex[r] = code
                }
                // Units and amount.
                let (unitsPointer, unitsLength) = field(iUnits)
                if hasUnits && unitsLength > 0 && !isBlank(iUnits) {
                    if unitsLength == 1 && unitsPointer[0] &- 0x30 < 10 {
                        units[r] = Int32(unitsPointer[0] &- 0x30)
                    } else if let value = Self.integer(UnsafeRawBufferPointer(start: unitsPointer, count: unitsLength)) {
                        units[r] = value
                    } else {
                        sink.add(
                            .S03, record: r, field: "units", value: batch.text(.units, r),
                            message: "units is not a whole number", payer: payerName)
                    }
                }
                let (amountPointer, amountLength) = field(iAmount)
                if hasAmount && !amountIsBlank {
                    if let cents = cents(amountPointer, amountLength) {
                        amount[r] = cents
                    } else {
                        sink.add(
                            .S03, record: r, field: "charge_amount", value: batch.text(.chargeAmount, r),
                            message: "charge amount is not a decimal amount", payer: payerName)
                    }
                }
                // Codes.
                let (codePointer, codeLength) = field(iProcedure)
                procedure[r] = code(codePointer, codeLength)
                for i in diagnosisColumns {
                    let (dxPointer, dxLength) = field(i)
                    if dxLength > 0 { diagnoses[r &* 12 &+ (i &- iDx1)] = code(dxPointer, dxLength) }
                }
                var packedModifiers: UInt64 = 0
                var slot = 0
                for i in modifierColumns {
                    let (mPointer, mLength) = field(i)
                    if mLength > 0 { Self.addModifier(mPointer, mLength, &packedModifiers, &slot) }
                }
                if splitModifiers {
                    let (listPointer, listLength) = field(iModifiers)
                    var start = 0
                    for i in 0...listLength where i == listLength || listPointer[i] == 0x3A || listPointer[i] == 0x2C || listPointer[i] == 0x20 {
                        if i > start { Self.addModifier(listPointer + start, i - start, &packedModifiers, &slot) }
                        start = i + 1
                    }
                }
                modifiers[r] = packedModifiers
                let (rPointer, rLength) = field(iRendering)
                rendering[r] = npi(rPointer, rLength)
                let (bPointer, bLength) = field(iBilling)
                billing[r] = npi(bPointer, bLength)
                let (posPointer, posLength) = field(iPOS)
                pos[r] = Self.placeOfService(posPointer, posLength)
            }
        }
        batch.serviceDay = serviceDay.column(in: batch.storage)
        batch.postDay = postDay.column(in: batch.storage)
        batch.birthDay = birthDay.column(in: batch.storage)
        batch.sex = sex.column(in: batch.storage)
        batch.procedure = procedure.column(in: batch.storage)
        batch.modifiers = modifiers.column(in: batch.storage)
        batch.units = units.column(in: batch.storage)
        batch.amountCents = amount.column(in: batch.storage)
        batch.diagnoses = diagnoses.column(in: batch.storage)
        batch.renderingNPI = rendering.column(in: batch.storage)
        batch.billingNPI = billing.column(in: batch.storage)
        batch.placeOfService = pos.column(in: batch.storage)
        batch.payerIndex = payerIndex.column(in: batch.storage)
        batch.payers = payers.names
        batch.departmentIndex = departmentIndex.column(in: batch.storage)
        batch.departments = departments.names
    }

    @inline(__always)
    private func date(
        _ field: (UnsafePointer<UInt8>, Int), _ column: Column, _ memo: TextMemo, _ r: Int, _ sink: inout FindingSink,
        _ payer: String?
    ) -> Int32 {
        if field.1 == 0 { return DayNumber.missing }
        let key = field.1 == 10 ? TextMemo.Key.tenBytes(field.0) : nil
        if let key, let day = memo.value(key) { return Int32(truncatingIfNeeded: day) }
        let day = DayNumber.parse(Self.trimmed(UnsafeRawBufferPointer(start: field.0, count: field.1)))
        // Only real dates are remembered: a malformed one takes this path again, for its S03.
        if let key, DayNumber.isDate(day) { memo.remember(key, UInt64(truncatingIfNeeded: day)) }
        if day == DayNumber.malformed {
            // Birth dates are patient identity: the value stays out of the finding.
            let value =
                column.isPatientIdentity ? "" : String(decoding: UnsafeRawBufferPointer(start: field.0, count: field.1), as: UTF8.self)
            sink.add(
                .S03, record: r, field: column.rawValue, value: value, message: Self.dateProblem(field, column), payer: payer)
        }
        return day
    }

    /// S03's message for a date field `DayNumber.parse` refused (kept out of `date`, which is inlined
    /// for every date of every line).
    @inline(never)
    private static func dateProblem(_ field: (UnsafePointer<UInt8>, Int), _ column: Column) -> String {
        let text = trimmed(UnsafeRawBufferPointer(start: field.0, count: field.1))
        return DayNumber.isDateOutsideYears(text)
            ? "\(column.rawValue) is a date outside the years 1800-2200"
            : "\(column.rawValue) is not a real date (YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY)"
    }

    /// A code packed like `PackedCode.pack` (dots skipped, spaces trimmed); `PackedCode.invalid`
    /// when it holds anything else or is too long, 0 when empty.
    @inline(__always)
    static func packCode(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var packed: UInt64 = 0
        var count = 0
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

    static func sexCode(_ raw: UnsafeRawBufferPointer) -> UInt8 {
        let bytes = trimmed(raw)
        if bytes.count == 1 {
            switch bytes[0] | 0x20 {
            case 0x6D: return 0x4D  // M
            case 0x66: return 0x46  // F
            case 0x75: return 0x55  // U
            default: return 0
            }
        }
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "male": return 0x4D
        case "female": return 0x46
        case "unknown": return 0x55
        default: return 0
        }
    }

    /// A whole number, optionally signed and with a zero fraction (`2`, `-1`, `3.0`).
    static func integer(_ raw: UnsafeRawBufferPointer) -> Int32? {
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
            if value > Int64(Int32.max) { return nil }
            i += 1
        }
        if i < bytes.count && bytes[i] == 0x2E {
            i += 1
            while i < bytes.count && bytes[i] == 0x30 { i += 1 }
        }
        guard digits > 0, i == bytes.count else { return nil }
        return Int32(negative ? -value : value)
    }

    /// Ten digits as an integer; 0 when empty, `PackedCode.invalid` when not ten digits or all
    /// zeros (which would read as empty).
    static func npi(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let bytes = trimmed(raw)
        if bytes.isEmpty { return 0 }
        guard bytes.count == 10 else { return PackedCode.invalid }
        var value: UInt64 = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return PackedCode.invalid }
            value = value &* 10 &+ UInt64(c &- 0x30)
        }
        return value == 0 ? PackedCode.invalid : value
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

/// A typed column being filled: a raw buffer written without checks, handed to the batch at the end.
private struct FillColumn<T: BitwiseCopyable> {
    let buffer: UnsafeMutableBufferPointer<T>
    let count: Int

    init(_ count: Int, _ initial: T) {
        self.count = count
        buffer = .allocate(capacity: max(count, 1))
        buffer.initialize(repeating: initial)
    }

    @inline(__always)
    subscript(_ i: Int) -> T {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }

    /// The values as the batch's column, owned by `storage` from here on.
    func column(in storage: BatchStorage) -> BatchColumn<T> {
        storage.adopt(buffer.baseAddress!, count: count)
    }
}
