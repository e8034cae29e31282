import CZstd

/// Decompresses a zstd stream (one or more concatenated frames) pulled from an underlying reader.
///
/// The streaming decoder does not complain when the input ends inside a frame: it simply waits for
/// more. So the end of the compressed input is checked explicitly: if the last call to
/// `ZSTD_decompressStream` did not finish a frame, the stream was truncated, and that is an error
/// naming the byte offset where the input ended.
public final class ZstdReader {
    /// Reads raw compressed bytes into the buffer; returns 0 at end of input.
    public typealias Pull = (UnsafeMutableRawBufferPointer) throws -> Int

    private let pull: Pull
    private let stream: OpaquePointer
    private var input: UnsafeMutableRawBufferPointer
    private var inputPosition = 0
    private var inputEnd = 0
    private var inputExhausted = false
    private var frameOpen = false
    private var sawAnyInput = false
    /// Compressed bytes consumed so far, for error messages.
    public private(set) var compressedOffset: UInt64 = 0

    public init(bufferSize: Int = 1 << 17, pull: @escaping Pull) {
        self.pull = pull
        self.stream = ZSTD_createDStream()
        ZSTD_initDStream(stream)
        self.input = .allocate(byteCount: max(bufferSize, ZSTD_DStreamInSize()), alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(stream)
        input.deallocate()
    }

    /// Fills `output` with decompressed bytes; returns how many, 0 only at the clean end of the stream.
    public func read(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard output.count > 0 else { return 0 }
        while true {
            if inputPosition == inputEnd && !inputExhausted {
                let n = try pull(input)
                if n == 0 {
                    inputExhausted = true
                } else {
                    inputPosition = 0
                    inputEnd = n
                    sawAnyInput = true
                }
            }
            if inputPosition == inputEnd && inputExhausted {
                // A frame may still hold buffered output: drain it before deciding.
                if frameOpen {
                    let produced = try step(output)
                    if produced > 0 { return produced }
                    throw ZstdError(
                        message: "truncated zstd stream: input ends inside a frame", offset: compressedOffset)
                }
                if !sawAnyInput { throw ZstdError(message: "empty zstd stream", offset: 0) }
                return 0
            }
            let produced = try step(output)
            if produced > 0 { return produced }
        }
    }

    /// One call to the decoder; returns the bytes produced.
    private func step(_ output: UnsafeMutableRawBufferPointer) throws -> Int {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: inputEnd, pos: inputPosition)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let before = inputPosition
        let hint: Int
        do {
            hint = try checked(ZSTD_decompressStream(stream, &outBuffer, &inBuffer), offset: compressedOffset)
        } catch {
            // The decoder takes whole blocks into its own buffer before it decodes them, so the
            // damage can lie anywhere in what it was given: name the end of that, not where this
            // call started (which was often the frame header, thousands of bytes before the damage).
            throw ZstdError(
                message: "corrupt zstd stream: \(error.message) in the bytes read so far",
                offset: compressedOffset + UInt64(inputEnd - before))
        }
        inputPosition = inBuffer.pos
        compressedOffset += UInt64(inputPosition - before)
        // hint == 0: a frame just ended completely. Anything else: inside a frame (or between
        // frames with more input to come), and more input or output space is needed.
        frameOpen = hint != 0
        return outBuffer.pos
    }
}
