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
    /// Marks the reversed charges of `lines[range]`, one patient-day in input order.
    static func mark(_ lines: inout [EncounterLine], _ range: Range<Int>) {
        guard lines[range].contains(where: \.isCredit) else { return }
        if range.count <= EncounterRules.directScanLimit {
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
            return
        }
        // A large group (a placeholder patient): the standing charges of each key, latest last.
        var standing: [DuplicateRule.ExactKey: [Int]] = [:]
        for i in range {
            let key = DuplicateRule.ExactKey(lines[i])
            if !lines[i].isCredit {
                standing[key, default: []].append(i)
            } else if let j = standing[key]?.popLast() {
                lines[j].flags |= EncounterLine.reversed
            }
        }
    }
}
