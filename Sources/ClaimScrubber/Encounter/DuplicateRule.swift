/// E01 exact duplicates and E02 probable duplicates, per patient and date, across encounters and files.
///
/// Lines are taken in input order. The first occurrence of a charge passes; a later line with the
/// same code, modifiers (as a set), units, provider and amount is E01. A later line with the same
/// code and provider but other details, and no repeat modifier (76, 77, 91), is E02 (a warning).
/// A later line with a distinct-service modifier (59, XE, XS, XP, XU) is no probable duplicate,
/// as one with a repeat modifier is not; one whose site modifiers (RT/LT, F1, T1, 50…) differ from
/// the earlier one's is a service elsewhere (`20610-RT` beside `20610-LT`); a line with no site
/// modifier may repeat any (`20610` beside `20610-RT`).
/// The provider is the one PTP and MUE edits group by (`EncounterLine.provider`): the rendering NPI
/// of a professional line, the billing NPI of a facility line, whose charge is the facility's
/// whoever rendered it (two rendering NPIs on one facility charge made no duplicate). Both compare lines of one setting only: a facility line (with a revenue code)
/// and the physician's professional line for the same service are a split bill, two claims, not a
/// duplicate. A credit (negative units or amount) and the charge it reverses
/// (`Reversals.mark`, before the rules run) are left out: neither is a duplicate nor makes one.
///
/// A patient-day holds a handful of lines, so earlier lines are scanned directly (no hashing);
/// only a large group (a placeholder patient with thousands of lines) keeps the first line of each
/// key in dictionaries (`Large`).
struct DuplicateRule: EncounterRule {
    var ids: [RuleID] { [.E01, .E02] }

    struct ExactKey: Hashable {
        var code: UInt64
        var modifiers: UInt64
        var units: Int32
        var amount: Int64
        var provider: UInt32
        var institutional: Bool
        /// 0, or for a line whose modifiers cannot be read its ordinal + 1: such a line's key
        /// equals no other line's, so it is no exact duplicate and reverses or is reversed by no
        /// credit.
        var unique: UInt64

        init(_ line: EncounterLine) {
            code = line.code
            modifiers = line.modifiers
            units = abs(line.units)
            amount = abs(line.amountCents)
            provider = line.provider
            institutional = line.isInstitutional
            unique = line.hasUnreadableModifiers ? line.ordinal &+ 1 : 0
        }
    }

    struct ProbableKey: Hashable {
        var code: UInt64
        var provider: UInt32
        var institutional: Bool
        var sites: UInt64
        /// The line's key with its own site modifiers, or with `sites` in their place (0: none).
        init(_ line: EncounterLine, sites: UInt64? = nil) {
            code = line.code
            provider = line.provider
            institutional = line.isInstitutional
            self.sites = sites ?? DuplicateRule.sites(line)
        }
    }

    /// Whether lines with these site modifiers may repeat each other: the same ones, or none on
    /// either (`20610` beside `20610-RT` may be the right knee twice, one line missing its side).
    @inline(__always)
    static func sitesMayRepeat(_ a: UInt64, _ b: UInt64) -> Bool { a == b || a == 0 || b == 0 }

    /// The line's site modifiers (`EncounterRules.siteModifiers`), packed in
    /// the order of its canonical modifiers: lines that differ in them are no probable duplicates.
    @inline(__always)
    static func sites(_ line: EncounterLine) -> UInt64 {
        guard line.modifiers != 0 else { return 0 }
        var kept: UInt64 = 0
        for k in 0..<4 {
            let m = UInt16(truncatingIfNeeded: line.modifiers >> UInt64(36 - 12 * k)) & 0xFFF
            if m != 0 && EncounterRules.siteModifiers.contains(m) { kept = kept << 12 | UInt64(m) }
        }
        return kept
    }

    func check(_ lines: ArraySlice<EncounterLine>, _ context: EncounterContext, _ out: inout [EncounterFinding]) {
        guard lines.count > 1 else { return }
        let start = lines.startIndex
        for i in lines.indices where lines[i].isStandingCharge {
            let line = lines[i]
            let exact = ExactKey(line)
            var exactFirst: UInt64?
            var probableFirst: UInt64?
            var lineSites: UInt64?
            for j in start..<i where lines[j].isStandingCharge {
                let other = lines[j]
                guard other.code == line.code, other.provider == line.provider,
                    other.isInstitutional == line.isInstitutional
                else { continue }
                if probableFirst == nil {
                    if lineSites == nil { lineSites = Self.sites(line) }
                    if Self.sitesMayRepeat(Self.sites(other), lineSites!) { probableFirst = other.ordinal }
                }
                if exactFirst == nil && ExactKey(other) == exact { exactFirst = other.ordinal }
            }
            report(line, exactFirst: exactFirst, probableFirst: probableFirst, context, &out)
        }
    }

    /// True when `lines[i]` is a charge E01 holds as a repeat of an earlier one (an error for its
    /// payer): E05 leaves its units out, since the repeat is not to be billed, and counting them
    /// held the charge it repeats (an office visit exported twice was over its MUE of 1).
    static func isHeldRepeat(_ i: Int, in lines: ArraySlice<EncounterLine>, _ context: EncounterContext) -> Bool {
        let line = lines[i]
        guard line.isStandingCharge else { return false }
        let key = ExactKey(line)
        for j in lines.startIndex..<i where lines[j].isStandingCharge && lines[j].code == line.code {
            if ExactKey(lines[j]) == key { return context.severity(.E01, line) == .error }
        }
        return false
    }

    /// Reports `line` against the first earlier line it matches exactly, else the first it matches
    /// probably; the finding keeps that line's record number (`EncounterFinding.earlierOrdinal`)
    /// so that its row can say which line the charge repeats.
    @inline(__always)
    fileprivate func report(
        _ line: EncounterLine, exactFirst: UInt64?, probableFirst: UInt64?, _ context: EncounterContext,
        _ out: inout [EncounterFinding]
    ) {
        if let exactFirst {
            if let severity = context.severity(.E01, line) {
                out.append(EncounterFinding(line: line, rule: .E01, severity: severity, earlier: exactFirst))
            }
        } else if let probableFirst, !line.hasModifier(in: EncounterRules.repeatModifiers),
            !line.hasModifier(in: EncounterRules.distinctModifiers)
        {
            if let severity = context.severity(.E02, line) {
                out.append(EncounterFinding(line: line, rule: .E02, severity: severity, earlier: probableFirst))
            }
        }
    }

    func largeGroup(on day: Int32, _ context: EncounterContext) -> any LargeGroupCheck {
        Large(rule: self, context: context)
    }

    /// A large group: the first standing charge of each exact and each probable key, by record
    /// number; a later line of a key repeats that one.
    struct Large: LargeGroupCheck {
        let rule: DuplicateRule
        let context: EncounterContext
        var exact: [ExactKey: UInt64] = [:]
        /// The first line of each probable key with its site modifiers, and of each whatever they are.
        var probable: [ProbableKey: UInt64] = [:]
        var probableAnySites: [ProbableKey: UInt64] = [:]

        mutating func gather(_ line: EncounterLine) {
            guard line.isStandingCharge else { return }
            // Lines come in input order: the first one seen of a key is its first.
            let (e, p) = (ExactKey(line), ProbableKey(line))
            if exact[e] == nil { exact[e] = line.ordinal }
            if probable[p] == nil { probable[p] = line.ordinal }
            let any = ProbableKey(line, sites: 0)
            if probableAnySites[any] == nil { probableAnySites[any] = line.ordinal }
        }

        func report(_ line: EncounterLine, _ out: inout [EncounterFinding]) {
            guard line.isStandingCharge else { return }
            let exactFirst = exact[ExactKey(line)].flatMap { $0 < line.ordinal ? $0 : nil }
            // The first earlier line whose sites may repeat this one's (`sitesMayRepeat`): any, for
            // a line without site modifiers; else one with the same sites or with none.
            let key = ProbableKey(line)
            let candidates =
                key.sites == 0
                ? [probableAnySites[key]] : [probable[key], probable[ProbableKey(line, sites: 0)]]
            let probableFirst = candidates.compactMap { $0.flatMap { $0 < line.ordinal ? $0 : nil } }.min()
            rule.report(line, exactFirst: exactFirst, probableFirst: probableFirst, context, &out)
        }
    }
}
