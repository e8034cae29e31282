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
        var lastPayer: [UInt8] = []
        var lastPayerIndex: UInt16 = 0
        var payerLookup: [[UInt8]: UInt16] = [[]: 0]

        for r in 0..<count where !batch.unparsed[r] {
            let payerName = settingsPayer(&batch, r, &lastPayer, &lastPayerIndex, &payerLookup)
            for column in Column.required where batch.isEmpty(column, r) {
                sink.add(
                    .S02, record: r, field: column.rawValue, message: "required field \(column.rawValue) is empty",
                    payer: payerName)
            }
            if hasAmount && batch.isEmpty(.chargeAmount, r) {
                sink.add(.S02, record: r, field: "charge_amount", message: "charge amount is empty", payer: payerName)
            }
            // Dates.
            batch.serviceDay[r] = decodeDate(&batch, .serviceDate, r, sink: &sink, payer: payerName)
            batch.postDay[r] = decodeDate(&batch, .postDate, r, sink: &sink, payer: payerName)
            batch.birthDay[r] = decodeDate(&batch, .patientDob, r, sink: &sink, payer: payerName)
            // Sex.
            let sexSpan = batch.span(.patientSex, r)
            if sexSpan.length != 0 && sexSpan.length != -1 {
                let code = batch.withBytes(sexSpan) { Self.sexCode($0) }
                if code == 0 {
                    sink.add(
                        .S03, record: r, field: "patient_sex",
                        message: "patient_sex is not M, F or U", payer: payerName)
                }
                batch.sex[r] = code
            }
            // Units and amount.
            if hasUnits && !batch.isEmpty(.units, r) {
                if let units = batch.withBytes(.units, r, { Self.integer($0) }) {
                    batch.units[r] = units
                } else {
                    sink.add(
                        .S03, record: r, field: "units", value: batch.text(.units, r),
                        message: "units is not a whole number", payer: payerName)
                }
            }
            if hasAmount && !batch.isEmpty(.chargeAmount, r) {
                if let cents = batch.withBytes(.chargeAmount, r, { Money.cents($0) }) {
                    batch.amountCents[r] = cents
                } else {
                    sink.add(
                        .S03, record: r, field: "charge_amount", value: batch.text(.chargeAmount, r),
                        message: "charge amount is not a decimal amount", payer: payerName)
                }
            }
            // Codes.
            batch.procedure[r] = batch.withBytes(.procedureCode, r) { PackedCode.pack(Self.trimmed($0)) ?? PackedCode.invalid }
            for (k, column) in Column.diagnoses.enumerated() {
                let span = batch.span(column, r)
                if span.length == 0 || span.length == -1 { continue }
                batch.diagnoses[r * 12 + k] = batch.withBytes(span) { PackedCode.pack(Self.trimmed($0)) ?? PackedCode.invalid }
            }
            batch.modifiers[r] = decodeModifiers(batch, r)
            batch.renderingNPI[r] = batch.withBytes(.renderingNpi, r) { Self.npi($0) }
            batch.billingNPI[r] = batch.withBytes(.billingNpi, r) { Self.npi($0) }
            batch.placeOfService[r] = batch.withBytes(.placeOfService, r) { Self.placeOfService($0) }
        }
    }

    private func settingsPayer(
        _ batch: inout ChargeBatch, _ r: Int, _ last: inout [UInt8], _ lastIndex: inout UInt16,
        _ lookup: inout [[UInt8]: UInt16]
    ) -> String? {
        let isSame = batch.withBytes(.payerId, r) { bytes in bytes.elementsEqual(last) }
        if !isSame {
            let key = batch.withBytes(.payerId, r) { Array(Self.trimmed($0)) }
            if let index = lookup[key] {
                lastIndex = index
            } else if batch.payers.count < Int(UInt16.max) {
                let index = UInt16(batch.payers.count)
                batch.payers.append(String(decoding: key, as: UTF8.self))
                lookup[key] = index
                lastIndex = index
            }
            last = batch.withBytes(.payerId, r) { Array($0) }
        }
        batch.payerIndex[r] = lastIndex
        return lastIndex == 0 ? nil : batch.payers[Int(lastIndex)]
    }

    private func decodeDate(
        _ batch: inout ChargeBatch, _ column: Column, _ r: Int, sink: inout FindingSink, payer: String?
    ) -> Int32 {
        let day = batch.withBytes(column, r) { DayNumber.parse(Self.trimmed($0)) }
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
        func add(_ bytes: UnsafeRawBufferPointer) {
            let code = Self.trimmed(bytes)
            guard code.count > 0, slot < 4 else { return }
            var value: UInt64 = 0xFFF
            if code.count == 2, let a = PackedCode.value(code[0]), let b = PackedCode.value(code[1]) {
                value = a << 6 | b
            }
            packed |= value << UInt64(36 - 12 * slot)
            slot += 1
        }
        for column in Column.modifierColumns {
            batch.withBytes(column, r) { add($0) }
        }
        if splitModifiers {
            batch.withBytes(.modifiers, r) { bytes in
                var start = 0
                for i in 0...bytes.count {
                    if i == bytes.count || bytes[i] == 0x3A || bytes[i] == 0x2C || bytes[i] == 0x20 {
                        if i > start { add(UnsafeRawBufferPointer(rebasing: bytes[start..<i])) }
                        start = i + 1
                    }
                }
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
            value = value * 10 + UInt64(c - 0x30)
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
