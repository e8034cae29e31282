#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's own limits (`ulimit -v`, `ulimit -n`) met before a run, so that one too tight
/// stops it with a message, or shapes it, rather than end it in a trap.
public enum ResourceLimits {
    /// glibc's unlimited (all bits set), which Swift cannot import as a literal.
    private static let unlimited = rlim_t.max

    /// The fewest file descriptors a run is started with: the standard three, the worker pool's
    /// event descriptors, the signal pipe, the output folder's lock, an input, a table file and the
    /// outputs. With 7, libdispatch stopped the process with SIGILL when it could not get one.
    public static let fewestDescriptors = 32

    /// Raises the soft limit on open files towards the hard one when it is below
    /// `fewestDescriptors`; the limit in force afterwards.
    public static func ensureDescriptors() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int.max }
        if limit.rlim_cur != unlimited && limit.rlim_cur < rlim_t(fewestDescriptors) {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 1024)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur == unlimited ? Int.max : Int(limit.rlim_cur)
    }

    /// The address-space limit (`ulimit -v`) in bytes, nil when there is none.
    public static func addressSpace() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != unlimited else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// What a run maps beyond what it keeps resident, whatever its --memory-limit: the libraries
    /// (Foundation with its ICU data), thread stacks (8 MiB each), libzstd's and libdispatch's
    /// threads. Measured on 2M-line scrubs: 228–245 MiB mapped at its peak for 83–124 MiB resident,
    /// at limits from 64 to 256 MiB.
    public static let mappedBeyondResident = 192 << 20

    /// The largest `--memory-limit` an address-space limit leaves room for (at least 1 MiB): a run
    /// over its address space stops with SIGABRT on the allocation that fails.
    public static func memoryLimit(underAddressSpace bytes: Int) -> Int { max(1 << 20, bytes - mappedBeyondResident) }
}
