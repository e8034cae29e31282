import Foundation

/// What a worker hands back for one chunk: everything the in-order consumer needs, nothing that
/// needs the chunk's bytes any more.
struct ChunkOutcome: Sendable {
    var file: Int
    var records: Int
    /// The records' start offsets in the chunk, summed: with `records`, what pass 2 checks its own
    /// cut of the chunk against.
    var recordStartSum: UInt64
    /// Records (index within the chunk) that hold at least one error.
    var heldRecords: [Int32]
    /// Records (index within the chunk) with any finding.
    var flaggedRecords: [Int32]
    /// findings.csv rows, formatted, each preceded by its record index (`FindingsSpool` framing, with
    /// chunk-relative record numbers that the consumer makes run-wide).
    var rows: [UInt8]
    var metrics: ScrubMetrics
    /// The lines the encounter rules need (ordinals relative to the chunk; department and payer
    /// numbers index `departments` and `payers`), grouped by shard, input order kept within each.
    var lines: [EncounterLine]
    /// `lines[shardStart[s]..<shardStart[s + 1]]` are shard `s`'s lines.
    var shardStart: [Int32]
    var departments: [String]
    var payers: [String]
    /// Records held (S01) for bytes that are not UTF-8.
    var notUTF8 = 0
    /// Dates held (S03) for being written day first (`ChargeParser.dayFirstProblem`).
    var dayFirst = 0
    /// Records held (S01) that run over several lines (`ChargeParser.openQuoteNote`), and the
    /// physical lines they take.
    var openQuotes = 0
    var openQuoteLines = 0
}

/// Pass-1 results gathered by the consumer.
final class PassOneState: @unchecked Sendable {
    // Every field is touched only by the pool's delivery queue until `finish()` returns, then only
    // by the thread that called it.
    var held = RecordSet()
    var flagged = RecordSet()
    var metrics = ScrubMetrics()
    /// Records held (S01) for bytes that are not UTF-8.
    var notUTF8 = 0
    /// Dates held (S03) for being written day first.
    var dayFirst = 0
    /// Held records over several lines, and their lines (`ChunkOutcome.openQuotes`).
    var openQuotes = 0
    var openQuoteLines = 0
    let store: ShardStore
    let findingsSpool: FindingsSpool
    /// Department and payer names by run-wide number (0: empty).
    var departmentNames = [""]
    var payerNames = [""]
    var departmentNumbers: [String: UInt16] = ["": 0]
    var payerNumbers: [String: UInt16] = ["": 0]

    func number(_ name: String, in numbers: inout [String: UInt16], names: inout [String]) -> UInt16 {
        if let n = numbers[name] { return n }
        guard names.count < Int(UInt16.max) else { return 0 }
        let n = UInt16(names.count)
        numbers[name] = n
        names.append(name)
        return n
    }
    var recordsPerFile: [Int]
    var nextRecord = 0
    /// Decompressed bytes of all inputs' records (pass 2's progress measure); set by the reading thread.
    var recordBytes: UInt64 = 0
    /// Per input: the spool of its decompressed bytes (compressed inputs only), for pass 2.
    var spools: [SpoolFile?] = []
    /// Per input, the chunks pass 1 cut (pass 2 cuts the same ones without scanning).
    var chunkPlans: [[ChunkReader.ChunkPlan]] = []
    /// Per input and chunk, the records pass 1 parsed: how many, and their start offsets summed.
    var chunkRecords: [[(records: Int, startSum: UInt64)]]

    init(files: Int, store: ShardStore, findingsSpool: FindingsSpool) {
        recordsPerFile = Array(repeating: 0, count: files)
        chunkRecords = Array(repeating: [], count: files)
        self.store = store
        self.findingsSpool = findingsSpool
    }
}

extension ScrubPipeline {
    // MARK: - Pass 1

    func passOne(inputs: [OpenInput], layout: ExtractLayout) throws -> PassOneState {
        // Shard memory: a quarter of what the limit leaves once the tables are loaded
        // (`workingMemory`); chunks in flight and buffers take the rest.
        let budget = options.workingMemory / 4
        let store = ShardStore(
            memoryBudget: budget, directory: options.temporaryDirectory,
            shardCount: ShardStore.shardCount(forLines: Self.estimatedLines(inputs), memoryBudget: budget))
        let shardCount = store.shardCount
        let state = PassOneState(
            files: inputs.count, store: store,
            findingsSpool: try FindingsSpool(directory: options.temporaryDirectory))
        let context = RuleContext(asOf: options.asOf, settings: options.settings, tables: tables)
        let rules = LineRules.all
        let parser = ChargeParser(layout: layout, settings: options.settings)
        let encoding = options.encoding
        let fileNames = inputs.map { $0.source.reportedName }
        let hasLineId = layout.has(.lineId)
        let pool = OrderedWorkPool<ChunkOutcome>(workers: options.workers, maxInFlight: options.workers * 2 + 1) {
            outcome in
            let base = state.nextRecord
            for r in outcome.heldRecords { state.held.insert(base + Int(r)) }
            for r in outcome.flaggedRecords { state.flagged.insert(base + Int(r)) }
            state.nextRecord += outcome.records
            state.recordsPerFile[outcome.file] += outcome.records
            state.chunkRecords[outcome.file].append((outcome.records, outcome.recordStartSum))
            state.metrics.merge(outcome.metrics)
            state.notUTF8 += outcome.notUTF8
            state.dayFirst += outcome.dayFirst
            state.openQuotes += outcome.openQuotes
            state.openQuoteLines += outcome.openQuoteLines
            try state.findingsSpool.append(outcome.rows, base: UInt64(base))
            let departments = outcome.departments.map {
                state.number($0, in: &state.departmentNumbers, names: &state.departmentNames)
            }
            let payers = outcome.payers.map { state.number($0, in: &state.payerNumbers, names: &state.payerNames) }
            // The lines get their run-wide numbers as they are copied into their shards (one copy,
            // not a renumbered copy first). One append per shard: the lines come grouped by shard.
            try outcome.lines.withUnsafeBufferPointer { lines in
                for shard in 0..<shardCount {
                    let run = Int(outcome.shardStart[shard])..<Int(outcome.shardStart[shard + 1])
                    if run.isEmpty { continue }
                    try state.store.append(UnsafeBufferPointer(rebasing: lines[run]), shard: shard) { line in
                        line.ordinal += UInt64(base)
                        line.department = departments[Int(line.department)]
                        line.payer = payers[Int(line.payer)]
                    }
                }
            }
        }
        var sequence = 0
        var rawTotal: UInt64 = 0
        var rawBefore: UInt64 = 0
        for input in inputs { rawTotal += input.source.rawSize ?? 0 }
        do {
            for (index, input) in inputs.enumerated() {
                let reader = index == 0 ? input.reader : try reopened(input, index: index)
                // Done with once read to its end (or on a failure): its decompressor and buffers go.
                defer { reader.release() }
                var spool: SpoolFile?
                if input.source.isCompressed && options.spoolCompressedInput {
                    spool = try SpoolFile(directory: options.temporaryDirectory, name: "input-\(index).spool")
                }
                // Kept by the state before anything is written to it, so a failure removes it too.
                state.spools.append(spool)
                try spool.map { spool in try input.layout.headerBytes.withUnsafeBytes { try spool.write($0) } }
                state.chunkPlans.append([])
                while !pool.hasFailed, let chunk = try reader.nextChunk(sequence: sequence) {
                    try spool?.write(chunk.bytes)
                    state.chunkPlans[index].append(.init(count: chunk.bytes.count, newlines: chunk.newlineCount))
                    state.recordBytes += UInt64(chunk.bytes.count)
                    let fileName = fileNames[chunk.file]
                    pool.submit(sequence) {
                        Self.process(
                            chunk, parser: parser, rules: rules, context: context, fileName: fileName,
                            hasLineId: hasLineId, shardCount: shardCount, encoding: encoding)
                    }
                    sequence += 1
                    progress?(
                        rawBefore + reader.source.rawBytesRead, rawTotal, chunk.firstLine - 2 + chunk.newlineCount)
                }
                rawBefore += reader.source.rawBytesRead
                try spool?.finish()
            }
            try pool.finishRun()
        } catch {
            // Every job and delivery is over once `finish` returns; the files go now, not when the
            // last reference to the state is released, which may be a worker's, after this throws.
            try? pool.finish()
            state.store.removeFiles()
            state.findingsSpool.remove()
            for spool in state.spools { spool?.remove() }
            throw error
        }
        return state
    }

    /// About how many lines the inputs hold, from their sizes: compressed CSV is taken at an eighth
    /// of its size and a line at 150 bytes (the synthetic extracts run about 180), so the guess
    /// errs towards more shards. Standard input has no size and counts as nothing.
    static func estimatedLines(_ inputs: [OpenInput]) -> Int {
        var bytes: UInt64 = 0
        for input in inputs {
            let size = input.source.rawSize ?? 0
            bytes += input.source.isCompressed ? size * 8 : size
        }
        return Int(clamping: bytes / 150)
    }

    static func process(
        _ chunk: Chunk, parser: ChargeParser, rules: [any LineRule], context: RuleContext, fileName: String,
        hasLineId: Bool, shardCount: Int, encoding: TextEncoding = .utf8
    ) -> ChunkOutcome {
        var sink = FindingSink(configuration: context.settings)
        // A Windows-1252 extract is parsed as UTF-8 text; its records are the original's.
        let text = encoding == .windows1252 ? Windows1252.utf8(chunk) : nil
        let batch = parser.parse(text ?? chunk, sink: &sink)
        for rule in rules { rule.check(batch, context, &sink) }
        sink.sort()
        var metrics = ScrubMetrics()
        metrics.records = batch.count
        metrics.notChecked = sink.notChecked
        var held: [Int32] = []
        var flagged: [Int32] = []
        var rows: [UInt8] = []
        var notUTF8 = 0
        var dayFirst = 0
        var openQuotes = 0
        var openQuoteLines = 0
        for finding in sink.findings {
            metrics.count(finding)
            if finding.rule == .S01 && finding.message == ChargeParser.notUTF8Message { notUTF8 += 1 }
            if finding.rule == .S01 && finding.message.hasSuffix(ChargeParser.openQuoteNote + ")") {
                let r = Int(finding.record)
                // The chunk's last record ends at its end, after its last line end or on a line of its own.
                let next =
                    r + 1 < batch.count
                    ? Int(batch.lineOffset[r + 1]) : chunk.newlineCount + (chunk.bytes.last == 0x0A ? 0 : 1)
                openQuotes += 1
                openQuoteLines += max(next - Int(batch.lineOffset[r]), 1)
            }
            if finding.rule == .S03 && finding.message.hasSuffix(ChargeParser.dayFirstProblem) { dayFirst += 1 }
            if finding.severity == .error && held.last != finding.record { held.append(finding.record) }
            if flagged.last != finding.record { flagged.append(finding.record) }
            let r = Int(finding.record)
            let lineNumber = chunk.firstLine + Int(batch.lineOffset[r])
            let lengthAt = FindingsSpool.beginRow(record: UInt64(r), in: &rows)
            let lineId = hasLineId && !batch.isEmpty(.lineId, r) ? batch.bytes(.lineId, r) : nil
            FindingsRow.append(
                line: lineNumber, lineId: lineId, encounterId: batch.bytes(.encounterId, r), rule: finding.rule,
                severity: finding.severity, field: finding.field, value: finding.value, message: finding.message,
                file: fileName, to: &rows)
            FindingsSpool.endRow(lengthAt: lengthAt, in: &rows)
        }
        metrics.held = held.count
        metrics.accumulate(batch: batch, findings: sink.findings, held: held)
        let malformed = unreadableForEncounterRules(sink.findings)
        let (unsorted, departments) = encounterLines(batch, held: held, malformed: malformed)
        // Grouped by shard here, in parallel, so the in-order consumer appends whole runs.
        let (lines, shardStart) = ShardStore.groupedByShard(unsorted, shardCount: shardCount)
        var startSum: UInt64 = 0
        if text == nil {
            for start in batch.recordStart { startSum &+= UInt64(UInt32(bitPattern: start)) }
        } else {
            // Pass 2 checks its cut of the original bytes against this: their record starts.
            try? RecordSplitter.forEachRecord(chunk.bytes, delimiter: parser.layout.delimiter) { start, _, _ in
                startSum &+= UInt64(start)
            }
        }
        return ChunkOutcome(
            file: chunk.file, records: batch.count, recordStartSum: startSum, heldRecords: held,
            flaggedRecords: flagged,
            rows: rows,
            metrics: metrics, lines: lines, shardStart: shardStart, departments: departments, payers: batch.payers,
            notUTF8: notUTF8, dayFirst: dayFirst, openQuotes: openQuotes, openQuoteLines: openQuoteLines)
    }

    /// Records (ascending) that stay out of the encounter rules: those that could not be parsed
    /// (S01), and those with a missing or malformed field the rules compare (S02, S03), since a
    /// made-up amount or unit count would make false duplicates and MUE sums. A malformed field
    /// the rules do not read (sex, birth or post date) leaves the line in: the other lines of its
    /// patient and day need it for PTP, MUE and duplicates. `findings` are sorted by record.
    static func unreadableForEncounterRules(_ findings: [Finding]) -> [Int32] {
        var records: [Int32] = []
        for finding in findings where records.last != finding.record {
            if finding.rule == .S01 || (finding.rule <= .S03 && encounterFields.contains(finding.field)) {
                records.append(finding.record)
            }
        }
        return records
    }

    /// The fields behind the encounter rules that S02 and S03 can name.
    private static let encounterFields: Set<String> = Set(
        [Column.patientId, .serviceDate, .procedureCode, .units, .chargeAmount].map(\.rawValue))

    /// The compact lines the encounter rules need: every parsed record with a patient, a real date
    /// of service and a well-formed procedure code.
    static func encounterLines(_ batch: ChargeBatch, held: [Int32], malformed: [Int32]) -> ([EncounterLine], [String]) {
        var lines: [EncounterLine] = []
        lines.reserveCapacity(batch.count)
        var h = 0
        var m = 0
        for r in 0..<batch.count {
            while h < held.count && Int(held[h]) < r { h += 1 }
            while m < malformed.count && Int(malformed[m]) < r { m += 1 }
            if m < malformed.count && Int(malformed[m]) == r { continue }
            guard !batch.unparsed[r], DayNumber.isDate(batch.serviceDay[r]) else { continue }
            var code = batch.procedure[r]
            // A claim file's line billed by its revenue code alone (no S02: `ChargeParser`).
            if code == 0, let tag = EncounterLine.revenueTag(batch.bytes(.revenueCode, r), ndc: batch.bytes(.ndc, r)) {
                code = tag
            }
            guard code != 0, code != PackedCode.invalid else { continue }
            let patientBytes = ChargeParser.trimmed(batch.bytes(.patientId, r))
            guard !patientBytes.isEmpty, let patientBase = patientBytes.baseAddress else { continue }
            let number = batch.departmentIndex[r]
            let departmentNumber = number < UInt32(UInt16.max) ? UInt16(number) : 0
            var flags: UInt8 = 0
            // A revenue code makes the line institutional (DOMAIN.md); spaces are none (C10 passes them).
            if !batch.isBlank(.revenueCode, r) { flags |= EncounterLine.institutional }
            // A professional line keeps its practitioner edits whatever bill it came with.
            if flags & EncounterLine.institutional != 0 && !batch.isBlank(.billType, r)
                && EncounterLine.isInpatientBill(batch.bytes(.billType, r))
            {
                flags |= EncounterLine.inpatient
            }
            if EncounterLine.modifiersUnreadable(batch.modifiers[r]) { flags |= EncounterLine.unreadableModifiers }
            if h < held.count && Int(held[h]) == r { flags |= EncounterLine.heldByLineRules }
            lines.append(
                EncounterLine(
                    ordinal: UInt64(r),
                    patient: FNV1a.hash(patientBase.assumingMemoryBound(to: UInt8.self), patientBytes.count),
                    code: code, modifiers: ModifierCode.canonical(batch.modifiers[r]),
                    amountCents: batch.amountCents[r], day: batch.serviceDay[r], units: batch.units[r],
                    rendering: EncounterLine.providerNumber(batch.renderingNPI[r], text: batch.bytes(.renderingNpi, r)),
                    billing: EncounterLine.providerNumber(batch.billingNPI[r], text: batch.bytes(.billingNpi, r)),
                    department: departmentNumber, payer: batch.payerIndex[r], flags: flags))
        }
        return (lines, batch.departments)
    }

    // MARK: - Pass 2

    /// Re-reads every input and copies each record, byte for byte, to clean or held by its verdict;
    /// writes findings.csv in input order, merging pass 1's rows with the shard stage's findings.
    func passTwo(
        inputs: [OpenInput], layout: ExtractLayout, state: PassOneState, encounterFindings: EncounterFindings,
        clean: OutputFile, heldOut: OutputFile, findings: OutputFile
    ) throws {
        let held = state.held
        var header = layout.headerBytes
        if header.last != 0x0A { header += layout.lineEnd }
        try clean.write(header)
        try heldOut.write(header)
        try findings.write(Array(Self.findingsHeader.utf8))
        try state.findingsSpool.finish()
        let spooled = try FindingsSpool.Reader(path: state.findingsSpool.path)
        var pending = try spooled.next()
        var encounter = try EncounterFindings.Cursor(encounterFindings)
        var earlierLines = try EarlierLines(encounterFindings, recordsPerFile: state.recordsPerFile)
        let fileNames = inputs.map(\.source.reportedName)
        let lineIdField = layout.index(of: .lineId)
        let encounterField = layout.index(of: .encounterId)
        var record = 0
        // The findings rows of one record, written at once (kept from record to record).
        var rows: [UInt8] = []
        // Progress in the units pass 1 showed (raw input bytes), estimated from the share of the
        // decompressed records routed so far.
        var rawTotal: UInt64 = 0
        for input in inputs { rawTotal += input.source.rawSize ?? 0 }
        var routed: UInt64 = 0
        for (index, input) in inputs.enumerated() {
            let spool = state.spools[index]
            let source = try InputSource(
                path: spool?.path ?? input.path, name: input.source.name, reportedName: input.source.reportedName,
                spool: spool != nil)
            let reader = ChunkReader(source: source, file: index, chunkSize: options.chunkSize)
            reader.delimiter = layout.delimiter
            _ = try reader.readHeader()
            reader.plan = state.chunkPlans[index]
            let first = record
            let prefetcher = try ChunkPrefetcher(reader: reader)
            defer { prefetcher.close() }
            var chunkIndex = 0
            while let chunk = try prefetcher.next() {
                let bytes = chunk.bytes
                let chunkFirstRecord = record
                var startSum: UInt64 = 0
                routed += UInt64(bytes.count)
                if let progress {
                    let share = state.recordBytes > 0 ? min(1, Double(routed) / Double(state.recordBytes)) : 1
                    progress(UInt64(Double(rawTotal) * share), rawTotal, chunk.firstLine - 2 + chunk.newlineCount)
                }
                var line = chunk.firstLine
                // Whole runs of records with one verdict go out in one write.
                var runStart = 0
                var runHeld = false
                var runOpen = false
                try RecordSplitter.forEachRecord(bytes, delimiter: layout.delimiter) {
                    (start: Int, next: Int, newlines: Int) throws in
                    startSum &+= UInt64(start)
                    let ordinal = UInt64(record)
                    while let row = pending, row.record == ordinal {
                        try row.row.withUnsafeBytes { try findings.write($0) }
                        pending = try spooled.next()
                    }
                    if earlierLines.nextOrdinal == ordinal { earlierLines.pass(line: line) }
                    if encounter.nextOrdinal == ordinal {
                        let recordBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<next])
                        var lineId =
                            lineIdField.map { RecordFields.field($0, of: recordBytes, delimiter: layout.delimiter) }
                            ?? []
                        var encounterId =
                            encounterField.map { RecordFields.field($0, of: recordBytes, delimiter: layout.delimiter) }
                            ?? []
                        if options.encoding == .windows1252 {
                            lineId = Windows1252.utf8(lineId)
                            encounterId = Windows1252.utf8(encounterId)
                        }
                        rows.removeAll(keepingCapacity: true)
                        while encounter.nextOrdinal == ordinal, let finding = try encounter.next() {
                            Self.appendRow(
                                finding, line: line, lineId: lineId, encounterId: encounterId,
                                file: input.source.reportedName,
                                earlier: earlierLines.earlier(of: finding, file: index, fileNames: fileNames),
                                to: &rows)
                        }
                        try findings.write(rows)
                    }
                    line += newlines
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
                        // A record ending in a lone CR (the file cut after it) needs only the LF:
                        // a CRLF after it wrote `\r\r\n`.
                        let endsInCR = next > start && bytes[next - 1] == 0x0D
                        try out.write(endsInCR && layout.lineEnd == [0x0D, 0x0A] ? [0x0A] : layout.lineEnd)
                        runOpen = false
                    }
                }
                if runOpen {
                    try (runHeld ? heldOut : clean).write(
                        UnsafeRawBufferPointer(rebasing: bytes[runStart..<bytes.count]))
                }
                // Each verdict belongs to the record pass 1 gave it: the same bytes must be cut into
                // the same records (else a held line could be written as clean). The run stops, and
                // no output is renamed to its final name.
                let expected = state.chunkRecords[index]
                guard chunkIndex < expected.count, expected[chunkIndex] == (record - chunkFirstRecord, startSum) else {
                    throw ScrubError(
                        "the input changed while it was being scrubbed, or its records were cut differently on the second "
                            + "read (lines \(chunk.firstLine)–\(chunk.firstLine + chunk.newlineCount)); no output was written",
                        file: input.source.name, line: chunk.firstLine)
                }
                chunkIndex += 1
            }
            if record - first != state.recordsPerFile[index] {
                throw ScrubError(
                    "the input changed while it was being scrubbed (\(state.recordsPerFile[index]) records on the first read, \(record - first) on the second)",
                    file: input.source.name)
            }
            state.spools[index]?.remove()
        }
        state.findingsSpool.remove()
    }

    static let findingsHeader = "line_number,line_id,encounter_id,rule,severity,field,value,message,file\n"

    static func appendRow(
        _ finding: EncounterFinding, line: Int, lineId: [UInt8], encounterId: [UInt8], file: String,
        earlier: EncounterFinding.EarlierLine? = nil, to rows: inout [UInt8]
    ) {
        lineId.withUnsafeBytes { lineIdBytes in
            encounterId.withUnsafeBytes { encounterBytes in
                FindingsRow.append(
                    line: line, lineId: lineId.isEmpty ? nil : lineIdBytes, encounterId: encounterBytes,
                    rule: finding.rule, severity: finding.severity, field: finding.field, value: finding.value,
                    message: finding.message(earlier: earlier), file: file, to: &rows)
            }
        }
    }
}

/// One findings.csv row: `line_number,line_id,encounter_id,rule,severity,field,value,message,file`.
enum FindingsRow {
    /// Appends a row; without a line id, the line number stands in for it.
    ///
    /// The row is written whole through a pointer into scratch memory sized for its worst case, then
    /// appended once: eleven appends to `rows` (about 140 instructions each) were half of the ~3k
    /// instructions a row cost. An id that needs repairing (not UTF-8) takes the field-by-field
    /// path, since repair changes its length.
    static func append(
        line: Int, lineId: UnsafeRawBufferPointer?, encounterId: UnsafeRawBufferPointer, rule: RuleID,
        severity: Severity, field: String, value: String, message: String, file: String, to rows: inout [UInt8]
    ) {
        let lineId = naming(lineId)
        if lineId.map(CSVText.needsRepair) ?? false || CSVText.needsRepair(encounterId) {
            appendRepairing(
                line: line, lineId: lineId, encounterId: encounterId, rule: rule, severity: severity, field: field,
                value: value, message: message, file: file, to: &rows)
            return
        }
        var (field, value, message, file) = (field, value, message, file)
        var rule = rule.rawValue
        var severity = severity.rawValue
        typealias W = CSVText.Writer
        var bound = 2 * W.numberBound + rule.utf8.count + severity.utf8.count + 9
        bound += W.bound(cell: lineId?.count ?? 0) + W.bound(cell: encounterId.count)
        bound += W.bound(cell: field.utf8.count) + W.bound(cell: value.utf8.count)
        bound += W.bound(cell: message.utf8.count) + W.bound(cell: file.utf8.count)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { scratch in
            var w = W(scratch.baseAddress!)
            w.number(line)
            w.byte(0x2C)
            if let lineId { w.cell(lineId) } else { w.number(line) }
            w.byte(0x2C)
            w.cell(encounterId)
            // A comma, then `text`: as it is (the rule and severity words), or as a cell, quoted when
            // it needs to be and kept from running as a formula (`CSVText.startsFormula`).
            func then(_ text: inout String, quoted: Bool = true) {
                w.byte(0x2C)
                text.withUTF8 { quoted ? w.cell(UnsafeRawBufferPointer($0)) : w.raw(UnsafeRawBufferPointer($0)) }
            }
            then(&rule, quoted: false)
            then(&severity, quoted: false)
            then(&field)
            then(&value)
            then(&message)
            then(&file)
            w.byte(0x0A)
            rows.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: w.count))
        }
    }

    /// The line id a row gives, nil when the line number stands in: an id that is empty or spaces
    /// only names no line.
    @inline(__always)
    static func naming(_ lineId: UnsafeRawBufferPointer?) -> UnsafeRawBufferPointer? {
        lineId.flatMap { id in id.allSatisfy { $0 == 0x20 || $0 == 0x09 } ? nil : id }
    }

    /// `append` field by field through `CSVText`, repairing ids that are not UTF-8.
    @inline(never)
    static func appendRepairing(
        line: Int, lineId: UnsafeRawBufferPointer?, encounterId: UnsafeRawBufferPointer, rule: RuleID,
        severity: Severity, field: String, value: String, message: String, file: String, to rows: inout [UInt8]
    ) {
        CSVText.append(line, to: &rows)
        rows.append(0x2C)
        if let lineId = naming(lineId) {
            CSVText.append(cell: lineId, to: &rows, repairingUTF8: true)
        } else {
            CSVText.append(line, to: &rows)
        }
        rows.append(0x2C)
        CSVText.append(cell: encounterId, to: &rows, repairingUTF8: true)
        rows.append(0x2C)
        rows.append(contentsOf: rule.rawValue.utf8)
        rows.append(0x2C)
        rows.append(contentsOf: severity.rawValue.utf8)
        rows.append(0x2C)
        CSVText.append(cell: field, to: &rows)
        rows.append(0x2C)
        CSVText.append(cell: value, to: &rows)
        rows.append(0x2C)
        CSVText.append(cell: message, to: &rows)
        rows.append(0x2C)
        CSVText.append(cell: file, to: &rows)
        rows.append(0x0A)
    }
}

/// The fields of one record, unquoted (the slow path, for the few records pass 2 must name).
enum RecordFields {
    /// Field `index` of a delimited record (an optional line end excluded): unquoted, `""`
    /// unescaped, spaces trimmed; empty when the record has fewer fields. Only the fields a
    /// findings row names are taken, so no other field is copied.
    static func field(_ index: Int, of record: UnsafeRawBufferPointer, delimiter: UInt8) -> [UInt8] {
        var end = record.count
        if end > 0 && record[end - 1] == 0x0A { end -= 1 }
        if end > 0 && record[end - 1] == 0x0D { end -= 1 }
        guard let start = start(of: index, in: record, end: end, delimiter: delimiter) else { return [] }
        // An unquoted field is its bytes up to the next delimiter (a quote inside it is text):
        // copied once (a record with findings takes two fields, and an extract exported twice has
        // findings on half its lines).
        if start == end || record[start] != 0x22 {
            var stop = start
            while stop < end && record[stop] != delimiter { stop += 1 }
            // As the parser reads it: unquoted `NULL` is empty.
            if stop > start, let base = record.baseAddress?.assumingMemoryBound(to: UInt8.self),
                ChargeParser.unquotedLength(base, start, stop - start) == 0
            {
                return []
            }
            return Array(ChargeParser.trimmed(UnsafeRawBufferPointer(rebasing: record[start..<stop])))
        }
        // A quoted one, from its opening quote: `""` is a quote, the closing quote ends the
        // quoting, and the field runs on to the next delimiter.
        var i = start + 1
        var inQuotes = true
        var field: [UInt8] = []
        while i < end {
            let c = record[i]
            i += 1
            if inQuotes {
                if c == 0x22 {
                    if i < end && record[i] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == delimiter {
                break
            } else {
                field.append(c)
            }
        }
        return field.withUnsafeBytes { Array(ChargeParser.trimmed($0)) }
    }

    /// Where field `index` starts (the rule of `field`: a quote opens a quoted field only as its
    /// first byte, and `""` inside one is a quote), or nil when the record has fewer fields.
    private static func start(of index: Int, in record: UnsafeRawBufferPointer, end: Int, delimiter: UInt8) -> Int? {
        var current = 0
        var i = 0
        var inQuotes = false
        var opened = false
        while current < index {
            guard i < end else { return nil }
            let c = record[i]
            i += 1
            if inQuotes {
                if c == 0x22 {
                    if i < end && record[i] == 0x22 { i += 1 } else { inQuotes = false }
                }
            } else if c == 0x22 && !opened {
                inQuotes = true
                opened = true
            } else if c == delimiter {
                current += 1
                opened = false
            } else {
                opened = true
            }
        }
        return i
    }
}
