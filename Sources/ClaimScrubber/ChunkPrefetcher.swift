import Dispatch
import Foundation

/// Reads the chunks of one input ahead on a thread of its own, a bounded number at a time.
///
/// Pass 2 is a loop of "decompress a chunk, route its records, hand them to the compressor". Run
/// on one thread, decompression waits while the records are routed and the other way round; with
/// the reading done here, the two overlap (libzstd's own threads compress the outputs meanwhile).
final class ChunkPrefetcher: @unchecked Sendable {
    private let reader: ChunkReader
    private let depth: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [Chunk] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading at once; `depth` chunks at most wait to be taken. Throws when no thread
    /// can be started for it.
    init(reader: ChunkReader, depth: Int = 2) throws {
        self.reader = reader
        self.depth = max(depth, 1)
        try DetachedThread.start("read the input ahead") { [self] in
            self.readAll()
            self.done.signal()
        }
    }

    private func readAll() {
        var sequence = 0
        while true {
            condition.lock()
            while ready.count >= depth && !cancelled { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            let chunk: Chunk?
            do {
                chunk = try reader.nextChunk(sequence: sequence)
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            sequence += 1
            condition.lock()
            if let chunk { ready.append(chunk) } else { finished = true }
            condition.broadcast()
            condition.unlock()
            if chunk == nil { return }
        }
    }

    /// The next chunk in order, nil at the end of the input; rethrows a read error.
    func next() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let chunk = ready.removeFirst()
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops reading and waits for the reading thread to end (call once, before the reader is
    /// dropped, whether or not every chunk was taken).
    func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
