import Foundation

/// Management metrics gathered from one parsed batch.
///
/// This runs on the hot path, once per chunk in the worker: the per-record loop is integer work
/// over the batch's columns. Departments and providers get small per-batch numbers (interned
/// without a `String` per record), counts go into per-batch arrays, and only then are they folded
/// into the metrics' dictionaries, by name, once per batch.
extension ScrubMetrics {
    /// Adds what one batch contributes beyond the basic counts: per department, provider and
    /// payer, dollars, charge lag, weeks of service, top codes. `held` lists the batch's held
    /// records (index within the batch, ascending); `findings` are sorted by record.
    mutating func accumulate(batch: ChargeBatch, findings: [Finding], held: [Int32]) {
        let count = batch.count
        guard count > 0 else { return }
        var departments = DepartmentInterner()
        var providers = ProviderInterner()
        var departmentTally = [GroupTally](repeating: GroupTally(), count: 8)
        var providerTally = [GroupTally](repeating: GroupTally(), count: 16)
        let payerNames = batch.payers.isEmpty ? [""] : batch.payers
        var payerTally = [GroupTally](repeating: GroupTally(), count: payerNames.count)
        var weeks = WeekSlots()
        // Lags 0..<denseLag per department in one flat array; the rest (negative, long) aside.
        let denseLag = 64
        var lag = [Int32](repeating: 0, count: 8 * denseLag)
        var lagAside: [(department: Int32, days: Int32)] = []

        var f = 0
        var h = 0
        var total = GroupTally()
        for r in 0..<count {
            var line = GroupTally()
            line.lines = 1
            let amount = batch.amountCents[r]
            line.chargesCents = amount
            while f < findings.count && Int(findings[f].record) == r {
                line.findings += 1
                if findings[f].severity == .error { line.errors += 1 }
                f += 1
            }
            if h < held.count && Int(held[h]) == r {
                line.held = 1
                line.heldCents = amount
                h += 1
            }
            if line.findings > 0 {
                line.flagged = 1
                if line.held == 0 { line.atRiskCents = amount }
            }
            total.add(line)

            let unparsed = batch.unparsed[r]
            let d = unparsed ? 0 : departments.intern(batch.bytes(.department, r))
            if d >= departmentTally.count {
                departmentTally.append(contentsOf: repeatElement(GroupTally(), count: departmentTally.count))
                lag.append(contentsOf: repeatElement(0, count: lag.count))
            }
            departmentTally[d].add(line)
            let p = providers.intern(batch.renderingNPI[r])
            if p >= providerTally.count {
                providerTally.append(contentsOf: repeatElement(GroupTally(), count: providerTally.count))
            }
            providerTally[p].add(line)
            payerTally[Int(batch.payerIndex[r])].add(line)
            let service = batch.serviceDay[r]
            weeks.add(line, week: ISOWeek.index(service))
            let post = batch.postDay[r]
            if DayNumber.isDate(service) && DayNumber.isDate(post) {
                let days = post &- service
                if days >= 0 && days < Int32(denseLag) {
                    lag[d &* denseLag &+ Int(days)] &+= 1
                } else {
                    lagAside.append((Int32(d), days))
                }
            }
        }

        // Totals (records, held and the basic counts were set by the caller).
        flagged += total.flagged
        chargesCents += total.chargesCents
        heldCents += total.heldCents
        atRiskCents += total.atRiskCents

        // Findings: per rule (records flagged by each rule once) and the codes behind them.
        var previous: (record: Int32, rule: RuleID)? = nil
        for finding in findings {
            let i = finding.rule.ordinal
            if finding.severity == .error { rules[i].errors += 1 }
            if previous == nil || previous!.record != finding.record || previous!.rule != finding.rule {
                rules[i].lines += 1
                rules[i].chargesCents += batch.amountCents[Int(finding.record)]
                previous = (finding.record, finding.rule)
            }
            let code: UInt64
            if TopCode.findingNamesCode(finding.rule) {
                code = Self.packedValue(finding.value)
            } else {
                code = batch.procedure[Int(finding.record)]
            }
            topCodes[TopCode.key(code, rule: finding.rule), default: 0] += 1
        }

        // Fold the per-batch arrays into the metrics, once per group.
        for (d, name) in departments.names.enumerated() where departmentTally[d].lines > 0 {
            self.departments[name, default: GroupTally()].add(departmentTally[d])
            var histogram = chargeLag[name] ?? [:]
            for days in 0..<denseLag where lag[d * denseLag + days] != 0 {
                histogram[Int32(days), default: 0] += Int(lag[d * denseLag + days])
            }
            for aside in lagAside where aside.department == Int32(d) { histogram[aside.days, default: 0] += 1 }
            if !histogram.isEmpty { chargeLag[name] = histogram }
        }
        for (p, npi) in providers.keys.enumerated() where providerTally[p].lines > 0 {
            self.providers[npi, default: GroupTally()].add(providerTally[p])
        }
        for (y, name) in payerNames.enumerated() where payerTally[y].lines > 0 {
            payers[name, default: GroupTally()].add(payerTally[y])
        }
        weeks.fold(into: &self.weeks)
    }

    /// A code as it appears in a finding's value, packed (dots skipped, spaces trimmed); 0 when
    /// empty, `PackedCode.invalid` when it is not a code.
    static func packedValue(_ value: String) -> UInt64 {
        var text = value
        return text.withUTF8 { utf8 in
            var s = 0
            var e = utf8.count
            while s < e && utf8[s] == 0x20 { s += 1 }
            while e > s && utf8[e - 1] == 0x20 { e -= 1 }
            return PackedCode.pack(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[s..<e]))
                ?? PackedCode.invalid
        }
    }
}

// MARK: - Per-batch interning

/// Gives each distinct department text of a batch a small number (0 is the empty field) without a
/// `String` per record: runs of records share a department, so the last one is checked first, then
/// a small open-addressing table keyed by an FNV-1a hash of the bytes.
struct DepartmentInterner {
    private(set) var names: [String] = [""]
    private var bytes: [[UInt8]] = [[]]
    private var slots = [Int32](repeating: -1, count: 64)
    private var hashes = [UInt64](repeating: 0, count: 64)
    private var last = 0

    @inline(__always)
    mutating func intern(_ raw: UnsafeRawBufferPointer) -> Int {
        let field = ChargeParser.trimmed(raw)
        if field.isEmpty { return 0 }
        if Self.equal(bytes[last], field) { return last }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in field { hash = (hash ^ UInt64(c)) &* 0x0000_0100_0000_01B3 }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if hashes[i] == hash && Self.equal(bytes[k], field) {
                last = k
                return k
            }
            i = (i + 1) & mask
        }
        let k = names.count
        names.append(String(decoding: field, as: UTF8.self))
        bytes.append(Array(field))
        slots[i] = Int32(k)
        hashes[i] = hash
        last = k
        if names.count * 2 > slots.count { grow() }
        return k
    }

    @inline(__always)
    private static func equal(_ known: [UInt8], _ field: UnsafeRawBufferPointer) -> Bool {
        guard known.count == field.count else { return false }
        return known.withUnsafeBytes { memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 }
    }

    private mutating func grow() {
        let oldSlots = slots
        let oldHashes = hashes
        slots = [Int32](repeating: -1, count: oldSlots.count * 2)
        hashes = [UInt64](repeating: 0, count: oldSlots.count * 2)
        let mask = slots.count - 1
        for j in oldSlots.indices where oldSlots[j] >= 0 {
            var i = Int(truncatingIfNeeded: oldHashes[j] ^ (oldHashes[j] >> 29)) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = oldSlots[j]
            hashes[i] = oldHashes[j]
        }
    }
}

/// Gives each distinct rendering NPI of a batch a small number: the last one first, then an
/// open-addressing table with a multiplicative hash (`Hasher` would cost more and is seeded).
struct ProviderInterner {
    private(set) var keys: [UInt64] = []
    private var slots = [Int32](repeating: -1, count: 64)
    private var last = -1
    private var lastKey: UInt64 = 0

    @inline(__always)
    mutating func intern(_ npi: UInt64) -> Int {
        if last >= 0 && lastKey == npi { return last }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: (npi &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if keys[k] == npi {
                last = k
                lastKey = npi
                return k
            }
            i = (i + 1) & mask
        }
        let k = keys.count
        keys.append(npi)
        slots[i] = Int32(k)
        last = k
        lastKey = npi
        if keys.count * 2 > slots.count { grow() }
        return k
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, npi) in keys.enumerated() {
            var i = Int(truncatingIfNeeded: (npi &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }
}

/// Per-batch week counts: an array around the batch's first week (a month-end extract spans a
/// few months), a dictionary for anything further away, and one slot for records without a date.
struct WeekSlots {
    private static let span = 128
    private var base: Int32 = ISOWeek.none
    private var slots = [GroupTally](repeating: GroupTally(), count: span + 1)
    private var far: [Int32: GroupTally] = [:]

    @inline(__always)
    mutating func add(_ line: GroupTally, week: Int32) {
        if week == ISOWeek.none {
            slots[Self.span].add(line)
            return
        }
        if base == ISOWeek.none { base = week &- Int32(Self.span / 2) }
        let i = Int(week &- base)
        if i >= 0 && i < Self.span {
            slots[i].add(line)
        } else {
            far[week, default: GroupTally()].add(line)
        }
    }

    func fold(into weeks: inout [Int32: GroupTally]) {
        for i in 0..<Self.span where slots[i].lines > 0 {
            weeks[base + Int32(i), default: GroupTally()].add(slots[i])
        }
        if slots[Self.span].lines > 0 { weeks[ISOWeek.none, default: GroupTally()].add(slots[Self.span]) }
        for (week, tally) in far { weeks[week, default: GroupTally()].add(tally) }
    }
}
