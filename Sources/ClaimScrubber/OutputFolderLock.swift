import Foundation

/// An exclusive lock on the output folder for the length of a run.
///
/// Two runs writing into one folder at once renamed their outputs into it in turns: the folder
/// could end up with one run's clean file beside the other's findings and summary, each complete
/// and none agreeing. A second run into a locked folder stops with exit 2 before it touches it.
///
/// The lock is `flock` on the folder itself (no lock file is left in the folder), released when
/// the process ends however it ends. Where the file system has no such locks (some network file
/// systems refuse `flock` on a folder), the run goes on unlocked.
public final class OutputFolderLock {
    private let descriptor: Int32

    /// Creates the folder when it does not exist, then locks it.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ScrubError("cannot create the output folder: \(error.localizedDescription)", file: directory)
        }
        // Found now, not when the outputs are created after the whole of pass 1.
        if access(directory, W_OK | X_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw ScrubError("the output folder cannot be written to (\(reason))", file: directory)
        }
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK {
            close(descriptor)
            throw ScrubError(
                "another claim-scrub run is writing to this output folder: wait for it to end, or give another --out",
                file: directory)
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
