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

    /// The stack a thread of the process gets: glibc gives each new thread the soft `ulimit -s`
    /// (8 MiB by default), and under `ulimit -s 65536` with `ulimit -v` the worker threads could
    /// not be mapped: libdispatch waits for them for ever (`_dispatch_temporary_resource_shortage`),
    /// and a 2,000-line scrub hung. No thread of the run needs more than this.
    public static let threadStack = 8 << 20

    /// Makes `threadStack` the default stack of the threads created from here on (libdispatch's,
    /// libzstd's, the run's own) when `ulimit -s` is larger or unlimited; call first thing in
    /// `main`, before any thread starts.
    public static func boundThreadStacks() {
        #if os(Linux)
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_STACK.rawValue), &limit) == 0,
                limit.rlim_cur == unlimited || limit.rlim_cur > rlim_t(threadStack)
            else { return }
            var attributes = pthread_attr_t()
            guard pthread_attr_init(&attributes) == 0 else { return }
            defer { pthread_attr_destroy(&attributes) }
            if pthread_attr_setstacksize(&attributes, threadStack) == 0 {
                _ = setDefaultThreadAttributes(&attributes)
            }
        #endif
    }

    /// What a run maps beyond what it keeps resident, whatever its --memory-limit: the libraries
    /// (Foundation with its ICU data), thread stacks (8 MiB each), libzstd's and libdispatch's
    /// threads. Measured on 2M-line scrubs: 228–245 MiB mapped at its peak for 83–124 MiB resident,
    /// at limits from 64 to 256 MiB.
    public static let mappedBeyondResident = 192 << 20

    /// The least address space (`ulimit -v`) a run starts in. Measured with 2 workers on a
    /// 300k-line extract with every table: under 150 MiB every run stopped with SIGABRT ("failed to
    /// allocate"), leaving its spill files; from 165 to 195 MiB some did; from 210 MiB none (each
    /// tried three times). Each worker past two maps another thread stack.
    public static func leastAddressSpace(workers: Int) -> Int { (224 << 20) + max(0, workers - 2) * threadStack }

    /// The largest `--memory-limit` an address-space limit leaves room for (at least 1 MiB): a run
    /// over its address space stops with SIGABRT on the allocation that fails.
    public static func memoryLimit(underAddressSpace bytes: Int) -> Int { max(1 << 20, bytes - mappedBeyondResident) }
}

#if os(Linux)
    /// glibc's `pthread_setattr_default_np` (a GNU extension the Glibc module does not export).
    @_silgen_name("pthread_setattr_default_np")
    private func setDefaultThreadAttributes(_ attributes: UnsafePointer<pthread_attr_t>) -> Int32
#endif
