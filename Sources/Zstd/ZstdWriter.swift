import CZstd

/// Compresses a byte stream into one zstd frame, handing compressed bytes to a sink as they appear.
///
/// With `workers > 0`, libzstd compresses on its own threads (`ZSTD_c_nbWorkers`), so the caller's
/// thread is free to produce the next input while earlier input is being compressed.
public final class ZstdWriter {
    /// Receives compressed bytes.
    public typealias Push = (UnsafeRawBufferPointer) throws -> Void

    private let push: Push
    private let context: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer
    private var finished = false

    public init(level: Int32 = 1, workers: Int32 = 0, push: @escaping Push) throws {
        self.push = push
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "cannot create a zstd context") }
        self.context = context
        self.output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
        do {
            _ = try checked(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
            // A content checksum per frame lets a reader tell corruption from data, as the zstd CLI does.
            _ = try checked(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
            if workers > 0 {
                // A libzstd built without threads refuses this; compressing on the caller's thread is fine then.
                _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers)
            }
        } catch {
            ZSTD_freeCCtx(context)
            output.deallocate()
            throw error
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    /// Compresses `bytes` (the data may be buffered inside libzstd until later calls).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write after finish")
        guard bytes.count > 0 else { return }
        var inBuffer = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while inBuffer.pos < inBuffer.size {
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            _ = try checked(ZSTD_compressStream2(context, &outBuffer, &inBuffer, ZSTD_e_continue))
            if outBuffer.pos > 0 { try push(UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])) }
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Starts a new frame on the same context, after `finish()`: for writers of many small frames
    /// (spill files), where setting up a fresh context costs more than compressing.
    public func restart() throws {
        _ = try checked(ZSTD_CCtx_reset(context, ZSTD_reset_session_only))
        finished = false
    }

    /// Flushes everything and closes the frame.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while true {
            var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
            let remaining = try checked(ZSTD_compressStream2(context, &outBuffer, &inBuffer, ZSTD_e_end))
            if outBuffer.pos > 0 { try push(UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])) }
            if remaining == 0 { break }
        }
    }
}

extension ZstdWriter {
    /// Compresses a whole buffer at once (tests, small files).
    public static func compress(_ bytes: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        var result: [UInt8] = []
        let writer = try ZstdWriter(level: level) { result.append(contentsOf: $0) }
        try writer.write(bytes)
        try writer.finish()
        return result
    }
}

extension ZstdReader {
    /// Decompresses a whole buffer at once (tests, small files); past `limit` bytes of output it
    /// throws instead (a few KB of zstd can stand for gigabytes).
    public static func decompress(_ bytes: [UInt8], limit: Int = .max) throws -> [UInt8] {
        var position = 0
        let reader = ZstdReader { buffer in
            let n = min(buffer.count, bytes.count - position)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + n]))
            }
            position += n
            return n
        }
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try reader.read(into: chunk)
            if n == 0 { break }
            guard n <= limit - result.count else {
                throw ZstdError(message: "decompresses to more than \(limit) bytes")
            }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}
