/// Turning field text into typed columns: day numbers, cents, packed codes, NPIs.
extension ChargeParser {
    func decodeColumns(_ batch: inout ChargeBatch, sink: inout FindingSink) {
        let count = batch.count
        batch.serviceDay = .init(repeating: DayNumber.missing, count: count)
        batch.postDay = .init(repeating: DayNumber.missing, count: count)
        batch.birthDay = .init(repeating: DayNumber.missing, count: count)
        batch.sex = .init(repeating: 0, count: count)
        batch.procedure = .init(repeating: 0, count: count)
        batch.modifiers = .init(repeating: 0, count: count)
        batch.units = .init(repeating: 1, count: count)
        batch.amountCents = .init(repeating: 0, count: count)
        batch.diagnoses = .init(repeating: 0, count: count * 12)
        batch.renderingNPI = .init(repeating: 0, count: count)
        batch.billingNPI = .init(repeating: 0, count: count)
        batch.placeOfService = .init(repeating: 255, count: count)
        batch.payerIndex = .init(repeating: 0, count: count)
        batch.payers = [""]
        let hasAmount = layout.has(.chargeAmount)
        let hasUnits = layout.has(.units)
        let hasSex = layout.has(.patientSex)
        let hasModifierColumns = Column.modifierColumns.contains { layout.has($0) }
        let diagnosisColumns = Column.diagnoses.filter { layout.has($0) }.map { ($0.index - Column.dx1.index, $0) }
        var payers = PayerInterner()

        for r in 0..<count where !batch.unparsed[r] {
            let payerIndex = payers.intern(batch.bytes(.payerId, r), into: &batch.payers)
            batch.payerIndex[r] = payerIndex
            let payerName: String? = payerIndex == 0 ? nil : batch.payers[Int(payerIndex)]
            for column in Column.required where batch.isEmpty(column, r) {
                sink.add(
                    .S02, record: r, field: column.rawValue, message: "required field \(column.rawValue) is empty",
                    payer: payerName)
            }
            if hasAmount && batch.isEmpty(.chargeAmount, r) {
                sink.add(.S02, record: r, field: "charge_amount", message: "charge amount is empty", payer: payerName)
            }
            // Dates.
            batch.serviceDay[r] = decodeDate(batch, .serviceDate, r, sink: &sink, payer: payerName)
            batch.postDay[r] = decodeDate(batch, .postDate, r, sink: &sink, payer: payerName)
            batch.birthDay[r] = decodeDate(batch, .patientDob, r, sink: &sink, payer: payerName)
            // Sex.
            if hasSex && !batch.isEmpty(.patientSex, r) {
                let code = Self.sexCode(batch.bytes(.patientSex, r))
                if code == 0 {
                    sink.add(.S03, record: r, field: "patient_sex", message: "patient_sex is not M, F or U", payer: payerName)
                }
                batch.sex[r] = code
            }
            // Units and amount.
            if hasUnits && !batch.isEmpty(.units, r) {
                if let units = Self.integer(batch.bytes(.units, r)) {
                    batch.units[r] = units
                } else {
                    sink.add(
                        .S03, record: r, field: "units", value: batch.text(.units, r),
                        message: "units is not a whole number", payer: payerName)
                }
            }
            if hasAmount && !batch.isEmpty(.chargeAmount, r) {
                if let cents = Money.cents(batch.bytes(.chargeAmount, r)) {
                    batch.amountCents[r] = cents
                } else {
                    sink.add(
                        .S03, record: r, field: "charge_amount", value: batch.text(.chargeAmount, r),
                        message: "charge amount is not a decimal amount", payer: payerName)
                }
            }
            // Codes.
            batch.procedure[r] = PackedCode.pack(Self.trimmed(batch.bytes(.procedureCode, r))) ?? PackedCode.invalid
            for (k, column) in diagnosisColumns {
                let bytes = batch.bytes(column, r)
                if bytes.isEmpty { continue }
                batch.diagnoses[r &* 12 &+ k] = PackedCode.pack(Self.trimmed(bytes)) ?? PackedCode.invalid
            }
            if hasModifierColumns || splitModifiers { batch.modifiers[r] = decodeModifiers(batch, r) }
            batch.renderingNPI[r] = Self.npi(batch.bytes(.renderingNpi, r))
            batch.billingNPI[r] = Self.npi(batch.bytes(.billingNpi, r))
            batch.placeOfService[r] = Self.placeOfService(batch.bytes(.placeOfService, r))
        }
    }

    private func decodeDate(
        _ batch: ChargeBatch, _ column: Column, _ r: Int, sink: inout FindingSink, payer: String?
    ) -> Int32 {
        let day = DayNumber.parse(Self.trimmed(batch.bytes(column, r)))
        if day == DayNumber.malformed {
            // Birth dates are patient identity: the value stays out of the finding.
            let value = column.isPatientIdentity ? "" : batch.text(column, r)
            sink.add(
                .S03, record: r, field: column.rawValue, value: value,
                message: "\(column.rawValue) is not a real date (YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY)", payer: payer)
        }
        return day
    }

    private func decodeModifiers(_ batch: ChargeBatch, _ r: Int) -> UInt64 {
        var packed: UInt64 = 0
        var slot = 0
        @inline(__always) func add(_ bytes: UnsafeRawBufferPointer) {
            let code = Self.trimmed(bytes)
            guard code.count > 0, slot < 4 else { return }
            var value: UInt64 = 0xFFF
            if code.count == 2, let a = PackedCode.value(code[0]), let b = PackedCode.value(code[1]) {
                value = a << 6 | b
            }
            packed |= value << UInt64(36 - 12 * slot)
            slot += 1
        }
        add(batch.bytes(.modifier1, r))
        add(batch.bytes(.modifier2, r))
        add(batch.bytes(.modifier3, r))
        add(batch.bytes(.modifier4, r))
        if splitModifiers {
            let bytes = batch.bytes(.modifiers, r)
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x3A || bytes[i] == 0x2C || bytes[i] == 0x20 {
                if i > start { add(UnsafeRawBufferPointer(rebasing: bytes[start..<i])) }
                start = i + 1
            }
        }
        return packed
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

    /// Ten digits as an integer; 0 when empty, `PackedCode.invalid` when not ten digits.
    static func npi(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let bytes = trimmed(raw)
        if bytes.isEmpty { return 0 }
        guard bytes.count == 10 else { return PackedCode.invalid }
        var value: UInt64 = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return PackedCode.invalid }
            value = value &* 10 &+ UInt64(c &- 0x30)
        }
        return value
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

/// Gives each distinct payer id of a batch a small number, without hashing per record: runs of
/// lines share a payer, and a batch has few of them.
struct PayerInterner {
    private var known: [[UInt8]] = [[]]
    private var last: Int = 0

    mutating func intern(_ raw: UnsafeRawBufferPointer, into names: inout [String]) -> UInt16 {
        let bytes = ChargeParser.trimmed(raw)
        if known[last].elementsEqual(bytes) { return UInt16(last) }
        for (i, k) in known.enumerated() where k.count == bytes.count && k.elementsEqual(bytes) {
            last = i
            return UInt16(i)
        }
        guard known.count < Int(UInt16.max) else { return 0 }
        known.append(Array(bytes))
        names.append(String(decoding: bytes, as: UTF8.self))
        last = known.count - 1
        return UInt16(last)
    }
}
