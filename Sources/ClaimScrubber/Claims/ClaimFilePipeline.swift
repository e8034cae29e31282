import Foundation
import Synchronization

/// The formats of claim files: the claim (X12) or the message (HL7) is the unit of the gate.
public enum ClaimFileFormat: String, Sendable {
    case x12, hl7

    /// The format of an input told by its first bytes (after zstd, white space and a byte order
    /// mark): `ISA` for X12, `MSH`/`FHS`/`BHS` or an MLLP start byte for HL7; nil for an extract.
    /// An ISA header or an MSH segment found a little later, at the start of a line (text or a
    /// stray segment before the interchange or the first message), still says X12 or HL7, so that
    /// its reader can name the problem instead of the CSV reader missing columns.
    public static func detect(path: String) -> ClaimFileFormat? {
        (try? detectReading(path: path, name: path)) ?? nil
    }

    /// The same, with what stops the reading (a truncated or corrupt zstd stream, a file that
    /// cannot be opened) thrown, naming the input as `name`, rather than taken for another format:
    /// a later input cut inside its first zstd block was "not an x12 file like the first input".
    static func detectReading(path: String, name: String) throws -> ClaimFileFormat? {
        let source = try InputSource(path: path, name: name)
        var head = [UInt8](repeating: 0, count: 4096)
        let n = try head.withUnsafeMutableBytes { try source.readFully(into: $0) }
        head.removeLast(head.count - n)
        return detect(head: head)
    }

    /// The same from an input's first bytes (up to 4 KiB, decompressed).
    static func detect(head: [UInt8]) -> ClaimFileFormat? {
        var i = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < head.count && (head[i] == 0x20 || head[i] == 0x09 || head[i] == 0x0D || head[i] == 0x0A) { i += 1 }
        let rest = head[i...]
        if rest.first == 0x0B { return .hl7 }
        for tag in ["MSH", "FHS", "BHS"] where rest.starts(with: Array(tag.utf8)) && rest.count > 3 {
            // The field separator (`|` in practice): a character no column name of a CSV header
            // has after its first three letters, where `MSH_ID,…` or `BHS_CODE,…` read as HL7
            // (every charge line held unread under X01, none counted).
            // After it, MSH-2 (the encoding characters, `^~\&`) starts with no letter or digit, where
            // a pipe-delimited header's second name does (`MSH|encounter_id|…`).
            let separator = rest[rest.startIndex + 3]
            let next = rest.count > 4 ? rest[rest.startIndex + 4] : separator
            if !X12SegmentReader.isAlphanumeric(separator) && separator > 0x20
                && !Array("_,;-.\"'".utf8).contains(separator) && !X12SegmentReader.isAlphanumeric(next)
            {
                return .hl7
            }
        }
        // "MSH" at the start of a segment further on, with a separator and the encoding characters
        // after it (MSH|^~\&): a segment before the first message.
        var m = i
        while m + 10 <= head.count {
            if m > i && (head[m - 1] == 0x0D || head[m - 1] == 0x0A) && head[m] == 0x4D && head[m + 1] == 0x53
                && head[m + 2] == 0x48
            {
                let separator = head[m + 3]
                let encoding = head[(m + 4)..<(m + 8)]
                if !X12SegmentReader.isAlphanumeric(separator) && separator > 0x20
                    && encoding.allSatisfy({ !X12SegmentReader.isAlphanumeric($0) && $0 > 0x20 && $0 != separator })
                    && Set(encoding).count == 4 && (head[m + 8] == separator || head[m + 9] == separator)
                {
                    return .hl7
                }
            }
            m += 1
        }
        // "ISA" at the start of a line, followed by a separator that recurs after the two-character
        // ISA01 and 16 times within the fixed-width header: an interchange after some other text.
        var k = i
        while k + 7 <= head.count {
            if (k == i || head[k - 1] == 0x0A || head[k - 1] == 0x0D) && head[k] == 0x49 && head[k + 1] == 0x53
                && head[k + 2] == 0x41 && !X12SegmentReader.isAlphanumeric(head[k + 3]) && head[k + 3] == head[k + 6]
            {
                let separator = head[k + 3]
                let window = head[(k + 3)..<min(head.count, k + 130)]
                if window.reduce(0, { $0 + ($1 == separator ? 1 : 0) }) >= 16 { return .x12 }
                // A file that ends inside its first ISA (cut short): its reader says so, where the
                // CSV reader would miss columns.
                if k == i && head.count - k < 106 { return .x12 }
            }
            k += 1
        }
        return nil
    }

    var fileExtension: String { rawValue }

    /// True when a file holds nothing but white space, line ends, a byte order mark and MLLP
    /// framing bytes (0x0B, 0x1C): no message or interchange, an empty input. Reads only up to the
    /// first other byte.
    static func isBlank(path: String) -> Bool {
        guard let source = try? InputSource(path: path) else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var first = true
        while true {
            guard let n = try? buffer.withUnsafeMutableBytes({ try source.readFully(into: $0) }) else { return false }
            var i = 0
            if first && buffer[0..<n].starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            first = false
            while i < n {
                switch buffer[i] {
                case 0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x1C: i += 1
                default: return false
                }
            }
            if n < buffer.count { return true }
        }
    }

    /// What a file of this format holds at least one of.
    var unitName: String {
        switch self {
        case .x12: return "X12 interchange"
        case .hl7: return "HL7 message"
        }
    }
}

/// What the pipeline needs of a claim-file reader: claims (or messages) one at a time, their
/// service lines as canonical records, and the structural findings.
protocol ClaimUnitReader: AnyObject {
    /// Reads the next unit; false at end of input.
    func nextClaim() throws -> Bool
    /// The unit's ordinal within its file (0-based).
    var claimOrdinal: Int { get }
    /// Encounter id of the unit (CLM01, PV1-19).
    var encounterId: [UInt8] { get }
    /// Segment position of the unit's first segment (CLM, MSH).
    var unitPosition: Int { get }
    var linePositions: [Int] { get }
    /// The id of line `index` of the unit (REF*6R or CLM01:LX01, FT1-2 or MSH-10:FT1-1).
    func lineId(_ index: Int) -> [UInt8]
    var claimChargeCents: Int64 { get }
    var claimFindings: [ClaimFileFinding] { get }
    var lineFindings: [(line: Int, finding: ClaimFileFinding)] { get }
    var records: CanonicalRecords { get }
    var envelopeFindings: [ClaimFileFinding] { get set }
    /// The interchanges read whole so far (X12; none for HL7).
    var interchanges: [InterchangeControl] { get }
    var rawBytesRead: UInt64 { get }
    /// Copy mode: also write the records of the next unit read (pass 2 recounts a held unit's lines).
    var scanNextClaim: Bool { get set }
    /// Segments read so far.
    var segmentCount: Int { get }
}

protocol ClaimUnitWriter: AnyObject {
    func write(_ reader: any ClaimUnitReader) throws
    func finish() throws
}

extension X12ClaimReader: ClaimUnitReader {
    var encounterId: [UInt8] { clm01.array }
    var unitPosition: Int { clmPosition }
    var rawBytesRead: UInt64 { reader.source?.rawBytesRead ?? 0 }
}

extension X12ClaimWriter: ClaimUnitWriter {
    func write(_ reader: any ClaimUnitReader) throws {
        // Only X12 readers feed an X12 writer.
        try write(reader as! X12ClaimReader)
    }
}

/// A finding of pass 1 kept until pass 2 writes it beside its claim.
struct StoredFinding: Sendable {
    /// Run-wide record number of the line it is on.
    var record: Int
    var rule: RuleID
    var severity: Severity
    var field: String
    var value: String
    var message: String
    /// Segment position for claim-level findings (X02, X03 on HI); 0: the line's own position.
    var position: Int = 0
    /// True when the finding names the claim (line_id = the encounter id), not a line.
    var claimLevel = false
}

/// One batch of claims handed to a worker.
struct ClaimBatch: Sendable {
    var sequence: Int
    var file: Int
    var fileName: String
    var records: ChargeLines
    /// Diagnosis records of lines with more than twelve diagnoses.
    var diagnoses: DiagnosisRecords
    /// First record and first claim of the batch, counted from the start of its unit.
    var recordBase: Int
    var claimBase: Int
    /// X findings on records: (batch-relative record, finding).
    var recordFindings: [(Int32, ClaimFileFinding)]
    var facts: ClaimBatchFacts
}

/// What the delivery needs, beyond the findings, to number a batch's claims run-wide.
///
/// Claims are read in units, each numbered from its own start (claims, records, segment
/// positions): a chunk of whole interchanges read by a worker, or a file (the rest of a file) read
/// by the reading thread. The delivery, in input order, adds where each unit starts.
struct ClaimBatchFacts: Sendable {
    /// The batch is the first of its unit / the last of its file.
    var unitStart = false
    var fileEnd = false
    /// First record of each claim of the batch (batch-relative) and one past the last.
    var claimStarts: [Int32] = [0]
    var claimCents: [Int64] = []
    /// X01 over claims (unit-relative claims and positions): claims without lines, the envelope.
    var envelope: [ClaimFileFinding] = []
    /// Segments of the unit (on its last batch; 0 on the others).
    var segments = 0
    /// Each record's position (segment number) counted from the unit's start, in record order.
    var linePositions: [Int] = []
    /// The unit's interchanges (on its last batch), with its file's index among the inputs.
    var interchanges: [InterchangeControl] = []
    var file = 0
}

struct ClaimBatchOutcome: Sendable {
    var batch: Int
    var recordBase: Int
    var claimBase: Int
    var records: Int
    var findings: [StoredFinding]
    /// Batch-relative claims held.
    var heldClaims: [Int32]
    var heldRecords: [Int32]
    var flaggedRecords: [Int32]
    var metrics: ScrubMetrics
    var lines: [EncounterLine]
    var departments: [String]
    var payers: [String]
    var facts: ClaimBatchFacts
}

/// What one job of the pool gives: the outcomes of its batches, or the failure that stops the run
/// (its segment number counted from the start of the unit).
struct ClaimWorkOutcome: Sendable {
    var batches: [ClaimBatchOutcome] = []
    var error: ScrubError?
    /// The failure is in a unit none of whose batches was delivered (a chunk).
    var errorStartsUnit = false
}

/// Pass-1 results, touched by the pool's delivery queue until the pool finishes, then by the caller.
final class ClaimRunState: @unchecked Sendable {
    var findings: StoredFindings
    var heldClaims = RecordSet()
    var heldRecords = RecordSet()
    var flaggedRecords = RecordSet()
    var metrics = ScrubMetrics()
    let store: ShardStore
    var departmentNames = [""]
    var payerNames = [""]
    var departmentNumbers: [String: UInt16] = ["": 0]
    var payerNumbers: [String: UInt16] = ["": 0]
    /// Per claim (run-wide): first record; one more entry at the end.
    var claimFirstRecord: CompactIntegers = {
        var first = CompactIntegers()
        first.append(0)
        return first
    }()
    /// Each record's position in its file, for E01 and E02 rows (claim files only).
    var recordPositions = RecordPositions()
    var claimCents = PagedArray<Int64>()
    /// X01 findings over ranges of claims (run-wide claims, file positions).
    var envelope: [ClaimFileFinding] = []
    /// The first interchange of each sender, receiver and control number: its file and position.
    var interchangeControls: [[UInt8]: (file: Int, position: Int)] = [:]
    /// The inputs' names as findings.csv gives them.
    var reportedNames: [String] = []
    var recordsPerFile: [Int] = []
    /// Where the units delivered so far end.
    var numbering = ClaimFilePipeline.UnitNumbering()
    /// Where each unit starts (claims, records, segments of its file before it), in input order.
    var unitStarts: [ClaimFilePipeline.UnitStart] = []
    /// The file and byte count of each unit (nil: the rest of the file, read by one reader), set
    /// by pass 1's reading thread once the pool is done: pass 2 cuts each file at the same bytes.
    var unitSizes: [(file: Int, bytes: Int?)] = []
    /// Records delivered so far, for the progress line (read by the reading thread).
    let deliveredRecords = Atomic<Int>(0)

    init(store: ShardStore, findings: StoredFindings = StoredFindings()) {
        self.store = store
        self.findings = findings
    }

    func number(_ name: String, in numbers: inout [String: UInt16], names: inout [String]) -> UInt16 {
        if let n = numbers[name] { return n }
        guard names.count < Int(UInt16.max) else { return 0 }
        let n = UInt16(names.count)
        numbers[name] = n
        names.append(name)
        return n
    }

    /// The claim a record belongs to: the last claim whose first record is at or before it (claims
    /// without lines share their first record with the claim after them).
    func claim(ofRecord record: Int) -> Int {
        min(claimFirstRecord.lastIndex(atMost: record) ?? 0, max(claimCents.count - 1, 0))
    }
}

/// Scrubs X12 837 and HL7 DFT files: every service line (FT1) becomes a canonical charge record and
/// goes through the same parser, line rules and encounter stage as an extract's; the claim
/// (message) is held whole when any of its lines or its structure has an error.
///
/// `lines_in` in the summary counts service lines (SV1/SV2, FT1), as for extracts, so rates and
/// dollars mean the same; `lines_held` counts the lines of held claims. A claim without service
/// lines is held (X01) but adds no line. Like the CSV path it reads each input twice: pass 1 for
/// the findings, pass 2 to copy the claims to clean or held once every verdict is final.
final class ClaimFilePipeline {
    let options: ScrubOptions
    let tables: CodeTables
    let format: ClaimFileFormat
    let progress: (@Sendable (UInt64, UInt64, Int) -> Void)?
    /// Called as each phase starts ("reading", "encounter edits", "writing"), as `ScrubPipeline` does.
    var phaseStarted: (@Sendable (String) -> Void)?
    /// Records per batch handed to a worker.
    var batchRecords = 16384
    /// Bytes of pass 1's findings kept in memory (nil: a sixteenth of the working memory), and
    /// findings per stored segment (`StoredFindings`); tests lower both.
    var findingsMemory: Int?
    var findingsSegmentShift = 15
    /// Findings of the last run that went to the temporary file between the passes.
    private(set) var findingsSpilled = 0
    /// Bytes of one X12 interchange past which the rest of its file is read on the reading thread
    /// (nil: `serialThreshold`); tests lower it.
    var serialAfterBytes: Int?

    /// The default of `serialAfterBytes`: 16 chunks, and 64 MiB when the working memory has room
    /// for it, but at most an eighth of the working memory (the bytes read while looking for the
    /// interchange's end are held, and a 1 GB 837 is often one interchange).
    static func serialThreshold(chunkSize: Int, workingMemory: Int) -> Int {
        max(16 * chunkSize, min(64 << 20, workingMemory / 8))
    }

    /// Where standard input (`-`) was spooled, when it is among the inputs.
    let standardInput: String?

    init(
        options: ScrubOptions, tables: CodeTables, format: ClaimFileFormat, standardInput: String? = nil,
        progress: (@Sendable (UInt64, UInt64, Int) -> Void)?
    ) {
        var options = options
        options.tableBytes = tables.residentBytes
        self.options = options
        self.standardInput = standardInput
        self.tables = tables
        self.format = format
        self.progress = progress
    }

    func makeReader(_ source: InputSource, file: Int, copy: Bool) -> any ClaimUnitReader {
        switch format {
        case .x12:
            return X12ClaimReader(source: source, mode: copy ? .copy : .scan, serialBase: file << 40)
        case .hl7:
            return HL7MessageReader(source: source, copy: copy)
        }
    }

    func makeWriter(_ output: OutputFile) -> any ClaimUnitWriter {
        switch format {
        case .x12: return X12ClaimWriter(output: output)
        case .hl7: return HL7MessageWriter(output: output)
        }
    }

    func run() throws -> ScrubPipeline.Result {
        let started = PhaseMark()
        var summary = ScrubSummary(options: options, tables: tables, started: started.wall)

        var sources: [InputSource] = []
        // Each input's size and modification time before its first byte is read: a write during
        // either pass (an edit in place that keeps every segment's start) stops the run.
        var stamps: [(stamp: FileStamp?, path: String)] = []
        let reportedNames = options.reportedInputNames
        for (index, argument) in options.inputs.enumerated() {
            // Standard input was spooled to a file before its format was told, so both passes read it.
            var path = argument
            var name = argument
            if argument == "-" {
                guard let standardInput else { throw ScrubError("standard input was not spooled", file: "<stdin>") }
                path = standardInput
                name = "<stdin>"
            }
            stamps.append((FileStamp(path: path), path))
            // As for an empty extract (no header line): exit 2, not a run with empty outputs.
            if ClaimFileFormat.isBlank(path: path) {
                throw ScrubError("empty input: no \(format.unitName)", file: name, line: 1)
            }
            guard try ClaimFileFormat.detectReading(path: path, name: name) == format else {
                throw ScrubError(
                    "is not a \(format.rawValue) file like the first input; inputs of one run must share one format",
                    file: name)
            }
            sources.append(try InputSource(path: path, name: name, reportedName: reportedNames[index]))
        }
        let anyCompressed = sources.contains { $0.isCompressed }
        let level: Int32? = options.level ?? (anyCompressed ? 1 : nil)
        summary.run.outputLevel = level.map { String($0) } ?? "none"
        let directory = options.outputDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ScrubError("cannot create the output folder: \(error.localizedDescription)", file: directory)
        }
        let ext = format.fileExtension + (level != nil ? ".zst" : "")
        let names = ["clean.\(ext)", "held.\(ext)", "findings.csv", "summary.json", "report.html"]

        var outputs: [OutputFile] = []
        do {
            let t1 = PhaseMark()
            let store = ShardStore(memoryBudget: options.workingMemory / 4, directory: options.temporaryDirectory)
            defer { store.removeFiles() }
            phaseStarted?("reading")
            let (state, envelope, recordsPerFile) = try passOne(sources: sources, store: store)
            findingsSpilled = state.findings.spilledCount
            summary.run.record("pass1", since: t1)
            for (i, source) in sources.enumerated() {
                summary.inputs.append(
                    .init(
                        file: source.reportedName, format: format.rawValue, compressed: source.isCompressed,
                        lines: recordsPerFile[i]))
            }
            let t3 = PhaseMark()
            MemoryTuning.releaseFreeMemory()
            phaseStarted?("encounter edits")
            let context = EncounterContext(tables: tables, settings: options.settings, payers: state.payerNames)
            // Streamed to pass 2 from their runs (spilled to --temp-dir past their budget), not
            // gathered: a batch scrubbed with its own resubmitted copy has an E01 on half its lines.
            let encounterFindings = try EncounterStage.run(store: store, context: context, workers: options.workers)
            try applyLate(encounterFindings, envelope: envelope, state: state)
            summary.run.record("encounters", since: t3)

            let t2 = PhaseMark()
            MemoryTuning.releaseFreeMemory()
            let findings = try OutputFile(path: path(directory, "findings.csv"), level: nil)
            outputs.append(findings)
            let clean = try OutputFile(path: path(directory, names[0]), level: level, workers: level == nil ? 0 : 2)
            outputs.append(clean)
            let held = try OutputFile(path: path(directory, names[1]), level: level, workers: 0)
            outputs.append(held)
            phaseStarted?("writing")
            try passTwo(
                sources: sources, state: state, envelope: envelope, encounterFindings: encounterFindings, clean: clean,
                held: held, findings: findings)
            // Pass 2 completes the group tallies of claims held late (`recountHeld`).
            summary.metrics = state.metrics
            summary.run.record("pass2", since: t2)
            summary.run.record("total", since: started)
            for (source, input) in zip(sources, stamps) {
                try FileStamp.requireUnchanged(input.stamp, path: input.path, name: source.name)
            }
            try ScrubPipeline.complete(&outputs, summary: summary, directory: directory)
        } catch {
            for output in outputs { output.discard() }
            throw error
        }
        let status = options.failOn.exitStatus(summary.metrics)
        return ScrubPipeline.Result(
            summary: summary, exitStatus: status, outputFiles: names.map { path(directory, $0) })
    }

    private func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    // MARK: - Pass 1 (see ClaimFilePipeline+PassOne.swift)

    static func process(_ input: ClaimBatch, parser: ChargeParser, rules: [any LineRule], context: RuleContext)
        -> ClaimBatchOutcome
    {
        var sink = FindingSink(configuration: context.settings)
        let batch = parser.decode(input.records, sink: &sink)
        for rule in rules { rule.check(batch, context, &sink) }
        if !input.diagnoses.isEmpty {
            addDiagnosisFindings(input.diagnoses, of: batch, parser: parser, rules: rules, context: context, to: &sink)
        }
        // A code of another code set (SV101-1 ER, IV, WK) is no HCPCS code: what the procedure
        // code rules said of it goes; the reader's C06 says it is not checked.
        let otherCodeSet = Set(input.recordFindings.lazy.filter { $0.1.procedureOfOtherCodeSet }.map(\.0))
        if !otherCodeSet.isEmpty {
            sink.removeAll { finding in
                let rule = finding.rule
                return (rule == .C01 || rule == .C02 || rule == .C03 || rule == .C06)
                    && finding.field == "procedure_code" && otherCodeSet.contains(finding.record)
            }
        }
        // Where each claim-file finding points, by record, rule and message: one record can hold
        // several findings of one rule (an HL7 message with FT1s before its PID has one per FT1).
        struct PositionKey: Hashable {
            var record: Int32
            var rule: RuleID
            var message: String
        }
        var positions: [PositionKey: [(Int, Bool)]] = [:]
        for (record, finding) in input.recordFindings where Int(record) < batch.count {
            let payer = batch.payerName(Int(record))
            var message = finding.message
            if let end = finding.rangeEnd {
                // A date range that ends after the as-of date, from a start on or before it (a
                // start after it is the line rule's D01 already).
                let start = batch.serviceDay[Int(record)]
                guard end > context.asOf, DayNumber.isDate(start), start <= context.asOf else { continue }
                message += ", after the as-of date \(DayNumber.format(context.asOf)): services not yet rendered"
            }
            let before = sink.findings.count
            sink.add(
                finding.rule, record: Int(record), field: finding.field, value: finding.value, message: message,
                payer: payer)
            if sink.findings.count > before {
                // Claim-level findings (X02, X03 on HI) point at the claim's segment, not the line.
                // Findings alike but for their position (two damaged segments of one claim) take
                // their positions in order.
                let key = PositionKey(record: Int32(record), rule: finding.rule, message: message)
                positions[key, default: []].append((finding.position, !finding.lineLevel && finding.field != "SV107"))
            }
        }
        sink.sort()
        let starts = input.facts.claimStarts
        // Claim of each record: claims are consecutive runs of records.
        var claimOfRecord = [Int32](repeating: 0, count: batch.count)
        for c in 0..<(starts.count - 1) {
            for r in Int(starts[c])..<min(Int(starts[c + 1]), batch.count) { claimOfRecord[r] = Int32(c) }
        }
        var heldClaims: [Int32] = []
        var flagged: [Int32] = []
        var stored: [StoredFinding] = []
        var metrics = ScrubMetrics()
        metrics.records = batch.count
        metrics.notChecked = sink.notChecked
        for finding in sink.findings {
            metrics.count(finding)
            let claim = claimOfRecord[Int(finding.record)]
            if finding.severity == .error && heldClaims.last != claim { heldClaims.append(claim) }
            if flagged.last != finding.record { flagged.append(finding.record) }
            var s = StoredFinding(
                record: input.recordBase + Int(finding.record), rule: finding.rule, severity: finding.severity,
                field: finding.field, value: finding.value, message: finding.message)
            let key = PositionKey(record: finding.record, rule: finding.rule, message: finding.message)
            if finding.rule >= .X01, let (position, claimLevel) = positions[key]?.first {
                s.position = position
                s.claimLevel = claimLevel
                positions[key]!.removeFirst()
            }
            stored.append(s)
        }
        var held: [Int32] = []
        for c in heldClaims {
            for r in Int(starts[Int(c)])..<min(Int(starts[Int(c) + 1]), batch.count) { held.append(Int32(r)) }
        }
        metrics.accumulate(batch: batch, findings: sink.findings, held: held)
        // `accumulate` counts the records with findings in their groups; a held claim's other lines
        // are held too and count in theirs.
        var f = 0
        for r in held {
            while f < sink.findings.count && sink.findings[f].record < r { f += 1 }
            if f < sink.findings.count && sink.findings[f].record == r { continue }
            metrics.countWithClaim(
                department: batch.unparsed[Int(r)] ? "" : Self.department(batch, Int(r)),
                renderingNPI: batch.renderingNPI[Int(r)],
                payer: batch.payers.isEmpty ? "" : batch.payers[Int(batch.payerIndex[Int(r)])],
                serviceDay: batch.serviceDay[Int(r)], amountCents: batch.amountCents[Int(r)],
                procedure: batch.procedure[Int(r)], holds: true, heldBefore: false, wasFlagged: false, flags: false,
                envelope: [])
            metrics.heldCents += batch.amountCents[Int(r)]
        }
        metrics.held = held.count
        var malformed = ScrubPipeline.unreadableForEncounterRules(sink.findings)
        // A line of no charge, or with a code of another code set (not compared with HCPCS codes,
        // as an 837I line's SV202 of such a set is not), stays out of the encounter edits.
        let notCharges = otherCodeSet.union(input.recordFindings.lazy.filter { $0.1.notACharge }.map(\.0))
            .filter { Int($0) < batch.count }
        if !notCharges.isEmpty { malformed = Array(Set(malformed).union(notCharges)).sorted() }
        let (lines, departments) = ScrubPipeline.encounterLines(batch, held: held, malformed: malformed)
        return ClaimBatchOutcome(
            batch: input.sequence, recordBase: input.recordBase, claimBase: input.claimBase, records: batch.count,
            findings: stored,
            heldClaims: heldClaims, heldRecords: held, flaggedRecords: flagged, metrics: metrics, lines: lines,
            departments: departments, payers: batch.payers, facts: input.facts)
    }

    /// A record's department as the metrics group it: the trimmed field text.
    static func department(_ batch: ChargeBatch, _ r: Int) -> String {
        String(decoding: ChargeParser.trimmed(batch.bytes(.department, r)), as: UTF8.self)
    }

    // MARK: - Diagnoses past twelve

    /// Runs the diagnosis rules over the diagnosis records and adds what they find about the
    /// diagnoses past the twelfth to the lines they stand for (field `dx13`, `dx14`, …).
    ///
    /// Only C04, C05, M01, M02 (each diagnosis) and M04 (pairs with a diagnosis past the twelfth)
    /// are taken: the line's own record already reports its first twelve diagnoses, M03 (the
    /// primary only), C06 and every rule of other fields. Of a validity-only claim diagnosis
    /// (`DiagnosisRecords.Kind`), C04 and C05, named by its HI qualifier. M04 stays one finding per
    /// diagnosis, with the earliest partner, as on a record.
    static func addDiagnosisFindings(
        _ records: DiagnosisRecords, of batch: ChargeBatch, parser: ChargeParser, rules: [any LineRule],
        context: RuleContext, to sink: inout FindingSink
    ) {
        var extra = FindingSink(configuration: context.settings)
        let diagnosisBatch = parser.decode(records.records, sink: &extra)
        for rule in rules where rule.ids.contains(where: { [.C04, .M01, .M04].contains($0) }) {
            rule.check(diagnosisBatch, context, &extra)
        }
        // (line, rule, diagnosis) → finding; M04 keyed without the partner, keeping the earliest.
        var kept: [Int: (partner: Int, finding: Finding)] = [:]
        var order: [Int] = []
        for finding in extra.findings {
            guard [.C04, .C05, .M01, .M02, .M04].contains(finding.rule) else { continue }
            let d = Int(finding.record)
            guard d < records.owners.count, let slot = Self.slot(finding.field) else { continue }
            let diagnosis = Int(records.slots[d * 12 + slot])
            if let kind = DiagnosisRecords.Kind(rawValue: Int16(diagnosis)) {
                // A claim diagnosis outside the lines' list: its validity only.
                guard finding.rule == .C04 || finding.rule == .C05 else { continue }
                let owner = Int(records.owners[d])
                var renamed = finding
                renamed.record = Int32(owner)
                renamed.field = kind.field
                // Negative: apart from the keys of the diagnoses past the twelfth.
                let key = -1 - ((d * 12 + slot) * 64 + finding.rule.ordinal)
                if kept[key] == nil {
                    kept[key] = (-1, renamed)
                    order.append(key)
                }
                continue
            }
            guard diagnosis >= 12 else { continue }
            let owner = Int(records.owners[d])
            var partner = -1
            var message = finding.message
            if finding.rule == .M04, let range = message.range(of: #"with dx\d+ "#, options: .regularExpression),
                let partnerSlot = Self.slot(String(message[range].dropFirst(5).dropLast()))
            {
                partner = Int(records.slots[d * 12 + partnerSlot])
                message.replaceSubrange(range, with: "with dx\(partner + 1) ")
            }
            let key = (owner * 64 + diagnosis) * 64 + finding.rule.ordinal
            var renamed = finding
            renamed.record = Int32(owner)
            renamed.field = "dx\(diagnosis + 1)"
            renamed.message = message
            if let existing = kept[key] {
                if partner >= 0 && partner < existing.partner { kept[key] = (partner, renamed) }
            } else {
                kept[key] = (partner, renamed)
                order.append(key)
            }
        }
        for key in order {
            let f = kept[key]!.finding
            let line = Int(f.record)
            sink.add(
                f.rule, record: line, field: f.field, value: f.value, message: f.message, payer: batch.payerName(line))
        }
    }

    /// The 0-based slot of a `dx1`…`dx12` field name.
    private static func slot(_ field: String) -> Int? {
        guard field.hasPrefix("dx"), let n = Int(field.dropFirst(2)), n >= 1 && n <= 12 else { return nil }
        return n - 1
    }

    // MARK: - Late findings

    /// Holds the claims of the envelope findings and the shard stage's findings, and counts them.
    private func applyLate(_ encounter: EncounterFindings, envelope: [ClaimFileFinding], state: ClaimRunState) throws {
        // Run by run: a line's findings come together and in order, which is all this needs.
        try encounter.forEach { finding in
            let record = Int(finding.ordinal)
            // `heldRecords` holds every line of a claim held in pass 1, with an error or not.
            let wasFlagged = state.flaggedRecords.contains(record)
            let wasHeld = state.heldRecords.contains(record)
            state.flaggedRecords.insert(record)
            if finding.severity == .error {
                state.heldRecords.insert(record)
                state.heldClaims.insert(state.claim(ofRecord: record))
            }
            state.metrics.addLateFinding(
                rule: finding.rule, severity: finding.severity,
                department: state.departmentNames[Int(finding.department)],
                renderingNPI: UInt64(finding.rendering), payer: state.payerNames[Int(finding.payer)],
                procedure: EncounterLine.reportedCode(finding.code), amountCents: finding.amountCents,
                serviceDay: finding.day,
                wasHeld: wasHeld, wasFlagged: wasFlagged)
        }
        // The claims each rule's envelope findings cover, for its tally's lines and charges: ranges
        // (a missing IEA covers every claim of its interchange; a set of them was millions of ints).
        var claimsByRule: [RuleID: [Range<Int>]] = [:]
        for finding in envelope {
            guard let severity = options.settings.severity(of: finding.rule, payer: nil) else { continue }
            // A finding outside any claim still fails the gate: the file is not a valid 837.
            let count = max(1, finding.claims.count)
            state.metrics.findingsByRule[finding.rule.ordinal] += count
            if severity == .error {
                state.metrics.errors += count
                state.metrics.rules[finding.rule.ordinal].errors += count
                for c in finding.claims { state.heldClaims.insert(c) }
            } else {
                state.metrics.warnings += count
            }
            let covered = finding.claims.clamped(to: 0..<state.claimCents.count)
            if !covered.isEmpty {
                claimsByRule[finding.rule, default: []].append(covered)
            } else {
                // Outside any claim (an HL02 naming another parent, a segment between
                // interchanges): in the groups of no department, provider, payer or week, so
                // that each group table adds up to the totals.
                state.metrics.countOutsideLines(error: severity == .error)
            }
        }
        if !claimsByRule.isEmpty {
            // A line the rule already counted (an X01 of its own claim, from pass 1) counts once.
            var counted: [RuleID: Set<Int>] = [:]
            var findings = state.findings.reader()
            for i in 0..<findings.count {
                let rule = try findings.rule(i)
                if claimsByRule[rule] != nil { counted[rule, default: []].insert(try findings.record(i)) }
            }
            // Charges by claim (the lines' own amounts are not kept here): a claim with a line
            // already counted has its charges counted by pass 1 for those lines, and adds none.
            for (rule, ranges) in claimsByRule {
                // Overlapping ranges (an SE01 and a GE01 over the same claims) count a claim once.
                var merged: [Range<Int>] = []
                for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                    if let last = merged.last, range.lowerBound <= last.upperBound {
                        merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
                    } else {
                        merged.append(range)
                    }
                }
                for c in merged.joined() {
                    let records = state.claimFirstRecord[c]..<state.claimFirstRecord[c + 1]
                    let uncounted = records.filter { counted[rule]?.contains($0) != true }.count
                    state.metrics.rules[rule.ordinal].lines += uncounted
                    if uncounted == records.count {
                        state.metrics.rules[rule.ordinal].chargesCents.addSaturating(state.claimCents[c])
                    }
                }
            }
        }
        // The claim is the unit: every line of a held claim is held, whatever rule held it.
        var heldLines = 0
        var heldCents: Int64 = 0
        for c in 0..<state.claimCents.count where state.heldClaims.contains(c) {
            heldLines += state.claimFirstRecord[c + 1] - state.claimFirstRecord[c]
            heldCents.addSaturating(state.claimCents[c])
        }
        state.metrics.held = heldLines
        state.metrics.heldCents = heldCents
    }

    // MARK: - Pass 2 (see ClaimFilePipeline+PassTwo.swift)
}
