#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// Every temporary file of the run, so that a failure or Ctrl-C removes them all.
///
/// SIGINT and SIGTERM are caught through Dispatch signal sources (not a C handler: removing files
/// is not async-signal-safe); the handler unlinks the registered files and exits with 130/143.
public final class TemporaryFiles: Sendable {
    public static let shared = TemporaryFiles()
    private struct Registry {
        var paths: Set<String> = []
        /// Set once an interrupt removed the files: no file is created after that.
        var closed = false
    }

    private let registry = Mutex(Registry())
    private let sources = Mutex<[DispatchSourceSignal]>([])
    private let counter = Mutex(0)

    /// A number not handed out before in this process, for temporary file names.
    public func uniqueNumber() -> Int {
        counter.withLock { n in
            n += 1
            return n
        }
    }

    public func register(_ path: String) { registry.withLock { _ = $0.paths.insert(path) } }
    public func unregister(_ path: String) { registry.withLock { _ = $0.paths.remove(path) } }

    /// Opens (and creates when `flags` say so) a temporary file and registers it, as one step
    /// under the registry's lock: an interrupt's removal then either sees the file or comes first,
    /// in which case nothing is created (-1, `errno` ECANCELED). A thread still spilling while the
    /// interrupt removes the files could otherwise create one again after it.
    public func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        registry.withLock { registry in
            guard !registry.closed else {
                errno = ECANCELED
                return -1
            }
            let fd = Glibc.open(path, flags, mode)
            if fd >= 0 { registry.paths.insert(path) }
            return fd
        }
    }

    /// Creates a new, registered temporary file of this process in `directory` (the system's
    /// temporary folder when nil), named `claim-scrub-<pid>-<n>-<suffix>`, open for reading and
    /// writing.
    ///
    /// These files hold charge lines, so the name must be new and the file ours: the open is
    /// exclusive and does not follow a symbolic link (`O_EXCL | O_NOFOLLOW`). A name already taken,
    /// by a stale file of an earlier process with the same id or by a link planted in a shared
    /// `/tmp`, is skipped for the next number; nothing is ever written through it.
    public func create(in directory: String?, suffix: String) throws -> (fd: Int32, path: String) {
        let folder = directory ?? NSTemporaryDirectory()
        let pid = getpid()
        return try createExclusive {
            (folder as NSString).appendingPathComponent("claim-scrub-\(pid)-\(self.uniqueNumber())-\(suffix)")
        }
    }

    /// `create`'s loop over candidate names, separate so that tests can offer a taken one.
    func createExclusive(attempts: Int = 64, name: () -> String) throws -> (fd: Int32, path: String) {
        var path = name()
        for _ in 0..<attempts {
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, path) }
            guard errno == EEXIST else { break }
            path = name()
        }
        throw ScrubError(
            "cannot create a temporary file in the temporary folder (--temp-dir): \(String(cString: strerror(errno)))",
            file: path)
    }

    /// Removes every registered file now; with `closing` (an interrupt), also refuses every later
    /// `open`.
    public func removeAll(closing: Bool = false) {
        registry.withLock { registry in
            for path in registry.paths { unlink(path) }
            registry.paths.removeAll()
            if closing { registry.closed = true }
        }
    }

    /// Installs the SIGINT/SIGTERM handlers (once per process).
    public func installSignalHandlers() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in
                    removeAll(closing: true)
                    let message = "claim-scrub: interrupted; temporary files removed, no output written\n"
                    _ = message.withCString { Glibc.write(2, $0, strlen($0)) }
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
