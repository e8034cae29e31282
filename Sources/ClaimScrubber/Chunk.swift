/// A run of whole records read from one input file, handed to a worker as one unit of work.
///
/// The bytes are owned by the chunk and never change after the reader made it, so a chunk can be
/// read from any thread.
public final class Chunk: @unchecked Sendable {
    /// The chunk's bytes (whole records, the last one possibly without its line end at end of file).
    public let bytes: UnsafeRawBufferPointer
    private let storage: UnsafeMutableRawBufferPointer
    /// Index of the input file (command-line order).
    public let file: Int
    /// Sequence number over the whole run (all files), for putting results back in order.
    public let sequence: Int
    /// 1-based physical line number of the chunk's first byte within its file.
    public let firstLine: Int
    /// Number of newline bytes in the chunk (physical lines, quoted newlines included).
    public let newlineCount: Int
    /// Offset of the chunk's first byte in the file's decompressed data.
    public let byteOffset: UInt64
    /// True when this is the last chunk of its file.
    public let isLastOfFile: Bool

    init(
        storage: UnsafeMutableRawBufferPointer, count: Int, file: Int, sequence: Int, firstLine: Int,
        newlineCount: Int, byteOffset: UInt64, isLastOfFile: Bool
    ) {
        self.storage = storage
        self.bytes = UnsafeRawBufferPointer(rebasing: storage[0..<count])
        self.file = file
        self.sequence = sequence
        self.firstLine = firstLine
        self.newlineCount = newlineCount
        self.byteOffset = byteOffset
        self.isLastOfFile = isLastOfFile
    }

    deinit { storage.deallocate() }
}
