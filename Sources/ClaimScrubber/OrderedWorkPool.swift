import Dispatch
import Synchronization

/// Numbered jobs run on up to `workers` threads at once, their results handed, in job order, to
/// one consumer.
///
/// `submit` blocks once `maxInFlight` jobs are queued, running or waiting to be consumed, so the
/// reader never runs ahead of the workers and memory stays bounded. A job runs on the first free
/// worker (a concurrent queue, `workers` of them admitted at once): which thread did the work
/// never changes the result or its order. (Job `n` on worker `n % workers`, the first design,
/// left a worker idle whenever its next job sat behind a longer one on the other worker.)
final class OrderedWorkPool<Output: Sendable>: Sendable {
    private struct State {
        var pending: [Int: Result<Output, any Error>] = [:]
        var nextToDeliver = 0
        var firstError: (any Error)?
    }

    private let queue = DispatchQueue(label: "claim-scrub.workers", attributes: .concurrent)
    /// Admits `workers` jobs to run at once.
    private let running: DispatchSemaphore
    private let delivery = DispatchQueue(label: "claim-scrub.delivery")
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let state = Mutex(State())
    private let consume: @Sendable (Output) throws -> Void

    /// - Parameter consume: called on one serial queue, in job order.
    init(workers: Int, maxInFlight: Int, consume: @escaping @Sendable (Output) throws -> Void) {
        self.running = DispatchSemaphore(value: max(1, workers))
        self.slots = DispatchSemaphore(value: max(1, maxInFlight))
        self.consume = consume
    }

    /// True once a job or the consumer failed; the producer should stop submitting.
    var hasFailed: Bool { state.withLock { $0.firstError != nil } }

    /// Queues job `sequence` (numbered 0, 1, 2, … without gaps).
    func submit(_ sequence: Int, _ work: @escaping @Sendable () throws -> Output) {
        slots.wait()
        group.enter()
        queue.async { [self] in
            running.wait()
            let result = Result { try work() }
            running.signal()
            state.withLock { $0.pending[sequence] = result }
            delivery.async { [self] in
                drain()
                group.leave()
            }
        }
    }

    private func drain() {
        while true {
            let next: Result<Output, any Error>? = state.withLock { state in
                guard let result = state.pending.removeValue(forKey: state.nextToDeliver) else { return nil }
                state.nextToDeliver += 1
                return result
            }
            guard let next else { return }
            defer { slots.signal() }
            if hasFailed { continue }
            do {
                try consume(try next.get())
            } catch {
                state.withLock { if $0.firstError == nil { $0.firstError = error } }
            }
        }
    }

    /// Waits for every job and its delivery; rethrows the first failure.
    func finish() throws {
        group.wait()
        if let error = state.withLock({ $0.firstError }) { throw error }
    }

    /// `finish`, with a failure other than a `ScrubError` turned into one (what a run reports).
    func finishRun() throws {
        do {
            try finish()
        } catch let error as ScrubError {
            throw error
        } catch {
            throw ScrubError("\(error)")
        }
    }
}
