#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Pass 1 of claim files: claims to canonical records, line rules, the shard store.
///
/// An X12 file is cut, on the reading thread, into chunks of whole interchanges (a cut goes just
/// before an `ISA` that follows a segment terminator), and each chunk is read by a worker: the
/// reading thread only looks for `ISA`, so claim assembly runs on every core as the CSV path's
/// parsing does. Chunk size is `--chunk-size`'s (the CSV chunk size). Cutting at ST/SE boundaries
/// instead was rejected: the group and interchange counts (GE01, IEA01) and the claims an envelope
/// error holds span transaction sets, so chunks would need state from the chunks before them.
///
/// A file whose interchange runs past `cap` bytes without a cut (one huge interchange), and every
/// HL7 file, is read by one reader on the reading thread, its batches parsed and checked by the
/// workers. Either way a chunk or a file part is a *unit* numbered from its own start (claims,
/// records, segment positions); the pool's delivery, in input order, adds where each unit starts,
/// so the findings do not depend on the chunk size or the worker count.
extension ClaimFilePipeline {
    /// A chunk of whole interchanges of one X12 file.
    struct X12Chunk: Sendable {
        var bytes: Chunk
        var file: Int
        var fileName: String
        var sequence: Int
        var isLastOfFile: Bool
        /// The run's longest segment (`ScrubOptions.maxRecordBytes`), as for a file read serially.
        var maxSegmentBytes: Int
    }

    func passOne(sources: [InputSource], store: ShardStore) throws -> (ClaimRunState, [ClaimFileFinding], [Int]) {
        // The findings may keep a sixteenth of the working memory before they go to --temp-dir.
        let state = ClaimRunState(
            store: store,
            findings: StoredFindings(
                memoryBudget: findingsMemory ?? options.workingMemory / 16, directory: options.temporaryDirectory,
                segmentShift: findingsSegmentShift))
        state.reportedNames = sources.map(\.reportedName)
        let settings = options.settings
        let context = RuleContext(asOf: options.asOf, settings: settings, tables: tables)
        let rules = LineRules.all
        let parser = ChargeParser(
            layout: CanonicalRecords.layout, settings: settings, revenueCodeStandsForProcedure: true)
        let batchRecords = self.batchRecords
        let pool = OrderedWorkPool<ClaimWorkOutcome>(workers: options.workers, maxInFlight: options.workers * 2 + 1) {
            work in
            try Self.deliver(work, to: state)
        }
        var sequence = 0
        var unitSizes: [(file: Int, bytes: Int?)] = []
        var rawBefore: UInt64 = 0
        let rawTotal = sources.reduce(UInt64(0)) { $0 + ($1.rawSize ?? 0) }
        let progress = self.progress
        do {
            for (fileIndex, source) in sources.enumerated() {
                let fileName = source.name
                func report() {
                    progress?(
                        rawBefore + source.rawBytesRead, rawTotal, state.deliveredRecords.load(ordering: .relaxed))
                }
                /// Reads the rest of the file with one reader here, its batches checked by the workers.
                func readSerially(_ reader: any ClaimUnitReader) {
                    var emitted = 0
                    do {
                        try Self.collect(
                            reader, file: fileIndex, fileName: fileName, fileEnd: true, batchRecords: batchRecords,
                            sequence: sequence, shouldStop: { pool.hasFailed }
                        ) { batch in
                            pool.submit(sequence) {
                                ClaimWorkOutcome(batches: [
                                    Self.process(batch, parser: parser, rules: rules, context: context)
                                ])
                            }
                            sequence += 1
                            emitted += 1
                            report()
                        }
                    } catch {
                        let failure = error as? ScrubError ?? ScrubError("\(error)", file: fileName)
                        let startsUnit = emitted == 0
                        pool.submit(sequence) { ClaimWorkOutcome(error: failure, errorStartsUnit: startsUnit) }
                        sequence += 1
                    }
                }
                if format == .hl7 {
                    unitSizes.append((fileIndex, nil))
                    let reader = HL7MessageReader(source: source, copy: false)
                    reader.maxSegmentBytes = options.maxRecordBytes
                    readSerially(reader)
                } else {
                    try splitX12(source, pool: pool) { bytes, isLast in
                        unitSizes.append((fileIndex, bytes.bytes.count))
                        let chunk = X12Chunk(
                            bytes: bytes, file: fileIndex, fileName: fileName, sequence: sequence, isLastOfFile: isLast,
                            maxSegmentBytes: options.maxRecordBytes)
                        pool.submit(sequence) {
                            Self.readChunk(
                                chunk, batchRecords: batchRecords, parser: parser, rules: rules, context: context)
                        }
                        sequence += 1
                        report()
                    } serially: { replayed in
                        unitSizes.append((fileIndex, nil))
                        let replay = ReplaySource(replayed, then: source)
                        let reader = X12ClaimReader(
                            read: { try replay.read(into: $0) }, name: fileName, continuesWithISA: false)
                        reader.maxSegmentBytes = options.maxRecordBytes
                        readSerially(reader)
                    }
                }
                rawBefore += source.rawBytesRead
                // Read to its end: its decompressor and buffers go now, not with the run.
                source.release()
                if pool.hasFailed { break }
            }
        } catch {
            try? pool.finish()
            throw error
        }
        try pool.finishRun()
        state.unitSizes = unitSizes
        return (state, state.envelope, state.recordsPerFile)
    }

    // MARK: - Cutting X12 files into chunks

    /// Reads an X12 file and hands it on in chunks of whole interchanges (`chunk`), or, past `cap`
    /// bytes without an interchange boundary, hands what was read to `serially` with the rest of the
    /// file still unread.
    private func splitX12(
        _ source: InputSource, pool: OrderedWorkPool<ClaimWorkOutcome>, chunk: (Chunk, Bool) -> Void,
        serially: ([UInt8]) -> Void
    ) throws {
        let target = max(options.chunkSize, 1 << 10)
        let cap = serialAfterBytes ?? Self.serialThreshold(chunkSize: target, workingMemory: options.workingMemory)
        // Reads of a quarter chunk: the buffer holds a chunk, the read past it that finds the
        // cut, and the rest of that read (`target + 2 * block`), reserved once. Reads of a whole
        // chunk grew it, by doubling, to four chunks (16 MiB of a 1 GB 837P run's peak heap).
        let block = min(max(target / 4, 64 << 10), 4 << 20)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(target + 2 * block)
        var scanned = 0
        var atEnd = false
        while !pool.hasFailed {
            var cut: Int?
            while true {
                if buffer.count > target, let terminator = Self.terminator(ofISAAt: buffer) {
                    cut = Self.interchangeStart(in: buffer, from: max(target, scanned), terminator: terminator)
                    if cut != nil { break }
                    scanned = max(target, buffer.count - 8)
                }
                if atEnd || buffer.count >= cap { break }
                let before = buffer.count
                buffer.append(contentsOf: repeatElement(0, count: block))
                let n = try buffer.withUnsafeMutableBytes {
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[before...]))
                }
                buffer.removeLast(block - n)
                if n == 0 { atEnd = true }
            }
            if let cut {
                // The chunk goes out in a buffer of its own size, and the read buffer keeps its
                // capacity for the next: handing out the buffer itself sent every chunk with the
                // capacity its reads had grown it to (up to four times the chunk's bytes) into
                // the pool, which holds `maxInFlight` chunks.
                chunk(buffer.withUnsafeBytes { Chunk.copy(of: UnsafeRawBufferPointer(rebasing: $0[..<cut])) }, false)
                buffer.removeSubrange(..<cut)
                scanned = 0
                continue
            }
            if atEnd {
                chunk(buffer.withUnsafeBytes { Chunk.copy(of: $0) }, true)
            } else {
                serially(buffer)
            }
            return
        }
    }

    /// The segment terminator of the ISA at the start of `bytes` (the byte after ISA16), or nil.
    static func terminator(ofISAAt bytes: [UInt8]) -> UInt8? {
        guard bytes.count > 8, bytes[0] == 0x49, bytes[1] == 0x53, bytes[2] == 0x41 else { return nil }
        let separator = bytes[3]
        guard !X12SegmentReader.isAlphanumeric(separator) else { return nil }
        var count = 0
        var i = 4
        while i < bytes.count && i < 256 && count < 15 {
            if bytes[i] == separator { count += 1 }
            i += 1
        }
        guard count == 15, i + 1 < bytes.count else { return nil }
        return bytes[i + 1]
    }

    /// The first offset at or after `from` where an `ISA` segment starts: `ISA`, a separator, and
    /// before it the terminator (line breaks after it allowed), as the segment reader would see it.
    static func interchangeStart(in bytes: [UInt8], from: Int, terminator: UInt8) -> Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress else { return nil }
            // Each terminator at or after `from - 1` (the one before an ISA at `from`), then line breaks.
            var at = max(from, 1) - 1
            while at < raw.count {
                guard let hit = memchr(base + at, Int32(terminator), raw.count - at) else { return nil }
                var p = Int(bitPattern: hit) - Int(bitPattern: base) + 1
                while p < raw.count && raw[p] != terminator && (raw[p] == 0x0A || raw[p] == 0x0D) { p += 1 }
                if p + 4 > raw.count { return nil }
                if raw[p] == 0x49 && raw[p + 1] == 0x53 && raw[p + 2] == 0x41
                    && !X12SegmentReader.isAlphanumeric(raw[p + 3])
                {
                    return p
                }
                at = p
            }
            return nil
        }
    }

    // MARK: - Units

    /// Reads one chunk (a worker's job): its claims, batch by batch, parsed and checked.
    static func readChunk(
        _ chunk: X12Chunk, batchRecords: Int, parser: ChargeParser, rules: [any LineRule], context: RuleContext
    ) -> ClaimWorkOutcome {
        let reader = X12ClaimReader(bytes: chunk.bytes, name: chunk.fileName, continuesWithISA: !chunk.isLastOfFile)
        reader.maxSegmentBytes = chunk.maxSegmentBytes
        var outcomes: [ClaimBatchOutcome] = []
        do {
            try collect(
                reader, file: chunk.file, fileName: chunk.fileName, fileEnd: chunk.isLastOfFile,
                batchRecords: batchRecords,
                sequence: chunk.sequence, shouldStop: { false }
            ) { batch in
                outcomes.append(process(batch, parser: parser, rules: rules, context: context))
            }
        } catch {
            return ClaimWorkOutcome(
                error: error as? ScrubError ?? ScrubError("\(error)", file: chunk.fileName), errorStartsUnit: true)
        }
        return ClaimWorkOutcome(batches: outcomes)
    }

    /// Reads the claims of one unit into batches numbered from the unit's start; `emit` gets each
    /// batch, the last one (possibly empty) with the unit's envelope findings and segment count.
    static func collect(
        _ reader: any ClaimUnitReader, file: Int, fileName: String, fileEnd: Bool, batchRecords: Int, sequence: Int,
        shouldStop: () -> Bool, emit: (ClaimBatch) throws -> Void
    ) throws {
        var recordBase = 0
        var claimBase = 0
        var batchRecordBase = 0
        var batchClaimBase = 0
        var facts = ClaimBatchFacts(unitStart: true)
        var recordFindings: [(Int32, ClaimFileFinding)] = []
        func submit(last: Bool) throws {
            let (records, diagnoses) = reader.records.take()
            if last {
                facts.envelope += reader.envelopeFindings
                facts.interchanges = reader.interchanges
                facts.file = file
                facts.segments = reader.segmentCount
                facts.fileEnd = fileEnd
            }
            try emit(
                ClaimBatch(
                    sequence: sequence, file: file, fileName: fileName, records: records, diagnoses: diagnoses,
                    recordBase: batchRecordBase, claimBase: batchClaimBase, recordFindings: recordFindings, facts: facts
                ))
            facts = ClaimBatchFacts()
            recordFindings = []
            batchRecordBase = recordBase
            batchClaimBase = claimBase
        }
        while !shouldStop(), try reader.nextClaim() {
            let lines = reader.linePositions.count
            facts.linePositions.append(contentsOf: reader.linePositions)
            let local = Int32(recordBase - batchRecordBase)
            for finding in reader.claimFindings {
                if lines > 0 {
                    recordFindings.append((local, finding))
                } else {
                    var f = finding
                    f.claims = claimBase..<(claimBase + 1)
                    facts.envelope.append(f)
                }
            }
            for (line, finding) in reader.lineFindings { recordFindings.append((local + Int32(line), finding)) }
            recordBase += lines
            claimBase += 1
            facts.claimStarts.append(Int32(recordBase - batchRecordBase))
            facts.claimCents.append(reader.claimChargeCents)
            if recordBase - batchRecordBase >= batchRecords { try submit(last: false) }
        }
        try submit(last: true)
    }

    /// Where a unit starts in the run: its first claim and record (run-wide) and the segments of its
    /// file before it.
    struct UnitStart: Sendable {
        var claims: Int
        var records: Int
        var segments: Int
    }

    /// Where the units delivered so far end (delivery queue only).
    struct UnitNumbering {
        var claims = 0
        var records = 0
        /// Segments of the current file before the current unit, and before the next one.
        var unitSegments = 0
        var segments = 0
        var unitClaims = 0
        var unitRecords = 0
        var fileRecords = 0
    }

    /// Adds a job's batches to the run, numbered run-wide; throws the job's failure with its segment
    /// number counted from the start of the file.
    static func deliver(_ work: ClaimWorkOutcome, to state: ClaimRunState) throws {
        var n = state.numbering
        defer { state.numbering = n }
        for outcome in work.batches {
            let facts = outcome.facts
            if facts.unitStart {
                n.unitClaims = n.claims
                n.unitRecords = n.records
                n.unitSegments = n.segments
                state.unitStarts.append(UnitStart(claims: n.claims, records: n.records, segments: n.segments))
            }
            let recordBase = n.unitRecords + outcome.recordBase
            let claimBase = n.unitClaims + outcome.claimBase
            for var f in outcome.findings {
                f.record += n.unitRecords
                if f.position != 0 { f.position += n.unitSegments }
                try state.findings.append(f)
            }
            for c in outcome.heldClaims { state.heldClaims.insert(claimBase + Int(c)) }
            for r in outcome.heldRecords { state.heldRecords.insert(recordBase + Int(r)) }
            for r in outcome.flaggedRecords { state.flaggedRecords.insert(recordBase + Int(r)) }
            state.metrics.merge(outcome.metrics)
            let departments = outcome.departments.map {
                state.number($0, in: &state.departmentNumbers, names: &state.departmentNames)
            }
            let payers = outcome.payers.map { state.number($0, in: &state.payerNumbers, names: &state.payerNames) }
            for var line in outcome.lines {
                line.ordinal += UInt64(recordBase)
                line.department = departments[Int(line.department)]
                line.payer = payers[Int(line.payer)]
                try state.store.append(line)
            }
            for end in facts.claimStarts.dropFirst() { state.claimFirstRecord.append(recordBase + Int(end)) }
            for position in facts.linePositions { state.recordPositions.append(n.unitSegments + position) }
            state.claimCents.append(contentsOf: facts.claimCents)
            for var f in facts.envelope {
                f.claims = (n.unitClaims + f.claims.lowerBound)..<(n.unitClaims + f.claims.upperBound)
                f.position += n.unitSegments
                state.envelope.append(f)
            }
            for interchange in facts.interchanges {
                let position = interchange.position + n.unitSegments
                guard let earlier = state.interchangeControls[interchange.key] else {
                    state.interchangeControls[interchange.key] = (facts.file, position)
                    continue
                }
                // A receiver takes one interchange per control number from a sender (TA1 025,
                // duplicate interchange control number): the later one's claims are rejected.
                let earlierName = earlier.file < state.reportedNames.count ? state.reportedNames[earlier.file] : ""
                let place =
                    earlier.file == facts.file
                    ? "segment \(earlier.position)" : "\(earlierName), segment \(earlier.position)"
                // An HL7 message's control id (MSH-10) likewise: an interface engine takes a
                // message that repeats one from the same sender for a resend, and drops it.
                let message =
                    interchange.isMessage
                    ? "message control id \(interchange.number) (MSH-10) repeats an earlier message's from the same "
                        + "sending application and facility (\(place)): a receiver takes it for a resend and drops it"
                    : "interchange control number \(interchange.number) repeats the one of an earlier interchange "
                        + "between the same sender and receiver (\(place)): the receiver rejects the duplicate (TA1 025)"
                let claims =
                    (n.unitClaims + interchange.claims.lowerBound)..<(n.unitClaims + interchange.claims.upperBound)
                state.envelope.append(
                    ClaimFileFinding(
                        claims: claims, rule: .X01, position: position,
                        field: interchange.isMessage ? "MSH-10" : "ISA13", value: interchange.number, message: message))
            }
            n.claims += facts.claimCents.count
            n.records += outcome.records
            n.segments += facts.segments
            state.deliveredRecords.store(n.records, ordering: .relaxed)
            if facts.fileEnd {
                state.recordsPerFile.append(n.records - n.fileRecords)
                n.fileRecords = n.records
                n.segments = 0
            }
        }
        if var error = work.error {
            let base = work.errorStartsUnit ? n.segments : n.unitSegments
            if let line = error.line, base > 0 {
                let local = "segment \(line):"
                if error.message.hasPrefix(local) {
                    error.message = "segment \(line + base):" + error.message.dropFirst(local.count)
                }
                error.line = line + base
            }
            throw error
        }
    }
}

/// Bytes already read from a file, then the rest of the file.
final class ReplaySource {
    private let replayed: [UInt8]
    private var offset = 0
    private let source: InputSource

    init(_ replayed: [UInt8], then source: InputSource) {
        self.replayed = replayed
        self.source = source
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < replayed.count {
            let n = min(buffer.count, replayed.count - offset)
            replayed.withUnsafeBytes {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)]))
            }
            offset += n
            return n
        }
        return try source.read(into: buffer)
    }
}
