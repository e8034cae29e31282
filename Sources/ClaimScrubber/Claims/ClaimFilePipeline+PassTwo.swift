/// Pass 2 of claim files: each claim copied to the clean or the held output, its findings written.
///
/// An X12 file is cut again at the bytes where pass 1 cut it (`ClaimRunState.unitSizes`), and each
/// chunk of whole interchanges is routed by a worker into its own clean, held and findings bytes,
/// each output's envelope rebuilt within the chunk; the pool's delivery writes them in input order,
/// so only the writing (and compressing) is serial. A chunk starts with an ISA, and an ISA closes
/// the envelope before it in both the reader and the writer, so a chunk's bytes are those a writer
/// of the whole file writes for its claims. Cutting at the same bytes gives every chunk its first
/// claim, record and segment number from pass 1 without a pass-2 scan. Routing per claim on the
/// reading thread, as before, was rejected: it was the largest serial cost of an X12 scrub.
///
/// A unit pass 1 read with one reader (the rest of a file after an interchange too large to cut,
/// every HL7 file) is routed on the calling thread, straight into the outputs, once the chunks
/// before it are written.
extension ClaimFilePipeline {
    /// A unit of pass 1 as pass 2 routes it.
    struct ClaimUnit: Sendable {
        var file: Int
        /// Bytes of the chunk; nil: the rest of the file.
        var bytes: Int?
        /// Run-wide claims of the unit.
        var claims: Range<Int>
        /// Segments of its file before the unit (positions in the unit count from its start).
        var segments: Int
        /// Envelope findings the unit's claims see: indices into `ClaimRouting.envelope`, in order.
        var envelope: [Int] = []
    }

    /// What routing needs of pass 1 and the shard stage; read-only while pass 2 runs.
    struct ClaimRouting: Sendable {
        let state: ClaimRunState
        let encounterFindings: EncounterFindings
        /// Envelope findings by their first claim (stable).
        let envelope: [ClaimFileFinding]
        let settings: RuleSettings
        let parser: ChargeParser
        /// The findings' `file` column by input index (`ScrubOptions.reportedInputNames`).
        let reportedNames: [String]
        /// Which input each record came from (pass 1's counts).
        let inputs: InputRanges
        /// The envelope findings over each claim, for the groups of its lines.
        let cover: EnvelopeCover

        /// A claim whose lines pass 2 counts again (`recountHeld`): held with lines pass 1 did not
        /// count held (held late, or by its envelope), or under an envelope finding.
        func needsRecount(_ claim: Int) -> Bool {
            guard claim < state.claimCents.count else { return false }
            if cover.covers(claim) { return true }
            guard state.heldClaims.contains(claim) else { return false }
            for record in state.claimFirstRecord[claim]..<state.claimFirstRecord[claim + 1]
            where !state.heldRecords.contains(record) {
                return true
            }
            return false
        }

        /// Counts in their groups the lines of a claim held after pass 1 (by the shard stage or
        /// its envelope), which pass 1 counted only as far as it held them, and the envelope
        /// findings over the claim, which pass 1 did not know of.
        func recountHeld(_ records: ChargeLines, claim: Int, into metrics: inout ScrubMetrics) {
            var sink = FindingSink(configuration: settings)
            let batch = parser.decode(records, sink: &sink)
            recountHeld(batch, lines: 0..<batch.count, claim: claim, into: &metrics)
        }

        /// Counts the lines of `claim` that are `lines` of `batch`, as `recountHeld(_:claim:into:)`.
        /// An envelope finding flags every line of the claims it covers (as its rule's `lines`
        /// counts them) and counts once per claim, in the groups of the claim's first line.
        func recountHeld(_ batch: ChargeBatch, lines: Range<Int>, claim: Int, into metrics: inout ScrubMetrics) {
            let first = state.claimFirstRecord[claim]
            let end = state.claimFirstRecord[claim + 1]
            let envelope = cover.findings(covering: claim)
            let claimHeld = state.heldClaims.contains(claim)
            for i in 0..<min(lines.count, end - first) {
                let wasFlagged = state.flaggedRecords.contains(first + i)
                let heldBefore = state.heldRecords.contains(first + i)
                let holds = claimHeld && !heldBefore
                let flags = !envelope.isEmpty && !wasFlagged
                let findings = i == 0 ? envelope : []
                guard holds || flags || !findings.isEmpty else { continue }
                let r = lines.lowerBound + i
                metrics.countWithClaim(
                    department: batch.unparsed[r] ? "" : ClaimFilePipeline.department(batch, r),
                    renderingNPI: batch.renderingNPI[r],
                    payer: batch.payers.isEmpty ? "" : batch.payers[Int(batch.payerIndex[r])],
                    serviceDay: batch.serviceDay[r], amountCents: batch.amountCents[r], procedure: batch.procedure[r],
                    holds: holds, heldBefore: heldBefore, wasFlagged: wasFlagged, flags: flags, envelope: findings)
            }
        }
    }

    /// The envelope findings (SE01, GE01, a missing IEA…) over each claim, by claim ordinal:
    /// piecewise constant, changing only where a finding's claims start or end. Most files have
    /// none; a broken one, a few per transaction set.
    struct EnvelopeCover: Sendable {
        /// Where each piece starts, ascending; a piece runs to the next start.
        private var starts: [Int] = []
        /// The findings (rule, and whether an error) over each piece's claims.
        private var pieces: [[EnvelopeFinding]] = []

        struct EnvelopeFinding: Sendable, Equatable {
            var rule: RuleID
            var error: Bool
        }

        /// The findings the settings keep (a rule switched off covers nothing), clamped to the
        /// `claims` of the run.
        init(_ envelope: [ClaimFileFinding], settings: RuleSettings, claims: Int) {
            var kept: [EnvelopeFinding] = []
            var events: [(at: Int, finding: Int, starts: Bool)] = []
            for f in envelope {
                guard let severity = settings.severity(of: f.rule, payer: nil) else { continue }
                let covered = f.claims.clamped(to: 0..<claims)
                guard !covered.isEmpty else { continue }
                events.append((covered.lowerBound, kept.count, true))
                events.append((covered.upperBound, kept.count, false))
                kept.append(EnvelopeFinding(rule: f.rule, error: severity == .error))
            }
            events.sort { $0.at < $1.at }
            var active: [Int] = []
            var e = 0
            while e < events.count {
                let at = events[e].at
                while e < events.count && events[e].at == at {
                    if events[e].starts {
                        active.append(events[e].finding)
                    } else {
                        active.removeAll { $0 == events[e].finding }
                    }
                    e += 1
                }
                starts.append(at)
                pieces.append(active.sorted().map { kept[$0] })
            }
        }

        /// Whether any envelope finding covers `claim`.
        @inline(__always)
        func covers(_ claim: Int) -> Bool { !starts.isEmpty && !findings(covering: claim).isEmpty }

        /// The envelope findings over `claim`, in the order they were found.
        func findings(covering claim: Int) -> [EnvelopeFinding] {
            guard let first = starts.first, claim >= first else { return [] }
            var low = 0
            var high = starts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if starts[mid] <= claim { low = mid } else { high = mid - 1 }
            }
            return pieces[low]
        }
    }

    /// The claims of a unit held after pass 1, whose lines pass 2 reads again to count them
    /// (`recountHeld`): their lines gather in the reader's records and are decoded a batch at a
    /// time. Decoding each claim's few lines on their own cost a batch's fixed setup per claim,
    /// a tenth of routing a chunk with a few percent of its claims held late.
    struct LateHeldClaims {
        private var claims: [(claim: Int, lines: Range<Int>)] = []
        /// Lines gathered past which they are counted before the unit ends.
        static let batchLines = 4096

        /// Notes that the reader's records `lines` (since the last count) are `claim`'s.
        mutating func add(claim: Int, lines: Range<Int>) { claims.append((claim, lines)) }

        /// Counts the claims noted so far, in order, and empties the reader's records.
        mutating func count(_ records: CanonicalRecords, routing: ClaimRouting, into metrics: inout ScrubMetrics) {
            guard !claims.isEmpty else { return }
            var sink = FindingSink(configuration: routing.settings)
            let batch = routing.parser.decode(records.take().records, sink: &sink)
            for (claim, lines) in claims { routing.recountHeld(batch, lines: lines, claim: claim, into: &metrics) }
            claims.removeAll(keepingCapacity: true)
        }
    }

    /// The outputs of pass 2, written by the pool's delivery queue while a pool runs and by the
    /// calling thread otherwise (never both: the calling thread writes only after `finish()`).
    final class Outputs {
        let clean: OutputFile
        let held: OutputFile
        let findings: OutputFile

        init(clean: OutputFile, held: OutputFile, findings: OutputFile) {
            self.clean = clean
            self.held = held
            self.findings = findings
        }
    }

    /// What a worker makes of one chunk.
    struct RoutedChunk: Sendable {
        var clean: [UInt8] = []
        var held: [UInt8] = []
        var findings: [UInt8] = []
        /// Group tallies of claims held late (`recountHeld`).
        var metrics = ScrubMetrics()
        var error: ScrubError?
    }

    func passTwo(
        sources: [InputSource], state: ClaimRunState, envelope: [ClaimFileFinding],
        encounterFindings: EncounterFindings,
        clean: OutputFile, held: OutputFile, findings: OutputFile
    ) throws {
        try findings.write(Array(ScrubPipeline.findingsHeader.utf8))
        let sorted = envelope.enumerated()
            .sorted { ($0.element.claims.lowerBound, $0.offset) < ($1.element.claims.lowerBound, $1.offset) }.map(
                \.element)
        let routing = ClaimRouting(
            state: state, encounterFindings: encounterFindings, envelope: sorted, settings: options.settings,
            parser: ChargeParser(
                layout: CanonicalRecords.layout, settings: options.settings, revenueCodeStandsForProcedure: true),
            reportedNames: options.reportedInputNames, inputs: InputRanges(recordsPerFile: state.recordsPerFile),
            cover: EnvelopeCover(sorted, settings: options.settings, claims: state.claimCents.count))
        if format == .hl7 {
            try passTwoSerially(sources: sources, routing: routing, clean: clean, held: held, findings: findings)
        } else {
            try passTwoX12(sources: sources, routing: routing, clean: clean, held: held, findings: findings)
        }
    }

    // MARK: - X12: chunks routed by the workers

    /// The units of pass 1, each with the envelope findings its claims see; and the envelope
    /// findings after the last claim.
    static func units(_ routing: ClaimRouting) throws -> (units: [ClaimUnit], trailing: [Int]) {
        let state = routing.state
        let claims = state.claimCents.count
        guard state.unitStarts.count == state.unitSizes.count else {
            throw ScrubError("pass 1 delivered \(state.unitStarts.count) units of \(state.unitSizes.count)")
        }
        var units: [ClaimUnit] = []
        for (i, (start, size)) in zip(state.unitStarts, state.unitSizes).enumerated() {
            let end = i + 1 < state.unitStarts.count ? state.unitStarts[i + 1].claims : claims
            units.append(
                ClaimUnit(file: size.file, bytes: size.bytes, claims: start.claims..<end, segments: start.segments))
        }
        /// The unit holding `claim` (< claims): the last one starting at or before it.
        func unit(of claim: Int) -> Int {
            var low = 0
            var high = units.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if units[mid].claims.lowerBound <= claim { low = mid } else { high = mid - 1 }
            }
            return low
        }
        var trailing: [Int] = []
        for (index, f) in routing.envelope.enumerated() {
            let first = f.claims.lowerBound
            guard first < claims, !units.isEmpty else {
                trailing.append(index)
                continue
            }
            // A finding outside any claim is written before the claim after it; one over claims,
            // beside each of them.
            var u = unit(of: first)
            repeat {
                units[u].envelope.append(index)
                u += 1
            } while u < units.count && units[u].claims.lowerBound < f.claims.upperBound
        }
        return (units, trailing)
    }

    private func passTwoX12(
        sources: [InputSource], routing: ClaimRouting, clean: OutputFile, held: OutputFile, findings: OutputFile
    ) throws {
        let (units, trailing) = try Self.units(routing)
        let state = routing.state
        let outputs = Outputs(clean: clean, held: held, findings: findings)
        var pool: OrderedWorkPool<RoutedChunk>?
        var sequence = 0
        func newPool() -> OrderedWorkPool<RoutedChunk> {
            sequence = 0
            return OrderedWorkPool<RoutedChunk>(workers: options.workers, maxInFlight: options.workers * 2 + 1) {
                routed in
                if let error = routed.error { throw error }
                try outputs.clean.write(routed.clean)
                try outputs.held.write(routed.held)
                try outputs.findings.write(routed.findings)
                state.metrics.merge(routed.metrics)
            }
        }
        func finishPool() throws {
            defer { pool = nil }
            try pool?.finish()
        }
        let changed = "the input changed while it was being scrubbed"
        // The shard stage's findings in record order, taken unit by unit on this thread.
        let encounter = EncounterQueue(cursor: try EncounterFindings.Cursor(routing.encounterFindings))
        do {
            var u = 0
            for (fileIndex, original) in sources.enumerated() {
                let source = try InputSource(
                    path: original.path, name: original.name, reportedName: original.reportedName)
                let fileName = source.name
                while u < units.count && units[u].file == fileIndex {
                    let unit = units[u]
                    u += 1
                    let end = state.claimFirstRecord[unit.claims.upperBound]
                    guard let count = unit.bytes else {
                        // The rest of the file, with one reader: after the chunks before it.
                        try finishPool()
                        let reader = X12ClaimReader(
                            read: { try source.read(into: $0) }, name: fileName, continuesWithISA: false, mode: .copy)
                        let cleanWriter = X12ClaimWriter(output: clean)
                        let heldWriter = X12ClaimWriter(output: held)
                        var rows: [UInt8] = []
                        try Self.route(
                            reader, unit: unit, fileName: fileName, routing: routing, encounter: encounter,
                            clean: cleanWriter, held: heldWriter,
                            findings: &rows, findingsFile: findings, metrics: &state.metrics)
                        try cleanWriter.finish()
                        try heldWriter.finish()
                        try findings.write(rows)
                        continue
                    }
                    let bytes = try Chunk.read(count, from: source)
                    guard bytes.bytes.count == count else {
                        throw ScrubError("\(changed) (shorter on the second read)", file: fileName)
                    }
                    let isLast = u == units.count || units[u].file != fileIndex
                    if isLast {
                        var probe: UInt8 = 0
                        let more = try withUnsafeMutableBytes(of: &probe) { try source.read(into: $0) }
                        if more > 0 { throw ScrubError("\(changed) (longer on the second read)", file: fileName) }
                    }
                    if pool == nil { pool = newPool() }
                    let found = try encounter.take(before: end)
                    pool?.submit(sequence) {
                        Self.routeChunk(
                            bytes, unit: unit, isLastOfFile: isLast, fileName: fileName, routing: routing,
                            encounter: EncounterQueue(found))
                    }
                    sequence += 1
                    if pool?.hasFailed == true { break }
                }
            }
            try finishPool()
        } catch {
            try? pool?.finish()
            throw error
        }
        for index in trailing {
            try Self.writeOrphan(
                routing.envelope[index], fileName: sources.last?.reportedName ?? "", settings: routing.settings,
                to: findings)
        }
    }

    /// Routes one chunk of whole interchanges (a worker's job).
    static func routeChunk(
        _ bytes: Chunk, unit: ClaimUnit, isLastOfFile: Bool, fileName: String, routing: ClaimRouting,
        encounter: EncounterQueue
    ) -> RoutedChunk {
        let reader = X12ClaimReader(bytes: bytes, name: fileName, continuesWithISA: !isLastOfFile, mode: .copy)
        // Most claims are clean: the clean bytes are about the chunk's.
        let clean = X12ClaimWriter(output: nil, capacity: bytes.bytes.count + bytes.bytes.count / 8)
        let held = X12ClaimWriter(output: nil)
        var routed = RoutedChunk()
        do {
            try route(
                reader, unit: unit, fileName: fileName, routing: routing, encounter: encounter, clean: clean,
                held: held, findings: &routed.findings,
                findingsFile: nil, metrics: &routed.metrics)
            try clean.finish()
            try held.finish()
        } catch {
            routed.error = error as? ScrubError ?? ScrubError("\(error)", file: fileName)
            return routed
        }
        routed.clean = clean.take()
        routed.held = held.take()
        return routed
    }

    /// Routes the claims of one unit: each claim to `clean` or `held`, its findings rows to
    /// `findings` (flushed to `findingsFile` past a MiB when there is one).
    static func route(
        _ reader: X12ClaimReader, unit: ClaimUnit, fileName: String, routing: ClaimRouting, encounter: EncounterQueue,
        clean: X12ClaimWriter, held: X12ClaimWriter, findings: inout [UInt8], findingsFile: OutputFile?,
        metrics: inout ScrubMetrics
    ) throws {
        let state = routing.state
        var rows = try ClaimFindingRows(
            routing: routing, envelope: unit.envelope, firstRecord: state.claimFirstRecord[unit.claims.lowerBound],
            encounter: encounter)
        var claim = unit.claims.lowerBound
        var late = LateHeldClaims()
        while true {
            reader.scanNextClaim = routing.needsRecount(claim)
            reader.keepsLineIds = rows.hasLineFindings(claim)
            let before = reader.records.recordCount
            guard try reader.nextClaim() else { break }
            guard claim < unit.claims.upperBound else {
                throw ScrubError(
                    "the input changed while it was being scrubbed (more claims on the second read)", file: fileName)
            }
            try (state.heldClaims.contains(claim) ? held : clean).write(reader)
            if reader.scanNextClaim {
                late.add(claim: claim, lines: before..<reader.records.recordCount)
                if reader.records.recordCount >= LateHeldClaims.batchLines {
                    late.count(reader.records, routing: routing, into: &metrics)
                }
            }
            try rows.append(
                claim: claim, of: reader, positionBase: unit.segments, fileName: routing.reportedNames[unit.file],
                to: &findings)
            if let findingsFile, findings.count >= 1 << 20 {
                try findingsFile.write(findings)
                findings.removeAll(keepingCapacity: true)
            }
            claim += 1
        }
        late.count(reader.records, routing: routing, into: &metrics)
        if claim != unit.claims.upperBound {
            throw ScrubError(
                "the input changed while it was being scrubbed (fewer claims on the second read)", file: fileName)
        }
    }

    // MARK: - HL7: one reader per file

    private func passTwoSerially(
        sources: [InputSource], routing: ClaimRouting, clean: OutputFile, held: OutputFile, findings: OutputFile
    ) throws {
        let state = routing.state
        let cleanWriter = makeWriter(clean)
        let heldWriter = makeWriter(held)
        var rows = try ClaimFindingRows(
            routing: routing, envelope: Array(routing.envelope.indices), firstRecord: 0,
            encounter: EncounterQueue(cursor: try EncounterFindings.Cursor(routing.encounterFindings)))
        var claim = 0
        var buffer: [UInt8] = []
        for (fileIndex, original) in sources.enumerated() {
            let source = try InputSource(path: original.path, name: original.name, reportedName: original.reportedName)
            let reader = makeReader(source, file: fileIndex, copy: true)
            while true {
                reader.scanNextClaim = routing.needsRecount(claim)
                guard try reader.nextClaim() else { break }
                guard claim < state.claimCents.count else {
                    throw ScrubError(
                        "the input changed while it was being scrubbed (more claims on the second read)",
                        file: source.name)
                }
                try (state.heldClaims.contains(claim) ? heldWriter : cleanWriter).write(reader)
                if reader.scanNextClaim {
                    routing.recountHeld(reader.records.take().records, claim: claim, into: &state.metrics)
                }
                try rows.append(claim: claim, of: reader, positionBase: 0, fileName: source.reportedName, to: &buffer)
                if buffer.count >= 1 << 20 {
                    try findings.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                claim += 1
            }
        }
        try findings.write(buffer)
        for index in rows.remainingEnvelope {
            try Self.writeOrphan(
                routing.envelope[index], fileName: sources.last?.reportedName ?? "", settings: routing.settings,
                to: findings)
        }
        if claim != state.claimCents.count {
            throw ScrubError("the input changed while it was being scrubbed (fewer claims on the second read)")
        }
        try cleanWriter.finish()
        try heldWriter.finish()
    }

    // MARK: - Findings rows

    static func writeOrphan(_ f: ClaimFileFinding, fileName: String, settings: RuleSettings, to findings: OutputFile)
        throws
    {
        var bytes: [UInt8] = []
        orphanRow(f, fileName: fileName, settings: settings, to: &bytes)
        try findings.write(bytes)
    }

    /// The row of an envelope finding outside any claim.
    static func orphanRow(_ f: ClaimFileFinding, fileName: String, settings: RuleSettings, to out: inout [UInt8]) {
        guard let severity = settings.severity(of: f.rule, payer: nil) else { return }
        out.append(contentsOf: row(f.position, [], [], f.rule, severity, f.field, f.value, f.message, fileName))
    }

    static func row(
        _ position: Int, _ lineId: [UInt8], _ encounterId: [UInt8], _ rule: RuleID, _ severity: Severity,
        _ field: String,
        _ value: String, _ message: String, _ file: String
    ) -> [UInt8] {
        var row: [UInt8] = []
        lineId.withUnsafeBytes { lineIdBytes in
            encounterId.withUnsafeBytes { encounterBytes in
                FindingsRow.append(
                    line: position, lineId: lineIdBytes, encounterId: encounterBytes, rule: rule, severity: severity,
                    field: field, value: value, message: message, file: file, to: &row)
            }
        }
        return row
    }
}

/// The findings rows of consecutive claims, claim after claim: pass 1's, the shard stage's and the
/// envelope's of each claim, sorted by position and rule; an envelope finding outside any claim
/// goes before the claim after it.
struct ClaimFindingRows {
    let routing: ClaimFilePipeline.ClaimRouting
    /// The envelope findings these claims see (indices into `routing.envelope`), in order.
    let envelope: [Int]
    /// Pass 1's findings, read in order (`nextFinding` on).
    private var findings: StoredFindings.Reader
    private var nextFinding: Int
    /// Record of the finding at `nextFinding` (`Int.max` past the last).
    private var nextFindingRecord: Int
    /// The shard stage's findings from the first claim's records on.
    private let encounter: EncounterQueue
    private var nextEnvelope = 0
    private var active: [ClaimFileFinding] = []
    private var rows: [(position: Int, rule: Int, order: Int, row: [UInt8])] = []

    /// - Parameter firstRecord: the first record of the first claim.
    init(routing: ClaimFilePipeline.ClaimRouting, envelope: [Int], firstRecord: Int, encounter: EncounterQueue) throws {
        self.routing = routing
        self.envelope = envelope
        findings = routing.state.findings.reader()
        nextFinding = try findings.firstIndex(ofRecordAtLeast: firstRecord)
        nextFindingRecord = nextFinding < findings.count ? try findings.record(nextFinding) : .max
        self.encounter = encounter
        // Findings before the first claim's records belong to no claim of these.
        while encounter.nextOrdinal < UInt64(firstRecord) { _ = try encounter.next() }
    }

    /// True when pass 1 or the shard stage found something on a line of `claim` (the next claim
    /// to append): its rows need the lines' positions and ids.
    func hasLineFindings(_ claim: Int) -> Bool {
        let state = routing.state
        guard claim < state.claimCents.count else { return false }
        let end = state.claimFirstRecord[claim + 1]
        return nextFindingRecord < end || encounter.nextOrdinal < UInt64(end)
    }

    /// The envelope findings not written yet (after the last claim).
    var remainingEnvelope: ArraySlice<Int> { envelope[nextEnvelope...] }

    /// Appends the rows of `claim`, which `reader` has just read; its positions count from
    /// `positionBase` segments into the file.
    mutating func append(
        claim: Int, of reader: any ClaimUnitReader, positionBase: Int, fileName: String, to out: inout [UInt8]
    ) throws {
        let state = routing.state
        let first = state.claimFirstRecord[claim]
        let end = state.claimFirstRecord[claim + 1]
        // Most claims have no finding: nothing to look up, sort or write.
        if active.isEmpty && nextFindingRecord >= end && encounter.nextOrdinal >= UInt64(end)
            && (nextEnvelope == envelope.count || routing.envelope[envelope[nextEnvelope]].claims.lowerBound > claim)
        {
            return
        }
        let encounterId = reader.encounterId
        let linePositions = reader.linePositions
        func lineNumber(_ record: Int) -> Int {
            let i = record - first
            return positionBase + (i >= 0 && i < linePositions.count ? linePositions[i] : reader.unitPosition)
        }
        func lineId(_ record: Int) -> [UInt8] {
            let i = record - first
            return i >= 0 && i < linePositions.count ? reader.lineId(i) : encounterId
        }
        rows.removeAll(keepingCapacity: true)
        while nextFindingRecord < end {
            let f = try findings.finding(nextFinding)
            nextFinding += 1
            nextFindingRecord = nextFinding < findings.count ? try findings.record(nextFinding) : .max
            let position = f.position != 0 ? f.position : lineNumber(f.record)
            let id = f.claimLevel ? encounterId : lineId(f.record)
            rows.append(
                (
                    position, f.rule.ordinal, rows.count,
                    ClaimFilePipeline.row(
                        position, id, encounterId, f.rule, f.severity, f.field, f.value, f.message, fileName)
                ))
        }
        while encounter.nextOrdinal < UInt64(end), let f = try encounter.next() {
            let record = Int(f.ordinal)
            var earlier: EncounterFinding.EarlierLine?
            if let ordinal = f.earlierOrdinal, let position = state.recordPositions[Int(ordinal)],
                let file = routing.inputs.input(of: Int(ordinal))
            {
                let sameFile = file == routing.inputs.input(of: record)
                earlier = .init(line: position, file: sameFile ? nil : routing.reportedNames[file])
            }
            rows.append(
                (
                    lineNumber(record), f.rule.ordinal, rows.count,
                    ClaimFilePipeline.row(
                        lineNumber(record), lineId(record), encounterId, f.rule, f.severity, f.field, f.value,
                        f.message(earlier: earlier), fileName)
                ))
        }
        while nextEnvelope < envelope.count && routing.envelope[envelope[nextEnvelope]].claims.lowerBound <= claim {
            let f = routing.envelope[envelope[nextEnvelope]]
            nextEnvelope += 1
            if f.claims.isEmpty {
                // Outside any claim: written where it falls in the file.
                ClaimFilePipeline.orphanRow(f, fileName: fileName, settings: routing.settings, to: &out)
            } else {
                active.append(f)
            }
        }
        active.removeAll { $0.claims.upperBound <= claim }
        for f in active where f.claims.contains(claim) {
            guard let severity = routing.settings.severity(of: f.rule, payer: nil) else { continue }
            rows.append(
                (
                    f.position, f.rule.ordinal, rows.count,
                    ClaimFilePipeline.row(
                        f.position, encounterId, encounterId, f.rule, severity, f.field, f.value, f.message, fileName)
                ))
        }
        rows.sort { ($0.position, $0.rule, $0.order) < ($1.position, $1.rule, $1.order) }
        for r in rows { out.append(contentsOf: r.row) }
    }
}

// Only the pool's delivery queue, or the calling thread once the pool is finished, writes the outputs.
extension ClaimFilePipeline.Outputs: @unchecked Sendable {}

/// The shard stage's findings as pass 2 writes them, in record order: pulled from their merged
/// runs (`EncounterFindings.Cursor`), or the ones of one chunk handed to the job routing it.
/// A class, so that a unit routed on the reading thread takes its findings from the same queue
/// the chunks after it are given theirs from.
final class EncounterQueue {
    // Each var is used by one thread at a time: the reading thread, or the one job the queue was
    // handed to (which never shares it).
    private var items: [EncounterFinding]
    // See above.
    private var at = 0
    // See above.
    private var cursor: EncounterFindings.Cursor?

    init(_ items: [EncounterFinding]) {
        self.items = items
    }

    init(cursor: EncounterFindings.Cursor) {
        items = []
        self.cursor = cursor
    }

    /// Record number of the next finding, `UInt64.max` when none is left.
    var nextOrdinal: UInt64 {
        if let cursor { return cursor.nextOrdinal }
        return at < items.count ? items[at].ordinal : .max
    }

    func next() throws -> EncounterFinding? {
        if cursor != nil { return try cursor?.next() }
        guard at < items.count else { return nil }
        at += 1
        return items[at - 1]
    }

    /// Every finding on a record before `end`, taken off the queue.
    func take(before end: Int) throws -> [EncounterFinding] {
        var taken: [EncounterFinding] = []
        while nextOrdinal < UInt64(end), let finding = try next() { taken.append(finding) }
        return taken
    }
}

// One thread at a time uses a queue (see its vars).
extension EncounterQueue: @unchecked Sendable {}
