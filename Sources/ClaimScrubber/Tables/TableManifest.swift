import Foundation

/// A folder's `tables.toml`: the files that are not recognised by an official name, with their kind,
/// release and the service dates they serve.
///
/// ```toml
/// [[table]]
/// file = "icd10cm-fy2026.tsv.zst"
/// kind = "icd10cm"
/// release = "FY2026"
/// effective = "2025-10-01"
/// through = "2026-09-30"
/// source = "CDC/NCHS tabular, April 2026 update"
/// ```
/// Kinds: `icd10cm`, `icd10cm-excludes1`, `hcpcs`, `mce`, `ptp`, `mue` (these need `setting` unless
/// the file has its official name), `addon`, `cpt`, `cdt`, `revenue-codes`, `modifiers`, `place-of-service`.
/// `effective` and `through` are the first and last dates of service the file serves; omitted, the
/// file serves from any date, or until the next release of its code set (DOMAIN.md, "Release
/// coverage"). A file listed here that also has an official name is read once, with this metadata.
public struct TableManifest: Sendable {
    public struct Entry: Sendable, Equatable {
        public var file: String
        public var kind: String
        public var release: String
        public var effective: Int32?
        public var through: Int32?
        public var source: String
        /// NCCI PTP and MUE tables: `practitioner`, `outpatient-hospital` or `dme` (official file
        /// names say it themselves).
        public var setting: String? = nil
    }

    public var entries: [Entry] = []

    public static let fileName = "tables.toml"
    static let entryKeys = ["file", "kind", "release", "effective", "through", "source", "setting"]

    /// Reads `tables.toml` in `directory`; an empty manifest when there is none.
    public static func load(directory: String) throws -> TableManifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return TableManifest() }
        return try StructuredDocument.load(path: path) { try manifest($0, path: path) }
    }

    private static func manifest(_ document: StructuredValue, path: String) throws -> TableManifest {
        var manifest = TableManifest()
        // A misspelt key (`[[tables]]`, `throgh`) would drop an entry or a date without a word.
        if let stray = document.table?.keys.sorted().first(where: { $0 != "table" }) {
            throw ScrubError("unknown key (a manifest holds [[table]] entries)", file: path, field: stray)
        }
        guard let list = document["table"]?.list else {
            if document.table?.isEmpty == false {
                throw ScrubError("expected [[table]] entries", file: path, field: "table")
            }
            return manifest
        }
        for (i, item) in list.enumerated() {
            let field = "table[\(i)]"
            guard let keys = item.table?.keys else {
                throw ScrubError("an entry must be a table of keys", file: path, field: field)
            }
            if let stray = keys.sorted().first(where: { !Self.entryKeys.contains($0) }) {
                throw ScrubError(
                    "unknown key (an entry takes \(Self.entryKeys.joined(separator: ", ")))", file: path,
                    field: "\(field).\(stray)")
            }
            // A value that has no text (`source = { … }`, a list) read as absent, without a word.
            for key in Self.entryKeys {
                if let value = item[key], value.string == nil {
                    throw ScrubError("'\(key)' must be text (in quotes)", file: path, field: "\(field).\(key)")
                }
            }
            guard let file = item["file"]?.string, !file.isEmpty else {
                throw ScrubError("missing 'file'", file: path, field: "\(field).file")
            }
            guard let kind = item["kind"]?.string, !kind.isEmpty else {
                throw ScrubError("missing 'kind'", file: path, field: "\(field).kind")
            }
            guard !manifest.entries.contains(where: { $0.file == file }) else {
                throw ScrubError("'\(file)' is listed twice", file: path, field: "\(field).file")
            }
            guard TableLoader.kinds.contains(kind) else {
                throw ScrubError(
                    "unknown kind '\(kind)' (expected one of \(TableLoader.kinds.joined(separator: ", ")))", file: path,
                    field: "\(field).kind")
            }
            let setting = item["setting"]?.string
            if let setting, ServiceSetting.named(setting) == nil {
                throw ScrubError(
                    "unknown setting '\(setting)' (practitioner, outpatient-hospital, dme)", file: path,
                    field: "\(field).setting")
            }
            if (kind == "ptp" || kind == "mue") && setting == nil
                && ((try? TableFileName.recognise(file)) ?? nil) == nil
            {
                throw ScrubError(
                    "a \(kind) table without its official file name needs 'setting'", file: path,
                    field: "\(field).kind")
            }
            let filePath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: filePath, isDirectory: &isFolder) else {
                throw ScrubError("'\(file)' is listed but not in the folder", file: path, field: "\(field).file")
            }
            guard !isFolder.boolValue else {
                throw ScrubError(
                    "'\(file)' is listed but is a folder, not a table file", file: path, field: "\(field).file")
            }
            func date(_ key: String) throws -> Int32? {
                guard let text = item[key]?.string, !text.isEmpty else { return nil }
                let day = DayNumber.parse(text)
                // YYYY-MM-DD only, as the message says: the extract's other spellings (1/2/2025)
                // are month-first, which a manifest written day-first would read wrongly.
                let iso =
                    text.utf8.count == 10
                    && text.utf8.enumerated().allSatisfy { i, c in
                        i == 4 || i == 7 ? c == UInt8(ascii: "-") : c >= 0x30 && c <= 0x39
                    }
                guard iso, DayNumber.isDate(day) else {
                    throw ScrubError("'\(text)' is not a date (YYYY-MM-DD)", file: path, field: "\(field).\(key)")
                }
                return day
            }
            let (effective, through) = (try date("effective"), try date("through"))
            if let effective, let through, through < effective {
                throw ScrubError(
                    "'through' (\(DayNumber.format(through))) is before 'effective' (\(DayNumber.format(effective))): the "
                        + "file would serve no date", file: path, field: "\(field).through")
            }
            manifest.entries.append(
                Entry(
                    file: file, kind: kind, release: item["release"]?.string ?? "",
                    effective: effective, through: through,
                    source: item["source"]?.string ?? "", setting: setting))
        }
        return manifest
    }
}
