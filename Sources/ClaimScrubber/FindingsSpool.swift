#if canImport(Glibc)
    import Glibc
#endif

/// The findings rows of pass 1, in input order, each framed with its record number, kept on disk
/// until pass 2 merges them with the shard stage's findings into findings.csv.
///
/// Frame: record number (8 bytes, little endian), row length (4 bytes), row bytes.
final class FindingsSpool {
    private let file: SpoolFile

    init(directory: String?) throws {
        file = try SpoolFile(directory: directory, name: "findings.spool")
    }

    var path: String { file.path }

    /// Starts a frame for `record` (relative to its chunk); returns where its length goes.
    static func beginRow(record: UInt64, in rows: inout [UInt8]) -> Int {
        withUnsafeBytes(of: record.littleEndian) { rows.append(contentsOf: $0) }
        rows.append(contentsOf: [0, 0, 0, 0])
        return rows.count - 4
    }

    static func endRow(lengthAt: Int, in rows: inout [UInt8]) {
        let length = UInt32(rows.count - lengthAt - 4)
        withUnsafeBytes(of: length.littleEndian) { bytes in
            for i in 0..<4 { rows[lengthAt + i] = bytes[i] }
        }
    }

    /// Appends a chunk's frames, turning chunk-relative record numbers into run-wide ones.
    func append(_ rows: [UInt8], base: UInt64) throws {
        guard !rows.isEmpty else { return }
        var framed = rows
        var at = 0
        framed.withUnsafeMutableBytes { raw in
            while at + 12 <= raw.count {
                let record = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) + base
                raw.storeBytes(of: record.littleEndian, toByteOffset: at, as: UInt64.self)
                let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)))
                at += 12 + length
            }
        }
        try framed.withUnsafeBytes { try file.write($0) }
    }

    func finish() throws { try file.finish() }
    func remove() { file.remove() }

    /// Reads the frames back in order.
    final class Reader {
        private let source: InputSource
        private var buffer: [UInt8] = []
        private var position = 0
        private var ended = false

        init(path: String) throws {
            source = try InputSource(path: path, name: "findings spool", spool: true)
        }

        /// The next frame, or nil at the end.
        func next() throws -> (record: UInt64, row: ArraySlice<UInt8>)? {
            try fill(12)
            guard buffer.count - position >= 12 else { return nil }
            let record = buffer.withUnsafeBytes {
                UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            }
            let length = buffer.withUnsafeBytes {
                Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self)))
            }
            try fill(12 + length)
            guard buffer.count - position >= 12 + length else {
                throw ScrubError("the findings spool is truncated", file: "findings spool")
            }
            let row = buffer[(position + 12)..<(position + 12 + length)]
            position += 12 + length
            return (record, row)
        }

        private func fill(_ needed: Int) throws {
            guard buffer.count - position < needed, !ended else { return }
            buffer.removeFirst(position)
            position = 0
            var chunk = [UInt8](repeating: 0, count: max(1 << 20, needed))
            while buffer.count < needed && !ended {
                let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { ended = true } else { buffer.append(contentsOf: chunk[0..<n]) }
            }
        }
    }
}
