/// The pipeline's stages one at a time, for the benchmarks: parse a file's chunks, then run the
/// line rules over the parsed batches, each measurable alone.
package struct BenchmarkStage {
    let chunks: [Chunk]
    let parser: ChargeParser
    let context: RuleContext

    package init(path: String, tables: CodeTables, asOf: Int32) throws {
        let reader = ChunkReader(source: try InputSource(path: path), file: 0)
        guard let header = try reader.readHeader() else { throw ScrubError("empty input", file: path) }
        let layout = try ExtractLayout(header: header, file: path)
        reader.delimiter = layout.delimiter
        var chunks: [Chunk] = []
        while let chunk = try reader.nextChunk(sequence: chunks.count) { chunks.append(chunk) }
        self.chunks = chunks
        let settings = RuleSettings()
        parser = ChargeParser(layout: layout, settings: settings)
        context = RuleContext(asOf: asOf, settings: settings, tables: tables)
    }

    /// Parses every chunk; returns the number of records. Parsing unescapes quoted fields in
    /// place, which is idempotent for re-parsing only when no field held doubled quotes; the
    /// benchmark input's descriptions do, so each run copies the chunks first.
    package func parseAll() -> Int {
        var records = 0
        for chunk in chunks {
            var sink = FindingSink(configuration: context.settings)
            records += parser.parse(chunk.copy(), sink: &sink).count
        }
        return records
    }

    package func parsedBatches() -> [ChargeBatch] {
        chunks.map { chunk in
            var sink = FindingSink(configuration: context.settings)
            return parser.parse(chunk.copy(), sink: &sink)
        }
    }

    /// Runs every line rule over the batches; returns the number of findings.
    package func runRules(on batches: [ChargeBatch]) -> Int {
        var findings = 0
        for batch in batches {
            var sink = FindingSink(configuration: context.settings)
            for rule in LineRules.all { rule.check(batch, context, &sink) }
            findings += sink.findings.count
        }
        return findings
    }
}

extension Chunk {
    /// A chunk with its own copy of the bytes.
    func copy() -> Chunk {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        storage.copyMemory(from: bytes)
        return Chunk(
            storage: storage, count: bytes.count, file: file, sequence: sequence, firstLine: firstLine,
            newlineCount: newlineCount, byteOffset: byteOffset, isLastOfFile: isLastOfFile)
    }
}
