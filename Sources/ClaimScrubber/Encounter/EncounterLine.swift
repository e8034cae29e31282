/// What the encounter rules need of one charge line, in 64 bytes: kept per shard (in memory or
/// spilled) from pass 1 until the shard stage.
struct EncounterLine: Sendable, Equatable {
    /// Record number over the whole run, in input order (files in command-line order).
    var ordinal: UInt64
    /// FNV-1a 64-bit hash of the patient id: the shard key and the grouping key.
    var patient: UInt64
    /// Packed procedure code.
    var code: UInt64
    /// Up to four modifiers, 12 bits each, sorted (a set), in the low 48 bits.
    var modifiers: UInt64
    var amountCents: Int64
    var day: Int32
    /// Units of service in thousandths (`ChargeParser.units`): 1.5 units are 1500.
    var units: Int32
    /// Provider numbers (`providerNumber`): the NPI, 0 when missing; other texts above 3·10⁹.
    var rendering: UInt32
    var billing: UInt32
    /// Run-wide numbers of the department and payer names (for the report's late findings).
    var department: UInt16
    var payer: UInt16
    var flags: UInt8

    static let institutional: UInt8 = 1
    static let heldByLineRules: UInt8 = 2
    /// A charge a later credit of its patient-day reverses (`Reversals.mark`, in the shard stage).
    static let reversed: UInt8 = 4
    /// A modifier of the wrong form (packed as 0xFFF, whatever its text) or a fifth one (no slot):
    /// the line's modifiers cannot be compared, so it is no line's exact duplicate (C07 holds it
    /// unless switched down to a warning, when "591" and "XX9" read alike made a false E01).
    static let unreadableModifiers: UInt8 = 8
    /// A line of an inpatient bill (type of bill 11x, 18x, 21x): paid by the stay, not by the
    /// service, it meets no outpatient-hospital NCCI PTP or MUE edit.
    static let inpatient: UInt8 = 16

    /// Whether a type of bill (`bill_type`, `111`) is an inpatient one: hospital inpatient (11x),
    /// swing bed (18x), skilled nursing inpatient (21x).
    static func isInpatientBill(_ bill: UnsafeRawBufferPointer) -> Bool {
        let text = ChargeParser.trimmed(bill)
        // A UB-04 form writes the type of bill with a leading zero (`0111`).
        let digits = text.count == 4 && text.first == 0x30 ? UnsafeRawBufferPointer(rebasing: text[1...]) : text
        guard digits.count >= 2 else { return false }
        return (digits[0], digits[1]) == (0x31, 0x31) || (digits[0], digits[1]) == (0x31, 0x38)
            || (digits[0], digits[1]) == (0x32, 0x31)
    }

    /// The code of a line billed by its revenue code alone (an 837I room-and-board line: no
    /// SV202), so that duplicates of it are found: `RC` and the four digits, six characters that no
    /// CPT or HCPCS code (five) can equal, and so no PTP, MUE or add-on entry either. Nil unless
    /// `revenue` is a UB-04 revenue code.
    static func revenueTag(_ revenue: UnsafeRawBufferPointer) -> UInt64? {
        guard ChargeParser.isRevenueCode(revenue) else { return nil }
        let digits = ChargeParser.trimmed(revenue)
        var tag = revenueTagPrefix
        for (k, c) in digits.enumerated() {
            tag |= UInt64(c &- 0x30 &+ 1) << UInt64(6 * (PackedCode.maxLength - 3 - k))
        }
        return tag
    }

    /// `RC` packed in the first two of `PackedCode`'s six-bit places (R = 28, C = 13).
    private static let revenueTagPrefix: UInt64 =
        28 << UInt64(6 * (PackedCode.maxLength - 1)) | 13 << UInt64(6 * (PackedCode.maxLength - 2))

    /// The revenue code a `revenueTag` stands for, or nil when `code` is a procedure code: read off
    /// the packed places (the findings rows ask for every encounter finding, without a string).
    static func revenueCode(ofTag code: UInt64) -> String? {
        guard isRevenueTag(code) else { return nil }
        return String(decoding: (2..<6).map { UInt8(place($0, of: code) - 1) + 0x30 }, as: UTF8.self)
    }

    /// Whether `code` is a `revenueTag` (with or without an NDC's hash), without making its text.
    static func isRevenueTag(_ code: UInt64) -> Bool {
        code >> UInt64(6 * (PackedCode.maxLength - 2)) == revenueTagPrefix >> UInt64(6 * (PackedCode.maxLength - 2))
            && (2..<6).allSatisfy({ place($0, of: code) &- 1 < 10 })
            && (code & tagDetail == 0 || place(6, of: code) >= drugMark)
    }

    /// The `i`-th six-bit place of a packed code.
    @inline(__always)
    private static func place(_ i: Int, of code: UInt64) -> UInt64 {
        (code >> UInt64(6 * (PackedCode.maxLength - 1 - i))) & 63
    }

    /// The places of a revenue tag past its six characters: a hash of the line's NDC.
    static let tagDetail: UInt64 = (1 << UInt64(6 * (PackedCode.maxLength - 6))) - 1
    /// The seventh place of a tag with an NDC: a value no character packs to (they are 1–36), so
    /// such a tag equals no packed code (`RC01200` is not one).
    static let drugMark: UInt64 = 48

    /// A revenue tag told apart by the line's NDC (LIN*N4, the drug): two lines of pharmacy
    /// revenue code 0250 without a HCPCS code, one for each of two drugs, were an exact
    /// duplicate of each other. Without an NDC the tag is the revenue code's alone.
    static func revenueTag(_ revenue: UnsafeRawBufferPointer, ndc: UnsafeRawBufferPointer) -> UInt64? {
        guard let tag = revenueTag(revenue) else { return nil }
        let drug = ChargeParser.trimmed(ndc)
        guard let base = drug.baseAddress, !drug.isEmpty else { return tag }
        // 18 bits of hash under the mark in the seventh place.
        let placeBits = UInt64(6 * (PackedCode.maxLength - 7))
        let hash = FNV1a.hash(base.assumingMemoryBound(to: UInt8.self), drug.count) & ((1 << placeBits) - 1)
        return tag | drugMark << placeBits | hash
    }

    /// The code as reports name it: a revenue tag without its NDC hash.
    static func reportedCode(_ code: UInt64) -> UInt64 {
        isRevenueTag(code) ? code & ~tagDetail : code
    }

    var isInstitutional: Bool { flags & Self.institutional != 0 }
    var isInpatient: Bool { flags & Self.inpatient != 0 }

    /// The NCCI PTP or MUE release a line's edits come from: the practitioner one for professional
    /// lines, the outpatient-hospital one for institutional lines, none for an inpatient bill's.
    @inline(__always)
    func ncciRelease(practitioner: Int?, hospital: Int?) -> Int? {
        isInpatient ? nil : isInstitutional ? hospital : practitioner
    }
    /// A reversal: negative units or amount.
    var isCredit: Bool { units < 0 || amountCents < 0 }
    /// A charge that stands: not a credit, and not reversed by one.
    var isStandingCharge: Bool { flags & Self.reversed == 0 && !isCredit }
    var hasUnreadableModifiers: Bool { flags & Self.unreadableModifiers != 0 }

    /// True when `modifiers` (the batch's packed field) holds a malformed or a fifth modifier.
    static func modifiersUnreadable(_ packed: UInt64) -> Bool {
        if packed & ChargeBatch.moreThanFourModifiers != 0 { return true }
        for k in 0..<4 where (packed >> UInt64(36 - 12 * k)) & 0xFFF == 0xFFF { return true }
        return false
    }

    /// The practitioner table for professional lines, the outpatient-hospital one for institutional lines.
    var setting: ServiceSetting { isInstitutional ? .outpatientHospital : .practitioner }

    /// An NPI column as a 32-bit provider number, equal for two lines exactly when they name the
    /// same provider: the NPI itself when it is ten digits below 3·10⁹ (every valid NPI starts with
    /// 1 or 2), 0 when the field is empty, and for any other text (malformed, all zeros, ten digits
    /// starting with 3–9) a number from 3·10⁹ up made from its bytes. Such a line is held by C09;
    /// its provider stays its own, so an empty or another malformed NPI is not "the same provider"
    /// for E01–E05.
    static func providerNumber(_ npi: UInt64, text: UnsafeRawBufferPointer) -> UInt32 {
        if npi < NPI.limit { return UInt32(npi) }
        let trimmed = ChargeParser.trimmed(text)
        let hash = trimmed.baseAddress.map { FNV1a.hash($0.assumingMemoryBound(to: UInt8.self), trimmed.count) } ?? 0
        return UInt32(NPI.limit + hash % (UInt64(UInt32.max) - NPI.limit + 1))
    }

    /// Who rendered the line: its rendering provider, or the billing provider when it names none.
    /// An 837P leaves the rendering provider out (no loop 2310B or 2420A) when it is the billing
    /// provider, as the 5010 guide has it; taken as "no provider", the lines of every such claim
    /// were one provider's, and two practices' lines for one patient and day met in E01, E02,
    /// E03 and E05.
    @inline(__always)
    var practitioner: UInt32 { rendering != 0 ? rendering : billing }

    /// The provider that groups PTP and MUE edits: rendering for professional, billing for institutional lines.
    var provider: UInt32 { isInstitutional ? billing : practitioner }

    /// Whether `other` is billed by the same provider in the same setting: the group of the NCCI
    /// edits (E03, E05) and of an add-on's primaries (E06).
    @inline(__always)
    func isSameProvider(as other: EncounterLine) -> Bool {
        isInstitutional == other.isInstitutional && provider == other.provider
    }

    /// True when any modifier is one of `set` (12-bit packed modifiers).
    func hasModifier(in set: Set<UInt16>) -> Bool {
        for k in 0..<4 {
            let m = UInt16(truncatingIfNeeded: modifiers >> UInt64(36 - 12 * k)) & 0xFFF
            if m != 0 && set.contains(m) { return true }
        }
        return false
    }
}

/// The 64-bit FNV-1a hash: stable across runs and machines, unlike Swift's seeded `Hasher`.
enum FNV1a {
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<count {
            h ^= UInt64(p[i])
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }
}

/// Packs modifier text ("25", "RT") the way the batch does, for the rule tables below.
enum ModifierCode {
    static func pack(_ text: String) -> UInt16 {
        let bytes = Array(text.utf8)
        guard bytes.count == 2, let a = PackedCode.value(bytes[0]), let b = PackedCode.value(bytes[1]) else {
            return 0xFFF
        }
        return UInt16(a << 6 | b)
    }

    static func unpack(_ code: UInt16) -> String {
        PackedCode.unpack(UInt64(code) << 48)
    }

    /// Sorts the four 12-bit slots (largest first) and drops repeats, so that the modifiers compare
    /// as a set: `59 59` and `59` are the same modifiers.
    @inline(__always)
    static func canonical(_ packed: UInt64) -> UInt64 {
        if packed == 0 { return 0 }
        var a = (packed >> 36) & 0xFFF, b = (packed >> 24) & 0xFFF, c = (packed >> 12) & 0xFFF, d = packed & 0xFFF
        // A sorting network of five compare-exchanges, no allocation.
        if a < b { swap(&a, &b) }
        if c < d { swap(&c, &d) }
        if a < c { swap(&a, &c) }
        if b < d { swap(&b, &d) }
        if b < c { swap(&b, &c) }
        // Sorted, a repeat sits next to its twin: clear it, then close the gaps (empty slots are 0,
        // the smallest, so they stay last).
        if d == c { d = 0 }
        if c == b { c = 0 }
        if b == a { b = 0 }
        if c == 0 { (c, d) = (d, 0) }
        if b == 0 { (b, c, d) = (c, d, 0) }
        return a << 36 | b << 24 | c << 12 | d
    }
}
