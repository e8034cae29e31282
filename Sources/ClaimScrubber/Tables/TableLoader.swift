import Dispatch
import Foundation
import Synchronization

/// Loads every table of the given folders into one `CodeTables`.
///
/// In each folder, a file is read when `tables.toml` lists it (its kind and dates from there) or
/// when it has an official CMS name (kind and dates from the name); a file that is both is read
/// once, with the manifest's metadata. Other files are ignored and reported in `ignoredFiles`.
/// Folders are read in order and files in name order, so of two releases with the same effective
/// date the later one serves. A broken file stops the run with a `ScrubError` naming file, line
/// and column.
public enum TableLoader {
    public static let kinds = [
        "icd10cm", "icd10cm-excludes1", "hcpcs", "mce", "ptp", "mue", "addon", "cpt", "cdt", "revenue-codes",
        "modifiers",
        "place-of-service",
    ]

    public static func load(directories: [String]) throws -> CodeTables {
        let tables = try build(directories)
        // The files' text and the loaders' working arrays are freed by now: their pages go back
        // before the run's own peak comes on top of them (a quarter's NCCI files are 250 MB of
        // text).
        MemoryTuning.releaseFreeMemory()
        return tables
    }

    private static func build(_ directories: [String]) throws -> CodeTables {
        var builder = TableSetBuilder()
        for directory in directories {
            try load(directory: directory, into: &builder)
        }
        return try builder.build()
    }

    static func load(directory: String, into builder: inout TableSetBuilder) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ScrubError("table folder not found", file: directory)
        }
        let manifest = try TableManifest.load(directory: directory)
        var listed: [String: TableManifest.Entry] = [:]
        // The manifest has checked its entries (kinds, files present, none twice).
        for entry in manifest.entries { listed[entry.file] = entry }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
        let firstRow = builder.listing.count
        // The files to read, in name order, up to the first whose name or manifest entry is wrong
        // (that error comes after any of an earlier file, as when the files were read one by one).
        var files: [(path: String, metadata: TableSetBuilder.Metadata)] = []
        var ignored: [String] = []
        var metadataError: (any Error)?
        for name in Set(names).union(listed.keys).sorted() where name != TableManifest.fileName {
            let path = (directory as NSString).appendingPathComponent(name)
            var isSubfolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isSubfolder), isSubfolder.boolValue {
                continue
            }
            do {
                // A listed file's kind and dates come from tables.toml, whatever its name looks like.
                let official =
                    listed[name] == nil
                    ? try TableFileName.recognise(name) : (try? TableFileName.recognise(name)) ?? nil
                if let metadata = try metadata(name: name, entry: listed[name], official: official) {
                    files.append((path, metadata))
                } else {
                    ignored.append(name)
                }
            } catch {
                metadataError = error
                break
            }
        }
        // Read and parsed side by side, added in name order: the tables, the listing and the
        // first error are those of a reading one by one.
        let parsed = TableSetBuilder.parse(files)
        for (file, table) in zip(files, parsed) {
            try builder.add(try table.get(), file.metadata)
        }
        builder.ignoredFiles += ignored
        if let metadataError { throw metadataError }
        // A folder with no table in it (the wrong one, the tables a level down, a file whose name
        // is not quite official) would check nothing: `tables check` refused it and a scrub went on
        // without a word.
        guard builder.listing.count > firstRow else {
            let zipped = ignored.filter { $0.lowercased().hasSuffix(".zip") }
            var message =
                "no table file in this folder (tables are known by their official names or listed in its "
                + "tables.toml; folders inside it are not read)"
            let workbooks = ignored.filter(TableListing.isSpreadsheet)
            if !zipped.isEmpty {
                message += "; zip archives are not read: unzip \(zipped.prefix(5).joined(separator: ", ")) into it"
            } else if !workbooks.isEmpty {
                message += "; " + TableListing.spreadsheetAdvice(workbooks)
            } else if !ignored.isEmpty {
                message += "; not recognised: " + ignored.prefix(5).joined(separator: ", ")
            }
            throw ScrubError(message, file: directory)
        }
        try requireOneReleasePerStart(builder.listing[firstRow...])
    }

    /// Two releases of one code set (or NCCI/MUE setting) in one folder that take effect the same
    /// day: only one of them could serve those dates, and which one would depend on the files'
    /// names, so the folder is refused. (A later folder's release replaces an earlier folder's on
    /// purpose: that is how `--tables default --tables DIR` updates a shipped release.) The parts
    /// of one PTP table share their release and are not two.
    static func requireOneReleasePerStart(_ rows: ArraySlice<(release: TableRelease, set: String, index: Int)>) throws {
        var seen: [String: (file: String, index: Int)] = [:]
        for row in rows where row.index >= 0 {
            let key = row.set + " " + (row.release.effective ?? "")
            if let earlier = seen[key], earlier.index != row.index {
                let day = row.release.effective.map { "on \($0)" } ?? "with no effective date"
                throw ScrubError(
                    "both this and '\(earlier.file)' are \(row.set) releases taking effect \(day): keep one, or give "
                        + "them different effective dates in tables.toml",
                    file: row.release.file, field: "effective")
            }
            seen[key] = (row.release.file, row.index)
        }
    }

    /// A file's kind, release and dates: the manifest's when listed, else the official name's.
    static func metadata(name: String, entry: TableManifest.Entry?, official: TableFileName?) throws -> TableSetBuilder
        .Metadata?
    {
        guard let entry else {
            guard let official else { return nil }
            return .init(
                file: name, kind: official.kind, release: official.release,
                period: ServicePeriod(first: official.effective, last: official.through),
                declaresEnd: official.through != nil,
                setting: official.setting, group: official.group)
        }
        if let official, official.kind != entry.kind {
            throw ScrubError(
                "tables.toml says kind '\(entry.kind)' but the file name is that of a '\(official.kind)' table",
                file: name,
                field: "kind")
        }
        var setting = official?.setting
        // The manifest has checked the word (`TableManifest.load`).
        if let word = entry.setting, let s = ServiceSetting.named(word) {
            // As with the kind: a file named for practitioner services holds no DME edits, and
            // taking the manifest's word would drop every edit of the setting the name says.
            if let named = official?.setting, named != s {
                throw ScrubError(
                    "tables.toml says setting '\(word)' but the file name is that of a \(named.rawValue) table",
                    file: name,
                    field: "setting")
            }
            setting = s
        }
        // Each date from the entry when it gives it; else the official name's (an entry that only
        // describes an officially named file leaves its coverage as the name says). CMS's April
        // ICD-10-CM order file bears October's name: `effective = "2026-04-01"` alone keeps the
        // fiscal year's end the name gives, rather than open the release past it.
        let first = entry.effective ?? official?.effective
        let last = entry.through ?? official?.through
        // One date from tables.toml and the other from the file name can cross (a `through`
        // before the name's effective date, an `effective` typed a year late): the table then
        // served no date of service, and every charge got C06 or no edit at all, with only a note.
        // (Both dates in tables.toml are checked there.)
        if let first, let last, first > last {
            let fromManifest = entry.through != nil ? "through" : "effective"
            throw ScrubError(
                "tables.toml's \(fromManifest) and the file name's date leave this table no date of service to "
                    + "serve (\(DayNumber.format(first))..\(DayNumber.format(last)))",
                file: name, field: fromManifest)
        }
        return .init(
            file: name, kind: entry.kind, release: entry.release.isEmpty ? (official?.release ?? name) : entry.release,
            period: ServicePeriod(first: first, last: last), declaresEnd: last != nil, setting: setting,
            group: official?.group)
    }
}

/// Collects the releases of all folders, then builds the immutable tables and their schedules.
struct TableSetBuilder {
    struct Metadata {
        var file: String
        var kind: String
        var release: String
        var period: ServicePeriod
        /// The period's end comes from the manifest or the name (else: until the next release).
        var declaresEnd: Bool
        var setting: ServiceSetting?
        var group: String?
    }

    var placeOfService = TwoDigitCodeSet()
    var icd10cm: [ICD10CMTable.Release] = []
    var hcpcs: [(release: HCPCSTable.Release, period: ServicePeriod)] = []
    var mce: [(release: MCETable.Release, period: ServicePeriod)] = []
    var excludes1: [(release: Excludes1Table.Release, period: ServicePeriod)] = []
    var cpt: [(release: CodeListTable.Release, period: ServicePeriod)] = []
    var cdt: [(release: CodeListTable.Release, period: ServicePeriod)] = []
    var revenueCodes: [(release: CodeListTable.Release, period: ServicePeriod)] = []
    var modifierLists: [(code: UInt16, period: ServicePeriod)] = []
    var ptpGroups:
        [(key: String, name: String, setting: ServiceSetting, period: ServicePeriod, parts: [PTPLoader.Rows])] = []
    var mue: [(release: MUETable.Release, period: ServicePeriod)] = []
    var addOnRows: [AddOnTable.Row] = []
    var addOnReleases: [ServicePeriod] = []
    /// Listing rows, with the code set and release index whose served period they show.
    var listing: [(release: TableRelease, set: String, index: Int)] = []
    var ignoredFiles: [String] = []

    /// A table file read and parsed, before it joins the set.
    enum Parsed: Sendable {
        case placeOfService(TableText)
        case icd10cm(ICD10CMTable.Release)
        case hcpcs(HCPCSTable.Release, ServicePeriod)
        case mce(MCETable.Release, version: Int)
        case excludes1(Excludes1Table.Release)
        case codeList(CodeListTable.Release)
        case modifiers([(code: UInt16, period: ServicePeriod)])
        case ptp(PTPLoader.Rows)
        case mue(MUETable.Release, ServicePeriod)
        case addOn([AddOnTable.Row])
    }

    /// Small files are read two at a time: the shipped set (two ICD-10-CM releases, HCPCS, MCE)
    /// loads in about 60% of the time it took one file after another on two cores.
    static let filesAtOnce = 2

    /// A file whose text may exceed this is read on its own, after the small ones: two of a
    /// quarter's NCCI parts (tens of MB of text each, and parsed on every core already) held at
    /// once raised the load's peak by about 50 MiB, 143 → 169 MiB under `--memory-limit 128MiB`.
    /// The text is taken at the file's size, or eight times that for a compressed file.
    static let smallFileText = 16 << 20

    /// Reads and parses `files`; each file's table or its error, in order.
    static func parse(
        _ files: [(path: String, metadata: Metadata)], smallFileText: Int = smallFileText
    ) -> [Result<Parsed, any Error>] {
        var results = [Result<Parsed, any Error>](repeating: .failure(ScrubError("not read")), count: files.count)
        var small: [Int] = []
        var large: [Int] = []
        for (k, file) in files.enumerated() {
            if TableFile.textEstimate(file.path) <= smallFileText { small.append(k) } else { large.append(k) }
        }
        let next = Mutex(0)
        results.withUnsafeMutableBufferPointer { out in
            let out = ParsedResults(out)
            let small = small
            DispatchQueue.concurrentPerform(iterations: min(filesAtOnce, small.count)) { _ in
                while true {
                    let n = next.withLock { n in
                        defer { n += 1 }
                        return n
                    }
                    guard n < small.count else { return }
                    let k = small[n]
                    out.base[k] = Result { try parse(path: files[k].path, files[k].metadata) }
                }
            }
            for k in large { out.base[k] = Result { try parse(path: files[k].path, files[k].metadata) } }
        }
        return results
    }

    static func parse(path: String, _ m: Metadata) throws -> Parsed {
        let text = try TableText(path: path)
        switch m.kind {
        case "place-of-service":
            return .placeOfService(text)
        case "icd10cm":
            return .icd10cm(try ICD10CMLoader.load(text, name: m.release, period: m.period))
        case "hcpcs":
            let release = try HCPCSLoader.load(text, name: m.release)
            return .hcpcs(release, try requireStart(m, text))
        case "mce":
            let (release, version) = try MCELoader.load(text, name: m.release == "MCE" ? nil : m.release)
            return .mce(release, version: version)
        case "icd10cm-excludes1":
            return .excludes1(try Excludes1Loader.load(text, name: m.release))
        case "cpt":
            return .codeList(try CodeListLoader.load(text, name: m.release, form: .cpt))
        case "cdt":
            return .codeList(try CodeListLoader.load(text, name: m.release, form: .cdt))
        case "revenue-codes":
            return .codeList(try CodeListLoader.load(text, name: m.release, form: .revenueCode))
        case "modifiers":
            return .modifiers(try ModifierListLoader.load(text))
        case "ptp":
            return .ptp(try PTPLoader.load(text))
        case "mue":
            let release = try MUELoader.load(text, name: m.release, setting: m.setting!)
            return .mue(release, try requireStart(m, text))
        case "addon":
            return .addOn(try AddOnLoader.load(text))
        default:
            throw text.error("unknown table kind '\(m.kind)'")
        }
    }

    /// Adds a parsed file to the set, with its listing row.
    mutating func add(_ parsed: Parsed, _ m: Metadata) throws {
        var row = TableRelease(
            kind: m.kind, release: m.release, file: m.file, effective: m.period.firstText, through: m.period.lastText,
            entries: 0)
        var set = m.kind
        var index = -1
        switch parsed {
        case .placeOfService(let text):
            row.entries = try PlaceOfServiceLoader.load(text, into: &placeOfService)
        case .icd10cm(let release):
            let billable = release.billable.lazy.filter { $0 }.count
            row.entries = release.codes.count
            row.detail = "\(billable) billable, \(release.codes.count - billable) headers"
            // A code's releases are one bit each in a 64-bit word (`ICD10CMTable`): the 65th is
            // refused here, naming its file, rather than later with no file named.
            guard icd10cm.count < ICD10CMTable.maxReleases else {
                throw ScrubError(
                    "more than \(ICD10CMTable.maxReleases) ICD-10-CM releases loaded: keep the fiscal years you "
                        + "scrub, in fewer folders", file: m.file)
            }
            index = icd10cm.count
            icd10cm.append(release)
        case .hcpcs(let release, let period):
            row.entries = release.codes.count
            row.detail = "\(release.codes.count) procedure codes, \(release.modifiers.count) Level II modifiers"
            index = hcpcs.count
            hcpcs.append((release, period))
        case .mce(let release, let version):
            var period = m.period
            if period.first == .min {
                // Not given by the manifest: the version's fiscal year starts it.
                period.first = DayNumber.from(year: MCELoader.fiscalYear(ofVersion: version) - 1, month: 10, day: 1)
                row.effective = period.firstText
            }
            row.release = release.name
            row.entries = release.codes.count
            row.detail = "diagnosis codes on the age, sex and manifestation lists of MCE v\(version)"
            index = mce.count
            mce.append((release, period))
        case .excludes1(let release):
            row.entries = release.codes.count
            row.detail = "Excludes1 pairs (code, first..last)"
            index = excludes1.count
            excludes1.append((release, m.period))
        case .codeList(let release):
            row.entries = release.codes.count
            if m.kind == "cpt" {
                index = cpt.count
                cpt.append((release, m.period))
            } else if m.kind == "cdt" {
                index = cdt.count
                cdt.append((release, m.period))
            } else {
                index = revenueCodes.count
                revenueCodes.append((release, m.period))
            }
        case .modifiers(let entries):
            // Each entry has its own dates; a manifest's `effective`/`through` bound them all.
            row.entries = entries.count
            modifierLists.append(contentsOf: entries.map { ($0.code, $0.period.clipped(to: m.period)) })
        case .ptp(let rows):
            let setting = m.setting!
            let key = m.group ?? "ptp-\(setting.rawValue)-\(m.release)"
            row.entries = rows.count
            row.detail = "\(setting.rawValue) pairs"
            set = "ptp-\(setting.rawValue)"
            if let g = ptpGroups.firstIndex(where: { $0.key == key }) {
                // The parts of one release are one table: a part given other dates (by tables.toml)
                // would be read with the first part's, and listed with its own. (Their setting is
                // the one their official name says: `metadata` refuses a manifest's other one.)
                let first = ptpGroups[g].period
                guard first == m.period else {
                    throw ScrubError(
                        "a part of PTP release \(ptpGroups[g].name) serving \(m.period.firstText ?? "…")–"
                            + "\(m.period.lastText ?? "…"), its other parts \(first.firstText ?? "…")–\(first.lastText ?? "…"): "
                            + "the parts of a release share their dates",
                        file: m.file, field: "effective")
                }
                ptpGroups[g].parts.append(rows)
                index = g
            } else {
                index = ptpGroups.count
                ptpGroups.append((key, m.release, setting, m.period, [rows]))
            }
        case .mue(let release, let period):
            let setting = m.setting!
            row.entries = release.codes.count
            row.detail = "\(setting.rawValue) codes"
            set = "mue-\(setting.rawValue)"
            index = mue.count
            mue.append((release, period))
        case .addOn(let rows):
            // Each row has its own dates; a manifest's `effective`/`through` bound them all.
            row.entries = rows.count
            row.detail = "type 1 add-on codes with their primaries"
            let bounded = rows.map { r in
                var r = r
                r.period = r.period.clipped(to: m.period)
                return r
            }
            // Dates in tables.toml that leave no row a day to serve switched E06 off unsaid.
            guard bounded.contains(where: { !$0.period.isEmpty }) else {
                throw ScrubError(
                    "no row serves a date within \(m.period.description), the dates tables.toml gives this table",
                    file: m.file, field: m.period.last != .max ? "through" : "effective")
            }
            addOnRows.append(contentsOf: bounded)
            addOnReleases.append(m.period)
        }
        listing.append((row, set, index))
    }

    /// HCPCS and MUE releases serve from a date: the name's or the manifest's.
    static func requireStart(_ m: Metadata, _ text: TableText) throws -> ServicePeriod {
        guard m.period.first != .min else {
            throw text.error(
                "no effective date: give 'effective' in tables.toml or use the official file name", field: "effective")
        }
        return m.period
    }

    /// The tables; the PTP parts are handed over to their releases (and freed one by one as they
    /// are joined), so the builder is spent.
    mutating func build() throws -> CodeTables {
        var tables = CodeTables()
        tables.placeOfService = placeOfService
        tables.icd10cm = try ICD10CMTable(releases: icd10cm)
        tables.hcpcs = HCPCSTable(releases: hcpcs.map(\.release), periods: hcpcs.map(\.period))
        tables.mce = MCETable(releases: mce.map(\.release), periods: mce.map(\.period))
        tables.excludes1 = Excludes1Table(releases: excludes1.map(\.release), periods: excludes1.map(\.period))
        tables.cpt = CodeListTable(releases: cpt.map(\.release), periods: cpt.map(\.period))
        tables.cdt = CodeListTable(releases: cdt.map(\.release), periods: cdt.map(\.period))
        tables.revenueCodes = CodeListTable(releases: revenueCodes.map(\.release), periods: revenueCodes.map(\.period))
        tables.ptp = PTPTable(
            releases: ptpGroups.indices.map { g in
                let group = ptpGroups[g]
                ptpGroups[g].parts = []
                return PTPLoader.release(name: group.name, setting: group.setting, parts: group.parts)
            },
            periods: ptpGroups.map(\.period))
        tables.mue = MUETable(releases: mue.map(\.release), periods: mue.map(\.period))
        tables.addOns = AddOnTable(rows: addOnRows, releases: addOnReleases)
        tables.modifiers = ModifierTable(modifierLists, fromRelease: hcpcsModifiers(tables.hcpcs))
        tables.ignoredFiles = ignoredFiles
        // The listing shows the period each release actually serves.
        tables.releases = listing.map { item in
            var row = item.release
            if let period = servedPeriod(tables, set: item.set, index: item.index) {
                row.effective = period.firstText
                row.through = period.lastText
            }
            return row
        }
        return tables
    }

    func servedPeriod(_ tables: CodeTables, set: String, index: Int) -> ServicePeriod? {
        guard index >= 0 else { return nil }
        switch set {
        case "icd10cm": return tables.icd10cm.schedule.periods[index]
        case "hcpcs": return tables.hcpcs.schedule.periods[index]
        case "mce": return tables.mce.schedule.periods[index]
        case "icd10cm-excludes1": return tables.excludes1.schedule.periods[index]
        case "cpt": return tables.cpt.schedule.periods[index]
        case "cdt": return tables.cdt.schedule.periods[index]
        case "revenue-codes": return tables.revenueCodes.schedule.periods[index]
        default:
            for setting in ServiceSetting.allCases {
                if set == "ptp-\(setting.rawValue)", let schedule = tables.ptp.schedule(setting) {
                    let members = tables.ptp.releases.indices.filter { tables.ptp.releases[$0].setting == setting }
                    return members.firstIndex(of: index).map { schedule.periods[$0] }
                }
                if set == "mue-\(setting.rawValue)", let schedule = tables.mue.schedule(setting) {
                    let members = tables.mue.releases.indices.filter { tables.mue.releases[$0].setting == setting }
                    return members.firstIndex(of: index).map { schedule.periods[$0] }
                }
            }
            return nil
        }
    }

    /// Level II modifier periods from the HCPCS modifier records: for each modifier, the record of
    /// the newest release that has it (newer files know later terminations).
    func hcpcsModifiers(_ table: HCPCSTable) -> [(code: UInt16, period: ServicePeriod)] {
        var newest: [UInt16: (first: Int32, record: HCPCSTable.ModifierRecord)] = [:]
        for (i, release) in table.releases.enumerated() {
            let first = table.schedule.periods[i].first
            for record in release.modifiers where newest[record.code].map({ $0.first <= first }) ?? true {
                newest[record.code] = (first, record)
            }
        }
        return newest.values.map { item in
            let r = item.record
            var last: Int32? = DayNumber.isDate(r.termination) ? r.termination : nil
            if last == nil && r.action == 0x44 && DayNumber.isDate(r.actionEffective) { last = r.actionEffective - 1 }
            return (r.code, ServicePeriod(first: DayNumber.isDate(r.added) ? r.added : nil, last: last))
        }
    }
}

/// Place-of-service list: `code<TAB>name` with a header, or one code a line; `#` starts a comment.
enum PlaceOfServiceLoader {
    static func load(_ text: TableText, into set: inout TwoDigitCodeSet) throws -> Int {
        var count = 0
        try text.forEachLine { number, line in
            if line.isEmpty || line.first == 0x23 { return }
            let code = UnsafeRawBufferPointer(
                rebasing: line[0..<(line.firstIndex { $0 == 0x09 || $0 == 0x2C } ?? line.count)])
            if code.elementsEqual("code".utf8) { return }
            guard code.count == 2, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw text.error("not a two-digit place-of-service code", line: number, field: "code")
            }
            // Code and name: a third cell with text is two lines run together (a lost line end).
            let cells = line.split(separator: 0x09, omittingEmptySubsequences: false)
            if cells.count > 2,
                cells[2...].contains(where: { !TableText.isBlank(UnsafeRawBufferPointer(rebasing: $0)) })
            {
                throw text.error(
                    "\(cells.count) cells; a place-of-service line has code and name", line: number,
                    field: "(extra column)")
            }
            set.insert((code[0] - 0x30) * 10 + code[1] - 0x30)
            count += 1
        }
        guard count > 0 else { throw text.error("no place-of-service codes") }
        return count
    }
}

/// The results buffer `TableSetBuilder.parse` fills from its threads, each slot written by one.
private struct ParsedResults: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<Result<TableSetBuilder.Parsed, any Error>>
    init(_ base: UnsafeMutableBufferPointer<Result<TableSetBuilder.Parsed, any Error>>) { self.base = base }
}
