/// A plain-text listing of loaded table releases: kind, release, the service dates each serves,
/// entries, file and what the entries are, then what is not loaded and what that means.
public enum TableListing {
    public static func render(_ releases: [TableRelease]) -> String {
        var rows = [["kind", "release", "serves", "entries", "file"]]
        for r in releases {
            let serves = "\(r.effective ?? "any")..\(r.through ?? "open")"
            let file = r.detail.map { "\(r.file) (\($0))" } ?? r.file
            rows.append([r.kind, r.release, serves, String(r.entries), file])
        }
        let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == 4 ? cell : cell.padding(widths[c]) }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// The listing followed by notes on code sets not loaded and files ignored.
    public static func render(_ tables: CodeTables) -> String {
        var text = render(tables.releases)
        let notes = notes(tables)
        if !notes.isEmpty { text += "\n" + notes.map { "note: \($0)" }.joined(separator: "\n") + "\n" }
        return text
    }

    /// The notes on the public code sets a run checks codes against (ICD-10-CM, HCPCS, place of
    /// service, modifiers, MCE, Excludes1) that are not loaded: `scrub` prints them, since a
    /// `--tables DIR` without `default` checks those codes' form only. The CPT, revenue-code and
    /// NCCI notes stay with `tables list`: no shipped set has them.
    public static func missingCodeSetNotes(_ tables: CodeTables) -> [String] {
        codeSetNotes(tables).filter(\.shipped).map(\.note)
    }

    public static func notes(_ tables: CodeTables) -> [String] {
        var notes = codeSetNotes(tables).map(\.note) + unusedReleaseNotes(tables.releases)
        if tables.excludes1.isLoaded { notes += excludes1GapNotes(tables.releases) }
        if !tables.ignoredFiles.isEmpty {
            notes.append(
                "ignored (neither in tables.toml nor an official name): \(tables.ignoredFiles.joined(separator: ", "))")
            // CMS publishes the NCCI and MUE files zipped; the text files inside are what is read.
            let zipped = tables.ignoredFiles.filter { $0.lowercased().hasSuffix(".zip") }
            if !zipped.isEmpty {
                notes.append(
                    "zip archives are not read: unzip \(zipped.joined(separator: ", ")) into the folder (the .txt and .csv files inside are)"
                )
            }
            let workbooks = tables.ignoredFiles.filter(isSpreadsheet)
            if !workbooks.isEmpty { notes.append(spreadsheetAdvice(workbooks)) }
        }
        return notes
    }

    /// A spreadsheet workbook (.xlsx, .xls, .xlsm, .ods): CMS also publishes the MUE tables so.
    static func isSpreadsheet(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".xlsx", ".xls", ".xlsm", ".ods"].contains { lower.hasSuffix($0) }
    }

    /// What to do with spreadsheet workbooks found among the tables.
    static func spreadsheetAdvice(_ workbooks: [String]) -> String {
        "spreadsheet workbooks are not read: save \(workbooks.prefix(5).joined(separator: ", ")) as CSV "
            + "(comma-separated, the same name with .csv; an MUE file keeps its official name), or use CMS's CSV "
            + "release of it"
    }

    /// A note for each release that serves no date of service: another release of its kind (and
    /// setting) with the same effective date was loaded after it and took its period (`scrub`
    /// prints these too). Meant when a user's folder replaces a shipped release; not when CMS's
    /// April ICD-10-CM update, named `icd10cm_order_YYYY.txt` like October's, took the fiscal year.
    public static func unusedReleaseNotes(_ releases: [TableRelease]) -> [String] {
        releases.compactMap { r in
            guard let effective = r.effective, let through = r.through, through < effective else { return nil }
            // NCCI and MUE releases take turns per setting, which their detail names.
            let bySetting = r.kind == "ptp" || r.kind == "mue"
            let later = releases.last {
                $0.kind == r.kind && $0.effective == effective && $0 != r && ($0.through ?? effective) >= effective
                    && (!bySetting || $0.detail == r.detail)
            }
            return "\(r.file) (\(r.kind) \(r.release)) serves no date of service: "
                + "\(later.map { "\($0.file), loaded after it," } ?? "a release loaded after it") takes its period "
                + "from \(effective) (an update named like the release it updates needs its effective date in a "
                + "tables.toml)"
        }
    }

    /// A note for each stretch of an ICD-10-CM release's dates that no loaded Excludes1 list
    /// serves: M04 does not check lines dated there (the shipped set has FY2026's list only, from
    /// the tabular XML; FY2025's lines go unchecked). A scrub counts those lines in summary.json's
    /// `lines_not_checked`.
    public static func excludes1GapNotes(_ releases: [TableRelease]) -> [String] {
        // Periods in Int64 day numbers, so that "any" and "open" have room on either side.
        func period(_ r: TableRelease) -> ClosedRange<Int64>? {
            let start = r.effective.map { Int64(DayNumber.parse($0)) } ?? Int64(Int32.min)
            let end = r.through.map { Int64(DayNumber.parse($0)) } ?? Int64(Int32.max)
            guard r.effective == nil || DayNumber.isDate(Int32(start)),
                r.through == nil || DayNumber.isDate(Int32(end)),
                start <= end
            else { return nil }
            return start...end
        }
        let served = releases.filter { $0.kind == "icd10cm-excludes1" }.compactMap(period).sorted {
            $0.lowerBound < $1.lowerBound
        }
        var notes: [String] = []
        for r in releases where r.kind == "icd10cm" {
            guard let whole = period(r) else { continue }
            // The parts of `whole` left once every Excludes1 period is taken out, in date order.
            var gaps: [ClosedRange<Int64>] = []
            var from = whole.lowerBound
            for p in served where p.upperBound >= from {
                if p.lowerBound > whole.upperBound { break }
                if p.lowerBound > from { gaps.append(from...(p.lowerBound - 1)) }
                from = max(from, p.upperBound + 1)
                if from > whole.upperBound { break }
            }
            if from <= whole.upperBound { gaps.append(from...whole.upperBound) }
            for gap in gaps {
                let first = gap.lowerBound == Int64(Int32.min) ? "any" : DayNumber.format(Int32(gap.lowerBound))
                let last = gap.upperBound == Int64(Int32.max) ? "open" : DayNumber.format(Int32(gap.upperBound))
                notes.append(
                    "no Excludes1 list serves ICD-10-CM \(r.release)'s dates \(first)..\(last): M04 is not checked on "
                        + "lines dated then (a scrub counts them in summary.json's lines_not_checked)")
            }
        }
        return notes
    }

    /// A note for each kind of table whose loaded releases all end before `asOf` (the run's
    /// "today"): dates of service after the last one meet no release of that kind (C06 on those
    /// lines, their codes not checked against it). Today's month-end with last year's ICD-10-CM
    /// files, say: CMS publishes each fiscal year's in the summer before it starts on October 1.
    public static func coverageEndNotes(_ releases: [TableRelease], asOf: Int32) -> [String] {
        var kinds: [String] = []
        for r in releases where !kinds.contains(r.kind) { kinds.append(r.kind) }
        return kinds.compactMap { kind in
            let ofKind = releases.filter { $0.kind == kind }
            // Open-ended releases (NCCI quarters, HCPCS, place of service) serve every later date.
            guard !ofKind.contains(where: { $0.through == nil }) else { return nil }
            let ends = ofKind.compactMap { $0.through.map(DayNumber.parse) }.filter(DayNumber.isDate)
            guard let end = ends.max(), end < asOf else { return nil }
            let name = kind == "icd10cm" ? "ICD-10-CM" : kind == "icd10cm-excludes1" ? "ICD-10-CM Excludes1" : kind
            // C06 marks a line no ICD-10-CM release serves; M04 passes one no Excludes1 list serves.
            let effect =
                kind == "icd10cm-excludes1"
                ? "M04 is not checked on later lines, and no finding marks them"
                : "later lines get C06 and are not checked against \(name)"
            return "the loaded \(name) releases serve dates of service through \(DayNumber.format(end)), "
                + "before the run's date \(DayNumber.format(asOf)): \(effect); add the newer release (--tables)"
        } + hcpcsAgeNotes(releases, asOf: asOf)
    }

    /// A note when the newest HCPCS release loaded is of a year before the run's: it serves later
    /// dates of service open-ended (DOMAIN.md), so a code created since is C01, "not in HCPCS
    /// CY2019", on this year's lines. The shipped file is CY2019: G2211, billed with most office
    /// visits since 2024, is one.
    static func hcpcsAgeNotes(_ releases: [TableRelease], asOf: Int32) -> [String] {
        guard let newest = staleHCPCSRelease(releases, asOf: asOf) else { return [] }
        return [
            "the newest HCPCS release loaded, \(newest), is of a year before the run's date "
                + "\(DayNumber.format(asOf)) and serves later dates of service: codes created since it (G2211, "
                + "for one) get C01; add the current HCPCS file (--tables)"
        ]
    }

    /// The newest HCPCS release's name when it is of a year before that of a month before `asOf`
    /// (a January run over December's charges with December's file is no stale one); nil otherwise.
    public static func staleHCPCSRelease(_ releases: [TableRelease], asOf: Int32) -> String? {
        let starts = releases.filter { $0.kind == "hcpcs" }.compactMap { r in
            r.effective.map { (release: r.release, start: DayNumber.parse($0)) }
        }
        guard let newest = starts.filter({ DayNumber.isDate($0.start) }).max(by: { $0.start < $1.start }),
            DayNumber.civil(newest.start).year < DayNumber.civil(asOf - 31).year
        else { return nil }
        return newest.release
    }

    /// A note on the encounter edits' tables not loaded (NCCI PTP and MUE per setting, add-on
    /// codes), which no shipped set has: a default run skips E03–E06 and the gate passes what they
    /// would hold, so `scrub` says so, in one line. Nil when all are loaded.
    public static func encounterTableNote(_ tables: CodeTables) -> String? {
        // Each table and the edits it serves: PTP and MUE for each of the two settings, add-ons.
        let rules: [(prefix: String, rules: String)] = [("NCCI PTP", "E03"), ("MUE", "E04-E05"), ("add-on", "E06")]
        let missing = codeSetNotes(tables).compactMap { note in
            rules.first { note.name.hasPrefix($0.prefix) }.map { (note: note.note, rules: $0.rules) }
        }
        guard !missing.isEmpty else { return nil }
        let what =
            missing.count == 5
            ? "no NCCI PTP, MUE or add-on code table loaded: E03-E06 do not run"
            : missing.map { "\($0.note): \($0.rules) not checked" }.joined(separator: "; ")
        return what + " (CMS publishes the NCCI PTP and MUE files; add them with --tables)"
    }

    /// The code sets a run checks against that are not loaded, by name, in listing order: what
    /// summary.json's `code_sets_not_loaded` and the report list (codes of those sets got a form
    /// check only, or their rules did not run).
    public static func missingCodeSets(_ tables: CodeTables) -> [String] {
        codeSetNotes(tables).map(\.name)
    }

    /// A note for each code set not loaded, in listing order; `shipped`: a set `data/tables` has.
    private static func codeSetNotes(_ tables: CodeTables) -> [(name: String, note: String, shipped: Bool)] {
        var notes: [(name: String, note: String, shipped: Bool)] = []
        if !tables.icd10cm.isLoaded {
            notes.append(("ICD-10-CM", "no ICD-10-CM release loaded: diagnoses get a format check only", true))
        }
        if !tables.hcpcs.isLoaded {
            notes.append(("HCPCS Level II", "no HCPCS file loaded: Level II codes get a format check only", true))
        }
        if !tables.cpt.isLoaded {
            notes.append(
                (
                    "CPT",
                    "no CPT list loaded (AMA-licensed; kind 'cpt' in tables.toml): "
                        + "CPT-shaped codes get a format check only",
                    false
                ))
        }
        if !tables.revenueCodes.isLoaded {
            notes.append(("revenue codes", "no revenue-code list loaded: revenue codes get a form check only", false))
        }
        if !tables.placeOfService.isLoaded {
            notes.append(
                ("place of service", "no place-of-service list loaded: place of service gets a form check only", true))
        }
        if !tables.modifiers.hasLevelOne {
            notes.append(
                (
                    "Level I modifiers",
                    "no Level I (CPT) modifier list loaded: two-digit modifiers get a form check only", true
                ))
        }
        if !tables.modifiers.hasLevelTwo {
            notes.append(
                (
                    "HCPCS Level II modifiers",
                    "no HCPCS Level II modifiers loaded: modifiers with a letter get a form check only", true
                ))
        }
        if !tables.mce.isLoaded { notes.append(("MCE", "no MCE lists loaded: M01-M03 do not run", true)) }
        if !tables.excludes1.isLoaded {
            notes.append(("Excludes1", "no Excludes1 table loaded: M04 does not run", true))
        }
        for setting in [ServiceSetting.practitioner, .outpatientHospital] where !tables.ptp.isLoaded(setting) {
            notes.append(("NCCI PTP \(setting.rawValue)", "no NCCI PTP table for \(setting.rawValue) lines", false))
        }
        for setting in [ServiceSetting.practitioner, .outpatientHospital] where !tables.mue.isLoaded(setting) {
            notes.append(("MUE \(setting.rawValue)", "no MUE table for \(setting.rawValue) lines", false))
        }
        if !tables.addOns.isLoaded { notes.append(("add-on codes", "no add-on code table loaded", false)) }
        return notes
    }
}
