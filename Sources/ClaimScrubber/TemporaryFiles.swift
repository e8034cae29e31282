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
    private let paths = Mutex<Set<String>>([])
    private let sources = Mutex<[DispatchSourceSignal]>([])
    private let counter = Mutex(0)

    /// A number not handed out before in this process, for temporary file names.
    public func uniqueNumber() -> Int {
        counter.withLock { n in
            n += 1
            return n
        }
    }

    public func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }
    public func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// Removes every registered file now.
    public func removeAll() {
        let all = paths.withLock { p in
            let all = p
            p.removeAll()
            return all
        }
        for path in all { unlink(path) }
    }

    /// Installs the SIGINT/SIGTERM handlers (once per process).
    public func installSignalHandlers() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in
                    removeAll()
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
