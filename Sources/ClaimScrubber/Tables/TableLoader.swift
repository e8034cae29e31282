import Foundation

/// Loads every table of the given folders into one `CodeTables`.
///
/// Files are recognised by their official names, or by the folder's `tables.toml`. A broken file
/// stops the run with a `ScrubError` naming file, line and column.
public enum TableLoader {
    public static func load(directories: [String]) throws -> CodeTables {
        var tables = CodeTables()
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ScrubError("table folder not found", file: directory)
            }
            let manifest = try TableManifest.load(directory: directory)
            for entry in manifest.entries {
                let path = (directory as NSString).appendingPathComponent(entry.file)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ScrubError("listed in tables.toml but missing", file: entry.file)
                }
                try load(entry: entry, path: path, into: &tables)
            }
        }
        return tables
    }

    static func load(entry: TableManifest.Entry, path: String, into tables: inout CodeTables) throws {
        switch entry.kind {
        case "place-of-service":
            let count = try PlaceOfServiceLoader.load(path: path, into: &tables.placeOfService)
            tables.releases.append(
                TableRelease(
                    kind: entry.kind, release: entry.release, file: entry.file,
                    effective: entry.effective.map(DayNumber.format), through: entry.through.map(DayNumber.format),
                    entries: count))
        default:
            // Kinds a later loader handles are listed but not yet read.
            break
        }
    }
}

/// Place-of-service list: `code<TAB>name` with a header, or one code a line; `#` starts a comment.
enum PlaceOfServiceLoader {
    static func load(path: String, into set: inout TwoDigitCodeSet) throws -> Int {
        let name = (path as NSString).lastPathComponent
        var count = 0
        for (number, text) in TableFile.lines(try TableFile.read(path)) {
            if text.isEmpty || text.first == 0x23 { continue }
            let code = text.prefix { $0 != 0x09 && $0 != 0x2C }
            if code.elementsEqual("code".utf8) { continue }
            guard code.count == 2, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw ScrubError("not a two-digit place-of-service code", file: name, line: number, field: "code")
            }
            set.insert((code[code.startIndex] - 0x30) * 10 + code[code.startIndex + 1] - 0x30)
            count += 1
        }
        guard count > 0 else { throw ScrubError("no place-of-service codes", file: name) }
        return count
    }
}
