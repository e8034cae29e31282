/// Pairs each credit of a patient-day with the charge it reverses, before the encounter rules run.
///
/// DOMAIN.md: a credit "cancels one matching earlier charge for duplicate detection". The charge it
/// cancels is the latest earlier one not yet cancelled with the same code, modifiers (as a set),
/// units and amount (either sign), rendering provider and setting: the duplicate `A1, A2, credit` is then
/// `A2` reversed, and neither line is a duplicate (the earlier rule counted the credit only against
/// later lines, so it held A2 and left A1 and its reversal, net $0, in the clean output). A credit
/// that matches no earlier charge reverses nothing. A reversed charge no longer counts as a
/// charge for E01/E02, E03, E04 and E06: with its credit beside it, holding it (or holding another
/// line because of it) would leave the credit alone in the clean output. E05 keeps adding it and
/// subtracting the credit, as DOMAIN.md says.
enum Reversals {
    /// Marks the reversed charges of `lines[range]`, one patient-day of a few lines in input order,
    /// by scanning back from each credit (a large group goes through `Backward`).
    static func mark(_ lines: inout [EncounterLine], _ range: Range<Int>) {
        guard lines[range].contains(where: \.isCredit) else { return }
        for c in range where lines[c].isCredit {
            let key = DuplicateRule.ExactKey(lines[c])
            var j = c - 1
            while j >= range.lowerBound {
                if lines[j].isStandingCharge && DuplicateRule.ExactKey(lines[j]) == key {
                    lines[j].flags |= EncounterLine.reversed
                    break
                }
                j -= 1
            }
        }
    }

    /// The same marks for a large group, its lines visited from the last to the first: each
    /// credit waits for the nearest earlier charge of its key, so a charge is reversed when a
    /// credit of its key is still waiting. That pairs a credit and a charge exactly as matching
    /// each credit with the latest earlier charge not yet reversed does (the pairs of nested
    /// brackets are the same read from either end), and it keeps a count per key instead of every
    /// standing charge, so the lines can stream past from a file.
    struct Backward {
        private var waiting: [DuplicateRule.ExactKey: Int] = [:]

        /// True when it marked `line` reversed.
        @discardableResult
        mutating func visit(_ line: inout EncounterLine) -> Bool {
            // A line whose modifiers cannot be read has a key of its own: it pairs with nothing.
            guard !line.hasUnreadableModifiers else { return false }
            let key = DuplicateRule.ExactKey(line)
            if line.isCredit {
                waiting[key, default: 0] += 1
                return false
            }
            guard let n = waiting[key], n > 0 else { return false }
            waiting[key] = n - 1
            line.flags |= EncounterLine.reversed
            return true
        }
    }
}
