#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch

/// Removes an earlier run's outputs from the output folder without making the run wait for the
/// file system.
///
/// A run clears them before it starts, so that a run that then fails leaves nothing under a final
/// name that could be taken for its own (ARCHITECTURE.md). Unlinking a large file takes as long as
/// the file system needs to free its blocks: 0.3–0.5 s here for the 1.7 GB clean output of a
/// 10M-line extract, which a re-run into the same folder used to wait for before reading a line.
/// So each output is renamed at once to a hidden name of this process, `.<name>.stale-<pid>`, and
/// unlinked on a background thread while the run goes on; `waitUntilRemoved()` at the end of the
/// run (success or failure) leaves the folder as the synchronous removal did. The hidden files
/// are registered temporaries, so an interrupt removes them, and the next run's sweep of
/// abandoned temporaries knows their names should a run be killed outright.
public final class StaleOutputs: Sendable {
    public static let shared = StaleOutputs()
    private let group = DispatchGroup()

    /// Moves each of `paths` that is a regular file out of the way and starts unlinking it; any
    /// other kind of entry (a link, say) is unlinked where it is, and a missing one or a folder is
    /// skipped.
    /// When the function returns, no path of `paths` names a file; one that cannot be removed (a
    /// folder not writable, another user's file in a sticky folder) throws, naming it: the run
    /// would end with it under a final name beside its own outputs, taken for one of them.
    public func remove(_ paths: [String]) throws {
        var moved: [String] = []
        defer { unlinkInBackground(moved) }
        for path in paths {
            var info = stat()
            // A folder under an output's name is refused before (`checkInputsAndOutputFolder`).
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { continue }
            let hidden = Self.hiddenPath(path)
            if info.st_mode & S_IFMT == S_IFREG {
                TemporaryFiles.shared.register(hidden)
                if rename(path, hidden) == 0 {
                    moved.append(hidden)
                    continue
                }
                TemporaryFiles.shared.unregister(hidden)
            }
            if unlink(path) != 0 && errno != ENOENT {
                let reason = String(cString: strerror(errno))
                throw ScrubError(
                    "cannot remove this output of an earlier run (\(reason)): it would stay beside this run's outputs",
                    file: path)
            }
        }
    }

    private func unlinkInBackground(_ moved: [String]) {
        guard !moved.isEmpty else { return }
        group.enter()
        DispatchQueue.global(qos: .utility).async { [group, moved] in
            for path in moved {
                unlink(path)
                TemporaryFiles.shared.unregister(path)
            }
            group.leave()
        }
    }

    /// Waits until every file handed to `remove` is gone.
    public func waitUntilRemoved() { group.wait() }

    /// `.<name>.stale-<pid>` beside `path`.
    static func hiddenPath(_ path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + "." + name + ".stale-\(getpid())"
    }
}
