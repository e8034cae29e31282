#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lines of an oversized shard of the shard stage, as they lie in memory, in a temporary
/// file: a patient-day with more lines than a job may hold is read from here, twice forward for
/// its rules and, when it has credits, once backward to mark the charges they reverse (records of
/// one size, so a block can be read from the end and written back in place). 64 bytes a line on
/// disk, removed when the shard is done, or by the registry on a failure or Ctrl-C.
final class GroupFile {
    let path: String
    private let fd: Int32
    private(set) var count = 0
    private static let stride = MemoryLayout<EncounterLine>.stride
    /// Lines per read or write: 1 MiB unless a test asks for less.
    private let blockLines: Int

    init(directory: String?, blockLines: Int = (1 << 20) / MemoryLayout<EncounterLine>.stride) throws {
        precondition(_isPOD(EncounterLine.self), "lines are written as they lie in memory")
        self.blockLines = max(1, blockLines)
        (fd, path) = try TemporaryFiles.shared.create(in: directory, suffix: "group.lines")
    }

    deinit {
        close(fd)
        unlink(path)
        TemporaryFiles.shared.unregister(path)
    }

    private func failure(_ reason: String) -> ScrubError {
        ScrubError("cannot write a large patient-day's lines to --temp-dir (is it full?): \(reason)", file: path)
    }

    func append(_ lines: UnsafeBufferPointer<EncounterLine>) throws {
        try writeAll(fd, UnsafeRawBufferPointer(lines), failure: failure)
        count += lines.count
    }

    /// Reads `n` lines from line `at` into `buffer`.
    private func read(_ buffer: UnsafeMutableBufferPointer<EncounterLine>, at: Int, _ n: Int) throws {
        let raw = UnsafeMutableRawBufferPointer(
            start: UnsafeMutableRawPointer(buffer.baseAddress!), count: n * Self.stride)
        try readFully(fd, into: raw, at: at * Self.stride) {
            ScrubError("a large patient-day's lines file is damaged or unreadable", file: path)
        }
    }

    /// Every line in order, a block at a time.
    func forEach(_ body: (UnsafeBufferPointer<EncounterLine>) throws -> Void) throws {
        let buffer = UnsafeMutableBufferPointer<EncounterLine>.allocate(capacity: blockLines)
        defer { buffer.deallocate() }
        var at = 0
        while at < count {
            let n = min(blockLines, count - at)
            try read(buffer, at: at, n)
            try body(UnsafeBufferPointer(rebasing: buffer[0..<n]))
            at += n
        }
    }

    /// The lines of the file that `belongs` picks, in order.
    struct Lines: LargeGroupLines {
        let file: GroupFile
        let belongs: (EncounterLine) -> Bool
        init(file: GroupFile, of belongs: @escaping (EncounterLine) -> Bool) {
            self.file = file
            self.belongs = belongs
        }

        func forEach(_ body: (EncounterLine) throws -> Void) throws {
            try file.forEach { piece in
                for line in piece where belongs(line) { try body(line) }
            }
        }
    }

    /// Every line from the last to the first, read a block at a time; a block in which `body`
    /// changed a line (and said so by returning true) is written back in place.
    func updateBackward(_ body: (inout EncounterLine) throws -> Bool) throws {
        let buffer = UnsafeMutableBufferPointer<EncounterLine>.allocate(capacity: blockLines)
        defer { buffer.deallocate() }
        var end = count
        while end > 0 {
            let n = min(blockLines, end)
            let at = end - n
            try read(buffer, at: at, n)
            var changed = false
            for i in (0..<n).reversed() where try body(&buffer[i]) { changed = true }
            if changed {
                try writeAll(
                    fd, UnsafeRawBufferPointer(start: buffer.baseAddress, count: n * Self.stride), at: at * Self.stride,
                    failure: failure)
            }
            end = at
        }
    }
}
