/// Chunks of whole X12 interchanges: bytes in memory that a segment reader reads in place.
///
/// Held as an `[UInt8]`, a chunk was copied again, a MiB at a time, into its reader's buffer in
/// each pass; a `Chunk` owns raw bytes that stay put, so the reader reads them where they are. Of
/// a chunk's other fields (lines, offsets) the X12 path uses none.
extension Chunk {
    /// A chunk holding a copy of `bytes`.
    static func copy(of bytes: UnsafeRawBufferPointer) -> Chunk {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        if let base = bytes.baseAddress, !bytes.isEmpty {
            storage.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
        }
        return Chunk(
            storage: storage, count: bytes.count, file: 0, sequence: 0, firstLine: 1, newlineCount: 0, byteOffset: 0,
            isLastOfFile: false)
    }

    /// The next `count` bytes of `source` (fewer at its end).
    static func read(_ count: Int, from source: InputSource) throws -> Chunk {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 64)
        let n: Int
        do {
            n = try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
        } catch {
            storage.deallocate()
            throw error
        }
        return Chunk(
            storage: storage, count: n, file: 0, sequence: 0, firstLine: 1, newlineCount: 0, byteOffset: 0,
            isLastOfFile: false)
    }
}
