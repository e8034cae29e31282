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
        let departmentNames = batch.departments
        var providers = ProviderInterner()
        var weeks = WeekIndexer()
        let payerNames = batch.payers.isEmpty ? [""] : batch.payers
        // Dense pass, every record: lines and charges per group, charge lag. Each record's group
        // numbers are kept for the sparse pass over flagged records below. The department and
        // provider arrays are sized for the most the batch can have (its department names; a
        // provider per record) rather than grown in the loop: an array that may grow there is
        // checked for uniqueness at every write, three calls a record.
        var departmentLines = [LineCount](repeating: LineCount(), count: departmentNames.count)
        var providerLines = [LineCount](repeating: LineCount(), count: count)
        var payerLines = [LineCount](repeating: LineCount(), count: payerNames.count)
        var weekLines = [LineCount](repeating: LineCount(), count: weeks.slotCount)
        var groupsOf = [RecordGroups](repeating: RecordGroups(), count: count)
        // Lags 0..<denseLag per department in one flat array; the rest (negative, long) aside.
        let denseLag = 64
        var lag = [Int32](repeating: 0, count: departmentNames.count * denseLag)
        var lagAside: [(department: Int32, days: Int32)] = []
        var charges: Int64 = 0
        // Blank records belong to no group: a spreadsheet's empty rows made a "(none)" department.
        var blanks = batch.blankRecords.makeIterator()
        var nextBlank = blanks.next().map { Int($0) } ?? count
        for r in 0..<count {
            if r == nextBlank {
                nextBlank = blanks.next().map { Int($0) } ?? count
                continue
            }
            let amount = batch.amountCents[r]
            charges &+= amount
            // Numbers the parser gave: below the batch's department count.
            let d = Int(batch.departmentIndex[r])
            departmentLines[d].add(amount)
            let p = providers.intern(NPI.groupKey(batch.renderingNPI[r]))
            providerLines[p].add(amount)
            let y = Int(batch.payerIndex[r])
            payerLines[y].add(amount)
            let service = batch.serviceDay[r]
            let w = weeks.slot(service)
            if w >= weekLines.count { weekLines.append(LineCount()) }
            weekLines[w].add(amount)
            groupsOf[r] = RecordGroups(department: Int32(d), provider: Int32(p), payer: UInt16(y), week: Int32(w))
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
        chargesCents += charges

        // Sparse pass, records with findings (held records are among them): what each one adds
        // to its groups, per rule, and the codes behind the findings.
        var departmentFlags = [GroupTally](repeating: GroupTally(), count: departmentNames.count)
        var providerFlags = [GroupTally](repeating: GroupTally(), count: providers.keys.count)
        var payerFlags = [GroupTally](repeating: GroupTally(), count: payerNames.count)
        var weekFlags = [GroupTally](repeating: GroupTally(), count: weekLines.count)
        var f = 0
        var h = 0
        while f < findings.count {
            let record = findings[f].record
            let r = Int(record)
            let amount = batch.amountCents[r]
            var line = GroupTally()
            line.flagged = 1
            var lastRule: RuleID? = nil
            while f < findings.count && findings[f].record == record {
                let rule = findings[f].rule
                let i = rule.ordinal
                line.findings += 1
                if findings[f].severity == .error {
                    line.errors += 1
                    rules[i].errors += 1
                }
                // A record counts once per rule, however many findings the rule made on it.
                if rule != lastRule {
                    rules[i].lines += 1
                    rules[i].chargesCents += amount
                    lastRule = rule
                }
                let code =
                    TopCode.findingNamesCode(rule)
                    ? Self.packedValue(findings[f].value, diagnosis: TopCode.findingNamesDiagnosis(rule))
                    : batch.procedure[r]
                topCodes[TopCode.key(code, rule: rule), default: 0] += 1
                f += 1
            }
            while h < held.count && held[h] < record { h += 1 }
            if h < held.count && held[h] == record {
                line.held = 1
                line.heldCents = amount
            } else {
                line.atRiskCents = amount
            }
            flagged += 1
            heldCents += line.heldCents
            atRiskCents += line.atRiskCents
            let g = groupsOf[r]
            departmentFlags[Int(g.department)].add(line)
            providerFlags[Int(g.provider)].add(line)
            payerFlags[Int(g.payer)].add(line)
            weekFlags[Int(g.week)].add(line)
        }

        // Fold the per-batch arrays into the metrics, once per group.
        for (d, name) in departmentNames.enumerated() where departmentLines[d].lines > 0 {
            self.departments[name, default: GroupTally()].add(departmentFlags[d].adding(departmentLines[d]))
            var histogram = chargeLag[name] ?? [:]
            for days in 0..<denseLag where lag[d * denseLag + days] != 0 {
                histogram[Int32(days), default: 0] += Int(lag[d * denseLag + days])
            }
            for aside in lagAside where aside.department == Int32(d) { histogram[aside.days, default: 0] += 1 }
            if !histogram.isEmpty { chargeLag[name] = histogram }
        }
        for (p, npi) in providers.keys.enumerated() where providerLines[p].lines > 0 {
            self.providers[npi, default: GroupTally()].add(providerFlags[p].adding(providerLines[p]))
        }
        for (y, name) in payerNames.enumerated() where payerLines[y].lines > 0 {
            payers[name, default: GroupTally()].add(payerFlags[y].adding(payerLines[y]))
        }
        for w in weekLines.indices where weekLines[w].lines > 0 {
            self.weeks[weeks.week(ofSlot: w), default: GroupTally()].add(weekFlags[w].adding(weekLines[w]))
        }
    }

    /// A code as it appears in a finding's value, packed as the parser packs the field (spaces
    /// trimmed; a diagnosis's one dot after its third character skipped, any other dot makes it
    /// malformed); 0 when empty, `PackedCode.invalid` when it is not a code. Dots skipped anywhere
    /// listed `J.069` as J06.9 and a modifier `2.5` as 25 among the top codes.
    static func packedValue(_ value: String, diagnosis: Bool) -> UInt64 {
        var text = value
        return text.withUTF8 { utf8 in
            guard let p = utf8.baseAddress, !utf8.isEmpty else { return 0 }
            if !diagnosis && utf8.contains(0x2E) { return PackedCode.invalid }
            return ChargeParser.packCode(p, utf8.count)
        }
    }
}

// MARK: - Per-batch interning

/// Gives each distinct text of a batch's column (department, payer) a small number (0 is the empty
/// field) without a `String` per record: runs of records share a value, so the last one is checked first, then
/// a small open-addressing table keyed by a hash of the bytes (`hash`).
///
/// It keeps pointers to each name's first occurrence, so the bytes given to `intern` must stay put
/// while the interner is used (a batch's chunk does); that keeps the per-record path free of
/// reference counting, which an array of byte arrays would cost.
struct TextInterner {
    private(set) var names: [String] = [""]
    private var starts: [UnsafePointer<UInt8>?] = [nil]
    private var lengths: [Int] = [0]
    private var slots = [Int32](repeating: -1, count: 64)
    private var hashes = [UInt64](repeating: 0, count: 64)
    private var last = 0
    /// Where the last name's first occurrence lies: the run check reads no array.
    private var lastStart: UnsafePointer<UInt8>?
    private var lastLength = 0

    /// The number of the `length` bytes at `p`, spaces trimmed.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ length: Int) -> Int {
        let field = ChargeParser.trimmed(UnsafeRawBufferPointer(start: p, count: length))
        guard let base = field.baseAddress, !field.isEmpty else { return 0 }
        let start = base.assumingMemoryBound(to: UInt8.self)
        let count = field.count
        if count == lastLength, let lastStart, memcmp(lastStart, start, count) == 0 { return last }
        return lookUp(start, count)
    }

    /// The number of `raw`'s text, spaces trimmed.
    mutating func intern(_ raw: UnsafeRawBufferPointer) -> Int {
        guard let p = raw.baseAddress else { return 0 }
        return intern(p.assumingMemoryBound(to: UInt8.self), raw.count)
    }

    /// `intern` past the run check: the hash table, and a new number for a new name.
    private mutating func lookUp(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let hash = Self.hash(bytes, count)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while slots[i] >= 0 {
            let k = Int(slots[i])
            if hashes[i] == hash && lengths[k] == count, let start = starts[k], memcmp(start, bytes, count) == 0 {
                remember(k)
                return k
            }
            i = (i + 1) & mask
        }
        let k = names.count
        names.append(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        starts.append(bytes)
        lengths.append(count)
        slots[i] = Int32(k)
        hashes[i] = hash
        remember(k)
        if names.count * 2 > slots.count { grow() }
        return k
    }

    /// FNV-1a of a short text; a longer one (eight bytes or more) by its first and last eight bytes
    /// and its length, mixed, which is all a table of a few dozen names needs (a match is confirmed
    /// by comparing the bytes) and a few instructions instead of a few per byte.
    @inline(__always)
    private static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        guard count >= 8 else {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for i in 0..<count { hash = (hash ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3 }
            return hash
        }
        let first = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
        let last = UnsafeRawPointer(bytes + (count &- 8)).loadUnaligned(as: UInt64.self)
        let mixed = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &+ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F
        return mixed ^ (mixed >> 31)
    }

    private mutating func remember(_ k: Int) {
        last = k
        lastStart = starts[k]
        lastLength = lengths[k]
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

/// Lines and charges of one group in a batch (the dense pass counts only these).
struct LineCount {
    var lines = 0
    var charges: Int64 = 0

    @inline(__always)
    mutating func add(_ amount: Int64) {
        lines &+= 1
        charges &+= amount
    }
}

/// A record's group numbers within its batch.
struct RecordGroups {
    var department: Int32 = 0
    var provider: Int32 = 0
    var payer: UInt16 = 0
    var week: Int32 = 0
}

extension GroupTally {
    /// This tally (flagged records only) with the lines and charges of all the group's records.
    func adding(_ count: LineCount) -> GroupTally {
        var t = self
        t.lines += count.lines
        t.chargesCents += count.charges
        return t
    }
}

/// Per-batch numbers for weeks of service: a fixed window of slots around the batch's first week
/// (a month-end extract spans a few months), one slot for records without a date, and further
/// slots handed out for weeks outside the window.
struct WeekIndexer {
    static let span = 128
    static let noDate = span
    private var base: Int32 = ISOWeek.none
    private var far: [Int32: Int] = [:]
    private var farWeeks: [Int32] = []

    var slotCount: Int { Self.span + 1 + farWeeks.count }

    @inline(__always)
    mutating func slot(_ day: Int32) -> Int {
        let week = ISOWeek.index(day)
        if week == ISOWeek.none { return Self.noDate }
        if base == ISOWeek.none { base = week &- Int32(Self.span / 2) }
        let i = Int(week &- base)
        if i >= 0 && i < Self.span { return i }
        if let slot = far[week] { return slot }
        let slot = Self.span + 1 + farWeeks.count
        far[week] = slot
        farWeeks.append(week)
        return slot
    }

    func week(ofSlot slot: Int) -> Int32 {
        if slot < Self.span { return base &+ Int32(slot) }
        if slot == Self.noDate { return ISOWeek.none }
        return farWeeks[slot - Self.span - 1]
    }
}
