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
/// SIGINT, SIGTERM, SIGHUP and SIGPIPE are caught by a C handler that only writes to a pipe
/// (removing files is not async-signal-safe); a thread reading the pipe unlinks the registered
/// files and exits with 128 + the signal (130, 143, 129, 141) —
/// unless the outputs are already being moved to their final names (`beginCommit`): then the run
/// is as good as done, and it completes with its own exit status rather than leave some outputs in
/// place under an "interrupted" status.
public final class TemporaryFiles: Sendable {
    public static let shared = TemporaryFiles()
    private struct Registry {
        var paths: Set<String> = []
        /// Set once an interrupt removed the files: no file is created after that.
        var closed = false
        /// Set once the outputs started moving to their final names: an interrupt no longer stops
        /// the run.
        var committing = false
        /// Per folder, the lock file this process holds (`flock`) while it has temporary files
        /// there: another run's sweep of abandoned files (`removeAbandoned`) leaves them alone
        /// while it is held, also from another PID namespace, where this process's id names no
        /// running process.
        var locks: [String: (fd: Int32, path: String)] = [:]
        /// The folder (as `locks` keys it) of each file made under its lock, and how many of them
        /// each folder holds: the lock goes with the last.
        var lockedFolder: [String: String] = [:]
        var filesUnderLock: [String: Int] = [:]

        /// Unlinks every registered file (under the registry's lock, held by the caller).
        mutating func removeAll(closing: Bool) {
            for path in paths { unlink(path) }
            paths.removeAll()
            for folder in Array(locks.keys) { release(folder) }
            lockedFolder.removeAll()
            filesUnderLock.removeAll()
            if closing { closed = true }
        }

        /// Removes a folder's lock file.
        mutating func release(_ folder: String) {
            guard let lock = locks.removeValue(forKey: folder) else { return }
            unlink(lock.path)
            close(lock.fd)
        }

        /// `path` is no longer this process's: the folder's lock goes when it was the last there.
        mutating func forget(_ path: String) {
            paths.remove(path)
            guard let folder = lockedFolder.removeValue(forKey: path) else { return }
            let left = filesUnderLock[folder, default: 1] - 1
            filesUnderLock[folder] = left > 0 ? left : nil
            if left <= 0 { release(folder) }
        }

        /// A file made in `folder` under its lock.
        mutating func madeUnderLock(_ path: String, _ folder: String) {
            lockedFolder[path] = folder
            filesUnderLock[folder, default: 0] += 1
        }

        /// Takes the lock file of `folder` unless held already (under the registry's lock).
        ///
        /// The file is locked under a name no sweep reads (`.claim-scrub-…-lock.new`) and then
        /// linked into place: created under its own name, a sweep's probe between the create and
        /// the lock took it for an ended run's and removed it.
        mutating func lock(_ folder: String, number: () -> Int) {
            guard locks[folder] == nil else { return }
            for _ in 0..<16 {
                let name = "claim-scrub-\(getpid())-\(number())-lock"
                let path = (folder as NSString).appendingPathComponent(name)
                let staging = (folder as NSString).appendingPathComponent(".\(name).new")
                let fd = Glibc.open(staging, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if fd < 0 {
                    if errno == EEXIST { continue }
                    return  // the temporary file's own open says what is wrong with the folder
                }
                defer { unlink(staging) }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                    close(fd)
                    return
                }
                // `link` refuses a name taken (a process of the same id in another namespace).
                guard link(staging, path) == 0 else {
                    let taken = errno == EEXIST
                    close(fd)
                    if taken { continue }
                    return
                }
                locks[folder] = (fd, path)
                return
            }
        }
    }

    private let registry = Mutex(Registry())
    /// The signal handlers are installed (`installSignalHandlers`).
    private let handlersInstalled = Mutex(false)
    private let counter = Mutex(0)

    /// A number not handed out before in this process, for temporary file names.
    public func uniqueNumber() -> Int {
        counter.withLock { n in
            n += 1
            return n
        }
    }

    public func register(_ path: String) { registry.withLock { _ = $0.paths.insert(path) } }
    public func unregister(_ path: String) { registry.withLock { $0.forget(path) } }

    /// Opens (and creates when `flags` say so) a temporary file and registers it, as one step
    /// under the registry's lock: an interrupt's removal then either sees the file or comes first,
    /// in which case nothing is created (-1, `errno` ECANCELED). A thread still spilling while the
    /// interrupt removes the files could otherwise create one again after it.
    public func open(_ path: String, _ flags: Int32, _ mode: mode_t, lockingFolder folder: String? = nil) -> Int32 {
        registry.withLock { registry in
            guard !registry.closed else {
                errno = ECANCELED
                return -1
            }
            if let folder { registry.lock(folder, number: uniqueNumber) }
            let fd = Glibc.open(path, flags, mode)
            if fd >= 0 {
                registry.paths.insert(path)
                if let folder, registry.locks[folder] != nil { registry.madeUnderLock(path, folder) }
            }
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
        return try createExclusive(lockingFolder: folder) {
            (folder as NSString).appendingPathComponent("claim-scrub-\(pid)-\(self.uniqueNumber())-\(suffix)")
        }
    }

    /// `create`'s loop over candidate names, separate so that tests can offer a taken one.
    func createExclusive(attempts: Int = 64, lockingFolder folder: String? = nil, name: () -> String) throws -> (
        fd: Int32, path: String
    ) {
        var path = name()
        for _ in 0..<attempts {
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600, lockingFolder: folder)
            if fd >= 0 { return (fd, path) }
            guard errno == EEXIST else { break }
            path = name()
        }
        throw ScrubError(
            "cannot create a temporary file in the temporary folder (--temp-dir): \(String(cString: strerror(errno)))",
            file: path)
    }

    /// An interrupt: before the commit, removes every registered file, refuses every later `open`
    /// and `beginCommit`, and returns true (the process is to exit); once the commit has begun,
    /// changes nothing and returns false.
    func interrupt() -> Bool {
        registry.withLock { registry in
            if registry.committing { return false }
            registry.removeAll(closing: true)
            return true
        }
    }

    /// Marks the start of a run that writes outputs under temporary names: an interrupt (SIGINT,
    /// SIGTERM, SIGHUP, SIGPIPE; their handlers installed once per process) removes them and exits
    /// 128 + the signal, until
    /// the outputs are committed.
    public func beginRun() {
        installSignalHandlers()
        registry.withLock { $0.committing = false }
    }

    /// Marks the start of moving the outputs to their final names; false when an interrupt came
    /// first (the caller must then move nothing: the process is exiting).
    public func beginCommit() -> Bool {
        registry.withLock { registry in
            if registry.closed { return false }
            registry.committing = true
            return true
        }
    }

    /// Marks the start of moving the outputs to their final names, and from there an interrupt no
    /// longer stops the process (it would leave some outputs in place). When an interrupt came
    /// first, its handler is removing the files and exiting with 130/143: this waits for it rather
    /// than race it to exit with a status of its own, and never returns.
    public func enterCommit() {
        guard beginCommit() else {
            while true { pause() }
        }
    }

    /// Removes every registered file now; with `closing` (an interrupt), also refuses every later
    /// `open`.
    public func removeAll(closing: Bool = false) {
        registry.withLock { $0.removeAll(closing: closing) }
    }

    /// What `removeAbandoned` removed: how many files, left by which processes.
    public struct Abandoned: Equatable, Sendable {
        public var files = 0
        public var processes: [Int32] = []
    }

    /// Removes the temporary files of earlier runs that ended without removing them: killed
    /// (`kill -9`, the out-of-memory killer), a power cut, a crash. They hold charge lines, so
    /// they should not outlive the run that made them.
    ///
    /// A file is removed only when all of these hold: its name is one this program gives its
    /// temporaries (`claim-scrub-<pid>-<n>-…` in `temporaryFolder`, `.<output>.tmp-<pid>` or
    /// `.<output>.stale-<pid>` in `outputFolder`); it is a regular file (not a link) of this user;
    /// and no process `<pid>` is running, so it is not another run's. A run in another PID
    /// namespace sharing the temporary folder (two containers with one /tmp) looks dead from here:
    /// its lock file (`claim-scrub-<pid>-<n>-lock`, held with `flock` while it has files there)
    /// says it is not, and its files stay. (The output folder has its own lock, `OutputFolderLock`.)
    public static func removeAbandoned(temporaryFolder: String?, outputFolder: String?) -> Abandoned {
        var found = Abandoned()
        let own = getpid()
        func sweep(_ folder: String, readingLocks: Bool = false, _ owner: (String) -> Int32?) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            // Probed after the listing: a run's lock is in place before its first file, so every
            // file listed of a run still going has its lock listed too, and held.
            let locked = readingLocks ? heldLocks(names, in: folder, owner: owner) : []
            for name in names {
                guard let pid = owner(name), pid > 0, pid != own, !locked.contains(pid), !isRunning(pid) else {
                    continue
                }
                let path = (folder as NSString).appendingPathComponent(name)
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == getuid(),
                    unlink(path) == 0
                else { continue }
                // A lock file holds no data: removed with the rest, not counted as a temporary.
                if name.hasSuffix("-lock") { continue }
                found.files += 1
                if !found.processes.contains(pid) { found.processes.append(pid) }
            }
        }
        // claim-scrub-<pid>-<n>-<suffix>; the prefix tested first, as a shared /tmp holds many names.
        func temporaryOwner(_ name: String) -> Int32? {
            guard name.utf8.starts(with: "claim-scrub-".utf8) else { return nil }
            let parts = name.split(separator: "-", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] == "claim", parts[1] == "scrub", !parts[3].isEmpty,
                parts[3].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            return Int32(parts[2])
        }
        let temporary = temporaryFolder ?? NSTemporaryDirectory()
        sweep(temporary, readingLocks: true, temporaryOwner)
        if let outputFolder {
            sweep(outputFolder) { name in
                // .<output name>.tmp-<pid> (an output being written), .<output name>.stale-<pid>
                // (an earlier run's output being removed, `StaleOutputs`)
                guard name.utf8.first == UInt8(ascii: "."),
                    let marker = name.range(of: ".tmp-", options: .backwards)
                        ?? name.range(of: ".stale-", options: .backwards)
                else { return nil }
                let output = String(name[name.index(after: name.startIndex)..<marker.lowerBound])
                guard ScrubOptions.outputNames.contains(output) else { return nil }
                return Int32(name[marker.upperBound...])
            }
        }
        found.processes.sort()
        return found
    }

    /// The processes whose lock file in `folder` is held: a run's lock is exclusive, so a shared
    /// one cannot be had while it lives (the lock goes with the process, however it ends).
    private static func heldLocks(_ names: [String], in folder: String, owner: (String) -> Int32?) -> Set<Int32> {
        var held: Set<Int32> = []
        for name in names where name.hasSuffix("-lock") {
            guard let pid = owner(name) else { continue }
            let fd = Glibc.open(
                (folder as NSString).appendingPathComponent(name), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK { held.insert(pid) }
            close(fd)
        }
        return held
    }

    /// True when a process `pid` exists (it may be another user's: `kill` is then refused).
    private static func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Installs the handlers (once per process) of the signals that end a run: SIGINT and SIGTERM,
    /// and SIGHUP (the terminal closed) and SIGPIPE (stderr's reader gone), which used to end it
    /// with its temporary files left behind (patient data) and, while renaming, half an output set.
    ///
    /// A C handler (`sigaction`, in force when this returns) writes the signal's number to a pipe,
    /// the only thing it may safely do; a thread of its own reads the pipe and does the rest.
    /// (Dispatch signal sources, used before, register asynchronously: a signal in the first
    /// moments after `beginRun`, with the disposition already SIG_IGN, was lost, and the run went
    /// on to the end.)
    private func installSignalHandlers() {
        handlersInstalled.withLock { installed in
            guard !installed else { return }
            installed = true
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { return }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            let readEnd = fds[0]
            // The reading thread first: without it (no thread to be had), the signals keep their
            // default action and end the process as they would any other (the next run removes
            // what it leaves), rather than be written to a pipe no one reads.
            do {
                try DetachedThread.start("handle signals") { [self] in
                    var byte: UInt8 = 0
                    while true {
                        let n = Glibc.read(readEnd, &byte, 1)
                        if n < 0 && errno == EINTR { continue }
                        guard n == 1 else { return }
                        let signalNumber = Int32(byte)
                        let stops = interrupt()
                        let message =
                            stops
                            ? "claim-scrub: interrupted; temporary files removed, no output written\n"
                            : "claim-scrub: interrupt ignored: the outputs are being put in place, the run completes\n"
                        StandardError.write(message)
                        if stops { exit(128 + signalNumber) }
                    }
                }
            } catch {
                for fd in fds { close(fd) }
                return
            }
            signalPipeWrite = fds[1]
            for signalNumber in Self.handledSignals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { signalNumber in
                    var byte = UInt8(truncatingIfNeeded: signalNumber)
                    _ = Glibc.write(signalPipeWrite, &byte, 1)
                }
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART
                sigaction(signalNumber, &action, nil)
            }
            // A process started with these signals blocked (Foundation's `Process` passes its
            // parent's mask on) would never run the handler: unblocked here, on the thread that
            // begins the run.
            var unblock = sigset_t()
            sigemptyset(&unblock)
            for signalNumber in Self.handledSignals { sigaddset(&unblock, signalNumber) }
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        }
    }

    static let handledSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE]
}

/// The pipe's write end for the signal handler (set once, before any handler is installed).
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1
