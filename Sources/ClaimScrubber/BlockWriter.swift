#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import Synchronization

/// Appends bytes to an open file in page-aligned blocks written on a thread of its own, bypassing
/// the page cache (`O_DIRECT`) where the platform and the file system allow it.
///
/// Why past the page cache: a scrub writes gigabytes that it never reads back. Through the cache
/// every byte is copied into a fresh cached page and accounted for; on the machine the targets are
/// measured on, writing 1.8 GB that way cost 4–7 s of system time, against 0.2 s with `O_DIRECT`
/// (dd), more than the whole `zstd -dc` a plain-output scrub is compared with. Why a thread: a
/// direct write returns only when the device has the block (about 0.7 ms a MiB here), where a
/// buffered one returns once the bytes are copied, so on the caller's thread pass 2 waited for the
/// device between runs of records; with the writes on their own thread, pass 2 of a 10M-line
/// `--level none` scrub took 1.79 s against 2.37 s (one pair of runs). A file system that refuses
/// `O_DIRECT` (tmpfs on older kernels, some network file systems) gets the same blocks through the
/// page cache, as does the file's last partial block, which direct I/O cannot write.
final class BlockWriter {
    static let blockSize = 1 << 20
    /// Direct I/O needs the buffer address, the length and the file offset aligned to the device's
    /// logical block; 4096 covers 512-byte and 4K devices.
    static let alignment = 4096
    /// One block filling, up to three written or waiting: 4 MiB a file. Larger blocks (4 MiB) wrote
    /// no faster here (dd).
    private static let blockCount = 4

    private struct Shared {
        /// Blocks free to fill.
        var spare: [Int]
        var error: ScrubError?
        /// Set by `abandon`: blocks not yet written are skipped.
        var abandoned = false
    }

    private let fd: Int32
    private let blocks: [UnsafeMutableRawBufferPointer]
    private let failure: @Sendable (String) -> ScrubError
    /// Writes blocks in order, one at a time.
    private let queue = DispatchQueue(label: "claim-scrub.block-writer")
    /// Counts the blocks in `Shared.spare`.
    private let spareCount: DispatchSemaphore
    private let shared: Mutex<Shared>
    /// The block being filled (the caller's thread only).
    private var current: Int
    /// Bytes in the current block (the caller's thread only).
    private var count = 0
    /// Whether writes bypass the page cache (`queue` only, after `init`).
    private var direct = false

    /// - Parameters:
    ///   - direct: try `O_DIRECT` (false keeps every write in the page cache).
    ///   - failure: makes the thrown error from the system's reason (naming the file).
    init(fd: Int32, direct: Bool = true, failure: @escaping @Sendable (String) -> ScrubError) {
        self.fd = fd
        self.failure = failure
        blocks = (0..<Self.blockCount).map { _ in
            .allocate(byteCount: Self.blockSize, alignment: Self.alignment)
        }
        current = 0
        shared = Mutex(Shared(spare: Array(1..<Self.blockCount)))
        spareCount = DispatchSemaphore(value: Self.blockCount - 1)
        // Where the file system refuses O_DIRECT the writes simply stay buffered.
        self.direct = direct && Self.setDirect(fd, true)
    }

    deinit {
        // Blocks still being written are the writer's until it is done with them.
        queue.sync {}
        for block in blocks { block.deallocate() }
    }

    /// The platform's `O_DIRECT`, which Swift's Glibc module does not export (it is a `_GNU_SOURCE`
    /// name); nil where there is none.
    private static var directFlag: Int32? {
        #if os(Linux) && (arch(x86_64) || arch(i386))
            return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
            return 0o200000
        #else
            return nil
        #endif
    }

    /// Turns `O_DIRECT` on or off for an open file; false when it could not (no such flag here, or,
    /// turning it on, a file system that refuses it: Linux takes the flag through `F_SETFL` and
    /// answers EINVAL there). Also for `InputSource`, which reads spools the same way.
    static func setDirect(_ fd: Int32, _ on: Bool) -> Bool {
        guard let flag = directFlag else { return false }
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, on ? flags | flag : flags & ~flag) == 0
    }

    /// Whether the writes go past the page cache (tests).
    var isDirect: Bool { queue.sync { direct } }

    /// Takes a copy of `bytes`; throws a failure of an earlier block's write.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard var source = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = min(Self.blockSize - count, remaining)
            (blocks[current].baseAddress! + count).copyMemory(from: source, byteCount: n)
            count += n
            source += n
            remaining -= n
            if count == Self.blockSize { try submit(last: false) }
        }
    }

    /// Writes what is left and waits for every block; the writer takes no more bytes after this.
    func finish() throws {
        do { try submit(last: true) } catch {
            abandon()
            throw error
        }
        queue.sync {}
        if let error = shared.withLock({ $0.error }) { throw error }
    }

    /// Skips the blocks not yet written and waits for the one being written: call it before the file
    /// is closed without `finish` (else a queued write could reach another file given the same
    /// descriptor number).
    func abandon() {
        shared.withLock { $0.abandoned = true }
        queue.sync {}
    }

    /// Hands the current block to the writer and takes a spare one (waiting for one if none).
    private func submit(last: Bool) throws {
        if let error = shared.withLock({ $0.error }) { throw error }
        let block = current
        let length = count
        queue.async { [self] in
            write(block: block, length: length, last: last)
            shared.withLock { $0.spare.append(block) }
            spareCount.signal()
        }
        count = 0
        if last { return }
        spareCount.wait()
        current = shared.withLock { $0.spare.removeLast() }
    }

    /// On `queue`.
    private func write(block: Int, length: Int, last: Bool) {
        guard shared.withLock({ $0.error == nil && !$0.abandoned }) else { return }
        if last && length % Self.alignment != 0 { stopDirect() }
        let base = blocks[block].baseAddress!
        var done = 0
        while done < length {
            let n = Glibc.write(fd, base + done, length - done)
            if n < 0 {
                if errno == EINTR { continue }
                // A file system can take the flag and still refuse a direct write.
                if errno == EINVAL && direct {
                    stopDirect()
                    continue
                }
                let error = failure(String(cString: strerror(errno)))
                shared.withLock { $0.error = error }
                return
            }
            done += n
            // A short direct write would leave the next one unaligned.
            if direct && done % Self.alignment != 0 { stopDirect() }
        }
    }

    /// On `queue`.
    private func stopDirect() {
        guard direct else { return }
        _ = Self.setDirect(fd, false)
        direct = false
    }
}

// The caller's thread owns `current` and `count`; `queue` owns `direct` and the blocks it was
// handed; `shared` is a Mutex. The blocks are handed over through `queue` and `spareCount`.
extension BlockWriter: @unchecked Sendable {}
