#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
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
