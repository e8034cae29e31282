#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts a thread of the run's own and says when it could not: Foundation's
/// `Thread.detachNewThread` passes a failed `pthread_create` over in silence, and a run whose
/// reading thread never started (its stack not mapped under `ulimit -v`) waited for it for ever.
enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new detached thread; throws naming the error when none can be started.
    static func start(_ what: String, _ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, box.toOpaque())
        guard status == 0 else {
            box.release()
            throw ScrubError("cannot start a thread to \(what): \(String(cString: strerror(status)))")
        }
        pthread_detach(thread)
    }
}
