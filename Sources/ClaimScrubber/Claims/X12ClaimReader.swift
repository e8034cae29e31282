/// A structural problem of a claim file (X01), or a claim-level X02/X03, that holds every claim of a
/// range: a transaction, a group, an interchange, or one claim.
/// An interchange a reader read whole (its ISA and what closed it), or an HL7 message: who sent
/// it (to whom) under which control number, for the run's check that no control number repeats.
struct InterchangeControl: Sendable {
    /// ISA05–ISA08 (sender and receiver with their qualifiers) and ISA13, trimmed.
    var key: [UInt8]
    /// ISA13 as written, trimmed.
    var number: String
    /// The interchange's claims and its ISA's position (unit-relative until the pipeline adds its base).
    var claims: Range<Int>
    var position: Int
    /// An HL7 message's MSH-10 (its claims are the message), not an X12 interchange's ISA13.
    var isMessage = false
}

struct ClaimFileFinding: Sendable {
    /// Claim ordinals (run-wide once the pipeline adds its base) the finding holds.
    var claims: Range<Int>
    var rule: RuleID
    /// Segment position (1-based, in the file) the finding points at.
    var position: Int
    var field: String
    var value: String = ""
    var message: String
    /// The line is no charge (an HL7 payment or adjustment): it stays out of the encounter edits.
    var notACharge = false
    /// The line's procedure code is of a code set other than HCPCS and CPT (SV101-1 ER, IV or
    /// WK): the procedure code rules' findings on it are dropped, this finding (C06) says why.
    var procedureOfOtherCodeSet = false
    /// The last day of a line's date range (DTP*472 RD8): a D01 when the range ends after the
    /// run's as-of date while it starts on or before it (`ClaimFilePipeline.process` decides).
    var rangeEnd: Int32?
    /// An X finding about one service line's own element (SV102, SV101-1): findings.csv names the
    /// line (REF*6R or CLM01:LX01), not the claim.
    var lineLevel = false

    /// The D01 of a line whose date range ends on `end` (kept when that is after the as-of date).
    static func rangeEnd(
        _ end: Int32, claim: Int, position: Int, of range: String = "the line's date range"
    ) -> ClaimFileFinding {
        var finding = ClaimFileFinding(
            claims: claim..<claim + 1, rule: .D01, position: position, field: "service_date",
            value: DayNumber.format(end), message: "\(range) ends \(DayNumber.format(end))")
        finding.rangeEnd = end
        return finding
    }
}

/// Turns the segments of an 837P/837I file into claims, one at a time, checking the envelope on
/// the way (X01) and, per claim, the total (X02) and the diagnosis pointers and qualifiers (X03).
///
/// In `scan` mode each service line becomes a canonical CSV record (pass 1); in `copy` mode the
/// claim's own segments and the loops above it are kept as bytes for the outputs (pass 2). Both
/// modes see the same segments in the same order, so claim and line numbers agree between passes.
final class X12ClaimReader {
    enum Mode { case scan, copy }

    /// A loop above the claims (transaction header, 2000A, 2000B, 2000C) kept for the outputs.
    struct Section {
        /// Changes whenever a new loop starts: outputs re-emit a loop when it changes.
        var serial = 0
        /// The loop's segments after its HL (the HL is rebuilt), with terminators.
        var bytes = SegmentBytes()
        var segments = 0
        /// A segment without an X12 segment id in the loop: what it held (a birth date, an NPI)
        /// was not read, for every claim under the loop.
        var hasDamagedSegment = false
        mutating func reset(serial: Int) {
            self.serial = serial
            bytes.removeAll()
            segments = 0
            hasDamagedSegment = false
        }
    }

    let reader: X12SegmentReader
    let mode: Mode
    let file: String
    @exclusivity(unchecked) private var serials = 0

    // MARK: Envelope state
    @exclusivity(unchecked) private(set) var interchange = Section()
    @exclusivity(unchecked) private(set) var isa: [UInt8] = []
    @exclusivity(unchecked) private(set) var isaDelimiters = X12Delimiters()
    private var isa13: [UInt8] = []
    /// The open interchange's `InterchangeControl.key` and ISA position.
    private var interchangeKey: [UInt8] = []
    private var interchangePosition = 0
    /// Every interchange closed so far with its ISA (one a GS opened has no control number).
    @exclusivity(unchecked) var interchanges: [InterchangeControl] = []
    @exclusivity(unchecked) private var interchangeOpen = false
    @exclusivity(unchecked) private var interchangeFirstClaim = 0
    @exclusivity(unchecked) private var groupsInInterchange = 0
    @exclusivity(unchecked) private(set) var group = Section()
    @exclusivity(unchecked) private(set) var gs: [UInt8] = []
    private var gs06: [UInt8] = []
    @exclusivity(unchecked) private var groupOpen = false
    @exclusivity(unchecked) private var groupFirstClaim = 0
    @exclusivity(unchecked) private var transactionsInGroup = 0
    @exclusivity(unchecked) private var groupIsInstitutional = false
    /// Where a group without a usable GS began, and what X01 says of it, while one is open.
    @exclusivity(unchecked) private var groupImplied: (position: Int, message: String)?
    /// Where an interchange without its ISA began (a GS after an IEA: an ISA lost in a copy, or
    /// hidden behind a byte order mark where two files were joined), while one is open. Its claims
    /// are held by the X01 it gives when it ends; before, that X01 named no claim and they passed,
    /// written under the previous interchange's ISA.
    @exclusivity(unchecked) private var interchangeImplied: Int?
    /// ST and everything up to the first HL (BHT, submitter, receiver).
    @exclusivity(unchecked) private(set) var transactionHeader = Section()
    private(set) var st02: [UInt8] = []
    @exclusivity(unchecked) private var transactionOpen = false
    @exclusivity(unchecked) private var transactionFirstClaim = 0
    @exclusivity(unchecked) private var transactionSegments = 0
    @exclusivity(unchecked) private var transactionInstitutional = false
    /// Principal diagnoses (ABK, BK) of the open claim's HI segments: one is allowed.
    @exclusivity(unchecked) private var principalDiagnoses = 0
    /// Where the open transaction set's ST names a version other than a 5010 837, and what X01 says.
    @exclusivity(unchecked) private var transactionVersionProblem: (position: Int, message: String, field: String)?
    /// The open interchange's ISA when its elements are not the fixed widths the standard gives.
    @exclusivity(unchecked) private var interchangeWidthProblem: (position: Int, message: String)?
    /// Where a transaction set without a usable ST began, and what X01 says of it, while one is open.
    @exclusivity(unchecked) private var transactionImplied: (position: Int, message: String)?
    @exclusivity(unchecked) private(set) var billing = Section()
    @exclusivity(unchecked) private(set) var subscriber = Section()
    @exclusivity(unchecked) private(set) var patient = Section()
    @exclusivity(unchecked) private(set) var hasPatientLoop = false
    /// HL01 of the open billing provider (20) and subscriber (22) loops, which the HL02 of the
    /// loops below them must name.
    @exclusivity(unchecked) private var billingHL: [UInt8] = []
    @exclusivity(unchecked) private var subscriberHL: [UInt8] = []
    private enum Place { case outside, transactionHeader, billing, subscriber, patient, claim }
    @exclusivity(unchecked) private var place = Place.outside

    // MARK: Header facts
    // Fields kept past their segments are `FieldBytes` (see there for why not arrays).
    @exclusivity(unchecked) private var billingNPI = FieldBytes()
    @exclusivity(unchecked) private var memberId = FieldBytes()
    @exclusivity(unchecked) private var subscriberLastName = FieldBytes()
    @exclusivity(unchecked) private var subscriberFirstName = FieldBytes()
    @exclusivity(unchecked) private var subscriberDob = FieldBytes()
    @exclusivity(unchecked) private var subscriberSex = FieldBytes()
    @exclusivity(unchecked) private var patientLastName = FieldBytes()
    @exclusivity(unchecked) private var patientFirstName = FieldBytes()
    @exclusivity(unchecked) private var patientDob = FieldBytes()
    @exclusivity(unchecked) private var patientSex = FieldBytes()
    @exclusivity(unchecked) private var payerId = FieldBytes()
    /// The subscriber loop (2000B) has its SBR, and its payer (2010BB NM1*PR): both required.
    @exclusivity(unchecked) private var subscriberHasSBR = false
    @exclusivity(unchecked) private var subscriberHasPayer = false
    @exclusivity(unchecked) private var patientKey = FieldBytes()

    // MARK: The claim
    /// Ordinal of the current (last completed) claim within this reader; the next claim's before it starts.
    @exclusivity(unchecked) private(set) var claimOrdinal = -1
    @exclusivity(unchecked) private(set) var claimOpen = false
    /// In copy mode, also write the service lines of the next claim as records (pass 2 recounts
    /// the lines of a claim held late); always true in scan mode.
    @exclusivity(unchecked) var scanNextClaim = false
    @exclusivity(unchecked) private var claimScanned = false
    /// In copy mode, note where the next claim's lines start and what they are called (pass 2
    /// sets it false for a claim without findings to place: no line needs a position or an id).
    @exclusivity(unchecked) var keepsLineIds = true
    @exclusivity(unchecked) private var claimKeepsLineIds = true
    /// The claim's own segments with terminators (copy mode).
    @exclusivity(unchecked) private(set) var claimBytes = SegmentBytes()
    @exclusivity(unchecked) private(set) var claimSegments = 0
    @exclusivity(unchecked) private(set) var clm01 = FieldBytes()
    @exclusivity(unchecked) private(set) var clmPosition = 0
    /// The open claim starts with its CLM (false: service lines that came without one).
    @exclusivity(unchecked) private var claimHasCLM = true
    private var clm02: Int64?
    @exclusivity(unchecked) private var clm02Text = FieldBytes()
    @exclusivity(unchecked) private var facilityOrPOS = FieldBytes()
    /// CLM05-1 and CLM05-3 run together: an 837I's type of bill (`131`), set once a claim.
    @exclusivity(unchecked) private var billType: [UInt8] = []
    @exclusivity(unchecked) private var claimRendering = FieldBytes()
    @exclusivity(unchecked) private var claimAttending = FieldBytes()
    /// Past the claim's first SBR: the other-payer loops (2320/2330) of a coordination-of-benefits
    /// claim, whose NM1*82/NM1*71 name the other payer's providers, not this claim's.
    private var inOtherPayerLoops = false
    /// CLM05-3 is 8: the claim voids an earlier one, so its lines are credits (DOMAIN.md, "Credits
    /// and reversals"): they cancel the charges they repeat for E01/E02 and subtract in MUE sums.
    private var claimIsVoid = false
    /// Whether CLM05-3 is 7 (replacement) or 8 (void), and whether a claim-level REF*F8 (the
    /// payer's claim control number of the claim replaced or voided) was read: payers reject the
    /// first without the second.
    private var claimReplacesAnother = false
    private var claimHasOriginalReference = false
    @exclusivity(unchecked) private var claimServiceDate = FieldBytes()
    @exclusivity(unchecked) private var statementDate = FieldBytes()
    /// The end of the claim's DTP*472 or DTP*434 RD8 range, where it is after the start, and
    /// the DTP's position: the D01 of a line dated by the claim's range (`closeLine`).
    @exclusivity(unchecked) private var claimDateEnd: (day: Int32, position: Int)?
    @exclusivity(unchecked) private var statementEnd: (day: Int32, position: Int)?
    /// Diagnosis slots in HI order (codes without dots).
    @exclusivity(unchecked) private var diagnoses = FieldList()
    /// The open claim's diagnoses outside the lines' list (837I ABJ, APR, ABN), for their validity.
    @exclusivity(unchecked) private var claimOnlyDiagnoses: [(kind: Int16, code: [UInt8])] = []
    @exclusivity(unchecked) private var lineChargeSum: Int64 = 0
    @exclusivity(unchecked) private var lineChargesValid = true
    /// Per service line of the claim: the LX position.
    @exclusivity(unchecked) private(set) var linePositions: [Int] = []
    /// The open claim's LX01 values so far: one repeated makes two lines one id (`CLM01:1`).
    private var lineNumbers: Set<[UInt8]> = []
    /// The open claim's REF*6R line control numbers so far, for the same reason.
    private var lineReferences: Set<[UInt8]> = []
    /// The line ids (REF*6R or CLM01:LX01) of the claim's lines end to end (copy mode), and where
    /// each ends: one buffer for every claim instead of an array per line.
    @exclusivity(unchecked) private var lineIdBytes: [UInt8] = []
    @exclusivity(unchecked) private var lineIdEnds: [Int] = []
    /// Charge of each line in cents (0 when malformed), for the held dollars.
    @exclusivity(unchecked) private(set) var claimChargeCents: Int64 = 0
    /// Claim-level findings of the claim just completed (X02, X03 qualifiers; X01 no lines).
    @exclusivity(unchecked) private(set) var claimFindings: [ClaimFileFinding] = []
    /// Line-level X03 findings: (line index in the claim, finding).
    @exclusivity(unchecked) private(set) var lineFindings: [(line: Int, finding: ClaimFileFinding)] = []

    // MARK: The service line
    @exclusivity(unchecked) private var lineOpen = false
    /// The open line has had its SV1 or SV2 (a second one is X01, not a replacement).
    @exclusivity(unchecked) private var lineHasService = false
    @exclusivity(unchecked) private var lxPosition = 0
    @exclusivity(unchecked) private var lx01 = FieldBytes()
    @exclusivity(unchecked) private var isInstitutionalLine = false
    @exclusivity(unchecked) private var pointers: [Int] = []
    @exclusivity(unchecked) private var lineRef = FieldBytes()
    // The line's own fields (SV1/SV2, its DTP*472, NM1*82, LIN) go straight into the open record
    // (`records.set`) as their segments come, and `closeLine` reads the charge back from there.
    // Keeping them in arrays of their own, copied into the record when the line ended, cost two
    // copies and an array's reference counting and uniqueness checks per field and line.

    /// Scratch of `closeLine`, kept to allocate nothing per line.
    @exclusivity(unchecked) private var dx: [Int] = []

    /// Canonical CSV records of the service lines completed so far (scan mode).
    ///
    /// A constant: a `var` holding a class was retained and released around each of the dozen
    /// writes per line.
    let records = CanonicalRecords()
    /// Envelope findings (X01 over ranges of claims), in the order found.
    @exclusivity(unchecked) var envelopeFindings: [ClaimFileFinding] = []

    @exclusivity(unchecked) private var pendingSegment = false
    @exclusivity(unchecked) private var finished = false

    /// True when the bytes read are a chunk that the next interchange's ISA follows: at their end
    /// the reader reports what that ISA would (open trailers closed "by a new ISA", at its position),
    /// so a file read in chunks gives the findings of a file read whole.
    let continuesWithISA: Bool
    /// Added to the current position for the findings of the chunk's end (the following ISA's).
    @exclusivity(unchecked) private var positionShift = 0

    /// - Parameter serialBase: where loop serials start, so that loops of different files differ.
    init(source: InputSource, mode: Mode, bufferSize: Int = 1 << 20, serialBase: Int = 0) {
        reader = X12SegmentReader(source: source, bufferSize: bufferSize)
        self.mode = mode
        file = source.name
        serials = serialBase
        continuesWithISA = false
    }

    /// Reads the bytes `read` gives (a chunk of whole interchanges, or the rest of a file);
    /// positions and claim ordinals count from the first of them.
    init(
        read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, name: String, continuesWithISA: Bool,
        mode: Mode = .scan
    ) {
        reader = X12SegmentReader(read: read)
        self.mode = mode
        file = name
        self.continuesWithISA = continuesWithISA
    }

    /// Reads a chunk of whole interchanges held in memory, in place.
    init(bytes: Chunk, name: String, continuesWithISA: Bool, mode: Mode = .scan) {
        reader = X12SegmentReader(bytes: bytes)
        self.mode = mode
        file = name
        self.continuesWithISA = continuesWithISA
    }

    /// Segments read so far.
    var segmentCount: Int { reader.position }

    /// The longest segment read (see `X12SegmentReader.maxSegmentBytes`).
    var maxSegmentBytes: Int {
        get { reader.maxSegmentBytes }
        set { reader.maxSegmentBytes = newValue }
    }

    /// The id of line `index` of the claim (copy mode).
    func lineId(_ index: Int) -> [UInt8] {
        Array(lineIdBytes[(index == 0 ? 0 : lineIdEnds[index - 1])..<lineIdEnds[index]])
    }

    // MARK: - Reading

    /// Reads up to the end of the next claim; false at end of input (trailers checked).
    func nextClaim() throws -> Bool {
        if finished { return false }
        while true {
            if pendingSegment {
                pendingSegment = false
            } else {
                if claimOpen && !claimKeepsLineIds { skipCopiedSegments() }
                let more: Bool
                do {
                    more = try reader.next()
                } catch var error as ScrubError {
                    error.file = file
                    throw error
                }
                if !more {
                    finished = true
                    let ended = closeClaimIfOpen()
                    finishFile()
                    return ended
                }
            }
            if try handleSegment() { return true }
        }
    }

    /// Passes over the open claim's segments up to the next that ends it or needs a look (see
    /// `X12SegmentReader.skipSegments`), when all the claim needs of them is their bytes and
    /// count: a claim pass 2 copies, neither scanned nor with lines to name.
    private func skipCopiedSegments() {
        guard let from = claimBytes.runEnd else { return }
        let (count, bytes) = reader.skipSegments(from: from, trailer: terminator, count: terminatorCount) { id in
            switch id {
            case Self.ISA, Self.GS, Self.ST, Self.SE, Self.GE, Self.IEA, Self.HL, Self.CLM: return true
            default: return false
            }
        }
        guard count > 0 else { return }
        claimSegments += count
        if transactionOpen { transactionSegments += count }
        let extended = claimBytes.extend(with: bytes)
        assert(extended, "skipped segments follow the claim's run")
    }

    private func nextSerial() -> Int {
        serials += 1
        return serials
    }

    @inline(__always)
    private func copy(_ raw: UnsafeRawBufferPointer, into target: inout [UInt8]) {
        // Most fields keep their length from one claim to the next (dates, codes, NPIs): copy in place.
        if target.count == raw.count {
            if !raw.isEmpty { target.withUnsafeMutableBytes { $0.copyMemory(from: raw) } }
            return
        }
        // Typed bytes: one copy (a raw buffer is appended byte by byte).
        target.replaceSubrange(0..<target.count, with: raw.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always)
    private func copy(_ raw: UnsafeRawBufferPointer, into target: inout FieldBytes) { target.set(raw) }

    @inline(__always)
    private func clear(_ target: inout FieldBytes) { target.removeAll() }

    private func appendSegment(to bytes: inout SegmentBytes) {
        if let raw = reader.segmentInPlace(followedBy: terminator, count: terminatorCount), bytes.extend(with: raw) {
            return
        }
        bytes.copy.append(contentsOf: reader.rawSegment.assumingMemoryBound(to: UInt8.self))
        // Byte by byte from an integer: appending the terminator as an array cost its reference
        // counting and a generic append per segment copied.
        var rest = terminator
        for _ in 0..<terminatorCount {
            bytes.copy.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// The segment terminator and the line break after it (up to two bytes), as the interchange
    /// writes them: `terminatorCount` bytes, the first lowest.
    @exclusivity(unchecked) private var terminator: UInt32 = 0x7E
    @exclusivity(unchecked) private var terminatorCount = 1

    private func envelopeError(_ claims: Range<Int>, _ message: String, position: Int? = nil, field: String) {
        envelopeFindings.append(
            ClaimFileFinding(
                claims: claims, rule: .X01, position: position ?? reader.position + positionShift, field: field,
                message: message))
    }

    /// The claim range from `first` to the last claim started.
    private func claims(from first: Int) -> Range<Int> { first..<max(first, claimOrdinal + 1) }

    /// Handles the current segment; true when it completed a claim (the segment is then handled on
    /// the next call).
    private func handleSegment() throws -> Bool {
        let id = reader.id
        let endsClaim: Bool
        switch id {
        case Self.ISA, Self.GS, Self.ST, Self.SE, Self.GE, Self.IEA, Self.HL, Self.CLM: endsClaim = true
        default: endsClaim = false
        }
        if endsClaim && claimOpen {
            pendingSegment = true
            _ = closeClaimIfOpen()
            return true
        }
        if reader.unterminated {
            // The last segment lacks its terminator: the file was cut. It holds the claim it falls in.
            let first = claimOpen ? claimOrdinal : claimOrdinal + 1
            envelopeError(first..<claimOrdinal + 1, "the file ends inside a segment (truncated)", field: "segment")
        }
        if transactionOpen { transactionSegments += 1 }
        switch id {
        case Self.ISA: startInterchange()
        case Self.IEA: endInterchange()
        case Self.GS: startGroup()
        case Self.GE: endGroup()
        case Self.ST: startTransaction()
        case Self.SE: endTransaction()
        case Self.HL: startLoop()
        case Self.CLM: startClaim()
        default:
            if place == .claim {
                claimSegment(id)
            } else if id == Self.LX || id == Self.SV1 || id == Self.SV2 {
                startClaimWithoutCLM(id)
                claimSegment(id)
            } else {
                headerSegment(id)
            }
        }
        return false
    }

    // MARK: - Envelope

    private func startInterchange() {
        // A group or transaction set never spans interchanges, even one opened outside any (X01).
        closeGroupIfOpen(reason: "a new ISA")
        closeInterchangeIfOpen(missing: "interchange without its IEA trailer")
        interchangeOpen = true
        interchangeFirstClaim = claimOrdinal + 1
        groupsInInterchange = 0
        // Nothing of an earlier interchange reaches a claim of this one (a GS or ST missing, X01):
        // a chunk that starts here is then read as the whole file reads it, in both passes.
        group.reset(serial: 0)
        gs.removeAll(keepingCapacity: true)
        transactionHeader.reset(serial: 0)
        resetLoops()
        isaDelimiters = reader.delimiters
        terminator = UInt32(isaDelimiters.segment)
        terminatorCount = 1
        for byte in isaDelimiters.lineBreak {
            terminator |= UInt32(byte) << (8 * UInt32(terminatorCount))
            terminatorCount += 1
        }
        copy(reader.segment, into: &isa)
        copy(reader.element(13), into: &isa13)
        interchangeKey.removeAll(keepingCapacity: true)
        for k in [5, 6, 7, 8, 13] {
            interchangeKey.append(contentsOf: ChargeParser.trimmed(reader.element(k)))
            interchangeKey.append(0x1F)
        }
        interchangePosition = reader.position + positionShift
        interchangeWidthProblem = isaWidthProblem().map { (reader.position + positionShift, $0) }
        interchange.reset(serial: nextSerial())
        place = .outside
    }

    /// Reports an open interchange as the thing that ends it finds it: without its ISA when it had
    /// none, else with `missing` (its IEA did not come).
    private func closeInterchangeIfOpen(missing: String) {
        guard interchangeOpen else { return }
        if let position = interchangeImplied {
            envelopeError(
                claims(from: interchangeFirstClaim), "GS outside an interchange (no ISA before it)", position: position,
                field: "ISA")
            interchangeImplied = nil
        } else {
            reportInterchangeWidthProblem()
            envelopeError(claims(from: interchangeFirstClaim), missing, field: "IEA")
            noteInterchange()
        }
        interchangeOpen = false
    }

    /// Adds the open interchange (one with its ISA) to `interchanges`.
    private func noteInterchange() {
        interchanges.append(
            InterchangeControl(
                key: interchangeKey, number: text(isa13),
                claims: claims(from: interchangeFirstClaim), position: interchangePosition))
    }

    /// The ISA's elements' fixed widths (ISA01 … ISA16): receivers read the ISA by position, and
    /// one not 106 bytes long is rejected at the interchange (TA1).
    static let isaWidths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1]

    /// What is wrong with the current ISA's widths, or nil.
    private func isaWidthProblem() -> String? {
        for (k, width) in Self.isaWidths.enumerated() where reader.element(k + 1).count != width {
            return
                "ISA\(k < 9 ? "0" : "")\(k + 1) is \(reader.element(k + 1).count) characters, not \(width): the ISA's "
                + "elements have fixed widths (padded with spaces), and the receiver rejects the interchange"
        }
        return nil
    }

    /// X01 over the interchange's claims when its ISA's widths are wrong.
    private func reportInterchangeWidthProblem() {
        guard let problem = interchangeWidthProblem else { return }
        envelopeError(claims(from: interchangeFirstClaim), problem.message, position: problem.position, field: "ISA")
        interchangeWidthProblem = nil
    }

    private func endInterchange() {
        closeGroupIfOpen(reason: "IEA")
        guard interchangeOpen else {
            envelopeError(claimOrdinal + 1..<claimOrdinal + 1, "IEA without an ISA", field: "IEA")
            return
        }
        guard interchangeImplied == nil else {
            // Its IEA has no ISA to compare with; the X01 for the missing ISA holds its claims.
            closeInterchangeIfOpen(missing: "")
            place = .outside
            return
        }
        let range = claims(from: interchangeFirstClaim)
        reportInterchangeWidthProblem()
        if Self.number(reader.element(1)) != groupsInInterchange {
            envelopeError(
                range, "IEA01 says \(text(reader.element(1))) groups, the interchange has \(groupsInInterchange)",
                field: "IEA01")
        }
        if !reader.element(2).elementsEqual(isa13) {
            envelopeError(
                range, "IEA02 control number \(text(reader.element(2))) differs from ISA13 \(text(isa13))",
                field: "IEA02")
        }
        noteInterchange()
        interchangeOpen = false
        place = .outside
    }

    private func startGroup() {
        closeGroupIfOpen(reason: "a new GS")
        if !interchangeOpen {
            interchangeOpen = true
            interchangeImplied = reader.position + positionShift
            interchangeFirstClaim = claimOrdinal + 1
            groupsInInterchange = 0
        }
        groupsInInterchange += 1
        guard !reader.element(6).isEmpty, !endsWithSeparator else {
            // No control number for GE02 to repeat, or a GS a payer rejects (a trailing
            // separator): the outputs get a GS made for its claims, under its GS08.
            let version = Array(reader.element(8))
            let institutional = Self.contains(reader.element(8), "X223")
            openImpliedGroup(
                message: reader.element(6).isEmpty
                    ? "GS without its control number (GS06)"
                    : "GS ends with a separator: \(Self.trailingSeparatorRule)",
                version: institutional ? version : nil, institutional: institutional)
            place = .outside
            return
        }
        groupOpen = true
        groupFirstClaim = claimOrdinal + 1
        transactionsInGroup = 0
        copy(reader.segment, into: &gs)
        copy(reader.element(6), into: &gs06)
        groupIsInstitutional = Self.contains(reader.element(8), "X223")
        group.reset(serial: nextSerial())
        place = .outside
    }

    private func closeGroupIfOpen(reason: String) {
        closeTransactionIfOpen(reason: reason)
        if let implied = groupImplied {
            envelopeError(
                claims(from: groupFirstClaim), implied.message, position: implied.position, field: "GS")
            groupImplied = nil
        } else if groupOpen {
            envelopeError(
                claims(from: groupFirstClaim), "functional group without its GE trailer (\(reason) came first)",
                field: "GE")
        }
        groupOpen = false
    }

    private func endGroup() {
        closeTransactionIfOpen(reason: "GE")
        guard groupOpen, groupImplied == nil else {
            // The claims since a missing GS are held by that; this GE ends their group.
            if groupOpen {
                closeGroupIfOpen(reason: "GE")
            } else {
                envelopeError(claimOrdinal + 1..<claimOrdinal + 1, "GE without a GS", field: "GE")
            }
            place = .outside
            return
        }
        let range = claims(from: groupFirstClaim)
        if Self.number(reader.element(1)) != transactionsInGroup {
            envelopeError(
                range, "GE01 says \(text(reader.element(1))) transaction sets, the group has \(transactionsInGroup)",
                field: "GE01")
        }
        if !reader.element(2).elementsEqual(gs06) {
            envelopeError(
                range, "GE02 control number \(text(reader.element(2))) differs from GS06 \(text(gs06))", field: "GE02")
        }
        groupOpen = false
        place = .outside
    }

    private func startTransaction() {
        closeTransactionIfOpen(reason: "a new ST")
        if !groupOpen {
            // The made-up GS names the guide the ST does (an 837I's under an 837P GS08 was read,
            // and validated by a payer, as an 837P).
            let version = Array(reader.element(3))
            openImpliedGroup(
                message: "ST outside a functional group (no GS before it)",
                version: version.starts(with: "005010X223".utf8) ? version : nil)
        }
        guard !reader.element(2).isEmpty, !endsWithSeparator else {
            // No control number for SE02 to repeat, or an ST a payer rejects (a trailing
            // separator): the outputs get an ST made for its claims.
            transactionsInGroup += 1
            openImpliedTransaction(
                message: reader.element(2).isEmpty
                    ? "ST without its control number (ST02)" : "ST ends with a separator: \(Self.trailingSeparatorRule)"
            )
            return
        }
        transactionOpen = true
        transactionFirstClaim = claimOrdinal + 1
        transactionSegments = 1
        transactionsInGroup += 1
        copy(reader.element(2), into: &st02)
        transactionInstitutional = groupIsInstitutional || Self.contains(reader.element(3), "X223")
        // ST03 names the guide (5010: required); without it, the group's GS08. A 4010 file
        // (004010X098A1) or another transaction's passed as a 5010 837 read by this one's rules.
        let groupVersion = X12ClaimWriter.element(8, of: gs, separator: isaDelimiters.element)
        let version =
            reader.element(3).isEmpty
            ? groupVersion[...] : ArraySlice(reader.element(3).assumingMemoryBound(to: UInt8.self))
        let functionalId = X12ClaimWriter.element(1, of: gs, separator: isaDelimiters.element)
        if !Self.equals(reader.element(1), "837") {
            transactionVersionProblem = (
                reader.position + positionShift,
                "ST01 '\(text(Array(reader.element(1).prefix(6))))' is not 837 (a health care claim): its segments "
                    + "are not read as a claim's", "ST01"
            )
        } else if !gs.isEmpty && functionalId != Array("HC".utf8) {
            transactionVersionProblem = (
                reader.position + positionShift,
                "its group's GS01 '\(text(Array(functionalId.prefix(6))))' is not HC (health care claim): the "
                    + "receiver rejects the group", "GS01"
            )
        } else if !gs.isEmpty && !reader.element(3).isEmpty && !groupVersion.isEmpty
            && !reader.element(3).elementsEqual(groupVersion)
        {
            transactionVersionProblem = (
                reader.position + positionShift,
                "ST03 '\(text(Array(reader.element(3).prefix(20))))' is not its group's GS08 "
                    + "'\(text(Array(groupVersion.prefix(20))))': one of the two names the wrong guide", "ST03"
            )
        } else if !version.starts(with: "005010X222".utf8) && !version.starts(with: "005010X223".utf8) {
            let shown = String(decoding: version.prefix(20), as: UTF8.self)
            transactionVersionProblem = (
                reader.position + positionShift,
                "version '\(shown)' is not an 837 of 5010 (005010X222A1 professional, 005010X223A2 institutional): "
                    + "its claims are not read as this version", "ST03"
            )
        } else {
            transactionVersionProblem = nil
        }
        transactionHeader.reset(serial: nextSerial())
        if mode == .copy { appendSegment(to: &transactionHeader.bytes) }
        transactionHeader.segments = 1
        resetLoops()
        place = .transactionHeader
    }

    /// Forgets the loops above the claim and their facts.
    ///
    /// Facts of an earlier transaction set never reach a claim of this one (a CLM before any HL,
    /// already X01): a file read in chunks then gives the records of a file read whole.
    private func resetLoops() {
        billingHL.removeAll()
        subscriberHL.removeAll()
        billing.reset(serial: 0)
        subscriber.reset(serial: 0)
        patient.reset(serial: 0)
        hasPatientLoop = false
        billingNPI.removeAll()
        memberId.removeAll()
        subscriberLastName.removeAll()
        subscriberFirstName.removeAll()
        patientLastName.removeAll()
        patientFirstName.removeAll()
        subscriberDob.removeAll()
        subscriberSex.removeAll()
        patientDob.removeAll()
        patientSex.removeAll()
        payerId.removeAll()
        patientKey.removeAll()
    }

    /// X01 over the transaction set's claims when its version is not a 5010 837.
    private func reportVersionProblem() {
        guard let problem = transactionVersionProblem else { return }
        envelopeError(
            claims(from: transactionFirstClaim), problem.message, position: problem.position, field: problem.field)
        transactionVersionProblem = nil
    }

    private func closeTransactionIfOpen(reason: String) {
        reportVersionProblem()
        if let implied = transactionImplied {
            envelopeError(
                claims(from: transactionFirstClaim), implied.message, position: implied.position, field: "ST")
            transactionImplied = nil
        } else if transactionOpen {
            envelopeError(
                claims(from: transactionFirstClaim), "transaction set without its SE trailer (\(reason) came first)",
                field: "SE")
        }
        transactionOpen = false
    }

    // MARK: - Claims without their GS or ST

    /// Opens a functional group for segments that came without a usable GS (none, or one without
    /// its control number): the outputs need one around the claims (a GS made from the ISA), and
    /// when it ends, X01 (`message`) holds every claim in it. Against IEA01 it counts only when the
    /// file has that GS.
    /// `version`: the GS08 to write (an 837I's guide; nil for the 837P's); `institutional`: whether
    /// the group's transaction sets are 837I when their ST03 does not say (a GS08 read, not an
    /// ST's: each ST of a group made for STs without a GS says for itself).
    private func openImpliedGroup(message: String, version: [UInt8]? = nil, institutional: Bool = false) {
        groupOpen = true
        groupImplied = (reader.position + positionShift, message)
        groupFirstClaim = claimOrdinal + 1
        transactionsInGroup = 0
        let separator = isaDelimiters.element
        let header = isa
        func field(_ k: Int) -> [UInt8] {
            X12ClaimWriter.element(k, of: header, separator: separator).filter { $0 != 0x20 }
        }
        let date = field(9)
        let gsElements: [[UInt8]] = [
            Array("GS".utf8), Array("HC".utf8), field(6), field(8), (date.count == 6 ? Array("20".utf8) : []) + date,
            field(10),
            Array("0".utf8), Array("X".utf8), version ?? Array(Self.professionalVersion.utf8),
        ]
        gs = Array(gsElements.joined(separator: [separator]))
        gs06 = Array("0".utf8)
        groupIsInstitutional = institutional
        group.reset(serial: nextSerial())
    }

    /// Opens a transaction set for segments that came without their ST (from `id` on), in an
    /// implied group when no group is open: the outputs write an ST for it (control number 0000,
    /// the group's version), and when it ends X01 holds every claim in it. Against GE01 it counts
    /// only when the file has that ST (one without its control number).
    private func openImpliedTransaction(before id: String) {
        if !groupOpen { openImpliedGroup(message: "\(id) outside a functional group (no GS before it)") }
        openImpliedTransaction(message: "\(id) outside a transaction set (no ST before it)")
    }

    /// The same for an ST without its control number, inside the open group.
    private func openImpliedTransaction(message: String) {
        transactionOpen = true
        transactionImplied = (reader.position + positionShift, message)
        transactionFirstClaim = claimOrdinal + 1
        transactionSegments = 0
        st02 = Array("0000".utf8)
        transactionInstitutional = groupIsInstitutional
        transactionHeader.reset(serial: nextSerial())
        if mode == .copy {
            let separator = isaDelimiters.element
            var version = X12ClaimWriter.element(8, of: gs, separator: separator)
            if version.isEmpty { version = Array(Self.professionalVersion.utf8) }
            let st = [Array("ST".utf8), Array("837".utf8), st02, version].joined(separator: [separator])
            transactionHeader.bytes.copy.append(contentsOf: st)
            transactionHeader.bytes.copy.append(isaDelimiters.segment)
            transactionHeader.bytes.copy.append(contentsOf: isaDelimiters.lineBreak)
        }
        transactionHeader.segments = 1
        resetLoops()
        place = .transactionHeader
    }

    /// The version of an 837P (GS08, ST03), for a group or transaction set made up for claims
    /// that came without theirs.
    static let professionalVersion = "005010X222A1"

    /// The current segment's id for a message, "a segment" unless it is one an 837 carries: its
    /// first element whole, two or three characters, an uppercase letter then uppercase letters
    /// or digits, and in `segmentIds837`. Keeping the first letters and digits of whatever came
    /// was rejected: a segment cut inside a name quoted the patient's surname ("DOE").
    private var segmentName: String {
        guard hasSegmentIdShape else { return "a segment" }
        let text = String(decoding: reader.element(0), as: UTF8.self)
        return Self.segmentIds837.contains(text) ? text : "a segment"
    }

    /// Whether the current segment ends with its element or component separator (`SV1*…*1*~`,
    /// `HI*ABK:I10:~`): X12 syntax leaves out an empty element's separator at a segment's end, and
    /// a payer's 999 rejects the whole transaction set for it, the clean claims in it too.
    private var endsWithSeparator: Bool {
        guard let last = reader.segment.last else { return false }
        return last == isaDelimiters.element || last == isaDelimiters.component
            || (last == isaDelimiters.repetition && isaRepeats)
    }

    /// Whether the interchange has a repetition separator (ISA11 is `U`, the 4010 standards
    /// identifier, in files that have none).
    private var isaRepeats: Bool { !X12SegmentReader.isAlphanumeric(isaDelimiters.repetition) }

    /// Why a trailing separator matters, for the messages that name one.
    static let trailingSeparatorRule =
        "X12 syntax does not allow an empty element or component after a segment's last, and a payer's "
        + "acknowledgment rejects the transaction set"

    /// X01 on the open claim for an element the 5010 guides require or bound, missing or past its
    /// bound (SV103, SV204, CLM05-3, CLM01's 38 characters, HI's 12 codes, one principal
    /// diagnosis): a payer's 999 rejects the transaction set, the clean claims in it too. The
    /// message gives no element's text, only its name and length (CLM01 is the patient's account).
    private func requiredElementFinding(_ field: String, _ problem: String) {
        claimX01(
            field,
            "\(problem): the 5010 implementation guide requires it, and a payer's acknowledgment rejects the "
                + "transaction set")
    }

    /// X01 on the open claim when element `index` of the segment is not empty and not an X12
    /// decimal (type R: digits with an optional leading minus and one optional decimal point).
    /// The CSV reading of amounts takes `$1,234.50`, `(54.00)` or `54.00-`; in an 837 they are
    /// syntax errors a payer's acknowledgment rejects, and such a claim passed clean.
    private func decimalFinding(_ field: String, element index: Int) {
        let value = reader.element(index)
        guard !value.isEmpty else { return }
        if Self.isX12Decimal(value) {
            // The guide's R type allows a sign, yet a service line's charge or units below zero
            // report no business situation (X12 RFI 2499): a correction is a replacement or void
            // claim (CLM05-3 7 or 8), and receivers reject the claim. Read as a credit, such a line
            // had cancelled an earlier duplicate and passed clean.
            if value.first == 0x2D && value.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) {
                lineOrClaimX01(
                    field,
                    "\(field) is negative: a service line's charge and units are zero or more; a correction is a "
                        + "replacement or void claim (CLM05-3 7 or 8), not negative amounts")
            }
            return
        }
        lineOrClaimX01(
            field,
            "\(field) is not an X12 decimal number (digits, an optional leading minus and decimal point; no $, "
                + "comma, space or trailing sign): a payer's acknowledgment rejects the transaction set")
    }

    /// X01 on the open claim when the first component of element `index`'s composite (SV101-1,
    /// SV202-1: the product or service id qualifier) is not one of the codes the 5010 guide lists
    /// (HC, ER, IV, WK; HP too in SV202): a missing or mistyped `HC` (`HCPCS:99213`, `99213`)
    /// passed clean, and a payer's acknowledgment rejects it. Compared as static strings: every
    /// service line takes this test.
    private func qualifierFinding(element index: Int) {
        let qualifier = reader.component(index, 1)
        if Self.equals(qualifier, "HC") || Self.otherCodeSet(qualifier) != nil
            || (index == 2 && Self.equals(qualifier, "HP"))
        {
            return
        }
        let field = index == 1 ? "SV101" : "SV202"
        let separator = reader.delimiters.component
        // No component separator: the element is the code alone, with no qualifier before it.
        let written = reader.element(index).contains(separator) && !qualifier.isEmpty
        lineOrClaimX01(
            field,
            "\(field)-1, the product or service id qualifier, is "
                + (written ? "'\(text(UnsafeRawBufferPointer(rebasing: qualifier.prefix(4))))'" : "missing")
                + ", not one the guide allows (HC, ER, IV, WK\(index == 2 ? ", HP" : "")): a payer's acknowledgment "
                + "rejects the transaction set")
    }

    /// The code set a product or service id qualifier names when it is none the rules check
    /// (ER, IV, WK: jurisdiction-specific, home infusion and ABC codes), nil otherwise (HC, HP, any
    /// other).
    static func otherCodeSet(_ qualifier: UnsafeRawBufferPointer) -> String? {
        if Self.equals(qualifier, "WK") { return "ABC codes (WK)" }
        if Self.equals(qualifier, "IV") { return "home infusion codes (IV)" }
        if Self.equals(qualifier, "ER") { return "jurisdiction-specific codes (ER)" }
        return nil
    }

    /// Whether `bytes` has the X12 R form: `-`? digits with at most one `.`, at least one digit.
    static func isX12Decimal(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if i < bytes.count && bytes[i] == 0x2D { i += 1 }
        var digits = 0
        var points = 0
        while i < bytes.count {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
            } else if c == 0x2E && points == 0 {
                points = 1
            } else {
                return false
            }
            i += 1
        }
        return digits > 0
    }

    /// X01 on the open claim for a segment of it that ends with a separator (`endsWithSeparator`).
    private func trailingSeparatorFinding() {
        claimX01(
            segmentName,
            "\(segmentName) ends with a separator (an empty element or component after its last): X12 syntax "
                + "does not allow it, and a payer's acknowledgment rejects the transaction set")
    }

    /// X01 on the open service line at the current segment (its line id in findings.csv, where
    /// the claim's said which line no more), or on the claim outside a line (CLM02).
    private func lineOrClaimX01(_ field: String, _ message: String) {
        guard lineOpen else { return claimX01(field, message) }
        var finding = ClaimFileFinding(
            claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: reader.position, field: field,
            message: message)
        finding.lineLevel = true
        lineFindings.append((linePositions.count, finding))
    }

    /// X01 on the open claim at the current segment.
    private func claimX01(_ field: String, _ message: String) {
        claimFindings.append(
            ClaimFileFinding(
                claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: reader.position, field: field,
                message: message))
    }

    /// Whether the current segment's first element has the shape of an X12 segment id: two or
    /// three characters, an uppercase letter, then uppercase letters or digits.
    ///
    /// Read off the segment's first bytes: every segment takes this test, and splitting it into
    /// elements for it cost more than the rest of reading a header segment.
    private var hasSegmentIdShape: Bool {
        let segment = reader.segment
        let separator = reader.delimiters.element
        var n = 0
        while n < segment.count && segment[n] != separator {
            let c = segment[n]
            let upper = c >= 0x41 && c <= 0x5A
            guard n < 3, upper || (n > 0 && c >= 0x30 && c <= 0x39) else { return false }
            n += 1
        }
        return n >= 2
    }

    /// The segment ids of the 837P and 837I (005010X222A1, 005010X223A2) and their envelope.
    static let segmentIds837: Set<String> = [
        "AMT", "BHT", "CAS", "CL1", "CLM", "CN1", "CR1", "CR2", "CR3", "CR5", "CR6", "CR7", "CRC", "CTP", "CUR", "DMG",
        "DN1", "DN2", "DTP", "FRM", "GE", "GS", "HCP", "HI", "HL", "IEA", "ISA", "K3", "LIN", "LQ", "LX", "MEA", "MIA",
        "MOA", "N2", "N3", "N4", "NM1", "NTE", "OI", "PAT", "PER", "PRV", "PS1", "PWK", "QTY", "REF", "SBR", "SE",
        "ST", "SV1", "SV2", "SV5", "SVD", "TOO",
    ]

    private func endTransaction() {
        guard transactionOpen, transactionImplied == nil else {
            // The claims since a missing ST are held by that; this SE ends their transaction set.
            if transactionOpen {
                closeTransactionIfOpen(reason: "SE")
            } else {
                envelopeError(claimOrdinal + 1..<claimOrdinal + 1, "SE without an ST", field: "SE")
            }
            place = .outside
            return
        }
        reportVersionProblem()
        let range = claims(from: transactionFirstClaim)
        if Self.number(reader.element(1)) != transactionSegments {
            envelopeError(
                range, "SE01 says \(text(reader.element(1))) segments, the transaction set has \(transactionSegments)",
                field: "SE01")
        }
        if !reader.element(2).elementsEqual(st02) {
            envelopeError(
                range, "SE02 control number \(text(reader.element(2))) differs from ST02 \(text(st02))", field: "SE02")
        }
        transactionOpen = false
        place = .outside
    }

    private func finishFile() {
        if continuesWithISA {
            // What `startInterchange` reports for the ISA that starts the next chunk.
            positionShift = 1
            defer { positionShift = 0 }
            closeGroupIfOpen(reason: "a new ISA")
            closeInterchangeIfOpen(missing: "interchange without its IEA trailer")
            return
        }
        closeGroupIfOpen(reason: "the end of the file")
        closeInterchangeIfOpen(missing: "interchange without its IEA trailer (the file ends first)")
    }

    // MARK: - Loops above the claim

    private func startLoop() {
        if !transactionOpen { openImpliedTransaction(before: "HL") }
        let level = reader.element(3)
        let parent = reader.element(2)
        if Self.equals(level, "20") {
            openBillingLoop()
            copy(reader.element(1), into: &billingHL)
        } else if Self.equals(level, "23") {
            patient.reset(serial: nextSerial())
            hasPatientLoop = true
            patientLastName.removeAll()
            patientFirstName.removeAll()
            patientDob.removeAll()
            patientSex.removeAll()
            place = .patient
            if subscriberHL.isEmpty {
                // No subscriber loop above it in its transaction set: whose patient is it?
                envelopeError(
                    claimOrdinal + 1..<claimOrdinal + 1,
                    "a patient loop (HL 23) with no subscriber loop (HL 22) above it: the claims under it are held",
                    field: "HL")
                patient.hasDamagedSegment = true
            } else if !parent.isEmpty && !Self.equals(parent, subscriberHL) {
                wrongParent(parent, expected: subscriberHL, loop: "patient (23)", above: "subscriber")
                patient.hasDamagedSegment = true
            }
        } else {
            let misparented = !parent.isEmpty && !billingHL.isEmpty && !Self.equals(parent, billingHL)
            if misparented {
                wrongParent(parent, expected: billingHL, loop: "subscriber (22)", above: "billing provider")
            }
            copy(reader.element(1), into: &subscriberHL)
            subscriber.reset(serial: nextSerial())
            patient.reset(serial: 0)
            hasPatientLoop = false
            memberId.removeAll()
            subscriberLastName.removeAll()
            subscriberFirstName.removeAll()
            subscriberDob.removeAll()
            subscriberSex.removeAll()
            payerId.removeAll()
            subscriberHasSBR = false
            subscriberHasPayer = false
            place = .subscriber
            if misparented { subscriber.hasDamagedSegment = true }
        }
        patientKey.removeAll()
    }

    /// Starts loop 2000A, the billing provider's (an HL 20, or its segments found without one):
    /// the loops below it and what was read of them are let go.
    private func openBillingLoop() {
        billingHL.removeAll()
        subscriberHL.removeAll()
        billing.reset(serial: nextSerial())
        subscriber.reset(serial: 0)
        patient.reset(serial: 0)
        hasPatientLoop = false
        billingNPI.removeAll()
        patientKey.removeAll()
        place = .billing
    }

    /// X01 for an HL whose HL02 names another parent than the loop above it: the file says the
    /// claims below belong elsewhere than where they stand (a payer's translator rejects it), and
    /// an output would put them under the loop above them. Its claims are held.
    private func wrongParent(_ parent: UnsafeRawBufferPointer, expected: [UInt8], loop: String, above: String) {
        envelopeError(
            claimOrdinal + 1..<claimOrdinal + 1,
            "HL02 \(text(parent)) of a \(loop) loop is not the \(above) loop above it (HL \(text(expected))): "
                + "the claims under it are held",
            field: "HL02")
    }

    private func headerSegment(_ id: UInt32) {
        if place == .outside { openImpliedTransaction(before: segmentName) }
        if place != .outside && place != .claim {
            if !hasSegmentIdShape {
                damagedHeaderSegment()
            } else if endsWithSeparator {
                damagedHeaderSegment(
                    "\(segmentName) in a loop above the claims ends with a separator (an empty element or "
                        + "component after its last): X12 syntax does not allow it, and a payer's acknowledgment "
                        + "rejects the transaction set; the claims under the loop are held")
            }
        }
        if place == .transactionHeader && startsBillingLoop(id) {
            // The billing provider's segments with no HL 20 before them (it was lost): they open
            // the loop they belong to, so that the billing NPI is read and an output writes them
            // under the HL 20 it makes, not among the submitter's and receiver's (a 999 rejected
            // the held file). The claims under them are held all the same.
            envelopeError(
                claimOrdinal + 1..<claimOrdinal + 1,
                "\(segmentName) of a billing provider with no billing provider loop (HL 20) before it: the claims "
                    + "under it are held", field: "HL")
            openBillingLoop()
            billing.hasDamagedSegment = true
        }
        switch place {
        case .outside:
            return
        case .transactionHeader:
            if mode == .copy { appendSegment(to: &transactionHeader.bytes) }
            transactionHeader.segments += 1
            return
        case .billing:
            if mode == .copy { appendSegment(to: &billing.bytes) }
            billing.segments += 1
        case .subscriber:
            if mode == .copy { appendSegment(to: &subscriber.bytes) }
            subscriber.segments += 1
        case .patient:
            if mode == .copy { appendSegment(to: &patient.bytes) }
            patient.segments += 1
        case .claim:
            return
        }
        // Facts are taken in both passes: pass 2 re-scans a claim held late (`scanNextClaim`).
        switch id {
        case Self.NM1:
            let entity = reader.element(1)
            if Self.equals(entity, "85") {
                copy(reader.element(9), into: &billingNPI)
            } else if Self.equals(entity, "IL") {
                copy(reader.element(9), into: &memberId)
                copy(reader.element(3), into: &subscriberLastName)
                copy(reader.element(4), into: &subscriberFirstName)
            } else if Self.equals(entity, "QC") {
                copy(reader.element(3), into: &patientLastName)
                copy(reader.element(4), into: &patientFirstName)
            } else if Self.equals(entity, "PR") {
                copy(reader.element(9), into: &payerId)
                if place == .subscriber { subscriberHasPayer = true }
            }
        case Self.SBR:
            if place == .subscriber { subscriberHasSBR = true }
        case Self.DMG:
            if !reader.element(2).isEmpty
                && (!Self.equals(reader.element(1), "D8") || !Self.isX12Date(reader.element(2), range: false))
            {
                // A birth date of another layout (`1970-01-15`) was read as a date: the 837 went to
                // clean.x12, and the payer's acknowledgment rejects it.
                damagedHeaderSegment(
                    "DMG02 is not a D8 date (DMG01 D8, DMG02 CCYYMMDD): the payer rejects the claims under the loop, "
                        + "which are held", field: "DMG02")
            }
            if place == .patient {
                copy(reader.element(2), into: &patientDob)
                copy(reader.element(3), into: &patientSex)
            } else if place == .subscriber {
                copy(reader.element(2), into: &subscriberDob)
                copy(reader.element(3), into: &subscriberSex)
            }
        default: break
        }
    }

    /// Whether a segment of the transaction's header loops (1000A submitter, 1000B receiver) is one
    /// of loop 2000A or 2010AA/AB: the billing provider's specialty (PRV), currency (CUR), name
    /// (NM1*85) or pay-to address (NM1*87).
    private func startsBillingLoop(_ id: UInt32) -> Bool {
        if id == Self.PRV || id == Self.CUR { return true }
        guard id == Self.NM1 else { return false }
        let entity = reader.element(1)
        return Self.equals(entity, "85") || Self.equals(entity, "87")
    }

    /// A damaged segment (no X12 segment id: `dmg*D8*…`, bytes of another file) in a loop above the
    /// claims: X01 where it stands, and every claim under the loop is held (`startClaim`), since
    /// what the segment held (the patient's birth date, the billing NPI) was read for none of them.
    /// Its text stays out of the message: a cut segment can start inside a name.
    private func damagedHeaderSegment(
        _ message: String =
            "a segment without an X12 segment id (damaged?) in a loop above the claims: what it holds is not read; "
            + "the claims under the loop are held", field: String = "segment"
    ) {
        envelopeError(claimOrdinal + 1..<claimOrdinal + 1, message, field: field)
        switch place {
        case .transactionHeader: transactionHeader.hasDamagedSegment = true
        case .billing: billing.hasDamagedSegment = true
        case .subscriber: subscriber.hasDamagedSegment = true
        case .patient: patient.hasDamagedSegment = true
        case .outside, .claim: break
        }
    }

    // MARK: - The claim

    private func startClaim() { openClaim(withCLM: true, name: "CLM") }

    /// A service line's segment (LX, SV1, SV2) in a loop above the claims: the claim's CLM lost,
    /// cut or damaged (`GLM*…`), or segments out of order. The segments from here to the next one
    /// that ends a claim are read as a claim of their own without a CLM, which X01 holds: its lines
    /// reach the held output as the file has them and count among the lines in. They used to be in
    /// neither output (X01 where they stood, counted nowhere), or went into one with the next claim
    /// of their loop, which had to be held for them.
    private func startClaimWithoutCLM(_ id: UInt32) {
        let name = id == Self.LX ? "LX" : id == Self.SV1 ? "SV1" : "SV2"
        envelopeError(
            claimOrdinal + 1..<claimOrdinal + 2,
            "\(name) with no CLM before it in its loop (the claim's CLM lost or damaged?): its service lines are "
                + "held as a claim without a CLM",
            field: "CLM")
        openClaim(withCLM: false, name: name)
    }

    /// Opens a claim at the current segment: its CLM, or (`withCLM` false) the first segment of
    /// service lines that came without one.
    private func openClaim(withCLM: Bool, name: String) {
        if !transactionOpen { openImpliedTransaction(before: name) }
        if subscriber.serial == 0 && billing.serial == 0 {
            envelopeError(
                claimOrdinal + 1..<claimOrdinal + 2, "\(name) outside a subscriber loop (HL 22) of a transaction set",
                field: name)
        } else if billing.serial == 0 {
            // Its billing provider (NM1*85, the billing NPI) went unread, and an output would
            // write the loop's segments under no HL of their own.
            envelopeError(
                claimOrdinal + 1..<claimOrdinal + 2,
                "no billing provider loop (HL 20) above this claim in its transaction set: its billing provider is not read",
                field: "HL")
        }
        if transactionHeader.hasDamagedSegment || billing.hasDamagedSegment || subscriber.hasDamagedSegment
            || (hasPatientLoop && patient.hasDamagedSegment)
        {
            envelopeError(
                claimOrdinal + 1..<claimOrdinal + 2,
                "a loop above this claim holds a damaged segment (X01 at its segment), so the claim's "
                    + "provider, subscriber or patient facts may be missing",
                field: "CLM")
        }
        claimOrdinal += 1
        claimOpen = true
        claimScanned = mode == .scan || scanNextClaim
        claimKeepsLineIds = claimScanned || keepsLineIds
        place = .claim
        claimBytes.removeAll()
        clmPosition = reader.position
        claimHasCLM = withCLM
        if !withCLM {
            // The segment itself is the claim's first, read by `claimSegment`.
            claimSegments = 0
            clear(&clm01)
            clear(&clm02Text)
            clm02 = nil
            clear(&facilityOrPOS)
            billType.removeAll(keepingCapacity: true)
            claimIsVoid = false
            claimReplacesAnother = false
        } else {
            claimSegments = 1
            if mode == .copy { appendSegment(to: &claimBytes) }
            copy(reader.element(1), into: &clm01)
        }
        if claimScanned && withCLM {
            // Only the lines' records and X02 read these: pass 2 reads most claims unscanned.
            copy(reader.element(2), into: &clm02Text)
            // A claim's total is a sum of lines: past a line's $99,999,999.99 it is still an amount.
            clm02 = Money.cents(clm02Text.bytes, wholeDigits: 15)
            copy(reader.component(5, 1), into: &facilityOrPOS)
            billType.removeAll(keepingCapacity: true)
            billType.append(contentsOf: reader.component(5, 1))
            billType.append(contentsOf: reader.component(5, 3))
            claimIsVoid = Self.equals(reader.component(5, 3), "8")
            claimReplacesAnother = claimIsVoid || Self.equals(reader.component(5, 3), "7")
        }
        claimHasOriginalReference = false
        clear(&claimRendering)
        clear(&claimAttending)
        inOtherPayerLoops = false
        clear(&claimServiceDate)
        clear(&statementDate)
        claimDateEnd = nil
        statementEnd = nil
        diagnoses.removeAll()
        if !claimOnlyDiagnoses.isEmpty { claimOnlyDiagnoses.removeAll(keepingCapacity: true) }
        lineChargeSum = 0
        lineChargesValid = true
        claimChargeCents = 0
        linePositions.removeAll(keepingCapacity: true)
        lineNumbers.removeAll(keepingCapacity: true)
        lineReferences.removeAll(keepingCapacity: true)
        lineIdBytes.removeAll(keepingCapacity: true)
        lineIdEnds.removeAll(keepingCapacity: true)
        claimFindings.removeAll(keepingCapacity: true)
        if claimScanned && withCLM && endsWithSeparator { trailingSeparatorFinding() }
        principalDiagnoses = 0
        if claimScanned && withCLM {
            if reader.element(1).count > 38 {
                requiredElementFinding("CLM01", "CLM01 has \(reader.element(1).count) characters, past its 38")
            }
            if reader.component(5, 3).isEmpty {
                requiredElementFinding("CLM05", "CLM05-3, the claim frequency code, is missing")
            } else if !transactionInstitutional
                && !(Self.equals(reader.component(5, 3), "1") || Self.equals(reader.component(5, 3), "7")
                    || Self.equals(reader.component(5, 3), "8"))
            {
                // An 837P claim is an original, a replacement or a void.
                claimX01(
                    "CLM05-3",
                    "CLM05-3, the claim frequency code, is not 1, 7 or 8, the codes of an 837P claim: a payer's "
                        + "acknowledgment rejects the transaction set")
            }
            // CLM05-2 qualifies CLM05-1: B (place of service) in an 837P, A (facility type) in an 837I.
            let qualifier = reader.component(5, 2)
            let expected: StaticString = transactionInstitutional ? "A" : "B"
            if !reader.component(5, 1).isEmpty && !Self.equals(qualifier, expected) {
                claimX01(
                    "CLM05-2",
                    "CLM05-2 is \(qualifier.isEmpty ? "missing" : "'\(text(UnsafeRawBufferPointer(rebasing: qualifier.prefix(2))))'"), "
                        + "not \(expected), the qualifier of \(transactionInstitutional ? "an 837I's facility type code" : "an 837P's place of service"): "
                        + "a payer's acknowledgment rejects the transaction set")
            }
            // 2000B SBR and 2010BB NM1*PR: who is insured under which policy, and the payer.
            if subscriber.serial != 0 && !subscriberHasSBR {
                requiredElementFinding("SBR", "the subscriber loop (2000B) above this claim has no SBR")
            }
            if subscriber.serial != 0 && !subscriberHasPayer {
                requiredElementFinding("NM1*PR", "the subscriber loop above this claim has no payer (2010BB NM1*PR)")
            }
            // 2010AA NM109: the billing provider's NPI, required.
            if billing.serial != 0 && billingNPI.isEmpty {
                requiredElementFinding("NM109", "the billing provider's NPI (2010AA NM1*85 NM109) is missing")
            }
            decimalFinding("CLM02", element: 2)
        }
        lineFindings.removeAll(keepingCapacity: true)
        lineOpen = false
        // The key stays empty until a scanned claim of the loop needs it.
        if claimScanned && patientKey.isEmpty {
            if hasPatientLoop {
                let parts = [memberId.bytes, patientLastName.bytes, patientFirstName.bytes, patientDob.bytes]
                PatientKey.hash(parts, into: &patientKey)
            } else {
                patientKey.set(memberId.bytes)
            }
        }
    }

    private func claimSegment(_ id: UInt32) {
        claimSegments += 1
        if mode == .copy {
            appendSegment(to: &claimBytes)
        }
        if !claimScanned {
            // Pass 2 needs only where lines start and what they are called, if anything.
            guard claimKeepsLineIds else { return }
            if id == Self.LX {
                closeLine()
                lineOpen = true
                lineHasService = false
                lxPosition = reader.position
                copy(reader.element(1), into: &lx01)
                clear(&lineRef)
            } else if id == Self.SV1 || id == Self.SV2 {
                // As in the scan: an SV1 or SV2 without an LX of its own starts a line.
                if !lineOpen || lineHasService { startLineWithoutLX() }
                lineHasService = true
            } else if id == Self.REF && lineOpen && Self.equals(reader.element(1), "6R") {
                copy(reader.element(2), into: &lineRef)
            }
            return
        }
        if !hasSegmentIdShape {
            // A damaged segment (`~sbr` left before a line's DTP*472 in a published file): what it
            // held (that line's date) would be lost without a word. Its text stays out of the
            // message: a cut segment can start inside a name.
            claimX01(
                "segment", "a segment without an X12 segment id (damaged?) inside the claim: what it holds is not read")
        } else if endsWithSeparator {
            trailingSeparatorFinding()
        }
        switch id {
        case Self.LX:
            closeLine()
            lineOpen = true
            lxPosition = reader.position
            copy(reader.element(1), into: &lx01)
            startLineState()
            if mode == .scan && !lineNumbers.insert(Array(reader.element(1))).inserted {
                lineOrClaimX01(
                    "LX01",
                    "LX01 \(text(Array(reader.element(1).prefix(6)))) repeats an earlier line's number in the claim: "
                        + "the guide numbers a claim's lines 1, 2, 3…, and two lines share one id")
            }
        case Self.SV1 where !lineOpen || lineHasService, Self.SV2 where !lineOpen || lineHasService:
            // A service line is an LX and one SV1 or SV2. This one has no LX of its own: the claim
            // is held, and the SV1 or SV2 is read as a line of its own, so that its charge is
            // scrubbed, counted among the lines in and summed for X02 like any other.
            let name = id == Self.SV1 ? "SV1" : "SV2"
            claimX01(
                name,
                lineOpen
                    ? "a second \(name) in service line LX \(text(lx01.bytes)) (an LX missing before it?): "
                        + "read as a service line of its own"
                    : "\(name) before the claim's first LX: read as a service line of its own")
            startLineWithoutLX()
            startLineState()
            if id == Self.SV1 { readSV1() } else { readSV2() }
        case Self.SV1:
            readSV1()
        case Self.SV2:
            readSV2()
        case Self.DTP:
            let qualifier = reader.element(1)
            if Self.equals(qualifier, "472") || Self.equals(qualifier, "434") { dateFormatFinding() }
            if Self.equals(qualifier, "472") {
                if lineOpen {
                    records.set(.serviceDate, date())
                    noteRangeEnd()
                } else {
                    dateFrom(into: &claimServiceDate)
                    claimDateEnd = rangeEndDay()
                }
            } else if Self.equals(qualifier, "434") && !lineOpen {
                dateFrom(into: &statementDate)
                statementEnd = rangeEndDay()
            }
        case Self.SBR where !lineOpen:
            inOtherPayerLoops = true
        case Self.SBR, Self.DMG, Self.PAT:
            misplacedLoopSegment(id)
        case Self.NM1 where lineOpen || !inOtherPayerLoops:
            let entity = reader.element(1)
            if Self.equals(entity, "82") {
                if lineOpen {
                    records.set(.renderingNpi, reader.element(9))
                } else {
                    copy(reader.element(9), into: &claimRendering)
                }
            } else if Self.equals(entity, "71") && !lineOpen {
                copy(reader.element(9), into: &claimAttending)
            }
        case Self.REF where lineOpen:
            if Self.equals(reader.element(1), "6R") {
                copy(reader.element(2), into: &lineRef)
                if mode == .scan && !reader.element(2).isEmpty
                    && !lineReferences.insert(Array(reader.element(2))).inserted
                {
                    lineOrClaimX01(
                        "REF*6R", "REF*6R repeats an earlier line's control number in the claim: two lines share one id"
                    )
                }
            }
        case Self.REF where !inOtherPayerLoops:
            // 2300 REF*F8; the other-payer loops' REF*F8 (2330B) is that payer's number. Spaces
            // alone are no number.
            if Self.equals(reader.element(1), "F8") && reader.element(2).contains(where: { $0 != 0x20 }) {
                claimHasOriginalReference = true
            }
        case Self.LIN where lineOpen:
            if Self.equals(reader.element(2), "N4") { records.set(.ndc, reader.element(3)) }
        case Self.HI where !lineOpen:
            readDiagnoses()
        default: break
        }
    }

    /// A subscriber's or patient's segment inside a claim: an SBR among its service lines, a DMG
    /// or PAT anywhere in it (neither belongs to loops 2300-2400). The HL that should have opened
    /// a new subscriber or patient loop was lost: what follows belongs to another person, yet was
    /// read as this claim's, and the next claims of the loop as the previous person's (one went to
    /// clean.x12 under the wrong subscriber). X01 holds the claim, and the loop's later claims.
    private func misplacedLoopSegment(_ id: UInt32) {
        let name = id == Self.SBR ? "SBR" : id == Self.DMG ? "DMG" : "PAT"
        claimX01(
            name,
            "\(name) inside a claim: a subscriber or patient loop's segment (its HL lost?); the claim and the "
                + "claims after it in its loop are held")
        if hasPatientLoop { patient.hasDamagedSegment = true } else { subscriber.hasDamagedSegment = true }
    }

    /// A DTP's date: DTP03, the start of a range (D8 or RD8).
    private func date() -> UnsafeRawBufferPointer {
        let value = reader.element(3)
        let n = value.firstIndex(of: 0x2D) ?? value.count
        return UnsafeRawBufferPointer(rebasing: value[0..<n])
    }

    private func dateFrom(into target: inout FieldBytes) { target.set(date()) }

    /// X01 on the open claim when the current DTP's date is not in the form DTP02 names: D8 is
    /// CCYYMMDD, RD8 two of them joined by a dash. A date of another layout (`06/10/2026`) was read
    /// as a date, and the claim went to clean.x12 for the payer's acknowledgment to reject.
    private func dateFormatFinding() {
        guard claimOpen else { return }
        let format = reader.element(2)
        let range = Self.equals(format, "RD8")
        guard !range && !Self.equals(format, "D8") || !Self.isX12Date(reader.element(3), range: range) else { return }
        claimX01(
            "DTP03",
            "DTP\(text(reader.element(1))) date is not in its DTP02 format (D8: CCYYMMDD; RD8: CCYYMMDD-CCYYMMDD): "
                + "payers reject the claim")
    }

    /// Whether `value` is an X12 D8 date (eight digits, CCYYMMDD) or, with `range`, an RD8 (two
    /// joined by a dash). The digits' date itself is the rules' to judge (S03, D01).
    static func isX12Date(_ value: UnsafeRawBufferPointer, range: Bool) -> Bool {
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { value[$0] >= 0x30 && value[$0] <= 0x39 } }
        if range { return value.count == 17 && value[8] == 0x2D && digits(0..<8) && digits(9..<17) }
        return value.count == 8 && digits(0..<8)
    }

    /// A line's RD8 range (`20260625-20260705`): its end, for the D01 of a range that ends after
    /// the as-of date (only the start is the line's date of service: such a line passed).
    private func noteRangeEnd() {
        guard let end = rangeEndDay() else { return }
        lineFindings.append(
            (linePositions.count, .rangeEnd(end.day, claim: claimOrdinal, position: end.position)))
    }

    /// The current DTP's RD8 range end and position, when it is a date after the range's start.
    private func rangeEndDay() -> (day: Int32, position: Int)? {
        let value = reader.element(3)
        guard Self.equals(reader.element(2), "RD8"), let dash = value.firstIndex(of: 0x2D) else { return nil }
        let endText = UnsafeRawBufferPointer(rebasing: value[(dash + 1)...])
        let end = DayNumber.parse(endText)
        guard DayNumber.isDate(end), end > DayNumber.parse(date()) else { return nil }
        return (end, reader.position)
    }

    /// The procedure code and its four modifiers from a composite (SV101, SV202): components 2–6,
    /// in one pass over the element (`component(_:_:)` scans from the element's start each time).
    private func setProcedure(element e: Int) { setProcedure(reader.element(e)) }

    /// The same from the composite's bytes (empty: no procedure, no modifiers).
    private func setProcedure(_ value: UnsafeRawBufferPointer) {
        let separator = reader.delimiters.component
        var k = 1
        var from = 0
        for i in 0...value.count where i == value.count || value[i] == separator {
            let part = UnsafeRawBufferPointer(rebasing: value[from..<i])
            switch k {
            case 2: records.set(.procedureCode, part)
            case 3: records.set(.modifier1, part)
            case 4: records.set(.modifier2, part)
            case 5: records.set(.modifier3, part)
            case 6: records.set(.modifier4, part)
            default: break
            }
            k += 1
            from = i + 1
            if k > 6 { break }
        }
        // Components the composite lacks are empty (a second SV1 in a line replaces the first's).
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        if k <= 2 { records.set(.procedureCode, none) }
        if k <= 3 { records.set(.modifier1, none) }
        if k <= 4 { records.set(.modifier2, none) }
        if k <= 5 { records.set(.modifier3, none) }
        if k <= 6 { records.set(.modifier4, none) }
    }

    private func readDiagnoses() {
        if reader.elementCount > 12 {
            requiredElementFinding("HI", "HI holds \(reader.elementCount) codes, past its 12 (HI01-HI12)")
        }
        var icd9WithICD10: [String] = []
        for e in 1...max(1, reader.elementCount) {
            let qualifier = reader.component(e, 1)
            let isICD10 = Self.equals(qualifier, "ABK") || Self.equals(qualifier, "ABF")
            let isICD9 = Self.equals(qualifier, "BK") || Self.equals(qualifier, "BF")
            guard isICD10 || isICD9 else {
                // 837I's admitting diagnosis, patients' reasons for visit and external causes of
                // injury are ICD-10-CM codes a payer checks too: an invalid one passed clean.
                let kind: DiagnosisRecords.Kind? =
                    !transactionInstitutional
                    ? nil
                    : Self.equals(qualifier, "ABJ")
                        ? .admitting
                        : Self.equals(qualifier, "APR")
                            ? .reasonForVisit : Self.equals(qualifier, "ABN") ? .externalCause : nil
                if let kind {
                    let code = reader.component(e, 2)
                    if !code.isEmpty { claimOnlyDiagnoses.append((kind.rawValue, Array(code))) }
                }
                continue
            }
            if Self.equals(qualifier, "ABK") || Self.equals(qualifier, "BK") {
                principalDiagnoses += 1
                if principalDiagnoses == 2 {
                    requiredElementFinding("HI", "a second principal diagnosis (ABK): a claim has one")
                }
            }
            let code = reader.component(e, 2)
            diagnoses.append(code)
            if isICD9 && Self.looksLikeICD10(code) { icd9WithICD10.append(text(qualifier) + ":" + text(code)) }
        }
        if !icd9WithICD10.isEmpty {
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X03, position: reader.position, field: "HI",
                    value: icd9WithICD10.joined(separator: " "),
                    message: "ICD-9 qualifier (BK/BF) used with an ICD-10-CM code"))
        }
    }

    /// ICD-10-CM codes start with a letter. ICD-9's V and E codes (V4350, E876) have the form of
    /// ICD-10-CM codes too (E87.6 is hypokalemia): with no ICD-9 code in use for a service since
    /// 2015-10-01, they are read as the ICD-10-CM codes they are (a BK with E876 passed clean,
    /// and payers reject it). ICD-9's all-digit codes are no ICD-10-CM code (C04 holds them).
    static func looksLikeICD10(_ code: UnsafeRawBufferPointer) -> Bool {
        guard code.count >= 3, let first = code.first else { return false }
        return first >= 0x41 && first <= 0x5A
    }

    /// Opens a service line at an SV1 or SV2 that has no LX of its own (X01 in the scan): it has
    /// no LX01, so its line id is its REF*6R, or the claim's id and an empty LX01.
    private func startLineWithoutLX() {
        closeLine()
        lineOpen = true
        lxPosition = reader.position
        clear(&lx01)
        clear(&lineRef)
    }

    /// The per-line state a new service line starts from (its record's columns start empty:
    /// `closeLine` ended the line before).
    private func startLineState() {
        isInstitutionalLine = false
        lineHasService = false
        if !pointers.isEmpty { pointers.removeAll(keepingCapacity: true) }
        clear(&lineRef)
    }

    /// SV1, the professional service: procedure, charge, units, place of service and pointers.
    private func readSV1() {
        lineHasService = true
        if transactionInstitutional {
            lineOrClaimX01(
                "SV1", "SV1 is the 837P's service segment: an 837I service line is SV2, and SV1 is none of its segments"
            )
        }
        // An empty SV101 is S02 on the procedure code; a code without its qualifier, X01.
        if !reader.element(1).isEmpty { qualifierFinding(element: 1) }
        setProcedure(element: 1)
        if let codeSet = Self.otherCodeSet(reader.component(1, 1)), !reader.component(1, 2).isEmpty {
            // Not a HCPCS code: C01 held a valid line. No release of such a code set is loaded, so
            // the code is not checked, and C06 (a warning) says so, as for a date no release serves.
            var finding = ClaimFileFinding(
                claims: claimOrdinal..<claimOrdinal + 1, rule: .C06, position: reader.position, field: "procedure_code",
                value: codeSet,
                message: "SV101-1 says the code is of \(codeSet), not HCPCS: no release of that code set is loaded, "
                    + "so the code is not checked")
            finding.procedureOfOtherCodeSet = true
            lineFindings.append((linePositions.count, finding))
        }
        records.set(.chargeAmount, reader.element(2))
        decimalFinding("SV102", element: 2)
        decimalFinding("SV104", element: 4)
        if reader.element(3).isEmpty {
            requiredElementFinding("SV1", "SV103, the unit of measurement (UN or MJ), is missing")
        }
        if Self.equals(reader.element(3), "MJ") {
            // SV103 MJ: SV104 gives anesthesia minutes, not units of service (60 minutes of
            // 00840 were "60 units" against its MUE): the line is one service.
            records.set(.units, [0x31] as [UInt8])
        } else {
            records.set(.units, reader.element(4))
        }
        records.set(.placeOfService, reader.element(5))
        for k in 1...4 {
            let p = reader.component(7, k)
            if p.isEmpty { continue }
            pointers.append(Self.number(p) ?? 0)
        }
        // The guide bounds SV107 at four components; a fifth pointer was dropped without a word,
        // and the diagnosis only it pointed at went unchecked into clean.x12 (also after an
        // empty fifth component, `1:2:3:4::5`).
        let separator = reader.delimiters.component
        let components = reader.element(7).reduce(1) { $0 + ($1 == separator ? 1 : 0) }
        if components > 4 {
            requiredElementFinding("SV107", "SV107 has \(components) components, past its 4 diagnosis pointers")
        }
    }

    /// SV2, the institutional service: revenue code, procedure, charge and units.
    private func readSV2() {
        lineHasService = true
        isInstitutionalLine = true
        if !transactionInstitutional {
            lineOrClaimX01(
                "SV2", "SV2 is the 837I's service segment: an 837P service line is SV1, and SV2 is none of its segments"
            )
        }
        if reader.element(4).isEmpty {
            requiredElementFinding("SV2", "SV204, the unit of measurement (UN or DA), is missing")
        }
        records.set(.revenueCode, reader.element(1))
        if !reader.element(2).isEmpty { qualifierFinding(element: 2) }
        let qualifier = reader.component(2, 1)
        if Self.equals(qualifier, "HP") || Self.otherCodeSet(qualifier) != nil {
            // SV202-1 HP: a HIPPS rate code (a skilled nursing stay's RUAA1); IV, WK, ER: home
            // infusion, ABC or a jurisdiction's own codes. None is a HCPCS code: the revenue
            // code stands for the line, as without SV202 (each was C01).
            setProcedure(UnsafeRawBufferPointer(start: nil, count: 0))
        } else {
            setProcedure(element: 2)
        }
        records.set(.chargeAmount, reader.element(3))
        records.set(.units, reader.element(5))
        decimalFinding("SV203", element: 3)
        decimalFinding("SV205", element: 5)
    }

    /// Writes the open service line as a canonical record (scan mode) and notes its place.
    private func closeLine() {
        guard lineOpen else { return }
        lineOpen = false
        let index = linePositions.count
        linePositions.append(lxPosition)
        if mode == .copy {
            Self.appendLineId(clm01.bytes, lx01.bytes, lineRef.bytes, to: &lineIdBytes)
            lineIdEnds.append(lineIdBytes.count)
        }
        guard claimScanned else { return }
        if !lineHasService {
            // An LX with no SV1 or SV2 after it (its service segment lost, or an LX repeated): the
            // line counts, empty, and S02 named its missing fields without saying why.
            lineFindings.append(
                (
                    index,
                    ClaimFileFinding(
                        claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: lxPosition, field: "LX",
                        message: "service line LX \(text(lx01.bytes)) has no SV1 or SV2")
                ))
        }
        let cents = Money.cents(records.value(.chargeAmount))
        if let cents {
            // X02 compares the amounts as written; a void's lines count as the credits they are.
            lineChargeSum += cents
            claimChargeCents += claimIsVoid ? -abs(cents) : cents
        } else {
            lineChargesValid = false
        }
        if claimIsVoid, let cents, cents > 0 {
            let written = Array(ChargeParser.trimmed(records.value(.chargeAmount)))
            records.set(.chargeAmount, [0x2D] + written)
        }
        // Diagnoses: through the pointers (837P), or every claim diagnosis (837I, or no pointers).
        dx.removeAll(keepingCapacity: true)
        if !isInstitutionalLine && !pointers.isEmpty {
            var bad: [Int] = []
            for p in pointers {
                if p >= 1 && p <= diagnoses.count && !diagnoses[p - 1].isEmpty {
                    dx.append(p - 1)
                } else {
                    bad.append(p)
                }
            }
            if !bad.isEmpty {
                lineFindings.append(
                    (
                        index,
                        ClaimFileFinding(
                            claims: claimOrdinal..<claimOrdinal + 1, rule: .X03, position: lxPosition, field: "SV107",
                            value: bad.map(String.init).joined(separator: ":"),
                            message: "diagnosis pointer refers to no diagnosis (the claim has \(diagnoses.count))")
                    ))
            }
        } else {
            // Every claim diagnosis applies (DOMAIN.md): past twelve they reach the rules through
            // diagnosis records (`CanonicalRecords.diagnoses`).
            for k in 0..<diagnoses.count { dx.append(k) }
            if !isInstitutionalLine && lineHasService {
                // The 5010 837P guide requires SV107: each service line points at one to four of
                // the claim's diagnoses, and a receiver rejects a line without (it passed clean).
                // Its diagnoses are still checked, as every claim diagnosis.
                var finding = ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: lxPosition, field: "SV107",
                    message: "SV107, the diagnosis code pointer, is missing: an 837P service line must point at 1 to 4 "
                        + "of the claim's diagnoses (every claim diagnosis was checked for it)")
                finding.lineLevel = true
                lineFindings.append((index, finding))
            }
        }
        // SV201 is required: without it the line would be read as a professional one (the
        // practitioner PTP and MUE tables), and nothing said so.
        if isInstitutionalLine && records.isEmpty(.revenueCode) {
            lineFindings.append(
                (
                    index,
                    ClaimFileFinding(
                        claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: lxPosition, field: "SV201",
                        message: "837I service line without its revenue code (SV201 is required)")
                ))
        }
        // The line's own fields are in the record already; its claim's, and the fallbacks to the
        // claim's date, rendering NPI and place of service, go in now.
        if lineRef.isEmpty {
            records.set(.lineId, clm01.bytes, 0x3A, lx01.bytes)
        } else {
            records.set(.lineId, lineRef.bytes)
        }
        records.set(.encounterId, clm01.bytes)
        records.set(.patientId, patientKey.bytes)
        if hasPatientLoop {
            records.set(.patientDob, patientDob.bytes)
            records.set(.patientSex, patientSex.bytes)
        } else {
            records.set(.patientDob, subscriberDob.bytes)
            records.set(.patientSex, subscriberSex.bytes)
        }
        if records.isEmpty(.serviceDate) {
            records.set(.serviceDate, !claimServiceDate.isEmpty ? claimServiceDate.bytes : statementDate.bytes)
            // Dated by the claim's range: a range that ends after the as-of date is D01 as a
            // line's own is (services not yet rendered); only its start was checked.
            let byClaim = !claimServiceDate.isEmpty
            if let end = byClaim ? claimDateEnd : statementDate.isEmpty ? nil : statementEnd {
                lineFindings.append(
                    (
                        index,
                        .rangeEnd(
                            end.day, claim: claimOrdinal, position: end.position,
                            of: byClaim ? "the claim's date range (DTP*472)" : "the claim's statement period (DTP*434)")
                    ))
            }
        }
        // post_date and department: an 837 has none.
        if records.isEmpty(.renderingNpi) {
            records.set(.renderingNpi, !claimRendering.isEmpty ? claimRendering.bytes : claimAttending.bytes)
        }
        records.set(.billingNpi, billingNPI.bytes)
        // 837I's CLM05-1 is a facility type, not a place of service.
        if isInstitutionalLine || transactionInstitutional {
            records.clear(.placeOfService)
            // The type of bill: inpatient bills (11x) meet no outpatient NCCI edit.
            if !facilityOrPOS.isEmpty { records.set(.billType, billType) }
        } else if records.isEmpty(.placeOfService) {
            records.set(.placeOfService, facilityOrPOS.bytes)
        }
        records.diagnoses(count: dx.count) { diagnoses[dx[$0]] }
        // On the claim's first line only: the claim is held whole, and one finding says why.
        if index == 0 && !claimOnlyDiagnoses.isEmpty { records.validityDiagnoses(claimOnlyDiagnoses) }
        records.set(.payerId, payerId.bytes)
        records.endRecord()
    }

    /// Completes the open claim: its last line, X02 and the no-lines check. True when one was open.
    @discardableResult
    private func closeClaimIfOpen() -> Bool {
        guard claimOpen else { return false }
        closeLine()
        claimOpen = false
        place = .subscriber
        guard mode == .scan else { return true }
        if claimReplacesAnother && !claimHasOriginalReference {
            let kind = claimIsVoid ? "8 (void)" : "7 (replacement)"
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: clmPosition, field: "REF*F8",
                    value: claimIsVoid ? "8" : "7",
                    message:
                        "claim frequency \(kind) without REF*F8, the payer's claim control number of the claim it "
                        + "\(claimIsVoid ? "voids" : "replaces"): payers reject it"))
        }
        if diagnoses.count > 0 && principalDiagnoses == 0 {
            // HI01 is the principal diagnosis (ABK, BK): the claim's diagnoses came without it.
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: clmPosition, field: "HI",
                    message: "the claim's diagnoses have no principal diagnosis (HI01 qualifier ABK): a payer's "
                        + "acknowledgment rejects the transaction set"))
        }
        if !transactionInstitutional && linePositions.count > 50 {
            // Loop 2400 repeats 50 times in an 837P (999 in an 837I): a payer rejects the claim.
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: clmPosition, field: "LX",
                    message:
                        "claim has \(linePositions.count) service lines; an 837P claim holds 50 at most (loop 2400): "
                        + "split it"))
        }
        if linePositions.isEmpty {
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: clmPosition, field: "LX",
                    message: "claim has no service lines (LX with SV1 or SV2)"))
        } else if let total = clm02, lineChargesValid, total != lineChargeSum {
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X02, position: clmPosition, field: "CLM02",
                    value: text(clm02Text.bytes),
                    message:
                        "claim total \(Money.format(total)) differs from the sum of its line charges \(Money.format(lineChargeSum))"
                ))
        } else if clm02 == nil && claimHasCLM {
            claimFindings.append(
                ClaimFileFinding(
                    claims: claimOrdinal..<claimOrdinal + 1, rule: .X02, position: clmPosition, field: "CLM02",
                    value: text(clm02Text.bytes), message: "claim total (CLM02) is not an amount"))
        }
        return true
    }

    // MARK: - Helpers

    /// A line's id: its REF*6R, or CLM01:LX01 without one.
    private static func appendLineId(
        _ clm01: UnsafeRawBufferPointer, _ lx01: UnsafeRawBufferPointer, _ ref: UnsafeRawBufferPointer,
        to target: inout [UInt8]
    ) {
        if ref.isEmpty {
            target.append(contentsOf: clm01.assumingMemoryBound(to: UInt8.self))
            target.append(0x3A)
            target.append(contentsOf: lx01.assumingMemoryBound(to: UInt8.self))
        } else {
            target.append(contentsOf: ref.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func text(_ raw: UnsafeRawBufferPointer) -> String { String(decoding: raw, as: UTF8.self) }
    private func text(_ raw: [UInt8]) -> String { String(decoding: raw, as: UTF8.self) }

    static func number(_ raw: UnsafeRawBufferPointer) -> Int? {
        var value = 0
        var any = false
        for c in raw {
            if c == 0x20 { continue }
            guard c >= 0x30 && c <= 0x39, value < 1 << 40 else { return nil }
            value = value * 10 + Int(c - 0x30)
            any = true
        }
        return any ? value : nil
    }

    static func equals(_ raw: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Bool {
        raw.count == bytes.count && raw.elementsEqual(bytes)
    }

    @inline(__always)
    static func equals(_ raw: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { t in t.count == raw.count && (0..<t.count).allSatisfy { t[$0] == raw[$0] } }
    }

    static func contains(_ raw: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { t in
            guard raw.count >= t.count else { return false }
            for i in 0...(raw.count - t.count) where (0..<t.count).allSatisfy({ raw[i + $0] == t[$0] }) { return true }
            return false
        }
    }

    static var ISA: UInt32 { 0x495341 }
    static var IEA: UInt32 { 0x494541 }
    static var GS: UInt32 { 0x4753 }
    static var GE: UInt32 { 0x4745 }
    static var ST: UInt32 { 0x5354 }
    static var SE: UInt32 { 0x5345 }
    static var HL: UInt32 { 0x484C }
    static var CLM: UInt32 { 0x434C4D }
    static var LX: UInt32 { 0x4C58 }
    static var SV1: UInt32 { 0x535631 }
    static var SV2: UInt32 { 0x535632 }
    static var DTP: UInt32 { 0x445450 }
    static var NM1: UInt32 { 0x4E4D31 }
    static var REF: UInt32 { 0x524546 }
    static var LIN: UInt32 { 0x4C494E }
    static var HI: UInt32 { 0x4849 }
    static var DMG: UInt32 { 0x444D47 }
    static var SBR: UInt32 { 0x534252 }
    static var PAT: UInt32 { 0x504154 }
    static var PRV: UInt32 { 0x505256 }
    static var CUR: UInt32 { 0x435552 }
}
