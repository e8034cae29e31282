/// Reads HL7 v2 DFT^P03 messages one at a time; each FT1 becomes a canonical charge record.
///
/// Segments end at `\r`, `\n` or `\r\n`; MLLP framing (0x0B before a message, 0x1C 0x0D after) and
/// batch files (FHS/BHS … BTS/FTS) are accepted. Separators come from each MSH (MSH-1, MSH-2), and
/// escape sequences (\F\ \S\ \T\ \R\ \E\) are decoded in the values the rules see. In copy mode
/// a message's own bytes are kept as read, its MLLP framing and terminators included
/// (`messageBytes`). v2.1 swaps FT1-10 and FT1-11; v2.1 and v2.2 have no FT1-25/26, so the
/// procedure comes from FT1-7 there.
final class HL7MessageReader: ClaimUnitReader {
    let source: InputSource
    let copyMode: Bool
    @exclusivity(unchecked) private var storage: [UInt8] = []
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var atEnd = false
    @exclusivity(unchecked) private var scratch = [UInt8](repeating: 0, count: 1 << 20)
    /// 1-based position of the current segment in the file.
    @exclusivity(unchecked) private(set) var position = 0
    /// Whether a line of the input, blank or not, has been read (a byte order mark only starts one).
    private var pastFirstLine = false
    @exclusivity(unchecked) private var segment: [UInt8] = []
    @exclusivity(unchecked) private var pending = false
    /// A segment longer than this stops the run rather than exhaust memory
    /// (`ScrubOptions.maxRecordBytes`, set by pass 1).
    var maxSegmentBytes = 256 << 20

    // Separators of the current message.
    @exclusivity(unchecked) private var fieldSeparator: UInt8 = 0x7C
    @exclusivity(unchecked) private var componentSeparator: UInt8 = 0x5E
    @exclusivity(unchecked) private var repetitionSeparator: UInt8 = 0x7E
    @exclusivity(unchecked) private var escapeCharacter: UInt8 = 0x5C
    @exclusivity(unchecked) private var subcomponentSeparator: UInt8 = 0x26
    /// The truncation character, MSH-2's fifth (v2.7 on), which `\P\` stands for; nil without one.
    @exclusivity(unchecked) private var truncationCharacter: UInt8?

    /// The terminator of the file's first segment, which the rebuilt batch envelope ends its
    /// segments with; and the batch envelope, as read.
    @exclusivity(unchecked) private(set) var terminator: [UInt8] = [0x0D]
    @exclusivity(unchecked) private(set) var fileHeader: [UInt8] = []
    @exclusivity(unchecked) private(set) var batchHeader: [UInt8] = []
    @exclusivity(unchecked) private(set) var batchSerial = 0

    // The message.
    @exclusivity(unchecked) private(set) var claimOrdinal = -1
    @exclusivity(unchecked) private(set) var encounterId: [UInt8] = []
    @exclusivity(unchecked) private(set) var unitPosition = 0
    @exclusivity(unchecked) private(set) var linePositions: [Int] = []
    @exclusivity(unchecked) private(set) var lineIds: [[UInt8]] = []

    /// The id of line `index` of the message.
    func lineId(_ index: Int) -> [UInt8] { lineIds[index] }
    @exclusivity(unchecked) private(set) var claimChargeCents: Int64 = 0
    @exclusivity(unchecked) private(set) var claimFindings: [ClaimFileFinding] = []
    @exclusivity(unchecked) private(set) var lineFindings: [(line: Int, finding: ClaimFileFinding)] = []
    /// The bytes of the message just read (copy mode), exactly as in the input: from its MLLP
    /// start byte or its MSH to the next message, batch segment or end of file, framing,
    /// terminators and lines of only spaces included.
    @exclusivity(unchecked) private(set) var messageBytes: [UInt8] = []
    /// Copy mode: the bytes read since the current message began (or, outside one, since the last
    /// batch segment), and where the current segment's line starts in them (its MLLP start byte
    /// included, also one on a line of its own before it).
    @exclusivity(unchecked) private var unitBytes: [UInt8] = []
    @exclusivity(unchecked) private var segmentOffset = 0
    /// The last terminator read (CR, LF or CRLF), written after a message whose last segment has
    /// none (at the end of the file), so that the next message in the same output starts a line.
    /// Kept as two values, not an array: it changes on every line of both passes.
    @exclusivity(unchecked) private var lastTerminatorByte: UInt8 = 0x0D
    @exclusivity(unchecked) private var lastTerminatorIsCRLF = false
    private var lastTerminator: [UInt8] { lastTerminatorIsCRLF ? [0x0D, 0x0A] : [lastTerminatorByte] }
    /// The byte that ended the last line read (CR, LF, 0x1C; 0 at the end of the file).
    @exclusivity(unchecked) private var lineEnd: UInt8 = 0
    /// The last line end read was a bare LF (not the LF of a CRLF); and, for the current segment,
    /// whether the line end before it was one: in a CR-terminated message, a line after a bare LF
    /// is the rest of a value broken over two lines (an NTE's text), not a damaged segment.
    @exclusivity(unchecked) private var lastEndWasBareLF = false
    @exclusivity(unchecked) private var precededByBareLF = false
    @exclusivity(unchecked) var records = CanonicalRecords()
    @exclusivity(unchecked) var envelopeFindings: [ClaimFileFinding] = []
    /// HL7 has no interchange control numbers.
    /// Each message with a control id: its sending application and facility (MSH-3, MSH-4) and
    /// MSH-10, for the run's check that no control id repeats.
    @exclusivity(unchecked) var interchanges: [InterchangeControl] = []
    /// The batch envelope as read: an open BHS and FHS, their messages and batches so far, and
    /// their first message, for BTS-1 and FTS-1 and for a trailer that never came.
    private var batchOpen = false
    private var fileOpen = false
    private var messagesInBatch = 0
    private var batchesInFile = 0
    private var batchFirstClaim = 0
    private var fileFirstClaim = 0
    var rawBytesRead: UInt64 { source.rawBytesRead }
    var segmentCount: Int { position }
    /// In copy mode, also write the records of the next message read (pass 2 recounts held lines).
    @exclusivity(unchecked) var scanNextClaim = false

    @exclusivity(unchecked) private var controlId: [UInt8] = []
    @exclusivity(unchecked) private var version: [UInt8] = []
    /// What the message's version (MSH-12) says of its FT1 layout, read once per message: v2.1 and
    /// v2.2 have no FT1-25/26, v2.1 swaps FT1-10 and FT1-11, FT1-32 and FT1-41 come with v2.6.
    private var beforeFT125 = false
    private var swapsQuantityAndAmount = false
    private var hasFacilityAndRevenueCode = false
    @exclusivity(unchecked) private var patientId: [UInt8] = []
    @exclusivity(unchecked) private var birthDate: [UInt8] = []
    @exclusivity(unchecked) private var sex: [UInt8] = []
    @exclusivity(unchecked) private var payer: [UInt8] = []
    @exclusivity(unchecked) private var inMessage = false
    @exclusivity(unchecked) private var sawCharge = false
    @exclusivity(unchecked) private var sawPatient = false
    @exclusivity(unchecked) private var charges: [[[UInt8]]] = []
    /// The message's DG1 diagnoses: (DG1-15 priority, or none: `Int.max`; order read; DG1-3 code).
    @exclusivity(unchecked) private var messageDiagnoses: [(priority: Int, order: Int, code: [UInt8])] = []

    init(source: InputSource, copy: Bool) {
        self.source = source
        copyMode = copy
    }

    // MARK: - Segments

    private func fill() throws -> Bool {
        if atEnd { return false }
        let n = try scratch.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 {
            atEnd = true
            return false
        }
        if start > 0 {
            storage.removeFirst(start)
            start = 0
        }
        // What is kept is the start of one segment, its end not read yet.
        guard storage.count <= maxSegmentBytes else {
            throw ChunkReader.tooLong(
                "segment \(position + 1)", limit: maxSegmentBytes, file: source.name, line: position + 1)
        }
        storage.append(contentsOf: scratch[0..<n])
        return true
    }

    /// The next non-empty segment (framing bytes removed); false at end of input. In copy mode
    /// every byte read on the way (but a byte order mark) is kept in `unitBytes`.
    private func nextSegment() throws -> Bool {
        var framedLineOffset: Int?
        while true {
            var i = start
            precededByBareLF = lastEndWasBareLF
            while true {
                while i < storage.count {
                    let c = storage[i]
                    if c == 0x0D || c == 0x0A || c == 0x1C { break }
                    i += 1
                }
                if i < storage.count { break }
                let offset = i - start
                if try !fill() { break }
                i = start + offset
            }
            if start >= storage.count && atEnd { return false }
            var from = start
            let to = min(i, storage.count)
            if i < storage.count {
                let c = storage[i]
                if c == 0x0D && i + 1 < storage.count && storage[i + 1] == 0x0A && position == 0 {
                    terminator = [0x0D, 0x0A]
                } else if c == 0x0A && position == 0 {
                    terminator = [0x0A]
                }
                // The LF of a CRLF ends an empty line of its own, right after the CR's.
                if c == 0x0A && i == start && lineEnd == 0x0D {
                    lastTerminatorIsCRLF = true
                    lastEndWasBareLF = false
                } else if c != 0x1C {
                    lastTerminatorByte = c
                    lastTerminatorIsCRLF = false
                    lastEndWasBareLF = c == 0x0A
                }
                lineEnd = c
            } else {
                lineEnd = 0
            }
            // A segment found within one read is held to the limit too (only a segment that ran
            // past a read was, so up to a read's 1 MiB passed any limit).
            if to - from > maxSegmentBytes {
                throw ChunkReader.tooLong(
                    "segment \(position + 1)", limit: maxSegmentBytes, file: source.name, line: position + 1)
            }
            start = min(i + 1, storage.count)
            // MLLP's start byte is framing; spaces and tabs are the segment's own (a value broken
            // over two lines keeps them), except on a line of nothing else, which is skipped.
            // A byte order mark, on the input's first line only: after a blank line the three
            // bytes are no mark but damage, kept with the message (they were dropped).
            if !pastFirstLine && storage[from..<to].starts(with: [0xEF, 0xBB, 0xBF]) { from += 3 }
            pastFirstLine = true
            let line = storage[from..<start]
            while from < to && storage[from] == 0x0B { from += 1 }
            // So is a DOS end-of-file mark (Ctrl-Z) on its own line: it held the message before it.
            if storage[from..<to].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0B || $0 == 0x1A }) {
                if copyMode {
                    // A start byte on a line of its own goes with the segment after it.
                    if framedLineOffset == nil && line.contains(0x0B) { framedLineOffset = unitBytes.count }
                    unitBytes.append(contentsOf: line)
                }
                continue
            }
            if copyMode {
                segmentOffset = framedLineOffset ?? unitBytes.count
                unitBytes.append(contentsOf: line)
            }
            segment = Array(storage[from..<to])
            position += 1
            return true
        }
    }

    private var segmentId: String { String(decoding: segment.prefix(3), as: UTF8.self) }

    /// The current segment's id as an error on stderr may name it: one HL7 v2 defines
    /// (`standardSegmentIds`), ended by the field separator or the segment; nil otherwise. The
    /// first three bytes of any line are not echoed: in a dump cut inside a PID they are the
    /// patient's name, or terminal control bytes; a shape check alone (an uppercase letter, then
    /// uppercase letters or digits) would still pass a three-letter surname such as "DOE".
    private var standardSegmentId: String? {
        guard segment.count == 3 || (segment.count > 3 && segment[3] == fieldSeparator) else { return nil }
        let id = String(decoding: segment.prefix(3), as: UTF8.self)
        return Self.standardSegmentIds.contains(id) ? id : nil
    }

    /// Message types of HL7 table 0076 that a feed may send where a DFT was expected.
    static let messageTypes: Set<String> = [
        "ACK", "ADR", "ADT", "BAR", "CRM", "DFT", "MDM", "MFK", "MFN", "OMG", "OML", "OMP", "ORL", "ORM", "ORU", "OUL",
        "PPR", "QBP", "QRY", "RAS", "RDE", "RDS", "RGV", "RRE", "RSP", "SIU", "SRM", "VXU",
    ]

    /// Segments of HL7 v2 a charge feed carries: those of DFT^P03 (v2.3–v2.8), the batch
    /// envelope, and the acknowledgement and order segments found beside them.
    static let standardSegmentIds: Set<String> = [
        "ACC", "AL1", "ARV", "BHS", "BTS", "CTI", "DB1", "DG1", "DRG", "ERR", "EVN", "FHS", "FT1", "FTS", "GT1",
        "IN1", "IN2", "IN3", "MRG", "MSA", "MSH", "NK1", "NTE", "OBR", "OBX", "ORC", "PD1", "PID", "PR1", "PRA",
        "PRT", "PV1", "PV2", "ROL", "RXA", "RXC", "RXE", "RXR", "SFT", "SPM", "TQ1", "TQ2", "UB1", "UB2",
    ]

    /// Raw field `n` of the current segment (MSH counts MSH-1 as the separator itself).
    private func field(_ n: Int) -> ArraySlice<UInt8> {
        let isMSH =
            segment.starts(with: [0x4D, 0x53, 0x48]) || segment.starts(with: [0x42, 0x48, 0x53])
            || segment.starts(with: [0x46, 0x48, 0x53])
        let index = isMSH ? n - 1 : n
        if isMSH && n == 1 { return segment.count > 3 ? segment[3..<4] : [] }
        var k = 0
        var from = 0
        for i in 0...segment.count where i == segment.count || segment[i] == fieldSeparator {
            if k == index { return segment[from..<i] }
            k += 1
            from = i + 1
        }
        return []
    }

    /// Component `c` (1-based) of repetition `r` (0-based) of field `n`, escapes decoded. HL7's
    /// null, `""` ("no value", as senders write it to clear a field), reads as empty.
    private func value(_ n: Int, component c: Int = 1, repetition r: Int = 0, subcomponent s: Int = 1) -> [UInt8] {
        let raw = field(n)
        func part(_ slice: ArraySlice<UInt8>, _ separator: UInt8, _ index: Int) -> ArraySlice<UInt8> {
            var k = 0
            var from = slice.startIndex
            for i in slice.startIndex...slice.endIndex where i == slice.endIndex || slice[i] == separator {
                if k == index { return slice[from..<i] }
                k += 1
                from = i + 1
            }
            return []
        }
        let repetition = part(raw, repetitionSeparator, r)
        let component = part(repetition, componentSeparator, c - 1)
        let sub = part(component, subcomponentSeparator, s - 1)
        if sub.count == 2 && sub.first == 0x22 && sub.last == 0x22 { return [] }
        return unescape(sub)
    }

    private func repetitions(_ n: Int) -> Int {
        let raw = field(n)
        if raw.isEmpty { return 0 }
        return raw.reduce(1) { $0 + ($1 == repetitionSeparator ? 1 : 0) }
    }

    /// The date of an HL7 date/time (`YYYYMMDD[HHMM…]`): its first eight bytes when they are
    /// digits, ten when the sender wrote it `YYYY-MM-DD` (cut at eight, a finding showed
    /// `2026-05-`), else the value whole, for the date rules to read or refuse as they would an
    /// extract's (`06/10/2026` was cut to `06/10/20` and refused showing that).
    static func datePart(_ value: [UInt8]) -> [UInt8] {
        if value.count >= 8 && value.prefix(8).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Array(value.prefix(8))
        }
        if value.count >= 10 && value[4] == 0x2D && value[7] == 0x2D { return Array(value.prefix(10)) }
        return value
    }

    /// The bytes an even run of hexadecimal digits spells, or nil.
    static func hexBytes(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = digits.startIndex
        while i < digits.endIndex {
            guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private func unescape(_ text: ArraySlice<UInt8>) -> [UInt8] {
        guard text.contains(escapeCharacter) else { return Array(text) }
        var out: [UInt8] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == escapeCharacter, i + 1 < text.endIndex, text[i + 1] == 0x58,
                let close = text[(i + 2)...].firstIndex(of: escapeCharacter),
                let bytes = Self.hexBytes(text[(i + 2)..<close])
            {
                // \Xhh…\: bytes given in hexadecimal (`\X3336343135\` is 36415).
                out.append(contentsOf: bytes)
                i = close + 1
                continue
            }
            if c == escapeCharacter, i + 2 < text.endIndex, text[i + 2] == escapeCharacter {
                switch text[i + 1] {
                case 0x46: out.append(fieldSeparator)
                case 0x53: out.append(componentSeparator)
                case 0x54: out.append(subcomponentSeparator)
                case 0x52: out.append(repetitionSeparator)
                case 0x45: out.append(escapeCharacter)
                case 0x50 where truncationCharacter != nil: out.append(truncationCharacter!)
                default: out.append(contentsOf: text[i...(i + 2)])
                }
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    // MARK: - Messages

    func nextClaim() throws -> Bool {
        while true {
            if pending {
                pending = false
            } else if try !nextSegment() {
                if inMessage {
                    finishMessage(bytesBefore: unitBytes.count)
                    return true
                }
                closeEnvelope(batch: "the file ends first", file: true)
                return false
            }
            let id = segmentId
            switch id {
            case "MSH":
                if inMessage {
                    pending = true
                    finishMessage(bytesBefore: segmentOffset)
                    return true
                }
                startMessage()
            case "FHS", "BHS", "BTS", "FTS":
                if inMessage {
                    pending = true
                    finishMessage(bytesBefore: segmentOffset)
                    return true
                }
                // The writers rebuild the batch envelope: its bytes, and those up to the next
                // message, are no message's.
                if copyMode { unitBytes.removeAll(keepingCapacity: true) }
                if id == "FHS" {
                    readSeparators()
                    fileHeader = segment
                    closeEnvelope(batch: "a new FHS came first", file: true)
                    fileOpen = true
                    batchesInFile = 0
                    fileFirstClaim = claimOrdinal + 1
                } else if id == "BHS" {
                    readSeparators()
                    batchHeader = segment
                    batchSerial += 1
                    closeEnvelope(batch: "a new BHS came first", file: false)
                    batchOpen = true
                    messagesInBatch = 0
                    batchesInFile += 1
                    batchFirstClaim = claimOrdinal + 1
                } else if id == "BTS" {
                    // A message after the trailer is in no batch (it joined the one before).
                    batchHeader = []
                    if batchOpen { checkCount("BTS-1", messagesInBatch, "messages", "batch", from: batchFirstClaim) }
                    batchOpen = false
                } else {
                    closeEnvelope(batch: "FTS came first", file: false)
                    if fileOpen { checkCount("FTS-1", batchesInFile, "batches", "file", from: fileFirstClaim) }
                    fileOpen = false
                }
            default:
                // Outside any message (before the first MSH, or after a batch trailer) a segment belongs
                // to no unit that could be held: the file itself is broken.
                guard inMessage else {
                    let what = standardSegmentId ?? "a line that is not a standard HL7 segment,"
                    throw ScrubError(
                        "segment \(position): \(what) outside a message (an HL7 message must start with MSH)",
                        file: source.name, line: position)
                }
                handle(id)
            }
        }
    }

    private func readSeparators() {
        guard segment.count >= 8 else { return }
        fieldSeparator = segment[3]
        componentSeparator = segment[4]
        repetitionSeparator = segment[5]
        escapeCharacter = segment[6]
        subcomponentSeparator = segment[7]
        truncationCharacter = segment.count > 8 && segment[8] != fieldSeparator ? segment[8] : nil
    }

    /// X01 over the batch's or file's messages when its trailer's count (BTS-1, FTS-1) is not
    /// what it holds: a receiver rejects the batch (a cut or spliced file passed clean).
    private func checkCount(_ field: String, _ count: Int, _ what: String, _ unit: String, from first: Int) {
        let said = value(1)
        guard !said.isEmpty, said != Array(String(count).utf8) else { return }
        envelopeFindings.append(
            ClaimFileFinding(
                claims: first..<max(first, claimOrdinal + 1), rule: .X01, position: position, field: field,
                message:
                    "segment \(position): \(field) says \(String(decoding: said.prefix(12), as: UTF8.self)) \(what), "
                    + "the \(unit) has \(count): the receiver rejects the \(unit)"))
    }

    /// X01 over an open batch (and, with `file`, an open file) whose trailer did not come: a file
    /// cut before its BTS or FTS passed clean.
    private func closeEnvelope(batch reason: String, file: Bool) {
        if batchOpen {
            envelopeFindings.append(
                ClaimFileFinding(
                    claims: batchFirstClaim..<max(batchFirstClaim, claimOrdinal + 1), rule: .X01, position: position,
                    field: "BTS", message: "segment \(position): batch without its BTS trailer (\(reason))"))
            batchOpen = false
        }
        if file && fileOpen {
            envelopeFindings.append(
                ClaimFileFinding(
                    claims: fileFirstClaim..<max(fileFirstClaim, claimOrdinal + 1), rule: .X01, position: position,
                    field: "FTS", message: "segment \(position): file without its FTS trailer (\(reason))"))
            fileOpen = false
        }
    }

    private func startMessage() {
        readSeparators()
        messagesInBatch += 1
        inMessage = true
        sawCharge = false
        sawPatient = false
        claimOrdinal += 1
        unitPosition = position
        // What came before the MSH since the last message or batch segment (a byte order mark
        // aside, lines of only spaces) is no message's either.
        if copyMode { unitBytes.removeFirst(segmentOffset) }
        segmentOffset = 0
        controlId = value(10)
        version = value(12)
        swapsQuantityAndAmount = version.starts(with: Array("2.1".utf8))
        beforeFT125 = swapsQuantityAndAmount || version.starts(with: Array("2.2".utf8))
        hasFacilityAndRevenueCode = Self.isVersion(version, atLeast: 2, 6)
        encounterId = []
        patientId = []
        birthDate = []
        sex = []
        payer = []
        linePositions.removeAll(keepingCapacity: true)
        lineIds.removeAll(keepingCapacity: true)
        claimChargeCents = 0
        claimFindings = []
        lineFindings = []
        charges.removeAll(keepingCapacity: true)
        messageDiagnoses.removeAll(keepingCapacity: true)
        checkHeader()
    }

    // MARK: - Structure (X01)

    /// A structural problem of the message: X01 on it, so the message is held whole and the rest of
    /// the file is still read. Only what cannot be tied to a message (a segment before any MSH)
    /// stops the run. It names the segment being read, or `segment` (the message's MSH for what
    /// only its end reveals).
    private func structureError(_ field: String, _ message: String, at segment: Int? = nil) {
        let at = segment ?? position
        claimFindings.append(
            ClaimFileFinding(
                claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: at, field: field,
                message: "segment \(at): \(message)"))
    }

    /// The MSH fields the reader relies on: the encoding characters (MSH-2), the message type
    /// (MSH-9, a DFT), the control id (MSH-10, part of line ids) and the version (MSH-12, which
    /// decides the FT1-10/FT1-11 order and where the procedure is).
    private func checkHeader() {
        if segment.count < 8 || segment[4...7].contains(fieldSeparator) {
            structureError("MSH-2", "MSH without its encoding characters (MSH-1, MSH-2)")
            return
        }
        let type = value(9)
        if type.isEmpty {
            structureError("MSH-9", "MSH-9 message type is missing")
        } else if type != Array("DFT".utf8) {
            // Named only when it is a message type of HL7 table 0076 (ADT, ORU): the field is the
            // sender's bytes, and a misaligned MSH puts anything there, a surname ("DOE") included.
            let text = String(decoding: type, as: UTF8.self)
            let named = Self.messageTypes.contains(text) ? " " + text : ""
            structureError("MSH-9", "MSH-9 message type\(named) is not DFT (a charge message)")
        }
        if controlId.isEmpty {
            structureError("MSH-10", "MSH-10 message control id is missing")
        } else {
            var key = value(3)
            key.append(0x1F)
            key.append(contentsOf: value(4))
            key.append(0x1F)
            key.append(contentsOf: controlId)
            interchanges.append(
                InterchangeControl(
                    key: key, number: String(decoding: controlId, as: UTF8.self),
                    claims: claimOrdinal..<claimOrdinal + 1, position: position, isMessage: true))
        }
        if version.isEmpty { structureError("MSH-12", "MSH-12 version id is missing") }
    }

    private func handle(_ id: String) {
        switch id {
        case "PID":
            // A PID after FT1 without one before is misplaced, already reported on the FT1.
            if sawPatient && sawCharge {
                structureError("PID", "PID after FT1 in one message (the next message's MSH is missing)")
            } else if sawPatient {
                structureError("PID", "a second PID in one message")
            }
            sawPatient = true
            patientId = Self.patientKey(
                repetitions(3), id: { value(3, repetition: $0) }, type: { value(3, component: 5, repetition: $0) },
                authority: { r in
                    // The whole HD: a namespace id, or only a universal id (`&1.2.3&ISO`), which
                    // the first subcomponent alone made empty for every authority.
                    let parts = (1...3).map { value(3, component: 4, repetition: r, subcomponent: $0) }
                    return parts[1].isEmpty && parts[2].isEmpty ? parts[0] : Array(parts.joined(separator: [0x26]))
                })
            birthDate = Self.datePart(value(7))
            sex = value(8)
            // HL7 table 0001 has A (ambiguous), N (not applicable) and O (other) beside F, M and U,
            // and v2.9 X: none is a sex an MCE edit reads, so they are unknown (U), not malformed.
            if sex.count == 1, [0x41, 0x4E, 0x4F, 0x58].contains(sex[0]) { sex = [0x55] }
        case "PV1":
            encounterId = value(19)
        case "IN1":
            if payer.isEmpty { payer = value(3) }
        case "FT1":
            if !sawPatient { structureError("FT1", "FT1 before the message's PID (the charge has no patient)") }
            sawCharge = true
            readCharge()
        case "DG1":
            // DG1-3 (CE/CWE) code, its first component; DG1-15 priority (1 the primary diagnosis).
            let code = value(3)
            if !code.isEmpty {
                let priority = Int(String(decoding: value(15), as: UTF8.self).trimmingCharacters(in: .whitespaces))
                messageDiagnoses.append((priority.map { $0 > 0 ? $0 : .max } ?? .max, messageDiagnoses.count, code))
            }
        default:
            // Segments the reader has no use for (NTE, a site's Z segments) are passed over;
            // a line that is no segment at all (an indented or lower-case FT1, binary bytes) may be
            // a charge or a patient the reader cannot see: the message is held, not passed unread.
            if !hasSegmentIdShape && !isContinuationLine {
                structureError("segment", "a line that is not an HL7 segment inside the message (damaged?)")
            }
        }
    }

    /// The current line follows a bare LF and ends with a CR of its own (not a CRLF): the second
    /// line of a value broken over two lines in a CR-terminated message.
    private var isContinuationLine: Bool {
        precededByBareLF && lineEnd == 0x0D && (start >= storage.count || storage[start] != 0x0A)
    }

    /// An HL7 segment id: an uppercase letter, then two uppercase letters or digits, ended by the
    /// field separator or the segment's end.
    private var hasSegmentIdShape: Bool {
        guard segment.count == 3 || (segment.count > 3 && segment[3] == fieldSeparator) else { return false }
        @inline(__always) func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        @inline(__always) func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        return upper(segment[0]) && (upper(segment[1]) || digit(segment[1])) && (upper(segment[2]) || digit(segment[2]))
    }

    /// True when an MSH-12 version id (`2.5`, `2.5.1`, `2.6`, `2.8.2`) is `major.minor` or later.
    static func isVersion(_ id: [UInt8], atLeast major: Int, _ minor: Int) -> Bool {
        var parts: [Int] = []
        var current: Int?
        for c in id {
            if c >= 0x30 && c <= 0x39 {
                current = (current ?? 0) * 10 + Int(c - 0x30)
                if current! > 1000 { return false }
            } else if c == 0x2E, let n = current {
                parts.append(n)
                current = nil
            } else {
                break
            }
        }
        if let current { parts.append(current) }
        guard let first = parts.first else { return false }
        let second = parts.count > 1 ? parts[1] : 0
        return first > major || (first == major && second >= minor)
    }

    private func readCharge() {
        let old = beforeFT125
        let swapped = swapsQuantityAndAmount
        var lineId = value(2)
        if lineId.isEmpty {
            // FT1-1 (set id) empty too, as some senders leave it: `#` and the FT1's place in its
            // message, so the message's lines keep distinct ids (all were `MSH-10:`), also from a
            // set id equal to a place (`FT1||` then `FT1|1|`).
            let setId = value(1)
            lineId = controlId + [0x3A] + (setId.isEmpty ? Array("#\(lineIds.count + 1)".utf8) : setId)
        }
        linePositions.append(position)
        lineIds.append(lineId)
        let quantity = value(swapped ? 11 : 10)
        var amount = value(swapped ? 10 : 11)
        let type = value(6)
        if amount.isEmpty {
            // FT1-11 (extended amount) is optional: a feed that prices each unit sends FT1-12
            // (unit amount) alone, and the charge is that times FT1-10 (1 when empty). It was S02.
            let unit = value(12)
            // The quantity in thousandths (`ChargeParser.units`): 2.5 units of 18.00 are 45.00, to
            // the cent, half a cent up. A unit price may be finer than a cent (a drug's 0.125 a
            // unit; it was read as no amount, S02): to the hundred-thousandth.
            let count = quantity.isEmpty ? 1000 : quantity.withUnsafeBytes { ChargeParser.units($0) }
            let unitPrice = unit.withUnsafeBytes { Money.unitPrice($0) }
            if let price = unitPrice, let count {
                // Thousandths of a unit times 10^-5 dollars: 10^-8 dollars, 10^6 to the cent. The
                // product takes 128 bits (below 2^75: a price under 10^13, a count under 2^31);
                // the cents fit 64 (below 2^55), and one over the maximum a line may hold is S03.
                let perCent: Int64 = 1_000_000
                let (quotient, remainder) = perCent.dividingFullWidth(price.multipliedFullWidth(by: Int64(count)))
                let cents = quotient + (remainder >= perCent / 2 ? 1 : remainder <= -perCent / 2 ? -1 : 0)
                amount = Array(Money.format(cents).utf8)
                // (A credit of 0 units is a dollar adjustment, as in an extract.)
                if count == 0 && price > 0 && type != Array("CD".utf8) {
                    // A unit priced and none billed: no service to bill, as a line of 0 units with
                    // a charge (S03 there). Priced at 0.00 it passed clean.
                    lineFindings.append(
                        (
                            lineIds.count - 1,
                            ClaimFileFinding(
                                claims: claimOrdinal..<claimOrdinal + 1, rule: .S03, position: position, field: "units",
                                value: String(decoding: quantity.prefix(20), as: UTF8.self),
                                message: "units is 0 on a line with a unit price (FT1-12): nothing is billed")
                        ))
                }
            } else if !unit.isEmpty && unitPrice == nil {
                // Not a price: the line's S03 quotes it, where an empty amount said S02. A price
                // with a quantity that is none leaves the amount empty (S02 beside the units' S03):
                // the price alone was taken as the line's charge.
                amount = unit
            }
        }
        // FT1-6 (HL7 table 0017): CG a charge, CD a credit; a payment (PY), an adjustment (AJ) or a
        // co-payment (CO) is no charge to scrub, and was scrubbed as one (its "code" C01). Its
        // message is held (X01); the line counts among the lines in with no amount, and stays out
        // of the encounter edits: a payment of one visit's amount was an exact duplicate of its
        // charge, added units to its MUE sum, and as a negative amount cancelled a charge.
        if !type.isEmpty && type != Array("CG".utf8) && type != Array("CD".utf8) {
            var finding = ClaimFileFinding(
                claims: claimOrdinal..<claimOrdinal + 1, rule: .X01, position: position, field: "FT1-6",
                value: String(decoding: type.prefix(10), as: UTF8.self),
                message: "transaction type is not a charge (CG) or a credit (CD): the line is no charge to scrub")
            finding.notACharge = true
            lineFindings.append((lineIds.count - 1, finding))
            amount = Array("0.00".utf8)
        }
        if type == Array("CD".utf8) { amount = Self.negated(amount) }
        // FT1-4 as a range (DR, `20260625^20260705`): its end, for the D01 of a range that ends
        // after the as-of date (the start is the date of service).
        let start = Self.datePart(value(4))
        let endText = Self.datePart(value(4, component: 2))
        let end = endText.withUnsafeBytes { DayNumber.parse($0) }
        if DayNumber.isDate(end), end > start.withUnsafeBytes({ DayNumber.parse($0) }) {
            lineFindings.append((lineIds.count - 1, .rangeEnd(end, claim: claimOrdinal, position: position)))
        }
        if let cents = amount.withUnsafeBytes({ Money.cents($0) }) { claimChargeCents += cents }
        let fromFT125 = old ? [] : procedureCode(25)
        let procedure = fromFT125.isEmpty ? procedureCode(7) : fromFT125
        var modifiers: [[UInt8]] = []
        if !old { for r in 0..<repetitions(26) { modifiers.append(value(26, repetition: r)) } }
        // Every FT1-19 repetition: past twelve they reach the rules through diagnosis records.
        var diagnoses: [[UInt8]] = []
        for r in 0..<repetitions(19) { diagnoses.append(value(19, repetition: r)) }
        // Fields are gathered now and written at the end of the message, when PV1 and PID are known.
        var fields: [[UInt8]] = [
            lineId, start, Self.datePart(value(5)), value(13), performerNPI(), procedure,
        ]
        for k in 0..<4 { fields.append(k < modifiers.count ? modifiers[k] : []) }
        // Past four (a claim line carries four): in the `modifiers` column, where the parser holds
        // the line with C07 instead of the rest being dropped.
        let extra = modifiers.count > 4 ? Array(modifiers[4...].joined(separator: [0x3A])) : []
        fields.append(quantity)
        fields.append(amount)
        // DOMAIN.md names no FT1/PV1 field for these three; the v2 FT1 layout's own fields are used:
        // billing NPI from FT1-32 Performing Facility (XON-10 organization identifier, else the
        // older XON-3 id number), place of service from FT1-16 Assigned Patient Location (PL-1,
        // where charge interfaces put the CMS code), revenue code from FT1-41. FT1-32 and FT1-41
        // came with v2.6: before it FT1 ends at FT1-31, and what a sender puts past that is its
        // own (read as a revenue code, it made a line institutional, or held it with C10).
        let since26 = hasFacilityAndRevenueCode
        let facility = since26 ? value(32, component: 10) : []
        fields.append(facility.isEmpty && since26 ? value(32, component: 3) : facility)
        // PL-1 is a place of service only when it has a CMS code's form (two digits); most feeds
        // put the nursing unit there (`4WEST`), and every such message was held with C08.
        let location = value(16)
        fields.append(location.count == 2 && location.allSatisfy { $0 &- 0x30 < 10 } ? location : [])
        fields.append(since26 ? value(41) : [])
        fields.append(extra)
        fields.append(contentsOf: diagnoses)
        charges.append(fields)
    }

    /// A credit's amount as a negative one: `100.00` and `+100.00` become `-100.00`; one negative
    /// already (`-100.00`, `(100.00)`) stays. A `+` kept behind the inserted `-` made the amount
    /// unreadable (S03).
    static func negated(_ amount: [UInt8]) -> [UInt8] {
        guard let at = amount.firstIndex(where: { $0 != 0x20 }) else { return amount }
        switch amount[at] {
        case 0x2D, 0x28: return amount
        case 0x2B:
            var result = amount
            result[at] = 0x2D
            return result
        default: return [0x2D] + amount[at...]
        }
    }

    /// Coding systems (HL7 table 0396) whose codes are CPT or HCPCS codes.
    private static let procedureCodingSystems: Set<[UInt8]> = Set(
        ["C4", "C5", "CPT", "CPT4", "CPT-4", "HCPCS", "HPC"].map { Array($0.utf8) })

    /// The procedure code of a CE/CWE field (FT1-25, FT1-7): its identifier (component 1), or
    /// its alternate identifier (component 4) when that one is coded in CPT or HCPCS (component
    /// 6) and the first is not (component 3 names another system, a chargemaster's `99LOCAL`,
    /// or is empty beside an empty identifier). `CDM556^Visit^99LOCAL^99214^Office visit^C4`
    /// is 99214: the chargemaster code was C01.
    private func procedureCode(_ n: Int) -> [UInt8] {
        let identifier = value(n)
        let alternate = value(n, component: 4)
        guard !alternate.isEmpty, Self.procedureCodingSystems.contains(value(n, component: 6)) else {
            return identifier
        }
        let system = value(n, component: 3)
        if identifier.isEmpty || (!system.isEmpty && !Self.procedureCodingSystems.contains(system)) {
            return alternate
        }
        return identifier
    }

    /// The patient of PID-3 (CX): the repetition whose identifier type (CX-5) is MR, the medical
    /// record number, else the first; its id (CX-1) with its assigning authority (CX-4) when
    /// there is one, since an id is unique only within its authority: two hospitals' patient 1
    /// were one patient, and each other's duplicates.
    static func patientKey(
        _ count: Int, id: (Int) -> [UInt8], type: (Int) -> [UInt8], authority: (Int) -> [UInt8]
    ) -> [UInt8] {
        let r = (0..<count).first { type($0) == Array("MR".utf8) } ?? 0
        let owner = authority(r)
        return owner.isEmpty ? id(r) : id(r) + [0x5E] + owner
    }

    /// The rendering NPI of FT1-20 Performed By Code (XCN): the id (XCN-1) of the repetition whose
    /// identifier type (XCN-13) is NPI, else of the first when it names no type. An id of another
    /// type (a local doctor number, `DN`) is no NPI: read as one it held the message with C09,
    /// beside the NPI of the next repetition.
    private func performerNPI() -> [UInt8] {
        let count = repetitions(20)
        if let r = (0..<count).first(where: { value(20, component: 13, repetition: $0) == Array("NPI".utf8) }) {
            return value(20, repetition: r)
        }
        return value(20, component: 13).isEmpty ? value(20) : []
    }

    /// Ends the message; in copy mode its bytes are the first `bytesBefore` of `unitBytes` (the
    /// rest is the segment that ends it, which starts the next unit).
    private func finishMessage(bytesBefore end: Int) {
        inMessage = false
        if copyMode {
            messageBytes.removeAll(keepingCapacity: true)
            messageBytes.append(contentsOf: unitBytes[..<end])
            unitBytes.removeFirst(end)
            segmentOffset = 0
            // The last segment of a file without a final terminator: the next message written
            // after it must not continue its line.
            if let last = messageBytes.last, last != 0x0D && last != 0x0A && last != 0x1C {
                messageBytes.append(contentsOf: lastTerminator)
            }
        }
        // Found at the message's end, which is the next message's MSH: named at its own MSH.
        if sawCharge && !sawPatient { structureError("PID", "message without a PID segment", at: unitPosition) }
        if !sawCharge { structureError("FT1", "message without FT1 (no charge)", at: unitPosition) }
        guard !copyMode || scanNextClaim else { return }
        // A charge without FT1-19 takes the message's DG1 diagnoses (many charge feeds send them
        // there, once a message), by DG1-15 priority, then in the order read; the primary first.
        let fromDG1 = messageDiagnoses.sorted { ($0.priority, $0.order) < ($1.priority, $1.order) }.map(\.code)
        for k in charges.indices where !fromDG1.isEmpty && charges[k][16...].allSatisfy(\.isEmpty) {
            charges[k].removeSubrange(16...)
            charges[k].append(contentsOf: fromDG1)
        }
        for f in charges {
            records.field(f[0])
            records.field(encounterId)
            records.field(patientId)
            records.field(birthDate)
            records.field(sex)
            records.field(f[1])  // service date
            records.field(f[2])  // post date
            records.field(f[3])  // department
            records.field(f[4])  // rendering
            records.field(f[12])  // billing NPI
            records.field(f[13])  // place of service
            records.field(f[5])
            for k in 0..<4 { records.field(f[6 + k]) }
            records.field(f[10])
            records.field(f[11])
            records.diagnosisFields(count: f.count - 16) { f[16 + $0] }
            records.field(f[14])  // revenue code
            records.emptyField()  // ndc
            records.field(payer)
            records.emptyField()  // bill type (an 837I's)
            records.field(f[15])  // modifiers past the fourth
            records.endRecord()
        }
    }
}

/// Writes messages to `clean.hl7` / `held.hl7`: each message's bytes as read (its own MLLP framing
/// and terminators: a file may mix them), and the batch envelope (FHS/BHS, BTS/FTS with rebuilt
/// counts). Writing the framing and the terminators anew from one flag per file was rejected: it
/// changed the bytes of every message that did not share the first one's.
///
/// The envelope's segments all end with the terminator of the output's first segment (an
/// envelope segment's, from its input file, or the first message's own), so that scrubbing the
/// output again gives the same bytes: its reader takes that terminator. A batch is one input
/// file's batch: batch numbers restart in each file, so the file's name is part of its identity
/// (a second file's first batch joined the first file's before). A message outside any batch
/// closes the batch before it, and an FHS without batches keeps its FHS/FTS. An FHS is the first
/// segment of a file or nowhere: a later input's FHS, after messages are written, is left out (its
/// batches are kept).
final class HL7MessageWriter: ClaimUnitWriter {
    let output: OutputFile
    @exclusivity(unchecked) private var batch: (file: String, serial: Int)?
    @exclusivity(unchecked) private var fileOpen = false
    /// Something is written: an FHS could no longer be the output's first segment.
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var messages = 0
    @exclusivity(unchecked) private var batches = 0
    /// The terminator of the output's first segment, set by the first write.
    @exclusivity(unchecked) private var terminator: [UInt8]?
    @exclusivity(unchecked) private var separator: UInt8 = 0x7C

    init(output: OutputFile) { self.output = output }

    private var inBatch: Bool { batch != nil }

    private func writeEnvelope(_ segment: [UInt8], of message: HL7MessageReader) throws {
        if terminator == nil { terminator = message.terminator }
        try output.write(segment + terminator!)
    }

    func write(_ reader: any ClaimUnitReader) throws {
        let message = reader as! HL7MessageReader
        let file = message.source.name
        if terminator == nil && message.batchHeader.isEmpty && message.fileHeader.isEmpty {
            terminator = Self.firstTerminator(message.messageBytes)
        }
        if message.batchHeader.isEmpty || batch.map({ $0.file != file || $0.serial != message.batchSerial }) ?? true {
            try closeBatch()
        }
        if !fileOpen && !started && !message.fileHeader.isEmpty {
            separator = message.fileHeader.count > 3 ? message.fileHeader[3] : 0x7C
            try writeEnvelope(message.fileHeader, of: message)
            fileOpen = true
        }
        if !message.batchHeader.isEmpty && !inBatch {
            separator = message.batchHeader.count > 3 ? message.batchHeader[3] : 0x7C
            try writeEnvelope(message.batchHeader, of: message)
            batch = (file, message.batchSerial)
            batches += 1
            messages = 0
        }
        try output.write(message.messageBytes)
        messages += 1
        started = true
    }

    /// The terminator of a message's first segment (CR, LF or CRLF), as a reader of the output
    /// would take it; CR when it has none.
    static func firstTerminator(_ bytes: [UInt8]) -> [UInt8] {
        guard let i = bytes.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) else { return [0x0D] }
        if bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { return [0x0D, 0x0A] }
        return [bytes[i]]
    }

    private func closeBatch() throws {
        guard inBatch else { return }
        try output.write(Array("BTS".utf8) + [separator] + Array(String(messages).utf8) + (terminator ?? [0x0D]))
        batch = nil
    }

    func finish() throws {
        try closeBatch()
        if fileOpen {
            try output.write(Array("FTS".utf8) + [separator] + Array(String(batches).utf8) + (terminator ?? [0x0D]))
        }
    }
}
