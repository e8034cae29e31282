import Foundation

/// What a worker hands back for one chunk: everything the in-order consumer needs, nothing that
/// needs the chunk's bytes any more.
struct ChunkOutcome: Sendable {
    var file: Int
    var records: Int
    /// Records (index within the chunk) that hold at least one error.
    var heldRecords: [Int32]
    /// findings.csv rows, formatted.
    var rows: [UInt8]
    var metrics: ScrubMetrics
}

/// Pass-1 results gathered by the consumer.
final class PassOneState: @unchecked Sendable {
    // Every field is touched only by the pool's delivery queue until `finish()` returns, then only
    // by the thread that called it.
    var held = RecordSet()
    var metrics = ScrubMetrics()
    var recordsPerFile: [Int]
    var nextRecord = 0
    let findings: OutputFile
    /// Per input: the spool of its decompressed bytes (compressed inputs only), for pass 2.
    var spools: [SpoolFile?] = []

    init(files: Int, findings: OutputFile) {
        recordsPerFile = Array(repeating: 0, count: files)
        self.findings = findings
    }
}

extension ScrubPipeline {
    // MARK: - Pass 1

    func passOne(inputs: [OpenInput], layout: ExtractLayout, findings: OutputFile) throws -> PassOneState {
        let state = PassOneState(files: inputs.count, findings: findings)
        let context = RuleContext(asOf: options.asOf, settings: options.settings, tables: tables)
        let rules = LineRules.all
        let parser = ChargeParser(layout: layout, settings: options.settings)
        let fileNames = inputs.map { $0.source.name }
        let hasLineId = layout.has(.lineId)
        let pool = OrderedWorkPool<ChunkOutcome>(workers: options.workers, maxInFlight: options.workers * 2 + 1) {
            outcome in
            let base = state.nextRecord
            for r in outcome.heldRecords { state.held.insert(base + Int(r)) }
            state.nextRecord += outcome.records
            state.recordsPerFile[outcome.file] += outcome.records
            state.metrics.merge(outcome.metrics)
            try state.findings.write(outcome.rows)
        }
        var sequence = 0
        var rawTotal: UInt64 = 0
        var rawBefore: UInt64 = 0
        for input in inputs { rawTotal += input.source.rawSize ?? 0 }
        do {
            for (index, input) in inputs.enumerated() {
                var spool: SpoolFile?
                if input.source.isCompressed && options.spoolCompressedInput {
                    spool = try SpoolFile(directory: options.temporaryDirectory, tag: index)
                    try input.layout.headerBytes.withUnsafeBytes { try spool!.write($0) }
                }
                state.spools.append(spool)
                while !pool.hasFailed, let chunk = try input.reader.nextChunk(sequence: sequence) {
                    try spool?.write(chunk.bytes)
                    let fileName = fileNames[chunk.file]
                    pool.submit(sequence) {
                        Self.process(
                            chunk, parser: parser, rules: rules, context: context, fileName: fileName,
                            hasLineId: hasLineId)
                    }
                    sequence += 1
                    progress?(rawBefore + input.source.rawBytesRead, rawTotal, chunk.firstLine - 2 + chunk.newlineCount)
                }
                rawBefore += input.source.rawBytesRead
                spool?.finish()
            }
        } catch {
            try? pool.finish()
            throw error
        }
        do {
            try pool.finish()
        } catch let error as ScrubError {
            throw error
        } catch {
            throw ScrubError("\(error)")
        }
        return state
    }

    static func process(
        _ chunk: Chunk, parser: ChargeParser, rules: [any LineRule], context: RuleContext, fileName: String,
        hasLineId: Bool
    ) -> ChunkOutcome {
        var sink = FindingSink(configuration: context.settings)
        let batch = parser.parse(chunk, sink: &sink)
        for rule in rules { rule.check(batch, context, &sink) }
        sink.sort()
        var metrics = ScrubMetrics()
        metrics.records = batch.count
        var held: [Int32] = []
        var rows: [UInt8] = []
        for finding in sink.findings {
            metrics.count(finding)
            if finding.severity == .error && held.last != finding.record { held.append(finding.record) }
            let r = Int(finding.record)
            let lineNumber = chunk.firstLine + Int(batch.lineOffset[r])
            CSVText.append(lineNumber, to: &rows)
            rows.append(0x2C)
            if hasLineId && !batch.isEmpty(.lineId, r) {
                batch.withBytes(.lineId, r) { CSVText.append($0, to: &rows) }
            } else {
                CSVText.append(lineNumber, to: &rows)
            }
            rows.append(0x2C)
            batch.withBytes(.encounterId, r) { CSVText.append($0, to: &rows) }
            rows.append(0x2C)
            rows.append(contentsOf: finding.rule.rawValue.utf8)
            rows.append(0x2C)
            rows.append(contentsOf: finding.severity.rawValue.utf8)
            rows.append(0x2C)
            CSVText.append(finding.field, to: &rows)
            rows.append(0x2C)
            CSVText.append(finding.value, to: &rows)
            rows.append(0x2C)
            CSVText.append(finding.message, to: &rows)
            rows.append(0x2C)
            CSVText.append(fileName, to: &rows)
            rows.append(0x0A)
        }
        metrics.held = held.count
        metrics.accumulate(batch: batch, findings: sink.findings, held: held)
        return ChunkOutcome(file: chunk.file, records: batch.count, heldRecords: held, rows: rows, metrics: metrics)
    }

    // MARK: - Pass 2

    /// Re-reads every input and copies each record, byte for byte, to clean or held by its verdict.
    func passTwo(
        inputs: [OpenInput], layout: ExtractLayout, held: RecordSet, recordsPerFile: [Int], spools: [SpoolFile?],
        clean: OutputFile, heldOut: OutputFile
    ) throws {
        var header = layout.headerBytes
        if header.last != 0x0A { header += layout.lineEnd }
        try clean.write(header)
        try heldOut.write(header)
        var record = 0
        for (index, input) in inputs.enumerated() {
            let source = try InputSource(path: spools[index]?.path ?? input.path, name: input.source.name)
            let reader = ChunkReader(source: source, file: index, chunkSize: options.chunkSize)
            _ = try reader.readHeader()
            let first = record
            var sequence = 0
            while let chunk = try reader.nextChunk(sequence: sequence) {
                sequence += 1
                let bytes = chunk.bytes
                let chunkFirst = record
                // Whole runs of records with one verdict go out in one write.
                var runStart = 0
                var runHeld = false
                var runOpen = false
                try RecordSplitter.forEachRecord(bytes) { (start: Int, next: Int) throws in
                    let isHeld = held.contains(record)
                    record += 1
                    let terminated = next > start && bytes[next - 1] == 0x0A
                    if runOpen && isHeld != runHeld {
                        try (runHeld ? heldOut : clean).write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<start]))
                        runOpen = false
                    }
                    if !runOpen {
                        runStart = start
                        runHeld = isHeld
                        runOpen = true
                    }
                    if !terminated {
                        // The file's last record lacks a line end: give it one, or the next input's first
                        // record would run into it.
                        let out = isHeld ? heldOut : clean
                        try out.write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<next]))
                        try out.write(layout.lineEnd)
                        runOpen = false
                    }
                }
                if runOpen {
                    try (runHeld ? heldOut : clean).write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count]))
                }
                _ = chunkFirst
            }
            if record - first != recordsPerFile[index] {
                throw ScrubError(
                    "the input changed while it was being scrubbed (\(recordsPerFile[index]) records on the first read, \(record - first) on the second)",
                    file: input.source.name)
            }
            spools[index]?.remove()
        }
    }
}
