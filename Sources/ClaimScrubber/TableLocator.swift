import Foundation

/// Finds the table folders of a run: `--tables DIR|default`, repeatable.
public enum TableLocator {
    /// The default table folder: `CLAIM_SCRUB_TABLES`, else `data/tables` of the package the
    /// executable was built in (walking up from it), else `data/tables` under the current folder.
    public static func defaultDirectory() -> String? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["CLAIM_SCRUB_TABLES"], !env.isEmpty {
            return env
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(dir.appendingPathComponent("data/tables"))
            candidates.append(dir.appendingPathComponent("share/claim-scrub/tables"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("data/tables"))
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate.path
            }
        }
        return nil
    }

    /// Resolves `--tables` arguments: none means the default set; `default` stands for it. A
    /// folder named more than once (`default` twice, or one folder by two paths) is kept once, where
    /// it was first named: loaded twice, its releases were listed twice in summary.json.
    public static func resolve(_ arguments: [String]) throws -> [String] {
        let requested = arguments.isEmpty ? ["default"] : arguments
        let folders = try requested.map { (argument: String) throws -> String in
            if argument == "default" {
                guard let dir = defaultDirectory() else {
                    throw ScrubError(
                        "the default tables (data/tables) were not found; set CLAIM_SCRUB_TABLES or pass --tables DIR")
                }
                return dir
            }
            return argument
        }
        var seen: Set<String> = []
        return folders.filter { seen.insert(identity($0)).inserted }
    }

    /// The folder a path names, symbolic links and `..` resolved; a path that does not exist is
    /// itself (the loader reports it).
    static func identity(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
