import Foundation
import Zstd

/// Reads a table file whole, decompressing it when its first bytes say zstd.
enum TableFile {
    static func read(_ path: String) throws -> [UInt8] {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScrubError("cannot read table file", file: name)
        }
        let bytes = [UInt8](data)
        guard ZstdFormat.isCompressed(prefix: bytes) else { return bytes }
        do {
            return try ZstdReader.decompress(bytes)
        } catch {
            throw ScrubError("table file is not a valid zstd stream: \(error)", file: name)
        }
    }

    /// Lines of a text table (line ends and a trailing CR removed), with 1-based line numbers.
    static func lines(_ bytes: [UInt8]) -> [(number: Int, text: ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var end = i
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            if !(i == bytes.count && start == i) { result.append((number, bytes[start..<end])) }
            number += 1
            start = i + 1
        }
        return result
    }
}
