import Foundation
import Testing
import Zstd

@testable import ClaimScrubber

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "claim-scrub-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum TestPaths {
    /// The package root, from this file's place in Tests/ClaimScrubberTests.
    static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()
    static var defaultTables: String { packageRoot + "/data/tables" }
    static var demoTables: String { packageRoot + "/data/demo-tables" }
}

enum Fixtures {
    static let asOf = DayNumber.from(year: 2026, month: 6, day: 30)

    /// Writes a generated extract (zstd when the name ends in .zst) and returns its truth.
    static func generate(
        lines: Int, seed: UInt64 = 7, errorRate: Double = 0.05, to path: String,
        defects: [ExtractGenerator.Defect] = ExtractGenerator.Defect.allCases
    ) throws -> Set<ExtractGenerator.TruthEntry> {
        var options = ExtractGenerator.Options(lines: lines)
        options.seed = seed
        options.errorRate = errorRate
        options.defects = defects
        var generator = ExtractGenerator(options: options)
        var bytes: [UInt8] = []
        generator.generate { bytes.append(contentsOf: $0) }
        if path.hasSuffix(".zst") { bytes = try ZstdWriter.compress(bytes, level: 3) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return Set(generator.truth)
    }

    static let tablesCache: CodeTables = {
        (try? TableLoader.load(directories: [TestPaths.defaultTables])) ?? CodeTables()
    }()

    /// The default tables plus the synthetic NCCI PTP, MUE and add-on demo tables.
    static let demoTablesCache: CodeTables = {
        (try? TableLoader.load(directories: [TestPaths.defaultTables, TestPaths.demoTables])) ?? CodeTables()
    }()

    /// Runs a scrub with the default tables and returns the pipeline result.
    static func scrub(
        _ inputs: [String], out: String, tables: CodeTables? = nil, _ configure: (inout ScrubOptions) -> Void = { _ in }
    ) throws -> ScrubPipeline.Result {
        var options = ScrubOptions(inputs: inputs, asOf: asOf)
        options.outputDirectory = out
        options.workers = 2
        configure(&options)
        return try ScrubPipeline(options: options, tables: tables ?? tablesCache).run()
    }

    /// Scrubs `text`, written as `name` in a folder of its own, into its `out`: the result, the
    /// folder (the caller removes it) and findings.csv's rows. A scrub that throws removes the folder.
    static func scrubInFolder(
        _ text: String, name: String, _ configure: (inout ScrubOptions) -> Void = { _ in }
    ) throws -> (ScrubPipeline.Result, TemporaryFolder, [[String: String]]) {
        let folder = try TemporaryFolder()
        do {
            let result = try scrub([try folder.write(name, text)], out: folder.file("out"), configure)
            return (result, folder, try findings(folder.file("out")))
        } catch {
            folder.remove()
            throw error
        }
    }

    /// findings.csv's rows after scrubbing `header` and `rows` (a record each) in a folder of its own.
    static func findings(header: String, rows: [String], tables: CodeTables? = nil) throws -> [[String: String]] {
        let dir = try TemporaryFolder()
        defer { dir.remove() }
        let path = try dir.write("extract.csv", header + rows.joined(separator: "\n") + "\n")
        _ = try scrub([path], out: dir.file("o"), tables: tables)
        return try findings(dir.file("o"))
    }

    /// A file's bytes, decompressed when zstd.
    static func read(_ path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return ZstdFormat.isCompressed(prefix: bytes) ? try ZstdReader.decompress(bytes) : bytes
    }

    /// Records after the header line, each with its line end, split by the RFC 4180 record rule.
    static func records(_ bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        var inQuotes = false
        for (i, c) in bytes.enumerated() {
            if c == 0x22 { inQuotes.toggle() }
            if c == 0x0A && !inQuotes {
                result.append(Array(bytes[start...i]))
                start = i + 1
            }
        }
        if start < bytes.count { result.append(Array(bytes[start...])) }
        return Array(result.dropFirst())
    }

    /// findings.csv rows as dictionaries by column name.
    static func findings(_ out: String) throws -> [[String: String]] {
        let bytes = try read(out + "/findings.csv")
        var rows: [[String]] = []
        var field: [UInt8] = []
        var row: [String] = []
        var inQuotes = false
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                        field.append(0x22); i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == 0x22 {
                inQuotes = true
            } else if c == 0x2C {
                row.append(String(decoding: field, as: UTF8.self)); field = []
            } else if c == 0x0A {
                row.append(String(decoding: field, as: UTF8.self)); field = []
                rows.append(row); row = []
            } else {
                field.append(c)
            }
            i += 1
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
