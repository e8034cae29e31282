import Benchmark
import ClaimScrubber
import Foundation
import Zstd

/// Hot stages of a scrub, each on the same generated extract (100,000 lines, about 18 MB of CSV):
/// zstd in and out, writing plain output, chunking, parsing into batches, line rules; and loading code tables, the shipped
/// ones and NCCI PTP files of a million rows.
let benchmarks: @Sendable () -> Void = {
    let lines = 100_000
    var generator = ExtractGenerator(options: ExtractGenerator.Options(lines: lines))
    var csv: [UInt8] = []
    generator.generate { csv.append(contentsOf: $0) }
    let compressed = (try? ZstdWriter.compress(csv, level: 3)) ?? []
    let directory = NSTemporaryDirectory() + "claim-scrub-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let plainPath = directory + "/extract.csv"
    _ = FileManager.default.createFile(atPath: plainPath, contents: Data(csv))
    let tables = (try? TableLoader.load(directories: TableLocator.resolve([]))) ?? CodeTables()
    let asOf = DayNumber.from(year: 2026, month: 6, day: 30)

    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    Benchmark("zstd decompress 100k lines", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ZstdReader.decompress(compressed).count)
        }
    }

    Benchmark("zstd compress level 1, 2 workers", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var size = 0
            let writer = try ZstdWriter(level: 1, workers: 2) { size += $0.count }
            try csv.withUnsafeBytes { try writer.write($0) }
            try writer.finish()
            blackHole(size)
        }
    }

    // Plain output, as pass 2 writes clean.csv with --level none: past the page cache (the default,
    // where the file system allows) and through it. Alone, the direct writes take the device's time
    // (14 ms for these 18 MB here) and the buffered ones only a copy into cached pages, which this
    // small file finds free (4 ms); the device write and, for gigabytes, the fresh pages come later,
    // which is what a whole scrub measures (README, "Speed and memory").
    let writing = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuSystem, .cpuTotal],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20
    )
    for direct in [true, false] {
        let name = "write 100k lines of plain output, " + (direct ? "past the page cache" : "through the page cache")
        Benchmark(name, configuration: writing) { benchmark in
            for i in benchmark.scaledIterations {
                let path = directory + "/written-\(direct)-\(i).csv"
                let output = try OutputFile(path: path, level: nil, direct: direct)
                // In pieces of about a run of records, as pass 2 hands them over.
                var start = 0
                while start < csv.count {
                    let end = min(csv.count, start + 64 << 10)
                    try csv[start..<end].withUnsafeBytes { try output.write($0) }
                    start = end
                }
                try output.commit()
                unlink(path)
            }
        }
    }

    Benchmark("chunking 100k lines", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let reader = ChunkReader(source: try InputSource(path: plainPath), file: 0)
            _ = try reader.readHeader()
            var chunks = 0
            while let chunk = try reader.nextChunk(sequence: chunks) {
                blackHole(chunk.newlineCount)
                chunks += 1
            }
        }
    }

    Benchmark("parse 100k lines into batches", configuration: configuration) { benchmark in
        let stage = try BenchmarkStage(path: plainPath, tables: tables, asOf: asOf)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(stage.parseAll())
        }
    }

    Benchmark("line rules over 100k parsed lines", configuration: configuration) { benchmark in
        let stage = try BenchmarkStage(path: plainPath, tables: tables, asOf: asOf)
        let batches = stage.parsedBatches()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(stage.runRules(on: batches))
        }
    }

    Benchmark("load the shipped code tables", configuration: configuration) { benchmark in
        let folders = try TableLocator.resolve([])
        for _ in benchmark.scaledIterations {
            blackHole(try TableLoader.load(directories: folders).releases.count)
        }
    }

    // A million NCCI PTP rows in four parts, in the official layout with synthetic values (the CMS
    // files hold millions per setting; Benchmarks/tables.sh times a full quarter's size).
    let ptpFolder = directory + "/ptp"
    try? FileManager.default.createDirectory(atPath: ptpFolder, withIntermediateDirectories: true)
    for part in 0..<4 {
        var text =
            "SYNTHETIC BENCHMARK DATA - NOT CMS NCCI EDITS\r\nColumn1/Column2 Edits\r\n"
            + "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
            + "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n\t\t\t\t*=no data\t1=allowed\t\r\n"
            + "\t\t\t\t\t9=not applicable\t\r\n"
        for column1 in (10000 + part * 2500)..<(12500 + part * 2500) {
            for k in 0..<100 {
                let deletion = k % 4 == 0 ? "20231231" : "*"
                text +=
                    "\(column1)\t\(20000 + k * 7)\t\(k % 3 == 0 ? "*" : "")\t19960101\t\(deletion)\t\(k % 2)\tMutually exclusive procedures\r\n"
            }
        }
        _ = FileManager.default.createFile(
            atPath: ptpFolder + "/ccipra-v321r0-f\(part + 1).txt", contents: Data(text.utf8))
    }
    Benchmark("load 1M NCCI PTP rows in 4 parts", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try TableLoader.load(directories: [ptpFolder]).ptp.releases.first?.count)
        }
    }

    Benchmark("scrub 100k lines end to end, 2 workers", configuration: configuration) { benchmark in
        for i in benchmark.scaledIterations {
            var options = ScrubOptions(inputs: [plainPath], asOf: asOf)
            options.outputDirectory = directory + "/out\(i)"
            options.workers = 2
            blackHole(try ScrubPipeline(options: options, tables: tables).run().summary.linesIn)
        }
    }
}
